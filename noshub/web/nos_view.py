"""A NOS as each audience reads it, in the reader's language.

One function, `present(detail, language)`, turns `catalogue.services.standard_detail` into what
the NOS pages, the summary, the print view, the PDF and the DOCX show: the full common template
(every section the data holds), a bite-sized summary, and the details. Welsh text is used where
the NOS has it, otherwise English with a notice; each section says which language it is in so
that pages can mark it with ``lang``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from noshub.core.html import plain_text, sanitise
from noshub.core.model import BODY_SECTIONS, SECTION_LABELS, TEXT_SECTIONS

SUMMARY_ITEMS = 12  # statements shown per list in the bite-sized summary before "and N more"
SUMMARY_OVERVIEW_WORDS = 60


def label(name: str, language: str) -> str:
    """The official English or Welsh name of a template field."""
    return SECTION_LABELS[name][1 if is_welsh(language) else 0]


def is_welsh(language: str | None) -> bool:
    return (language or "").lower().startswith("cy")


def _text_in(v: dict, name: str, welsh: bool) -> tuple[object, str]:
    """A section's value in Welsh when asked for and held, otherwise in English: (value, lang)."""
    if welsh:
        value = (v.get("welsh") or {}).get(name)
        if value:
            return value, "cy"
    return v.get(name), "en"


def _short(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def present(detail: dict, language: str) -> dict:
    """Everything the NOS views show, in `language` ("en" or "cy")."""
    welsh = is_welsh(language)
    v = detail["current"] or {}
    title, title_lang = _text_in(v, "title", welsh)
    sections = []
    for name in BODY_SECTIONS:
        value, lang = _text_in(v, name, welsh)
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
    by_name = {s["name"]: s for s in sections}
    has_text = bool(sections)
    welsh_held = any((v.get("welsh") or {}).get(n) for n in TEXT_SECTIONS)
    overview = by_name.get("overview")
    summary = {
        "overview": _short(overview["text"], SUMMARY_OVERVIEW_WORDS) if overview else "",
        "overview_lang": overview["lang"] if overview else "en",
        "lists": [
            {
                "name": name,
                "heading": heading,
                "lang": by_name[name]["lang"],
                "items": [i["text"] for i in by_name[name]["items"][:SUMMARY_ITEMS]],
                "more": max(0, len(by_name[name]["items"]) - SUMMARY_ITEMS),
            }
            for name, heading in (
                ("performance_criteria", _("What you must be able to do")),
                ("knowledge_and_understanding", _("What you need to know and understand")),
            )
            if name in by_name
        ],
    }
    details = [
        (label("urn", language) if "urn" in SECTION_LABELS else _("URN"), v.get("urn") or detail["urn"]),
        (label("developed_by", language), v.get("developed_by") or _("Not stated")),
        (label("validity", language), _validity(v.get("validity"))),
        (label("status", language), _status(v.get("status"))),
        (label("category", language), _category(v.get("category"))),
        (label("version_number", language), v.get("version_number") or _("Not stated")),
        (label("date_approved", language), v.get("date_approved") or _("Not stated")),
        (label("indicative_review_date", language), v.get("indicative_review_date") or _("Not set")),
        (label("originating_organisation", language), v.get("originating_organisation") or _("Not stated")),
        (label("relevant_occupations", language), "; ".join(v.get("relevant_occupations") or []) or _("None")),
        (label("keywords", language), "; ".join(_keywords(v, welsh)) or _("None")),
    ]
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
        "summary": summary,
        "details": [{"label": str(k), "value": str(val)} for k, val in details],
        "soc_codes": v.get("soc_codes") or [],
        "suites": v.get("suites") or [],
        "developed_by": v.get("developed_by") or "",
        "original_urn": v.get("original_urn") or "",
        "original_standard": v.get("original_standard"),
        "indicative_review_date_raw": v.get("indicative_review_date_raw") or "",
        "validity": v.get("validity") or "",
        "labels": {k: label(k, language) for k in ("suites", "soc_codes", "original_urn")},
    }


def _keywords(v: dict, welsh: bool) -> list[str]:
    if welsh and (v.get("welsh") or {}).get("keywords"):
        return list(v["welsh"]["keywords"])
    return list(v.get("keywords") or [])


def _validity(value: str | None) -> str:
    return {"current": _("Current"), "legacy": _("Legacy"), "archive": _("Archive")}.get(value or "", _("Not stated"))


def _status(value: str | None) -> str:
    return {"original": _("Original"), "tailored": _("Tailored"), "imported": _("Imported")}.get(
        value or "", value or _("Not stated")
    )


def _category(value: str | None) -> str:
    return {"core": _("Core"), "generic": _("Generic"), "job_specific": _("Job specific")}.get(value or "", _("Not stated"))


def summary_dict(detail: dict, language: str) -> dict:
    """The bite-sized summary as JSON: the twin of the summary page."""
    p = present(detail, language)
    return {
        "slug": p["slug"],
        "urn": p["urn"],
        "title": p["title"],
        "language": p["language"],
        "overview": p["summary"]["overview"],
        "what_you_must_be_able_to_do": [i["text"] for i in _section_items(p, "performance_criteria")],
        "what_you_need_to_know": [i["text"] for i in _section_items(p, "knowledge_and_understanding")],
        "text_partial": p["text_partial"],
    }


def _section_items(p: dict, name: str) -> list[dict]:
    for s in p["sections"]:
        if s["name"] == name:
            return s["items"]
    return []
