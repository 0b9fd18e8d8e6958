"""The behaviours catalogue: build it from the NOS, read it, let staff edit it, export it.

Every page, API answer and command calls these functions (one query path).

Build (`build`): every current version's statements that may show a behaviour are read (title,
performance criteria, the lines of its Behaviours and Values sections); the detector
(`noshub.core.behaviours.detector`, trained on IfATE's labelled statements) keeps those it
calls behaviours (a line of a Behaviours or Values section counts as one whatever it says: its
developer put it there); they are grouped into at most `LIMIT` behaviours named after the ESCO
transversal skill their statements map to most (`noshub.core.behaviours.grouping`); NOS
keywords that are a behaviour's name or one of its ESCO alternative labels add evidence; each
behaviour is mapped to ESCO, IfATE behaviours, O*NET Work Styles and Meta-skills. The whole
build is one transaction: it replaces the evidence and the unconfirmed mappings, and keeps what
staff decided (names, definitions, merges, confirmations).
"""

from __future__ import annotations

import functools
import io
import re
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from noshub.catalogue import roles
from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import NosSocCode, NosVersion, Standard
from noshub.catalogue.prepared import Prepared
from noshub.core import pdf as core_pdf
from noshub.core.behaviours import grouping
from noshub.core.behaviours.detector import BehaviourDetector
from noshub.core.behaviours.mapper import SKOS, ConceptMapper, link_type
from noshub.core.behaviours.reference import ESCO, IFATE, META, ONET, SCHEMES, Concept, ifate_statements, load_all
from noshub.core.errors import Forbidden, InvalidParameter, NotFound
from noshub.core.html import statements as html_statements
from noshub.core.progress import ProgressCallback, tell
from noshub.core.spreadsheet import SafeWriter
from noshub.core.text.titlekeys import clean_title

from .models import CONFIRMED, MERGED, SUGGESTED, Behaviour, Event, Evidence, Mapping

#: At most this many behaviours in the catalogue.
LIMIT = 60
#: Statements whose developer filed them as behaviours or values.
LABELLED_FIELDS = ("behaviours", "values")
#: How much a NOS title's vote for its group's name counts beside a statement's (titles name tasks and jobs).
TITLE_VOTE = 0.25
#: Mappings kept per behaviour and catalogue.
MAPPINGS_PER_SCHEME = 3
MAX_NAME, MAX_DEFINITION, MAX_REASON = 255, 2000, 2000


# -- the methods, made once per process ---------------------------------------------------------


def encoder():
    """The cached sentence vectors (`settings.CACHE_DIR`), or None without the semantic extra."""
    from noshub.core.search.vector_cache import CachedEncoder, available

    return CachedEncoder(settings.CACHE_DIR) if available() else None


@functools.lru_cache(maxsize=1)
def reference() -> dict[str, list[Concept]]:
    return load_all(settings.DATA_DIR)


@functools.lru_cache(maxsize=1)
def detector() -> BehaviourDetector:
    rows = ifate_statements(settings.DATA_DIR / "ifate" / "ifate_standards_2021.json")
    return BehaviourDetector(encoder()).fit(
        [r.text for r in rows], [r.kind for r in rows], [r.standard for r in rows], [r.standard_title for r in rows]
    )


#: The fine-tune of the ESCO mapper's model (`tuning.tune_pairs`): chosen on held-out ESCO labels
#: (bench/behaviours_quality.py --tuned); part of the cached weights' key.
TUNE_SETTINGS = {"epochs": 3, "batch_size": 32, "lr": 2e-5, "max_length": 64, "seed": 0}
#: The fine-tuned ESCO mapper's weights (w_mean, w_words, w_stems, stem), as the bench chose them on
#: the training half of the labels with the fine-tuned vectors (w_mean 0.75 and no words in both folds).
TUNED_WEIGHTS = {"w_mean": 0.75, "w_words": 0.0, "w_stems": 0.4, "stem": 5}


def esco_pairs() -> tuple[list[str], list[str]]:
    """What the ESCO mapper's model is fine-tuned on: each alternative label beside its concept's
    label, and beside its definition."""
    anchors, positives = [], []
    for c in reference()[ESCO]:
        for label in c.alt_labels:
            for target in (c.label, c.definition):
                if target:
                    anchors.append(label)
                    positives.append(target)
    return anchors, positives


def esco_encoder(progress: ProgressCallback | None = None, train: bool = False):
    """The ESCO mapper's encoder: all-MiniLM-L6-v2 fine-tuned on ESCO's alternative labels
    (`settings.BEHAVIOURS_TUNED_MAPPER`; trained once, by `build` (`train`), its weights under
    `settings.CACHE_DIR`, its vectors in the vector cache), or the base encoder: elsewhere (a staff
    split in a web request) while no build has trained it on this machine."""
    base = encoder()
    if base is None or not settings.BEHAVIOURS_TUNED_MAPPER:
        return base
    from noshub.core import tuning

    anchors, positives = esco_pairs()
    stage = gettext("Fine-tuning the ESCO mapper (once; kept with the vectors)")
    tuned = tuning.tuned_encoder(
        settings.CACHE_DIR, anchors, positives, train, lambda done, total: tell(progress, stage, done, total), **TUNE_SETTINGS
    )
    return tuned or base


@functools.lru_cache(maxsize=8)
def mapper(scheme: str) -> ConceptMapper:
    if scheme == ESCO:
        tuned = esco_encoder()
        weights = TUNED_WEIGHTS if tuned is not None and tuned.model is not None else {}
        return ConceptMapper(reference()[scheme], tuned, **weights)
    return ConceptMapper(reference()[scheme], encoder())


def detect(texts: list[str]) -> list[dict]:
    """For each statement: is it a behaviour, with the detector's confidence."""
    if not texts:
        raise InvalidParameter("text", "give at least one statement")
    if len(texts) > 200:
        raise InvalidParameter("text", "at most 200 statements at once")
    return [
        {"text": d.text, "is_behaviour": d.is_behaviour, "confidence": round(d.confidence, 3)} for d in detector().detect(texts)
    ]


# -- build -----------------------------------------------------------------------------------------


@dataclass
class Found:
    standard_id: int
    field: str
    ref: str
    text: str
    confidence: float = 0.0


def _statements(versions) -> list[Found]:
    out: list[Found] = []
    for standard_id, title, pcs, behaviours, values in versions:
        title = clean_title(title or "")
        if title:
            out.append(Found(standard_id, "title", "", title))
        for item in pcs or []:
            text = " ".join(str(item.get("text", "")).split()) if isinstance(item, dict) else ""
            if text:
                out.append(Found(standard_id, "performance_criteria", str(item.get("ref", ""))[:32], text))
        for name, html in (("behaviours", behaviours), ("values", values)):
            for s in html_statements(html, name[0].upper()):
                out.append(Found(standard_id, name, s.ref, s.text))
    return out


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:100] or "behaviour"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def build(progress: ProgressCallback | None = None, limit: int = LIMIT, standards=None, by: str = "") -> dict:
    """Rebuild the catalogue from the current NOS (or `standards`, a queryset, for a subset)."""
    started = time.perf_counter()
    tell(progress, "Reading the NOS", 0, 0)
    qs = (standards if standards is not None else Standard.objects.all()).filter(current__isnull=False)
    versions = list(
        qs.values_list("id", "current__title", "current__performance_criteria", "current__behaviours", "current__values")
    )
    found = _statements(versions)
    tell(progress, "Reading the NOS", len(versions), len(versions))
    enc = encoder()
    texts = [f.text for f in found]
    vectors = None
    if enc is not None:
        tell(progress, "Sentence vectors", 0, len(texts))
        vectors = enc.lookup(texts, lambda done, total: tell(progress, "Sentence vectors", done, total))[0] if texts else None
        tell(progress, "Sentence vectors", len(texts), len(texts))
    tell(progress, "Finding behaviours", 0, len(found))
    det = detector()
    # A title is read alone; the other statements in their NOS, beside its title (`context_features`).
    titles = {f.standard_id: f.text for f in found if f.field == "title"}
    documents = [f"title-{i}" if f.field == "title" else f.standard_id for i, f in enumerate(found)]
    confidence = (
        det.confidence(texts, documents, [titles.get(f.standard_id, "") for f in found], vectors) if texts else np.zeros(0)
    )
    claimed = {t for claims in Behaviour.objects.exclude(status=MERGED).values_list("claims", flat=True) for t in claims}
    keep = []
    for i, f in enumerate(found):
        f.confidence = float(confidence[i])
        if f.field in LABELLED_FIELDS:
            f.confidence = max(f.confidence, 0.95)
        if f.confidence >= det.threshold or (claimed and _norm(f.text) in claimed):
            keep.append(i)
    tell(progress, "Finding behaviours", len(found), len(found))
    kept = [found[i] for i in keep]
    esco_encoder(progress, train=True)  # the ESCO mapper's model: fine-tuned once, with progress shown
    mapper.cache_clear()  # a mapper made before it was trained (a split in this process) read the base model
    esco = mapper(ESCO)
    kept_vectors = vectors[keep] if vectors is not None else None
    tell(progress, "Grouping", 0, 0)
    if kept:
        if kept_vectors is None:
            from sklearn.decomposition import TruncatedSVD
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.preprocessing import normalize

            matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([f.text for f in kept])
            dims = max(1, min(100, matrix.shape[1] - 1, len(kept) - 1))
            group_vectors = normalize(TruncatedSVD(dims, random_state=0).fit_transform(matrix)) if dims > 1 else matrix.toarray()
        else:
            group_vectors = kept_vectors
        # The ESCO mapper reads its own (fine-tuned) vectors when it has them, not the base ones.
        mapped_vectors = kept_vectors if getattr(esco.encoder, "model", None) is None else None
        all_scores = esco.confidence_of(esco.scores([f.text for f in kept], mapped_vectors))
        groups = grouping.group(
            [f.text for f in kept],
            group_vectors,
            lambda members: all_scores[members],
            [c.key for c in esco.concepts],
            limit=limit,
            weights=[TITLE_VOTE if f.field == "title" else 1.0 for f in kept],
        )
    else:
        groups, all_scores = [], np.zeros((0, len(esco.concepts)))
    tell(progress, "Grouping", len(groups), len(groups))
    with transaction.atomic():
        report = _write(groups, kept, esco, qs, by=by, progress=progress)
    report.update(
        nos_read=len(versions),
        statements_read=len(found),
        behaviour_statements=len(kept),
        seconds=round(time.perf_counter() - started, 1),
    )
    Event.objects.create(action="build", by=by, after=report)  # (pages and search facets show the new catalogue: `Event.save`)
    return report


def _write(groups, kept: list[Found], esco: ConceptMapper, standards, by: str, progress) -> dict:
    concepts = {c.key: c for c in esco.concepts}
    existing = {b.key: b for b in Behaviour.objects.select_for_update()}
    alias_of = {alias: b for b in existing.values() for alias in b.aliases if b.status != MERGED}
    # Statements staff split off into a behaviour of their own go there, whatever group they fall in.
    claimed = {text: b for b in existing.values() if b.status != MERGED for text in b.claims}
    taken = {b.slug for b in existing.values()}
    Evidence.objects.filter(behaviour__in=list(existing.values())).delete()
    Mapping.objects.filter(confirmed_at__isnull=True).delete()
    made, kept_keys = 0, set()
    behaviours: dict[int, Behaviour] = {}
    evidence: list[Evidence] = []
    for g in groups:
        concept = concepts[g.key]
        b = alias_of.get(g.key) or existing.get(g.key)
        if b is not None and b.status == MERGED and b.merged_into_id:
            b = Behaviour.objects.get(pk=b.merged_into_id)
        if b is None:
            name = concept.label[:1].upper() + concept.label[1:]
            b = Behaviour.objects.create(
                key=g.key,
                slug=_unique_slug(name, taken),
                name=name,
                definition=concept.definition,
                definition_source=SCHEMES[ESCO]["name"],
                status=SUGGESTED,
            )
            existing[g.key] = b
            made += 1
        elif not b.renamed:
            b.definition = b.definition or concept.definition
        kept_keys.add(b.key)
        b.confidence = round(g.name_confidence, 3)
        b.examples = [_example(kept[i]) for i in g.examples if _norm(kept[i].text) not in claimed]
        behaviours[b.pk] = b
        seen = set()
        for i in g.members:
            f = kept[i]
            if (f.standard_id, f.field, f.ref, f.text) in seen:
                continue
            seen.add((f.standard_id, f.field, f.ref, f.text))
            owner = claimed.get(_norm(f.text), b)
            if owner is not b and owner.pk not in behaviours:
                behaviours[owner.pk], owner.examples = owner, []
                kept_keys.add(owner.key)
            if owner is not b and len(owner.examples) < 5 and f.text not in {e["text"] for e in owner.examples}:
                owner.examples.append(_example(f))
            evidence.append(
                Evidence(
                    behaviour=owner,
                    standard_id=f.standard_id,
                    field=f.field,
                    ref=f.ref,
                    text=f.text[:5000],
                    confidence=round(f.confidence, 3),
                )
            )
    # Keywords: a NOS keyword that is the behaviour's name or one of its concept's labels.
    wordings: dict[str, Behaviour] = {}
    for b in behaviours.values():
        concept = concepts.get(b.key)
        for text in [b.name, *(concept.alt_labels if concept else ()), *(concept.texts()[:1] if concept else ())]:
            wordings.setdefault(_norm(text), b)
    if wordings:
        through = NosVersion.keywords.through
        pairs = through.objects.filter(
            nosversion__standard__in=standards.values("id"), nosversion__standard__current_id=F("nosversion_id")
        )
        for standard_id, keyword in pairs.values_list("nosversion__standard_id", "keyword__text").iterator():
            b = claimed.get(_norm(keyword)) or wordings.get(_norm(keyword))
            if b is not None:
                evidence.append(
                    Evidence(behaviour=b, standard_id=standard_id, field="keyword", ref="", text=keyword[:5000], confidence=0.9)
                )
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    tell(progress, "Mapping to other catalogues", 0, len(behaviours))
    mappings = []
    for n, b in enumerate(behaviours.values(), start=1):
        b.nos_count = Evidence.objects.filter(behaviour=b).values("standard").distinct().count()
        mappings.extend(_suggested_mappings(b))
        tell(progress, "Mapping to other catalogues", n, len(behaviours))
    Mapping.objects.bulk_create(mappings, batch_size=1000)
    Behaviour.objects.bulk_update(list(behaviours.values()), ["confidence", "examples", "nos_count", "definition"])
    # Suggested behaviours nobody decided about and this build did not find again go; decided ones stay.
    stale = [b.pk for b in existing.values() if b.key not in kept_keys and b.status == SUGGESTED and not b.renamed]
    Behaviour.objects.filter(pk__in=stale).delete()
    Behaviour.objects.filter(pk__in=[b.pk for b in existing.values() if b.key not in kept_keys and b.pk not in stale]).update(
        nos_count=0, examples=[]
    )
    return {
        "behaviours": Behaviour.objects.exclude(status=MERGED).count(),
        "new": made,
        "removed": len(stale),
        "evidence": len(evidence),
        "mappings": len(mappings),
    }


def _example(f: Found) -> dict:
    return {"text": f.text, "nos": f.standard_id, "field": f.field, "ref": f.ref}


def _suggested_mappings(b: Behaviour) -> list[Mapping]:
    """The behaviour's best concepts in each catalogue (not yet saved), leaving out the links staff confirmed."""
    text = f"{b.name}. {b.definition}"
    confirmed = set(Mapping.objects.filter(behaviour=b).values_list("scheme", "concept_id"))
    out = []
    for scheme in (ESCO, ONET, META, IFATE):
        for match in mapper(scheme).map([text], top=MAPPINGS_PER_SCHEME)[0]:
            if (scheme, match.concept.id) in confirmed:
                continue
            named_by_it = match.concept.key == b.key
            link = "exact" if named_by_it else link_type(b.name, match.concept, match.confidence)
            out.append(
                Mapping(
                    behaviour=b,
                    scheme=scheme,
                    concept_id=match.concept.id[:255],
                    label=match.concept.label,
                    uri=match.concept.uri,
                    link_type=link,
                    confidence=1.0 if named_by_it else match.confidence,
                )
            )
    return out


# -- reading ---------------------------------------------------------------------------------------


def _summary(b: Behaviour) -> dict:
    return {
        "slug": b.slug,
        "name": b.name,
        "definition": b.definition,
        "status": b.status,
        "nos_count": b.nos_count,
        "confidence": b.confidence,
    }


def catalogue_list(q: str = "") -> dict:
    """Every behaviour of the catalogue (not those merged into another), most evidenced first."""
    if len(q) > 200:
        raise InvalidParameter("q", "at most 200 characters")
    if "\x00" in q:
        raise InvalidParameter("q", "holds a NUL character, which text cannot hold")
    qs = Behaviour.objects.exclude(status=MERGED)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(definition__icontains=q))
    last = Event.objects.filter(action="build").first()
    return {
        "behaviours": [_summary(b) for b in qs],
        "q": q,
        "built_at": last.at if last else None,
        **coverage(),
        "schemes": [{"scheme": k, **v} for k, v in SCHEMES.items()],
    }


def get(slug: str) -> Behaviour:
    if not isinstance(slug, str) or "\x00" in slug or len(slug) > 120:
        raise NotFound(f"No behaviour {slug[:120]!r} in the catalogue.")
    try:
        return Behaviour.objects.get(slug=slug)
    except Behaviour.DoesNotExist:
        raise NotFound(f"No behaviour {slug!r} in the catalogue.") from None


def _standard_rows(ids) -> dict[int, dict]:
    rows = Standard.objects.filter(id__in=list(ids)).values("id", "slug", "urn", "current__title", "current__validity")
    return {
        r["id"]: {"slug": r["slug"], "urn": r["urn"], "title": r["current__title"], "validity": r["current__validity"]}
        for r in rows
    }


def detail(slug: str, limit: int = 200) -> dict:
    """A behaviour: definition, examples, the NOS that evidence it, mapped concepts, history."""
    b = get(slug)
    if b.status == MERGED and b.merged_into_id:
        target = Behaviour.objects.filter(pk=b.merged_into_id).first()
    else:
        target = None
    evidence = list(b.evidence.order_by("-confidence", "standard_id").values("standard_id", "field", "ref", "text", "confidence"))
    by_nos: dict[int, list[dict]] = defaultdict(list)
    for e in evidence:
        by_nos[e["standard_id"]].append({k: e[k] for k in ("field", "ref", "text", "confidence")})
    ids = list(by_nos)[:limit]
    rows = _standard_rows(ids + [e["nos"] for e in b.examples if isinstance(e.get("nos"), int)])
    nos = [{**rows[i], "statements": by_nos[i][:5]} for i in ids if i in rows]
    examples = [{**e, "nos": rows.get(e.get("nos"), {}).get("slug", "")} for e in b.examples]
    mappings = defaultdict(list)
    for m in b.mappings.all():
        mappings[m.scheme].append(
            {
                "concept_id": m.concept_id,
                "label": m.label,
                "uri": m.uri,
                "link_type": m.link_type,
                "skos": SKOS[m.link_type],
                "confidence": round(m.confidence, 3),
                "confirmed_by": m.confirmed_by,
                "confirmed_at": m.confirmed_at,
            }
        )
    return {
        **_summary(b),
        "definition_source": b.definition_source,
        "key": b.key,
        "merged_into": target.slug if target else "",
        "merged": list(b.merged.values_list("slug", flat=True)),
        "examples": examples,
        "nos": nos,
        "nos_shown": len(nos),
        "mappings": [
            {"scheme": k, "name": SCHEMES[k]["name"], "source": SCHEMES[k]["source"], "links": mappings[k]}
            for k in SCHEMES
            if mappings[k]
        ],
        "history": [
            {"action": e.action, "by": e.by, "at": e.at, "before": e.before, "after": e.after, "reason": e.reason}
            for e in b.events.all()[:50]
        ],
    }


def statement_choices(slug: str, limit: int = 200) -> list[str]:
    """The different statements evidencing a behaviour (most confident first): what staff may split off."""
    texts = get(slug).evidence.order_by("-confidence", "text").values_list("text", flat=True)
    return list(dict.fromkeys(texts))[:limit]


def standing_for() -> dict[int, int]:
    """The one rule for what a behaviour stands for now: behaviour id -> the id of the behaviour its
    evidence counts under. A behaviour stands for itself; a merged one for the behaviour it was
    merged into (followed along a chain of merges); a merged behaviour whose target is gone stands
    for nothing and is left out. The NOS page, the browsing pages and the search facet all read
    evidence through it, so a NOS found by a behaviour lists that behaviour on its page."""
    rows = {i: (status, into) for i, status, into in Behaviour.objects.values_list("id", "status", "merged_into_id")}
    out: dict[int, int] = {}
    for start in rows:
        bid, seen = start, set()
        while rows[bid][0] == MERGED and bid not in seen:
            seen.add(bid)
            bid = rows[bid][1]
            if bid is None or bid not in rows:
                break
        if bid is not None and bid in rows and rows[bid][0] != MERGED:
            out[start] = bid
    return out


def behaviours_by_standard() -> dict[int, set[int]]:
    """Standard id -> the behaviours (ids, never merged ones) its evidence shows (`standing_for`)."""
    into = standing_for()
    out: dict[int, set[int]] = defaultdict(set)
    for standard_id, behaviour_id in (
        Evidence.objects.values_list("standard_id", "behaviour_id").distinct().iterator(chunk_size=20000)
    ):
        if behaviour_id in into:
            out[standard_id].add(into[behaviour_id])
    return out


def slugs_by_standard() -> dict[int, tuple[str, ...]]:
    """Standard id -> the slugs of the behaviours it shows, sorted (the search facet's values)."""
    slugs = dict(Behaviour.objects.exclude(status=MERGED).values_list("id", "slug"))
    return {sid: tuple(sorted(slugs[b] for b in ids)) for sid, ids in behaviours_by_standard().items()}


def _standing_and_names() -> tuple[dict[int, int], dict[int, tuple[str, str]]]:
    names = {i: (slug, name) for i, slug, name in Behaviour.objects.exclude(status=MERGED).values_list("id", "slug", "name")}
    return standing_for(), names


# A NOS's evidence statements, most confident first (a prepared query: the NOS page asks it of every NOS).
_EVIDENCE_OF = Prepared(
    lambda standard_id: (
        Evidence.objects.filter(standard_id=standard_id)
        .order_by("-confidence", "id")
        .values_list("behaviour_id", "field", "ref", "text", "confidence")
    )
)


def for_standard(standard: Standard) -> list[dict]:
    """The behaviours a NOS evidences, with the statements that show them (for the NOS page);
    evidence of a merged behaviour shows under the behaviour it was merged into (`standing_for`)."""
    into, names = catalogue_stamp.cached("behaviours-standing", (), _standing_and_names)
    out: dict[int, dict] = {}
    for behaviour_id, field, ref, text, confidence in _EVIDENCE_OF(standard.id):
        if behaviour_id not in into:
            continue
        bid = into[behaviour_id]
        entry = out.setdefault(bid, {"slug": names[bid][0], "name": names[bid][1], "statements": []})
        entry["statements"].append({"field": field, "ref": ref, "text": text, "confidence": confidence})
    return sorted(out.values(), key=lambda x: x["name"].lower())


# -- browsing by suite and by occupation -------------------------------------------------------------


def _profiles(groups_of: dict[int, set[str]], titles: dict[str, str], per_group: int | None) -> list[dict]:
    """Each group (a suite, an occupation): how many of its NOS show a behaviour, and which
    behaviours, by the number of its NOS that show them. `groups_of`: standard id -> group keys."""
    shown = behaviours_by_standard()
    nos: dict[str, int] = defaultdict(int)
    covered: dict[str, int] = defaultdict(int)
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for standard_id, keys in groups_of.items():
        for key in keys:
            nos[key] += 1
            covered[key] += bool(shown.get(standard_id))
            for behaviour_id in shown.get(standard_id, ()):
                counts[key][behaviour_id] += 1
    names = {b["id"]: b for b in Behaviour.objects.exclude(status=MERGED).values("id", "slug", "name")}
    out = []
    for key, by_behaviour in counts.items():
        ranked = sorted(by_behaviour.items(), key=lambda kv: (-kv[1], names[kv[0]]["name"].lower()))
        out.append(
            {
                "key": key,
                "title": titles.get(key, ""),
                "nos": nos[key],
                "covered": covered[key],
                "behaviours": [{"slug": names[i]["slug"], "name": names[i]["name"], "nos": n} for i, n in ranked[:per_group]],
            }
        )
    return sorted(out, key=lambda g: (-g["covered"], g["title"].lower() or g["key"]))


def by_suite(suite: str = "") -> dict:
    """The behaviours the current NOS of each suite show (`suite`: one suite's id, all of them)."""
    if suite and not suite.isdigit():
        raise InvalidParameter("suite", "expected a suite's number")
    through = NosVersion.suites.through
    pairs = through.objects.filter(nosversion__standard__current_id=F("nosversion_id"))
    if suite:
        pairs = pairs.filter(suite_id=int(suite))
    groups_of: dict[int, set[str]] = defaultdict(set)
    titles: dict[str, str] = {}
    for standard_id, suite_id, name in pairs.values_list("nosversion__standard_id", "suite_id", "suite__name").iterator():
        groups_of[standard_id].add(str(suite_id))
        titles[str(suite_id)] = name
    if suite and not titles:
        raise NotFound(f"No suite {suite} with current NOS.")
    return {"by": "suite", "selected": suite, "groups": _profiles(groups_of, titles, None if suite else 5)}


def by_occupation(soc: str = "") -> dict:
    """The behaviours the current NOS of each SOC 2020 group show: the major groups, or the groups
    one level below `soc` (a major, sub-major or minor group's code). A NOS counts under its SOC 2020
    codes (crosswalked, confirmed, or suggested at 50% or more)."""
    if soc and not (soc.isdigit() and len(soc) <= 4):
        raise InvalidParameter("soc", "expected a SOC 2020 code of 1 to 4 digits")
    from noshub.soc.models import SocGroup

    depth = len(soc) + 1 if soc and len(soc) < 4 else len(soc) or 1
    rows = NosSocCode.objects.filter(
        version__standard__current_id=F("version_id"), soc_code__classification="2020", soc_code__code__startswith=soc
    ).filter(Q(confidence__isnull=True) | Q(confidence__gte=0.5))
    groups_of: dict[int, set[str]] = defaultdict(set)
    for standard_id, code in rows.values_list("version__standard_id", "soc_code__code").iterator(chunk_size=20000):
        if code[:depth].isdigit() and len(code) >= depth:
            groups_of[standard_id].add(code[:depth])
    titles = dict(SocGroup.objects.filter(code__in={k for keys in groups_of.values() for k in keys}).values_list("code", "title"))
    if soc and not groups_of:
        raise NotFound(f"No current NOS coded to SOC 2020 {soc}.")
    return {
        "by": "occupation",
        "selected": soc,
        "selected_title": (SocGroup.objects.filter(code=soc).values_list("title", flat=True).first() or "") if soc else "",
        "groups": _profiles(groups_of, titles, 5 if depth < 4 else None),
    }


def coverage() -> dict:
    """How many current NOS (validity current) evidence at least one behaviour (`standing_for`)."""
    current = Standard.objects.filter(current__validity="current")
    shown = Evidence.objects.filter(behaviour_id__in=list(standing_for())).values("standard_id")
    covered = current.filter(id__in=shown).count()
    total = current.count()
    return {
        "behaviours_count": Behaviour.objects.exclude(status=MERGED).count(),
        "current_nos": total,
        "covered": covered,
        "coverage": round(covered / total, 4) if total else 0.0,
    }


# -- staff edits -------------------------------------------------------------------------------------


def can_edit(user) -> bool:
    """Reviewers and administrators agree the catalogue; it spans every organisation's NOS."""
    return bool({roles.REVIEWER, roles.ADMINISTRATOR} & roles.roles(user))


def _check(user) -> str:
    if user is None or not user.is_authenticated:
        raise Forbidden("Sign in to edit the behaviours catalogue.")
    if not can_edit(user):
        raise Forbidden("Only nation reviewers and administrators may edit the behaviours catalogue.")
    return user.get_username()


def _text(name: str, value, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidParameter(name, "expected text")
    value = " ".join(value.split()) if name != "definition" else value.strip()
    if required and not value:
        raise InvalidParameter(name, "must not be empty")
    if len(value) > limit:
        raise InvalidParameter(name, f"at most {limit} characters")
    return value


def _state(b: Behaviour) -> dict:
    return {"slug": b.slug, "name": b.name, "definition": b.definition, "status": b.status, "merged_into": b.merged_into_id}


def _log(b: Behaviour, action: str, by: str, before: dict, after: dict, reason) -> Event:
    """One line of the history (never edited or deleted)."""
    return Event.objects.create(
        behaviour=b,
        slug=b.slug,
        action=action,
        by=by,
        before=before,
        after=after,
        reason=_text("reason", reason, MAX_REASON, False),
    )


def _edit(user, slug: str, action: str, change, reason) -> Behaviour:
    """Lock the behaviour, refuse a merged one, apply `change(b)`, save, and keep the history."""
    by = _check(user)
    b = Behaviour.objects.select_for_update().get(pk=get(slug).pk)
    if b.status == MERGED:
        raise InvalidParameter("slug", f"{slug!r} was merged into another behaviour: {action} that one")
    before = _state(b)
    change(b)
    b.save()
    _log(b, action, by, before, _state(b), reason)
    return b


@transaction.atomic
def rename(user, slug: str, name, definition=None, reason="") -> Behaviour:
    def change(b: Behaviour) -> None:
        b.name = _text("name", name, MAX_NAME)
        if definition is not None:
            b.definition = _text("definition", definition, MAX_DEFINITION)
            b.definition_source = "NOS Hub staff"
        b.renamed = True

    return _edit(user, slug, "rename", change, reason)


@transaction.atomic
def confirm(user, slug: str, reason="") -> Behaviour:
    def change(b: Behaviour) -> None:
        b.status = CONFIRMED

    return _edit(user, slug, "confirm", change, reason)


@transaction.atomic
def merge(user, slug: str, into: str, reason="") -> Behaviour:
    """Merge behaviour `slug` into `into`: its evidence moves there, and later builds send it there too."""
    by = _check(user)
    if not isinstance(into, str) or not into:
        raise InvalidParameter("into", "name the behaviour to merge into")
    source = Behaviour.objects.select_for_update().get(pk=get(slug).pk)
    target = Behaviour.objects.select_for_update().get(pk=get(into).pk)
    if source.pk == target.pk:
        raise InvalidParameter("into", "a behaviour cannot be merged into itself")
    if MERGED in (source.status, target.status):
        raise InvalidParameter("into" if target.status == MERGED else "slug", "that behaviour was already merged into another")
    before = {"source": _state(source), "target": _state(target)}
    Evidence.objects.filter(behaviour=source).update(behaviour=target)
    target.aliases = sorted({*target.aliases, source.key, *source.aliases})
    target.claims = sorted({*target.claims, *source.claims})
    target.examples = (target.examples + source.examples)[:8]
    target.nos_count = target.evidence.values("standard").distinct().count()
    target.save()
    source.status, source.merged_into, source.nos_count, source.aliases, source.claims = MERGED, target, 0, [], []
    source.save()
    after = {"source": _state(source), "target": _state(target)}
    _log(source, "merge", by, before, after, reason)
    _log(target, "merged_in", by, before, after, reason)
    return target


@transaction.atomic
def split(user, slug: str, name, statements, definition="", reason="") -> Behaviour:
    """Move some of a behaviour's statements into a new behaviour named by staff. The new
    behaviour claims those statements (`Behaviour.claims`), so every later build sends them to it."""
    by = _check(user)
    source = Behaviour.objects.select_for_update().get(pk=get(slug).pk)
    if source.status == MERGED:
        raise InvalidParameter("slug", f"{slug!r} was merged into another behaviour: split that one")
    name = _text("name", name, MAX_NAME)
    definition = _text("definition", definition or "", MAX_DEFINITION, False)
    if not isinstance(statements, list) or not statements or not all(isinstance(t, str) for t in statements):
        raise InvalidParameter("statements", "choose at least one statement to move")
    wanted = {_norm(t) for t in statements} - {""}
    evidence = list(source.evidence.all())
    moving = [e for e in evidence if _norm(e.text) in wanted]
    if not moving:
        raise InvalidParameter("statements", f"none of these statements evidence {source.name!r}")
    if len(moving) == len(evidence):
        raise InvalidParameter("statements", "a split leaves some statements behind: rename the behaviour instead")
    before = _state(source)
    new_slug = _unique_slug(name, set(Behaviour.objects.values_list("slug", flat=True)))
    new = Behaviour.objects.create(
        key=f"split:{new_slug}",
        slug=new_slug,
        name=name,
        definition=definition,
        definition_source="NOS Hub staff" if definition else "",
        renamed=True,
        claims=sorted({_norm(e.text) for e in moving}),
    )
    Evidence.objects.filter(pk__in=[e.pk for e in moving]).update(behaviour=new)
    moved = {e.text for e in moving}
    new.examples = [_example(Found(e.standard_id, e.field, e.ref, e.text)) for e in sorted(moving, key=lambda e: -e.confidence)]
    new.examples = list({e["text"]: e for e in new.examples}.values())[:5]
    source.examples = [e for e in source.examples if e.get("text") not in moved]
    for b in (source, new):
        b.nos_count = b.evidence.values("standard").distinct().count()
        b.save()
    Mapping.objects.bulk_create(_suggested_mappings(new))
    after = {"source": _state(source), "new": _state(new), "statements": sorted(moved)[:200]}
    _log(source, "split", by, {"source": before}, after, reason)
    _log(new, "split_from", by, {"source": before}, after, reason)
    return new


@transaction.atomic
def confirm_mapping(user, slug: str, scheme, concept_id, link_type_=None, reason="") -> Mapping:
    by = _check(user)
    b = get(slug)
    try:
        m = Mapping.objects.select_for_update().get(behaviour=b, scheme=scheme, concept_id=concept_id)
    except Mapping.DoesNotExist:
        raise NotFound(f"Behaviour {slug!r} has no link to {scheme}:{concept_id}.") from None
    before = {"link_type": m.link_type, "confirmed_by": m.confirmed_by}
    if link_type_ is not None:
        if link_type_ not in SKOS:
            raise InvalidParameter("link_type", f"expected one of {', '.join(SKOS)}")
        m.link_type = link_type_
    m.confirmed_by, m.confirmed_at = by, timezone.now()
    m.save()
    _log(b, "confirm_mapping", by, before, {"scheme": scheme, "concept_id": concept_id, "link_type": m.link_type}, reason)
    return m


# -- exports ------------------------------------------------------------------------------------------

CSV_COLUMNS = ["slug", "name", "definition", "status", "nos_count", "nos", "esco", "onet", "metaskills", "ifate"]


def export_csv() -> str:
    """The catalogue as CSV, one behaviour a row, formulas neutralised (`SafeWriter`)."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    evidence = defaultdict(set)
    for behaviour_id, urn in Evidence.objects.values_list("behaviour_id", "standard__urn").distinct():
        evidence[behaviour_id].add(urn)
    links = defaultdict(list)
    for m in Mapping.objects.all():
        links[(m.behaviour_id, m.scheme)].append(f"{m.link_type}:{m.label}")
    for b in Behaviour.objects.exclude(status=MERGED):
        writer.writerow(
            [b.slug, b.name, b.definition, b.status, b.nos_count, " ".join(sorted(evidence[b.pk]))]
            + [" | ".join(links[(b.pk, s)]) for s in (ESCO, ONET, META, IFATE)]
        )
    return out.getvalue()


def export_jsonld(base_url: str) -> dict:
    """The catalogue as a SKOS concept scheme in JSON-LD, with SKOS mapping relations to the other catalogues."""
    scheme = f"{base_url}/behaviours/"
    concepts = []
    by_behaviour = defaultdict(list)
    for m in Mapping.objects.all():
        by_behaviour[m.behaviour_id].append(m)
    for b in Behaviour.objects.exclude(status=MERGED):
        node = {
            "@id": f"{scheme}{b.slug}/",
            "@type": "skos:Concept",
            "skos:inScheme": {"@id": scheme},
            "skos:prefLabel": {"@value": b.name, "@language": "en"},
            "skos:definition": {"@value": b.definition, "@language": "en"},
            "noshub:status": b.status,
            "noshub:nosCount": b.nos_count,
        }
        for m in by_behaviour[b.pk]:
            target = m.uri or f"urn:noshub:{m.scheme}:{m.concept_id}"
            node.setdefault(SKOS[m.link_type], []).append(
                {"@id": target, "skos:prefLabel": m.label, "noshub:confidence": round(m.confidence, 3)}
            )
        concepts.append(node)
    return {
        "@context": {
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "noshub": f"{base_url}/ns#",
            "dct": "http://purl.org/dc/terms/",
        },
        "@id": scheme,
        "@type": "skos:ConceptScheme",
        "dct:title": "NOS Hub catalogue of work behaviours",
        "skos:hasTopConcept": concepts,
    }


def export_pdf(language: str) -> bytes:
    """The catalogue as a tagged PDF (PDF/UA-1, `noshub.core.pdf`): each behaviour with its
    definition, status, examples and links to the other catalogues."""
    from django.template.loader import render_to_string
    from django.utils import translation

    links = defaultdict(list)
    for m in Mapping.objects.order_by("scheme", "-confidence"):
        links[m.behaviour_id].append(
            {
                "scheme_name": SCHEMES[m.scheme]["name"],
                "label": m.label[:300],
                "link_type": m.link_type,
                "confirmed": bool(m.confirmed_at),
            }
        )
    behaviours = [
        {**_summary(b), "examples": b.examples[:3], "links": links[b.pk][: 2 * len(SCHEMES)]}
        for b in Behaviour.objects.exclude(status=MERGED)
    ]
    last = Event.objects.filter(action="build").first()
    with translation.override(language):
        page = render_to_string(
            "behaviours/catalogue_document.html",
            {"behaviours": behaviours, "built_at": last.at if last else None, "language": language, **coverage()},
        )
    return core_pdf.write(page)


def summary_counts() -> dict:
    return dict(Behaviour.objects.values_list("status").annotate(n=Count("id")))
