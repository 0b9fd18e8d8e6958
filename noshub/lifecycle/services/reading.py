"""Reading: the dictionaries that pages, the JSON API and the CLI show (projects, drafts, the audit log,
version differences).
"""

from __future__ import annotations

from datetime import date, datetime

from noshub.lifecycle import rules as lc
from noshub.lifecycle.versiondiff import diff_documents

from ..models import AuditEntry, Draft, Project
from .audit import _jsonable
from .checking import check_draft
from .consultation import consultation_open
from .drafts import DRAFT_EDIT_FIELDS
from .publishing import _version_summary
from .stages import project_facts


def draft_dict(draft: Draft, today: date | None = None) -> dict:
    report = check_draft(draft, today) if draft.action != "withdraw" else None
    data = {
        "id": draft.pk,
        "project": draft.project_id,
        "action": draft.action,
        "urn": draft.urn,
        "title": draft.title,
        "standard": draft.standard.slug if draft.standard_id else None,
        "base_version": draft.base_version.sequence if draft.base_version_id else None,
        "published_version": draft.published_version.sequence if draft.published_version_id else None,
        "indicative_review_date": _jsonable(draft.indicative_review_date),
        "has_welsh": draft.has_welsh,
        "duplicate_justification": draft.duplicate_justification,
        "consulted": draft.consulted or None,
        "quality": report.as_dict() if report else None,
    }
    for name in DRAFT_EDIT_FIELDS:
        data.setdefault(name, _jsonable(getattr(draft, name)))
    return data


def project_dict(project: Project, now: datetime | None = None, *, with_drafts: bool = True) -> dict:
    facts = project_facts(project, now)
    approval = lc.open_approval(project.stage, project.sign_offs)
    return {
        "id": project.pk,
        "title": project.title,
        "kind": project.kind,
        "organisation": project.organisation.name,
        "description": project.description,
        "stage": project.stage,
        "stage_label": project.stage_label,
        "next_stage": lc.next_stage(project.stage),
        "can_advance": not lc.blockers(facts) if project.stage != lc.WITHDRAWN else False,
        "blockers": lc.blockers(facts) if project.stage not in (lc.PUBLISHED, lc.WITHDRAWN) else [],
        "open_approval": approval,
        "sign_offs": list(project.sign_offs),
        "steering_group": sorted(project.steering_group.values_list("username", flat=True)),
        "consultation": {
            "opens": _jsonable(project.consultation_opens),
            "closes": _jsonable(project.consultation_closes),
            "open": consultation_open(project, now),
        },
        "final_approved_on": _jsonable(project.final_approved_on),
        "published_at": _jsonable(project.published_at),
        "nations": {
            p.nation: {f: getattr(p, f) for f in (*lc.PART_A_FIELDS, *lc.PART_B_FIELDS)} for p in project.nation_parts.all()
        },
        "approvals": _approvals(project, facts),
        "closed_reason": project.closed_reason,
        # a withdrawal to legacy asked for and waiting for an administrator's approval (else None)
        "withdrawal_request": {
            "by": project.withdrawal_requested_by.get_username() if project.withdrawal_requested_by else "",
            "at": _jsonable(project.withdrawal_requested_at),
            "reason": project.withdrawal_reason,
        }
        if project.withdrawal_pending
        else None,
        "can_abandon": project.stage in lc.ABANDON_STAGES,
        "drafts": [draft_dict(d) for d in project.drafts.select_related("project__organisation", "standard")]
        if with_drafts
        else None,
        "comments": {
            "total": project.comments.count(),
            "pending_moderation": facts.comments_pending_moderation,
            "without_decision": facts.comments_without_response,
        },
    }


def _approvals(project: Project, facts) -> list[dict]:
    """Each nation's current response to each approval, whether the text changed since
    (`stale`), and its earlier responses (a rejection is never lost)."""
    rows = list(project.approvals.select_related("responded_by").order_by("id"))
    earlier: dict[tuple[str, str], list[dict]] = {}
    out = []
    for a in rows:
        entry = {
            "approval": a.approval,
            "nation": a.nation,
            "response": a.response,
            "feedback": a.feedback,
            "by": a.responded_by.get_username() if a.responded_by else "",
            "at": a.responded_at.isoformat(),
            "text_hash": a.text_hash,
        }
        if not a.current:
            earlier.setdefault((a.approval, a.nation), []).append(entry)
            continue
        r = facts.responses.get((a.approval, a.nation))
        out.append(entry | {"stale": bool(r and r.stale), "earlier": earlier.get((a.approval, a.nation), [])})
    return out


def _changes(before, after) -> list[dict]:
    """An entry's before and after as rows a person reads: field, value before, value after."""
    before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    return [{"field": k, "before": before.get(k), "after": after.get(k)} for k in sorted(set(before) | set(after), key=str)]


def _entry(e: AuditEntry) -> dict:
    return {
        "at": e.at.isoformat(),
        "user": e.username,
        "action": e.action,
        "project": e.project_id,
        "object": f"{e.object_type} {e.object_id}".strip(),
        "summary": e.summary,
        "before": e.before,
        "after": e.after,
        "changes": _changes(e.before, e.after),
    }


def audit_entries(project: Project | None = None, limit: int = 200) -> list[dict]:
    qs = AuditEntry.objects.all() if project is None else project.audit_entries.all()
    return [_entry(e) for e in qs[:limit]]


AUDIT_PAGE_SIZE = 100


def audit_page(*, action: str = "", user: str = "", project: int | None = None, page: int = 1, per_page: int = AUDIT_PAGE_SIZE) -> dict:
    """One page of the audit log, newest first, filtered by action, user name and project."""
    qs = AuditEntry.objects.all()
    if action:
        qs = qs.filter(action=action)
    if user:
        qs = qs.filter(username__iexact=user)
    if project:
        qs = qs.filter(project_id=project)
    total = qs.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return {
        "entries": [_entry(e) for e in qs[start : start + per_page]],
        "filters": {"action": action, "user": user, "project": project},
        "page": page,
        "pages": pages,
        "total": total,
        "actions": sorted(AuditEntry.objects.values_list("action", flat=True).distinct()),
    }


def version_diff(slug: str, from_sequence: int, to_sequence: int) -> dict:
    """What changed between two versions of a NOS (by their sequence numbers)."""
    from noshub.catalogue.models import NosVersion
    from noshub.catalogue.services import get_standard

    standard = get_standard(slug)
    versions = {v.sequence: v for v in NosVersion.objects.filter(standard=standard, sequence__in=[from_sequence, to_sequence])}
    missing = [s for s in (from_sequence, to_sequence) if s not in versions]
    if missing:
        from noshub.catalogue.services import NotFound

        raise NotFound(f"{standard.slug} has no version {missing[0]}")
    old, new = versions[from_sequence], versions[to_sequence]
    return {
        "slug": standard.slug,
        "urn": standard.urn,
        "from": _version_summary(old),
        "to": _version_summary(new),
        "diff": diff_documents(old.to_document(), new.to_document()),
    }


def draft_diff(draft: Draft) -> dict | None:
    """What the draft changes in the version it started from."""
    if draft.base_version_id is None:
        return None
    return diff_documents(draft.base_version.to_document(), draft.to_document(validity=draft.base_version.validity))
