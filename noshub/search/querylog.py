"""Zero-result queries are kept (`QueryLog`), but never on a request's path.

A search that finds nothing only notes its query in this process's memory (`note`). The
notes are written later, all in one INSERT (`flush`), after a response has been sent
(Django's ``request_finished``) once the oldest note is QUERY_LOG_FLUSH_SECONDS old
(NOSHUB_QUERY_LOG_FLUSH, default 10; 0 writes after every such request), or as soon as
FLUSH_AT notes are waiting. The write is best-effort: it does not wait for the database's
write lock (an import may hold it for a minute), and whatever cannot be written now stays
buffered for the next try; the buffer keeps at most MAX_BUFFERED notes, dropping the oldest.
Nothing here can fail or slow down a request. The CLI writes its notes before it exits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from noshub.pages.dblock import lock_wait

from .models import QueryLog

log = logging.getLogger("noshub.search")

FLUSH_AT = 200
MAX_BUFFERED = 10_000

_lock = threading.Lock()
_notes: deque[dict] = deque(maxlen=MAX_BUFFERED)
_oldest: float | None = None  # time.monotonic() of the oldest waiting note


def note(**fields) -> None:
    """Keep one zero-result query for the next `flush` (the time it was asked is kept too)."""
    global _oldest
    fields.setdefault("at", timezone.now())
    with _lock:
        if len(_notes) == MAX_BUFFERED:
            log.warning("query log buffer full: the oldest zero-result query is dropped")
        _notes.append(fields)
        if _oldest is None:
            _oldest = time.monotonic()


def waiting() -> int:
    return len(_notes)


def flush(wait: float = 0) -> int:
    """Write every waiting note in one go; returns how many were written. Waits at most `wait`
    seconds for the write lock; on any database error the notes stay for the next try."""
    global _oldest
    with _lock:
        rows = list(_notes)
        _notes.clear()
        _oldest = None
    if not rows:
        return 0
    try:
        with lock_wait(wait), transaction.atomic():
            QueryLog.objects.bulk_create([QueryLog(**row) for row in rows], batch_size=500)
    except Exception as exc:  # best-effort by design: never let the log fail a request
        log.info("zero-result queries not written yet (%s); %d kept for the next try", exc, len(rows))
        with _lock:
            kept = rows + list(_notes)  # oldest first; the deque keeps the newest MAX_BUFFERED
            _notes.clear()
            _notes.extend(kept)
            _oldest = time.monotonic()
        return 0
    return len(rows)


def flush_if_due(**kwargs) -> None:
    """`request_finished` receiver: write the notes when they are due (never waits for the lock)."""
    if not _notes:
        return
    due = _oldest is not None and time.monotonic() - _oldest >= settings.QUERY_LOG_FLUSH_SECONDS
    if due or len(_notes) >= FLUSH_AT:
        flush()
