"""Measures of success, declared in code: one table (`MEASURES`, at the end), a row per measure:
its key, the strategy objective it informs, unit, target, direction, its query over NOS Hub's own
data, name and definition; `REGISTRY` reads it by key, `sync` makes their `Measure` rows.

A query is ``fn(start, end) -> Result``: catalogue measures describe the catalogue as held,
judged on `end` (review dates); usage and process measures count what happened from `start` to
`end` (both days included). `Result.nos` lists the standards behind the figure (drill-down).
A measure whose data NOS Hub does not hold yet returns ``Result.missing(reason)``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_noop as N_

from noshub.catalogue.models import NosSocCode, NosVersion, Organisation, Standard, Suite
from noshub.cleansing.models import REVERSE, Decision, DetectionRun, GroupMember
from noshub.core.model import WELSH_COLUMNS
from noshub.lifecycle.models import Approval, AuditEntry, Comment, Project
from noshub.qualifications.models import AUTO, CONFIRMED, CORRECTED, REVIEW, Qualification, UnitLink
from noshub.themes.models import Reach, ReachDecision
from noshub.themes.services import latest_run as latest_themes_run

from .models import DailyUsage

OWNER = "NOS Governance Group"  # the strategy names it as every action's owner
PLACEHOLDER_BEFORE = dt.date(1950, 1, 1)  # the catalogue's placeholder review date is 1905-03-14


@dataclass
class Result:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    breakdown: dict = field(default_factory=dict)
    nos: list[int] | None = None  # Standard ids behind the figure, in a meaningful order
    no_data: str = ""  # why there is no value yet

    @classmethod
    def missing(cls, reason: str) -> Result:
        return cls(value=None, no_data=reason)

    @classmethod
    def share(cls, part: int, whole: int, **kwargs) -> Result:
        """`part` as a percentage of `whole` (one decimal); no value when there is nothing to divide by."""
        if not whole:
            return cls(value=None, numerator=part, denominator=whole, no_data=N_("Nothing to measure: the total is 0."), **kwargs)
        return cls(value=round(100.0 * part / whole, 1), numerator=part, denominator=whole, **kwargs)


@dataclass(frozen=True)
class Declared:
    key: str
    name: str
    definition: str
    unit: str  # count, percent, days
    target: float | None
    direction: str  # up, down, none
    objective: int
    fn: Callable[[dt.date, dt.date], Result]
    owner: str = OWNER

    @property
    def source(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__name__}"


# -- the catalogue ------------------------------------------------------------------------------


def current_standards():
    """Standards whose current version says Validity: Current."""
    return Standard.objects.filter(current__validity="current")


def _review_dates() -> list[tuple[int, dt.date | None]]:
    return list(
        current_standards()
        .order_by("current__indicative_review_date", "slug")
        .values_list("id", "current__indicative_review_date")
    )


def nos_current(start: dt.date, end: dt.date) -> Result:
    by_validity = Counter(Standard.objects.filter(current__isnull=False).values_list("current__validity", flat=True))
    ids = list(current_standards().order_by("slug").values_list("id", flat=True))
    return Result(len(ids), breakdown={"by_validity": {k or "not_stated": v for k, v in sorted(by_validity.items())}}, nos=ids)


def nos_past_review(start: dt.date, end: dt.date) -> Result:
    dated = [(i, d) for i, d in _review_dates() if d is not None and d >= PLACEHOLDER_BEFORE]
    past = [i for i, d in dated if d < end]
    undated = current_standards().count() - len(dated)
    return Result.share(
        len(past),
        len(dated),
        breakdown={"past": len(past), "not_past": len(dated) - len(past), "no_real_date": undated},
        nos=past,
    )


def nos_due_review(start: dt.date, end: dt.date) -> Result:
    due = [i for i, d in _review_dates() if d is not None and d.year == end.year]
    return Result(len(due), nos=due)


def nos_review_date_missing(start: dt.date, end: dt.date) -> Result:
    ids = [i for i, d in _review_dates() if d is None or d < PLACEHOLDER_BEFORE]
    return Result(len(ids), nos=ids)


def nos_reviewed_in_year(start: dt.date, end: dt.date) -> Result:
    year = end.year
    q = Q(current__date_approved__year=year) | Q(current__source_kind="edit", current__effective_at__year=year)
    ids = list(current_standards().filter(q).order_by("slug").values_list("id", flat=True))
    return Result(len(ids), nos=ids)


def suites_active(start: dt.date, end: dt.date) -> Result:
    n = Suite.objects.filter(versions__validity="current", versions__standard__current=F("versions__id")).distinct().count()
    return Result(n)


def developers_active(start: dt.date, end: dt.date) -> Result:
    n = (
        Organisation.objects.filter(versions__validity="current", versions__standard__current=F("versions__id"))
        .distinct()
        .count()
    )
    return Result(n)


def welsh_coverage(start: dt.date, end: dt.date) -> Result:
    has_welsh = Q()
    for column in WELSH_COLUMNS:
        field = NosVersion._meta.get_field(column)
        empty = [] if field.get_internal_type() == "JSONField" else ""
        has_welsh |= ~Q(**{f"current__{column}": empty})
    total = current_standards().count()
    ids = list(current_standards().filter(has_welsh).order_by("slug").values_list("id", flat=True))
    return Result.share(len(ids), total, nos=ids)


# -- SOC 2020 -----------------------------------------------------------------------------------

PROVENANCE_ORDER = ("confirmed", "crosswalk", "suggested")


def soc2020_coverage(start: dt.date, end: dt.date) -> Result:
    rows = NosSocCode.objects.filter(
        soc_code__classification="2020", version__standard__current=F("version_id"), version__validity="current"
    )
    best: dict[int, str] = {}
    for standard_id, source in rows.values_list("version__standard_id", "source"):
        if source in PROVENANCE_ORDER and (
            standard_id not in best or PROVENANCE_ORDER.index(source) < PROVENANCE_ORDER.index(best[standard_id])
        ):
            best[standard_id] = source
    total = current_standards().count()
    by = Counter(best.values())
    return Result.share(
        len(best),
        total,
        breakdown={"by_provenance": {p: by.get(p, 0) for p in PROVENANCE_ORDER}, "none": total - len(best)},
        nos=sorted(best),
    )


def soc2010_coded(start: dt.date, end: dt.date) -> Result:
    ids = sorted(
        set(
            NosSocCode.objects.filter(
                soc_code__classification="2010", version__standard__current=F("version_id"), version__validity="current"
            ).values_list("version__standard_id", flat=True)
        )
    )
    return Result(len(ids), nos=ids)


# -- duplicates ---------------------------------------------------------------------------------


def _latest_run():
    return DetectionRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()


def duplicates_found(start: dt.date, end: dt.date) -> Result:
    run = _latest_run()
    if run is None:
        return Result.missing(N_("No duplicate detection has been run yet."))
    groups = Counter(run.groups.values_list("kind", flat=True))
    ids = sorted(set(GroupMember.objects.filter(group__run=run).values_list("standard_id", flat=True)))
    return Result(len(ids), breakdown={"groups": sum(groups.values()), "groups_by_kind": dict(sorted(groups.items()))}, nos=ids)


def duplicates_resolved(start: dt.date, end: dt.date) -> Result:
    run = _latest_run()
    if run is None:
        return Result.missing(N_("No duplicate detection has been run yet."))
    members = set(GroupMember.objects.filter(group__run=run).values_list("standard_id", flat=True))
    latest: dict[int, str] = {}
    for standard_id, action in (
        Decision.objects.filter(standard_id__in=members).order_by("standard_id", "sequence").values_list("standard_id", "action")
    ):
        latest[standard_id] = action
    resolved = sorted(i for i, action in latest.items() if action != REVERSE)
    by = Counter(a for a in latest.values() if a != REVERSE)
    return Result.share(len(resolved), len(members), breakdown={"by_decision": dict(sorted(by.items()))}, nos=resolved)


# -- the lifecycle ------------------------------------------------------------------------------

APPROVAL_STAGE = {
    "part_a": "proposal",
    "part_b": "part_b",
    "draft": "draft_approval",
    "final": "final_approval",
    "welsh": "welsh_approval",
}


def _stage_spans(end: dt.date) -> tuple[dict[str, list[float]], dict[tuple[int, str], dt.datetime]]:
    """Days each project spent in each stage it left by `end`, and when each project entered each stage."""
    entered: dict[tuple[int, str], dt.datetime] = {}
    spans: dict[str, list[float]] = defaultdict(list)
    current: dict[int, tuple[str, dt.datetime]] = {}
    for p in Project.objects.order_by("id").values("id", "created_at"):
        current[p["id"]] = ("proposal", p["created_at"])
        entered[(p["id"], "proposal")] = p["created_at"]
    for e in (
        AuditEntry.objects.filter(action="advance", project__isnull=False, at__date__lte=end)
        .order_by("at", "id")
        .values("project_id", "at", "after")
    ):
        stage, since = current.get(e["project_id"], ("proposal", e["at"]))
        spans[stage].append((e["at"] - since).total_seconds() / 86400)
        new = (e["after"] or {}).get("stage", "")
        current[e["project_id"]] = (new, e["at"])
        entered[(e["project_id"], new)] = e["at"]
    return spans, entered


def lifecycle_stage_days(start: dt.date, end: dt.date) -> Result:
    spans, entered = _stage_spans(end)
    every = [d for days in spans.values() for d in days]
    if not every:
        return Result.missing(N_("No NOS project has moved between lifecycle stages in NOS Hub yet."))
    by_nation: dict[str, list[float]] = defaultdict(list)
    for a in Approval.objects.filter(responded_at__date__lte=end).values("project_id", "approval", "nation", "responded_at"):
        since = entered.get((a["project_id"], APPROVAL_STAGE.get(a["approval"], "")))
        if since is not None:
            by_nation[a["nation"]].append((a["responded_at"] - since).total_seconds() / 86400)
    breakdown = {
        "by_stage": {s: {"median": round(statistics.median(v), 1), "n": len(v)} for s, v in sorted(spans.items())},
        "by_nation": {n: {"median": round(statistics.median(v), 1), "n": len(v)} for n, v in sorted(by_nation.items())},
    }
    return Result(round(statistics.median(every), 1), breakdown=breakdown)


def consultation_responses(start: dt.date, end: dt.date) -> Result:
    if not Project.objects.filter(consultation_opens__date__lte=end).exists():
        return Result.missing(N_("No NOS consultation has been held in NOS Hub yet."))
    comments = Comment.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    by_moderation = dict(sorted(Counter(comments.values_list("moderation", flat=True)).items()))
    decided = comments.exclude(decision="").count()
    ids = sorted({i for i in comments.values_list("draft__standard_id", flat=True) if i})
    return Result(comments.count(), breakdown={"by_moderation": by_moderation, "decided": decided}, nos=ids)


# -- usage --------------------------------------------------------------------------------------


def _usage(kind: str, start: dt.date, end: dt.date, **filters):
    return DailyUsage.objects.filter(kind=kind, day__gte=start, day__lte=end, **filters)


def _standard_ids(subjects: dict[str, int]) -> dict[str, int]:
    """The standard each counted subject (a slug, or a URN as asked) names."""
    out = dict(Standard.objects.filter(slug__in=list(subjects)).values_list("slug", "id"))
    rest = [s for s in subjects if s not in out]
    if rest:
        for urn, i in Standard.objects.filter(urn__in=rest).order_by("variant").values_list("urn", "id"):
            out.setdefault(urn, i)
    return out


def nos_page_views(start: dt.date, end: dt.date) -> Result:
    rows = _usage("view", start, end)
    if not rows.exists():
        return Result.missing(N_("No page views have been counted in the period."))
    per_subject = Counter()
    for subject, n in rows.filter(target="nos").values_list("subject").annotate(n=Sum("count")):
        per_subject[subject] += n
    ids = _standard_ids(dict(per_subject))
    per_standard: Counter = Counter()
    for subject, n in per_subject.items():
        if subject in ids:
            per_standard[ids[subject]] += n
    by_developer: Counter = Counter()
    by_suite: Counter = Counter()
    developer = dict(Standard.objects.filter(id__in=list(per_standard)).values_list("id", "current__developed_by__name"))
    for standard_id, suite in Standard.objects.filter(id__in=list(per_standard)).values_list("id", "current__suites__name"):
        if suite:
            by_suite[suite] += per_standard[standard_id]
    for standard_id, n in per_standard.items():
        by_developer[developer.get(standard_id) or "(not stated)"] += n
    by_page = dict(sorted(rows.filter(target="nos").values_list("detail").annotate(n=Sum("count"))))
    other = dict(rows.exclude(target="nos").values_list("target").annotate(n=Sum("count")))
    total = sum(per_subject.values())
    pages = total + other.get("suite", 0) + other.get("occupation", 0)
    nations = dict(rows.filter(target="nation").values_list("subject").annotate(n=Sum("count")))
    top = [i for i, _ in sorted(per_standard.items(), key=lambda kv: (-kv[1], kv[0]))]
    breakdown = {
        "by_page": by_page,
        "suite_pages": other.get("suite", 0),
        "occupation_pages": other.get("occupation", 0),
        "by_developer": dict(sorted(by_developer.items(), key=lambda kv: (-kv[1], kv[0]))[:20]),
        "by_suite": dict(sorted(by_suite.items(), key=lambda kv: (-kv[1], kv[0]))[:20]),
        # Of every page view (NOS, suite, SOC group): a nation only as a staff account declares it.
        "by_nation": {**dict(sorted(nations.items())), "not_known": pages - sum(nations.values())},
        "welsh_interface": other.get("language", 0),
    }
    return Result(total, breakdown=breakdown, nos=top)


def downloads(start: dt.date, end: dt.date) -> Result:
    rows = _usage("download", start, end)
    by_format = dict(sorted(rows.values_list("detail").annotate(n=Sum("count"))))
    if not by_format:
        return Result.missing(N_("No downloads have been counted in the period."))
    by_target = dict(sorted(rows.values_list("target").annotate(n=Sum("count"))))
    return Result(sum(by_format.values()), breakdown={"by_format": by_format, "by_target": by_target})


def api_calls(start: dt.date, end: dt.date) -> Result:
    rows = _usage("api", start, end)
    total = rows.aggregate(n=Sum("count"))["n"]
    if not total:
        return Result.missing(N_("No API calls have been counted in the period."))
    by_endpoint = dict(sorted(rows.values_list("target").annotate(n=Sum("count"))))
    client_days = rows.values("day", "detail").distinct().count()
    by_client = rows.values_list("detail").annotate(n=Sum("count")).order_by("-n", "detail")[:20]
    return Result(total, breakdown={"by_endpoint": by_endpoint, "client_days": client_days, "top_clients": dict(by_client)})


def _searches(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    rows = _usage("search", start, end)
    by = dict(rows.filter(target="results").values_list("detail").annotate(n=Sum("count")))
    followed = rows.filter(target="followed").aggregate(n=Sum("count"))["n"] or 0
    return by.get("found", 0) + by.get("zero", 0), by.get("zero", 0), followed


def search_success(start: dt.date, end: dt.date) -> Result:
    searches, zero, followed = _searches(start, end)
    if not searches:
        return Result.missing(N_("No searches have been counted in the period."))
    return Result.share(
        min(followed, searches), searches, breakdown={"searches": searches, "zero_results": zero, "followed": followed}
    )


def search_zero_results(start: dt.date, end: dt.date) -> Result:
    searches, zero, _ = _searches(start, end)
    if not searches:
        return Result.missing(N_("No searches have been counted in the period."))
    return Result.share(zero, searches)


# -- from the themes and qualifications apps ------------------------------------------------------


def pan_sector_share(start: dt.date, end: dt.date) -> Result:
    run = latest_themes_run()
    if run is None:
        return Result.missing(N_("The reach of the NOS has not been classed yet (`noshub themes build`)."))
    classes = dict(Reach.objects.filter(run=run).values_list("standard_id", "reach_class"))
    for standard_id, reach_class in ReachDecision.objects.order_by("standard_id", "sequence").values_list(
        "standard_id", "reach_class"
    ):
        if standard_id in classes:
            classes[standard_id] = reach_class
    wide = sorted(sid for sid, c in classes.items() if c in ("pan_sector", "multi_sector"))
    return Result.share(
        len(wide), len(classes), breakdown={"by_class": dict(sorted(Counter(classes.values()).items()))}, nos=wide
    )


def qualifications_linked(start: dt.date, end: dt.date) -> Result:
    if not Qualification.objects.exists():
        return Result.missing(N_("No qualifications have been imported (`noshub load` reads them from the data directory)."))
    current = Standard.objects.filter(current__isnull=False).values("id")
    links = UnitLink.objects.filter(standard_id__in=current)
    linked = sorted(set(links.filter(status__in=(AUTO, CONFIRMED, CORRECTED)).values_list("standard_id", flat=True)))
    waiting = links.filter(status=REVIEW).count()
    return Result(
        len(linked),
        breakdown={"qualifications": Qualification.objects.count(), "links_waiting_for_review": waiting},
        nos=linked,
    )


# -- the table ----------------------------------------------------------------------------------
# Every measure, one row: key, the strategy objective it informs, unit (count, percent, days),
# target (None: none proposed), direction (up, down, none: which way is better), its query, name
# and definition. The owner is OWNER for all. Names, definitions (and the reasons a measure has no
# data) are marked for translation: the Welsh report and pages show them in Welsh (noshub/locale/cy).

# fmt: off
MEASURES: tuple[tuple, ...] = (
    # key, objective, unit, target, direction, query, name,
    #  definition
    ("nos_current", 1, "count", None, "none", nos_current, N_("Current NOS"),
     N_("Standards whose current version's validity is Current.")),
    ("nos_past_review", 1, "percent", 25.0, "down", nos_past_review, N_("Current NOS past their review date"),
     N_("Of the current NOS with a real indicative review date (not missing, not the placeholder 1905-03-14), the share whose date is before the day measured.")),
    ("nos_due_review", 1, "count", None, "none", nos_due_review, N_("Current NOS due for review in the year"),
     N_("Current NOS whose indicative review date falls in the calendar year of the day measured.")),
    ("nos_review_date_missing", 1, "count", 0.0, "down", nos_review_date_missing, N_("Current NOS without a real review date"),
     N_("Current NOS whose indicative review date is missing or the catalogue's placeholder (before 1950).")),
    ("nos_reviewed_in_year", 4, "count", None, "up", nos_reviewed_in_year, N_("NOS approved or reviewed in the year"),
     N_("Current NOS whose current version was approved in the calendar year of the day measured (its date approved), or published from NOS Hub's lifecycle that year.")),
    ("suites_active", 1, "count", None, "none", suites_active, N_("Suites with current NOS"),
     N_("Suites that hold at least one current NOS.")),
    ("developers_active", 1, "count", None, "none", developers_active, N_("Developers of current NOS"),
     N_("Organisations named as the developer of at least one current NOS.")),
    ("welsh_coverage", 1, "percent", 100.0, "up", welsh_coverage, N_("Current NOS with Welsh text"),
     N_("The share of current NOS whose current version holds Welsh text in any section of the template.")),
    ("soc2020_coverage", 7, "percent", 95.0, "up", soc2020_coverage, N_("Current NOS with a SOC 2020 code"),
     N_("The share of current NOS with at least one SOC 2020 code, whatever its provenance; the breakdown counts each NOS under its strongest provenance (confirmed by a person, crosswalked from the catalogue's SOC 2010 code, suggested by the coder).")),
    ("soc2010_coded", 7, "count", None, "up", soc2010_coded, N_("Current NOS with a SOC 2010 code from the catalogue"),
     N_("Current NOS whose current version carries at least one SOC 2010 code as the catalogue gave it.")),
    ("duplicates_found", 1, "count", None, "none", duplicates_found, N_("NOS in duplicate groups"),
     N_("Standards that belong to a duplicate group in the latest finished duplicate detection (noshub duplicates find); the breakdown counts groups by kind.")),
    ("duplicates_resolved", 1, "percent", 100.0, "up", duplicates_resolved, N_("Duplicate NOS resolved"),
     N_("Of the standards in the latest duplicate groups, the share with a decision in force (keep both, imported copy, merge, retire; not reversed).")),
    ("lifecycle_stage_days", 4, "days", 30.0, "down", lifecycle_stage_days, N_("Days in a lifecycle stage"),
     N_("The median number of days a NOS project spent in a stage before moving on (from NOS Hub's lifecycle audit trail); the breakdown gives each stage's median and each nation's median days to respond to an approval.")),
    ("consultation_responses", 4, "count", None, "up", consultation_responses, N_("Consultation responses"),
     N_("Comments received on draft NOS in consultation in the period (every comment, whatever its moderation).")),
    ("nos_page_views", 6, "count", None, "up", nos_page_views, N_("NOS page views"),
     N_("Views of NOS pages (the page, its summary, its print view) in the period, counted without cookies; robots and visitors asking not to be tracked (Do Not Track, Global Privacy Control) are not counted. The breakdown gives views per developer and per suite of the NOS viewed, views of suite and SOC 2020 group pages, page views per nation (known only for staff accounts that declare one; every other view is not known, never guessed from an address or the language) and page views in the Welsh interface.")),
    ("downloads", 6, "count", None, "up", downloads, N_("Downloads"),
     N_("PDF and DOCX downloads of NOS and suites, and CSV exports of the API, in the period; the breakdown counts them by format.")),
    ("api_calls", 5, "count", None, "up", api_calls, N_("API calls"),
     N_("Calls of the public API and of the pages' JSON twins in the period; clients are told apart by a hash of address and user agent under a salt that changes every day and is then deleted, so the same client on two days counts as two clients.")),
    ("search_success", 1, "percent", 60.0, "up", search_success, N_("Search success"),
     N_("Searches followed by a NOS view: NOS pages opened from the search results (their Referer) as a share of searches (first pages of results), in the period; at most 100%.")),
    ("search_zero_results", 1, "percent", 5.0, "down", search_zero_results, N_("Searches finding nothing"),
     N_("The share of searches (first pages of results) that found no NOS, in the period.")),
    ("pan_sector_share", 2, "percent", None, "up", pan_sector_share, N_("Pan- and multi-sector NOS"),
     N_("The share of current NOS classed pan-sector or multi-sector (the strategy's glossary) by the latest `noshub themes build`, a person's decision on a NOS's class standing over the build's.")),
    ("qualifications_linked", 7, "count", None, "up", qualifications_linked, N_("NOS linked to qualifications"),
     N_("Current NOS that at least one qualification unit is linked to (linked by code, by title with its qualification as context, or by a person; links waiting for review and units a person said have no NOS are not counted).")),
)
# fmt: on

REGISTRY: dict[str, Declared] = {
    key: Declared(key, name, definition, unit, target, direction, objective, fn)
    for key, objective, unit, target, direction, fn, name, definition in MEASURES
}
