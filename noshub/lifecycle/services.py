"""Every read and write of the lifecycle that pages, the JSON API and the CLI share.

Each write checks the user's role (`permissions.require`), checks the stage rules
(`noshub.core.lifecycle`), and writes an `AuditEntry` with the values before and after.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import hmac
import io
import re
from collections import OrderedDict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from noshub.core import lifecycle as lc
from noshub.core import quality
from noshub.core.errors import NosHubError
from noshub.core.html import plain_text, sanitise, statements
from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, WELSH_COLUMNS, NosDocument, text_columns, welsh_column
from noshub.core.titles import title_key
from noshub.core.urns import normalise_urn
from noshub.core.versiondiff import diff_documents

from . import permissions as perms
from .models import Approval, AuditEntry, Comment, Draft, NationPart, Project

REVIEW_INTERVAL_YEARS = 3  # default indicative review date of a new draft: three years on
COMMENT_RATE_LIMIT = 5  # comments one address may send …
COMMENT_RATE_WINDOW = 3600  # … in this many seconds
COMMENT_MAX_LINKS = 2
COMMENT_MAX_LENGTH = 5000


class CommentRejected(NosHubError):
    """A consultation comment was not accepted (consultation closed, spam, too many)."""


class ConsultationClosed(CommentRejected):
    pass


# -- audit --------------------------------------------------------------------------------------


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


def audit(user, action: str, summary: str, *, obj=None, project=None, before=None, after=None) -> AuditEntry:
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
        summary=summary[:500],
        before=_jsonable(before),
        after=_jsonable(after),
    )


# -- projects -----------------------------------------------------------------------------------

PROJECT_FIELDS = ("title", "description", "checklist_accepted", "welsh_language", "consultation_closes")


@transaction.atomic
def create_project(user, *, title: str, organisation, kind: str = "development", description: str = "") -> Project:
    perms.require(user, perms.CREATE_PROJECT, organisation_id_=organisation.pk)
    if kind not in dict(Project.KIND_CHOICES):
        raise lc.StageError([f"Unknown kind of project {kind!r}."])
    project = Project.objects.create(
        title=title.strip(), organisation=organisation, kind=kind, description=description, created_by=user
    )
    NationPart.objects.bulk_create([NationPart(project=project, nation=n) for n in lc.NATIONS])
    audit(
        user,
        "create_project",
        f"Created project “{project.title}” for {organisation.name}",
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
        raise lc.StageError(["A published project cannot be changed."])
    if "consultation_closes" in values and project.stage not in (lc.PROPOSAL, lc.PART_B, lc.DRAFTING, lc.CONSULTATION):
        raise lc.StageError(["The consultation closing date cannot change once the consultation is over."])
    if "consultation_closes" in values and project.stage == lc.CONSULTATION:
        closes = values["consultation_closes"]
        if closes is None or closes < max(timezone.now(), project.consultation_closes or timezone.now()):
            raise lc.StageError(["An open consultation can only be extended: choose a later closing date."])
    before = _snapshot(project, PROJECT_FIELDS)
    for name, value in values.items():
        setattr(project, name, value)
    project.save()
    audit(
        user,
        "update_project",
        f"Changed project “{project.title}”",
        obj=project,
        project=project,
        before=before,
        after=_snapshot(project, PROJECT_FIELDS),
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
        raise lc.StageError(["Part A can only be changed in the proposal stage."])
    if set(values) & part_b and project.stage != lc.PART_B:
        raise lc.StageError(["Part B can only be changed in the Part B stage."])
    part = NationPart.objects.get(project=project, nation=nation)
    names = tuple(lc.PART_A_FIELDS) + tuple(lc.PART_B_FIELDS)
    before = _snapshot(part, names)
    for name, value in values.items():
        setattr(part, name, value.strip())
    part.save()
    audit(
        user,
        "update_nation_part",
        f"Changed {lc.NATION_LABELS[nation]}'s part of “{project.title}”",
        obj=part,
        project=project,
        before=before,
        after=_snapshot(part, names),
    )
    return part


@transaction.atomic
def respond(user, project: Project, nation: str, response: str, feedback: str = "", now: datetime | None = None) -> Approval:
    """A nation's response to the approval open at the project's stage."""
    perms.require(user, perms.RESPOND, project, for_nation=nation)
    _fresh(project)
    approval = lc.APPROVALS.get(project.stage, "")
    lc.check_response(project.stage, approval, nation, response, feedback)
    now = now or timezone.now()
    existing = Approval.objects.filter(project=project, approval=approval, nation=nation).first()
    names = ("response", "feedback", "responded_at")
    before = (
        _snapshot(existing, names) | {"responded_by": existing.responded_by.get_username() if existing.responded_by else ""}
        if existing
        else None
    )
    obj, _ = Approval.objects.update_or_create(
        project=project,
        approval=approval,
        nation=nation,
        defaults={"response": response, "feedback": feedback.strip(), "responded_by": user, "responded_at": now},
    )
    audit(
        user,
        "respond",
        f"{lc.NATION_LABELS[nation]}: {lc.RESPONSE_LABELS[response]} to {lc.APPROVAL_LABELS[approval]} of “{project.title}”",
        obj=obj,
        project=project,
        before=before,
        after=_snapshot(obj, names) | {"responded_by": user.get_username()},
    )
    return obj


# -- drafts -------------------------------------------------------------------------------------

DRAFT_EDIT_FIELDS = (
    "urn",
    "title",
    *HTML_SECTIONS,
    *LIST_SECTIONS,
    "category",
    "status",
    "originating_organisation",
    "original_urn",
    "relevant_occupations",
    "suites",
    "keywords",
    "soc_codes",
    "indicative_review_date",
    *WELSH_COLUMNS,
)


def statements_from_lines(text: str, prefix: str) -> list[dict]:
    """One statement a line (blank lines and leading numbers dropped): [{"ref": "P1", "text": …}, …]."""
    items = [line.strip() for line in (text or "").splitlines() if line.strip()]
    html = "<ul>" + "".join(f"<li>{_escape(i)}</li>" for i in items) + "</ul>" if items else ""
    return [{"ref": s.ref, "text": s.text} for s in statements(html, prefix)]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check_draft_editable(project: Project, names) -> None:
    welsh_only = all(n in WELSH_COLUMNS for n in names)
    allowed = lc.WELSH_EDITABLE_STAGES if welsh_only else lc.DRAFT_EDITABLE_STAGES
    if project.stage not in allowed:
        what = "Welsh text" if welsh_only else "Drafts"
        raise lc.StageError([f"{what} cannot be changed in {project.stage_label}."])


_HTML_COLUMNS = frozenset((*HTML_SECTIONS, *(welsh_column(name) for name in HTML_SECTIONS)))


def _clean_draft_values(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if name in _HTML_COLUMNS:
            out[name] = sanitise(value)
        elif name in ("urn", "title", "title_cy", "category", "status", "originating_organisation", "original_urn"):
            out[name] = (value or "").strip()
        else:
            out[name] = value
    return out


@transaction.atomic
def add_draft(
    user, project: Project, *, urn: str = "", title: str = "", from_urn: str = "", action: str = "", today: date | None = None
) -> Draft:
    """A new NOS (`urn`, `title`), or a new version of the existing NOS `from_urn` (its current text copied)."""
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    _check_draft_editable(project, ["urn"])
    today = today or timezone.localdate()
    review = _years_after(today, REVIEW_INTERVAL_YEARS)
    if from_urn:
        from noshub.catalogue.services import NotFound, get_standard

        try:
            standard = get_standard(from_urn)
        except NotFound as exc:
            raise lc.StageError([str(exc)]) from None
        if project.drafts.filter(standard=standard).exists():
            raise lc.StageError([f"The project already has a draft of {standard.urn}."])
        base = standard.current
        doc = base.to_document() if base else NosDocument(urn=standard.urn, title=title or standard.urn)
        fields = _document_fields(doc)
        fields["indicative_review_date"] = review
        draft = Draft.objects.create(project=project, action=action or "revise", standard=standard, base_version=base, **fields)
    else:
        if not urn.strip() or not title.strip():
            raise lc.StageError(["A new NOS needs a URN and a title."])
        if project.drafts.filter(urn__iexact=urn.strip()).exists():
            raise lc.StageError([f"The project already has a draft with URN {urn.strip()}."])
        draft = Draft.objects.create(
            project=project, action="new", urn=urn.strip(), title=title.strip(), indicative_review_date=review
        )
    audit(
        user,
        "add_draft",
        f"Added draft {draft.urn} “{draft.title}” ({draft.get_action_display()})",
        obj=draft,
        project=project,
        after=_snapshot(draft, ("urn", "title", "action")) | {"base_version": draft.base_version_id},
    )
    return draft


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _document_fields(doc: NosDocument) -> dict:
    return dict(
        **text_columns(doc),
        category=doc.category,
        status=doc.status,
        originating_organisation=doc.originating_organisation,
        original_urn=doc.original_urn,
        relevant_occupations=sorted(doc.relevant_occupations),
        suites=sorted(doc.suites),
        keywords=list(doc.keywords),
        soc_codes=[{"code": s.code, "classification": s.classification} for s in doc.soc_codes],
    )


@transaction.atomic
def update_draft(user, draft: Draft, **values) -> Draft:
    project = draft.project
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    unknown = set(values) - set(DRAFT_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"Not a draft field: {', '.join(sorted(unknown))}")
    _check_draft_editable(project, values)
    if "urn" in values and draft.action != "new" and normalise_urn(values["urn"]) != normalise_urn(draft.urn):
        raise lc.StageError(["A new version keeps the URN of the NOS it revises."])
    before = _snapshot(draft, DRAFT_EDIT_FIELDS)
    for name, value in _clean_draft_values(values).items():
        setattr(draft, name, value)
    draft.save()
    audit(
        user,
        "update_draft",
        f"Changed draft {draft.urn}",
        obj=draft,
        project=project,
        before=before,
        after=_snapshot(draft, DRAFT_EDIT_FIELDS),
    )
    return draft


@transaction.atomic
def remove_draft(user, draft: Draft) -> None:
    project = draft.project
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    _check_draft_editable(project, ["urn"])
    if draft.comments.exists():
        raise lc.StageError([f"Draft {draft.urn} has consultation comments and cannot be removed."])
    audit(
        user,
        "remove_draft",
        f"Removed draft {draft.urn}",
        obj=draft,
        project=project,
        before=_snapshot(draft, ("urn", "title", "action")),
    )
    draft.delete()


# -- quality ------------------------------------------------------------------------------------


DUPLICATE_WARNING_SCORE = 0.6  # "already covered" hits at or above this score are reported


def similar_nos(doc: NosDocument, exclude_slug: str = "") -> tuple[list[quality.SimilarNos], str]:
    """Existing NOS that may already cover a draft, and which search found them.

    Uses the cleansing app's "already covered" search (`noshub.cleansing.services.already_covered`,
    hits scoring at least `DUPLICATE_WARNING_SCORE`) when it can be imported; otherwise falls
    back to current NOS whose title is the same once lower-cased, stripped of punctuation and
    of the word "legacy" (`noshub.core.titles.title_key`). The draft's own NOS is left out.
    """
    try:
        from noshub.cleansing.services import already_covered
        from noshub.core.duplicates import NosText
    except ImportError:
        already_covered = None
    if already_covered is not None:
        text = NosText(
            key="(draft)",
            urn=doc.urn,
            title=doc.title,
            overview=plain_text(doc.overview),
            statements=tuple((s.ref, s.text) for s in (*doc.performance_criteria, *doc.knowledge_and_understanding)),
            keywords=tuple(doc.keywords),
        )
        try:
            result = already_covered(text, limit=6)
        except Exception as exc:  # noqa: BLE001 - another app's search failing must not stop the checks
            return _same_title(doc, exclude_slug), f"same title (the already-covered search failed: {exc})"
        found = [
            quality.SimilarNos(urn=r["urn"], title=r["title"], slug=r["nos"], score=r["score"])
            for r in result.get("nos", [])
            if r["nos"] != exclude_slug and r["score"] >= DUPLICATE_WARNING_SCORE
        ]
        return found[:5], "already covered (cleansing)"
    return _same_title(doc, exclude_slug), "same title"


def _same_title(doc: NosDocument, exclude_slug: str) -> list[quality.SimilarNos]:
    from noshub.catalogue.models import NosVersion, Standard

    key = title_key(doc.title)
    if not key:
        return []
    first_word = key.split()[0]
    rows = (
        NosVersion.objects.filter(id__in=Standard.objects.values("current_id"), validity="current", title__icontains=first_word)
        .exclude(standard__slug=exclude_slug)
        .values_list("urn", "title", "standard__slug")
    )
    return [quality.SimilarNos(urn=u, title=t, slug=s) for u, t, s in rows if title_key(t) == key][:5]


def quality_report(draft: Draft, today: date | None = None) -> quality.QualityReport:
    """The quality checks of a draft, plus: a new NOS must not take a URN the catalogue already uses."""
    today = today or timezone.localdate()
    doc = draft.to_document()
    report = quality.check(doc, today=today, similar=lambda d: similar_nos(d, draft.standard.slug if draft.standard_id else ""))
    if draft.action == "new" and doc.urn.strip():
        from noshub.catalogue.models import Standard

        taken = Standard.objects.filter(urn_key=normalise_urn(doc.urn)).values_list("slug", flat=True).first()
        if taken:
            report.findings.insert(
                0,
                quality.Finding(
                    "urn_taken",
                    quality.ERROR,
                    "urn",
                    "",
                    f"URN {doc.urn} is already used by the NOS {taken}: choose another URN.",
                ),
            )
    return report


# -- stages -------------------------------------------------------------------------------------


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
            quality_errors=0 if d.action == "withdraw" else len(quality_report(d, today).errors),
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
        f"“{project.title}” moved to {project.stage_label}",
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
        raise lc.StageError(["Say why the project goes back to drafting."])
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
        f"“{project.title}” sent back to drafting: {reason.strip()}",
        obj=project,
        project=project,
        before=before,
        after={"stage": project.stage, "responses": [], "reason": reason.strip()},
    )
    return project


# -- publishing ---------------------------------------------------------------------------------


def _writer_state(writer, draft: Draft):
    for state in writer.states_for_urn(draft.standard.urn):
        if state.standard.pk == draft.standard_id:
            return state
    raise lc.StageError([f"NOS {draft.standard.slug} is not in the catalogue."])


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
            f"Published {doc.urn} version {doc.version_number} (approved {doc.date_approved})",
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
        raise lc.StageError([f"{draft.urn} has no published version to withdraw."])
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
        f"Withdrew {draft.urn} to legacy",
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


# -- consultation -------------------------------------------------------------------------------


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


def _rate_limited(ip_hash: str) -> bool:
    """True once an address has sent COMMENT_RATE_LIMIT comments within COMMENT_RATE_WINDOW seconds."""
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
) -> Comment:
    """A public comment, held for moderation. Anyone may comment while the consultation is open."""
    perms.require(user, perms.COMMENT, project)
    _fresh(project)
    if not consultation_open(project, now):
        raise ConsultationClosed("This consultation is not open for comments.")
    if draft.project_id != project.pk:
        raise CommentRejected("That NOS is not part of this consultation.")
    if honeypot:
        raise CommentRejected("Your comment could not be accepted.")
    text = (text or "").strip()
    if not text:
        raise CommentRejected("Write your comment.")
    if len(text) > COMMENT_MAX_LENGTH:
        raise CommentRejected(f"A comment can be at most {COMMENT_MAX_LENGTH} characters long.")
    if len(_LINK.findall(text)) > COMMENT_MAX_LINKS:
        raise CommentRejected(f"A comment can hold at most {COMMENT_MAX_LINKS} links.")
    item_ref = (item_ref or "").strip().upper()
    item_text = ""
    if item_ref:
        items = {i["ref"]: i["text"] for i in (*draft.performance_criteria, *draft.knowledge_and_understanding)}
        if item_ref not in items:
            raise CommentRejected(f"{draft.urn} has no item {item_ref}.")
        item_text = items[item_ref]
    ip_hash = hash_address(ip)
    if _rate_limited(ip_hash):
        raise CommentRejected("You have sent several comments in a short time: please wait an hour and try again.")
    comment = Comment.objects.create(
        project=project,
        draft=draft,
        item_ref=item_ref,
        item_text=item_text,
        name=name.strip()[:120],
        organisation=organisation.strip()[:200],
        email=email.strip(),
        text=text,
        ip_hash=ip_hash,
    )
    audit(
        user,
        "comment",
        f"Comment on {draft.urn}{' ' + item_ref if item_ref else ''} awaiting moderation",
        obj=comment,
        project=project,
        after={"item_ref": item_ref, "text": text, "name": comment.name},
    )
    return comment


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
        f"Comment {comment.pk} on {comment.draft.urn}: {outcome}",
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
        raise lc.StageError(["Only published comments get a decision."])
    if not response.strip():
        raise lc.StageError(["Write a response to the comment."])
    if _fresh(comment.project).stage in (lc.PUBLISHED, lc.WITHDRAWN):
        raise lc.StageError(["The project is published: its consultation record is closed."])
    before = {"decision": comment.decision, "response": comment.response}
    comment.decision = decision
    comment.response = response.strip()
    comment.decided_by = user
    comment.decided_at = timezone.now()
    comment.save()
    audit(
        user,
        "decide_comment",
        f"Comment {comment.pk} on {comment.draft.urn}: {decision}",
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
        items = [("", "The whole NOS")] + [
            (i["ref"], i["text"]) for i in (*draft.performance_criteria, *draft.knowledge_and_understanding)
        ]
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
    writer = csv.writer(out)
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
                _csv_safe(c.text),
                c.created_at.isoformat(),
                c.moderation,
                c.decision,
                _csv_safe(c.response),
                c.decided_by.get_username() if c.decided_by else "",
                c.decided_at.isoformat() if c.decided_at else "",
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a comment as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# -- reading ------------------------------------------------------------------------------------


def draft_dict(draft: Draft, today: date | None = None) -> dict:
    report = quality_report(draft, today) if draft.action != "withdraw" else None
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
