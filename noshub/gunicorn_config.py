"""gunicorn's settings for NOS Hub: what `noshub serve` runs (noshub/serving.py builds the command),
and what a deployment can use itself: `gunicorn -c python:noshub.gunicorn_config noshub.wsgi`.

Workers are separate processes (gunicorn forks them; nothing is loaded before the fork, so no
database connection, search index or thread pool is shared across one); each warms up, building
its search index, before it takes a request.
"""

import os
import shutil
import tempfile

from noshub.serving import default_workers, freeze_heap, warm_up

# One thread per native library (OpenBLAS, OpenMP) in each worker, read when a worker first imports
# numpy or torch: the workers already keep every core busy, and BLAS threads spinning beside them
# make a search slower, not faster (the query-to-NOS matrix product: 3.6 ms on one thread, 7.3 ms
# on two on this 2-core machine).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

wsgi_app = "noshub.wsgi:application"
workers = default_workers()
worker_class = "gthread"  # the main thread keeps the worker alive while a request runs; background builds (suite documents) are threads
# One request at a time per worker, and a worker takes no more connections than it has threads
# (`noshub serve --threads N` passes N for both; give `--worker-connections` with `--threads` when
# running gunicorn yourself). A request's work is Python: a worker's threads share one interpreter
# (the GIL), so threads add no capacity, only stretch each request by as many as run at once. With
# gunicorn's default of 1,000 connections, a busy worker also accepted connections and queued them
# behind its own requests while the other worker might be idle. Capped, a waiting connection stays
# in the kernel's queue until either worker is free: first come, first served. Under 8 clients on
# 2 cores (`bench/pages_speed.py --baseline`, the uncapped server beside it in the same run): the
# query mix's p99 0.42-0.65 times the uncapped server's over five runs (4 threads; 1 in one run)
# (94-149 ms against 180-245), NOS pages' 0.49-0.58 times; 4 threads capped did not help (p99 189
# against 198). A slow client holds a worker: a public deployment puts a reverse proxy (TLS) in
# front (below).
threads = 1
worker_connections = threads
timeout = 120
graceful_timeout = 30
# No keep-alive: each request comes on a connection of its own, taken by whichever worker is free.
# With kept connections, a worker busy at the moment clients connect (a search, a collection)
# leaves them all to the other, which then serves every request while the first idles for as long
# as they stay open: under 8 clients, NOS pages at 126-182/s against 249/s with each request
# accepted afresh (`bench/pages_speed.py`, same run). A deployment's reverse proxy (TLS) keeps the
# browsers' connections; the hop from it to gunicorn costs a loopback connect (~0.1 ms).
keepalive = 0


def on_starting(server) -> None:
    """Before the workers are forked: unless NOSHUB_SEARCH_CACHE_DIR names one, a new folder of
    this server's own in which every worker keeps search results for all (settings.CACHES). A
    search asked of one worker is then read back by any other: with two workers, half the
    repeated searches were computed twice. Every entry is keyed by the catalogue stamp and the
    day, so what one worker kept is never older than what it would compute; the folder goes with
    the server (`on_exit`)."""
    if not os.environ.get("NOSHUB_SEARCH_CACHE_DIR"):
        folder = tempfile.mkdtemp(prefix="noshub-search-")
        os.environ["NOSHUB_SEARCH_CACHE_DIR"] = folder
        os.environ["NOSHUB_SEARCH_CACHE_DIR_MADE"] = folder  # ours: removed at exit


def on_exit(server) -> None:
    """The server stops: the search folder it made goes (one named by the operator stays)."""
    folder = os.environ.pop("NOSHUB_SEARCH_CACHE_DIR_MADE", "")
    if folder and os.environ.get("NOSHUB_SEARCH_CACHE_DIR") == folder:
        shutil.rmtree(folder, ignore_errors=True)


def post_worker_init(worker) -> None:
    """The worker has loaded the application (noshub.wsgi, which checks the settings may serve):
    warm it up, then keep what it loaded out of the garbage collector's full collections."""
    warm_up()
    freeze_heap()
