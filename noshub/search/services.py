"""The search app's services for other code: `search(...)` and `reindex(...)`.

`search("words", suite=…)` or `search(SearchParams(…))` runs a search. `reindex(standards)`
is the one way to bring the index up to date: the `standards_changed` signal, a duplicate
decision, loading and `noshub index` all call it. Within `deferred_reindex()` (a bulk load)
changes are only noted, and one full rebuild follows at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from noshub.catalogue.models import Standard

from .engine import InvalidParameter, SearchParams, SearchResult
from .engine import search as _search
from .indexer import rebuild
from .models import SearchDocument

__all__ = [
    "InvalidParameter",
    "SearchParams",
    "SearchResult",
    "deferred_reindex",
    "index_is_empty",
    "prepare_every_occupation",
    "reindex",
    "search",
]


def search(query: str | SearchParams, **filters) -> SearchResult:
    params = query if isinstance(query, SearchParams) else SearchParams(q=query, **filters)
    return _search(params)


def prepare_every_occupation() -> int:
    """Make now what ranking by job title otherwise makes the first time each SOC unit group is
    named by a search (its NOS's titles stemmed, their closeness to the group: a few ms a group,
    kept with the index): a server's warm-up, so that no search pays for it. How many groups."""
    from .index_cache import current_index
    from .ranking import unit_members

    cache = current_index()
    for unit in cache.by_unit:
        unit_members(unit, cache)
    return len(cache.by_unit)


_deferred = threading.local()


def reindex(standards: Iterable[int] | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index of these standards (ids; every standard when None) from their current
    versions, in the caller's transaction. Returns how many were indexed: 0 within
    `deferred_reindex()`, where they are only noted. `progress(done, total)` follows the build."""
    if getattr(_deferred, "ids", None) is not None:
        _deferred.ids |= set(standards) if standards is not None else {-1}
        return 0
    return rebuild(standards, progress)


@contextmanager
def deferred_reindex():
    """Within this block, changed standards are only noted; one full rebuild follows at the end.
    A bulk load changes nearly every standard: one rebuild is faster than one per file."""
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    _deferred.ids = set()
    try:
        yield
    finally:
        changed, _deferred.ids = _deferred.ids, None
        if changed:
            reindex()


def index_is_empty() -> bool:
    """No standard is indexed although the catalogue holds some (a database loaded before search existed)."""
    return not SearchDocument.objects.exists() and Standard.objects.exists()
