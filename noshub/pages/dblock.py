"""SQLite's one write lock: how long a connection waits for it, and knowing when it was not had.

SQLite lets one connection write at a time. Every ``transaction.atomic()`` block takes the
write lock when it begins (``OPTIONS["transaction_mode"] = "IMMEDIATE"`` in settings), so no
transaction that has read can fail later when it wants to write. A web request waits at
most ``DATABASES["default"]["OPTIONS"]["timeout"]`` seconds (NOSHUB_DB_WAIT, default 3) for
the lock; a request that still cannot have it answers 503 with Retry-After
(`noshub.pages.errors`). An import waits longer (`lock_wait`, NOSHUB_IMPORT_DB_WAIT).
PostgreSQL needs none of this: its writers do not block each other on different rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# PostgreSQL SQLSTATEs that mean "another transaction was in the way; try again".
_PG_BUSY = {"55P03", "40001", "40P01"}  # lock not available, serialization failure, deadlock


def is_busy(exc: BaseException | None) -> bool:
    """The error is the database being held by another writer (not a fault of the request)."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) in _PG_BUSY or getattr(cause, "pgcode", None) in _PG_BUSY:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def lock_wait(seconds: float) -> Iterator[None]:
    """Within this block, this connection waits up to `seconds` for SQLite's write lock (0: not
    at all); afterwards it waits as configured again. Does nothing on other databases."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
