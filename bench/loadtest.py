"""The real server under load, for the benchmarks: `noshub serve` (gunicorn) started on a free
loopback port as a subprocess, and concurrent clients in this second process.

    with served() as base:
        figures = load(base, urls, clients=8)

Each client keeps its HTTP/1.1 connection open while the server lets it; `noshub serve` takes
no keep-alive (`noshub/gunicorn_config.py`: each request accepted by a free worker), so the
clients connect again for each request, over loopback (~0.1 ms). The clients are wrk's (Debian's `wrk`, C and epoll, on one
thread: it takes a few percent of a core) when it is installed, else threads of this process
(Python's http.client: on a 2-core machine they take most of a core the server then lacks, so
their figures are lower; `client` in the figures says which ran). The server runs with the API rate limit off and
NOSHUB_LOCAL_ONLY=1 (127.0.0.1 only, no key needed); its database is this process's
(NOSHUB_DB or DATABASE_URL).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
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
def served(
    workers: int | None = None, threads: int | None = None, ready_path: str = "/", timeout: float = 300, root: Path = ROOT
) -> Iterator[str]:
    """`noshub serve` on a free loopback port until the block ends; yields its base URL once it
    answers `ready_path` (its workers have warmed up by then: they take no request before).
    `root`: the checkout whose code serves (another one: a baseline to compare with)."""
    port = free_port()
    env = dict(os.environ, NOSHUB_API_RATE_LIMIT="0", NOSHUB_LOCAL_ONLY="1", PYTHONPATH=str(root))
    command = [sys.executable, "-m", "noshub.cli", "serve", "--port", str(port)]
    if threads:  # else noshub serve's default
        command += ["--threads", str(threads)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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


# wrk's script: each connection GETs the paths in turn from its own starting point; at the end
# the figures as one JSON line (latency in microseconds from wrk, in ms here).
WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("NOSHUB_WRK_PATHS")) do paths[#paths + 1] = line end
local counter = 0
local next_index = 0
setup = function(thread) counter = counter + 1; thread:set("start", counter * 7919) end
init = function(args) next_index = start end
request = function()
  next_index = next_index + 1
  return wrk.format("GET", paths[(next_index % #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nNOSHUB_WRK {"requests": %d, "seconds": %.3f, "errors": %d, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def load(base: str, paths: list[str], clients: int = 8, seconds: float | None = None) -> dict:
    """Requests per second, latency percentiles (ms) and errors (any status but 2xx/3xx, or no
    answer) of `clients` concurrent connections GETting `paths`: for `seconds` with wrk when
    installed (the paths in turn), else each path once with this process's threads."""
    wrk = shutil.which("wrk")
    if wrk:
        return _load_wrk(wrk, base, paths, clients, seconds or 20)
    return _load_threads(base, paths, clients)


def _load_wrk(wrk: str, base: str, paths: list[str], clients: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        listed, script = Path(folder, "paths.txt"), Path(folder, "script.lua")
        listed.write_text("\n".join(paths) + "\n")
        script.write_text(WRK_SCRIPT)
        run = subprocess.run(
            [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "60s", "-s", str(script), base + "/"],
            env=dict(os.environ, NOSHUB_WRK_PATHS=str(listed)),
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in run.stdout.splitlines() if line.startswith("NOSHUB_WRK "))
    figures = json.loads(line.removeprefix("NOSHUB_WRK "))
    return {
        "client": "wrk",
        "requests": figures["requests"],
        "clients": clients,
        "errors": figures["errors"],
        "rps": round(figures["requests"] / figures["seconds"], 1),
        **{k: figures[k] for k in ("p50", "p95", "p99", "max")},
    }


def _load_threads(base: str, paths: list[str], clients: int) -> dict:
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
        "client": "python threads",
        "requests": len(paths),
        "clients": clients,
        "errors": sum(1 for _, status in results if status != 200),
        "rps": round(len(paths) / elapsed, 1),
        **{k: round(v, 1) for k, v in percentiles([t for t, _ in results]).items()},
    }
