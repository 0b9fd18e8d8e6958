"""The write-behind buffer shared by the query log and usage counting: nothing written until a
flush; one write per flush; on a database error nothing half-written and every row kept, oldest
first, for the next try; at most max_buffered rows; due by age (the setting) or by count."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from noshub.pages.writebehind import WriteBehind
from noshub.search.models import QueryLog

pytestmark = pytest.mark.django_db
log = logging.getLogger("tests.writebehind")


def buffer(write, *, flush_at=100, max_buffered=1000, setting="QUERY_LOG_FLUSH_SECONDS"):
    return WriteBehind(write, flush_setting=setting, flush_at=flush_at, max_buffered=max_buffered, what="test rows", log=log)


def test_rows_wait_in_memory_and_are_written_in_one_go():
    calls = []
    b = buffer(calls.append)
    b.note("a")
    b.note_all(["b", "c"])
    assert calls == [] and b.waiting() == 3
    assert b.flush() == 3
    assert calls == [["a", "b", "c"]] and b.waiting() == 0
    assert b.flush() == 0 and calls == [["a", "b", "c"]]  # nothing waiting: no write at all


def test_a_failed_write_keeps_every_row_oldest_first_and_writes_nothing_half(caplog):
    fail = True

    def write(rows):
        QueryLog.objects.bulk_create([QueryLog(query=q, results=0, mode="keyword", engine="test", duration_ms=1.0) for q in rows])
        if fail:  # the rows above were inserted in the same transaction: rolled back with it
            raise OperationalError("database is locked")

    b = buffer(write)
    b.note("wb-first", "wb-second")
    with caplog.at_level(logging.INFO, logger=log.name):
        assert b.flush() == 0  # never raises
    assert "test rows not written yet (database is locked); 2 kept" in caplog.text
    assert not QueryLog.objects.filter(query__startswith="wb-").exists()
    assert b.waiting() == 2
    b.note("wb-third")  # noted after the failure: after the kept ones
    fail = False
    assert b.flush() == 3
    assert list(QueryLog.objects.filter(query__startswith="wb-").order_by("id").values_list("query", flat=True)) == [
        "wb-first",
        "wb-second",
        "wb-third",
    ]
    assert b.waiting() == 0


def test_a_failing_write_of_any_kind_never_raises():
    def write(rows):
        raise ValueError("a bad row")

    b = buffer(write)
    b.note(1)
    assert b.flush() == 0 and b.waiting() == 1


def test_the_buffer_keeps_the_newest_rows_when_full(caplog):
    calls = []
    b = buffer(calls.append, max_buffered=3)
    with caplog.at_level(logging.WARNING, logger=log.name):
        b.note_all(range(5))
    assert "buffer full" in caplog.text
    assert b.flush() == 3 and calls == [[2, 3, 4]]


def test_kept_rows_and_new_ones_together_stay_within_the_bound():
    def write(rows):
        raise OperationalError("database is locked")

    b = buffer(write, max_buffered=3)
    b.note(1, 2)
    b.flush()
    b.note(3, 4)
    assert b.waiting() == 3
    b.write = (calls := []).append
    assert b.flush() == 3 and calls == [[2, 3, 4]]


def test_due_by_age_by_the_named_setting(settings):
    calls = []
    b = buffer(calls.append)
    settings.QUERY_LOG_FLUSH_SECONDS = 3600
    b.flush_if_due()  # nothing waiting
    b.note("x")
    b.flush_if_due()
    assert calls == [] and b.waiting() == 1  # an hour not passed, 1 < flush_at
    settings.QUERY_LOG_FLUSH_SECONDS = 0
    b.flush_if_due()
    assert calls == [["x"]]


def test_due_by_count():
    calls = []
    b = buffer(calls.append, flush_at=3, setting="USAGE_FLUSH_SECONDS")
    b.note(1, 2)
    b.flush_if_due()
    assert calls == []
    b.note(3)
    b.flush_if_due()
    assert calls == [[1, 2, 3]]


def test_discard_forgets_what_waits():
    calls = []
    b = buffer(calls.append)
    b.note(1)
    b.discard()
    assert b.waiting() == 0 and b.flush() == 0 and calls == []


def test_both_apps_use_the_one_buffer():
    from noshub.monitoring import usage
    from noshub.search import querylog

    assert isinstance(usage.buffer, WriteBehind) and isinstance(querylog.buffer, WriteBehind)
    assert usage.buffer.flush_setting == "USAGE_FLUSH_SECONDS"
    assert querylog.buffer.flush_setting == "QUERY_LOG_FLUSH_SECONDS"
    assert usage.flush == usage.buffer.flush and querylog.flush == querylog.buffer.flush
