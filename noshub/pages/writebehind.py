"""A write-behind buffer: rows noted in this process's memory on a request's path, written later
in one go, never on that path.

An app makes one `WriteBehind` with a `write(rows)` function (one bulk INSERT, say) and the name
of the setting that says how long a note may wait (seconds; 0: after every request), and connects
its `flush_if_due` to Django's ``request_finished``. `note` only appends to a deque. After a
response, once the oldest note is that many seconds old or `flush_at` notes wait, `flush` hands
every waiting row to `write` inside one transaction. The write is best-effort: it does not wait
for SQLite's write lock (an import may hold it for a minute), and on any database error the rows
stay buffered, oldest first, for the next try; the buffer keeps at most `max_buffered` rows,
dropping the oldest. Nothing here can fail or slow down a request.

Used by `search.querylog` (zero-result queries) and `monitoring.usage` (counted usage).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from .dblock import lock_wait


class WriteBehind:
    def __init__(
        self,
        write: Callable[[list[Any]], None],
        *,
        flush_setting: str,
        flush_at: int,
        max_buffered: int,
        what: str,
        log: logging.Logger,
    ) -> None:
        self.write = write
        self.flush_setting = flush_setting  # the name of a setting: seconds a note may wait
        self.flush_at = flush_at
        self.what = what  # for the log: "zero-result queries", "usage"
        self.log = log
        self._lock = threading.Lock()
        self._notes: deque = deque(maxlen=max_buffered)
        self._oldest: float | None = None  # time.monotonic() of the oldest waiting note

    @property
    def max_buffered(self) -> int:
        return self._notes.maxlen or 0

    def note(self, *rows: Any) -> None:
        """Keep `rows` for the next `flush` (memory only)."""
        self.note_all(rows)

    def note_all(self, rows: Iterable[Any]) -> None:
        with self._lock:
            for row in rows:
                if len(self._notes) == self._notes.maxlen:
                    self.log.warning("%s buffer full: the oldest note is dropped", self.what)
                self._notes.append(row)
            if self._oldest is None and self._notes:
                self._oldest = time.monotonic()

    def waiting(self) -> int:
        return len(self._notes)

    def discard(self) -> None:
        """Forget what is buffered (tests)."""
        with self._lock:
            self._notes.clear()
            self._oldest = None

    def flush(self, wait: float = 0) -> int:
        """Write every waiting row in one transaction; returns how many were written. Waits at most
        `wait` seconds for the write lock; on any database error the rows stay for the next try."""
        with self._lock:
            rows = list(self._notes)
            self._notes.clear()
            self._oldest = None
        if not rows:
            return 0
        try:
            with lock_wait(wait), transaction.atomic():
                self.write(rows)
        except Exception as exc:  # best-effort by design: never let a note fail a request
            self.log.info("%s not written yet (%s); %d kept for the next try", self.what, exc, len(rows))
            with self._lock:
                kept = rows + list(self._notes)  # oldest first; the deque keeps the newest max_buffered
                self._notes.clear()
                self._notes.extend(kept)
                self._oldest = time.monotonic()
            return 0
        return len(rows)

    def due(self) -> bool:
        if not self._notes:
            return False
        if len(self._notes) >= self.flush_at:
            return True
        oldest = self._oldest
        return oldest is not None and time.monotonic() - oldest >= getattr(settings, self.flush_setting)

    def flush_if_due(self, **kwargs) -> None:
        """`request_finished` receiver: write the rows when they are due (never waits for the lock)."""
        if self.due():
            self.flush()
