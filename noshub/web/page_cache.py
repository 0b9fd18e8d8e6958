"""What pages compute from the catalogue, cached until the catalogue changes.

Every change that alters what pages show (an import, a load, SOC coding, a lifecycle publish, a
duplicate decision or detection run, a themes, behaviours or frameworks build or decision) moves
the catalogue stamp on (`noshub.catalogue.stamp`), kept in the database; a cached value is keyed
by it and by the database, so each process sees a change made by any other process at its next
request, for one small query a request, and none ever serves a page part older than that. Values
go through Django's cache (pickled: each read is its own copy, safe to change).
"""

from __future__ import annotations

from noshub.catalogue.stamp import CACHE_SECONDS, Stamp, cached, current


def catalogue_stamp() -> Stamp:
    """The database and where the catalogue stands (one small query, once a request)."""
    return current()


__all__ = ["CACHE_SECONDS", "cached", "catalogue_stamp"]
