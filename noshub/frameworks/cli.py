"""`noshub frameworks build|summary|map|nos|gaps|export`: other occupational standards systems on SOC 2020.
Models are imported inside commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from noshub.core.errors import NosHubError
from noshub.core.progress import Progress


def _json(data) -> None:
    json.dump(data, sys.stdout, indent=2, default=str, ensure_ascii=False)
    click.echo()


@click.group()
def frameworks() -> None:
    """ESCO, O*NET and IfATE apprenticeship standards mapped to NOS on SOC 2020."""


@frameworks.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: NOSHUB_DATA_DIR.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def build(data_dir: Path | None, fmt: str) -> None:
    """Read ESCO, O*NET, the ESCO–O*NET crosswalk and IfATE standards, link them on SOC 2020 (after `noshub load`)."""
    from noshub.frameworks.building import build as run

    try:
        with Progress() as progress:
            report = run(data_dir, progress=progress)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _json(report)
        return
    click.echo(", ".join(f"{n:,} {s}" for s, n in report["occupations"].items()) + f" read in {report['seconds']} s")
    for kind, n in report["links"].items():
        click.echo(f"{n:8,} {kind}")
    if not report["soc_coder"]:
        click.echo("SOC coder not fitted: O*NET and IfATE linked by coding-index titles only (run `noshub soc fit`).")


@frameworks.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def summary(fmt: str) -> None:
    """What is held: occupations by system, links by kind and provenance, gap counts."""
    from noshub.frameworks import services

    data = services.summary()
    if fmt == "json":
        _json(data)
        return
    if not data["built"]:
        click.echo("Nothing held yet: run `noshub frameworks build`.")
        return
    click.echo(", ".join(f"{n:,} {s}" for s, n in data["occupations"].items()))
    for row in data["links"]:
        click.echo(f"{row['count']:8,} {row['source']} → {row['target']} ({row['provenance']})")
    click.echo(
        f"Gaps: {data['gaps']['ifate_without_nos']} unit groups with IfATE standards but no NOS; {data['gaps']['nos_without_ifate']} with NOS but no IfATE standard."
    )


@frameworks.command(name="map")
@click.argument("code")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def map_(code: str, limit: int, fmt: str) -> None:
    """A SOC 2020 group (any level): its NOS, IfATE standards, ESCO and O*NET occupations."""
    from noshub.frameworks import services

    try:
        data = services.group_map(code, limit=limit)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _json(data)
        return
    click.echo(f"SOC 2020 {data['code']} {data['title']} ({data['level']})")
    click.echo(f"\nNOS ({data['nos']['total']:,}):")
    for n in data["nos"]["items"]:
        click.echo(f"  {n['urn']}  {n['title']}")
    for scheme, name in (("ifate", "IfATE standards"), ("esco", "ESCO occupations"), ("onet", "O*NET occupations")):
        click.echo(f"\n{name} ({data[scheme]['total']:,}):")
        for o in data[scheme]["items"]:
            best = o["links"][0]
            click.echo(f"  {o['code']:>12}  {o['title']}  [{best['relation']} {best['confidence']:.2f}, {best['provenance']}]")


@frameworks.command()
@click.argument("urn")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def nos(urn: str, limit: int, fmt: str) -> None:
    """A NOS's counterparts in IfATE, ESCO and O*NET, through its SOC 2020 codes."""
    from noshub.frameworks import services

    try:
        data = services.nos_map(urn, limit=limit)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _json(data)
        return
    click.echo(f"{data['urn']} {data['title']}")
    click.echo("SOC 2020: " + (", ".join(f"{s['code']} {s['title']}" for s in data["soc2020"]) or "none"))
    for system in data["systems"].values():
        click.echo(f"\n{system['name']} ({system['total']:,}):")
        for o in system["items"]:
            click.echo(f"  {o['code']:>12}  {o['title']}  [{o['link']['relation']} via {o['via']}, {o['score']:.2f}]")
            if o["shared_words"]:
                click.echo(f"                shared: {', '.join(o['shared_words'][:12])}")


@frameworks.command()
@click.option("--limit", type=click.IntRange(0, 1000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def gaps(limit: int, fmt: str) -> None:
    """Unit groups with IfATE standards but no NOS, and with NOS but no IfATE standard."""
    from noshub.frameworks import services

    data = services.gaps(limit=limit)
    if fmt == "json":
        _json(data)
        return
    click.echo(f"IfATE standards but no NOS: {data['ifate_without_nos']['total']} unit groups")
    for g in data["ifate_without_nos"]["items"]:
        click.echo(f"  {g['code']} {g['title']}: {'; '.join(g['ifate'])}")
    click.echo(f"\nNOS but no IfATE standard: {data['nos_without_ifate']['total']} unit groups")
    for g in data["nos_without_ifate"]["items"]:
        click.echo(f"  {g['code']} {g['title']}: {g['nos_count']} NOS")


@frameworks.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonld"]), default="csv", show_default=True)
@click.option("--scheme", type=click.Choice(["esco", "onet", "ifate", "isco08"]), default=None, help="Only this system's links.")
@click.option("--site-url", default="http://127.0.0.1:8000", show_default=True, help="Base of the SOC 2020 group URIs.")
def export(fmt: str, scheme: str | None, site_url: str) -> None:
    """Every link (CSV, or JSON-LD with SKOS mapping relations) on stdout."""
    from noshub.frameworks import exports

    if fmt == "csv":
        sys.stdout.write(exports.export_csv(scheme))
    else:
        _json(exports.export_jsonld(site_url.rstrip("/"), scheme))


commands = [frameworks]
