"""Time and peak memory to load the whole data directory into an empty database.

    .venv/bin/python bench/load.py                 # SQLite, in a temporary file
    .venv/bin/python bench/load.py --database postgres://postgres@127.0.0.1:5432/noshub_bench

Each run happens in a fresh child process, so the peak memory is that of one load. The SOC
coder's fit, with which `noshub load` ends, is timed after it (its own figure); the coder is
saved in a temporary folder, not beside this machine's other fits.
Target (issue 2): under 60 s and under 1 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from noshub.loading import ensure_soc_coder, load_all

    call_command("migrate", interactive=False, verbosity=0)
    start = time.perf_counter()
    reports = load_all(soc_coder=False)  # the SOC coder's fit, which `noshub load` ends with, is timed apart
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    fitted = ensure_soc_coder()
    fit_seconds = time.perf_counter() - start
    fit_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_mb": round(peak_mb),
                "reports": [r.summary() for r in reports],
                "fit": fitted,
                "fit_seconds": round(fit_seconds, 1),
                "fit_peak_mb": round(fit_peak_mb),
            }
        )
    )


def _reset_postgres(url: str) -> None:
    """Drop and recreate the benchmark database so that the load starts empty."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL of a database to (re)create; default: a temporary SQLite file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if args.database:
            _reset_postgres(args.database)
            env["DATABASE_URL"] = args.database
            engine = "PostgreSQL"
        else:
            env.pop("DATABASE_URL", None)
            env["NOSHUB_DB"] = str(Path(tmp) / "bench.sqlite3")
            engine = "SQLite"
        env["NOSHUB_SOC_CODER_DIR"] = str(Path(tmp) / "soc-coder")
        out = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rng = random.Random(1)
    floats = [rng.random() for _ in range(200_000)]
    start = time.perf_counter()
    for _ in range(5):
        sorted(floats)
    baseline_ms = (time.perf_counter() - start) * 200
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"CPU baseline (sort 200k floats): {baseline_ms:.1f} ms (about 25 ms on an idle machine of this kind)"
    )
    print(f"engine: {engine}")
    for line in result["reports"]:
        print(f"  {line}")
    print(f"load time: {result['seconds']} s (target < 60 s)")
    print(f"peak memory: {result['peak_mb']} MB (target < 1024 MB)")
    print(f"then the SOC coder's fit ({result['fit']}): {result['fit_seconds']} s, peak memory {result['fit_peak_mb']} MB")


if __name__ == "__main__":
    main()
