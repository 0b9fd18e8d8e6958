"""Server time of the NOS finder's pages on the full catalogue: the NOS page, results pages, the
home page, a suite's PDF, and the real server under load.

    .venv/bin/python bench/pages_speed.py                 # the default SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/noshub_bench .venv/bin/python bench/pages_speed.py
    .venv/bin/python bench/pages_speed.py --requests 500 --json bench/results/pages.json
    .venv/bin/python bench/pages_speed.py --no-load-test  # in-process timings only
    .venv/bin/python bench/pages_speed.py --baseline /path/to/checkout-before  # the load test, before/after
    .venv/bin/python bench/pages_speed.py --load-only --baseline /path/to/checkout-before  # only the load test

The database must hold the loaded catalogue with its search index (`noshub load`). Requests go
through Django's whole stack (middleware, view, templates, CSP header) with the test Client, in
this process, after a warm-up (the search engine's per-process cache is loaded by the first
search). Each NOS page request is a different NOS (fixed seed, current and legacy); results pages
mix queries (job titles, title words, misspellings, URNs), filters, sorts and pages, in English
and Welsh. The home page is timed warm (its figures cached; they are counted again only when the
catalogue changes). A suite's PDF (a suite of 20-40 NOS) is asked for until it is served (HTTP 200;
202 while it is built in the background): the first build's time is reported, then cached GETs.
The load test starts the real server (`noshub serve`: gunicorn, a worker per core) on a free
loopback port and sends it searches (results pages; 1,200 realistic queries, as in
bench/search_speed.py, drawn at random: a query comes up again, as on a real site, and
a server that keeps results gains from it), searches of all-distinct queries (every request
a query no run asked before: NOS titles and ONS job titles, so nothing kept helps) and NOS
pages (random URNs) from 8 concurrent clients in a second process (bench/loadtest.py: wrk when installed, for
`--load-seconds`; else Python threads in this process, each path once).
Targets on this 2-core machine: NOS page p95 ≤ 50 ms, results page p95 ≤ 100 ms, home page p95
≤ 50 ms warm, suite PDF from cache p95 ≤ 100 ms; under load ≥ 200 searches/s and ≥ 200 NOS pages/s
with 0 errors, p99 ≤ 100 ms.

Page-view counting (issue 24: it adds ≤ 2 ms at p95 to a NOS page): NOS pages timed in pairs,
the same NOS with the site's middleware and with `UsageMiddleware` removed, alternating request
by request so that the machine's load falls on both alike; the p95 of each and its difference.

`--baseline DIR` serves another checkout of NOS Hub (the code before a change) beside this one
on the same database and load-tests both, alternating (this, baseline, baseline, this for each
kind), and prints each kind's throughput and p99 as a ratio: on a machine shared with other
work, the ratio of the same run is the figure to trust, not either absolute one.
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

from loadtest import load, served  # noqa: E402  (bench/loadtest.py)
from search_speed import build_queries  # noqa: E402  (realistic queries: ONS job titles, NOS keywords, judged queries, typos)

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

TARGETS = {"nos": 50.0, "results": 100.0, "home": 50.0, "suite_pdf_cached": 100.0}
COUNTING_TARGET_MS = 2.0  # what page-view counting may add to a NOS page at p95
USAGE = "noshub.monitoring.middleware.UsageMiddleware"
LOAD_TARGETS = {"rps": 200.0, "p99": 100.0, "errors": 0}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind (default 300)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--pdf-requests", type=int, default=20, help="cached suite PDF requests (default 20)")
    parser.add_argument("--load-requests", type=int, default=2000, help="paths per kind in the load test (default 2000)")
    parser.add_argument("--load-seconds", type=float, default=20, help="seconds per kind in the load test with wrk (default 20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the load test (default 8)")
    parser.add_argument("--no-load-test", action="store_true", help="skip the load test on the real server")
    parser.add_argument("--counting-only", action="store_true", help="only the page-view counting pairs")
    parser.add_argument("--baseline", type=Path, help="another checkout to load-test beside this one (before/after)")
    parser.add_argument("--load-only", action="store_true", help="only the load test on the real server")
    parser.add_argument("--workers", type=int, help="server worker processes (default: noshub serve's, one per core)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: noshub serve's, 1); GUNICORN_CMD_ARGS reaches gunicorn too")
    parser.add_argument(
        "--kinds",
        default="searches,searches_distinct,nos_pages",
        help="load-test kinds (default: searches,searches_distinct,nos_pages; also home: the floor of any page)",
    )
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
    if args.counting_only:
        counting = time_counting([rng.choice(slugs) for _ in range(args.requests)])
        print(json.dumps(counting, indent=2))
        return 0 if counting["added_p95_ms"] <= COUNTING_TARGET_MS else 1
    if args.load_only:
        ok, figures = True, {"database": connection.vendor, "nos_in_catalogue": len(slugs)}
        return report_load(args, slugs, rng, figures, ok)
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

    timings: dict[str, list[float]] = {"nos": [], "results": [], "home": [], "suite_pdf_cached": []}
    for client in (client_en, client_cy):
        assert client.get("/").status_code == 200  # the home page's figures, counted once
    for i in range(args.requests):
        client = client_cy if i % 4 == 3 else client_en
        for kind, url in (("nos", f"/nos/{rng.choice(slugs)}/"), ("results", results_url()), ("home", "/")):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            timings[kind].append(elapsed)

    counting = time_counting([rng.choice(slugs) for _ in range(args.requests)])
    suite_pdf = time_suite_pdf(client_en, args.pdf_requests)
    timings["suite_pdf_cached"] = suite_pdf.pop("cached_ms")

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
        "load_average": os.getloadavg(),
        "pages": {},
        "suite_pdf": suite_pdf,
        "page_view_counting": counting,
    }
    print(f"NOS Hub page timings: {connection.vendor}, {len(slugs)} NOS, {args.requests} requests per page kind")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load_average()}")
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
    print(
        f"suite PDF: suite {suite_pdf['suite']} ({suite_pdf['nos']} NOS, {suite_pdf['bytes']:,} bytes): first build "
        f"{suite_pdf['first_build_s']:.1f} s ({suite_pdf['polls']} polls answered 202 while building)"
    )
    counting["meets_target"] = counting["added_p95_ms"] <= COUNTING_TARGET_MS
    ok &= counting["meets_target"]
    print(
        f"page-view counting, {counting['pairs']} NOS pages in pairs: p95 {counting['counted_p95_ms']:.1f} ms counted, "
        f"{counting['uncounted_p95_ms']:.1f} ms without UsageMiddleware: adds {counting['added_p95_ms']:+.2f} ms at p95 "
        f"(median of the pairs' differences {counting['pair_median_ms']:+.2f} ms; CPU time p95 {counting['cpu_counted_p95_ms']:.1f} "
        f"against {counting['cpu_uncounted_p95_ms']:.1f} ms, {counting['cpu_added_p95_ms']:+.2f} ms); target ≤ {COUNTING_TARGET_MS:.0f} ms: "
        f"{'yes' if counting['meets_target'] else 'NO'}"
    )
    if not args.no_load_test:
        return report_load(args, slugs, rng, figures, ok)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


def distinct_queries() -> list[str]:
    """Every distinct NOS title and ONS coding-index job title, shuffled (fixed seed): queries that
    come up once each."""
    from noshub.catalogue.models import NosVersion
    from noshub.soc.models import CodingIndexEntry

    titles = NosVersion.objects.exclude(standard__current=None).values_list("title", flat=True)
    jobs = CodingIndexEntry.objects.values_list("title", flat=True)
    queries = sorted({" ".join(t.lower().replace(",", " ").split()) for t in [*titles, *jobs]} - {""})
    random.Random(11).shuffle(queries)
    return queries


def report_load(args, slugs: list[str], rng: random.Random, figures: dict, ok: bool) -> int:
    """The load test on the real server, printed beside the baseline's; the figures written to --json."""
    pool = build_queries()
    queries = [rng.choice(pool) for _ in range(args.load_requests)]
    kinds = args.kinds.split(",")
    at_start = load_average()
    server = {"workers": args.workers, "threads": args.threads}
    figures["load"] = load_test(slugs, queries, args.clients, args.load_seconds, args.baseline, kinds, server)
    client = next(iter(figures["load"].values()))["client"]
    print(
        f"the real server (noshub serve: {args.workers or 'one per core'} workers, {args.threads or 'its default'} threads"
        f"{', ' + os.environ['GUNICORN_CMD_ARGS'] if os.environ.get('GUNICORN_CMD_ARGS') else ''}) under {args.clients} "
        f"concurrent clients ({client}) on loopback; load average {at_start} at the start, {load_average()} at the end"
    )
    print(f"{'kind':26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  target: ≥ {LOAD_TARGETS['rps']:.0f}/s, p99 ≤ {LOAD_TARGETS['p99']:.0f} ms, 0 errors")
    for kind, row in figures["load"].items():
        row["meets_target"] = row["rps"] >= LOAD_TARGETS["rps"] and row["p99"] <= LOAD_TARGETS["p99"] and row["errors"] == LOAD_TARGETS["errors"]
        if kind.endswith("_baseline"):
            row["meets_target"] = None  # the baseline's figures are for the ratio only
            print(f"{kind:26} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f} {row['errors']:7d}  (baseline)")
            continue
        ok &= row["meets_target"]
        print(f"{kind:26} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f} {row['errors']:7d}  {'yes' if row['meets_target'] else 'NO'}")
    for kind in kinds:
        before = figures["load"].get(f"{kind}_baseline")
        if before:
            now = figures["load"][kind]
            print(
                f"{kind}: {now['rps'] / before['rps']:.2f}× the baseline's requests/s, "
                f"p99 {now['p99'] / before['p99']:.2f}× ({args.baseline}, same run, alternating)"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def time_suite_pdf(client, requests: int) -> dict:
    """A suite's PDF: the first build (polled while the site answers 202), then cached GETs."""
    from django.db.models import Count

    from noshub.catalogue.models import Suite

    suite = (
        Suite.objects.annotate(n=Count("versions__standard", distinct=True)).filter(n__gte=20, n__lte=40).order_by("id").first()
    )
    url = f"/suites/{suite.id}.pdf"
    started, polls = time.perf_counter(), 0
    while True:
        response = client.get(url)
        if response.status_code != 202:
            break
        polls += 1
        time.sleep(0.25)
    first_build = time.perf_counter() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", (url, response.status_code)
    size = len(b"".join(response) if response.streaming else response.content)
    cached = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        cached.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and body[:4] == b"%PDF", (url, response.status_code)
    return {"suite": suite.id, "nos": suite.n, "bytes": size, "first_build_s": round(first_build, 2), "polls": polls, "cached_ms": cached}


def time_counting(slugs: list[str]) -> dict:
    """NOS pages in pairs, with and without `UsageMiddleware` (the rest of the site's middleware
    as configured), alternating which goes first; each NOS asked for once before (so both arms
    find it in the page cache alike); flushed by hand afterwards (the write is off the request's
    path). Wall time, and this process's CPU time (less disturbed by other work on the machine)."""
    from django.conf import settings
    from django.test import Client, override_settings

    from noshub.monitoring import usage

    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}  # counted, not a robot
    counted, uncounted = Client(**browser), Client(**browser)  # a client keeps the middleware it first loaded
    without = [m for m in settings.MIDDLEWARE if m != USAGE]
    assert USAGE in settings.MIDDLEWARE
    on, off, cpu_on, cpu_off = [], [], [], []
    warm = Client(**browser)
    for slug in slugs:
        assert warm.get(f"/nos/{slug}/").status_code == 200
    usage.flush(wait=30)
    for i, slug in enumerate(slugs):
        for with_counting in ((True, False) if i % 2 else (False, True)):
            with override_settings(MIDDLEWARE=settings.MIDDLEWARE if with_counting else without):
                started, cpu = time.perf_counter(), time.process_time()
                response = (counted if with_counting else uncounted).get(f"/nos/{slug}/")
                elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
            (on if with_counting else off).append(elapsed)
            (cpu_on if with_counting else cpu_off).append(cpu)
            assert response.status_code == 200
    usage.flush(wait=30)
    return {
        "pairs": len(slugs),
        "counted_p95_ms": round(percentile(on, 95), 2),
        "uncounted_p95_ms": round(percentile(off, 95), 2),
        "added_p95_ms": round(percentile(on, 95) - percentile(off, 95), 2),
        "pair_median_ms": round(statistics.median(a - b for a, b in zip(on, off, strict=True)), 2),
        "cpu_counted_p95_ms": round(percentile(cpu_on, 95), 2),
        "cpu_uncounted_p95_ms": round(percentile(cpu_off, 95), 2),
        "cpu_added_p95_ms": round(percentile(cpu_on, 95) - percentile(cpu_off, 95), 2),
    }


def load_test(
    slugs: list[str],
    queries: list[str],
    clients: int,
    seconds: float,
    baseline: Path | None = None,
    kinds: list[str] | None = None,
    server: dict | None = None,
) -> dict:
    """Searches and NOS pages against `noshub serve`, one kind after the other; with `baseline`,
    against that checkout's server too, alternating (this, baseline, baseline, this: half the
    time each), its figures under "<kind>_baseline". `searches_distinct`: each run its own
    slice of `distinct_queries()`, longer than the run asks for, so no query is asked twice of
    a server."""
    from contextlib import ExitStack
    from urllib.parse import quote, urlencode

    rng = random.Random(7)
    paths = {
        "searches": ["/search/?" + urlencode({"q": q}) for q in queries],
        "nos_pages": [f"/nos/{quote(rng.choice(slugs))}/" for _ in queries],
        # The floor: the home page, its figures kept, through the same server and middleware (what
        # any page costs before its own work; `--kinds home`).
        "home": ["/" for _ in queries],
    }
    if "searches_distinct" in (kinds or []):
        paths["searches_distinct"] = ["/search/?" + urlencode({"q": q}) for q in distinct_queries()]
    kinds = {kind: paths[kind] for kind in kinds or ("searches", "nos_pages")}
    with ExitStack() as stack:
        bases = {"": stack.enter_context(served(**(server or {})))}
        if baseline:
            bases["_baseline"] = stack.enter_context(served(root=baseline.resolve(), **(server or {})))
        order = ["", "_baseline", "_baseline", ""] if baseline else [""]
        figures = {}
        for kind, paths in kinds.items():
            distinct = kind == "searches_distinct"
            warm = kinds["searches"][:50] if distinct and "searches" in kinds else paths[:50]
            for base in bases.values():
                load(base, warm if not distinct else paths[-50:], clients=clients, seconds=3)  # every worker's templates and caches warm
            runs: dict[str, list[dict]] = {}
            for n, suffix in enumerate(order):
                asked = paths
                if distinct:  # a slice of its own for each run (the last 50 warmed up)
                    size = (len(paths) - 50) // len(order)
                    asked = paths[n * size : (n + 1) * size]
                runs.setdefault(suffix, []).append(load(bases[suffix], asked, clients=clients, seconds=seconds / len(order) * len(bases)))
            for suffix, rows in runs.items():
                figures[kind + suffix] = rows[0] if len(rows) == 1 else _merged(rows)
        return figures


def _merged(rows: list[dict]) -> dict:
    """Two load runs of one server (of equal length) as one: requests/s their mean, errors summed, latency
    percentiles the mean of the runs' (each run's own are kept under "runs")."""
    out = dict(rows[0])
    out["rps"] = round(statistics.mean(r["rps"] for r in rows), 1)
    out["errors"] = sum(r["errors"] for r in rows)
    for p in ("p50", "p95", "p99"):
        out[p] = round(statistics.mean(r[p] for r in rows), 1)
    out["runs"] = rows
    return out


if __name__ == "__main__":
    sys.exit(main())
