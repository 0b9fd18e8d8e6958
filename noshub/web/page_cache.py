"""What pages compute from the catalogue, cached until the catalogue changes.

Every change of a standard (an import, a load, SOC coding, a lifecycle publish, a duplicate
decision) moves the search index's generation, kept in the database (`index_generation`); a
cached value is keyed by it (with its build time: a rolled-back reindex leaves its number free)
and by the database, so each process sees a change made by any other process at its next
request, for one small query, and none ever serves a page part older than that. Values go
through Django's cache (pickled: each read is its own copy, safe to change).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from noshub.search.index_cache import index_generation

CACHE_SECONDS = 24 * 3600


def catalogue_stamp() -> str:
    """The database and the catalogue's generation, as one key part (one small query)."""
    generation, built_at = index_generation()
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    return f"{database}:{generation}.{built_at.timestamp() if built_at else 0}"


def cached(name: str, parts: tuple, compute: Callable[[], Any], stamp: str | None = None) -> Any:
    """`compute()` as of the catalogue's current state, under `name` and `parts` (str()-ed)."""
    key = ":".join((name, stamp or catalogue_stamp(), *map(str, parts)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
