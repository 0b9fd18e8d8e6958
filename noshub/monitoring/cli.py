"""`noshub monitoring aggregate|measure|measures` and `noshub report annual`. Models are imported inside commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click


@click.group()
def monitoring() -> None:
    """Usage counted privately and the measures of success."""


@monitoring.command()
def aggregate() -> None:
    """Fold the counted requests into counts per day; delete them and past days' salts (daily)."""
    from .usage import aggregate as fold
    from .usage import flush

    flush(wait=30)
    done = fold()
    click.echo(f"{done['events']} events folded into {done['rows']} daily counts; {done['salts_deleted']} old salts deleted")


@monitoring.command()
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day measured (default today).")
@click.option("--measure", "keys", multiple=True, help="Only this measure (repeatable).")
def measure(as_of, keys: tuple[str, ...]) -> None:
    """Compute every measure of success and keep its value for the day (run it daily)."""
    from . import services
    from .usage import aggregate as fold

    fold()
    values = services.record(as_of.date() if as_of else None, list(keys) or None)
    for v in values:
        shown = "no data yet" if v.value is None else f"{v.value:g}"
        click.echo(f"{v.measure.key}: {shown}")


@monitoring.command(name="measures")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def list_measures(fmt: str) -> None:
    """The measures of success: name, target, direction, source, owner."""
    from . import services

    rows = [services.describe(r) for r in services.sync()]
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        click.echo()
        return
    for r in rows:
        click.echo(f"{r['objective']} {r['key']}: {r['name']} (target {r['target']}, {r['direction']}; {r['source']})")


@click.group()
def report() -> None:
    """Reports made from NOS Hub's data."""


@report.command()
@click.option("--year", type=int, default=lambda: dt.date.today().year, show_default="this year")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("var/reports"), show_default=True)
@click.option("--language", type=click.Choice(["en", "cy", "all"]), default="all", show_default=True)
@click.option("--no-pdf", is_flag=True, help="HTML and JSON only.")
def annual(year: int, out: Path, language: str, no_pdf: bool) -> None:
    """The annual report: HTML, tagged PDF and JSON (every figure with its definition and query)."""
    from .report import LANGUAGES, write

    languages = LANGUAGES if language == "all" else (language,)
    for path in write(year, out, languages, with_pdf=not no_pdf):
        click.echo(str(path))


commands = [monitoring, report]
