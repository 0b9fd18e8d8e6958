"""The catalogue's commands, at the top level of `noshub`: `show`, `stats`, `names …`. (`load` and `import`
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


@click.group(name="names")
def names() -> None:
    """Suite and developer names: the spellings merged under one name, and a reviewer's decisions."""


@names.command(name="list")
@click.option("--kind", type=click.Choice(["suite", "developer"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def names_list(kind: str | None, fmt: str) -> None:
    """Every spelling shown under another name: the name, the rule (cleaned, merged, dropped, reviewer)."""
    from noshub.catalogue.names import name_aliases

    rows = name_aliases(kind)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        shown = r["name"] if r["name"] is not None else "(dropped)"
        who = f"  [{r['decided_by']}: {r['reason']}]" if r["decided_by"] else ""
        click.echo(f"{r['kind']}\t{r['rule']}\t{r['spelling']!r} -> {shown!r}{who}")
    click.echo(f"{len(rows)} spellings shown under another name")


@names.command(name="apply")
def names_apply() -> None:
    """Clean and merge the names already held (`noshub load` does this first)."""
    from noshub.catalogue.names import apply_rule

    done = apply_rule()
    click.echo(", ".join(f"{kind}: {n} version links moved" for kind, n in done.items()))


@names.command(name="decide")
@click.argument("kind", type=click.Choice(["suite", "developer"]))
@click.argument("spelling")
@click.option(
    "--name", required=True, help="The name to show it as: an existing name (merge) or the spelling itself (undo a merge)."
)
@click.option("--user", required=True, help="Who decides.")
@click.option("--reason", default="", help="Why.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def names_decide(kind: str, spelling: str, name: str, user: str, reason: str, fmt: str) -> None:
    """Show the versions whose source wrote SPELLING under --name (later imports follow)."""
    from noshub.catalogue.names import decide
    from noshub.core.errors import InvalidParameter, NotFound

    try:
        row = decide(kind, spelling, name, by=user, reason=reason)
    except (InvalidParameter, NotFound) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    click.echo(f"{kind} {spelling!r} is shown as {row['name']!r} (decided by {user})")


commands = (show, stats, names)
