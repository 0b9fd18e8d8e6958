"""Service functions that pages, the API and the CLI share, so that they never disagree."""

from __future__ import annotations

from django.db.models import F

from noshub.core.errors import NotFound
from noshub.core.finder_links import official_page
from noshub.core.model import TEXT_SECTIONS, WELSH_SECTIONS, welsh_column
from noshub.core.urns import normalise_urn

from .models import NosSocCode, NosVersion, Standard


def find_standards(urn: str) -> list[Standard]:
    """Every standard under a URN written in any form (``CFAM&LAA1``, ``cfam_laa1``). Control
    characters are no part of a URN (and PostgreSQL refuses NUL): they are dropped."""
    text = "".join(c for c in urn if c.isprintable()).strip()
    if "~" in text:
        return list(Standard.objects.filter(slug=normalise_urn(text.split("~")[0]) + "~" + text.split("~")[1]))
    return list(Standard.objects.filter(urn_key=normalise_urn(text)).order_by("variant"))


def get_standard(urn_or_slug: str) -> Standard:
    found = find_standards(urn_or_slug)
    if not found:
        raise NotFound(f"No NOS with URN {urn_or_slug!r}")
    return found[0]


def _version_queryset():
    return NosVersion.objects.select_related("developed_by", "original_standard")


def _listed(version: NosVersion) -> dict:
    """A version's listed fields (occupations, suites, keywords, SOC codes), as values: four small
    queries, none of them building a model (the NOS page's largest cost once)."""

    def names(field: str, column: str) -> list[str]:
        through = getattr(NosVersion, field).through
        return list(through.objects.filter(nosversion_id=version.id).values_list(column, flat=True))

    codes = (
        NosSocCode.objects.filter(version_id=version.id)
        .order_by("position")
        .values_list("soc_code__code", "soc_code__classification", "source", "weight", "confidence")
    )
    return {
        "relevant_occupations": sorted(names("occupations", "occupation__name")),
        "suites": sorted(names("suites", "suite__name")),
        "keywords": sorted(names("keywords", "keyword__text"), key=str.lower),
        "soc_codes": [
            {"code": code, "classification": classification, "source": source, "weight": weight, "confidence": confidence}
            for code, classification, source, weight, confidence in codes
        ],
    }


def version_dict(version: NosVersion) -> dict:
    """A version in the template's field order, JSON-ready."""
    data = {
        "urn": version.urn,
        **{name: getattr(version, name) for name in TEXT_SECTIONS},
        "developed_by": version.developed_by.name if version.developed_by_id else "",
        "version_number": version.version_number,
        "date_approved": version.date_approved.isoformat() if version.date_approved else None,
        "indicative_review_date": version.indicative_review_date.isoformat() if version.indicative_review_date else None,
        "indicative_review_date_raw": version.indicative_review_date_raw,
        "validity": version.validity,
        "status": version.status,
        "category": version.category,
        "originating_organisation": version.originating_organisation,
        "original_urn": version.original_urn,
        "original_standard": version.original_standard.slug if version.original_standard_id else None,
        **_listed(version),
        "welsh": {name: getattr(version, welsh_column(name)) for name in WELSH_SECTIONS},
        "text_partial": version.text_partial,
        "provenance": {
            "sequence": version.sequence,
            "source": version.source_kind,
            "file": version.source_file,
            "row": version.source_row,
            "effective_at": version.effective_at.isoformat(),
        },
    }
    return data


def standard_detail(standard: Standard) -> dict:
    """A NOS with its current version and its history: what `show`, the NOS page and the API give."""
    versions = list(_version_queryset().filter(standard=standard).order_by("-sequence"))
    current = next((v for v in versions if v.id == standard.current_id), None)
    # Only a standard whose URN is shared (`urn_clash`, set when the second one arrives) has siblings.
    siblings = (
        Standard.objects.filter(urn_key=standard.urn_key).exclude(id=standard.id).values_list("slug", flat=True)
        if standard.urn_clash
        else []
    )
    return {
        "slug": standard.slug,
        "urn": standard.urn,
        "urn_clash": standard.urn_clash,
        "other_standards_with_this_urn": list(siblings),
        "current": version_dict(current) if current else None,
        # Its page on the official NOS finder: a held finder page's own address, else the
        # address the finder's slug rule gives for the current title (`core.finder_links`).
        "finder_url": official_page(
            standard.urn,
            current.title if current else "",
            [(v.raw or {}).get("url", "") for v in versions if v.source_kind == "page"],
        ),
        "history": [
            {
                "sequence": v.sequence,
                "title": v.title,
                "validity": v.validity,
                "source": v.source_kind,
                "file": v.source_file,
                "row": v.source_row,
                "effective_at": v.effective_at.isoformat(),
                "is_current": v.id == standard.current_id,
            }
            for v in versions
        ],
        # Standards whose current version names this one as its Original URN.
        "derived_standards": sorted(
            set(standard.derived_versions.filter(standard__current_id=F("id")).values_list("standard__slug", flat=True))
        ),
    }
