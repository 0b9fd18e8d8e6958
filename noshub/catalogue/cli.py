"""The catalogue's commands, at the top level of `noshub`: `load`, `import`, `show`, `stats`.
Models are imported inside commands (Django is set up by then)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from noshub.core.progress import Progress


def _migrate_tables() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _print_reports(reports, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False))
        return
    for report in reports:
        click.echo(report.summary())
        for rejection in report.rejections[:20]:
            click.echo(f"  rejected: {rejection}")
        if len(report.rejections) > 20:
            click.echo(f"  … and {len(report.rejections) - 20} more rejections (use --format json for all)")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def load(fmt: str) -> None:
    """Load everything in the data directory: catalogue, finder pages, SOC reference data."""
    from noshub.loading import load_all

    _migrate_tables()
    with Progress() as progress:
        reports = load_all(progress=progress)
    _print_reports(reports, fmt)
    if any(r.error for r in reports):
        sys.exit(1)


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def import_(paths: tuple[str, ...], fmt: str) -> None:
    """Import files: catalogue workbooks (.xlsx), NOS JSON documents (.json), finder pages (.jsonl), ONS SOC workbooks."""
    from noshub.loading import import_path

    _migrate_tables()
    reports = []
    with Progress() as progress:
        for done, path in enumerate(paths):
            progress("Importing files", done, len(paths))
            reports.append(import_path(Path(path)))
        progress("Importing files", len(paths), len(paths))
    _print_reports(reports, fmt)
    if any(r.error for r in reports):
        sys.exit(1)


@click.command()
@click.argument("urn")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(urn: str, fmt: str) -> None:
    """Show a NOS by its URN, in any form (CFAM&LAA1, cfam_laa1)."""
    from noshub.catalogue import services

    found = services.find_standards(urn)
    if not found:
        raise click.ClickException(f"No NOS has the URN {urn!r}.")
    details = [services.standard_detail(s) for s in found]
    if fmt == "json":
        click.echo(json.dumps(details[0] if len(details) == 1 else details, indent=2, ensure_ascii=False))
        return
    from noshub.textview import render_detail

    for detail in details:
        click.echo(render_detail(detail))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats(fmt: str) -> None:
    """Counts by validity, category, status, developer and suite; SOC coverage; review dates; URN clashes."""
    from noshub.catalogue.stats import catalogue_stats

    data = catalogue_stats()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"Standards: {data['standards']} ({data['urns']} URNs, {data['versions']} versions)")
    click.echo(f"URNs used for more than one standard: {data['urn_clashes']['urns']}")
    click.echo(f"With a SOC code: {data['with_soc_code']} ({data['share_with_soc_code']:.1%})")
    click.echo(
        f"Current NOS past their review date: {data['past_review_date']}; with no review date: {data['current_without_review_date']}"
    )
    for key in ("by_validity", "by_category", "by_status"):
        click.echo(f"{key.replace('_', ' ').capitalize()}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    click.echo("Top developers: " + ", ".join(f"{k} {v}" for k, v in list(data["by_developer"].items())[:10]))
    click.echo(f"Suites: {data['suites']}; largest: " + ", ".join(f"{k} {v}" for k, v in list(data["by_suite"].items())[:5]))


commands = (load, import_, show, stats)
