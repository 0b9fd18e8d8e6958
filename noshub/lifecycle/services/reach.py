"""Who the consultation reached and what came of it (NOS Quality Criterion 2: a consultation
representative of the UK; the M&L review's WP7): events recorded beside the online responses,
the coverage by nation, sector and size of organisation, what changed against the current
version as consultees see it, and the consultation report the approvers read.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from noshub.core.model import Statement
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason
from noshub.lifecycle.versiondiff import diff_statements

from .. import permissions as perms
from ..models import ConsultationEvent, Draft, Project
from .audit import _fresh, audit
from .consultation import comments_by_item, consulted_text

EVENT_STAGES = (lc.DRAFTING, lc.CONSULTATION, lc.DRAFT_APPROVAL)  # planned, held, and written up afterwards
ORGANISATION_SIZES = ("micro", "small", "medium", "large")
NOT_GIVEN = "not given"


@transaction.atomic
def record_event(
    user,
    project: Project,
    *,
    name: str,
    held_on: date | None,
    attendees: int | None,
    kind: str = "workshop",
    nation: str = "",
    organisations: int | None = None,
    sectors: str = "",
    notes: str = "",
) -> ConsultationEvent:
    """Record a consultation event (by those who run the consultation: the project's developers)."""
    perms.require(user, perms.MODERATE, project)
    _fresh(project)
    if project.stage not in EVENT_STAGES:
        raise lc.StageError([Reason("events_closed")])
    if (
        not (name or "").strip()
        or held_on is None
        or not attendees
        or attendees < 1
        or kind not in dict(ConsultationEvent.KIND_CHOICES)
        or (nation and nation not in lc.NATIONS)
    ):
        raise lc.StageError([Reason("event_invalid")])
    event = ConsultationEvent.objects.create(
        project=project,
        name=name.strip(),
        kind=kind,
        held_on=held_on,
        nation=nation,
        attendees=attendees,
        organisations=organisations,
        sectors=sectors.strip(),
        notes=notes.strip(),
        recorded_by=user,
    )
    audit(
        user,
        "record_event",
        Reason("audit_event_recorded", name=event.name, title=project.title),
        obj=event,
        project=project,
        after={"name": event.name, "held_on": held_on.isoformat(), "nation": nation, "attendees": attendees},
    )
    return event


def event_dict(e: ConsultationEvent) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "kind": e.kind,
        "held_on": e.held_on.isoformat(),
        "nation": e.nation,
        "attendees": e.attendees,
        "organisations": e.organisations,
        "sectors": e.sectors,
        "notes": e.notes,
    }


def consultation_coverage(project: Project) -> dict:
    """Who responded: online submissions (one person's set of comments) by the respondent's
    nation, sector and organisation size, and for each nation its online respondents and the
    events held there with the people they reached; the nations reached neither way. Rejected
    (spam) comments are left out; a UK-wide event counts for no one nation."""
    rows = (
        project.comments.exclude(moderation="rejected")
        .values_list("submission", "id", "respondent_nation", "sector", "organisation_size")
        .order_by("id")
    )
    people: dict[str, tuple[str, str, str]] = {}
    for submission, pk, nation, sector, size in rows:
        people.setdefault(submission or f"comment-{pk}", (nation, sector.strip(), size))

    def count(i: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for values in people.values():
            key = values[i] or NOT_GIVEN
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))

    by_nation = count(0)
    events = list(project.events.all())
    nations = {}
    for n in (*lc.NATIONS, ""):
        held = [e for e in events if e.nation == n]
        nations[n or "uk_wide"] = {
            "online": by_nation.get(n or NOT_GIVEN, 0),
            "events": len(held),
            "people_at_events": sum(e.attendees for e in held),
        }
    return {
        "submissions": len(people),
        "by_nation": by_nation,
        "by_sector": count(1),
        "by_organisation_size": count(2),
        "nations": nations,
        "events": len(events),
        "people_at_events": sum(e.attendees for e in events),
        # no online response from the nation (kept as before); `nations_not_reached` counts events too
        "nations_without_response": [n for n in lc.NATIONS if n not in by_nation],
        "nations_not_reached": [n for n in lc.NATIONS if not nations[n]["online"] and not nations[n]["events"]],
    }


def _statements(items) -> tuple[Statement, ...]:
    return tuple(Statement(ref=i["ref"], text=i["text"]) for i in items)


def changes_from_current(draft: Draft) -> dict | None:
    """What the consulted text changes in the version it revises, as consultees read it (None
    for a new NOS): statements added, removed and changed, and the title if it changed."""
    if draft.base_version_id is None:
        return None
    base = draft.base_version
    text = consulted_text(draft)
    before = base.to_document()
    return {
        "version": base.version_number,
        "title": {"before": before.title, "after": text["title"]} if before.title != text["title"] else None,
        "statements": {
            section: diff_statements(getattr(before, section), _statements(text[section]))
            for section in ("performance_criteria", "knowledge_and_understanding")
        },
    }


def changes_since_consultation(draft: Draft) -> dict | None:
    """What the draft changed after the consultation (its consulted text against its text now):
    how the comments were acted on. None before the consultation opened."""
    if not draft.consulted:
        return None
    text = draft.consulted
    return {
        section: diff_statements(_statements(text[section]), _statements(getattr(draft, section)))
        for section in ("performance_criteria", "knowledge_and_understanding")
    }


def consultation_report(project: Project) -> dict:
    """The consultation report for the approvers: when it ran, who it reached (coverage and
    events), and for each NOS and statement the comments with the decision and response on each,
    and what the draft changed since it was consulted on. Published comments only (the report
    is read by the approvers and may be shared; moderation keeps spam out)."""
    groups = comments_by_item(project, published_only=True)
    decided = {"accepted": 0, "rejected": 0, "noted": 0, "undecided": 0}
    items = []
    for g in groups:
        for c in g["comments"]:
            decided[c.decision or "undecided"] += 1
        items.append(
            {
                "urn": g["draft"].urn,
                "item": g["item_ref"],
                "item_text": g["item_text"],
                "counts": g["counts"],
                "comments": [
                    {
                        "name": c.name or "Anonymous",
                        "organisation": c.organisation,
                        "nation": c.respondent_nation,
                        "sector": c.sector,
                        "organisation_size": c.organisation_size,
                        "text": c.text,
                        "decision": c.decision,
                        "response": c.response,
                    }
                    for c in g["comments"]
                ],
            }
        )
    return {
        "project": {"id": project.pk, "title": project.title, "organisation": project.organisation.name, "stage": project.stage},
        "opens": project.consultation_opens.isoformat() if project.consultation_opens else None,
        "closes": project.consultation_closes.isoformat() if project.consultation_closes else None,
        "coverage": consultation_coverage(project),
        "events": [event_dict(e) for e in project.events.all()],
        "decisions": decided,
        "items": items,
        "since_consultation": [
            {"urn": d.urn, "diff": changes_since_consultation(d)} for d in project.drafts.exclude(action="withdraw")
        ],
    }
