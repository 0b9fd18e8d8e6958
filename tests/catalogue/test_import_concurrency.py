"""An import beside a working web site: web writes neither fail the import nor wait on it.

The concurrency tests run real processes (each with its own database connection, as a web
server and `noshub import` have) against a database of their own: a SQLite file, or a new
PostgreSQL database on the test server. The import is the real 2019 catalogue export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from noshub.catalogue.importers import import_catalogue
from noshub.catalogue.models import ImportRun, NosVersion, Standard
from noshub.cli import main
from noshub.pages.errors import error_response, server_error

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("concurrent_web.py")
WEB_WAIT = 3  # NOSHUB_DB_WAIT for the web processes: a web write waits at most this long
IS_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.fixture
def own_database(tmp_path, data_dir):
    """The environment of processes that use a new, migrated database of their own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NOSHUB_DB")}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="noshub.settings", NOSHUB_DATA_DIR=str(data_dir))
    env.update(NOSHUB_SEMANTIC="0", NOSHUB_DB_WAIT=str(WEB_WAIT), NOSHUB_QUERY_LOG_FLUSH="0")
    dropper = None
    if IS_SQLITE:
        env["NOSHUB_DB"] = str(tmp_path / "own.sqlite3")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        name = f"noshub_concurrency_{os.getpid()}"
        server = dict(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None, password=db["PASSWORD"] or None)
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))

        def dropper():
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    noshub(env, "migrate")
    yield env
    if dropper:
        dropper()


def noshub(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the `noshub` command of this checkout in its own process."""
    done = subprocess.run(
        [sys.executable, "-c", "from noshub.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def helper(env: dict, mode: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """Start concurrent_web.py in `mode`; returns once it is ready, with the file that stops it."""
    stop, ready = tmp_path / f"{mode}.stop", tmp_path / f"{mode}.ready"
    process = subprocess.Popen(
        [sys.executable, str(HELPER), mode, str(stop), str(ready)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "helper did not start"
        time.sleep(0.05)
    return process, stop


def stop_helper(process: subprocess.Popen, stop: Path) -> str:
    stop.touch()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_an_import_succeeds_while_the_site_writes_and_the_site_does_not_wait_for_it(own_database, data_dir, tmp_path):
    catalogue = data_dir / "nos-catalogue-2019"
    # The older export first (as `noshub load` does), so the newer one's import has ~21,000
    # versions to read before it writes: the window in which a web write used to kill it.
    noshub(own_database, "import", str(catalogue / "PublishedNos-old Details.xlsx"))
    web, stop = helper(own_database, "web", tmp_path)
    began = time.time()
    imported = noshub(own_database, "import", str(catalogue / "PublishedNos Details.xlsx"), check=False)
    ended = time.time()
    seen = json.loads(stop_helper(web, stop))

    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "PublishedNos Details.xlsx: read 1221, created 986, updated 185" in imported.stdout
    assert [(Path(r["file"]).name, r["outcome"]) for r in seen["runs"]] == [
        ("PublishedNos-old Details.xlsx", "imported"),
        ("PublishedNos Details.xlsx", "imported"),
    ]
    requests = seen["requests"]
    during = [r for r in requests if began <= r["start"] <= ended]
    assert {r["what"] for r in during} == {"search", "sign-in"}, "no web write happened during the import"
    for r in requests:
        # Never a 500 and never a long stall: a write that cannot have the database within
        # NOSHUB_DB_WAIT seconds is a clear 503 with Retry-After. (The first search after the
        # import reloads the search index cache, which takes CPU time, not a wait: only the
        # requests made while the import ran are timed.)
        assert r["status"] in (200, 302, 503), r
        if r["start"] + r["seconds"] <= ended:
            assert r["seconds"] < WEB_WAIT + 3, r
        if r["status"] == 503:
            assert r["what"] == "sign-in" and r["retry_after"] == "30", r
    # Searches never wait on the database, and every zero-result query is kept in the end.
    searches = [r for r in requests if r["what"] == "search"]
    assert all(r["status"] == 200 for r in searches)
    assert len(seen["querylog"]) == len(searches) + 1  # and the warm-up


@pytest.mark.skipif(not IS_SQLITE, reason="PostgreSQL writers do not take one database-wide write lock")
def test_while_another_connection_holds_the_write_lock_a_sign_in_is_a_quick_503_and_searches_are_kept(own_database, tmp_path):
    web, stop = helper(own_database, "web", tmp_path)
    holder, release = helper(own_database, "hold", tmp_path)  # as a long import does
    held_from = time.time()
    time.sleep(WEB_WAIT * 4)
    held_until = time.time()
    stop.touch()
    stop_helper(holder, release)  # the lock goes; the web process then writes its buffered queries
    out, err = web.communicate(timeout=120)
    assert web.returncode == 0, err
    seen = json.loads(out)
    during = [r for r in seen["requests"] if held_from <= r["start"] and r["start"] + r["seconds"] <= held_until]
    sign_ins = [r for r in during if r["what"] == "sign-in"]
    searches = [r for r in during if r["what"] == "search"]
    assert sign_ins and all(r["status"] == 503 and r["retry_after"] == "30" for r in sign_ins), sign_ins
    assert all(r["seconds"] < WEB_WAIT + 3 for r in sign_ins), sign_ins
    assert "Sorry, the service is busy" in sign_ins[0]["body"]
    assert searches and all(r["status"] == 200 and r["seconds"] < WEB_WAIT for r in searches), searches
    assert len(seen["querylog"]) == 1 + len([r for r in seen["requests"] if r["what"] == "search"])  # and the warm-up


@pytest.mark.django_db
def test_a_failed_import_is_rolled_back_recorded_and_reported(tmp_path, data_dir, monkeypatch, load_reports):
    from noshub.catalogue import store

    original_flush = store.VersionWriter.flush

    def flush_then_lose_the_lock(self):
        original_flush(self)  # everything is written …
        raise OperationalError("database is locked")  # … then the database refuses

    monkeypatch.setattr(store.VersionWriter, "flush", flush_then_lose_the_lock)
    path = tmp_path / "renamed export.xlsx"
    path.write_bytes((data_dir / "nos-catalogue-2019" / "PublishedNos Details.xlsx").read_bytes())
    before = (Standard.objects.count(), NosVersion.objects.count())
    report = import_catalogue(path)
    assert (Standard.objects.count(), NosVersion.objects.count()) == before
    assert report.failed and "database stayed busy" in report.error
    assert report.summary().startswith("renamed export.xlsx: FAILED, nothing written. the database stayed busy")
    run = ImportRun.objects.get(file=str(path))
    assert (run.outcome, run.message, run.counts["created"]) == ("failed", report.error, 0)

    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1, result.output
    assert "renamed export.xlsx: FAILED, nothing written. the database stayed busy" in result.stdout
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert ImportRun.objects.filter(file=str(path), outcome="failed").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_busy_database_is_a_503_with_retry_after_in_the_documented_shape(accept):
    # No middleware runs here, so the page is in the active language: say it (an earlier test's
    # Welsh request may have left Welsh active in this thread).
    translation.activate("en")
    request = RequestFactory().post("/lifecycle/sign-in/", HTTP_ACCEPT=accept)
    responses = [error_response(request, OperationalError("database is locked"))]
    try:  # raised where no view catches it (e.g. the session middleware saving the session)
        raise OperationalError("database is locked")
    except OperationalError:
        responses.append(server_error(request))
    for response in responses:
        assert response.status_code == 503 and response["Retry-After"] == "30"
        if accept == "application/json":
            error = json.loads(response.content)["error"]
            assert (error["status"], error["code"], error["retry_after"]) == (503, "busy", 30)
            assert "try again" in error["message"]
        else:
            assert "Sorry, the service is busy" in response.content.decode()
    try:
        raise OperationalError("no such table: x")
    except OperationalError:
        assert server_error(request).status_code == 500  # other database faults stay 500s
