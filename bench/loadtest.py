"""The real server under load, for the benchmarks: `noshub serve` (gunicorn) started on a free
loopback port as a subprocess, and concurrent clients in this second process.

    with served() as base:
        figures = load(base, urls, clients=8)

Each client is a thread keeping one HTTP/1.1 connection open (as a browser does), so the figures
are the server's, not connection set-up's. The server runs with the API rate limit off and
NOSHUB_LOCAL_ONLY=1 (127.0.0.1 only, no key needed); its database is this process's
(NOSHUB_DB or DATABASE_URL).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"p50": pick(50), "p95": pick(95), "p99": pick(99), "max": ordered[-1]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(workers: int | None = None, threads: int = 4, ready_path: str = "/", timeout: float = 300) -> Iterator[str]:
    """`noshub serve` on a free loopback port until the block ends; yields its base URL once it
    answers `ready_path` (its workers have warmed up by then: they take no request before)."""
    port = free_port()
    env = dict(os.environ, NOSHUB_API_RATE_LIMIT="0", NOSHUB_LOCAL_ONLY="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "noshub.cli", "serve", "--port", str(port), "--threads", str(threads)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"noshub serve stopped: {server.stderr.read()[-2000:]}")
            try:
                urllib.request.urlopen(base + ready_path, timeout=60).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def load(base: str, paths: list[str], clients: int = 8) -> dict:
    """GET every path once, `clients` at a time; requests per second, latency percentiles (ms),
    and errors (any status but 200, or no answer)."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    local = threading.local()

    def one(path: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection(host, int(port), timeout=60)
            local.conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = local.conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                local.conn.close()
                local.conn = None
        except (OSError, http.client.HTTPException):
            if getattr(local, "conn", None) is not None:
                local.conn.close()
            local.conn = None
            status = 0
        return (time.perf_counter() - started) * 1000, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, paths))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(paths),
        "clients": clients,
        "errors": sum(1 for _, status in results if status != 200),
        "rps": round(len(paths) / elapsed, 1),
        **{k: round(v, 1) for k, v in percentiles([t for t, _ in results]).items()},
    }
