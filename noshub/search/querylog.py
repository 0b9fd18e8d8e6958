"""Zero-result queries are kept (`QueryLog`), but never on a request's path.

A search that finds nothing only notes its query in this process's memory (`note`); the notes
are written later, all in one INSERT, by the shared write-behind buffer
(`noshub.pages.writebehind`): after a response has been sent (Django's ``request_finished``)
once the oldest note is QUERY_LOG_FLUSH_SECONDS old (NOSHUB_QUERY_LOG_FLUSH, default 10; 0
writes after every such request), or as soon as FLUSH_AT notes are waiting. The write is
best-effort: what cannot be written now (SQLite's write lock held by an import) stays buffered
for the next try, at most MAX_BUFFERED notes. The CLI writes its notes before it exits.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from noshub.pages.writebehind import WriteBehind

from .models import QueryLog

log = logging.getLogger("noshub.search")

FLUSH_AT = 200
MAX_BUFFERED = 10_000


def _write(rows: list[dict]) -> None:
    QueryLog.objects.bulk_create([QueryLog(**row) for row in rows], batch_size=500)


buffer = WriteBehind(
    _write,
    flush_setting="QUERY_LOG_FLUSH_SECONDS",
    flush_at=FLUSH_AT,
    max_buffered=MAX_BUFFERED,
    what="zero-result queries",
    log=log,
)
waiting = buffer.waiting
flush = buffer.flush
flush_if_due = buffer.flush_if_due


def note(**fields) -> None:
    """Keep one zero-result query for the next `flush` (the time it was asked is kept too)."""
    fields.setdefault("at", timezone.now())
    buffer.note(fields)
