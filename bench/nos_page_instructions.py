"""The NOS page's cost in CPU instructions (valgrind's callgrind), this checkout against another:
a figure a busy machine does not disturb, where wall-clock timings on a shared machine do.

    NOSHUB_DB=/path/to/loaded.sqlite3 .venv/bin/python bench/nos_page_instructions.py --baseline ../main [--pages 20]

For each checkout, two runs under callgrind: N different NOS (fixed seed) asked for once (first
visit: nothing of them cached yet), and the same N asked for a second time (second visit: the
page cache of `noshub.web.page_cache` warm). Only the requests are counted (callgrind collects
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = r"""
import functools, os, random, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
from noshub.catalogue.models import Standard
settings.USAGE_FLUSH_SECONDS = 1e9  # no usage write inside the counted requests
slugs = list(Standard.objects.exclude(current=None).order_by("slug").values_list("slug", flat=True))
rng = random.Random(17)
chosen = rng.sample(slugs, int(sys.argv[1]))
client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
for slug in rng.sample(slugs, 5):  # templates, translations, connections
    client.get(f"/nos/{slug}/")
if sys.argv[2] == "second":
    for slug in chosen:
        client.get(f"/nos/{slug}/")
def one(done, slug):
    assert client.get(f"/nos/{slug}/").status_code == 200
    return done + 1
print(functools.reduce(one, chosen, 0))
"""


def instructions(root: Path, pages: int, visit: str, folder: str) -> int:
    driver = Path(folder, "driver.py")
    driver.write_text(DRIVER)
    out = Path(folder, f"callgrind.{root.name}.{visit}.out")
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
    parser.add_argument("--pages", type=int, default=20, help="NOS pages per run (default 20)")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT, "baseline": args.baseline.resolve()}
    figures: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, root in checkouts.items():
            for visit in ("first", "second"):
                figures[(name, visit)] = instructions(root, args.pages, visit, folder) / args.pages
    print(f"NOS page, instructions per request (callgrind), {args.pages} NOS per run")
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
