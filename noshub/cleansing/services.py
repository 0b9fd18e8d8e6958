"""Cleansing services: the one path that the CLI, the JSON API, the pages and other apps share.

For other apps (search, the finder, NOS pages), the hooks are:

- `hidden_standard_ids()`: ids of standards a reviewer has decided are an imported copy, are
  merged into another, or are retired as legacy. Search and lists leave them out (or show
  them behind their original).
- `canonical_for(standard)`: the standard to show instead of this one (itself when no decision
  hides it). Follows chains (copy of a copy) and never loops.
- `decision_in_force(standard)`: the decision in force for a standard, or None.

Duplicate detection: `run_detection()` reads the catalogue, finds the groups
(`noshub.core.duplicates`) and keeps them as a `DetectionRun`; `latest_run()`, `group_list()`
and `group_explanation()` read them back. `already_covered()` answers "which existing NOS and
statements already cover this draft?" from an index kept in memory (built on first use,
rebuilt when the catalogue changes).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from noshub.catalogue import roles
from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import NosVersion, Standard
from noshub.catalogue.prepared import Prepared
from noshub.core.duplicates import KINDS, DuplicateFinder, NosText, Settings, explain_pair
from noshub.core.errors import NotFound
from noshub.core.progress import ProgressCallback, tell
from noshub.core.text import content_words

from .corpus import load_corpus
from .models import (
    ACTION_CHOICES,
    HIDING,
    NEEDS_TARGET,
    REVERSE,
    Decision,
    DetectionRun,
    DuplicateGroup,
    GroupMember,
)

# -- detection ------------------------------------------------------------------------------


def group_key(members: Iterable[str]) -> str:
    return hashlib.sha1("+".join(sorted(members)).encode("utf-8")).hexdigest()


def run_detection(
    settings: Settings | None = None, save: bool = True, progress: ProgressCallback | None = None
) -> tuple[DetectionRun, list]:
    """Find duplicate groups over the whole catalogue; keep them as a run (unless save=False).
    `progress(stage, done, total)` hears each stage."""
    started = timezone.now()
    t0 = time.perf_counter()
    tell(progress, "Reading the catalogue")
    docs = load_corpus()
    tell(progress, "Finding duplicates")
    finder = DuplicateFinder(docs, settings)
    result = finder.find()
    result.stats["seconds"] = round(time.perf_counter() - t0, 2)
    run = DetectionRun(
        started_at=started,
        corpus_size=len(docs),
        settings=result.stats["settings"],
        stats=result.stats,
        repeated_statements=result.repeated_statements,
        partial_overlaps=result.partial_overlaps[:2000],
    )
    if save:
        tell(progress, "Saving the groups")
        with transaction.atomic():
            run.finished_at = timezone.now()
            run.save()
            catalogue_stamp.bump("duplicates")  # search collapses and NOS pages name the new groups
            ids = dict(Standard.objects.values_list("slug", "id"))
            groups = [
                DuplicateGroup(
                    run=run,
                    key=group_key(g.members),
                    kind=g.kind,
                    score=round(g.score, 4),
                    min_score=round(g.min_score, 4),
                    size=len(g.members),
                    canonical_id=ids.get(g.canonical),
                    pairs=[p.as_dict() for p in g.pairs],
                )
                for g in result.groups
            ]
            DuplicateGroup.objects.bulk_create(groups, batch_size=1000)
            members = [
                GroupMember(group=row, standard_id=ids[m], is_canonical=(m == g.canonical))
                for row, g in zip(groups, result.groups, strict=True)
                for m in g.members
                if m in ids
            ]
            GroupMember.objects.bulk_create(members, batch_size=5000)
    return run, result.groups


def latest_run() -> DetectionRun | None:
    return DetectionRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def latest_run_id() -> int | None:
    """The latest run's id, kept until the catalogue stamp moves on (a run moves it): what every NOS
    page asks, in no query once known."""
    found = catalogue_stamp.cached("cleansing-latest-run", (), lambda: getattr(latest_run(), "id", 0))
    return found or None


def _member_rows(group_ids: list[int]) -> dict[int, list[dict]]:
    rows = (
        GroupMember.objects.filter(group_id__in=group_ids)
        .select_related("standard__current__developed_by")
        .order_by("-is_canonical", "standard__slug")
    )
    in_force = decisions_in_force({m.standard_id for m in rows})
    out: dict[int, list[dict]] = {}
    for m in rows:
        v = m.standard.current
        decision = in_force.get(m.standard_id)
        out.setdefault(m.group_id, []).append(
            {
                "nos": m.standard.slug,
                "urn": m.standard.urn,
                "title": v.title if v else "",
                "developer": v.developed_by.name if v and v.developed_by_id else "",
                "validity": v.validity if v else "",
                "status": v.status if v else "",
                "original_urn": v.original_urn if v else "",
                "canonical": m.is_canonical,
                "decision": decision_dict(decision) if decision else None,
            }
        )
    return out


def group_dict(group: DuplicateGroup, members: list[dict] | None = None) -> dict:
    members = members if members is not None else _member_rows([group.id]).get(group.id, [])
    decided = sum(1 for m in members if m["decision"])
    return {
        "key": group.key,
        "kind": group.kind,
        "kind_label": KINDS[group.kind],
        "score": group.score,
        "min_score": group.min_score,
        "size": group.size,
        "canonical": next((m["nos"] for m in members if m["canonical"]), None),
        "members": members,
        "status": "resolved" if decided >= group.size - 1 else ("in review" if decided else "open"),
    }


def group_list(kind: str = "", nos: str = "", limit: int = 50, offset: int = 0, run: DetectionRun | None = None) -> dict:
    """Groups of the latest run, largest first; filter by kind or by a member's slug/URN."""
    run = run or latest_run()
    if run is None:
        return {"run": None, "count": 0, "groups": []}
    qs = DuplicateGroup.objects.filter(run=run)
    if kind:
        qs = qs.filter(kind=kind)
    if nos:
        from noshub.catalogue.services import find_standards

        qs = qs.filter(members__in=find_standards(nos)).distinct()
    total = qs.count()
    page = list(qs.order_by("-size", "-score", "key")[offset : offset + limit])
    members = _member_rows([g.id for g in page])
    return {
        "run": run_dict(run),
        "count": total,
        "limit": limit,
        "offset": offset,
        "groups": [group_dict(g, members.get(g.id, [])) for g in page],
    }


def run_dict(run: DetectionRun) -> dict:
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "corpus_size": run.corpus_size,
        "stats": run.stats,
        "by_kind": dict(run.groups.values_list("kind").annotate(n=Count("id")).order_by("kind")),
    }


def get_group(key: str, run: DetectionRun | None = None) -> DuplicateGroup:
    run = run or latest_run()
    group = DuplicateGroup.objects.filter(run=run, key=key).first() if run else None
    if group is None:
        raise NotFound(f"No duplicate group {key!r} in the latest run")
    return group


def group_explanation(key: str) -> dict:
    """A group with every member compared to the canonical NOS: shared statements side by
    side with their differences marked, what only one holds, the scores of every pair."""
    group = get_group(key)
    data = group_dict(group)
    ids = list(group.members.values_list("id", flat=True))
    docs = {d.key: d for d in load_corpus(set(ids))}
    counts = {" ".join(content_words(s["text"])): s["nos_count"] for s in group.run.repeated_statements}
    canonical = docs.get(data["canonical"]) or next(iter(docs.values()))
    pair_of = {(p["a"], p["b"]): p for p in group.pairs}
    comparisons = []
    for m in data["members"]:
        if m["nos"] == canonical.key or m["nos"] not in docs:
            continue
        explanation = explain_pair(canonical, docs[m["nos"]], counts)
        pair = pair_of.get((canonical.key, m["nos"])) or pair_of.get((m["nos"], canonical.key))
        explanation["pair"] = pair
        comparisons.append(explanation)
    data["comparisons"] = comparisons
    data["pairs"] = group.pairs
    data["run"] = {"id": group.run_id, "started_at": group.run.started_at.isoformat()}
    return data


# -- decisions ------------------------------------------------------------------------------


def is_reviewer(user) -> bool:
    """A reviewer decides about any NOS: a superuser, a holder of cleansing.record_decision, an administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm("cleansing.record_decision") or roles.ADMINISTRATOR in roles.roles(user)


def developer_of(standard: Standard) -> int | None:
    """The id of the organisation that develops a standard (its current version's developer)."""
    if standard.current_id is None:
        return None
    return NosVersion.objects.filter(pk=standard.current_id).values_list("developed_by_id", flat=True).first()


def can_decide(user, standard: Standard | None = None) -> bool:
    """May `user` record or reverse decisions about `standard` (about some NOS, when None)?

    As the lifecycle rules projects (noshub.catalogue.roles): a reviewer (`is_reviewer`) about
    any NOS; a standards developer only about NOS its own organisation develops."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_reviewer(user):
        return True
    if roles.DEVELOPER not in roles.roles(user):
        return False
    if standard is None:
        return roles.organisation_id(user) is not None
    return roles.acts_for(user, developer_of(standard))


def _require_decider(user, standard: Standard) -> None:
    if not can_decide(user, standard):
        raise PermissionDenied(
            f"Only reviewers, administrators and the standards developers of the organisation that develops "
            f"{standard.slug} may record or reverse decisions about it."
        )


def decision_dict(d: Decision) -> dict:
    return {
        "nos": d.standard.slug,
        "sequence": d.sequence,
        "action": d.action,
        "action_label": dict(ACTION_CHOICES)[d.action],
        "target": d.target.slug if d.target_id else None,
        "reason": d.reason,
        "decided_by": d.decided_by.get_username(),
        "decided_at": d.decided_at.isoformat(),
        "group_key": d.group_key,
        "reverses": d.reverses.sequence if d.reverses_id else None,
    }


def _latest(standard: Standard) -> Decision | None:
    return Decision.objects.filter(standard=standard).order_by("-sequence").select_related("previous").first()


def decision_in_force(standard: Standard) -> Decision | None:
    latest = _latest(standard)
    return latest.in_force if latest else None


def decisions_in_force(standard_ids: Iterable[int] | None = None) -> dict[int, Decision]:
    """standard id -> the decision in force, for every standard with one (or the given ones)."""
    qs = Decision.objects.select_related("standard", "target", "decided_by", "previous__target", "previous__decided_by")
    if standard_ids is not None:
        qs = qs.filter(standard_id__in=list(standard_ids))
    latest: dict[int, Decision] = {}
    for d in qs.order_by("standard_id", "sequence"):
        latest[d.standard_id] = d
    out = {}
    for sid, d in latest.items():
        force = d.in_force
        if force is not None:
            if force is d.previous:
                force.standard = d.standard
            out[sid] = force
    return out


def record_decision(
    user, standard: Standard, action: str, reason: str, target: Standard | None = None, group_key: str = ""
) -> Decision:
    """Record a reviewer's decision about a standard. Nothing is deleted; the decision can be reversed."""
    _require_decider(user, standard)
    valid = {a for a, _ in ACTION_CHOICES} - {REVERSE}
    if action not in valid:
        raise ValidationError(f"Unknown action {action!r}: expected one of {', '.join(sorted(valid))}.")
    if not (reason or "").strip():
        raise ValidationError("Say why: a decision needs a reason.")
    if action in NEEDS_TARGET and target is None:
        raise ValidationError(f"The action {action!r} needs the NOS it refers to (target).")
    if target is not None and target.pk == standard.pk:
        raise ValidationError("A NOS cannot be a copy of, or merged into, itself.")
    if action in (HIDING & NEEDS_TARGET) and target is not None and canonical_for(target).pk == standard.pk:
        raise ValidationError(f"{target.slug} is already hidden behind {standard.slug}: that would make a loop.")
    with transaction.atomic():
        Standard.objects.select_for_update().filter(pk=standard.pk).first()
        latest = _latest(standard)
        return Decision.objects.create(
            standard=standard,
            sequence=(latest.sequence + 1) if latest else 1,
            action=action,
            target=target if action in NEEDS_TARGET else None,
            group_key=group_key,
            reason=reason.strip(),
            decided_by=user,
            previous=latest.in_force if latest else None,
        )


def reverse_decision(user, standard: Standard, reason: str) -> Decision:
    """Reverse the decision in force: what was in force before it is in force again."""
    _require_decider(user, standard)
    if not (reason or "").strip():
        raise ValidationError("Say why: a reversal needs a reason.")
    with transaction.atomic():
        Standard.objects.select_for_update().filter(pk=standard.pk).first()
        latest = _latest(standard)
        force = latest.in_force if latest else None
        if force is None:
            raise ValidationError(f"No decision is in force for {standard.slug}.")
        return Decision.objects.create(
            standard=standard,
            sequence=latest.sequence + 1,
            action=REVERSE,
            target=None,
            group_key=force.group_key,
            reason=reason.strip(),
            decided_by=user,
            previous=force.previous,
            reverses=force,
        )


def decision_history(standard: Standard) -> list[dict]:
    rows = Decision.objects.filter(standard=standard).select_related("standard", "target", "decided_by", "reverses")
    return [decision_dict(d) for d in rows.order_by("sequence")]


def hidden_standard_ids() -> set[int]:
    """Standards hidden from search and the finder by a decision in force (copy, merged, retired)."""
    return {sid for sid, d in decisions_in_force().items() if d.action in HIDING}


#: Group kinds whose members hold the same text (`noshub.core.duplicates.KINDS`).
SAME_TEXT_KINDS = ("same_text", "imported_copy")


# A standard's same-text groups in a run, then each group's other members, by URN: two prepared
# queries from the standard's own memberships (an index on the standard), never from the run's
# thousands of groups (most NOS are in none of them).
_MEMBERSHIPS = Prepared(
    lambda standard_id: GroupMember.objects.filter(standard_id=standard_id).order_by().values_list("group_id", flat=True)
)
_SAME_TEXT_KIND = Prepared(
    lambda group_id, run_id: (
        DuplicateGroup.objects.filter(id=group_id, run_id=run_id, kind__in=SAME_TEXT_KINDS)
        .order_by()
        .values_list("kind", flat=True)
    ),
    kinds=(int, int),
)
_GROUP_MEMBERS = Prepared(
    lambda group_id: (
        GroupMember.objects.filter(group_id=group_id)
        .order_by("standard__urn_key", "standard__variant")
        .values_list(
            "standard_id",
            "standard__urn_key",
            "standard__variant",
            "standard__slug",
            "standard__urn",
            "standard__current__title",
            "standard__current__validity",
        )
    )
)


def same_text_copies(standard: Standard, run: DetectionRun | None = None) -> list[dict]:
    """The other members of this standard's same-text groups in the latest detection run
    (slug, URN, title, validity, kind of group), by URN: what a NOS page names as its copies."""
    run_id = run.id if run is not None else latest_run_id()
    if run_id is None:
        return []
    found: dict[int, tuple] = {}
    for group_id in sorted(_MEMBERSHIPS(standard.id)):
        kind = _SAME_TEXT_KIND(group_id, run_id)
        if not kind:
            continue
        for standard_id, urn_key, variant, slug, urn, title, validity in _GROUP_MEMBERS(group_id):
            if standard_id != standard.id and standard_id not in found:  # a standard in two groups: once
                found[standard_id] = (urn_key, variant, slug, urn, title, validity, kind[0])
    return [
        {"slug": slug, "urn": urn, "title": title or "", "validity": validity or "", "kind": kind}
        for _, _, slug, urn, title, validity, kind in sorted(found.values(), key=lambda row: row[:2])
    ]


def canonical_for(standard: Standard) -> Standard:
    """The standard to show for this one: its original if a decision hides it behind one."""
    seen = {standard.pk}
    current = standard
    while True:
        d = decision_in_force(current)
        if d is None or d.action not in HIDING or d.target_id is None or d.target_id in seen:
            return current
        seen.add(d.target_id)
        current = d.target


# -- already covered ------------------------------------------------------------------------

_index_lock = threading.Lock()
_index: dict = {"fingerprint": None, "finder": None, "built_in": 0.0}


def _fingerprint() -> tuple:
    agg = NosVersion.objects.aggregate(n=Count("id"), last=Max("id"))
    return (agg["n"], agg["last"], Standard.objects.aggregate(last=Max("id"))["last"])


def coverage_index() -> DuplicateFinder:
    """The in-memory index of every current NOS and statement (built once, rebuilt on change)."""
    fingerprint = _fingerprint()
    with _index_lock:
        if _index["fingerprint"] != fingerprint:
            t0 = time.perf_counter()
            _index["finder"] = DuplicateFinder(load_corpus())
            _index["fingerprint"] = fingerprint
            _index["built_in"] = round(time.perf_counter() - t0, 2)
        return _index["finder"]


def draft_from_text(text: str = "", title: str = "", statements: Iterable[str] = (), overview: str = "", keywords=()) -> NosText:
    """A draft NOS from free text: the first line is the title unless one is given; each
    further line (or sentence ending in ';') is a statement."""
    lines = [line.strip(" \t-•*") for line in (text or "").replace(";", "\n").splitlines()]
    lines = [line for line in lines if line]
    if not title and lines:
        title = lines[0]
        lines = lines[1:] or lines
    stmts = [s for s in statements if s and s.strip()] or lines
    return NosText(
        key="(draft)",
        urn="",
        title=title,
        overview=overview,
        statements=tuple((f"S{k + 1}", s) for k, s in enumerate(stmts)),
        keywords=tuple(keywords),
    )


def already_covered(draft: NosText, limit: int = 10) -> dict:
    """Existing NOS and statements that already cover a draft, with scores; copies a reviewer
    has hidden are shown as their original."""
    finder = coverage_index()
    t0 = time.perf_counter()
    result = finder.covering(draft, limit=limit * 2)
    hidden = hidden_standard_ids()
    if hidden:
        hidden_slugs = set(Standard.objects.filter(id__in=hidden).values_list("slug", flat=True))
        result["nos"] = [r for r in result["nos"] if r["nos"] not in hidden_slugs]
    result["nos"] = result["nos"][:limit]
    result["milliseconds"] = round((time.perf_counter() - t0) * 1000, 1)
    result["draft"] = {"title": draft.title, "statements": len(draft.statements)}
    return result
