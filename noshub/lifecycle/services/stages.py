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
from .checking import check_draft
from .publishing import _publish, _withdraw_project


def project_facts(project: Project, now: datetime | None = None) -> lc.ProjectFacts:
    now = now or timezone.now()
    parts = {p.nation: {f: getattr(p, f) for f in (*lc.PART_A_FIELDS, *lc.PART_B_FIELDS)} for p in project.nation_parts.all()}
    responses = {
        (a.approval, a.nation): lc.Response(
            a.response, a.feedback, a.responded_by.get_username() if a.responded_by else "", a.responded_at
        )
        for a in project.approvals.select_related("responded_by")
    }
    today = timezone.localdate(now)
    drafts = [
        lc.DraftFacts(
            urn=d.urn,
            check_errors=0 if d.action == "withdraw" else len(check_draft(d, today).errors),
            has_welsh=d.has_welsh,
            withdraw=d.action == "withdraw",
        )
        for d in project.drafts.select_related("project__organisation")
    ]
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
    reset = Approval.objects.filter(project=project, approval__in=lc.approvals_reset_by_send_back())
    before = {
        "stage": project.stage,
        "responses": [
            {"approval": a.approval, "nation": a.nation, "response": a.response, "feedback": a.feedback} for a in reset
        ],
    }
    reset.delete()
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
