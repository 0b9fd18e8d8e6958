"""Time and peak memory of duplicate detection over 25%, 50% and 100% of the catalogue.

    .venv/bin/python bench/duplicates_speed.py              # loads the real data into a temp SQLite once
    .venv/bin/python bench/duplicates_speed.py --fractions 1.0 --json

Each fraction runs in a fresh child process (so the peak memory is that run's own): read the
current versions from the database, build the vectors, find and group every duplicate. It
also times "already covered" queries on the built index (the API's path, minus HTTP).
Target (issue 5): the full catalogue in under 60 s and 2 GB on a 2-core machine; a query in
under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "Make sure your own actions reduce risks to health and safety",
    "Prepare fish for basic dishes\nSelect the type and quantity of fish required for preparation\nCheck the fish meets quality requirements",
    "Manage a budget for your area of responsibility",
    "Provide leadership for your team\nset out the purpose of the team\ncommunicate the vision clearly",
    "Carry out a concise and comprehensive consultation with the individual",
]


def child(fraction: float) -> None:
    from benchdb import setup_loaded_database

    setup_loaded_database()
    from noshub.cleansing.corpus import load_corpus
    from noshub.cleansing.services import draft_from_text
    from noshub.core.duplicates import DuplicateFinder

    t0 = time.perf_counter()
    docs = load_corpus()
    if fraction < 1.0:
        docs = random.Random(2019).sample(docs, int(len(docs) * fraction))
    t1 = time.perf_counter()
    finder = DuplicateFinder(docs)
    t2 = time.perf_counter()
    result = finder.find()
    t3 = time.perf_counter()
    timings = []
    for _ in range(3):
        for q in QUERIES:
            s = time.perf_counter()
            finder.covering(draft_from_text(q))
            timings.append((time.perf_counter() - s) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "fraction": fraction,
                "nos": len(docs),
                "read_s": round(t1 - t0, 2),
                "build_s": round(t2 - t1, 2),
                "find_s": round(t3 - t2, 2),
                "total_s": round(t3 - t0, 2),
                "peak_mb": round(peak_mb),
                "candidate_pairs": result.stats["candidate_pairs"],
                "groups": result.stats["groups"],
                "largest_group": result.stats["largest_group"],
                "query_ms_median": round(statistics.median(timings), 1),
                "query_ms_max": round(max(timings), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", default="0.25,0.5,1.0")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    from benchdb import setup_loaded_database

    setup_loaded_database()  # load once here, so that no child times a load
    rows = []
    for fraction in (float(f) for f in args.fractions.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(fraction)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    if args.json:
        print(json.dumps({"machine": machine, "runs": rows}, indent=2))
        return
    print(
        f"{'share':>6} {'NOS':>6} {'read s':>7} {'build s':>8} {'find s':>7} {'total s':>8} {'peak MB':>8} {'pairs':>8} {'groups':>7} {'q ms med':>9} {'q ms max':>9}"
    )
    for r in rows:
        print(
            f"{r['fraction']:>6.0%} {r['nos']:>6} {r['read_s']:>7} {r['build_s']:>8} {r['find_s']:>7} {r['total_s']:>8} "
            f"{r['peak_mb']:>8} {r['candidate_pairs']:>8} {r['groups']:>7} {r['query_ms_median']:>9} {r['query_ms_max']:>9}"
        )
    print("Machine:", machine)


if __name__ == "__main__":
    main()
