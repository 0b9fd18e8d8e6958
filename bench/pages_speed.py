"""Server time of the NOS finder's pages on the full catalogue: the NOS page and results pages.

    .venv/bin/python bench/pages_speed.py                 # the default SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/noshub_bench .venv/bin/python bench/pages_speed.py
    .venv/bin/python bench/pages_speed.py --requests 500 --json bench/results/pages.json

The database must hold the loaded catalogue with its search index (`noshub load`). Requests go
through Django's whole stack (middleware, view, templates, CSP header) with the test Client, in
this process, after a warm-up (the search engine's per-process cache is loaded by the first
search). Each NOS page request is a different NOS (fixed seed, current and legacy); results pages
mix queries (job titles, title words, misspellings, URNs), filters, sorts and pages, in English
and Welsh.
Targets on this 2-core machine: NOS page p95 ≤ 50 ms, results page p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "welding",
    "prepare fish",
    "customer service",
    "health and safety",
    "chef",
    "care worker",
    "plumber",
    "manage a team",
    "risk assessment",
    "hairdresser",
    "electrical installation",
    "food hygiene",
    "forklift",
    "weldng",
    "custmer servise",
    "accounts",
    "nurse",
    "data analysis",
    "first aid",
    "security guard",
    "CFAM&LAA1",
    "lanact3",
    "animal care",
    "retail sales",
    "construction site supervisor",
    "teaching assistant",
]
FILTERS = [{}, {}, {"validity": "all"}, {"sort": "title"}, {"sort": "date"}, {"page": "2"}, {"category": "job_specific"}]

TARGETS = {"nos": 50.0, "results": 100.0}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind (default 300)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from noshub.catalogue.models import Standard

    rng = random.Random(42)
    slugs = list(Standard.objects.exclude(current=None).values_list("slug", flat=True))
    if not slugs:
        print("The database holds no NOS: run `noshub load` first.", file=sys.stderr)
        return 2
    client_en, client_cy = Client(), Client()
    client_cy.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    def results_url() -> str:
        from urllib.parse import urlencode

        params = {"q": rng.choice(QUERIES), **rng.choice(FILTERS)}
        return "/search/?" + urlencode(params)

    # Warm up: the search cache, the embedding model, templates, translations.
    for client in (client_en, client_cy):
        for _ in range(10):
            assert client.get(results_url()).status_code == 200
            assert client.get(f"/nos/{rng.choice(slugs)}/").status_code == 200

    timings: dict[str, list[float]] = {"nos": [], "results": []}
    for i in range(args.requests):
        client = client_cy if i % 4 == 3 else client_en
        for kind, url in (("nos", f"/nos/{rng.choice(slugs)}/"), ("results", results_url())):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            timings[kind].append(elapsed)

    figures = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
        },
        "database": connection.vendor,
        "nos_in_catalogue": len(slugs),
        "requests_per_kind": args.requests,
        "pages": {},
    }
    print(f"NOS Hub page timings: {connection.vendor}, {len(slugs)} NOS, {args.requests} requests per page kind")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'page':10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target p95':>11}  ok")
    ok = True
    for kind, values in timings.items():
        row = {
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1),
            "target_p95_ms": TARGETS[kind],
        }
        row["meets_target"] = row["p95_ms"] <= TARGETS[kind]
        ok &= row["meets_target"]
        figures["pages"][kind] = row
        print(
            f"{kind:10} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f} {TARGETS[kind]:11.0f}  {'yes' if row['meets_target'] else 'NO'}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
