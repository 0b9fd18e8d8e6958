"""The catalogue stamp: one small table that says where everything the pages show stands.

Every app moves its part of the stamp on (`bump`) with every change that alters what pages
show, in the same transaction as the change:

| part | moved on by |
|---|---|
| `index` | every change of a standard (imports, loads, lifecycle publishes, SOC coding and review, name decisions, duplicate decisions): the search index's rebuild (`noshub.search.indexer`) |
| `duplicates` | a duplicate detection run (`noshub.cleansing`) |
| `themes` | a themes build, a person's reach decision (`noshub.themes`) |
| `behaviours` | a behaviours build, merge or edit (every history event, `noshub.behaviours`) |
| `frameworks` | a build of the map of other standards systems (`noshub.frameworks`) |

Caches key what they keep by the parts they depend on: the search index by `index`, the
search's facet labels by `themes` and `behaviours`, the NOS page and search results by all of
them (`Stamp.key()`). The stamp is read with one small query, at most once per request
(`StampMiddleware`; outside a request, at every `current()`), and a `bump` in a request is seen
by that request at once. Each part carries the time of its change as well as its number: a
transaction rolled back leaves its number free for the next change, which must not find what
was cached for the rolled-back one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import CatalogueStamp
from .prepared import Prepared

CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Stamp:
    database: str  # which database (tests and benches use several in one process)
    parts: tuple[tuple[str, int, float], ...]  # (part, number, time of change), by part

    def of(self, *names: str) -> tuple:
        """The named parts' numbers and times (a part never moved on is (0, 0))."""
        held = {name: (value, at) for name, value, at in self.parts}
        return tuple(held.get(name, (0, 0.0)) for name in names)

    def key(self, *names: str) -> str:
        """The database and the named parts (every part when none is named), as one cache-key part."""
        parts = self.parts if not names else [(n, v, t) for n, (v, t) in zip(names, self.of(*names), strict=True)]
        return self.database + ":" + ",".join(f"{n}{v}.{t}" for n, v, t in parts)


_request: ContextVar[list | None] = ContextVar("catalogue_stamp", default=None)


# The stamp's parts (a prepared query: read once by every request that a cache serves).
_PARTS = Prepared(lambda: CatalogueStamp.objects.order_by("part").values_list("part", "value", "changed_at"), kinds=())


def _read() -> Stamp:
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    rows = _PARTS()
    return Stamp(database, tuple((part, value, at.timestamp() if at else 0.0) for part, value, at in rows))


def current() -> Stamp:
    """Where the catalogue stands: one small query, once per request (`StampMiddleware`)."""
    held = _request.get()
    if held is None:
        return _read()
    if not held:
        held.append(_read())
    return held[0]


def bump(*parts: str) -> None:
    """Move the named parts on (call it in the transaction of the change it stands for)."""
    now = timezone.now()
    for part in parts:
        if not CatalogueStamp.objects.filter(part=part).update(value=F("value") + 1, changed_at=now):
            stamp, created = CatalogueStamp.objects.get_or_create(part=part, defaults={"value": 1, "changed_at": now})
            if not created:
                CatalogueStamp.objects.filter(part=part).update(value=F("value") + 1, changed_at=now)
    held = _request.get()
    if held:
        held.clear()  # this request reads the stamp again


def cached(name: str, parts: tuple, compute: Callable[[], Any], stamp: Stamp | None = None) -> Any:
    """`compute()` as of the catalogue's current state (every part of the stamp), under `name`
    and `parts` (str()-ed), in Django's cache (pickled: each read is its own copy, safe to change)."""
    whole = "\x1f".join(((stamp or current()).key(), *map(str, parts)))
    key = f"{name}:{hashlib.sha256(whole.encode()).hexdigest()}"  # (keys stay short whatever is asked)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


class StampMiddleware:
    """The stamp is read at most once per request (the first cache that asks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set([])
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
