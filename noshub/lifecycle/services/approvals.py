"""What each approval approves: the text, its fingerprint, and whether there is any yet.

A nation's response records the fingerprint (SHA-256 of the text as JSON) of what it responded
to: Part A (every nation's Part A), Part B, the draft NOS and the final NOS (the English text of
every draft), the Welsh NOS (the Welsh text of every draft). When the text changes, the
response is *stale*: it no longer counts until the nation responds again (`rules.approval_blockers`).
"""

from __future__ import annotations

import hashlib
import json

from noshub.core.model import WELSH_COLUMNS
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from ..models import Project
from .audit import _jsonable
from .drafts import DRAFT_EDIT_FIELDS

ENGLISH_DRAFT_FIELDS = tuple(n for n in DRAFT_EDIT_FIELDS if n not in WELSH_COLUMNS)
WELSH_DRAFT_FIELDS = ("title_cy", *(n for n in WELSH_COLUMNS if n != "title_cy"))


def approval_text(project: Project, approval: str) -> dict | list:
    """The text an approval is about, JSON-ready, as the response form shows it."""
    if approval in (lc.PART_A, lc.PART_B_APPROVAL):
        names = lc.PART_A_FIELDS if approval == lc.PART_A else lc.PART_B_FIELDS
        return {p.nation: {n: getattr(p, n) for n in names} for p in project.nation_parts.order_by("nation")}
    drafts = project.drafts.order_by("id")
    if approval == lc.WELSH:
        return [
            {"urn": d.urn, **{n: _jsonable(getattr(d, n)) for n in WELSH_DRAFT_FIELDS}} for d in drafts if d.action != "withdraw"
        ]
    return [{"urn": d.urn, "action": d.action, **{n: _jsonable(getattr(d, n)) for n in ENGLISH_DRAFT_FIELDS}} for d in drafts]


def fingerprint_of(text) -> str:
    return hashlib.sha256(json.dumps(text, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def fingerprint(project: Project, approval: str) -> str:
    return fingerprint_of(approval_text(project, approval))


def nothing_to_approve(project: Project, approval: str, nation: str, response: str) -> Reason | None:
    """Why there is no text for `nation` to respond to yet (None when there is). A nation may
    always answer "not applicable"."""
    if response == lc.NOT_APPLICABLE:
        return None
    if approval in (lc.PART_A, lc.PART_B_APPROVAL):
        required = lc.PART_A_REQUIRED if approval == lc.PART_A else lc.PART_B_REQUIRED
        part = project.nation_parts.filter(nation=nation).first()
        missing = [n for n in required if part is None or not (getattr(part, n) or "").strip()]
        if missing:
            return Reason(
                "nothing_to_approve",
                approval=approval,
                what=Reason("fields_missing", part=approval, nation=nation, fields=missing),
            )
        return None
    drafts = list(project.drafts.all())
    if not drafts:
        return Reason("nothing_to_approve", approval=approval, what=Reason("no_drafts"))
    if approval == lc.WELSH:
        missing = [d.urn for d in drafts if d.action != "withdraw" and not d.has_welsh]
        if missing:
            return Reason("nothing_to_approve", approval=approval, what=Reason("welsh_missing", urns=missing))
    return None


def waiting_for(responder: str, projects, user=None) -> list:
    """The projects whose open approval waits for `responder` (a nation, or a sign-off): it
    responds to that approval (a nation that answered "not applicable" to Part A no longer does;
    a steering group member only for the projects that name them, when `user` is given) and has
    no current response to the text as it is now."""
    from .. import permissions as perms
    from ..models import Approval

    out = []
    for project in projects:
        approval = lc.open_approval(project.stage, project.sign_offs)
        if responder not in lc.responders(approval, project.sign_offs):
            continue
        if responder == lc.STEERING_GROUP and user is not None and not perms.steers(user, project):
            continue
        answers = {(a.approval, a.nation): a for a in Approval.objects.filter(project=project, current=True)}
        part_a = answers.get((lc.PART_A, responder))
        if approval != lc.PART_A and part_a is not None and part_a.response == lc.NOT_APPLICABLE:
            continue
        mine = answers.get((approval, responder))
        if mine is None or mine.text_hash != fingerprint(project, approval):
            out.append(project)
    return out
