"""The catalogue's commands, at the top level of `noshub`: `show`, `stats`. (`load` and `import`
read every kind of file, SOC reference data too, so they live with the root in `noshub.cli`.)
Models are imported inside commands (Django is set up by then)."""

from __future__ import annotations

import json

import click


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


commands = (show, stats)
