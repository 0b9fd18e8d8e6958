"""Stages: the facts the stage rules read from the database, moving a project on, and sending it
back to drafting.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import Approval, Project
from .audit import _fresh, _snapshot, audit
from .checking import check_draft, unjustified_duplicate
from .publishing import _publish, _withdraw_project


def project_facts(project: Project, now: datetime | None = None) -> lc.ProjectFacts:
    now = now or timezone.now()
    parts = {p.nation: {f: getattr(p, f) for f in (*lc.PART_A_FIELDS, *lc.PART_B_FIELDS)} for p in project.nation_parts.all()}
    from .approvals import fingerprint

    hashes: dict[str, str] = {}

    def stale(a) -> bool:
        if a.approval not in hashes:
            hashes[a.approval] = fingerprint(project, a.approval)
        return a.text_hash != hashes[a.approval]

    responses = {
        (a.approval, a.nation): lc.Response(
            a.response, a.feedback, a.responded_by.get_username() if a.responded_by else "", a.responded_at, stale(a)
        )
        for a in project.approvals.filter(current=True).select_related("responded_by")
    }
    today = timezone.localdate(now)
    drafts = []
    for d in project.drafts.select_related("project__organisation"):
        if d.action == "withdraw":
            drafts.append(lc.DraftFacts(urn=d.urn, has_welsh=d.has_welsh, withdraw=True))
            continue
        report = check_draft(d, today)
        drafts.append(
            lc.DraftFacts(
                urn=d.urn,
                check_errors=len(report.errors),
                has_welsh=d.has_welsh,
                welsh_problems=tuple(
                    Reason("welsh_problem", urn=d.urn, problem=f.message) for f in report.findings if f.check == "welsh_complete"
                ),
                unjustified_duplicate=unjustified_duplicate(d, report),
            )
        )
    comments = project.comments
    return lc.ProjectFacts(
        stage=project.stage,
        now=now,
        nation_fields=parts,
        responses=responses,
        drafts=drafts,
        consultation_closes=project.consultation_closes,
        comments_pending_moderation=comments.filter(moderation="pending").count(),
        comments_without_response=comments.filter(moderation="published").filter(Q(decision="") | Q(response="")).count(),
        sign_offs=tuple(project.sign_offs),
    )


@transaction.atomic
def advance(user, project: Project, to_stage: str | None = None, now: datetime | None = None) -> Project:
    """Move the project to its next stage (`to_stage`, when given, must be that stage)."""
    perms.require(user, perms.EDIT_PROJECT, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    now = now or timezone.now()
    target = to_stage or lc.next_stage(project.stage)
    lc.check_advance(project_facts(project, now), target)
    before = _snapshot(project, ("stage", "consultation_opens", "final_approved_on", "published_at", "withdrawn_at"))
    if target == lc.CONSULTATION:
        project.consultation_opens = now
        from .consultation import snapshot

        for draft in project.drafts.all():  # the consulted text: comments are anchored to it
            draft.consulted = snapshot(draft)
            draft.save(update_fields=["consulted"])
    elif target == lc.WELSH_APPROVAL:
        project.final_approved_on = timezone.localdate(now)
    if target == lc.PUBLISHED:
        _publish(user, project, now)
        project.published_at = now
    elif target == lc.WITHDRAWN:
        _withdraw_project(user, project, now)
        project.withdrawn_at = now
    project.stage = target
    project.save()
    audit(
        user,
        "advance",
        Reason("audit_moved", title=project.title, stage=project.stage),
        obj=project,
        project=project,
        before=before,
        after=_snapshot(project, ("stage", "consultation_opens", "final_approved_on", "published_at", "withdrawn_at")),
    )
    return project


@transaction.atomic
def send_back(user, project: Project, reason: str) -> Project:
    """Back to drafting from consultation or an approval; the draft, final and Welsh approvals start again."""
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    lc.check_send_back(project.stage)
    if not reason.strip():
        raise lc.StageError([Reason("send_back_reason_missing")])
    reset = Approval.objects.filter(project=project, approval__in=lc.approvals_reset_by_send_back(), current=True)
    before = {
        "stage": project.stage,
        "responses": [
            {"approval": a.approval, "nation": a.nation, "response": a.response, "feedback": a.feedback} for a in reset
        ],
    }
    reset.update(current=False)  # kept as history
    project.stage = lc.DRAFTING
    project.save()
    audit(
        user,
        "send_back",
        Reason("audit_sent_back", title=project.title, reason=reason.strip()),
        obj=project,
        project=project,
        before=before,
        after={"stage": project.stage, "responses": [], "reason": reason.strip()},
    )
    return project


CLOSING_FIELDS = ("stage", "withdrawn_at", "closed_reason")


def _close(user, project: Project, stage: str, reason: str, action: str, summary: Reason, withdraw_at=None) -> Project:
    """Set a locked project's closing stage (abandoned, withdrawn) and its reason; audited."""
    before = _snapshot(project, CLOSING_FIELDS)
    if withdraw_at is not None:
        _withdraw_project(user, project, withdraw_at)
        project.withdrawn_at = withdraw_at
    project.stage = stage
    project.closed_reason = reason.strip()
    project.save()
    audit(user, action, summary, obj=project, project=project, before=before, after=_snapshot(project, CLOSING_FIELDS))
    return project


@transaction.atomic
def abandon(user, project: Project, reason: str, now: datetime | None = None) -> Project:
    """Stop a project before publishing, with a reason. Its drafts and history stay; nothing
    more can happen to it. Only those who may change the project (its organisation's developers,
    administrators) may abandon it."""
    perms.require(user, perms.EDIT_PROJECT, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    lc.check_abandon(project.stage, reason)
    summary = Reason("audit_abandoned", title=project.title, reason=reason.strip())
    return _close(user, project, lc.ABANDONED, reason, "abandon", summary)


@transaction.atomic
def withdraw(user, project: Project, reason: str, *, confirmed: bool, now: datetime | None = None) -> Project:
    """Withdraw a published project's NOS to legacy: confirmed, with a reason, by someone who
    may change the project, and only NOS its organisation owns (or whose owner consented)."""
    from .ownership import check_owner

    perms.require(user, perms.EDIT_PROJECT, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    lc.check_withdraw(project.stage, reason, confirmed)
    for draft in project.drafts.select_related("standard"):
        if draft.standard_id:
            check_owner(project, draft.standard)
    summary = Reason("audit_withdrawn_project", title=project.title, reason=reason.strip())
    return _close(user, project, lc.WITHDRAWN, reason, "withdraw_project", summary, withdraw_at=now or timezone.now())
