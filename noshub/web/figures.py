"""The catalogue's figures on the home page, counted once per change of the catalogue.

Counting them reads every current version (0.8-1.8 s on the full catalogue). Every change of a
standard moves the search index's generation, kept in the database (`index_generation`), so the
figures are cached under it, the database and today's date (they count NOS past their review
date): each process sees a change made by any other process (an import, a load, SOC coding) at
its next request, for one small query, and none ever serves figures older than that.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.cache import cache
from django.db import connection

from noshub.catalogue.stats import catalogue_stats
from noshub.search.index_cache import index_generation

CACHE_SECONDS = 24 * 3600


def home_figures() -> dict:
    """`catalogue_stats()` as of the catalogue's current state (each call its own copy: the cache pickles)."""
    today = date.today()
    generation, built_at = index_generation()
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    stamp = f"{generation}.{built_at.timestamp() if built_at else 0}"
    key = f"web-home-figures:{database}:{stamp}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = catalogue_stats(today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
