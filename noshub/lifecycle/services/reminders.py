"""Review reminders: each NOS due for review (`reviews.review_due`) becomes a reminder assigned
to the organisation that owns it, listed for that organisation's developers until one of them
marks it done (with a note). Making reminders is idempotent: one per NOS and review date."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import ReviewReminder
from .audit import audit


@transaction.atomic
def make_reminders(today: date, within_days: int, organisation: str = "") -> list[ReviewReminder]:
    """Make the missing reminders for every current NOS due within `within_days` of `today`
    (or only `organisation`'s); returns those made. NOS with no stated developer are skipped
    (no one to remind)."""
    from ..reviews import due_versions

    made = []
    existing = set(ReviewReminder.objects.values_list("standard_id", "due"))
    versions = due_versions(today, within_days).filter(developed_by__isnull=False)
    if organisation:
        versions = versions.filter(developed_by__name__iexact=organisation)
    for v in versions.only("standard_id", "developed_by_id", "indicative_review_date"):
        key = (v.standard_id, v.indicative_review_date)
        if key in existing:
            continue
        existing.add(key)
        made.append(ReviewReminder(standard_id=v.standard_id, organisation_id=v.developed_by_id, due=v.indicative_review_date))
    ReviewReminder.objects.bulk_create(made)
    return made


def reminders_for(user, *, include_done: bool = False):
    """The reminders `user` is to act on: a developer's organisation's, an administrator's all."""
    qs = ReviewReminder.objects.select_related("standard__current", "organisation", "done_by")
    if not include_done:
        qs = qs.filter(done_at__isnull=True)
    held = perms.roles(user)
    if perms.ADMINISTRATOR in held:
        return qs
    if perms.DEVELOPER in held and perms.organisation_id(user) is not None:
        return qs.filter(organisation_id=perms.organisation_id(user))
    return qs.none()


def reminder_dict(r: ReviewReminder, today: date) -> dict:
    current = r.standard.current
    return {
        "id": r.pk,
        "urn": current.urn if current else "",
        "slug": r.standard.slug,
        "title": current.title if current else "",
        "organisation": r.organisation.name,
        "due": r.due.isoformat(),
        "status": "overdue" if r.due < today else "due",
        "done_at": r.done_at.isoformat() if r.done_at else None,
        "done_by": r.done_by.get_username() if r.done_by else "",
        "note": r.note,
    }


@transaction.atomic
def mark_done(user, reminder: ReviewReminder, note: str) -> ReviewReminder:
    """Close a reminder, with a note of what was done; by the owning organisation's developers
    (or an administrator). Audited."""
    if not perms.acts_for(user, reminder.organisation_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the organisation that owns this NOS may close its review reminder.")
    if not note.strip():
        raise lc.StageError([Reason("reminder_note_missing")])
    reminder = ReviewReminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.done_at is not None:
        raise lc.StageError([Reason("reminder_done")])
    reminder.done_at, reminder.done_by, reminder.note = timezone.now(), user, note.strip()
    reminder.save()
    audit(
        user,
        "reminder_done",
        Reason("audit_reminder_done", urn=reminder.standard.urn, note=reminder.note),
        obj=reminder,
        before={"done_at": None},
        after={"done_at": reminder.done_at.isoformat(), "note": reminder.note},
    )
    return reminder
