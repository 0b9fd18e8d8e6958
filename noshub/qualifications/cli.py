"""`noshub qualifications list|show|link|review|alerts`. Models are imported inside commands."""

from __future__ import annotations

import json

import click


def _dump(data) -> None:
    from noshub.pages.jsonable import to_jsonable

    click.echo(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


@click.group()
def qualifications() -> None:
    """Qualifications (SQA accreditation structures): their units' NOS, the review queue, change alerts."""


@qualifications.command(name="list")
@click.option("--q", "query", default="", help="Words of the title, a code or an awarding body.")
@click.option("--structured", is_flag=True, help="Only qualifications whose structure (units) is held.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def list_(query: str, structured: bool, limit: int, fmt: str) -> None:
    """Qualifications, those with most units first, and the reuse figures."""
    from . import services

    data = services.qualification_list(q=query, limit=limit, structured=structured)
    if fmt == "json":
        _dump(data)
        return
    for q in data["qualifications"]:
        click.echo(f"{q['id']:>5}  {q['code'] or q['key']:<10} {q['units']:>4} units  {q['title']}")
    f = data["figures"]
    click.echo(
        f"{data['total']} qualifications ({f['with_structure']} with their structure, {f['units']} units); "
        f"{f['nos_used']} NOS used; {f['suites_unused']} of {f['suites']} suites used by none"
    )


@qualifications.command()
@click.argument("qualification")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(qualification: str, fmt: str) -> None:
    """A qualification's structure: its groups, each unit's NOS (with confidence and status), coverage."""
    from noshub.core.errors import NotFound

    from . import services

    try:
        data = services.qualification_detail(services.get_qualification(qualification))
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _dump(data)
        return
    click.echo(f"{data['code'] or data['key']}  {data['title']}")
    click.echo(
        f"Awarding body: {data['awarding_body'] or 'not stated'}; SCQF level {data['level'] or '?'}; credit {data['credit'] or '?'}"
    )
    for g in data["groups"]:
        click.echo(f"\n{g['title']} ({g['kind'] or 'kind not stated'})")
        if g["rule"] and g["rule"] != g["title"]:
            click.echo(f"  {' '.join(g['rule'].split())}")
        for u in g["units"]:
            nos = u["nos"] or "-"
            conf = f"{u['confidence']:.2f}" if u["confidence"] is not None else "-"
            click.echo(f"  {u['code'] or '':<14} {u['title'][:60]:<60} -> {nos:<14} {u['method'] or '':<15} {conf} {u['status']}")
    c = data["coverage"]
    click.echo(f"\nCoverage: {c['linked']} of {c['units']} units linked to a NOS; {c['needs_review']} need review")


@qualifications.command()
def link() -> None:
    """Link every unit to its NOS again (people's decisions are kept and win)."""
    from . import services

    counts = services.link_units()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@qualifications.command()
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--unit", "unit_id", type=int, help="Decide about this unit (with --confirm, --nos or --no-nos).")
@click.option("--confirm", is_flag=True, help="The unit's NOS is right.")
@click.option("--nos", default="", help="The unit's NOS is this one (a correction).")
@click.option("--no-nos", is_flag=True, help="The unit has no NOS.")
@click.option("--note", default="", help="Why: kept with the decision.")
@click.option("--user", "username", default="", help="Who decides (an administrator, reviewer, standards developer or staff).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def review(limit: int, unit_id: int | None, confirm: bool, nos: str, no_nos: bool, note: str, username: str, fmt: str) -> None:
    """The links waiting for a person, least sure first; or record a decision about one (--unit)."""
    from noshub.core.errors import NosHubError

    from . import services
    from .models import CONFIRMED, CORRECTED, NO_NOS

    if unit_id is not None:
        chosen = [a for a, on in ((CONFIRMED, confirm), (CORRECTED, bool(nos)), (NO_NOS, no_nos)) if on]
        if len(chosen) != 1:
            raise click.UsageError("Give one of --confirm, --nos URN or --no-nos with --unit.")
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is None:
            raise click.ClickException(f"No user {username!r}: give --user, a person who may review links.")
        try:
            link = services.decide(user, unit_id, chosen[0], nos=nos, note=note)
        except NosHubError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Unit {unit_id}: {link.get_status_display()}" + (f" {link.standard.slug}" if link.standard else ""))
        return
    data = services.review_queue(limit=limit)
    if fmt == "json":
        _dump(data)
        return
    for item in data["items"]:
        conf = f"{item['confidence']:.2f}" if item["confidence"] is not None else "-"
        click.echo(
            f"{item['unit']:>6} {conf} {item['qualification']:<8} {item['title'][:55]:<55} -> {item['nos'] or '-'}  ({item['reason'][:80]})"
        )
    click.echo(f"{data['total']} links need review")


@qualifications.command()
@click.option("--nos", default="", help="Only alerts about this NOS.")
@click.option("--qualification", default="", help="Only alerts about this qualification.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def alerts(nos: str, qualification: str, limit: int, fmt: str) -> None:
    """Change alerts: units whose NOS got a new version since they were linked, newest first."""
    from noshub.core.errors import NotFound

    from . import services

    try:
        data = services.alert_list(limit=limit, nos=nos, qualification=qualification)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _dump(data)
        return
    for a in data["alerts"]:
        click.echo(
            f"{a['created_at']:%Y-%m-%d %H:%M} {a['nos']:<14} v{a['old_version'] or '?'} -> v{a['new_version']} ({a['change']}): "
            f"{a['qualification']} {a['unit_code']} {a['unit_title'][:60]}"
        )
    click.echo(f"{data['total']} alerts")


commands = (qualifications,)
