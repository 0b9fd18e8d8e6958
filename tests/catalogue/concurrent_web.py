"""Run by tests/catalogue/test_import_concurrency.py in processes of their own, against the
database named by the environment (NOSHUB_DB or DATABASE_URL), so that each has its own
connection, as a web server beside an import has.

    python concurrent_web.py web STOP READY     # web writes until the file STOP exists
    python concurrent_web.py hold STOP READY    # SQLite: hold the write lock until STOP exists

`web` signs a user in and makes zero-result searches (each writes: a session, a query log
row), over and over, timing each; when stopped it prints one JSON object: every request's
(what, status, start, seconds), the QueryLog rows and the ImportRuns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path


def web(stop: Path, ready: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from noshub.catalogue.models import ImportRun
    from noshub.search.models import QueryLog

    get_user_model().objects.create_user("concurrent-writer", password="a long test password 1")
    client = Client(raise_request_exception=False, HTTP_ACCEPT="application/json")
    requests = []
    # Warm up (templates, the search index cache) so that the timings below are the writes'.
    client.get("/search/", {"q": "zzqqxx0 plorbnik", "mode": "keyword"})
    ready.touch()
    n = 0
    while not stop.exists():
        n += 1
        search = {"q": f"zzqqxx{n} plorbnik", "mode": "keyword"}
        sign_in = {"username": "concurrent-writer", "password": "a long test password 1"}
        for what, call in (
            ("search", lambda query=search: client.get("/search/", query)),
            ("sign-in", lambda form=sign_in: Client(raise_request_exception=False).post("/lifecycle/sign-in/", form)),
        ):
            began, started = time.time(), time.monotonic()
            response = call()
            requests.append(
                {
                    "what": what,
                    "status": response.status_code,
                    "start": began,
                    "seconds": time.monotonic() - started,
                    "retry_after": response.get("Retry-After"),
                    "body": response.content.decode()[:3000] if response.status_code >= 500 else "",
                }
            )
        time.sleep(0.02)
    try:  # buffered zero-result queries (where the code buffers them) are written before the end
        from noshub.search.querylog import flush

        flush(wait=30)
    except ImportError:
        pass
    print(
        json.dumps(
            {
                "requests": requests,
                "querylog": list(QueryLog.objects.values_list("query", flat=True)),
                "runs": list(ImportRun.objects.order_by("started_at").values("file", "outcome")),
            }
        )
    )


def hold(stop: Path, ready: Path) -> None:
    """Hold SQLite's write lock, as a long import does, until told to stop (at most a minute)."""
    db = sqlite3.connect(os.environ["NOSHUB_DB"], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO search_querylog (query, filters, results, mode, engine, duration_ms, at) "
        "VALUES ('held', '{}', 0, 'keyword', 'test', 0, '2020-01-01 00:00:00')"
    )
    ready.touch()
    deadline = time.monotonic() + 60
    while not stop.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    db.execute("ROLLBACK")


if __name__ == "__main__":
    {"web": web, "hold": hold}[sys.argv[1]](Path(sys.argv[2]), Path(sys.argv[3]))
