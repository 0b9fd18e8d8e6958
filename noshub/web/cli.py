"""`noshub exports build`: make the suite downloads ahead, so no reader waits for one."""

from __future__ import annotations

import click

from noshub.core.progress import Progress


@click.group()
def exports() -> None:
    """Suite downloads (PDF and DOCX), kept in NOSHUB_EXPORTS_DIR."""


@exports.command()
@click.option("--suite", "suite_ids", type=int, multiple=True, help="Only this suite (its id; repeatable). Default: every suite.")
@click.option("--language", type=click.Choice(["en", "cy", "all"]), default="all", show_default=True)
@click.option("--format", "kind", type=click.Choice(["pdf", "docx", "all"]), default="all", show_default=True)
@click.option(
    "--site-url",
    default="http://localhost:8000/",
    show_default=True,
    help="The site's address, for the link on each cover.",
)
def build(suite_ids: tuple[int, ...], language: str, kind: str, site_url: str) -> None:
    """Build each suite's current PDF and DOCX (once per suite version: a current one is kept)."""
    from noshub.catalogue.models import Suite
    from noshub.web import downloads

    unknown = sorted(set(suite_ids) - set(Suite.objects.filter(id__in=suite_ids).values_list("id", flat=True)))
    if unknown:
        raise click.BadParameter(f"no suite with id {', '.join(map(str, unknown))}", param_hint="--suite")
    languages = downloads.LANGUAGES if language == "all" else (language,)
    kinds = downloads.KINDS if kind == "all" else (kind,)
    with Progress() as progress:
        states = downloads.build_all(list(suite_ids) or None, languages, kinds, site_url, progress=progress)
    failed = [s for s in states if s.status == "failed"]
    ready = sum(s.status == "ready" for s in states)
    click.echo(f"{ready} ready, {len(states) - ready - len(failed)} being built elsewhere, {len(failed)} failed")
    for s in failed:
        click.echo(f"  failed: suite {s.key.suite_id} {s.key.language} {s.key.kind}: {s.message}")
    if failed:
        raise SystemExit(1)


commands = [exports]
