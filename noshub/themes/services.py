"""Themes services: the one path the CLI, the pages, the API and other apps share.

* `build()` computes the reach of every current NOS and the theme embeddings over the whole
  catalogue and keeps them as a `BuildRun` (`noshub themes build`).
* `themes_overview()`, `theme_detail(slug)`: the five themes, their reference NOS and the NOS
  that embed them (pages, API, exports).
* `reach_of(standard)`: a NOS's reach with its evidence and the class in force (computed, or
  confirmed/changed by a person); `reach_line(standard)` the short form the NOS page shows.
* `decide_reach(user, standard, reach_class, reason)`: a person confirms or changes the class.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import NosSocCode, NosVersion, Standard
from noshub.catalogue.prepared import Prepared
from noshub.cleansing import services as cleansing
from noshub.cleansing.corpus import load_corpus
from noshub.cleansing.models import GroupMember
from noshub.core.duplicates import NosText
from noshub.core.errors import InvalidParameter, NotFound
from noshub.core.progress import ProgressCallback, tell

from . import declared, detect, reach
from .models import BuildRun, Embedding, Reach, ReachDecision

CLASS_NAMES = {reach.PAN: "Pan-sector", reach.MULTI: "Multi-sector", reach.JOB: "Job-specific"}
#: Duplicate group kinds that count as copies for reach (a variant is another function).
COPY_KINDS = ("same_text", "imported_copy", "near_duplicate")


def class_label(value: str) -> str:
    return {reach.PAN: _("Pan-sector"), reach.MULTI: _("Multi-sector"), reach.JOB: _("Job-specific")}.get(value, value)


def theme_name(slug: str) -> str:
    names = {
        "business-administration": _("Business and administration"),
        "leadership-management": _("Leadership and management"),
        "digital-applications": _("Digital applications"),
        "learning-development": _("Learning and development"),
        "customer-service": _("Customer service"),
    }
    return names.get(slug, slug)


def reason_text(code: str, values: dict) -> str:
    """A reason code in the reader's language."""
    texts = {
        "identical_title": _("Same title as %(reference_urn)s"),
        "same_function": _("Names the same function as %(reference_urn)s (level, role or context aside)"),
        "similar_title": _("Title %(percent)s%% alike to %(reference_urn)s"),
        "shared_keywords": _("Keywords %(percent)s%% alike"),
        "shared_statements": _("%(count)s statements shared"),
        "spread": _("Carried by %(suites)s suites, %(developers)s developers, %(majors)s SOC major groups"),
        "sector_free": _("Sector-free wording"),
        "sector_words": _("Wording names a sector"),
        "theme_reference": _("A reference NOS of a pan-sector theme"),
    }
    text = texts.get(code)
    if text is None:
        return code
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        return code


def _reasons(rows: list) -> list[dict]:
    return [{**r, "text": reason_text(r["code"], r)} for r in rows]


# -- inputs ---------------------------------------------------------------------------------


def soc_majors() -> dict[str, set[str]]:
    """Slug -> the SOC major groups of its current version's codes: SOC 2020 (crosswalked,
    suggested at 50% or more, confirmed) where it has some, else the catalogue's SOC 2010."""
    current = Standard.objects.values("current_id")
    rows = (
        NosSocCode.objects.filter(version_id__in=current)
        .values_list("version__standard__slug", "soc_code__classification", "soc_code__code", "confidence")
        .iterator(chunk_size=20000)
    )
    by2020: dict[str, set[str]] = defaultdict(set)
    by2010: dict[str, set[str]] = defaultdict(set)
    for slug, classification, code, confidence in rows:
        if not code or not code[:1].isdigit():
            continue
        if classification == "2020":
            if confidence is None or confidence >= 0.5:
                by2020[slug].add(code[:1])
        else:
            by2010[slug].add(code[:1])
    return {slug: by2020.get(slug) or by2010.get(slug) or set() for slug in set(by2020) | set(by2010)}


def copy_links(docs: Sequence[NosText]) -> list[tuple[str, str]]:
    """Pairs of slugs that the cleansing app's latest run groups as copies (not variants)."""
    run = cleansing.latest_run()
    if run is None:
        return []
    members: dict[int, list[str]] = defaultdict(list)
    rows = GroupMember.objects.filter(group__run=run, group__kind__in=COPY_KINDS).values_list("group_id", "standard__slug")
    for gid, slug in rows.iterator(chunk_size=20000):
        members[gid].append(slug)
    return [(m[0], other) for m in members.values() for other in m[1:]]


def references(docs: Sequence[NosText]) -> dict[str, str]:
    """Slug of each theme reference NOS -> its theme (the home suites' current NOS)."""
    out = {}
    for d in docs:
        theme = declared.home_theme(d.suites)
        if theme:
            out[d.key] = theme
    return out


# -- build ----------------------------------------------------------------------------------


@dataclass
class Computed:
    """What a build works out, before it is saved: kept apart so that the tests can work it out
    once and save it in each module's transaction (`save`)."""

    started: object
    fingerprint: tuple
    reaches: list
    matches: list
    category: dict
    statements: dict
    settings: dict
    stats: dict


def fingerprint() -> tuple:
    """What a computation reads, in a few numbers: the current versions, the SOC links and the
    latest duplicate run. A computation is only reused while these are unchanged."""
    from django.db.models import Count, Max

    versions = Standard.objects.aggregate(n=Count("id"), current=Max("current_id"))
    soc = NosSocCode.objects.aggregate(n=Count("id"), last=Max("id"))
    run = cleansing.latest_run()
    return (versions["n"], versions["current"], soc["n"], soc["last"], run.id if run else None)


def compute(progress: ProgressCallback | None = None) -> Computed:
    """Reach and theme embeddings for every current NOS (nothing written)."""
    started = timezone.now()
    t0 = time.perf_counter()
    stamp = fingerprint()
    tell(progress, "Reading the catalogue")
    docs = load_corpus()
    category = dict(
        NosVersion.objects.filter(id__in=Standard.objects.values("current_id")).values_list("standard__slug", "category")
    )
    majors = soc_majors()
    links = copy_links(docs)
    refs = references(docs)
    tell(progress, "Finding theme embeddings", 0, 2)
    # The detector never reads Original URN (many copies carry none or a wrong one).
    detector = detect.ThemeDetector([replace(d, original_urn="") for d in docs], refs)
    matches = detector.score_all()
    tell(progress, "Finding theme embeddings", 1, 2)
    full_links = [(m.key, m.reference) for m in matches if m.extent == detect.FULL]
    tell(progress, "Finding theme embeddings", 2, 2)
    tell(progress, "Working out the reach of every NOS")
    reaches = reach.compute_reach(docs, majors, links + full_links, refs)
    stats = {
        "nos": len(docs),
        "references": {t.slug: sum(1 for v in refs.values() if v == t.slug) for t in declared.THEMES},
        "embeddings": {t.slug: sum(1 for m in matches if m.theme == t.slug) for t in declared.THEMES},
        "full": sum(1 for m in matches if m.extent == detect.FULL),
        "part": sum(1 for m in matches if m.extent == detect.PART),
        "classes": {c: sum(1 for r in reaches if r.reach_class == c) for c in reach.CLASSES},
        "copy_links": len(links),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    return Computed(
        started=started,
        fingerprint=stamp,
        reaches=reaches,
        matches=matches,
        category=category,
        statements={d.key: len(d.statements) for d in docs},
        settings={"detect": asdict(detector.settings), "reach": asdict(reach.Settings())},
        stats=stats,
    )


def save(computed: Computed, progress: ProgressCallback | None = None) -> BuildRun:
    """Keep a computation as the latest `BuildRun` (one transaction)."""
    t0 = time.perf_counter()
    reaches, matches = computed.reaches, computed.matches
    ids = dict(Standard.objects.values_list("slug", "id"))
    total = len(reaches) + len(matches)
    stats = dict(computed.stats)
    run = BuildRun(started_at=computed.started, settings=computed.settings)
    with transaction.atomic():
        run.save()
        batch: list = []
        for n, r in enumerate(reaches, 1):
            batch.append(
                Reach(
                    run=run,
                    standard_id=ids[r.key],
                    reach_class=r.reach_class,
                    confidence=r.confidence,
                    suites=r.suites,
                    developers=r.developers,
                    majors=r.majors,
                    copies=r.family[:200],
                    copies_count=len(r.family),
                    sector_free=r.sector_free,
                    sector_words=r.sector_words,
                    theme_reference=r.theme_reference,
                    reasons=[{"code": c, **v} for c, v in r.reasons],
                    category=computed.category.get(r.key, ""),
                )
            )
            if len(batch) >= 5000:
                Reach.objects.bulk_create(batch)
                batch = []
                tell(progress, "Saving", n, total)
        Reach.objects.bulk_create(batch)
        Embedding.objects.bulk_create(
            [
                Embedding(
                    run=run,
                    theme=m.theme,
                    standard_id=ids[m.key],
                    reference_id=ids[m.reference],
                    extent=m.extent,
                    confidence=m.confidence,
                    reasons=m.as_dict()["reasons"],
                    statements=computed.statements.get(m.key, 0),
                )
                for m in matches
            ],
            batch_size=5000,
        )
        tell(progress, "Saving", total, total)
        stats["seconds"] = round(stats.get("seconds", 0) + time.perf_counter() - t0, 2)
        run.stats = stats
        run.finished_at = timezone.now()
        run.save(update_fields=["stats", "finished_at"])
        catalogue_stamp.bump("themes")  # pages and search facets show the new classes and themes
    return run


def build(progress: ProgressCallback | None = None, save_run: bool = True) -> BuildRun:
    """Reach and theme embeddings for every current NOS; kept as the latest `BuildRun`."""
    computed = compute(progress)
    if not save_run:
        return BuildRun(started_at=computed.started, settings=computed.settings, stats=computed.stats)
    return save(computed, progress)


def latest_run() -> BuildRun | None:
    return BuildRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def latest_run_id() -> int | None:
    """The latest build's id, kept until the catalogue stamp moves on (a build moves it): what every
    NOS page asks, in no query once known."""
    found = catalogue_stamp.cached("themes-latest-run", (), lambda: getattr(latest_run(), "id", 0))
    return found or None


def _require_run() -> BuildRun:
    run = latest_run()
    if run is None:
        raise NotFound(_("The themes have not been worked out yet: run `noshub themes build`."))
    return run


# -- reading --------------------------------------------------------------------------------


def _nos_rows(standard_ids: set[int]) -> dict[int, dict]:
    rows = list(
        Standard.objects.filter(id__in=standard_ids).values(
            "id", "slug", "urn", "current_id", "current__title", "current__developed_by__name"
        )
    )
    out = {
        r["id"]: {
            "slug": r["slug"],
            "urn": r["urn"],
            "title": r["current__title"] or "",
            "developer": r["current__developed_by__name"] or "",
        }
        for r in rows
    }
    standard_of = {r["current_id"]: r["id"] for r in rows if r["current_id"]}
    suites: dict[int, list[str]] = defaultdict(list)
    through = NosVersion.suites.through.objects.filter(nosversion_id__in=list(standard_of))
    for vid, name in through.values_list("nosversion_id", "suite__name"):
        suites[standard_of[vid]].append(name)
    for sid, row in out.items():
        row["suites"] = sorted(suites.get(sid, []))
    return out


def themes_overview() -> dict:
    """The five themes with their counts (reference NOS, NOS embedding them fully and in part)."""
    run = _require_run()
    themes = []
    for t in declared.THEMES:
        qs = Embedding.objects.filter(run=run, theme=t.slug)
        themes.append(
            {
                "slug": t.slug,
                "name": theme_name(t.slug),
                "references": run.stats.get("references", {}).get(t.slug, 0),
                "full": qs.filter(extent=detect.FULL).count(),
                "part": qs.filter(extent=detect.PART).count(),
                "developers": qs.values("standard__current__developed_by").distinct().count(),
            }
        )
    classes = [{"value": c, "label": class_label(c), "count": run.stats.get("classes", {}).get(c, 0)} for c in reach.CLASSES]
    return {"run": run_dict(run), "themes": themes, "classes": classes, "agreement": agreement(run)}


def run_dict(run: BuildRun) -> dict:
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "seconds": run.stats.get("seconds"),
        "nos": run.stats.get("nos"),
    }


def agreement(run: BuildRun) -> dict:
    """How far the classes agree with NOSCategory: counts per (category, class)."""
    from django.db.models import Count

    rows = Reach.objects.filter(run=run).values_list("category", "reach_class").annotate(n=Count("id"))
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for cat, cls, n in rows:
        table[cat or "blank"][cls] = n
    cross = sum(table.get("generic", {}).get(c, 0) for c in (reach.PAN, reach.MULTI))
    generic = sum(table.get("generic", {}).values())
    job = table.get("job_specific", {}).get(reach.JOB, 0)
    job_all = sum(table.get("job_specific", {}).values())
    return {
        "table": {k: dict(v) for k, v in sorted(table.items())},
        "generic_cross_sector": round(cross / generic, 3) if generic else None,
        "job_specific_job_specific": round(job / job_all, 3) if job_all else None,
    }


def theme_detail(slug: str, extent: str = "", limit: int = 500) -> dict:
    """A theme: its reference NOS, and the NOS that embed them by developer and suite, with
    confidence and reasons; what using the reference NOS instead would save."""
    theme = declared.BY_SLUG.get(slug)
    if theme is None:
        raise NotFound(_("No theme %(slug)s.") % {"slug": slug})
    if extent and extent not in (detect.FULL, detect.PART):
        raise InvalidParameter("extent", _("expected full or part"))
    run = _require_run()
    embeddings = list(Embedding.objects.filter(run=run, theme=slug).order_by("-confidence", "standard__slug"))
    if extent:
        embeddings = [e for e in embeddings if e.extent == extent]
    ref_ids = set(Reach.objects.filter(run=run, theme_reference=slug).values_list("standard_id", flat=True))
    nos = _nos_rows(ref_ids | {e.standard_id for e in embeddings} | {e.reference_id for e in embeddings})
    used = defaultdict(int)
    for e in embeddings:
        used[e.reference_id] += 1
    refs = sorted(
        ({**nos[i], "embedded_by": used.get(i, 0)} for i in ref_ids if i in nos), key=lambda r: (-r["embedded_by"], r["urn"])
    )
    items = []
    by_developer: dict[str, int] = defaultdict(int)
    for e in embeddings:
        row = nos[e.standard_id]
        by_developer[row["developer"] or "—"] += 1
        items.append(
            {
                **row,
                "extent": e.extent,
                "confidence": e.confidence,
                "reference": nos[e.reference_id],
                "reasons": _reasons(e.reasons),
                "statements": e.statements,
            }
        )
    full = [e for e in embeddings if e.extent == detect.FULL]
    return {
        "slug": slug,
        "name": theme_name(slug),
        "home_suites_rule": theme.suites,
        "why": theme.why,
        "run": run_dict(run),
        "references": refs,
        "embeddings": items[:limit],
        "embeddings_count": len(items),
        "by_developer": sorted(
            ({"developer": k, "count": v} for k, v in by_developer.items()), key=lambda r: (-r["count"], r["developer"])
        ),
        "saved": {"nos": len(full), "statements": sum(e.statements for e in full)},
        "extent": extent,
    }


# -- reach of one NOS -----------------------------------------------------------------------


def decision_in_force(standard: Standard) -> ReachDecision | None:
    return ReachDecision.objects.filter(standard=standard).select_related("decided_by").order_by("-sequence").first()


def decision_dict(d: ReachDecision) -> dict:
    return {
        "sequence": d.sequence,
        "reach_class": d.reach_class,
        "label": class_label(d.reach_class),
        "computed_class": d.computed_class,
        "confirmed": d.reach_class == d.computed_class,
        "reason": d.reason,
        "decided_by": d.decided_by.get_username(),
        "decided_at": d.decided_at.isoformat(),
    }


def reach_of(standard: Standard) -> dict:
    """The reach of a NOS: computed class and evidence, the class in force and its history."""
    run = _require_run()
    row = Reach.objects.filter(run=run, standard=standard).first()
    if row is None:
        raise NotFound(_("No reach was worked out for %(nos)s (not a current NOS at the last build).") % {"nos": standard.slug})
    decision = decision_in_force(standard)
    embedding = Embedding.objects.filter(run=run, standard=standard).select_related("reference").first()
    in_force = decision.reach_class if decision else row.reach_class
    return {
        "nos": standard.slug,
        "urn": standard.urn,
        "reach_class": in_force,
        "label": class_label(in_force),
        "source": "person" if decision else "computed",
        "computed": {"reach_class": row.reach_class, "label": class_label(row.reach_class), "confidence": row.confidence},
        "suites": row.suites,
        "developers": row.developers,
        "soc_major_groups": row.majors,
        "copies": row.copies,
        "copies_count": row.copies_count,
        "sector_free": row.sector_free,
        "sector_words": row.sector_words,
        "theme_reference": row.theme_reference,
        "theme": (
            {
                "slug": embedding.theme,
                "name": theme_name(embedding.theme),
                "extent": embedding.extent,
                "confidence": embedding.confidence,
                "reference": embedding.reference.slug,
                "reasons": _reasons(embedding.reasons),
            }
            if embedding
            else None
        ),
        "reasons": _reasons(row.reasons),
        "category": row.category,
        "history": [
            decision_dict(d)
            for d in ReachDecision.objects.filter(standard=standard).select_related("decided_by").order_by("sequence")
        ],
    }


# What the NOS page's reach line reads, each a prepared query (`catalogue.prepared`).
_REACH_ROW = Prepared(
    lambda standard_id, run_id: (
        Reach.objects.filter(run_id=run_id, standard_id=standard_id)
        .order_by("id")
        .values_list("reach_class", "suites", "developers", "confidence")[:1]
    ),
    kinds=(int, int),
)
_DECIDED_CLASS = Prepared(
    lambda standard_id: (
        ReachDecision.objects.filter(standard_id=standard_id).order_by("-sequence").values_list("reach_class", flat=True)[:1]
    )
)


def reach_line(standard: Standard) -> dict | None:
    """What the NOS page shows in one line (None before the first build)."""
    run_id = latest_run_id()
    if run_id is None:
        return None
    rows = _REACH_ROW(standard.id, run_id)
    if not rows:
        return None
    computed, suites, developers, confidence = rows[0]
    decided = _DECIDED_CLASS(standard.id)
    cls = decided[0] if decided else computed
    return {
        "reach_class": cls,
        "label": class_label(cls),
        "suites": suites,
        "developers": developers,
        "confidence": confidence,
        "confirmed": bool(decided),
    }


def can_decide(user, standard: Standard | None = None) -> bool:
    """Who may confirm or change a class: as for duplicate decisions (reviewers and
    administrators about any NOS; a standards developer about its own organisation's)."""
    return cleansing.can_decide(user, standard)


def decide_reach(user, standard: Standard, reach_class: str, reason: str) -> ReachDecision:
    """A person confirms the computed class (the same class) or changes it; a reason is kept."""
    if not can_decide(user, standard):
        raise PermissionDenied(
            _("Only reviewers, administrators and the developers of this NOS may confirm or change its reach.")
        )
    if reach_class not in reach.CLASSES:
        raise ValidationError(
            _("Unknown class %(value)s: expected pan_sector, multi_sector or job_specific.") % {"value": reach_class}
        )
    if not (reason or "").strip():
        raise ValidationError(_("Say why: a decision needs a reason."))
    run = latest_run()
    computed = Reach.objects.filter(run=run, standard=standard).values_list("reach_class", flat=True).first() if run else None
    with transaction.atomic():
        Standard.objects.select_for_update().filter(pk=standard.pk).first()
        last = ReachDecision.objects.filter(standard=standard).order_by("-sequence").first()
        catalogue_stamp.bump("themes")
        return ReachDecision.objects.create(
            standard=standard,
            sequence=(last.sequence + 1) if last else 1,
            reach_class=reach_class,
            computed_class=computed or "",
            reason=reason.strip()[:4000],
            decided_by=user,
        )


def export_rows(slug: str) -> list[dict]:
    """One row per embedding NOS of a theme, for CSV (formulas neutralised by the writer)."""
    data = theme_detail(slug, limit=10**6)
    return [
        {
            "theme": slug,
            "urn": e["urn"],
            "title": e["title"],
            "developer": e["developer"],
            "suites": "; ".join(e["suites"]),
            "extent": e["extent"],
            "confidence": e["confidence"],
            "reference_urn": e["reference"]["urn"],
            "reference_title": e["reference"]["title"],
            "reasons": "; ".join(r["text"] for r in e["reasons"]),
        }
        for e in data["embeddings"]
    ]


EXPORT_COLUMNS = [
    "theme",
    "urn",
    "title",
    "developer",
    "suites",
    "extent",
    "confidence",
    "reference_urn",
    "reference_title",
    "reasons",
]


# -- for search facets ----------------------------------------------------------------------


def facet_values() -> tuple[dict[int, str], dict[int, tuple[str, ...]]]:
    """Standard id -> its reach class in force (a person's latest decision, else the latest
    build's), and -> the themes it belongs to (a reference NOS of the theme, or a NOS that
    embeds one fully or in part). Empty before the first build."""
    run = latest_run()
    if run is None:
        return {}, {}
    classes = dict(Reach.objects.filter(run=run).values_list("standard_id", "reach_class").iterator(chunk_size=20000))
    for sid, cls in ReachDecision.objects.order_by("standard_id", "sequence").values_list("standard_id", "reach_class"):
        classes[sid] = cls  # the latest is in force
    themes: dict[int, set[str]] = defaultdict(set)
    for sid, slug in Reach.objects.filter(run=run).exclude(theme_reference="").values_list("standard_id", "theme_reference"):
        themes[sid].add(slug)
    for sid, slug in Embedding.objects.filter(run=run).values_list("standard_id", "theme"):
        themes[sid].add(slug)
    return classes, {sid: tuple(sorted(v)) for sid, v in themes.items()}


# -- suggested further themes ---------------------------------------------------------------


def suggested_themes(min_developers: int = 8, limit: int = 20) -> dict:
    """Cross-cutting topics among pan- and multi-sector NOS in no theme (`suggest.py`)."""
    from . import suggest

    if not 2 <= min_developers <= 200:
        raise InvalidParameter("min_developers", _("expected a whole number from 2 to 200"))
    if not 1 <= limit <= 100:
        raise InvalidParameter("limit", _("expected a whole number from 1 to 100"))
    run = _require_run()
    classes, themes = facet_values()
    in_theme = set(themes)
    wanted = {sid for sid, cls in classes.items() if cls in (reach.PAN, reach.MULTI) and sid not in in_theme}
    majors = dict(Reach.objects.filter(run=run, standard_id__in=wanted).values_list("standard_id", "majors"))
    rows = _nos_rows(wanted)
    candidates = [
        suggest.Candidate(
            key=r["slug"],
            urn=r["urn"],
            title=r["title"],
            developer=r["developer"],
            suites=tuple(r["suites"]),
            majors=tuple(majors.get(sid) or ()),
        )
        for sid, r in sorted(rows.items())
    ]
    titles = Standard.objects.exclude(current=None).values_list("current__title", flat=True).iterator(chunk_size=20000)
    found = suggest.suggest(candidates, titles, suggest.Settings(min_developers=min_developers, limit=limit))
    return {
        "run": run_dict(run),
        "candidates": len(candidates),
        "min_developers": min_developers,
        "suggestions": [{**g.as_dict(), "nos": g.nos[:50]} for g in found],
    }
