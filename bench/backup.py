"""Backup round trip of a whole store: export → new empty database → restore → export, with
sizes and times; the two backups must be byte-identical.

    .venv/bin/python bench/backup.py                       # source: the configured database (NOSHUB_DB / DATABASE_URL)
    .venv/bin/python bench/backup.py --postgres postgres://postgres@127.0.0.1:5432/noshub_bench_restore

The source is read only. The restore goes into a new temporary SQLite file, and with --postgres
also into that PostgreSQL database (dropped and created afresh), each followed by an export that
is compared byte for byte with the first. Each step runs `noshub` in a child process, as a user
would.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def noshub(env: dict, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "noshub.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"noshub {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return round(time.perf_counter() - start, 1)


def _reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database to (re)create and restore into as well")
    parser.add_argument("--keep", action="store_true", help="keep the backup files (printed) instead of deleting them")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="noshub-backup-bench-"))
    source = dict(os.environ)
    report: dict = {"source": source.get("DATABASE_URL") or source.get("NOSHUB_DB") or "noshub.sqlite3"}
    first = work / "first.jsonl.gz"
    report["export_s"] = noshub(source, "export", str(first))
    report["backup_mb"] = round(first.stat().st_size / 1e6, 1)
    import gzip

    with gzip.open(first, "rb") as f:
        header = json.loads(f.readline())
        report["rows"] = sum(header["counts"].values())
        report["uncompressed_mb"] = round((len(json.dumps(header)) + sum(len(line) for line in f)) / 1e6, 1)

    targets = {"sqlite": {**os.environ, "NOSHUB_DB": str(work / "restored.sqlite3")}}
    targets["sqlite"].pop("DATABASE_URL", None)
    if args.postgres:
        _reset_postgres(args.postgres)
        targets["postgresql"] = {**os.environ, "DATABASE_URL": args.postgres}
    for engine, env in targets.items():
        again = work / f"again-{engine}.jsonl.gz"
        restore_s = noshub(env, "restore", "--no-semantic", "--no-fit", str(first))
        export_s = noshub(env, "export", str(again))
        report[engine] = {"restore_s": restore_s, "export_s": export_s, "identical": again.read_bytes() == first.read_bytes()}
    print(json.dumps(report, indent=2))
    if not args.keep:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    else:
        print(f"backups in {work}", file=sys.stderr)
    if not all(report[e]["identical"] for e in targets):
        sys.exit("the backups differ")


if __name__ == "__main__":
    main()
