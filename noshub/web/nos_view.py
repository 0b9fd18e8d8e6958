"""A NOS as each audience reads it, in the reader's language.

One function, `present(detail, language)`, turns `catalogue.services.standard_detail` into what
the NOS pages, the summary, the print view, the PDF and the DOCX show: the full common template
(every section the data holds) and the details; the summary's sentences are `web.summary`'s.
Welsh text is used where the NOS has it, otherwise English with a notice; each section says which language it is in so
that pages can mark it with ``lang``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from noshub.core.html import plain_text, sanitise
from noshub.core.model import BODY_SECTIONS, SECTION_LABELS, TEXT_SECTIONS


def label(name: str, language: str) -> str:
    """The official English or Welsh name of a template field."""
    return SECTION_LABELS[name][1 if is_welsh(language) else 0]


def is_welsh(language: str | None) -> bool:
    return (language or "").lower().startswith("cy")


def text_in(v: dict, name: str, welsh: bool) -> tuple[object, str]:
    """A section's value in Welsh when asked for and held, otherwise in English: (value, lang)."""
    if welsh:
        value = (v.get("welsh") or {}).get(name)
        if value:
            return value, "cy"
    return v.get(name), "en"


def present(detail: dict, language: str) -> dict:
    """Everything the NOS views show, in `language` ("en" or "cy")."""
    welsh = is_welsh(language)
    v = detail["current"] or {}
    title, title_lang = text_in(v, "title", welsh)
    sections = []
    for name in BODY_SECTIONS:
        value, lang = text_in(v, name, welsh)
        if not value:
            continue
        section = {"name": name, "label": label(name, language), "lang": lang, "is_list": isinstance(value, list)}
        if section["is_list"]:
            section["items"] = [{"ref": s["ref"], "text": s["text"]} for s in value]
        else:
            # Sanitised on import; sanitised again here so that no path into the store can
            # put live markup on a page, in a PDF or in a DOCX.
            section["html"] = sanitise(value)
            section["text"] = plain_text(section["html"])
        sections.append(section)
    has_text = bool(sections)
    welsh_held = any((v.get("welsh") or {}).get(n) for n in TEXT_SECTIONS)
    details = [
        ("urn", _("URN"), v.get("urn") or detail["urn"]),
        ("developed_by", label("developed_by", language), v.get("developed_by") or _("Not stated")),
        ("validity", label("validity", language), validity_label(v.get("validity"))),
        ("status", label("status", language), _status(v.get("status"))),
        ("category", label("category", language), _category(v.get("category"))),
        ("version_number", label("version_number", language), v.get("version_number") or _("Not stated")),
        ("date_approved", label("date_approved", language), v.get("date_approved") or _("Not stated")),
        ("indicative_review_date", label("indicative_review_date", language), v.get("indicative_review_date") or _("Not set")),
        (
            "originating_organisation",
            label("originating_organisation", language),
            v.get("originating_organisation") or _("Not stated"),
        ),
        (
            "relevant_occupations",
            label("relevant_occupations", language),
            "; ".join(v.get("relevant_occupations") or []) or _("None"),
        ),
        ("keywords", label("keywords", language), "; ".join(_keywords(v, welsh)) or _("None")),
    ]
    review_date = v.get("indicative_review_date") or ""
    return {
        "slug": detail["slug"],
        "urn": detail["urn"],
        "title": title or detail["urn"],
        "title_lang": title_lang,
        "language": "cy" if welsh else "en",
        "english_only_notice": welsh and has_text and not welsh_held,
        "partly_english_notice": welsh and welsh_held and any(s["lang"] == "en" for s in sections),
        "has_text": has_text,
        "text_partial": bool(v.get("text_partial")),
        "sections": sections,
        "details": [{"name": name, "label": str(k), "value": str(val)} for name, k, val in details],
        "finder_url": detail.get("finder_url") or "",
        # What a reader must know about the text before reading it (pages, PDF and DOCX say it
        # first), and the words of the link to the official NOS finder that goes with it.
        "text_notice": _text_notice(has_text, bool(v.get("text_partial"))),
        "finder_link_text": (
            _("Read the full standard on the official NOS finder")
            if not has_text or v.get("text_partial")
            else _("This standard on the official NOS finder")
        ),
        "review_date": review_date,
        "review_overdue": bool(review_date) and date.fromisoformat(review_date) < timezone.localdate(),
        "versions": [_version_row(h) for h in detail.get("history") or []],
        "placeholder_review_date": "" if review_date else (v.get("indicative_review_date_raw") or ""),
        "soc_codes": [{**c, "source_label": _soc_source(c.get("source"))} for c in v.get("soc_codes") or []],
        "suites": v.get("suites") or [],
        "developed_by": v.get("developed_by") or "",
        "original_urn": v.get("original_urn") or "",
        "original_standard": v.get("original_standard"),
        "indicative_review_date_raw": v.get("indicative_review_date_raw") or "",
        "validity": v.get("validity") or "",
        "labels": {k: label(k, language) for k in ("suites", "soc_codes", "original_urn")},
    }


def _text_notice(has_text: bool, partial: bool) -> str:
    if partial:
        return _("The text below is an excerpt of the published standard and may be incomplete.")
    if not has_text:
        return _("NOS Hub holds this standard’s details but not its text.")
    return ""


def _version_row(h: dict) -> dict:
    """A version in the history, in plain words: where it came from, without internal names."""
    return {
        "sequence": h["sequence"],
        "title": h["title"],
        "validity": validity_label(h["validity"]),
        "took_effect": (h["effective_at"] or "")[:10],
        "is_current": h["is_current"],
        "source": _source(h["source"]),
        "source_detail": _source_detail(h),
    }


def _source(kind: str) -> str:
    """Where a version came from, as a reader would say it."""
    return {
        "catalogue": _("The NOS catalogue"),
        "page": _("The official NOS finder"),
        "json": _("A NOS file"),
        "edit": _("Edited in NOS Hub"),
    }.get(kind, _("Not stated"))


def _source_detail(h: dict) -> str:
    """The same, with the file and the place in it, for the provenance disclosure."""
    kind, file, row = h["source"], h.get("file") or "", h.get("row")
    if kind == "catalogue":
        if row:
            return _("Row %(row)s of the catalogue spreadsheet “%(file)s”.") % {"row": row, "file": file}
        return _("The catalogue spreadsheet “%(file)s”.") % {"file": file}
    if kind == "page":
        return _(
            "A saved copy of this standard’s page on the official NOS finder (record %(row)s of “%(file)s”). "
            "Only the start of the page was saved."
        ) % {"row": row or "?", "file": file}
    if kind == "json":
        return _("Record %(row)s of the NOS file “%(file)s”.") % {"row": row or 1, "file": file}
    return _("A change made in NOS Hub.")


def _soc_source(value: str | None) -> str:
    """How a SOC code came to a NOS (`catalogue.models.SOC_PROVENANCE`), in the reader's language."""
    return {
        "catalogue": _("from the catalogue"),
        "crosswalk": _("crosswalked"),
        "suggested": _("suggested"),
        "confirmed": _("confirmed"),
    }.get(value or "", value or "")


def _keywords(v: dict, welsh: bool) -> list[str]:
    if welsh and (v.get("welsh") or {}).get("keywords"):
        return list(v["welsh"]["keywords"])
    return list(v.get("keywords") or [])


def validity_label(value: str | None) -> str:
    return {"current": _("Current"), "legacy": _("Legacy"), "archive": _("Archive")}.get(value or "", _("Not stated"))


def _status(value: str | None) -> str:
    return {"original": _("Original"), "tailored": _("Tailored"), "imported": _("Imported")}.get(
        value or "", value or _("Not stated")
    )


def _category(value: str | None) -> str:
    return {"core": _("Core"), "generic": _("Generic"), "job_specific": _("Job specific")}.get(value or "", _("Not stated"))
