"""gunicorn's settings for NOS Hub: what `noshub serve` runs (noshub/serving.py builds the command),
and what a deployment can use itself: `gunicorn -c python:noshub.gunicorn_config noshub.wsgi`.

Workers are separate processes (gunicorn forks them; nothing is loaded before the fork, so no
database connection, search index or thread pool is shared across one); each warms up, building
its search index, before it takes a request.
"""

import os

from noshub.serving import default_workers, warm_up

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
keepalive = 5


def post_worker_init(worker) -> None:
    """The worker has loaded the application (noshub.wsgi, which checks the settings may serve)."""
    warm_up()
