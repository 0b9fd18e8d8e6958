"""The `noshub` command line: the root group, the project-wide commands (`load`, `import`,
`export`, `restore`, `db migrate`, `serve`)
and the one way apps add theirs.

Every installed NOS Hub app with a `cli.py` adds the commands listed in its `commands` (click
commands and groups, at the top level: `noshub load`, `noshub soc …`). Old command names are
kept there as hidden aliases for one release (`noshub.core.commands`).

Options mirror settings: --data-dir sets NOSHUB_DATA_DIR, --database sets DATABASE_URL. They are
applied as soon as they are read, before any app's commands are looked up, since looking them
up reads the settings.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path

import click

from noshub.core.progress import Progress

SETTINGS_MODULE = "noshub.settings"


class AppCommands(click.Group):
    """The root group: its own commands, then every installed app's `<app>.cli.commands`."""

    _apps_added = False

    def _add_app_commands(self) -> None:
        if self._apps_added:
            return
        self._apps_added = True
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        from django.conf import settings

        for app in settings.INSTALLED_APPS:
            # An app package, not an AppConfig class (noshub.web.apps.StaticFilesConfig is Django's staticfiles).
            if not app.startswith("noshub.") or app.rpartition(".")[2][:1].isupper() or importlib.util.find_spec(f"{app}.cli") is None:
                continue
            for command in importlib.import_module(f"{app}.cli").commands:
                if command.name in self.commands:
                    raise RuntimeError(f"{app}.cli: the command {command.name!r} is already taken")
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_app_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._add_app_commands()
        return super().get_command(ctx, cmd_name)


def _set_data_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        os.environ["NOSHUB_DATA_DIR"] = str(Path(value).resolve())
    return value


def _set_database(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        os.environ["DATABASE_URL"] = value
    return value


def _migrate_tables() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@click.group(cls=AppCommands)
@click.option(
    "--data-dir",
    envvar="NOSHUB_DATA_DIR",
    type=click.Path(file_okay=False),
    callback=_set_data_dir,
    help="Folder of the real data (default ../shared/data).",
)
@click.option(
    "--database",
    envvar="DATABASE_URL",
    callback=_set_database,
    help="Database URL, e.g. postgres://127.0.0.1/test (default: SQLite file).",
)
@click.version_option(package_name="noshub")
def main(data_dir: str | None, database: str | None) -> None:
    """NOS Hub: National Occupational Standards, held, searched and cleaned."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


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


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def load(fmt: str) -> None:
    """Load everything in the data directory: catalogue, finder pages, SOC reference data."""
    from noshub.loading import load_all, soc_coder_status

    _migrate_tables()
    with Progress() as progress:
        reports = load_all(progress=progress)
    _print_reports(reports, fmt)
    if fmt == "text":
        click.echo(soc_coder_status())
    if any(r.error for r in reports):
        sys.exit(1)


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def import_(paths: tuple[str, ...], fmt: str) -> None:
    """Import files: catalogue workbooks (.xlsx), NOS JSON documents (.json), finder pages (.jsonl), ONS SOC workbooks."""
    from noshub.loading import ensure_soc_coder, import_path

    _migrate_tables()
    reports = []
    with Progress() as progress:
        for done, path in enumerate(paths):
            progress("Importing files", done, len(paths))
            reports.append(import_path(Path(path)))
        progress("Importing files", len(paths), len(paths))
        fitted = ensure_soc_coder(progress=progress)  # once, after every file: the SOC coder learns from them
    _print_reports(reports, fmt)
    if fmt == "text":
        click.echo(fitted)
    if any(r.error for r in reports):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export(file: str) -> None:
    """Back up the whole store to FILE (JSON Lines; gzip when FILE ends in .gz), e.g. noshub-backup.jsonl.gz."""
    from noshub.backup import export as export_store

    with Progress() as progress:
        counts = export_store(Path(file), progress=progress)
    click.echo(f"Exported {sum(counts.values()):,} rows to {file}.")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--no-semantic", is_flag=True, help="Do not compute sentence vectors after the restore.")
@click.option("--no-fit", is_flag=True, help="Do not fit the SOC coder after the restore (suggestions answer 503 until `noshub soc fit`).")
def restore(file: str, no_semantic: bool, no_fit: bool) -> None:
    """Restore a backup made by `noshub export` into an empty database (one transaction), then rebuild the search index and fit the SOC coder."""
    from noshub.backup import restore as restore_store
    from noshub.core.errors import ImportRejected

    _migrate_tables()
    try:
        with Progress() as progress:
            counts = restore_store(Path(file), progress=progress, semantic=not no_semantic)
    except ImportRejected as exc:
        raise click.ClickException(f"{exc} — nothing was restored.") from None
    click.echo(f"Restored {sum(counts.values()):,} rows from {file}.")
    if no_fit:
        return
    # The SOC coder's fit is a file on the machine that made it, not in the backup: fit it here,
    # in the job that brought the data, so that requests find one (they never fit).
    from noshub.loading import ensure_soc_coder

    with Progress() as progress:
        click.echo(ensure_soc_coder(progress=progress))


@main.group()
def db() -> None:
    """The database."""


@db.command()
def migrate() -> None:
    """Create or update the database tables."""
    _migrate_tables()
    click.echo("Database is up to date.")


main.add_command(migrate)  # `noshub migrate`: short for `noshub db migrate`


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: one per CPU core).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(min=1), help="Requests each worker answers at once (and connections it takes).")
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve NOS Hub over HTTP (gunicorn: a worker process per core, static files compressed and
    cached). Without NOSHUB_SECRET_KEY only a local instance (NOSHUB_LOCAL_ONLY=1, on 127.0.0.1)
    or a debug one (NOSHUB_DEBUG=1) is served."""
    from django.core.exceptions import ImproperlyConfigured

    from noshub.serving import check_can_serve, gunicorn_command
    from noshub.web.staticfiles import collect_if_stale

    try:
        check_can_serve(host)
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from None
    _migrate_tables()
    if collect_if_stale():
        click.echo("Static files collected (hashed names, gzip and brotli).")
    command = gunicorn_command(host, port, workers, threads)
    click.echo(f"NOS Hub at http://{host}:{port}/  (Ctrl+C to stop)")
    from django.db import connections

    connections.close_all()  # none is handed on to gunicorn
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)  # gunicorn in this process's place: Ctrl+C and signals reach it


if __name__ == "__main__":
    main()
