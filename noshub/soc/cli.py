"""`noshub soc …`: SOC 2020 alignment. Models are imported inside commands (Django is set up by then).

`noshub soc migrate` is the old name of `noshub soc crosswalk`, kept hidden for one release."""

from __future__ import annotations

import json

import click

from noshub.core.commands import deprecated_alias
from noshub.core.progress import Progress


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _migrate_db() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _user(username: str):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        _fail(f"no user {username!r} (create one with: python manage.py createsuperuser)")


@click.group(name="soc")
def soc() -> None:
    """Align NOS to SOC 2020: crosswalk SOC 2010 codes, suggest codes, review, report."""


@soc.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def crosswalk(fmt: str) -> None:
    """Turn the catalogue's SOC 2010 codes into SOC 2020 candidates (ONS relationship table)."""
    from noshub.soc.services import migrate_crosswalk

    _migrate_db()
    with Progress() as progress:
        progress("Crosswalking SOC 2010 codes to SOC 2020", 0, 0)
        report = migrate_crosswalk()
    if fmt == "json":
        _echo_json(report.as_dict())
        return
    click.echo(
        f"Current versions: {report.versions}; with SOC 2010 codes: {report.with_soc2010}; migrated: {report.migrated}; "
        f"with only invalid codes: {report.only_invalid}"
    )
    click.echo(
        f"Crosswalk links: created {report.created}, updated {report.updated}, deleted {report.deleted}, unchanged {report.unchanged}"
    )
    click.echo(f"Invalid SOC 2010 codes (not in the ONS relationship table): {len(report.invalid_codes)}")
    for row in report.invalid_codes:
        click.echo(f"  {row['soc2010']}: {row['nos']} NOS, e.g. {', '.join(row['examples'][:5])}")


@soc.command()
@click.option("--refit", is_flag=True, help="Fit again even if this database's fit matches its data.")
def fit(refit: bool) -> None:
    """Fit the SOC coder on this database's data and save it (suggestions only load a fit).

    `noshub load` and `noshub import` fit it when they change its data; run this after the data
    changed some other way, when /soc/suggest.json answers 503."""
    from noshub.soc import services

    _migrate_db()
    try:
        with Progress() as progress:
            fit, fitted = services.fit_coder(refresh=refit, progress=progress)
    except services.SocError as exc:
        _fail(str(exc))
    when = f"{fit.fitted_at:%Y-%m-%d %H:%M} UTC"
    if fitted:
        click.echo(f"Fitted the SOC coder on {fit.coded_nos} coded NOS in {fit.seconds} s ({when}).")
    else:
        click.echo(f"The SOC coder fitted {when} matches this database's data: kept (--refit to fit again).")


@soc.command()
@click.option("--top", default=3, show_default=True, type=click.IntRange(1, 20), help="Suggestions kept per NOS.")
@click.option("--refit", is_flag=True, help="Fit the coder again even if this database's fit matches its data.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def code(top: int, refit: bool, fmt: str) -> None:
    """Suggest SOC 2020 codes for every NOS without a crosswalked or confirmed code."""
    from noshub.soc import services

    _migrate_db()
    try:
        with Progress() as progress:
            report = services.code_catalogue(top=top, refresh=refit, progress=progress)
    except services.SocError as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(report.as_dict())
        return
    click.echo(
        f"Coded {report.coded} NOS ({report.suggestions} suggestions; {report.skipped_with_codes} already have a "
        f"crosswalked or confirmed code); confirmed links written back: {report.confirmed_written}"
    )
    click.echo(f"Fit {report.fit_seconds} s, coding {report.code_seconds} s")


@soc.command()
@click.option("--urn", help="Suggest for this NOS (its current version).")
@click.option("--text", help="Suggest for free text: a job title, or the text of a draft NOS.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 20))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def suggest(urn: str | None, text: str | None, top: int, fmt: str) -> None:
    """Suggest SOC 2020 unit groups, each with its confidence (0..1)."""
    from noshub.soc import services

    if bool(urn) == (text is not None):
        _fail("give exactly one of --urn URN or --text TEXT")
    try:
        if urn:
            standard, suggestions = services.suggest_for_standard(urn, top)
            subject = {"urn": standard.slug}
        else:
            suggestions = services.suggest_for_text(text, top)
            subject = {"text": text}
    except services.SocError as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(subject | {"suggestions": [services.suggestion_dict(s) for s in suggestions]})
        return
    for s in suggestions:
        click.echo(f"{s.code}  {s.confidence:.2f}  {s.title}")
        for x in s.similar:  # coded NOS like this one that carry the code
            click.echo(f"      like {x.key} {x.title} ({x.similarity:.2f})")


@soc.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--groups", is_flag=True, help="List every unit group with its NOS count (text format).")
def report(fmt: str, groups: bool) -> None:
    """Share of NOS with a SOC 2020 code (by provenance); gaps; crowded unit groups."""
    from noshub.soc.services import alignment_report

    data = alignment_report()
    if fmt == "json":
        _echo_json(data)
        return
    for label, key in (("Current NOS", "current_nos"), ("All standards", "all_standards")):
        c = data[key]
        parts = ", ".join(f"{k} {c['by_best_source'][k]} ({c['share'][k]:.1%})" for k in c["by_best_source"])
        click.echo(f"{label}: {c['nos']}; best SOC 2020 code: {parts}")
    click.echo(
        f"Unit groups: {data['unit_groups']}; with no NOS: {len(data['gaps'])}; "
        f"with no confirmed or crosswalked NOS: {len(data['gaps_without_firm_code'])}"
    )
    click.echo(
        "Gaps: " + ", ".join(f"{g['code']} {g['title']}" for g in data["gaps"][:40]) + (" …" if len(data["gaps"]) > 40 else "")
    )
    click.echo(f"Crowded (more than {data['crowded_threshold']} NOS, possible duplication):")
    for g in data["crowded"]:
        click.echo(f"  {g['code']} {g['title']}: {g['nos']} NOS ({g['nos_suggested']} suggested only)")
    if groups:
        for g in data["groups"]:
            click.echo(f"{g['code']}  {g['nos']:6}  {g['title']}")


@soc.command()
@click.argument("code")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def browse(code: str, limit: int, fmt: str) -> None:
    """NOS under a SOC 2020 group (any level: 5, 54, 543, 5434)."""
    from noshub.soc import services

    try:
        data = services.nos_in_group(code, limit=limit)
    except services.SocError as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"{data['code']} {data['title']} ({data['level']}): {data['total']} NOS {data['by_best_source']}")
    for r in data["items"]:
        click.echo(f"  {r['urn']:20} {r['best_source']:9} {r['title']}")


@soc.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100000))
@click.option("--below", type=click.FloatRange(0, 1), help="Only NOS whose best suggestion is under this confidence.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def queue(limit: int, below: float | None, fmt: str) -> None:
    """The review queue: NOS with suggested codes and no crosswalked or confirmed one."""
    from noshub.soc.services import review_queue

    data = review_queue(limit=limit, below=below)
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"{data['total']} NOS to review")
    for r in data["items"]:
        s = ", ".join(f"{x['code']} {x['confidence']:.2f}" for x in r["suggestions"])
        click.echo(f"  {r['urn']:20} {s}  {r['title']}")


@soc.command()
@click.argument("urn")
@click.argument("code")
@click.option("--action", type=click.Choice(["confirm", "reject", "choose"]), required=True)
@click.option("--user", "username", required=True, help="The reviewer (a user with the soc.review_soc permission).")
@click.option("--reason", required=True, help="Why: recorded with the decision.")
def decide(urn: str, code: str, action: str, username: str, reason: str) -> None:
    """Confirm or reject a suggested code, or choose another, for one NOS."""
    from noshub.soc import services

    try:
        d = services.decide(_user(username), urn, code, action, reason)
    except (services.SocError, services.NotAllowed) as exc:
        _fail(str(exc))
    click.echo(
        f"Recorded: {d.reviewer.get_username()} {d.action} {d.soc2020} for {d.standard.slug} at {d.decided_at:%Y-%m-%d %H:%M}"
    )


@soc.command()
@click.option("--threshold", default=None, type=float, help="Confidence at or above which first suggestions are accepted.")
@click.option("--user", "username", required=True)
@click.option("--reason", default="", help="Why (default: bulk acceptance above the threshold).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def accept(threshold: float | None, username: str, reason: str, fmt: str) -> None:
    """Accept in bulk the first suggestions at or above the threshold (default 0.95, see BULK_ACCEPT_THRESHOLD)."""
    from noshub.soc import services

    try:
        result = services.accept_above(
            _user(username), services.BULK_ACCEPT_THRESHOLD if threshold is None else threshold, reason
        )
    except (services.SocError, services.NotAllowed) as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(result)
        return
    click.echo(f"Accepted {result['accepted']} suggestions at confidence >= {result['threshold']} as {result['reviewer']}")


@soc.command()
@click.argument("username")
def reviewer(username: str) -> None:
    """Add a user to the "SOC reviewers" group (may review SOC codes)."""
    from noshub.soc.permissions import add_reviewer

    add_reviewer(_user(username))
    click.echo(f"{username} may now review SOC codes.")


soc.add_command(deprecated_alias(crosswalk, "noshub soc migrate", "noshub soc crosswalk"))

commands = (soc,)
