"""The behaviour catalogues NOS Hub maps to, read from the real data files (or, for Scotland's
Meta-skills and O*NET's Work Style definitions, entered here as reference data with their source).

Every reader raises `ImportRejected` naming the file (and row or JSON path) it cannot use.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from noshub.core.errors import ImportRejected

ESCO, IFATE, ONET, META = "esco", "ifate", "onet", "metaskills"
SCHEMES: dict[str, dict[str, str]] = {
    ESCO: {
        "name": "ESCO transversal skills and competences",
        "source": "European Commission, ESCO v1.2.0 (CC BY 4.0)",
        "uri": "http://data.europa.eu/esco/concept-scheme/skill-transversal-groups",
    },
    IFATE: {
        "name": "IfATE apprenticeship standards: behaviours",
        "source": "Institute for Apprenticeships and Technical Education, standards as served in March 2021 (OGL v3)",
        "uri": "https://www.instituteforapprenticeships.org/apprenticeship-standards/",
    },
    ONET: {
        "name": "O*NET Work Styles",
        "source": "O*NET 29.3, Work Styles (1.C), O*NET Resource Center (CC BY 4.0)",
        "uri": "https://www.onetcenter.org/content.html/1.C",
    },
    META: {
        "name": "Meta-skills (Scotland)",
        "source": "Skills Development Scotland, Skills 4.0: a skills model to drive Scotland's future (2018)",
        "uri": "https://www.skillsdevelopmentscotland.co.uk/what-we-do/skills-planning-and-alignment/meta-skills",
    },
}


@dataclass(frozen=True)
class Concept:
    """One concept of a reference catalogue: an ESCO transversal skill, an IfATE behaviour …"""

    scheme: str
    id: str
    label: str
    definition: str = ""
    alt_labels: tuple[str, ...] = ()
    uri: str = ""
    group: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.scheme}:{self.id}"

    def texts(self) -> list[str]:
        """Every wording of the concept (label, definition, alternative labels)."""
        return [t for t in (self.label, self.definition, *self.alt_labels) if t]


# -- Scotland's Meta-skills: 12 skills in three groups (Skills Development Scotland, 2018) ----------
# Definitions are NOS Hub's short summaries of SDS's published descriptions; components as SDS lists them.
META_SKILLS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "Self-management",
        "Focusing",
        "Sorting, filtering and paying attention to what matters, and keeping concentration on a task.",
        ("sorting", "attention", "filtering"),
    ),
    (
        "Self-management",
        "Integrity",
        "Acting honestly and ethically, knowing oneself and keeping self-control.",
        ("self-awareness", "ethics", "self-control"),
    ),
    (
        "Self-management",
        "Adapting",
        "Learning for oneself, being flexible when things change and recovering from setbacks.",
        ("self-learning", "adaptability", "resilience"),
    ),
    (
        "Self-management",
        "Initiative",
        "Taking the first step without being asked: self-belief, self-motivation, courage and willingness to take risks.",
        ("courage", "self-motivation", "self-belief", "risk-taking"),
    ),
    (
        "Social intelligence",
        "Communicating",
        "Receiving and giving information clearly: listening, explaining and telling a story others follow.",
        ("receiving information", "listening", "giving information", "storytelling"),
    ),
    (
        "Social intelligence",
        "Feeling",
        "Understanding and sharing the feelings of others, and acting with empathy and a social conscience.",
        ("empathy", "social conscience"),
    ),
    (
        "Social intelligence",
        "Collaborating",
        "Building relationships and working with others in a team towards a shared goal.",
        ("relationship building", "teamworking", "collaboration technology", "social perceptiveness"),
    ),
    (
        "Social intelligence",
        "Leading",
        "Inspiring and influencing others to act towards a goal.",
        ("inspiring others", "influencing"),
    ),
    (
        "Innovation",
        "Curiosity",
        "Observing, questioning and looking for information to find and understand problems.",
        ("observation", "questioning", "information sourcing", "problem recognition"),
    ),
    (
        "Innovation",
        "Creativity",
        "Imagining and generating new ideas and making them real.",
        ("imagination", "generating ideas", "visualising", "maker mindset"),
    ),
    (
        "Innovation",
        "Sense-making",
        "Seeing patterns and the whole picture, analysing and synthesising information to spot opportunities.",
        ("pattern recognition", "holistic thinking", "synthesis", "opportunity recognition", "analysis"),
    ),
    (
        "Innovation",
        "Critical thinking",
        "Breaking problems down, thinking logically and making sound judgements.",
        ("deconstruction", "logical thinking", "judgement", "computational thinking"),
    ),
)


def meta_skills() -> list[Concept]:
    base = SCHEMES[META]["uri"]
    return [
        Concept(
            META, name.lower().replace(" ", "-"), name, definition, components, f"{base}#{name.lower().replace(' ', '-')}", group
        )
        for group, name, definition, components in META_SKILLS
    ]


# -- O*NET Work Styles: the 16 elements of the content model's 1.C, with O*NET's own descriptions --
ONET_DEFINITIONS: dict[str, str] = {
    "Achievement/Effort": "Job requires establishing and maintaining personally challenging achievement goals and exerting effort toward mastering tasks.",
    "Persistence": "Job requires persistence in the face of obstacles.",
    "Initiative": "Job requires a willingness to take on responsibilities and challenges.",
    "Leadership": "Job requires a willingness to lead, take charge, and offer opinions and direction.",
    "Cooperation": "Job requires being pleasant with others on the job and displaying a good-natured, cooperative attitude.",
    "Concern for Others": "Job requires being sensitive to others' needs and feelings and being understanding and helpful on the job.",
    "Social Orientation": "Job requires preferring to work with others rather than alone, and being personally connected with others on the job.",
    "Self-Control": "Job requires maintaining composure, keeping emotions in check, controlling anger, and avoiding aggressive behavior, even in very difficult situations.",
    "Stress Tolerance": "Job requires accepting criticism and dealing calmly and effectively with high-stress situations.",
    "Adaptability/Flexibility": "Job requires being open to change (positive or negative) and to considerable variety in the workplace.",
    "Dependability": "Job requires being reliable, responsible, and dependable, and fulfilling obligations.",
    "Attention to Detail": "Job requires being careful about detail and thorough in completing work tasks.",
    "Integrity": "Job requires being honest and ethical.",
    "Independence": "Job requires developing one's own ways of doing things, guiding oneself with little or no supervision, and depending on oneself to get things done.",
    "Innovation": "Job requires creativity and alternative thinking to develop new ideas for and answers to work-related problems.",
    "Analytical Thinking": "Job requires analyzing information and using logic to address work-related issues and problems.",
}


def onet_work_styles(path: Path) -> list[Concept]:
    """The Work Styles named in O*NET's `Work Styles.txt` (element id and name), with their descriptions."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            missing = {"Element ID", "Element Name"} - set(reader.fieldnames or ())
            if missing:
                raise ImportRejected(path.name, f"no column {', '.join(sorted(missing))}", row=1)
            seen: dict[str, str] = {}
            for row in reader:
                seen.setdefault(row["Element ID"].strip(), row["Element Name"].strip())
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejected(path.name, f"cannot be read ({exc})") from exc
    return [
        Concept(
            ONET,
            eid,
            name,
            ONET_DEFINITIONS.get(name, ""),
            (),
            f"https://www.onetonline.org/find/descriptor/result/{eid}",
            "Work Styles",
        )
        for eid, name in sorted(seen.items())
        if eid and name
    ]


ESCO_COLUMNS = ("conceptUri", "preferredLabel", "altLabels", "description")


def esco_transversal(path: Path) -> list[Concept]:
    """ESCO's transversal skills and competences collection (95 concepts, with alternative labels)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = set(ESCO_COLUMNS) - set(reader.fieldnames or ())
            if missing:
                raise ImportRejected(path.name, f"no column {', '.join(sorted(missing))}", row=1)
            out = []
            for number, row in enumerate(reader, start=2):
                uri, label = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
                if not uri or not label:
                    raise ImportRejected(
                        path.name,
                        "a concept needs conceptUri and preferredLabel",
                        row=number,
                        field="conceptUri" if not uri else "preferredLabel",
                    )
                alts = tuple(a.strip() for a in (row.get("altLabels") or "").replace("\n", "|").split("|") if a.strip())
                out.append(
                    Concept(
                        ESCO,
                        uri.rsplit("/", 1)[-1],
                        label,
                        " ".join((row.get("description") or "").split()),
                        alts,
                        uri,
                        (row.get("broaderConceptPT") or "").split("|")[0].strip(),
                    )
                )
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejected(path.name, f"cannot be read ({exc})") from exc
    return out


@dataclass(frozen=True)
class LabelledStatement:
    """An IfATE knowledge item, skill or behaviour of one standard: the detector's labelled data."""

    standard: str  # the standard's LARS code: the group whole-standard folds hold out
    standard_title: str
    kind: str  # "knowledge" | "skill" | "behaviour"
    text: str
    id: str = ""


KSB_KEYS = (
    ("knowledge", "knowledges", "knowledgeId"),
    ("skill", "skills", "skillId"),
    ("behaviour", "behaviours", "behaviourId"),
)


def ifate_json(path: Path) -> list[dict]:
    """The IfATE standards file as its list of standard objects (JSON paths name what is wrong)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(Path(path).name, f"cannot be read as JSON ({exc})") from exc
    if not isinstance(data, list):
        raise ImportRejected(Path(path).name, "expected a list of standards", field="$")
    for i, standard in enumerate(data):
        if not isinstance(standard, dict):
            raise ImportRejected(Path(path).name, "expected an object", field=f"$[{i}]")
    return data


def ifate_statements(path: Path) -> list[LabelledStatement]:
    """Knowledge, skills and behaviours of the IfATE standards that carry all three (54 in the 2021 file)."""
    out: list[LabelledStatement] = []
    for i, standard in enumerate(ifate_json(path)):
        if not all(standard.get(key) for _, key, _ in KSB_KEYS):
            continue
        code = str(standard.get("larsCode") or i)
        for kind, key, id_key in KSB_KEYS:
            items = standard[key]
            if not isinstance(items, list):
                raise ImportRejected(Path(path).name, "expected a list", field=f"$[{i}].{key}")
            for j, item in enumerate(items):
                text = " ".join(str((item or {}).get("detail") or "").split()) if isinstance(item, dict) else ""
                if text:
                    out.append(
                        LabelledStatement(
                            code, str(standard.get("title") or ""), kind, text, str(item.get(id_key) or f"{code}-{key}-{j}")
                        )
                    )
    return out


def ifate_behaviours(path: Path) -> list[Concept]:
    """IfATE's behaviour statements (396) as concepts to map to."""
    seen: dict[str, Concept] = {}
    for s in ifate_statements(path):
        if s.kind == "behaviour" and s.id not in seen:
            seen[s.id] = Concept(IFATE, s.id, s.text, "", (), "", s.standard_title, {"standard": s.standard})
    return list(seen.values())


def load_all(data_dir: Path) -> dict[str, list[Concept]]:
    """Every reference catalogue, by scheme."""
    return {
        ESCO: esco_transversal(data_dir / "esco" / "transversalSkillsCollection_en.csv"),
        ONET: onet_work_styles(data_dir / "onet" / "Work Styles.txt"),
        META: meta_skills(),
        IFATE: ifate_behaviours(data_dir / "ifate" / "ifate_standards_2021.json"),
    }
