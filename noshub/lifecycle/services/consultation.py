"""The public consultation: comments, their moderation and decisions, grouped by item, and the CSV
export.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import uuid
from collections import OrderedDict
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from noshub.core.errors import NosHubError
from noshub.core.spreadsheet import SafeWriter
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import Comment, Draft, Project
from .audit import _fresh, audit

COMMENT_RATE_LIMIT = 5  # submissions one address (or signed-in person) may send …
COMMENT_RATE_WINDOW = 3600  # … in this many seconds; one submission carries a whole set of comments
COMMENT_MAX_PER_SUBMISSION = 200  # comments in one submission (every item of a few NOS)
COMMENT_MAX_LINKS = 2
COMMENT_MAX_LENGTH = 5000


class CommentRejected(NosHubError):
    """A consultation comment was not accepted (consultation closed, spam, too many); `reason` says why."""

    code = "comment_rejected"

    def __init__(self, reason: Reason):
        self.reason = reason
        super().__init__(reason)
        if reason.code == "comment_rate_limited":
            self.status = 429

    def details(self) -> dict:
        return {"reasons": [str(self.reason)]}


class ConsultationClosed(CommentRejected):
    pass


def consultation_open(project: Project, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        project.stage == lc.CONSULTATION
        and project.consultation_opens is not None
        and project.consultation_closes is not None
        and project.consultation_opens <= now < project.consultation_closes
    )


def hash_address(ip: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def consulted_text(draft: Draft) -> dict:
    """The draft as it went out to consultation (frozen when the consultation opened), or as
    it is now before that: comments are anchored to these statements, so they never drift to
    another criterion when the draft changes during or after the consultation."""
    if draft.consulted:
        return draft.consulted
    return snapshot(draft)


def snapshot(draft: Draft) -> dict:
    return {
        "urn": draft.urn,
        "title": draft.title,
        "overview": draft.overview,
        "performance_criteria": list(draft.performance_criteria),
        "knowledge_and_understanding": list(draft.knowledge_and_understanding),
    }


def consulted_items(draft: Draft) -> dict[str, str]:
    text = consulted_text(draft)
    return {i["ref"]: i["text"] for i in (*text["performance_criteria"], *text["knowledge_and_understanding"])}


def _rate_limited(ip_hash: str) -> bool:
    """True once an address (or a signed-in person) has sent COMMENT_RATE_LIMIT submissions
    within COMMENT_RATE_WINDOW seconds."""
    key = f"lifecycle:comments:{ip_hash}"
    cache.add(key, 0, COMMENT_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, COMMENT_RATE_WINDOW)
        count = 1
    return count > COMMENT_RATE_LIMIT


_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@transaction.atomic
def submit_comment(
    project: Project,
    draft: Draft,
    *,
    text: str,
    item_ref: str = "",
    name: str = "",
    organisation: str = "",
    email: str = "",
    ip: str = "",
    honeypot: str = "",
    user=None,
    now: datetime | None = None,
    **respondent,
) -> Comment:
    """A public comment, held for moderation. Anyone may comment while the consultation is open."""
    return submit_comments(
        project,
        draft,
        items=[(item_ref, text)],
        name=name,
        organisation=organisation,
        email=email,
        ip=ip,
        honeypot=honeypot,
        user=user,
        now=now,
        **respondent,
    )[0]


ORGANISATION_SIZES = ("micro", "small", "medium", "large")


@transaction.atomic
def submit_comments(
    project: Project,
    draft: Draft,
    *,
    items: list[tuple[str, str]],
    name: str = "",
    organisation: str = "",
    email: str = "",
    ip: str = "",
    honeypot: str = "",
    user=None,
    now: datetime | None = None,
    respondent_nation: str = "",
    sector: str = "",
    organisation_size: str = "",
) -> list[Comment]:
    """One person's comments on a NOS (the whole NOS and any of its statements, as consulted),
    sent together: one submission, counted once against the rate limit, all or nothing.
    `items` is [(item_ref, text)]; items whose text is blank are left out."""
    perms.require(user, perms.COMMENT, project)
    _fresh(project)
    if not consultation_open(project, now):
        raise ConsultationClosed(Reason("consultation_closed"))
    if draft.project_id != project.pk:
        raise CommentRejected(Reason("draft_not_consulted"))
    if honeypot:
        raise CommentRejected(Reason("comment_refused"))
    consulted = consulted_items(draft)
    clean: list[tuple[str, str, str]] = []
    for item_ref, text in items:
        text = (text or "").strip()
        item_ref = (item_ref or "").strip().upper()
        if not text:
            continue
        if len(text) > COMMENT_MAX_LENGTH:
            raise CommentRejected(Reason("comment_too_long", n=COMMENT_MAX_LENGTH))
        if len(_LINK.findall(text)) > COMMENT_MAX_LINKS:
            raise CommentRejected(Reason("comment_too_many_links", n=COMMENT_MAX_LINKS))
        if item_ref and item_ref not in consulted:
            raise CommentRejected(Reason("comment_item_unknown", urn=draft.urn, item=item_ref))
        clean.append((item_ref, consulted.get(item_ref, ""), text))
    if not clean:
        raise CommentRejected(Reason("comment_empty"))
    if len(clean) > COMMENT_MAX_PER_SUBMISSION:
        raise CommentRejected(Reason("comment_too_many", n=COMMENT_MAX_PER_SUBMISSION))
    if respondent_nation and respondent_nation not in lc.NATIONS:
        respondent_nation = ""
    if organisation_size not in ORGANISATION_SIZES:
        organisation_size = ""
    ip_hash = hash_address(ip)
    # A signed-in person is counted as themselves, not by an address others may share.
    limit_key = f"user:{user.pk}" if user is not None and user.is_authenticated else ip_hash
    if _rate_limited(limit_key):
        raise CommentRejected(Reason("comment_rate_limited"))
    submission = uuid.uuid4().hex
    comments = [
        Comment.objects.create(
            project=project,
            draft=draft,
            item_ref=item_ref,
            item_text=item_text,
            name=name.strip()[:120],
            organisation=organisation.strip()[:200],
            email=email.strip(),
            text=text,
            ip_hash=ip_hash,
            submission=submission,
            respondent_nation=respondent_nation,
            sector=sector.strip()[:200],
            organisation_size=organisation_size,
        )
        for item_ref, item_text, text in clean
    ]
    if len(comments) == 1:
        c = comments[0]
        summary = (
            Reason("audit_comment_on_item", urn=draft.urn, item=c.item_ref)
            if c.item_ref
            else Reason("audit_comment", urn=draft.urn)
        )
    else:
        summary = Reason("audit_comment_set", n=len(comments), urn=draft.urn)
    audit(
        user,
        "comment",
        summary,
        obj=comments[0],
        project=project,
        after={
            "submission": submission,
            "items": [{"item_ref": c.item_ref, "text": c.text} for c in comments],
            "name": comments[0].name,
        },
    )
    return comments


@transaction.atomic
def moderate_comments(user, project: Project, ids, outcome: str) -> int:
    """Publish, or reject as spam, many comments of a project at once (one audit entry)."""
    perms.require(user, perms.MODERATE, project)
    if outcome not in ("published", "rejected"):
        raise ValueError("outcome must be published or rejected")
    qs = project.comments.filter(pk__in=[int(i) for i in ids], moderation="pending")
    chosen = list(qs.values_list("pk", flat=True))
    qs.update(moderation=outcome, moderated_by=user, moderated_at=timezone.now())
    if chosen:
        audit(
            user,
            "moderate",
            Reason("audit_comments_moderated", n=len(chosen), outcome=outcome),
            project=project,
            before={"moderation": "pending", "comments": chosen},
            after={"moderation": outcome, "comments": chosen},
        )
    return len(chosen)


@transaction.atomic
def moderate_comment(user, comment: Comment, outcome: str) -> Comment:
    """Publish a comment, or reject it as spam or abuse."""
    perms.require(user, perms.MODERATE, comment.project)
    if outcome not in ("published", "rejected"):
        raise ValueError("outcome must be published or rejected")
    before = {"moderation": comment.moderation}
    comment.moderation = outcome
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment.save()
    audit(
        user,
        "moderate",
        Reason("audit_comment_outcome", id=comment.pk, urn=comment.draft.urn, outcome=outcome),
        obj=comment,
        project=comment.project,
        before=before,
        after={"moderation": outcome},
    )
    return comment


@transaction.atomic
def decide_comment(user, comment: Comment, decision: str, response: str) -> Comment:
    """The developer's decision on a published comment: accepted, rejected or noted, with a response."""
    perms.require(user, perms.MODERATE, comment.project)
    if decision not in ("accepted", "rejected", "noted"):
        raise ValueError("decision must be accepted, rejected or noted")
    if comment.moderation != "published":
        raise lc.StageError([Reason("decision_unpublished")])
    if not response.strip():
        raise lc.StageError([Reason("decision_response_missing")])
    if _fresh(comment.project).stage in (lc.PUBLISHED, lc.WITHDRAWN):
        raise lc.StageError([Reason("consultation_record_closed")])
    before = {"decision": comment.decision, "response": comment.response}
    comment.decision = decision
    comment.response = response.strip()
    comment.decided_by = user
    comment.decided_at = timezone.now()
    comment.save()
    audit(
        user,
        "decide_comment",
        Reason("audit_comment_outcome", id=comment.pk, urn=comment.draft.urn, outcome=decision),
        obj=comment,
        project=comment.project,
        before=before,
        after={"decision": decision, "response": comment.response},
    )
    return comment


def comments_by_item(project: Project, *, published_only: bool = False) -> list[dict]:
    """Comments grouped by draft and item (whole NOS first, then P1, P2 … K1 …), with counts."""
    qs = project.comments.select_related("draft")
    if published_only:
        qs = qs.filter(moderation="published")
    groups: OrderedDict[tuple, dict] = OrderedDict()
    for draft in project.drafts.all():
        # the statements as consulted: comments stay with the criterion they were made on
        items = [("", "The whole NOS")] + list(consulted_items(draft).items())
        for ref, text in items:
            groups[(draft.pk, ref)] = {"draft": draft, "item_ref": ref, "item_text": text, "comments": [], "counts": {}}
    for c in qs:
        group = groups.setdefault(
            (c.draft_id, c.item_ref),
            {"draft": c.draft, "item_ref": c.item_ref, "item_text": c.item_text, "comments": [], "counts": {}},
        )
        group["comments"].append(c)
    out = []
    for group in groups.values():
        if not group["comments"]:
            continue
        cs = group["comments"]
        group["counts"] = {
            "total": len(cs),
            "pending": sum(c.moderation == "pending" for c in cs),
            "published": sum(c.moderation == "published" for c in cs),
            "accepted": sum(c.decision == "accepted" for c in cs),
            "rejected": sum(c.decision == "rejected" for c in cs),
            "noted": sum(c.decision == "noted" for c in cs),
            "awaiting_decision": sum(c.moderation == "published" and not c.decision for c in cs),
        }
        out.append(group)
    return out


CSV_COLUMNS = (
    "comment_id",
    "urn",
    "item",
    "item_text",
    "name",
    "organisation",
    "comment",
    "received",
    "moderation",
    "decision",
    "response",
    "decided_by",
    "decided_at",
)


def comments_csv(user, project: Project) -> str:
    perms.require(user, perms.MODERATE, project)
    out = io.StringIO()
    writer = SafeWriter(out)  # every cell neutralised: names and organisations too
    writer.writerow(CSV_COLUMNS)
    for c in project.comments.select_related("draft", "decided_by").order_by("draft__urn", "item_ref", "created_at"):
        writer.writerow(
            [
                c.pk,
                c.draft.urn,
                c.item_ref or "whole NOS",
                c.item_text,
                c.name,
                c.organisation,
                c.text,
                c.created_at.isoformat(),
                c.moderation,
                c.decision,
                c.response,
                c.decided_by.get_username() if c.decided_by else "",
                c.decided_at.isoformat() if c.decided_at else "",
            ]
        )
    return out.getvalue()
