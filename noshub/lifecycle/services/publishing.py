"""Publishing: each approved draft becomes a new catalogue version, or its NOS is withdrawn to legacy.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from ..models import Draft, Project
from .audit import _jsonable, audit
from .drafts import REVIEW_INTERVAL_YEARS, _years_after


def _writer_state(writer, draft: Draft):
    for state in writer.states_for_urn(draft.standard.urn):
        if state.standard.pk == draft.standard_id:
            return state
    raise lc.StageError([Reason("standard_missing", slug=draft.standard.slug)])


def _effective_after(state, now: datetime) -> datetime:
    """Publication time, and never before the standard's current version (the precedence rule)."""
    current = state.current()
    if current is not None and current.effective_at >= now:
        return current.effective_at + timedelta(seconds=1)
    return now


def _publish(user, project: Project, now: datetime) -> None:
    """Write every draft of the project as a new catalogue version (see `noshub.catalogue.store`)."""
    from noshub.catalogue.models import NosVersion
    from noshub.catalogue.store import Provenance, VersionWriter

    writer = VersionWriter()
    approved = project.final_approved_on or timezone.localdate(now)
    written = []
    withdrawals = []
    for draft in project.drafts.select_related("project__organisation", "standard"):
        if draft.action == "withdraw":
            withdrawals.append(draft)
            continue
        state = _writer_state(writer, draft) if draft.standard_id else writer.standard_for(draft.urn, draft.title)
        number = (
            NosVersion.objects.filter(standard_id=state.standard.pk).aggregate(n=Max("version_number"))["n"]
            if state.standard.pk
            else None
        )
        review = draft.indicative_review_date or _years_after(approved, REVIEW_INTERVAL_YEARS)
        doc = draft.to_document(version_number=(number or 0) + 1, date_approved=approved, indicative_review_date=review)
        before = _version_summary(state.standard.current) if state.standard.pk and state.standard.current_id else None
        prov = Provenance(
            kind="edit",
            file=f"lifecycle project {project.pk}",
            raw={"project": project.pk, "draft": draft.pk, "published_by": user.get_username()},
            effective_at=_effective_after(state, now),
        )
        writer.save(doc, prov, state)
        written.append((draft, state, doc, before))
    writer.flush()
    for draft, state, doc, before in written:
        version = (
            NosVersion.objects.filter(standard_id=state.standard.pk, content_hash=doc.content_hash())
            .order_by("-sequence")
            .first()
        )
        draft.published_version = version
        if draft.standard_id is None:
            draft.standard_id = state.standard.pk
        draft.save(update_fields=["published_version", "standard"])
        audit(
            user,
            "publish",
            Reason("audit_published", urn=doc.urn, n=doc.version_number, date=doc.date_approved),
            obj=draft,
            project=project,
            before=before,
            after=_version_summary(version),
        )
    for draft in withdrawals:
        _withdraw_standard(user, project, draft, now)


def _version_summary(version) -> dict | None:
    if version is None:
        return None
    return {
        "version_id": version.pk,
        "sequence": version.sequence,
        "title": version.title,
        "validity": version.validity,
        "version_number": version.version_number,
        "date_approved": _jsonable(version.date_approved),
        "indicative_review_date": _jsonable(version.indicative_review_date),
        "source": version.source_kind,
    }


def _withdraw_standard(user, project: Project, draft: Draft, now: datetime) -> None:
    """A legacy version of the NOS, made current.

    The store's precedence rule ranks a version whose validity is *current* above any legacy
    one, so a withdrawal written through `VersionWriter` alone would not show. The writer
    writes the legacy version; the standard's current pointer is then set to it here. (A
    precedence rule for withdrawals belongs in `catalogue.store`; see the project README.)
    """
    from noshub.catalogue.models import NosVersion, Standard
    from noshub.catalogue.store import Provenance, VersionWriter

    standard = draft.standard
    if standard is None or standard.current_id is None:
        raise lc.StageError([Reason("nothing_to_withdraw", urn=draft.urn)])
    writer = VersionWriter()
    state = _writer_state(writer, draft)
    before = _version_summary(standard.current)
    doc = dataclasses.replace(writer.current_document(state), validity="legacy")
    prov = Provenance(
        kind="edit",
        file=f"lifecycle project {project.pk}",
        raw={"project": project.pk, "draft": draft.pk, "withdrawn_by": user.get_username()},
        effective_at=_effective_after(state, now),
    )
    writer.save(doc, prov, state)
    writer.flush()
    version = NosVersion.objects.filter(standard=standard, content_hash=doc.content_hash()).order_by("-sequence").first()
    Standard.objects.filter(pk=standard.pk).update(current=version)
    _announce_change({standard.pk})
    draft.published_version = version
    draft.save(update_fields=["published_version"])
    audit(
        user,
        "withdraw",
        Reason("audit_withdrawn", urn=draft.urn),
        obj=draft,
        project=project,
        before=before,
        after=_version_summary(version),
    )


def _announce_change(standard_ids: set[int]) -> None:
    """Tell listeners (the search index) that a standard's current version changed outside a
    `VersionWriter.flush` (which sends the same signal itself)."""
    try:
        from noshub.catalogue.signals import standards_changed
    except ImportError:
        return
    from noshub.catalogue.store import VersionWriter

    standards_changed.send(sender=VersionWriter, standard_ids=standard_ids)


def _withdraw_project(user, project: Project, now: datetime) -> None:
    for draft in project.drafts.select_related("standard", "project__organisation"):
        if draft.action != "withdraw" and draft.standard_id:
            draft.standard.refresh_from_db()
            _withdraw_standard(user, project, draft, now)
