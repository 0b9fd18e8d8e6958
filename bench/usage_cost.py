"""What counting usage adds to a NOS page (target: ≤ 2 ms at p95), on the full catalogue.

    NOSHUB_DB=/path/to/loaded.sqlite3 .venv/bin/python bench/usage_cost.py [--requests 400]

Paired and interleaved: the same NOS pages (fixed seed, current and legacy; each asked for once
before, so both arms find it in the page cache alike) are asked for, in alternating order, with
the site's middleware as configured (with `noshub.monitoring.middleware.UsageMiddleware`) and
with that one middleware removed (the baseline), alternating request by request so that drift in
the machine's load falls on both alike. Also times `usage.count` alone (the whole cost on the
request's path) and one `flush` of the buffered events (after responses, off the path).
`bench/pages_speed.py` run before and after the app was added gives the same comparison
across the whole page set.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
USAGE = "noshub.monitoring.middleware.UsageMiddleware"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings

    from noshub.catalogue.models import Standard
    from noshub.monitoring import usage

    settings.USAGE_FLUSH_SECONDS = 1e9  # flush by hand below: time the path, not the write
    usage.buffer.flush_at = 10**9
    slugs = list(Standard.objects.order_by("slug").values_list("slug", flat=True))
    rng = random.Random(24)
    chosen = [rng.choice(slugs) for _ in range(args.requests)]
    # A client's middleware is loaded at its first request and kept: one client per arm.
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    baseline = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    without = [m for m in settings.MIDDLEWARE if m != USAGE]
    assert USAGE in settings.MIDDLEWARE
    for slug in chosen[:20]:  # warm-up
        client.get(f"/nos/{slug}/", follow=True)
        with override_settings(MIDDLEWARE=without):
            baseline.get(f"/nos/{slug}/", follow=True)
    # Every page once before: the NOS page's catalogue part is cached (web.page_cache), and the
    # arm that asked first would pay for both.
    warm = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    with override_settings(MIDDLEWARE=without):
        for slug in set(chosen):
            warm.get(f"/nos/{slug}/", follow=True)
    on, off = [], []
    usage.discard()
    for i, slug in enumerate(chosen):
        for counted in (True, False) if i % 2 else (False, True):  # which goes first, alternating
            if counted:
                start = time.perf_counter()
                client.get(f"/nos/{slug}/", follow=True)
                on.append((time.perf_counter() - start) * 1000)
            else:
                with override_settings(MIDDLEWARE=without):
                    start = time.perf_counter()
                    baseline.get(f"/nos/{slug}/", follow=True)
                    off.append((time.perf_counter() - start) * 1000)
    noted = usage.waiting()
    assert noted == len(chosen), (noted, len(chosen))  # each counted page once, the baseline's never

    class _Match:
        view_name, kwargs = "web:nos", {"slug": "LANACT3"}

    class _Request:
        method, META, GET, resolver_match = "GET", {"HTTP_USER_AGENT": "Mozilla/5.0"}, {}, _Match()

        def get_host(self):
            return "testserver"

    class _Response:
        status_code = 200

    request, response = _Request(), _Response()
    path = []
    for _ in range(5000):
        start = time.perf_counter()
        usage.count(request, response)
        path.append((time.perf_counter() - start) * 1e6)
    start = time.perf_counter()
    written = usage.flush(wait=30)
    flush_ms = (time.perf_counter() - start) * 1000
    from noshub.monitoring.models import UsageEvent

    UsageEvent.objects.all().delete()

    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores; python {platform.python_version()}; {len(slugs)} standards"
    )
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} {settings.DATABASES['default']['NAME']}")
    print(f"NOS pages, {len(chosen)} each way, interleaved (events noted: {noted})")
    print(f"  {'':34} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, values in (("without usage counting (baseline)", off), ("with usage counting", on)):
        print(f"  {name:34} {pct(values, 50):8.2f} {pct(values, 95):8.2f} {statistics.mean(values):8.2f}")
    print(f"  added: p50 {pct(on, 50) - pct(off, 50):+.2f} ms, p95 {pct(on, 95) - pct(off, 95):+.2f} ms (target p95 ≤ +2 ms)")
    print(f"usage.count alone: p50 {pct(path, 50):.1f} µs, p95 {pct(path, 95):.1f} µs, p99 {pct(path, 99):.1f} µs")
    print(f"one flush (off the request's path): {written} events in {flush_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
