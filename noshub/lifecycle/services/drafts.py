"""Drafts: add, change and remove the draft NOS of a project while its stage allows it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from noshub.core.html import sanitise, statements
from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, WELSH_COLUMNS, NosDocument, text_columns, welsh_column
from noshub.core.urns import normalise_urn
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import Draft, Project
from .audit import _fresh, _snapshot, audit

REVIEW_INTERVAL_YEARS = 3  # default indicative review date of a new draft: three years on


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
        raise lc.StageError([Reason("welsh_frozen" if welsh_only else "drafts_frozen", stage=project.stage)])


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
        except NotFound:
            raise lc.StageError([Reason("no_standard_with_urn", urn=repr(from_urn))]) from None
        if project.drafts.filter(standard=standard).exists():
            raise lc.StageError([Reason("draft_of_standard_exists", urn=standard.urn)])
        from .ownership import check_owner

        check_owner(project, standard)
        base = standard.current
        doc = base.to_document() if base else NosDocument(urn=standard.urn, title=title or standard.urn)
        fields = _document_fields(doc)
        fields["soc_codes"] += soc2020_codes(base)
        fields["indicative_review_date"] = review
        draft = Draft.objects.create(project=project, action=action or "revise", standard=standard, base_version=base, **fields)
    else:
        if not urn.strip() or not title.strip():
            raise lc.StageError([Reason("new_nos_incomplete")])
        if project.drafts.filter(urn__iexact=urn.strip()).exists():
            raise lc.StageError([Reason("draft_urn_exists", urn=urn.strip())])
        draft = Draft.objects.create(
            project=project,
            action="new",
            urn=urn.strip(),
            title=title.strip(),
            indicative_review_date=review,
            status="original",
            original_urn=urn.strip(),
        )
    audit(
        user,
        "add_draft",
        Reason("audit_draft_added", urn=draft.urn, title=draft.title, action=draft.action),
        obj=draft,
        project=project,
        after=_snapshot(draft, ("urn", "title", "action")) | {"base_version": draft.base_version_id},
    )
    return draft


#: SOC 2020 links a revision carries over (the reviewed ones: crosswalked from the catalogue's SOC
#: 2010 code, or confirmed by a SOC reviewer); `noshub.soc` keeps them on the current version.
KEPT_SOC_SOURCES = ("crosswalk", "confirmed")


def soc2020_codes(version) -> list[dict]:
    """The SOC 2020 codes of a catalogue version that a draft of it starts with."""
    if version is None:
        return []
    links = (
        version.nossoccode_set.filter(source__in=KEPT_SOC_SOURCES, soc_code__classification="2020")
        .select_related("soc_code")
        .order_by("position", "id")
    )
    seen, out = set(), []
    for link in links:
        if link.soc_code.code not in seen:
            seen.add(link.soc_code.code)
            out.append({"code": link.soc_code.code, "classification": "2020"})
    return out


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
        raise lc.StageError([Reason("revision_keeps_urn")])
    before = _snapshot(draft, DRAFT_EDIT_FIELDS)
    for name, value in _clean_draft_values(values).items():
        setattr(draft, name, value)
    draft.save()
    audit(
        user,
        "update_draft",
        Reason("audit_draft_changed", urn=draft.urn),
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
        raise lc.StageError([Reason("draft_has_comments", urn=draft.urn)])
    audit(
        user,
        "remove_draft",
        Reason("audit_draft_removed", urn=draft.urn),
        obj=draft,
        project=project,
        before=_snapshot(draft, ("urn", "title", "action")),
    )
    draft.delete()


@transaction.atomic
def justify_duplicate(user, draft: Draft, justification: str) -> Draft:
    """Record why a NOS is needed although the "already covered" check found a near-identical
    one (publishing waits for it). Allowed until the project is published."""
    project = draft.project
    perms.require(user, perms.EDIT_PROJECT, project)
    _fresh(project)
    if project.stage in (lc.PUBLISHED, lc.WITHDRAWN, lc.ABANDONED):
        raise lc.StageError([Reason("project_published")])
    if not (justification or "").strip():
        raise lc.StageError([Reason("justification_missing")])
    before = {"duplicate_justification": draft.duplicate_justification}
    draft.duplicate_justification = justification.strip()
    draft.save(update_fields=["duplicate_justification", "updated_at"])
    audit(
        user,
        "justify_duplicate",
        Reason("audit_duplicate_justified", urn=draft.urn, justification=draft.duplicate_justification),
        obj=draft,
        project=project,
        before=before,
        after={"duplicate_justification": draft.duplicate_justification},
    )
    return draft
