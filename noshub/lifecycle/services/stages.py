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


WITHDRAWAL_FIELDS = ("withdrawal_requested_at", "withdrawal_requested_by", "withdrawal_reason")


def _withdrawal_snapshot(project: Project) -> dict:
    by = project.withdrawal_requested_by
    return {
        "withdrawal_requested_at": project.withdrawal_requested_at.isoformat() if project.withdrawal_requested_at else None,
        "withdrawal_requested_by": by.get_username() if by else None,
        "withdrawal_reason": project.withdrawal_reason,
    }


def _check_owners(project: Project) -> None:
    from .ownership import check_owner

    for draft in project.drafts.select_related("standard"):
        if draft.standard_id:
            check_owner(project, draft.standard)


@transaction.atomic
def request_withdrawal(user, project: Project, reason: str, *, confirmed: bool, now: datetime | None = None) -> Project:
    """Ask for a published project's NOS to be withdrawn to legacy: confirmed, with a reason, by
    someone who may change the project, and only NOS its organisation owns (or whose owner
    consented). The NOS stay current until an administrator approves (`approve_withdrawal`)."""
    perms.require(user, perms.EDIT_PROJECT, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    lc.check_withdrawal_request(project.stage, reason, confirmed, project.withdrawal_pending)
    _check_owners(project)
    before = _withdrawal_snapshot(project)
    project.withdrawal_requested_at = now or timezone.now()
    project.withdrawal_requested_by = user if user.is_authenticated else None
    project.withdrawal_reason = reason.strip()
    project.save(update_fields=[*WITHDRAWAL_FIELDS, "updated_at"])
    summary = Reason("audit_withdrawal_requested", title=project.title, reason=project.withdrawal_reason)
    audit(user, "request_withdrawal", summary, obj=project, project=project, before=before, after=_withdrawal_snapshot(project))
    return project


def _decision(user, project: Project, refusal_reason: str | None = None) -> Project:
    perms.require(user, perms.APPROVE_WITHDRAWAL, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    own = project.withdrawal_requested_by_id is not None and project.withdrawal_requested_by_id == user.pk
    lc.check_withdrawal_decision(project.withdrawal_pending, own, refusal_reason)
    return project


@transaction.atomic
def approve_withdrawal(user, project: Project, now: datetime | None = None) -> Project:
    """An administrator other than the one who asked approves a withdrawal request: the project's
    NOS become legacy (each audited) and the project is withdrawn, with the request's reason."""
    project = _decision(user, project)
    _check_owners(project)  # ownership may have changed since the request
    requester = project.withdrawal_requested_by.get_username() if project.withdrawal_requested_by else ""
    reason = project.withdrawal_reason
    summary = Reason("audit_withdrawal_approved", title=project.title, reason=reason, requester=requester)
    return _close(user, project, lc.WITHDRAWN, reason, "withdraw_project", summary, withdraw_at=now or timezone.now())


@transaction.atomic
def refuse_withdrawal(user, project: Project, reason: str) -> Project:
    """An administrator other than the one who asked refuses a withdrawal request, with a reason:
    the request is closed (kept in the audit log) and the NOS stay current."""
    project = _decision(user, project, reason)
    before = _withdrawal_snapshot(project)
    project.withdrawal_requested_at = None
    project.withdrawal_requested_by = None
    project.withdrawal_reason = ""
    project.save(update_fields=[*WITHDRAWAL_FIELDS, "updated_at"])
    summary = Reason("audit_withdrawal_refused", title=project.title, reason=reason.strip())
    audit(
        user,
        "refuse_withdrawal",
        summary,
        obj=project,
        project=project,
        before=before,
        after={**_withdrawal_snapshot(project), "refusal_reason": reason.strip()},
    )
    return project


def pending_withdrawals(user, projects) -> list[Project]:
    """The withdrawal requests among `projects` that `user` may approve or refuse (an
    administrator's waiting list; never their own requests)."""
    if not perms.can(user, perms.APPROVE_WITHDRAWAL):
        return []
    waiting = projects.filter(stage=lc.PUBLISHED, withdrawal_requested_at__isnull=False).select_related("withdrawal_requested_by")
    return [p for p in waiting.order_by("withdrawal_requested_at", "id") if p.withdrawal_requested_by_id != user.pk]
