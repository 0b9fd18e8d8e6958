"""The catalogue's figures on the home page, counted once per change of the catalogue.

Counting them reads every current version (0.8-1.8 s on the full catalogue), so they are cached
under the catalogue's generation (`page_cache`) and today's date (they count NOS past their
review date): each process sees a change made by any other process (an import, a load, SOC
coding) at its next request, for one small query, and none ever serves figures older than that.
"""

from __future__ import annotations

from datetime import date

from noshub.catalogue.stats import catalogue_stats

from .page_cache import cached


def home_figures() -> dict:
    """`catalogue_stats()` as of the catalogue's current state (each call its own copy: the cache pickles)."""
    today = date.today()
    return cached("web-home-figures", (today.isoformat(),), lambda: catalogue_stats(today))
