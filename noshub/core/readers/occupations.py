"""Readers for the other occupational standards systems NOS Hub maps on SOC 2020: ESCO
occupations and ISCO-08 groups, O*NET occupations (tasks, job zones, reported titles), the
ESCO ↔ O*NET crosswalk (Nesta, Mapping Career Causeways) and IfATE apprenticeship standards.

Pure Python. Each reader takes the file (or O*NET's folder) as published and returns plain
records, or raises `ImportRejected` naming the file, the row (CSV/TSV: the 1-based line of the
record; JSON: its path) and the field it cannot use. The IfATE file is read through the same
reader the behaviours catalogue uses (`noshub.core.behaviours.reference`).
"""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from noshub.core.behaviours.reference import ifate_json, ifate_statements
from noshub.core.errors import ImportRejected
from noshub.core.text.plain import strip_tags

ESCO, ISCO, ONET, IFATE = "esco", "isco08", "onet", "ifate"
SCHEMES = (ESCO, ONET, IFATE, ISCO)

ESCO_OCCUPATIONS = "esco/occupations_en.csv"
ESCO_ISCO_GROUPS = "esco/ISCOGroups_en.csv"
ESCO_BROADER = "esco/broaderRelationsOccPillar_en.csv"
ONET_DIR = "onet"
ONET_OCCUPATIONS, ONET_TASKS, ONET_ZONES, ONET_TITLES = (
    "Occupation Data.txt",
    "Task Statements.txt",
    "Job Zones.txt",
    "Sample of Reported Titles.txt",
)
CROSSWALK = "crosswalks/esco_onet_crosswalk_Nov2020.csv"
IFATE_STANDARDS = "ifate/ifate_standards_2021.json"

_ONET_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
_ISCO_CODE = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class OccupationRecord:
    """One occupation (or occupational standard, or ISCO group) of another system."""

    scheme: str
    code: str
    title: str
    description: str = ""
    uri: str = ""
    isco08: str = ""
    alt_titles: tuple[str, ...] = ()
    detail: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CrosswalkRow:
    """One row of the ESCO → O*NET crosswalk."""

    row: int
    esco_uri: str
    esco_label: str
    isco08: str
    onet_code: str
    onet_title: str
    confidence: float  # the crosswalk's own level: 0.5, 1 or 2 (highest)
    similarity: float


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())


def _lines(text: object) -> tuple[str, ...]:
    seen = dict.fromkeys(_one_line(t) for t in str(text or "").replace("|", "\n").split("\n"))
    return tuple(t for t in seen if t)


def _rows(path: Path, columns: set[str], delimiter: str = ","):
    """(line number, row) of a CSV/TSV file, after checking its header names `columns`."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            missing = columns - set(reader.fieldnames or ())
            if missing:
                raise ImportRejected(path.name, f"no column {', '.join(sorted(missing))}", row=1)
            for row in reader:
                yield reader.line_num, row
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportRejected(Path(path).name, f"cannot be read ({exc})") from exc


def _required(path: Path, line: int, row: dict, name: str) -> str:
    value = _one_line(row.get(name))
    if not value:
        raise ImportRejected(path.name, f"{name} is empty", row=line, field=name)
    return value


def _isco(path: Path, line: int, row: dict, name: str, required: bool = True) -> str:
    value = _one_line(row.get(name))
    if not value and not required:
        return ""
    if not _ISCO_CODE.fullmatch(value):
        raise ImportRejected(path.name, f"{value!r} is not an ISCO-08 code", row=line, field=name)
    return value


# -- ESCO ---------------------------------------------------------------------------------------


def read_esco_occupations(path: Path) -> list[OccupationRecord]:
    """ESCO occupations with their ISCO-08 unit group, alternative labels and description."""
    path = Path(path)
    out = []
    for line, row in _rows(path, {"conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"}):
        uri = _required(path, line, row, "conceptUri")
        out.append(
            OccupationRecord(
                ESCO,
                uri.rstrip("/").rsplit("/", 1)[-1],
                _required(path, line, row, "preferredLabel"),
                _one_line(row.get("description") or row.get("definition")),
                uri,
                _isco(path, line, row, "iscoGroup"),
                _lines(row.get("altLabels")),
                {"esco_code": _one_line(row.get("code"))},
            )
        )
    return out


def read_isco_groups(path: Path) -> list[OccupationRecord]:
    """ISCO-08 groups (major group to unit group) as ESCO publishes them."""
    path = Path(path)
    return [
        OccupationRecord(
            ISCO,
            _isco(path, line, row, "code"),
            _required(path, line, row, "preferredLabel"),
            _one_line(row.get("description")),
            _required(path, line, row, "conceptUri"),
        )
        for line, row in _rows(path, {"conceptUri", "code", "preferredLabel", "description"})
    ]


def read_esco_broader(path: Path) -> dict[str, str]:
    """ESCO occupation URI → the URI of its broader occupation (occupations under occupations only)."""
    path = Path(path)
    out: dict[str, str] = {}
    for line, row in _rows(path, {"conceptType", "conceptUri", "broaderType", "broaderUri"}):
        if row["conceptType"].strip() == "Occupation" and row["broaderType"].strip() == "Occupation":
            out[_required(path, line, row, "conceptUri")] = _required(path, line, row, "broaderUri")
    return out


# -- O*NET --------------------------------------------------------------------------------------


def _onet_code(path: Path, line: int, row: dict) -> str:
    code = _one_line(row.get("O*NET-SOC Code"))
    if not _ONET_CODE.fullmatch(code):
        raise ImportRejected(
            path.name, f"{code!r} is not an O*NET-SOC code (expected 00-0000.00)", row=line, field="O*NET-SOC Code"
        )
    return code


def read_onet(folder: Path, tasks_per_occupation: int = 12) -> list[OccupationRecord]:
    """O*NET occupations (code, title, description) with their core tasks first (at most
    `tasks_per_occupation`), job zone and sample of reported job titles."""
    folder = Path(folder)
    occupations: dict[str, tuple[str, str]] = {}
    path = folder / ONET_OCCUPATIONS
    for line, row in _rows(path, {"O*NET-SOC Code", "Title", "Description"}, "\t"):
        occupations[_onet_code(path, line, row)] = (_required(path, line, row, "Title"), _one_line(row["Description"]))
    tasks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    path = folder / ONET_TASKS
    for line, row in _rows(path, {"O*NET-SOC Code", "Task", "Task Type"}, "\t"):
        code = _onet_code(path, line, row)
        tasks[code].append((0 if row["Task Type"].strip() == "Core" else 1, _required(path, line, row, "Task")))
    zones: dict[str, int] = {}
    path = folder / ONET_ZONES
    for line, row in _rows(path, {"O*NET-SOC Code", "Job Zone"}, "\t"):
        value = _one_line(row["Job Zone"])
        if value not in {"1", "2", "3", "4", "5"}:
            raise ImportRejected(path.name, f"job zone {value!r} is not 1 to 5", row=line, field="Job Zone")
        zones[_onet_code(path, line, row)] = int(value)
    titles: dict[str, list[str]] = defaultdict(list)
    path = folder / ONET_TITLES
    for line, row in _rows(path, {"O*NET-SOC Code", "Reported Job Title"}, "\t"):
        titles[_onet_code(path, line, row)].append(_required(path, line, row, "Reported Job Title"))
    return [
        OccupationRecord(
            ONET,
            code,
            title,
            description,
            f"https://www.onetonline.org/link/summary/{code}",
            "",
            tuple(dict.fromkeys(titles.get(code, ()))),
            {
                "tasks": [t for _, t in sorted(tasks.get(code, []), key=lambda x: x[0])][:tasks_per_occupation],
                "job_zone": zones.get(code),
            },
        )
        for code, (title, description) in occupations.items()
    ]


# -- the ESCO ↔ O*NET crosswalk ------------------------------------------------------------------


def read_crosswalk(path: Path) -> list[CrosswalkRow]:
    path = Path(path)
    out = []
    columns = {"esco_occupation", "isco_code", "onet_code", "onet_occupation", "semantic_similarity", "confidence", "concept_uri"}
    for line, row in _rows(path, columns):
        code = _one_line(row["onet_code"])
        if not _ONET_CODE.fullmatch(code):
            raise ImportRejected(path.name, f"{code!r} is not an O*NET-SOC code", row=line, field="onet_code")
        numbers = {}
        for name in ("confidence", "semantic_similarity"):
            try:
                numbers[name] = float(row[name])
            except (TypeError, ValueError):
                raise ImportRejected(path.name, f"{row[name]!r} is not a number", row=line, field=name) from None
        out.append(
            CrosswalkRow(
                line,
                _required(path, line, row, "concept_uri"),
                _required(path, line, row, "esco_occupation"),
                _isco(path, line, row, "isco_code", required=False),
                code,
                _one_line(row["onet_occupation"]),
                numbers["confidence"],
                numbers["semantic_similarity"],
            )
        )
    return out


# -- IfATE --------------------------------------------------------------------------------------


def _html_text(value: object) -> str:
    text = str(value or "")
    for _ in range(2):  # the 2021 file escapes some HTML twice
        text = html.unescape(text)
    return _one_line(strip_tags(text))


def _string_list(path: Path, i: int, standard: dict, key: str) -> list[str]:
    value = standard.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportRejected(path.name, "expected a list of strings", field=f"$[{i}].{key}")
    return [_one_line(v) for v in value if _one_line(v)]


#: The fields of an IfATE standard that name jobs: hidden from the linker when it is measured.
IFATE_JOB_TITLE_FIELDS = ("typicalJobTitles", "jobRoles")


def read_ifate(path: Path) -> list[OccupationRecord]:
    """IfATE apprenticeship standards: title, overview, level, route, typical job titles,
    keywords, duties and (where the file has them) knowledge, skills and behaviours."""
    path = Path(path)
    data = ifate_json(path)
    ksbs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in ifate_statements(path):
        ksbs[s.standard][s.kind].append(s.text)
    out = []
    for i, standard in enumerate(data):
        code = standard.get("larsCode")
        if not isinstance(code, int | str) or not str(code).strip():
            raise ImportRejected(path.name, "a standard needs a larsCode", field=f"$[{i}].larsCode")
        title = _one_line(standard.get("title"))
        if not title:
            raise ImportRejected(path.name, "a standard needs a title", field=f"$[{i}].title")
        duties = standard.get("duties") or []
        if not isinstance(duties, list):
            raise ImportRejected(path.name, "expected a list of duties", field=f"$[{i}].duties")
        duty_texts = [_one_line(d.get("dutyDetail")) for d in duties if isinstance(d, dict) and _one_line(d.get("dutyDetail"))]
        job_titles: list[str] = []
        for key in IFATE_JOB_TITLE_FIELDS:
            job_titles += _string_list(path, i, standard, key)
        overview = _html_text(standard.get("overviewOfRole"))
        summary = _html_text(standard.get("occupationalSummary"))
        out.append(
            OccupationRecord(
                IFATE,
                str(code).strip(),
                title,
                " ".join(t for t in (overview, summary) if t),
                _one_line(standard.get("standardPageUrl")),
                "",
                tuple(dict.fromkeys(job_titles)),
                {
                    "level": standard.get("level"),
                    "route": _one_line(standard.get("route")),
                    "pathway": _one_line(standard.get("pathway")),
                    "keywords": _string_list(path, i, standard, "keywords"),
                    "duties": duty_texts,
                    **{kind + "s": texts for kind, texts in ksbs.get(str(code).strip(), {}).items()},
                },
            )
        )
    return out
