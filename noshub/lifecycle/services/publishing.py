"""Publishing: each approved draft becomes a new catalogue version, or its NOS is withdrawn to legacy."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from noshub.core.urns import normalise_urn
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from ..models import Draft, Project
from .audit import _jsonable, audit
from .drafts import KEPT_SOC_SOURCES, REVIEW_INTERVAL_YEARS, _years_after
from .placing import write_placement


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
        review = draft.indicative_review_date or _years_after(approved, REVIEW_INTERVAL_YEARS)
        doc = draft.to_document(
            version_number=next_version_number(state.standard.pk),
            date_approved=approved,
            indicative_review_date=review,
            status=draft.status or _status(draft),
            # SOC 2020 codes are written below with where they came from (crosswalk, confirmed, suggested)
            soc_codes=tuple(s for s in draft.to_document().soc_codes if s.classification != "2020"),
        )
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
        _write_soc2020(draft, version)
        write_placement(draft, state.standard.pk)
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


def next_version_number(standard_id: int | None) -> int:
    """The NOS's next version number: one more than the highest on record. The 2019 catalogue
    records none: a NOS NOS Hub already holds (from the catalogue or the finder pages, the same
    published NOS) counts as version 1, so its first revision is version 2."""
    from noshub.catalogue.models import NosVersion

    if not standard_id:
        return 1
    versions = NosVersion.objects.filter(standard_id=standard_id)
    highest = versions.aggregate(n=Max("version_number"))["n"]
    if highest is None:
        highest = 1 if versions.exists() else 0
    return highest + 1


def _status(draft: Draft) -> str:
    """A draft that names another NOS as its original is tailored from it; else it is original."""
    if draft.original_urn and normalise_urn(draft.original_urn) != normalise_urn(draft.urn):
        return "tailored"
    return "original"


SOC_SUGGESTIONS = 3  # SOC 2020 suggestions a new NOS without codes gets, for SOC review


def _write_soc2020(draft: Draft, version) -> None:
    """The draft's SOC 2020 codes on the published version: a code the base version had keeps
    its source (crosswalk, confirmed); a code the developer added is a suggestion for SOC review;
    a NOS with none gets the SOC coder's suggestions, with their confidence, for review."""
    from noshub.catalogue.models import NosSocCode, SocCode

    if version is None:
        return
    base_sources = {}
    if draft.base_version_id:
        for code, source in draft.base_version.nossoccode_set.filter(
            soc_code__classification="2020", source__in=KEPT_SOC_SOURCES
        ).values_list("soc_code__code", "source"):
            base_sources.setdefault(code, source)
    codes = [c["code"] for c in draft.soc_codes if c.get("classification") == "2020"]
    rows = [(code, base_sources.get(code, "suggested"), None) for code in dict.fromkeys(codes)]
    if not rows:
        rows = [(code, "suggested", confidence) for code, confidence in _suggestions(draft)]
    for position, (code, source, confidence) in enumerate(rows):
        soc = SocCode.objects.get_or_create(classification="2020", code=code)[0]
        NosSocCode.objects.get_or_create(
            version=version, soc_code=soc, source=source, defaults={"position": position, "confidence": confidence}
        )


def _suggestions(draft: Draft) -> list[tuple[str, float]]:
    """The SOC coder's first suggestions for a draft (none when no coder is fitted)."""
    from noshub.soc.services import SocError, suggest_for_text

    text = " ".join(
        [draft.title, *(s["text"] for s in draft.performance_criteria), *(s["text"] for s in draft.knowledge_and_understanding)]
    )
    try:
        return [(s.code, float(s.confidence)) for s in suggest_for_text(text, top=SOC_SUGGESTIONS)]
    except SocError:
        return []


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
