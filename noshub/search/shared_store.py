"""The folder in which `noshub serve`'s workers share search results and their pages' bodies
(settings.CACHES["search"] when NOSHUB_SEARCH_CACHE_DIR names it): diskcache's Django backend,
its SQLite connections kept open.

Django closes every cache when a request finishes (`django.core.cache.close_caches`); for
diskcache that closes each thread's SQLite connections, and the next request opens them again:
a connect and ten statements (its settings read back into the connection's pragmas) for each
shard it touches, about a millisecond of a repeated search's four (measured in-process with the
server's settings). diskcache's author advises leaving caches open ("every operation is atomic",
grantjenks/python-diskcache#71, #253); each connection belongs to one thread (a worker's
threads live as long as it does) and diskcache opens new ones after a fork by itself."""

from __future__ import annotations

from diskcache import DjangoCache


class SharedResults(DjangoCache):
    def close(self, **kwargs) -> None:
        """Left open at the end of a request (see above)."""
