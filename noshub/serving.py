"""Serving NOS Hub: whether these settings may serve (the one check behind `noshub serve` and
noshub/wsgi.py), the gunicorn command `noshub serve` runs, and the warm-up each of its worker
processes does before taking requests (noshub/gunicorn_config.py)."""

from __future__ import annotations

import gc
import os
import sys

from django.core.exceptions import ImproperlyConfigured

LOOPBACK = ("127.0.0.1", "localhost", "::1")
GUNICORN_CONFIG = "python:noshub.gunicorn_config"
# One search down each path that loads something the first time a process takes it: words, a job
# title (the ONS coding index), a misspelling (the catalogue's vocabulary, the Welsh dictionary that
# keeps Welsh words from being "corrected"), a described job (the SOC descriptions' vectors), Welsh.
WARM_UP_QUERIES = (
    "health and safety",
    "plumber",
    "custmer servise",
    "cuts and styles hair in a salon",
    "meini prawf perfformiad",
)


def check_can_serve(host: str | None = None) -> None:
    """Raise ImproperlyConfigured when these settings must not serve (on `host`, when known)."""
    from django.conf import settings

    if settings.LOCAL_ONLY and host is not None and host not in LOOPBACK:
        raise ImproperlyConfigured(
            f"NOSHUB_LOCAL_ONLY=1 serves this machine only (--host 127.0.0.1), not {host}; "
            "to serve other machines, unset it and set NOSHUB_SECRET_KEY."
        )
    if settings.SECRET_KEY_IS_LOCAL and not (settings.LOCAL_ONLY or settings.DEBUG):
        raise ImproperlyConfigured(
            "NOS Hub will not serve without NOSHUB_SECRET_KEY. Set NOSHUB_SECRET_KEY to a long random secret "
            "for a deployment (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "NOSHUB_LOCAL_ONLY=1 to serve this machine only (127.0.0.1) with this install's own key."
        )


def default_workers() -> int:
    """One worker process per core this process may run on: a request's work is Python (the GIL
    lets one thread of a process run at a time), so processes, not threads, use the cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def gunicorn_command(host: str, port: int, workers: int | None = None, threads: int = 1) -> list[str]:
    """The gunicorn command that serves NOS Hub on host:port: `workers` processes (default one
    per core), each answering `threads` requests at once and accepting no more connections than
    that (noshub/gunicorn_config.py), with NOS Hub's gunicorn settings."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        GUNICORN_CONFIG,
        "--bind",
        bind,
        "--workers",
        str(workers or default_workers()),
        "--threads",
        str(threads),
        "--worker-connections",  # no connection waits inside a busy worker (noshub/gunicorn_config.py)
        str(threads),
        "noshub.wsgi:application",
    ]


def warm_up() -> None:
    """What the first request of a process would otherwise wait for: this database's search index
    (built in memory, about 1.5 s for the full catalogue), the sentence model, the Welsh dictionary
    (a first misspelt search took 4.6 s without it), what job-title ranking keeps for each SOC unit
    group (about 1 s for the 412: else a few ms on the first search naming each), the home page's
    figures. Run in each worker
    before it takes requests; its database connection is closed after."""
    from django.db import connections

    from noshub.search.engine import SearchParams, search
    from noshub.search.services import prepare_every_occupation
    from noshub.web.figures import home_figures

    try:
        for query in WARM_UP_QUERIES:
            search(SearchParams(q=query), log=False)
        prepare_every_occupation()
        home_figures()
    finally:
        connections.close_all()


def freeze_heap() -> None:
    """Move everything a warmed-up worker holds (its search index, the sentence model, Django's
    templates and URL tables: about 660,000 objects) out of the garbage collector's sight, after
    one last collection. Those objects live as long as the process, yet every full collection
    walked them all while holding the interpreter: 280-370 ms in which none of the worker's
    threads could answer, a few times a minute under searches (measured in `noshub serve`'s
    workers under 8 clients; after freezing, the longest full collection was 68-71 ms, and
    `bench/pages_speed.py` prints what it does to p99). Cycles made later are still collected."""
    gc.collect()
    gc.freeze()
