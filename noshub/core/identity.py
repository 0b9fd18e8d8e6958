"""Which standard each record of a file belongs to, when records share a URN.

A URN can hold several standards (the URN was reused: "Process mail instructions Legacy" and
"Follow mail instructions and separate mail for processing" share SFLMS147). When a file holds
records under such a URN, each record is given to a standard by these rules, for the whole file
at once, so that the outcome depends on the records' content and never on their order:

1. A record whose content a standard already holds (same content hash) belongs to that
   standard. Re-importing a file that was imported before therefore changes nothing.
2. The other records are matched to the URN's existing standards by a best one-to-one
   assignment (`scipy.optimize.linear_sum_assignment`) over the pairs that name the same
   standard (`noshub.core.titles.same_standard` with any title the standard holds), as many
   pairs as possible, then the most alike titles (`title_similarity`). When one file holds
   revisions of two standards of one URN, each revision goes to its own standard even if its
   title resembles the other's. Rounds repeat for records left over (a file may hold two
   versions of one standard: a legacy and a current record); the titles given in a round
   count as the standard's titles in the next.
3. Records that name none of the existing standards found new standards, in canonical order
   (the caller's order key, then the content hash): each joins the most alike standard founded
   earlier in the file that it names the same, or founds another.

Pure Python and scipy; the catalogue's `store.VersionWriter.assign` applies it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from noshub.core.titles import same_standard, title_similarity

# Cost of a pair that does not name the same standard: above any admissible pair's cost
# (-1 … 0) times the number of pairs, so the assignment first takes as many admissible pairs
# as it can. Such pairs are never kept.
_FORBIDDEN = 1e6


@dataclass(frozen=True)
class Record:
    """What identity needs of one record: its title, its content hash, its order key."""

    title: str
    digest: str
    order: tuple = ()


@dataclass(frozen=True)
class Known:
    """An existing standard under the URN: every title and content hash it holds."""

    titles: Collection[str]
    hashes: Collection[str] = frozenset()


@dataclass
class Assignment:
    """`standard[i]`: the standard of record i; an index below the number of existing
    standards is that standard, ``len(standards) + k`` the k-th new standard. `founders[k]`
    is the index of the record that founds the k-th new standard (its first record in
    canonical order)."""

    standard: list[int]
    founders: list[int] = field(default_factory=list)


def assign(records: Sequence[Record], standards: Sequence[Known]) -> Assignment:
    """The standard of each record of one URN in one file (see the module's rules)."""
    picks: list[int | None] = [None] * len(records)
    # 1. content already held. Several standards cannot hold one content unless the database
    # was built by an older NOS Hub; then the first (lowest variant) wins.
    for i, record in enumerate(records):
        for s, known in enumerate(standards):
            if record.digest in known.hashes:
                picks[i] = s
                break
    # Records of equal content are decided once; the rest in canonical order.
    same: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        if picks[i] is None:
            same.setdefault(record.digest, []).append(i)
    pending = sorted(same, key=lambda d: (min(records[i].order for i in same[d]), d))
    title = {d: records[same[d][0]].title for d in pending}
    titles: list[list[str]] = [sorted(set(k.titles)) for k in standards]

    def give(digest: str, s: int) -> None:
        for i in same[digest]:
            picks[i] = s
        titles[s].append(title[digest])

    # 2. best one-to-one assignment to existing standards, in rounds.
    while pending and standards:
        score = np.full((len(pending), len(standards)), -1.0)
        for a, digest in enumerate(pending):
            for s in range(len(standards)):
                score[a, s] = _score(title[digest], titles[s])
        if (score < 0).all():
            break
        rows, cols = linear_sum_assignment(np.where(score >= 0, -score, _FORBIDDEN))
        taken = {pending[a]: int(s) for a, s in zip(rows, cols, strict=True) if score[a, s] >= 0}
        for digest, s in taken.items():
            give(digest, s)
        pending = [d for d in pending if d not in taken]

    # 3. new standards for the rest.
    founders: list[int] = []
    for digest in pending:
        best, best_score = None, -1.0
        for s in range(len(standards), len(titles)):
            value = _score(title[digest], titles[s])
            if value > best_score:
                best, best_score = s, value
        if best is None:
            best = len(titles)
            titles.append([])
            founders.append(min(same[digest], key=lambda i: records[i].order))
        give(digest, best)
    return Assignment([int(p) for p in picks], founders)


def _score(title: str, titles: Sequence[str]) -> float:
    """How well a title fits a standard's titles: -1 when it names none of them the same."""
    fitting = [t for t in titles if same_standard(title, t)]
    return max((title_similarity(title, t) for t in fitting), default=-1.0)
