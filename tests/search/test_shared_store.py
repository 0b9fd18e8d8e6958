"""The folder `noshub serve`'s workers share search results in: its SQLite connections stay open
from one request to the next (Django closes every cache when a request finishes)."""

from __future__ import annotations

from django.test import override_settings

from noshub.search.shared_store import SharedResults


def _connections(store: SharedResults) -> list:
    return [getattr(shard._local, "con", None) for shard in store._cache._shards]


def test_a_finished_request_leaves_the_connections_open(tmp_path):
    settings = {"search": {"BACKEND": "noshub.search.shared_store.SharedResults", "LOCATION": str(tmp_path)}}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, **settings}):
        from django.core.cache import caches, close_caches

        store = caches["search"]
        assert isinstance(store, SharedResults)
        for n in range(40):  # over every shard
            store.set(f"key {n}", n)
        opened = _connections(store)
        assert all(con is not None for con in opened)
        close_caches()  # what Django runs when each request finishes (its request_finished signal)
        assert _connections(store) == opened, "the same connections, not closed and opened again"
        assert [store.get(f"key {n}") for n in range(40)] == list(range(40))
        assert _connections(store) == opened


def test_diskcache_itself_would_close_them(tmp_path):
    """What the subclass changes: diskcache's own Django backend closes its connections (if this
    fails, diskcache no longer does, and `SharedResults` is not needed)."""
    from diskcache import DjangoCache

    store = DjangoCache(str(tmp_path), {})
    store.set("key", 1)
    assert any(con is not None for con in _connections(store))
    store.close()
    assert all(con is None for con in _connections(store))
    assert store.get("key") == 1  # (it opens them again)
