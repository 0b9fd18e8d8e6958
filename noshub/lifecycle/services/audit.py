"""The lifecycle's audit log: every write records an `AuditEntry` with the values before and after.
"""

from __future__ import annotations

from datetime import date, datetime

from ..messages import Reason
from ..models import AuditEntry, Project


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _fresh(project: Project) -> Project:
    """Rules are checked against the stage in the database, not a copy a caller kept."""
    project.refresh_from_db(fields=["stage", "consultation_opens", "consultation_closes", "final_approved_on"])
    return project


def _snapshot(obj, names) -> dict:
    return {name: _jsonable(getattr(obj, name)) for name in names}


def audit(user, action: str, summary: Reason, *, obj=None, project=None, before=None, after=None) -> AuditEntry:
    """Record one write; `summary` is stored as its English sentence."""
    authenticated = user is not None and user.is_authenticated
    if before is not None and after is not None:
        # keep only what changed
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        before = {k: before.get(k) for k in changed}
        after = {k: after.get(k) for k in changed}
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        project=project,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=str(summary)[:500],
        before=_jsonable(before),
        after=_jsonable(after),
    )
