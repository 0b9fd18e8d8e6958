"""The annual report on the full catalogue (target: ≤ 60 s for HTML, PDF and JSON, both languages).

    NOSHUB_DB=/path/to/loaded.sqlite3 .venv/bin/python bench/report.py [--year 2026]

Times each phase of `noshub report annual`: the figures (every measure's query for the year),
the charts and HTML in English and Welsh, the tagged PDFs, the JSON twin; the baseline is the
figures alone (what any report must compute). Then makes the report a second time from the same
data and says whether every file came out byte for byte the same (reproducibility).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from noshub.catalogue.models import Standard
    from noshub.monitoring import report

    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores; python {platform.python_version()}")
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} {settings.DATABASES['default']['NAME']}; {Standard.objects.count()} standards"
    )
    start = time.perf_counter()
    report.figures(args.year)
    print(f"figures alone (baseline): {time.perf_counter() - start:.2f} s")
    digests = []
    for run in (1, 2):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            built = report.build(args.year)
            t1 = time.perf_counter()
            pages = {lang: report.html(built, lang) for lang in report.LANGUAGES}
            t2 = time.perf_counter()
            pdfs = {lang: report.pdf(page) for lang, page in pages.items()}
            t3 = time.perf_counter()
            written = report.write(args.year, Path(out))
            t4 = time.perf_counter()
            digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written})
            print(
                f"run {run}: figures and charts {t1 - t0:.2f} s, HTML en+cy {t2 - t1:.2f} s, PDF en+cy {t3 - t2:.2f} s "
                f"({', '.join(f'{k} {len(v) / 1024:.0f} KB' for k, v in pdfs.items())}); "
                f"`noshub report annual` end to end {t4 - t3:.2f} s (target ≤ 60 s)"
            )
    same = digests[0] == digests[1]
    print(f"same data, same bytes: {'yes' if same else 'no'} ({', '.join(sorted(digests[0]))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
