"""Search latency over 1,000+ realistic queries, keyword and hybrid, and the API under load.

    .venv/bin/python bench/search_speed.py                       # the default SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/noshub_bench .venv/bin/python bench/search_speed.py
    .venv/bin/python bench/search_speed.py --no-load-test        # latency only

The database must hold the loaded catalogue with its search index and embeddings
(`noshub load`). Queries (fixed seed): job titles from the ONS coding index, keywords and title
fragments of NOS, the judged queries of bench/data/search_queries/, and misspellings.
Latency is measured in-process around `noshub.search.engine.search` after a warm-up, and is
also printed as a ratio to a fixed CPU baseline (sorting 200,000 floats) so that figures from
machines of different speed can be compared. The load test starts `noshub serve` (gunicorn,
a worker per core, API rate limit off; bench/loadtest.py) and sends searches to /api/v1/search from this second process
with 8 concurrent clients.
Targets on a 2-core machine: keyword p95 ≤ 25 ms, hybrid p95 ≤ 60 ms; zero errors under load.
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
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadtest import load, percentiles, served  # noqa: E402  (bench/loadtest.py)


def cpu_baseline_ms() -> float:
    rng = random.Random(1)
    data = [rng.random() for _ in range(200_000)]
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        sorted(data)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def build_queries(n: int = 1200) -> list[str]:
    from noshub.search.models import SearchDocument
    from noshub.soc.models import CodingIndexEntry

    rng = random.Random(7)
    titles = list(CodingIndexEntry.objects.exclude(soc2020_unit="").values_list("title", flat=True))
    docs = list(SearchDocument.objects.values_list("title", "keywords"))
    queries = [t.lower() for t in rng.sample(titles, 400)]
    for title, keywords in rng.sample(docs, 300):
        kws = [k for k in keywords.split(" ; ") if k]
        queries.append(" ".join(rng.sample(kws, min(2, len(kws)))) if kws else title)
    for title, _ in rng.sample(docs, 250):
        words = title.lower().split()
        start = rng.randrange(0, max(1, len(words) - 2))
        queries.append(" ".join(words[start : start + rng.randint(2, 4)]))
    for path in sorted((ROOT / "bench" / "data" / "search_queries").glob("*.json")):
        queries += [q["query"] for q in json.loads(path.read_text())["queries"]]
    while len(queries) < n:
        word = rng.choice(rng.choice(docs)[0].lower().split())
        if len(word) > 5:
            i = rng.randrange(1, len(word) - 1)
            queries.append(word[:i] + word[i + 1 :])
    return queries[:n] if len(queries) > n else queries


def latency(queries: list[str], mode: str) -> dict[str, float]:
    from noshub.search.engine import SearchParams, search

    for q in queries[:30]:  # warm-up: caches, the embedding model
        search(SearchParams(q=q, mode=mode), log=False)
    times = []
    for q in queries:
        start = time.perf_counter()
        search(SearchParams(q=q, mode=mode), log=False)
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def load_test(queries: list[str], clients: int = 8, requests: int = 800) -> dict:
    with served(ready_path="/api/v1/search?q=warm") as base:
        paths = ["/api/v1/search?" + urllib.parse.urlencode({"q": queries[i % len(queries)]}) for i in range(requests)]
        load(base, paths[:20], clients=1, seconds=3)  # warm-up
        return load(base, paths, clients=clients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=1200)
    parser.add_argument("--no-load-test", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from django.db import connection

    from noshub.core.search import embeddings

    baseline = cpu_baseline_ms()
    queries = build_queries(args.queries)
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"engine: {connection.vendor}; queries: {len(queries)}; CPU baseline (sort 200k floats): {baseline:.1f} ms"
    )
    modes = ["keyword"] + (["hybrid"] if embeddings.available() else [])
    for mode in modes:
        figures = latency(queries, mode)
        target = 25 if mode == "keyword" else 60
        print(
            f"{mode:<8} p50 {figures['p50']:6.1f} ms  p95 {figures['p95']:6.1f} ms  p99 {figures['p99']:6.1f} ms  "
            f"max {figures['max']:6.1f} ms  (p95 = {figures['p95'] / baseline:.2f}x baseline; target p95 <= {target} ms)"
        )
    if not args.no_load_test:
        figures = load_test(queries)
        print(
            f"API load: {figures['requests']} searches from {figures['clients']} concurrent clients on loopback: "
            f"{figures['rps']:.1f} req/s, p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, errors {figures['errors']}"
        )


if __name__ == "__main__":
    main()
