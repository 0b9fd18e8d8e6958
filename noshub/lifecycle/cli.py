"""`noshub project …` and `noshub review …`: the NOS lifecycle. Models are imported inside commands."""

from __future__ import annotations

import json
from datetime import date

import click


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group()
def project() -> None:
    """NOS development and review projects: stages, approvals, drafts."""


@project.command(name="list")
@click.option("--stage", help="Only projects in this stage (proposal, part_b, drafting, consultation …).")
@click.option("--organisation", help="Only this developer's projects.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def project_list(stage: str | None, organisation: str | None, fmt: str) -> None:
    """List projects with their stage and what holds each back."""
    from noshub.lifecycle.models import Project
    from noshub.lifecycle.services import project_dict

    qs = Project.objects.select_related("organisation").order_by("id")
    if stage:
        qs = qs.filter(stage=stage)
    if organisation:
        qs = qs.filter(organisation__name__iexact=organisation)
    rows = [project_dict(p, with_drafts=False) for p in qs]
    if fmt == "json":
        _echo_json(rows)
        return
    if not rows:
        click.echo("No projects.")
    for p in rows:
        state = "ready to move on" if p["can_advance"] else f"{len(p['blockers'])} thing(s) to do"
        click.echo(f"{p['id']:>4}  {p['stage_label']:<32} {p['organisation']}: {p['title']} ({state})")


@project.command(name="show")
@click.argument("project_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def project_show(project_id: int, fmt: str) -> None:
    """Show a project: stage, what holds it back, responses, drafts and their quality findings."""
    from noshub.lifecycle import rules as lc
    from noshub.lifecycle.models import Project
    from noshub.lifecycle.services import project_dict

    found = Project.objects.filter(pk=project_id).first()
    if found is None:
        raise click.ClickException(f"No project {project_id}.")
    data = project_dict(found)
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"{data['title']} ({data['kind']}, {data['organisation']})")
    click.echo(f"Stage: {data['stage_label']}; next: {lc.STAGE_LABELS.get(data['next_stage'] or '', 'none')}")
    for reason in data["blockers"]:
        click.echo(f"  to do: {reason}")
    for a in data["approvals"]:
        click.echo(
            f"  {lc.APPROVAL_LABELS[a['approval']]:<10} {lc.RESPONDER_LABELS[a['nation']]:<17} {lc.RESPONSE_LABELS[a['response']]}"
            f" ({a['by']}, {a['at'][:10]}){': ' + a['feedback'] if a['feedback'] else ''}"
        )
    for d in data["drafts"]:
        q = d["quality"]
        summary = f"{q['errors']} error(s), {q['warnings']} warning(s)" if q else "withdrawal"
        click.echo(f"Draft {d['urn']}: {d['title']} [{d['action']}] – quality: {summary}")
        for f in (q or {}).get("findings", []):
            click.echo(f"  {f['severity']}: {f['message']}")


@click.group()
def review() -> None:
    """Review scheduling: NOS due or past their indicative review date."""


@review.command(name="due")
@click.option("--within", "within_days", type=int, default=90, show_default=True, help="Days ahead that count as due.")
@click.option("--developer", default="", help="Only NOS of this developer (organisation name).")
@click.option("--suite", default="", help="Only NOS in this suite.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Count from this date (default today).")
@click.option("--limit", type=int, default=None, help="List at most this many NOS (counts stay complete).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def review_due_command(within_days: int, developer: str, suite: str, as_of, limit: int | None, fmt: str) -> None:
    """The reminder list: current NOS overdue or due for review, by developer and suite."""
    from noshub.lifecycle.reviews import review_due

    today = as_of.date() if as_of else date.today()
    data = review_due(today, within_days, developer, suite, limit)
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"As of {data['as_of']}: {data['overdue']} NOS overdue for review, {data['due']} due within {within_days} days.")
    click.echo("By developer: " + ", ".join(f"{k} {v}" for k, v in list(data["by_developer"].items())[:10]))
    click.echo("By suite: " + ", ".join(f"{k} {v}" for k, v in list(data["by_suite"].items())[:10]))
    for item in data["items"]:
        under = f" (in project {item['project']['id']})" if item["project"] else ""
        click.echo(
            f"{item['indicative_review_date']}  {item['status']:<7} {item['urn']:<14} {item['developer']}: {item['title']}{under}"
        )
    if data["listed"] < data["count"]:
        click.echo(f"… {data['count'] - data['listed']} more (raise --limit, or use --format json).")


@review.command(name="remind")
@click.option("--within", "within_days", type=int, default=90, show_default=True, help="Days ahead that count as due.")
@click.option("--organisation", default="", help="Only this organisation's NOS.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Count from this date (default today).")
@click.option("--create", is_flag=True, help="Make the missing reminders (one per NOS and review date), then list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def review_remind(within_days: int, organisation: str, as_of, create: bool, fmt: str) -> None:
    """Review reminders assigned to the organisation that owns each NOS due (its developers see
    them at /lifecycle/reviews/reminders/): lists the open ones; --create makes the missing ones."""
    from noshub.lifecycle.models import ReviewReminder
    from noshub.lifecycle.services import make_reminders, reminder_dict

    today = as_of.date() if as_of else date.today()
    made = make_reminders(today, within_days, organisation) if create else []
    qs = ReviewReminder.objects.filter(done_at__isnull=True).select_related("standard__current", "organisation", "done_by")
    if organisation:
        qs = qs.filter(organisation__name__iexact=organisation)
    rows = [reminder_dict(r, today) for r in qs.order_by("due", "id")]
    if fmt == "json":
        _echo_json({"as_of": today.isoformat(), "created": len(made), "open": rows})
        return
    if create:
        click.echo(f"Made {len(made)} new reminder(s).")
    click.echo(f"{len(rows)} open review reminder(s) as of {today.isoformat()}.")
    for r in rows:
        click.echo(f"{r['due']}  {r['status']:<7} {r['urn']:<14} {r['organisation']}: {r['title']}")


@review.command(name="diff")
@click.argument("urn")
@click.argument("from_sequence", type=int)
@click.argument("to_sequence", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def review_diff(urn: str, from_sequence: int, to_sequence: int, fmt: str) -> None:
    """What changed between two versions of a NOS (version sequence numbers, as `noshub show` lists them)."""
    from noshub.catalogue.services import NotFound
    from noshub.core.model import SECTION_LABELS
    from noshub.lifecycle.services import version_diff

    try:
        data = version_diff(urn, from_sequence, to_sequence)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"{data['urn']}: version {from_sequence} → {to_sequence}")
    for section, d in data["diff"]["statements"].items():
        click.echo(
            f"{SECTION_LABELS[section][0]}: {len(d['added'])} added, {len(d['removed'])} removed, {len(d['changed'])} changed"
        )
        for s in d["added"]:
            click.echo(f"  + {s['ref']} {s['text']}")
        for s in d["removed"]:
            click.echo(f"  - {s['ref']} {s['text']}")
        for c in d["changed"]:
            click.echo(f"  ~ {c['old_ref']}→{c['new_ref']} {c['before']!r} → {c['after']!r}")
    for f in data["diff"]["fields"]:
        click.echo(f"{f['label']}: {f['before']!r} → {f['after']!r}")


commands = (project, review)
