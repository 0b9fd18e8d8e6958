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
        "quality": report.as_dict() if report else None,
    }
    for name in DRAFT_EDIT_FIELDS:
        data.setdefault(name, _jsonable(getattr(draft, name)))
    return data


def project_dict(project: Project, now: datetime | None = None, *, with_drafts: bool = True) -> dict:
    facts = project_facts(project, now)
    approval = lc.APPROVALS.get(project.stage)
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
        "approvals": [
            {
                "approval": a.approval,
                "nation": a.nation,
                "response": a.response,
                "feedback": a.feedback,
                "by": a.responded_by.get_username() if a.responded_by else "",
                "at": a.responded_at.isoformat(),
            }
            for a in project.approvals.select_related("responded_by")
        ],
        "drafts": [draft_dict(d) for d in project.drafts.select_related("project__organisation", "standard")]
        if with_drafts
        else None,
        "comments": {
            "total": project.comments.count(),
            "pending_moderation": facts.comments_pending_moderation,
            "without_decision": facts.comments_without_response,
        },
    }


def audit_entries(project: Project | None = None, limit: int = 200) -> list[dict]:
    qs = AuditEntry.objects.all() if project is None else project.audit_entries.all()
    return [
        {
            "at": e.at.isoformat(),
            "user": e.username,
            "action": e.action,
            "object": f"{e.object_type} {e.object_id}".strip(),
            "summary": e.summary,
            "before": e.before,
            "after": e.after,
        }
        for e in qs[:limit]
    ]


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
