"""What the pages, the API and the CLI ask of qualifications: linking units to NOS, the review
queue, a qualification's structure and coverage, the qualifications using a NOS, reuse figures
and change alerts. Every view and command calls these, so HTML, JSON and CLI agree."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import Count, Q

from noshub.catalogue.models import NosVersion, Standard, Suite
from noshub.catalogue.prepared import Prepared
from noshub.catalogue.roles import ADMINISTRATOR, DEVELOPER, REVIEWER, roles
from noshub.core.errors import Forbidden, InvalidParameter, NotFound

from . import matcher
from .models import (
    AUTO,
    CONFIRMED,
    CORRECTED,
    DECIDED,
    NO_NOS,
    PERSON,
    REVIEW,
    ChangeAlert,
    LinkDecision,
    Qualification,
    Unit,
    UnitLink,
)

# ----------------------------------------------------------------------------- the catalogue as the matcher sees it


def catalogue_for_matching() -> list[matcher.Nos]:
    """The current NOS as the matcher sees them, with their dates: when the NOS database first
    held each (its earliest version's creation) and when a successor naming it as its Original
    URN was first held."""
    suites: dict[int, list[str]] = {}
    for vid, name in _current_suites():
        suites.setdefault(vid, []).append(name)
    created: dict[int, object] = {}
    for sid, when in NosVersion.objects.exclude(source_created__isnull=True).values_list("standard_id", "source_created"):
        day = when.date()
        if sid not in created or day < created[sid]:
            created[sid] = day
    replaced: dict[int, object] = {}
    successors = set()
    pairs = Standard.objects.filter(current__original_standard__isnull=False).values_list("id", "current__original_standard_id")
    for sid, original in pairs:
        day = created.get(sid)
        if original == sid:
            continue
        successors.add(sid)
        if day is not None and (original not in replaced or day < replaced[original]):
            replaced[original] = day
    out = []
    rows = Standard.objects.filter(current__isnull=False).values_list(
        "id", "slug", "urn_key", "current_id", "current__title", "current__developed_by__name", "current__validity"
    )
    for sid, slug, key, vid, title, dev, validity in rows:
        out.append(
            matcher.Nos(
                sid,
                slug,
                key,
                title or "",
                tuple(suites.get(vid, ())),
                dev or "",
                validity == "legacy",
                vid,
                created.get(sid),
                replaced.get(sid),
                sid in successors,
            )
        )
    return out


def _current_suites():
    current = Standard.objects.filter(current__isnull=False).values("current_id")
    return NosVersion.suites.through.objects.filter(nosversion_id__in=current).values_list("nosversion_id", "suite__name")


_MATCHER: dict[tuple, matcher.Matcher] = {}


def _matcher() -> matcher.Matcher:
    """The matcher of the catalogue as it is: built once per process for each state of it."""
    state = (Standard.objects.count(), NosVersion.objects.order_by("-pk").values_list("pk", flat=True).first())
    if state not in _MATCHER:
        _MATCHER.clear()
        _MATCHER[state] = matcher.Matcher(catalogue_for_matching())
    return _MATCHER[state]


def _units_in(units) -> list[matcher.UnitIn]:
    out = []
    for u in units:
        q = u.qualification
        when = matcher.qualification_date(q.structure_approved, q.accredited_from)
        out.append(matcher.UnitIn(u.pk, q.key, u.title, u.code, matcher.svq_level(q.code, q.level), when))
    return out


# ----------------------------------------------------------------------------- linking


def link_units(qualification_keys: list[str] | None = None, progress=None) -> dict:
    """Link every unit (of the given qualifications) to its NOS; a person's decision wins over
    NOS Hub's match. Returns counts. One transaction."""
    units = list(Unit.objects.select_related("qualification"))
    if not units:
        return {"units": 0}
    m = _matcher()
    ranked_on, learnt = m.fit(_units_in(units))
    todo = [u for u in units if qualification_keys is None or u.qualification.key in qualification_keys]
    matches = {x.ref: x for x in m.link(_units_in(todo))}
    decisions = _latest_decisions()
    current = dict(Standard.objects.filter(current__isnull=False).values_list("pk", "current_id"))
    counts: Counter = Counter()
    with transaction.atomic():
        existing = {link.unit_id: link for link in UnitLink.objects.filter(unit__in=todo)}
        new, changed = [], []
        for u in todo:
            x = matches[u.pk]
            old = existing.get(u.pk)
            link = old or UnitLink(unit=u)
            before = old.standard_id if old else None
            decision = decisions.get(_signature(u))
            if decision is not None:
                link.standard_id = decision.standard_id
                link.method, link.confidence = PERSON, 1.0
                link.status = decision.action
                link.reason = f"{decision.get_action_display()} by {decision.decided_by}" + (
                    f": {decision.note}" if decision.note else ""
                )
            elif x.nos is None:
                link.standard_id, link.method, link.confidence, link.status, link.reason = None, "", 0.0, REVIEW, x.reason
            else:
                link.standard_id = x.nos.standard_id
                link.method, link.confidence, link.reason = x.method, round(x.confidence, 4), x.reason
                link.status = AUTO if x.confidence >= matcher.REVIEW_BELOW else REVIEW
            link.candidates = [{"nos": n.slug, "title": n.title, "score": s} for n, s in x.candidates]
            if link.standard_id != before or link.version_id is None:
                # A new link starts from the NOS's current version; alerts follow from there.
                link.version_id = current.get(link.standard_id) if link.standard_id else None
            (changed if old else new).append(link)
            counts[link.status] += 1
            counts[link.method or "none"] += 1
        UnitLink.objects.bulk_create(new, batch_size=500)
        UnitLink.objects.bulk_update(
            changed, ["standard", "version", "method", "confidence", "reason", "status", "candidates"], batch_size=500
        )
    return {"units": len(todo), "ranking_learnt_on": ranked_on, "calibrated_on": learnt, **counts}


def _signature(unit: Unit) -> tuple[str, str, str]:
    return (unit.qualification.key, unit.code, unit.title)


def _latest_decisions() -> dict[tuple[str, str, str], LinkDecision]:
    out: dict[tuple[str, str, str], LinkDecision] = {}
    for d in LinkDecision.objects.order_by("decided_at", "id"):
        out[(d.qualification_key, d.unit_code, d.unit_title)] = d
    return out


# ----------------------------------------------------------------------------- review


def can_review(user) -> bool:
    """Administrators, nation reviewers, standards developers and staff review links."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or roles(user) & {ADMINISTRATOR, REVIEWER, DEVELOPER})


def review_queue(limit: int = 50, offset: int = 0) -> dict:
    links = UnitLink.objects.filter(status=REVIEW).select_related("unit__qualification", "standard", "standard__current")
    total = links.count()
    items = [
        link_dict(link)
        for link in links.order_by("confidence", "unit__qualification__title", "unit__position")[offset : offset + limit]
    ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def decide(user, unit_id: int, action: str, nos: str = "", note: str = "") -> UnitLink:
    """Confirm a unit's NOS, correct it (to `nos`), or say it has none. Recorded (`LinkDecision`);
    kept through re-imports."""
    if not can_review(user):
        raise Forbidden("Only administrators, reviewers, standards developers and staff may review links.")
    if action not in DECIDED:
        raise InvalidParameter("action", f"expected one of {', '.join(DECIDED)}")
    unit = Unit.objects.select_related("qualification").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(f"No unit {unit_id}.")
    link = UnitLink.objects.filter(unit=unit).first() or UnitLink(unit=unit, status=REVIEW)
    standard = None
    if action == CORRECTED:
        standard = (
            Standard.objects.filter(Q(slug=nos) | Q(urn_key=nos.upper().replace("&", "_").replace(" ", ""))).first()
            if nos
            else None
        )
        if standard is None:
            raise InvalidParameter("nos", f"no NOS {nos!r}")
    elif action == CONFIRMED:
        if link.standard_id is None:
            raise InvalidParameter("action", "the unit has no NOS to confirm: correct it instead")
        standard = link.standard
    with transaction.atomic():
        LinkDecision.objects.create(
            qualification_key=unit.qualification.key,
            unit_code=unit.code,
            unit_title=unit.title,
            action=action,
            standard=standard,
            previous_standard_id=link.standard_id,
            note=note[:2000],
            decided_by=user.get_username(),
        )
        link.standard = standard
        link.version_id = standard.current_id if standard else None
        link.method, link.confidence, link.status = PERSON, 1.0, action
        link.reason = f"{dict(LinkDecision._meta.get_field('action').choices)[action]} by {user.get_username()}" + (
            f": {note}" if note else ""
        )
        link.save()
    return link


def decisions(limit: int = 50) -> list[dict]:
    return [
        {
            "qualification": d.qualification_key,
            "unit_code": d.unit_code,
            "unit_title": d.unit_title,
            "action": d.action,
            "nos": d.standard.slug if d.standard else None,
            "previous_nos": d.previous_standard.slug if d.previous_standard else None,
            "note": d.note,
            "decided_by": d.decided_by,
            "decided_at": d.decided_at,
        }
        for d in LinkDecision.objects.select_related("standard", "previous_standard")[:limit]
    ]


# ----------------------------------------------------------------------------- reading


def link_dict(link: UnitLink | None, unit: Unit | None = None) -> dict:
    unit = unit or link.unit
    out = {
        "unit": unit.pk,
        "qualification": unit.qualification.key if link is not None else None,
        "code": unit.code,
        "accred_code": unit.accred_code,
        "title": unit.title,
        "kind": unit.kind,
        "level": unit.level,
        "credit": unit.credit,
        "nos": None,
        "nos_title": None,
        "method": "",
        "confidence": None,
        "status": "",
        "reason": "",
        "candidates": [],
    }
    if link is not None:
        out.update(
            qualification_title=unit.qualification.title,
            nos=link.standard.slug if link.standard else None,
            nos_title=link.standard.current.title if link.standard and link.standard.current else None,
            method=link.method,
            confidence=link.confidence,
            status=link.status,
            status_label=link.get_status_display(),
            reason=link.reason,
            candidates=link.candidates,
        )
    return out


def _clean(text: str) -> str:
    """A query's text as the database can compare it (PostgreSQL holds no NUL)."""
    return (text or "").replace("\x00", "").strip()


def qualification_list(q: str = "", limit: int = 100, offset: int = 0, structured: bool = False) -> dict:
    q = _clean(q)
    qs = Qualification.objects.annotate(unit_count=Count("units"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(key__iexact=q) | Q(awarding_body__icontains=q))
    if structured:
        qs = qs.filter(unit_count__gt=0)
    total = qs.count()
    rows = []
    for item in qs.order_by("-unit_count", "title")[offset : offset + limit]:
        rows.append(
            {
                "id": item.pk,
                "key": item.key,
                "code": item.code,
                "title": item.title,
                "level": item.level,
                "awarding_body": item.awarding_body,
                "units": item.unit_count,
            }
        )
    return {
        "q": q,
        "total": total,
        "limit": limit,
        "offset": offset,
        "qualifications": rows,
        "figures": reuse_figures(),
    }


def get_qualification(ident: str | int) -> Qualification:
    s = _clean(str(ident))
    qs = Qualification.objects.all()
    found = qs.filter(pk=int(s)).first() if s.isascii() and s.isdigit() and len(s) < 10 else None
    found = found or qs.filter(key__iexact=s).first() or qs.filter(key__iexact=s.replace(" ", "")[:4]).first()
    if found is None:
        raise NotFound(f"No qualification {s!r}.")
    return found


def qualification_detail(q: Qualification) -> dict:
    units = list(q.units.select_related("group", "link__standard__current"))
    groups = []
    by_group: dict[int, list[dict]] = {}
    for u in units:
        link = getattr(u, "link", None) if hasattr(u, "link") else None
        by_group.setdefault(u.group_id, []).append(link_dict(link, u))
    for g in q.groups.all():
        groups.append({"title": g.title, "rule": g.rule, "kind": g.kind, "units": by_group.get(g.pk, [])})
    linked = [u for g in groups for u in g["units"] if u["nos"]]
    mandatory = [u for g in groups for u in g["units"] if (u["kind"] or g["kind"]) == "mandatory"]
    coverage = {
        "units": len(units),
        "linked": len(linked),
        "share_linked": round(len(linked) / len(units), 3) if units else None,
        "mandatory": len(mandatory),
        "mandatory_linked": sum(1 for u in mandatory if u["nos"]),
        "needs_review": sum(1 for g in groups for u in g["units"] if u["status"] == REVIEW),
        "distinct_nos": len({u["nos"] for u in linked}),
        "suites": _suites_of([u["nos"] for u in linked]),
    }
    return {
        "id": q.pk,
        "key": q.key,
        "code": q.code,
        "title": q.title,
        "awarding_body": q.awarding_body,
        "developer": q.developer,
        "qualification_type": q.qualification_type,
        "category": q.category,
        "level": q.level,
        "credit": q.credit,
        "credit_min": q.credit_min,
        "credit_max": q.credit_max,
        "structure_approved": q.structure_approved,
        "accredited_from": q.accredited_from,
        "accreditation_end": q.accreditation_end,
        "certification_end": q.certification_end,
        "structure_rule": q.structure_rule,
        "source": {"structure": q.structure_file, "sheet": q.structure_sheet, "listing": q.listing_file},
        "frameworks": list(q.frameworks.values_list("name", flat=True)),
        "groups": groups,
        "coverage": coverage,
        "alerts": [alert_dict(a) for a in q.alerts.select_related("standard", "old_version", "new_version")[:50]],
    }


def _suites_of(slugs: list[str]) -> list[dict]:
    counts = Counter()
    for name in _suite_names(slugs):
        counts[name] += 1
    return [{"suite": n, "units": c} for n, c in counts.most_common(10)]


def _suite_names(slugs: list[str]):
    current = Standard.objects.filter(slug__in=slugs).values("current_id")
    return NosVersion.suites.through.objects.filter(nosversion_id__in=current).values_list("suite__name", flat=True)


# The units linked to a NOS with their qualifications, by title (a prepared query: every NOS page asks it).
_QUALIFICATIONS_USING = Prepared(
    lambda standard_id: (
        UnitLink.objects.filter(standard_id=standard_id)
        .exclude(status=NO_NOS)
        .order_by("unit__qualification__title", "unit__position")
        .values_list(
            "unit__qualification_id",
            "unit__qualification__key",
            "unit__qualification__code",
            "unit__qualification__title",
            "unit__code",
            "unit__title",
            "unit__kind",
            "status",
        )
    )
)


def qualifications_using(standard: Standard) -> list[dict]:
    """The qualifications whose units link to this NOS (for the NOS page): one query of values."""
    links = _QUALIFICATIONS_USING(standard.id)
    out: dict[int, dict] = {}
    for q_id, q_key, q_code, q_title, code, title, kind, status in links:
        entry = out.setdefault(q_id, {"id": q_id, "key": q_key, "code": q_code, "title": q_title, "units": []})
        entry["units"].append({"code": code, "title": title, "kind": kind, "status": status})
    return list(out.values())


def reuse_figures() -> dict:
    """ "Develop once, use often": how many qualifications use each NOS; suites none uses."""
    links = UnitLink.objects.filter(standard__isnull=False).exclude(status=NO_NOS)
    per_nos = Counter(
        dict(
            links.values_list("standard_id")
            .annotate(n=Count("unit__qualification", distinct=True))
            .values_list("standard_id", "n")
        )
    )
    histogram = Counter(per_nos.values())
    used_current = Standard.objects.filter(pk__in=list(per_nos)).values("current_id")
    used_suites = set(NosVersion.suites.through.objects.filter(nosversion_id__in=used_current).values_list("suite_id", flat=True))
    all_current = Standard.objects.filter(current__isnull=False).values("current_id")
    suite_ids = set(NosVersion.suites.through.objects.filter(nosversion_id__in=all_current).values_list("suite_id", flat=True))
    top = Standard.objects.filter(pk__in=[sid for sid, _ in per_nos.most_common(10)]).select_related("current")
    top_by_id = {s.pk: s for s in top}
    return {
        "qualifications": Qualification.objects.count(),
        "with_structure": Qualification.objects.exclude(structure_file="").count(),
        "units": Unit.objects.count(),
        "nos_used": len(per_nos),
        "nos_used_by": {str(k): v for k, v in sorted(histogram.items())},
        "most_used": [
            {
                "nos": top_by_id[sid].slug,
                "title": top_by_id[sid].current.title if top_by_id[sid].current else "",
                "qualifications": n,
            }
            for sid, n in per_nos.most_common(10)
            if sid in top_by_id
        ],
        "suites": len(suite_ids),
        "suites_used": len(used_suites & suite_ids),
        "suites_unused": len(suite_ids - used_suites),
    }


def unused_suites(limit: int = 100) -> list[str]:
    links = UnitLink.objects.filter(standard__isnull=False).exclude(status=NO_NOS).values("standard__current_id")
    used = set(NosVersion.suites.through.objects.filter(nosversion_id__in=links).values_list("suite_id", flat=True))
    current = Standard.objects.filter(current__isnull=False).values("current_id")
    ids = set(NosVersion.suites.through.objects.filter(nosversion_id__in=current).values_list("suite_id", flat=True)) - used
    return list(Suite.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)[:limit])


def link_status_counts() -> dict:
    return dict(UnitLink.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


# ----------------------------------------------------------------------------- alerts


def alert_dict(a: ChangeAlert) -> dict:
    return {
        "id": a.pk,
        "nos": a.standard.slug,
        "qualification": a.qualification.key if a.qualification_id else None,
        "qualification_id": a.qualification_id,
        "qualification_title": a.qualification.title,
        "unit_code": a.unit_code,
        "unit_title": a.unit_title,
        "old_version": a.old_version.sequence if a.old_version else None,
        "new_version": a.new_version.sequence,
        "new_version_title": a.new_version.title,
        "change": a.change,
        "created_at": a.created_at,
    }


def alert_list(limit: int = 50, offset: int = 0, nos: str = "", qualification: str = "") -> dict:
    qs = ChangeAlert.objects.select_related("standard", "qualification", "old_version", "new_version")
    nos, qualification = _clean(nos), _clean(qualification)
    if nos:
        qs = qs.filter(standard__slug=nos)
    if qualification:
        qs = qs.filter(qualification=get_qualification(qualification))
    total = qs.count()
    return {"total": total, "limit": limit, "offset": offset, "alerts": [alert_dict(a) for a in qs[offset : offset + limit]]}
