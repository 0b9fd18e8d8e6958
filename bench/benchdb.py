"""A loaded database for the duplicate benchmarks (bench/duplicates_*.py), set up before Django starts.

The benchmarks need the whole real catalogue in a database. With NOSHUB_DB or DATABASE_URL
set, that database is used as it is; otherwise a SQLite file in the temporary folder is
loaded once (about 30 s) and reused by later runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def setup_loaded_database() -> None:
    if not os.environ.get("DATABASE_URL") and not os.environ.get("NOSHUB_DB"):
        os.environ["NOSHUB_DB"] = str(Path(tempfile.gettempdir()) / "noshub-duplicates-bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from noshub.catalogue.models import Standard

    call_command("migrate", interactive=False, verbosity=0)
    if not Standard.objects.exists():
        from noshub.loading import load_all

        print("Loading the real data into the benchmark database (once)…", flush=True)
        load_all()
