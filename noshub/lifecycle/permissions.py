"""Roles and what each may do. Every write in `services` asks `require` first.

Roles are Django auth groups (made by migration 0002):

- ``public``: anyone, signed in or not. Reads open consultations and published comments,
  comments on an open consultation, reads the review list and version differences.
- ``standards developer``: works on its own organisation's projects (profile organisation):
  creates them, writes Part A/B and drafts, moves stages on, moderates and answers comments,
  publishes and asks for withdrawal to legacy. Sees no other organisation's projects.
- ``nation reviewer``: responds for one nation (profile nation) to the approval that is open;
  reads every project and all its comments (moderated or not). Changes nothing else.
- ``steering group member``: signs off for the steering group of the projects that name them
  (`Project.steering_group`), when the project has that sign-off; reads those projects.
- ``standards and frameworks panel``: signs off the final NOS for the Standards and Frameworks
  Panel on every project that has that sign-off; reads every project.
- ``administrator`` (or a superuser): everything a developer may do, on every project, and
  reads the audit log; approves or refuses a developer's request to withdraw a published
  project's NOS to legacy (never their own request). An administrator does not respond for a nation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The roles, a person's organisation and the "own organisation" rule are shared with the
# cleansing decisions, below this app in the layers (noshub.catalogue.roles).
from noshub.catalogue.roles import (
    ADMINISTRATOR,
    DEVELOPER,
    PANEL_MEMBER,
    PUBLIC,
    REVIEWER,
    STEERING_MEMBER,
    acts_for,
    organisation_id,
    profile,
    roles,
)
from noshub.lifecycle import rules as lc

# action -> roles that may do it (subject to the organisation / nation / stage conditions below)
VIEW_PROJECT = "view_project"
CREATE_PROJECT = "create_project"
EDIT_PROJECT = "edit_project"  # Part A/B, drafts, stage changes, consultation dates, publish, ask to withdraw
RESPOND = "respond"  # a nation's response to an approval
MODERATE = "moderate"  # publish or reject a comment; record a decision on it; export comments
COMMENT = "comment"
VIEW_COMMENTS = "view_comments"  # read every comment of a project, moderated or not (reviewers read them to respond)
VIEW_AUDIT = "view_audit"
APPROVE_WITHDRAWAL = "approve_withdrawal"  # approve or refuse a request to withdraw NOS to legacy

_ALLOWED = {
    VIEW_PROJECT: {DEVELOPER, REVIEWER, ADMINISTRATOR, STEERING_MEMBER, PANEL_MEMBER},
    CREATE_PROJECT: {DEVELOPER, ADMINISTRATOR},
    EDIT_PROJECT: {DEVELOPER, ADMINISTRATOR},
    RESPOND: {REVIEWER, STEERING_MEMBER, PANEL_MEMBER},
    MODERATE: {DEVELOPER, ADMINISTRATOR},
    COMMENT: {PUBLIC, DEVELOPER, REVIEWER, ADMINISTRATOR},
    VIEW_COMMENTS: {DEVELOPER, REVIEWER, ADMINISTRATOR, STEERING_MEMBER, PANEL_MEMBER},
    VIEW_AUDIT: {ADMINISTRATOR},
    APPROVE_WITHDRAWAL: {ADMINISTRATOR},
}
# Actions a developer may take only on its own organisation's projects.
_OWN_ORGANISATION = {VIEW_PROJECT, CREATE_PROJECT, EDIT_PROJECT, MODERATE, VIEW_COMMENTS}


def nation(user) -> str:
    p = profile(user)
    return p.nation if p else ""


def steers(user, project) -> bool:
    """Is `user` a member of the project's steering group (with the role)?"""
    if project is None or STEERING_MEMBER not in roles(user):
        return False
    return project.steering_group.filter(pk=user.pk).exists()


def responds_for(user, project) -> list[str]:
    """The nation and sign-offs `user` may respond for on `project` (whatever is open now)."""
    held = roles(user)
    out = [nation(user)] if REVIEWER in held and nation(user) else []
    sign_offs = project.sign_offs if project is not None else ()
    if lc.STEERING_GROUP in sign_offs and steers(user, project):
        out.append(lc.STEERING_GROUP)
    if lc.PANEL in sign_offs and PANEL_MEMBER in held:
        out.append(lc.PANEL)
    return out


def can(user, action: str, project=None, organisation_id_: int | None = None, for_nation: str = "") -> bool:
    """May `user` take `action` (on `project`, or for an organisation, or for a nation or a
    sign-off: `for_nation`)?"""
    held = roles(user)
    allowed = _ALLOWED[action] & held
    if not allowed:
        return False
    if ADMINISTRATOR in allowed:
        return True
    if DEVELOPER in allowed and action in _OWN_ORGANISATION:
        if acts_for(user, project.organisation_id if project is not None else organisation_id_):
            return True
        allowed = allowed - {DEVELOPER}
    if action == RESPOND:
        mine = responds_for(user, project) if project is not None else ([nation(user)] if nation(user) else [])
        return bool(mine) and (not for_nation or for_nation in mine)
    if STEERING_MEMBER in allowed and allowed <= {STEERING_MEMBER} and action in (VIEW_PROJECT, VIEW_COMMENTS):
        return project is None or steers(user, project)
    return bool(allowed)


def require(user, action: str, project=None, organisation_id_: int | None = None, for_nation: str = "") -> None:
    if not can(user, action, project, organisation_id_, for_nation):
        raise PermissionDenied(f"Your role does not allow this ({action.replace('_', ' ')}).")


def visible_projects(user, queryset):
    """The projects a user may see in lists."""
    held = roles(user)
    if held & {ADMINISTRATOR, REVIEWER, PANEL_MEMBER}:
        return queryset
    if STEERING_MEMBER in held and user.is_authenticated:
        mine = queryset.filter(steering_group=user)
        if DEVELOPER in held and organisation_id(user) is not None:
            return (mine | queryset.filter(organisation_id=organisation_id(user))).distinct()
        return mine
    if DEVELOPER in held and organisation_id(user) is not None:
        return queryset.filter(organisation_id=organisation_id(user))
    return queryset.none()
