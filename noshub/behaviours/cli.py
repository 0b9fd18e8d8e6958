"""`noshub behaviours build|list|show|detect`: the catalogue of work behaviours. Models are imported inside commands."""

from __future__ import annotations

import json
import sys

import click

from noshub.core.errors import NosHubError
from noshub.core.progress import Progress


@click.group()
def behaviours() -> None:
    """The catalogue of work behaviours found in NOS, mapped to ESCO, IfATE, O*NET and Meta-skills."""


def _ask(question, *args):
    """Call a service; its errors become the command's clean error message."""
    try:
        return question(*args)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None


def _json(data) -> None:
    json.dump(data, sys.stdout, indent=2, default=str, ensure_ascii=False)
    click.echo()


@behaviours.command()
@click.option("--limit", type=click.IntRange(1, 200), default=60, show_default=True, help="At most this many behaviours.")
def build(limit: int) -> None:
    """Rebuild the catalogue from every current NOS (staff names, merges and confirmations are kept)."""
    from noshub.behaviours import services

    with Progress() as progress:
        report = _ask(lambda: services.build(progress=progress, limit=limit, by="noshub behaviours build"))
    cover = services.coverage()
    click.echo(
        f"{report['behaviours']} behaviours ({report['new']} new, {report['removed']} removed) from "
        f"{report['behaviour_statements']:,} of {report['statements_read']:,} statements of {report['nos_read']:,} NOS "
        f"in {report['seconds']} s; {cover['covered']:,} of {cover['current_nos']:,} current NOS show at least one ({cover['coverage']:.1%})."
    )


@behaviours.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("-q", "query", default="", help="Only behaviours whose name or definition holds these words.")
def list_(fmt: str, query: str) -> None:
    """The behaviours of the catalogue, most evidenced first."""
    from noshub.behaviours import services

    data = _ask(services.catalogue_list, query)
    if fmt == "json":
        return _json(data)
    if not data["behaviours"]:
        click.echo("The catalogue is empty: run `noshub behaviours build`.")
        return
    for b in data["behaviours"]:
        click.echo(f"{b['nos_count']:6,} NOS  {b['slug']:40s} {b['name']} [{b['status']}]")


@behaviours.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(slug: str, fmt: str) -> None:
    """One behaviour: definition, examples, evidencing NOS and links to other catalogues."""
    from noshub.behaviours import services

    data = _ask(services.detail, slug)
    if fmt == "json":
        return _json(data)
    click.echo(f"{data['name']} ({data['slug']}, {data['status']})\n{data['definition']}")
    click.echo("\nExamples:")
    for e in data["examples"]:
        click.echo(f"  {e['nos']} {e['field']} {e['ref']}: {e['text']}")
    click.echo(
        f"\nEvidenced by {data['nos_count']:,} NOS"
        + (f" (first {data['nos_shown']} below)" if data["nos_shown"] < data["nos_count"] else "")
    )
    for n in data["nos"][:20]:
        click.echo(f"  {n['urn']}: {n['title']}")
    for m in data["mappings"]:
        click.echo(f"\n{m['name']}:")
        for link in m["links"]:
            click.echo(f"  {link['link_type']:8s} {link['confidence']:.2f}  {link['label']}")


@behaviours.command()
@click.argument("statements", nargs=-1, required=True)
def detect(statements: tuple[str, ...]) -> None:
    """Is each statement a behaviour? With the detector's confidence."""
    from noshub.behaviours import services

    for row in _ask(services.detect, list(statements)):
        click.echo(f"{'behaviour' if row['is_behaviour'] else 'not a behaviour':16s} {row['confidence']:.2f}  {row['text']}")


commands = (behaviours,)
