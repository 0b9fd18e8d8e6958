"""The search service for other apps: `search("words", suite=…)` or `search(SearchParams(…))`."""

from __future__ import annotations

from .engine import InvalidParameter, SearchParams, SearchResult
from .engine import search as _search

__all__ = ["InvalidParameter", "SearchParams", "SearchResult", "search"]


def search(query: str | SearchParams, **filters) -> SearchResult:
    params = query if isinstance(query, SearchParams) else SearchParams(q=query, **filters)
    return _search(params)
