"""How long the first /soc/suggest.json request of a new server process takes (a "cold"
request), and the next one.

A request only loads the SOC coder's saved fit (`noshub.soc.services.loaded_coder`); the fit
is made by the jobs that change the data. The bench first makes sure the database has a fit
(`noshub.loading.ensure_soc_coder`, timed apart: the job's cost), then starts a new Python
process per run, which sets Django up and times its first and second request, and (apart) how
long loading the saved fit alone takes. The first request also loads the sentence-vector model
(shared with search) when the `semantic` extra is installed.

    NOSHUB_DB=/tmp/loaded.sqlite3 python bench/soc_cold_request.py [--runs 3]

With neither NOSHUB_DB nor DATABASE_URL set it uses (and loads once) the duplicate benches'
database (`bench/benchdb.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
t = time.perf_counter()
import django
django.setup()
from django.test import Client
setup = time.perf_counter() - t
from noshub.soc import services
client = Client()
if os.environ.get("LOAD_ONLY"):  # the fit's load alone, in a process of its own
    t = time.perf_counter()
    assert services.ready_coder() is not None
    print(json.dumps({"load": time.perf_counter() - t}))
    raise SystemExit
times = []
for text in ("chef", "Drive a lorry"):
    t = time.perf_counter()
    response = client.get("/soc/suggest.json", {"text": text, "top": "3"})
    times.append(time.perf_counter() - t)
    assert response.status_code == 200, response.content[:500]
print(json.dumps({"setup": setup, "first": times[0], "second": times[1]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold processes to time (the median is reported)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from benchdb import setup_loaded_database

    setup_loaded_database()
    from noshub.loading import ensure_soc_coder

    t = time.perf_counter()
    print(ensure_soc_coder(), f"({time.perf_counter() - t:.1f} s, the job's part)", flush=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    loads = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD], env=env | {"LOAD_ONLY": "1"}, cwd=ROOT, capture_output=True, text=True, check=True
        )
        loads.append(json.loads(out.stdout.strip().splitlines()[-1])["load"])
    first = statistics.median(r["first"] for r in runs)
    second = statistics.median(r["second"] for r in runs)
    setup = statistics.median(r["setup"] for r in runs)
    print(
        f"/soc/suggest.json in a new process ({args.runs} runs, median): first request {first:.2f} s "
        f"(loads the saved fit and the sentence-vector model), next request {second:.2f} s; Django setup {setup:.2f} s"
    )
    print(f"loading the saved fit alone, in a new process: {statistics.median(loads):.2f} s (median)")


if __name__ == "__main__":
    main()
