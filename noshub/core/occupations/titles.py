"""Job titles looked up in the ONS SOC 2020 coding index: which unit groups a title names.

The index is given as (job title, unit group) pairs, so this module knows nothing of how it is
stored. A title is compared by its wording (`title_match_key`: lower case, no punctuation);
a title the index lists under several unit groups names each of them, weighted by how many
of its index entries point there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from noshub.core.text.titlekeys import title_match_key


class TitleIndex:
    """title key → unit groups (with the number of index entries naming each)."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._units: dict[str, Counter[str]] = defaultdict(Counter)
        for title, unit in entries:
            key = title_match_key(title)
            if key and unit:
                self._units[key][unit] += 1

    def __len__(self) -> int:
        return len(self._units)

    def units(self, title: str) -> Counter[str]:
        """The unit groups the index files `title` under (empty when it is not an index title)."""
        return self._units.get(title_match_key(title), Counter())

    def votes(self, titles: Iterable[str]) -> dict[str, float]:
        """Each title found in the index gives one vote, shared among the unit groups it names in
        proportion to their entries; the votes are then divided by the number of titles found, so
        they sum to 1 (empty when no title is found)."""
        out: dict[str, float] = defaultdict(float)
        found = 0
        for title in dict.fromkeys(title_match_key(t) for t in titles):
            units = self._units.get(title)
            if not units:
                continue
            found += 1
            total = sum(units.values())
            for unit, n in units.items():
                out[unit] += n / total
        return {u: v / found for u, v in out.items()} if found else {}

    def unambiguous(self, titles: Iterable[str]) -> str | None:
        """The one unit group every title found in the index names, if there is exactly one
        (and at least one title is found); None otherwise."""
        named: set[str] = set()
        for title in titles:
            named |= set(self.units(title))
        return next(iter(named)) if len(named) == 1 else None
