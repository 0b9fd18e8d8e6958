"""Projects: create and change a project, its nations' parts (Part A and Part B) and the nations' responses."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import Approval, NationPart, Project
from .audit import _fresh, _snapshot, audit

PROJECT_FIELDS = ("title", "description", "checklist_accepted", "welsh_language", "consultation_closes")


@transaction.atomic
def create_project(user, *, title: str, organisation, kind: str = "development", description: str = "") -> Project:
    perms.require(user, perms.CREATE_PROJECT, organisation_id_=organisation.pk)
    if kind not in dict(Project.KIND_CHOICES):
        raise lc.StageError([Reason("kind_unknown", kind=repr(kind))])
    project = Project.objects.create(
        title=title.strip(), organisation=organisation, kind=kind, description=description, created_by=user
    )
    NationPart.objects.bulk_create([NationPart(project=project, nation=n) for n in lc.NATIONS])
    audit(
        user,
        "create_project",
        Reason("audit_project_created", title=project.title, organisation=organisation.name),
        obj=project,
        project=project,
        after=_snapshot(project, ("title", "kind", "stage", "description")) | {"organisation": organisation.name},
    )
    return project


@transaction.atomic
def update_project(user, project: Project, **values) -> Project:
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"Not a project field: {', '.join(sorted(unknown))}")
    if project.stage in (lc.PUBLISHED, lc.WITHDRAWN):
        raise lc.StageError([Reason("project_published")])
    if "consultation_closes" in values and project.stage not in (lc.PROPOSAL, lc.PART_B, lc.DRAFTING, lc.CONSULTATION):
        raise lc.StageError([Reason("closing_date_fixed")])
    if "consultation_closes" in values and project.stage == lc.CONSULTATION:
        closes = values["consultation_closes"]
        if closes is None or closes < max(timezone.now(), project.consultation_closes or timezone.now()):
            raise lc.StageError([Reason("closing_date_extend_only")])
    before = _snapshot(project, PROJECT_FIELDS)
    for name, value in values.items():
        setattr(project, name, value)
    project.save()
    audit(
        user,
        "update_project",
        Reason("audit_project_changed", title=project.title),
        obj=project,
        project=project,
        before=before,
        after=_snapshot(project, PROJECT_FIELDS),
    )
    return project


SIGN_OFF_STAGES = (lc.PROPOSAL, lc.PART_B, lc.DRAFTING)  # the sign-offs are settled before the consultation


@transaction.atomic
def set_sign_offs(user, project: Project, sign_offs, steering_group=()) -> Project:
    """Choose the project's sign-offs beyond the nations (`rules.SIGN_OFFS`) and name its
    steering group's members (user names of people with the steering group role). Settled
    before the consultation; audited."""
    from django.contrib.auth import get_user_model

    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    if project.stage not in SIGN_OFF_STAGES:
        raise lc.StageError([Reason("sign_offs_fixed")])
    unknown = [s for s in sign_offs if s not in lc.SIGN_OFFS]
    if unknown:
        raise ValueError(f"Not a sign-off: {', '.join(unknown)}")
    names = sorted({n.strip() for n in steering_group if n.strip()})
    members = list(get_user_model().objects.filter(username__in=names, groups__name=perms.STEERING_MEMBER))
    missing = sorted(set(names) - {m.username for m in members})
    if missing:
        raise lc.StageError([Reason("steering_member_unknown", name=n) for n in missing])
    before = {"sign_offs": list(project.sign_offs), "steering_group": sorted(project.steering_group.values_list("username", flat=True))}
    project.sign_offs = [s for s in lc.SIGN_OFFS if s in sign_offs]
    project.save(update_fields=["sign_offs", "updated_at"])
    project.steering_group.set(members)
    audit(
        user,
        "update_project",
        Reason("audit_project_changed", title=project.title),
        obj=project,
        project=project,
        before=before,
        after={"sign_offs": project.sign_offs, "steering_group": names},
    )
    return project


@transaction.atomic
def update_nation_part(user, project: Project, nation: str, **values) -> NationPart:
    """Write one nation's Part A (in the proposal stage) or Part B (in the Part B stage)."""
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    part_a, part_b = set(lc.PART_A_FIELDS), set(lc.PART_B_FIELDS)
    unknown = set(values) - part_a - part_b
    if unknown:
        raise ValueError(f"Not a Part A or Part B field: {', '.join(sorted(unknown))}")
    if set(values) & part_a and project.stage != lc.PROPOSAL:
        raise lc.StageError([Reason("part_a_closed")])
    if set(values) & part_b and project.stage != lc.PART_B:
        raise lc.StageError([Reason("part_b_closed")])
    part = NationPart.objects.get(project=project, nation=nation)
    names = tuple(lc.PART_A_FIELDS) + tuple(lc.PART_B_FIELDS)
    before = _snapshot(part, names)
    for name, value in values.items():
        setattr(part, name, value.strip())
    part.save()
    audit(
        user,
        "update_nation_part",
        Reason("audit_nation_part_changed", nation=nation, title=project.title),
        obj=part,
        project=project,
        before=before,
        after=_snapshot(part, names),
    )
    return part


@transaction.atomic
def respond(
    user, project: Project, nation: str, response: str, feedback: str = "", now: datetime | None = None, seen: str = ""
) -> Approval:
    """A nation's (or a sign-off's: `nation` is then "steering_group" or "sfp") response to the approval open at the project's stage, tied to the text it
    responds to (its fingerprint is recorded). `seen`, when given, is the fingerprint of the text
    the responder was shown: a response to text that has changed since is refused. Every
    response is kept; the earlier one stops being current."""
    from .approvals import fingerprint, nothing_to_approve

    perms.require(user, perms.RESPOND, project, for_nation=nation)
    _fresh(project)
    approval = lc.open_approval(project.stage, project.sign_offs) or ""
    lc.check_response(project.stage, approval, nation, response, feedback, project.sign_offs)
    missing = nothing_to_approve(project, approval, nation, response)
    if missing:
        raise lc.StageError([missing])
    text_hash = fingerprint(project, approval)
    if seen and seen != text_hash:
        raise lc.StageError([Reason("text_changed_while_reading")])
    now = now or timezone.now()
    existing = Approval.objects.filter(project=project, approval=approval, nation=nation, current=True).first()
    names = ("response", "feedback", "responded_at", "text_hash")
    before = (
        _snapshot(existing, names) | {"responded_by": existing.responded_by.get_username() if existing.responded_by else ""}
        if existing
        else None
    )
    if existing:
        existing.current = False
        existing.save(update_fields=["current"])
    obj = Approval.objects.create(
        project=project,
        approval=approval,
        nation=nation,
        response=response,
        feedback=feedback.strip(),
        responded_by=user,
        responded_at=now,
        text_hash=text_hash,
    )
    audit(
        user,
        "respond",
        Reason("audit_responded", nation=nation, response=response, approval=approval, title=project.title),
        obj=obj,
        project=project,
        before=before,
        after=_snapshot(obj, names) | {"responded_by": user.get_username()},
    )
    return obj
