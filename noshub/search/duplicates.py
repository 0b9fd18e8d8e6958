"""Duplicates in search results: one result per duplicate group, its copies one click away.

The groups are those of the cleansing app's latest detection run (`noshub duplicates find`);
a member a reviewer decided is *not* a duplicate (keep both) stands on its own. A group is
shown as one result, its **canonical NOS**, chosen in this order:

1. the member a reviewer decided is the original (the target of other members' "imported
   copy of" or "merge into" decisions in force; the one named most);
2. a current member before a legacy or archived one;
3. the most recently approved;
4. the one duplicate detection chose (the NOS others name as their Original URN …);
5. the first by URN slug.

The canonical NOS must pass the search's filters; if it does not, the best-ranked member that
does stands for the group. A NOS the query names by its URN always stands for its group. The
result takes the rank of the group's best-ranked member, and its facet values are those of
every member shown with it, so a facet's count is the number of results its filter gives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from noshub.catalogue import stamp

if TYPE_CHECKING:
    from .index_cache import IndexCache, IndexedDoc


@dataclass
class DuplicateGroups:
    run_id: int | None = None
    stamp: tuple = ()  # the catalogue stamp's "duplicates" part these groups were read at
    group_of: dict[int, str] = field(default_factory=dict)  # standard id → group key
    canonical: dict[str, int] = field(default_factory=dict)  # group key → the canonical standard id


def latest_run_id() -> int | None:
    from noshub.cleansing.models import DetectionRun

    runs = DetectionRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id")
    return runs.values_list("id", flat=True).first()


def duplicate_groups(cache: IndexCache) -> DuplicateGroups:
    """The groups of the latest detection run, over this index (remade when the run changes).

    A detection run moves the catalogue stamp's "duplicates" part on (`noshub.cleansing`), and a
    duplicate decision rebuilds the index (a new `cache`): while the part stands, the groups read
    for this index stand too, and a search asks the database nothing more for them."""
    part = stamp.current().of("duplicates")[0]
    if cache.duplicates is None or cache.duplicates.stamp != part:
        cache.duplicates = _load(latest_run_id(), cache)
        cache.duplicates.stamp = part
    return cache.duplicates


def _load(run_id: int | None, cache: IndexCache) -> DuplicateGroups:
    groups = DuplicateGroups(run_id)
    if run_id is None:
        return groups
    from noshub.cleansing.models import HIDING, KEEP_BOTH, GroupMember
    from noshub.cleansing.services import decisions_in_force

    members: dict[str, list[int]] = {}
    detected: set[int] = set()
    for key, sid, is_canonical in GroupMember.objects.filter(group__run_id=run_id).values_list(
        "group__key", "standard_id", "is_canonical"
    ):
        members.setdefault(key, []).append(sid)
        if is_canonical:
            detected.add(sid)
    decisions = decisions_in_force()
    kept_apart = {sid for sid, d in decisions.items() if d.action == KEEP_BOTH}
    named = Counter(d.target_id for d in decisions.values() if d.action in HIDING and d.target_id)
    docs = cache.docs
    for key, ids in members.items():
        ids = [i for i in ids if i in docs and i not in kept_apart]
        if len(ids) < 2:
            continue

        def order(i: int) -> tuple:
            d = docs[i]
            approved = d.date_approved.toordinal() if d.date_approved else 0
            return (bool(d.hidden_behind), -named[i], d.validity != "current", -approved, i not in detected, d.slug)

        groups.canonical[key] = min(ids, key=order)
        for i in ids:
            groups.group_of[i] = key
    return groups


def collapse(
    docs: list[IndexedDoc], groups: DuplicateGroups, by_urn: set[int]
) -> tuple[list[IndexedDoc], dict[int, list[IndexedDoc]]]:
    """One result per group, in ranked order: the results, and each result's copies shown with it."""
    group_of = groups.group_of
    if not group_of:
        return docs, {}
    order: list[IndexedDoc | str] = []
    in_group: dict[str, list[IndexedDoc]] = {}
    for d in docs:
        key = group_of.get(d.id)
        if key is None:
            order.append(d)
            continue
        if key not in in_group:
            in_group[key] = []
            order.append(key)
        in_group[key].append(d)
    shown: list[IndexedDoc] = []
    copies: dict[int, list[IndexedDoc]] = {}
    for item in order:
        if not isinstance(item, str):
            shown.append(item)
            continue
        found = in_group[item]
        canonical = groups.canonical.get(item)
        representative = (
            next((d for d in found if d.id in by_urn), None) or next((d for d in found if d.id == canonical), None) or found[0]
        )
        shown.append(representative)
        if len(found) > 1:
            copies[representative.id] = [d for d in found if d is not representative]
    return shown, copies
