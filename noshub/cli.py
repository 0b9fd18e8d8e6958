"""The `noshub` command line: load data, import files, look NOS up, report, serve.

Options mirror settings: --data-dir sets NOSHUB_DATA_DIR, --database sets DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


def _setup(data_dir: str | None = None, database: str | None = None) -> None:
    if data_dir:
        os.environ["NOSHUB_DATA_DIR"] = str(Path(data_dir).resolve())
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()


def _migrate() -> None:
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


@click.group()
@click.option(
    "--data-dir",
    envvar="NOSHUB_DATA_DIR",
    type=click.Path(file_okay=False),
    help="Folder of the real data (default ../shared/data).",
)
@click.option("--database", envvar="DATABASE_URL", help="Database URL, e.g. postgres://127.0.0.1/test (default: SQLite file).")
@click.version_option(package_name="noshub")
def main(data_dir: str | None, database: str | None) -> None:
    """NOS Hub: National Occupational Standards, held, searched and cleaned."""
    _setup(data_dir, database)


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    _migrate()
    click.echo("Database is up to date.")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def load(fmt: str) -> None:
    """Load everything in the data directory: catalogue, finder pages, SOC reference data."""
    from noshub.loading import load_all

    _migrate()
    reports = load_all()
    _print_reports(reports, fmt)
    if any(r.error for r in reports):
        sys.exit(1)


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def import_(paths: tuple[str, ...], fmt: str) -> None:
    """Import files: catalogue workbooks (.xlsx), NOS JSON documents (.json), finder pages (.jsonl), ONS SOC workbooks."""
    from noshub.loading import import_path

    _migrate()
    reports = [import_path(Path(p)) for p in paths]
    _print_reports(reports, fmt)
    if any(r.error for r in reports):
        sys.exit(1)


@main.command()
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


@main.command()
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve NOS Hub over HTTP (waitress)."""
    import waitress
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    _migrate()
    click.echo(f"NOS Hub at http://{host}:{port}/  (Ctrl+C to stop)")
    waitress.serve(StaticFilesHandler(get_wsgi_application()), host=host, port=port, threads=threads)


# Each app contributes its own commands (its cli.py lists them in COMMANDS).
def _register_app_commands() -> None:
    from noshub.cleansing.cli import COMMANDS as cleansing_commands
    from noshub.lifecycle.cli import COMMANDS as lifecycle_commands
    from noshub.search.cli import COMMANDS as search_commands
    from noshub.soc.cli import COMMANDS as soc_commands

    for command in (*search_commands, *soc_commands, *cleansing_commands, *lifecycle_commands):
        main.add_command(command)


_register_app_commands()

if __name__ == "__main__":
    main()
