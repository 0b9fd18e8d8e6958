"""`noshub themes build|show|confirm|export`. Models are imported inside commands."""

from __future__ import annotations

import json
import sys

import click

from noshub.core.progress import Progress
from noshub.core.spreadsheet import SafeDictWriter

THEME_SLUGS = [
    "business-administration",
    "leadership-management",
    "digital-applications",
    "learning-development",
    "customer-service",
]


@click.group()
def themes() -> None:
    """The reach of every NOS (pan-sector, multi-sector, job-specific) and the five pan-sector themes."""


@themes.command()
def build() -> None:
    """Work out the reach of every current NOS and the NOS that embed a theme NOS; keep them as the latest build."""
    from noshub.themes import services

    with Progress() as progress:
        run = services.build(progress=progress)
    s = run.stats
    click.echo(f"{s['nos']} NOS in {s['seconds']} s: " + ", ".join(f"{k} {v}" for k, v in s["classes"].items()))
    click.echo(
        f"Theme embeddings: {s['full']} full, {s['part']} in part; " + ", ".join(f"{k} {v}" for k, v in s["embeddings"].items())
    )


@themes.command()
@click.argument("what", default="")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--limit", type=click.IntRange(1, 100_000), default=30, show_default=True)
def show(what: str, fmt: str, limit: int) -> None:
    """The five themes (no argument), one theme (its slug), or a NOS's reach (its URN)."""
    from noshub.catalogue.services import NotFound as StandardNotFound
    from noshub.catalogue.services import get_standard
    from noshub.core.errors import NosHubError
    from noshub.themes import services

    try:
        if not what:
            data = services.themes_overview()
        elif what in THEME_SLUGS:
            data = services.theme_detail(what, limit=limit)
        else:
            data = services.reach_of(get_standard(what))
    except (NosHubError, StandardNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not what:
        for t in data["themes"]:
            click.echo(f"{t['slug']:26} {t['references']:4} reference NOS, {t['full']:4} full copies, {t['part']:4} in part")
        click.echo("Classes: " + ", ".join(f"{c['label']} {c['count']}" for c in data["classes"]))
    elif what in THEME_SLUGS:
        click.echo(f"{data['name']}: {len(data['references'])} reference NOS; {data['embeddings_count']} NOS embed them")
        for e in data["embeddings"][:limit]:
            reasons = "; ".join(r["text"] for r in e["reasons"])
            click.echo(f"  {e['urn']:<14} {e['extent']:4} {e['confidence']:.2f} {e['developer']}: {e['title']}  [{reasons}]")
    else:
        click.echo(
            f"{data['urn']}: {data['label']} ({data['source']}; computed {data['computed']['label']}, {data['computed']['confidence']:.0%})"
        )
        click.echo(
            f"  {data['suites']} suites, {data['developers']} developers, SOC major groups {', '.join(data['soc_major_groups']) or '-'}"
        )
        click.echo(f"  sector-free wording: {'yes' if data['sector_free'] else 'no (' + ', '.join(data['sector_words']) + ')'}")
        for h in data["history"]:
            click.echo(f"  #{h['sequence']} {h['reach_class']} by {h['decided_by']} at {h['decided_at']}: {h['reason']}")


@themes.command()
@click.argument("urn")
@click.argument("reach_class", type=click.Choice(["pan_sector", "multi_sector", "job_specific"]))
@click.option("--reason", required=True, help="Why: kept with the decision.")
@click.option("--user", "username", required=True, help="Who decides (a reviewer, administrator, or the NOS's developer).")
def confirm(urn: str, reach_class: str, reason: str, username: str) -> None:
    """Confirm a NOS's computed class (give the same class) or change it. Kept with who, when and why."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from noshub.catalogue.services import NotFound, get_standard
    from noshub.themes import services

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    try:
        d = services.decide_reach(user, get_standard(urn), reach_class, reason)
    except (NotFound, PermissionDenied) as exc:
        raise click.ClickException(str(exc)) from None
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from None
    click.echo(
        f"Recorded decision {d.sequence} for {urn}: {d.reach_class} ({'confirmed' if d.reach_class == d.computed_class else 'changed'})"
    )


@themes.command()
@click.argument("theme", type=click.Choice(THEME_SLUGS))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
def export(theme: str, fmt: str) -> None:
    """The NOS that embed a theme, one row each (CSV with formulas neutralised, or JSON)."""
    from noshub.core.errors import NosHubError
    from noshub.themes import services

    try:
        rows = services.export_rows(theme)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    writer = SafeDictWriter(sys.stdout, fieldnames=services.EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


@themes.group("map")
def map_() -> None:
    """Functional maps: key purpose, key areas, functions; NOS placed on functions; crowding and gaps."""


@map_.command("seed")
def map_seed() -> None:
    """A new version of the management and leadership map, from its suite (key areas A-F) and the latest build."""
    from noshub.core.errors import NosHubError
    from noshub.themes import maps

    try:
        fmap = maps.seed_management_leadership()
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{fmap.name} version {fmap.version}: /themes/maps/{fmap.slug}/")


@map_.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--slug", default="", help="The map's slug (default: from its name); an existing slug gets a new version.")
def map_import(path: str, slug: str) -> None:
    """Import a map from a CSV outline (level,code,title,parent) or a JSON outline; all of it or nothing."""
    from pathlib import Path

    from noshub.core.errors import NosHubError
    from noshub.themes import maps

    file = Path(path)
    kind = "json" if file.suffix.lower() == ".json" else "csv"
    try:
        fmap = maps.import_outline(file.read_text(encoding="utf-8"), kind, slug=slug, file=file.name)
    except (NosHubError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{fmap.name} version {fmap.version}: {fmap.nodes.count()} key areas and functions")


@map_.command("show")
@click.argument("slug")
@click.option("--version", type=int, default=None, help="A version (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def map_show(slug: str, version: int | None, fmt: str) -> None:
    """A map with the number of NOS on each function, the crowded functions and the gaps."""
    from noshub.core.errors import NosHubError
    from noshub.themes import maps

    try:
        data = maps.map_detail(maps.get_map(slug, version))
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['name']} (version {data['version']}): {data['key_purpose']}")
    for area in data["key_areas"]:
        click.echo(f"{area['code']}  {area['title']}")
        for f in area["functions"]:
            kinds = f["kinds"]
            click.echo(
                f"  {f['code']:<6} {f['nos_count']:4} NOS (generic {kinds['generic']}, context-specific "
                f"{kinds['context_specific']}, specialist {kinds['specialist']}; {f['confirmed']} confirmed)  {f['title']}"
            )
    click.echo(f"Gaps (no NOS): {len(data['gaps'])}")


@map_.command("place")
@click.argument("slug")
@click.argument("urn")
@click.option("--function", "function", required=True, help="The function's code the NOS is placed on.")
@click.option("--action", type=click.Choice(["confirm", "move", "remove"]), default="confirm", show_default=True)
@click.option("--to", "to_function", default="", help="Moved: the function's code it goes to.")
@click.option("--kind", type=click.Choice(["", "generic", "context_specific", "specialist"]), default="", help="Set its kind.")
@click.option("--reason", required=True)
@click.option("--user", "username", required=True, help="Who decides (a reviewer or an administrator).")
def map_place(slug: str, urn: str, function: str, action: str, to_function: str, kind: str, reason: str, username: str) -> None:
    """Confirm a NOS's placement on a function (and its kind), move it, or remove it; kept in the history."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from noshub.catalogue.services import NotFound as StandardNotFound
    from noshub.catalogue.services import get_standard
    from noshub.core.errors import NosHubError
    from noshub.themes import mapedit

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}")
    try:
        d = mapedit.decide_placement(user, slug, get_standard(urn), function, action, to_function, kind, reason)
    except (NosHubError, StandardNotFound, PermissionDenied) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{d.standard.urn}: {d.action} on {d.function}{' -> ' + d.to_function if d.to_function else ''} (decision {d.id})")


@map_.command("edit")
@click.argument("slug")
@click.argument("action", type=click.Choice(["add_key_area", "add_function", "rename", "remove", "key_purpose"]))
@click.option("--code", default="")
@click.option("--title", default="")
@click.option("--parent", default="", help="The key area of a new function.")
@click.option("--reason", required=True)
@click.option("--user", "username", required=True, help="Who edits (a reviewer or an administrator).")
def map_edit(slug: str, action: str, code: str, title: str, parent: str, reason: str, username: str) -> None:
    """One change to a map's outline, made as a new version (who, when and why kept)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from noshub.core.errors import NosHubError
    from noshub.themes import mapedit

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}")
    try:
        fmap = mapedit.edit_map(user, slug, action, reason, code=code, title=title, parent=parent)
    except (NosHubError, PermissionDenied) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{fmap.name} version {fmap.version}: /themes/maps/{fmap.slug}/")


@themes.command()
@click.option("--min-developers", type=click.IntRange(2, 200), default=8, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def suggest(min_developers: int, limit: int, fmt: str) -> None:
    """Suggested further cross-cutting themes: topics of pan- and multi-sector NOS in no theme, across many developers."""
    from noshub.core.errors import NosHubError
    from noshub.themes import services

    try:
        data = services.suggested_themes(min_developers=min_developers, limit=limit)
    except NosHubError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['candidates']} pan- and multi-sector NOS in no theme; topics carried by {min_developers}+ developers:")
    for g in data["suggestions"]:
        click.echo(f"  {g['name']:<40} {g['nos_count']:5} NOS, {g['developers']:3} developers, {g['suites']:4} suites")
        for e in g["examples"][:3]:
            click.echo(f"      {e['urn']:<14} {e['title']}")


commands = (themes,)
