"""gunicorn's settings for NOS Hub: what `noshub serve` runs (noshub/serving.py builds the command),
and what a deployment can use itself: `gunicorn -c python:noshub.gunicorn_config noshub.wsgi`.

Workers are separate processes (gunicorn forks them; nothing is loaded before the fork, so no
database connection, search index or thread pool is shared across one); each warms up, building
its search index, before it takes a request.
"""

import os

from noshub.serving import default_workers, freeze_heap, warm_up

# One thread per native library (OpenBLAS, OpenMP) in each worker, read when a worker first imports
# numpy or torch: the workers already keep every core busy, and BLAS threads spinning beside them
# make a search slower, not faster (the query-to-NOS matrix product: 3.6 ms on one thread, 7.3 ms
# on two on this 2-core machine).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

wsgi_app = "noshub.wsgi:application"
workers = default_workers()
worker_class = "gthread"  # threads answer the requests of each process: a suite PDF holds up one thread, not the worker
threads = 4
timeout = 120
graceful_timeout = 30
# No keep-alive: each request comes on a connection of its own, taken by whichever worker is free.
# With kept connections, a worker busy at the moment clients connect (a search, a collection)
# leaves them all to the other, which then serves every request while the first idles for as long
# as they stay open: under 8 clients, NOS pages at 126-182/s against 249/s with each request
# accepted afresh (`bench/pages_speed.py`, same run). A deployment's reverse proxy (TLS) keeps the
# browsers' connections; the hop from it to gunicorn costs a loopback connect (~0.1 ms).
keepalive = 0


def post_worker_init(worker) -> None:
    """The worker has loaded the application (noshub.wsgi, which checks the settings may serve):
    warm it up, then keep what it loaded out of the garbage collector's full collections."""
    warm_up()
    freeze_heap()
