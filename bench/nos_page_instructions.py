"""The NOS page's or the results page's cost in CPU instructions (valgrind's callgrind), this
checkout against another: a figure a busy machine does not disturb, where wall-clock timings on a
shared machine do.

    NOSHUB_DB=/path/to/loaded.sqlite3 .venv/bin/python bench/nos_page_instructions.py --baseline ../main [--pages 20]
    NOSHUB_DB=… .venv/bin/python bench/nos_page_instructions.py --baseline ../main --kind search [--pages 20]

For each checkout, two runs under callgrind: N different NOS (fixed seed) asked for once (first
visit: nothing of them cached yet), and the same N asked for a second time (second visit: the
page cache of `noshub.web.page_cache` warm). With `--kind search`, N different queries of the
judged set (`bench/data/search_queries/`, fixed seed) as results pages: first visit, each query
new to the process (its sentence vector computed, nothing kept), and second visit, the same
queries again (what a repeated search costs). Only the requests are counted (callgrind collects
inside one `functools.reduce` call that makes them; Django's start-up and the warm-up are not).
Requests go through Django's whole stack with the test client, in-process. Prints instructions
per request and the ratio to the baseline. Needs valgrind; about 5 minutes a run on a quiet
machine (Django starts up under valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = r"""
import functools, glob, json, os, random, sys, urllib.parse
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
from noshub.catalogue.models import Standard
settings.USAGE_FLUSH_SECONDS = 1e9  # no usage write inside the counted requests
rng = random.Random(17)
if sys.argv[3] == "nos":
    slugs = list(Standard.objects.exclude(current=None).order_by("slug").values_list("slug", flat=True))
    paths = [f"/nos/{slug}/" for slug in slugs]
else:
    queries = sorted({q["query"] for p in sorted(glob.glob(sys.argv[4] + "/*.json")) for q in json.load(open(p))["queries"]})
    paths = ["/search/?" + urllib.parse.urlencode({"q": q}) for q in queries]
chosen = rng.sample(paths, int(sys.argv[1]) + 5)
chosen, warm = chosen[5:], chosen[:5]
client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
for path in warm:  # templates, translations, connections, the search index and model
    client.get(path)
if sys.argv[2] == "second":
    for path in chosen:
        client.get(path)
def one(done, path):
    assert client.get(path).status_code == 200
    return done + 1
print(functools.reduce(one, chosen, 0))
"""


def instructions(root: Path, pages: int, visit: str, folder: str, kind: str = "nos") -> int:
    driver = Path(folder, "driver.py")
    driver.write_text(DRIVER)  # (the same text from every run)
    out = Path(folder, f"callgrind.{root.name}.{kind}.{visit}.out")
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=functools_reduce",
            f"--callgrind-out-file={out}",
            sys.executable,
            str(driver),
            str(pages),
            visit,
            kind,
            str(ROOT / "bench" / "data" / "search_queries"),
        ],
        env=dict(os.environ, PYTHONPATH=str(root)),
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (the code before a change)")
    parser.add_argument("--pages", type=int, default=20, help="pages per run (default 20)")
    parser.add_argument("--kind", choices=("nos", "search"), default="nos", help="NOS pages (default) or results pages")
    parser.add_argument("--jobs", type=int, default=1, help="callgrind runs at once (default 1; the counts do not change)")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT, "baseline": args.baseline.resolve()}
    figures: dict[tuple[str, str], float] = {}
    runs = [(name, visit) for name in checkouts for visit in ("first", "second")]
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(max_workers=args.jobs) as pool:
        counted = pool.map(lambda run: instructions(checkouts[run[0]], args.pages, run[1], folder, args.kind), runs)
        for run, count in zip(runs, counted, strict=True):
            figures[run] = count / args.pages
    what = "NOS page" if args.kind == "nos" else "results page"
    print(f"{what}, instructions per request (callgrind), {args.pages} {'NOS' if args.kind == 'nos' else 'queries'} per run")
    print(f"{'':16} {'first visit':>14} {'second visit':>14}")
    for name in checkouts:
        print(f"{name:16} {figures[(name, 'first')] / 1e6:13.1f}M {figures[(name, 'second')] / 1e6:13.1f}M")
    for visit in ("first", "second"):
        print(
            f"{visit} visit: {figures[('this checkout', visit)] / figures[('baseline', visit)]:.2f}× the baseline's instructions"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
