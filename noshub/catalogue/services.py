"""Service functions that pages, the API and the CLI share, so that they never disagree."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F

from noshub.core.errors import NotFound
from noshub.core.finder_links import official_page
from noshub.core.model import TEXT_SECTIONS, WELSH_SECTIONS, welsh_column
from noshub.core.urns import normalise_urn

from .models import NosSocCode, NosVersion, Standard
from .prepared import Prepared

# The standards under a URN (a prepared query: every NOS page asks it), as models.
_STANDARD_FIELDS = [field.attname for field in Standard._meta.concrete_fields]
_BY_URN_KEY = Prepared(
    lambda urn_key: Standard.objects.filter(urn_key=urn_key).order_by("variant").values_list(*_STANDARD_FIELDS), kinds=(str,)
)


def find_standards(urn: str) -> list[Standard]:
    """Every standard under a URN written in any form (``CFAM&LAA1``, ``cfam_laa1``). Control
    characters are no part of a URN (and PostgreSQL refuses NUL): they are dropped."""
    text = "".join(c for c in urn if c.isprintable()).strip()
    if "~" in text:
        return list(Standard.objects.filter(slug=normalise_urn(text.split("~")[0]) + "~" + text.split("~")[1]))
    return [Standard.from_db(DEFAULT_DB_ALIAS, _STANDARD_FIELDS, row) for row in _BY_URN_KEY(normalise_urn(text))]


def get_standard(urn_or_slug: str) -> Standard:
    found = find_standards(urn_or_slug)
    if not found:
        raise NotFound(f"No NOS with URN {urn_or_slug!r}")
    return found[0]


def _names_of(field: str, column: str) -> Prepared:
    through = getattr(NosVersion, field).through
    return Prepared(lambda version_id: through.objects.filter(nosversion_id=version_id).values_list(column, flat=True))


# A version's listed fields, each one small query compiled once (`prepared`): the NOS page asks them of every NOS.
_OCCUPATIONS = _names_of("occupations", "occupation__name")
_SUITES = _names_of("suites", "suite__name")
_KEYWORDS = _names_of("keywords", "keyword__text")
_SOC_CODES = Prepared(
    lambda version_id: (
        NosSocCode.objects.filter(version_id=version_id)
        .order_by("position")
        .values_list("soc_code__code", "soc_code__classification", "source", "weight", "confidence")
    )
)
# Standards whose current version names this one as its Original URN.
_DERIVED = Prepared(
    lambda standard_id: NosVersion.objects.filter(original_standard_id=standard_id, standard__current_id=F("id")).values_list(
        "standard__slug", flat=True
    )
)


def _listed(version_id: int) -> dict:
    """A version's listed fields (occupations, suites, keywords, SOC codes), as values: four small
    prepared queries, none of them building a model (the NOS page's largest cost once)."""
    return {
        "relevant_occupations": sorted(_OCCUPATIONS(version_id)),
        "suites": sorted(_SUITES(version_id)),
        "keywords": sorted(_KEYWORDS(version_id), key=str.lower),
        "soc_codes": [
            {"code": code, "classification": classification, "source": source, "weight": weight, "confidence": confidence}
            for code, classification, source, weight, confidence in _SOC_CODES(version_id)
        ],
    }


# A version's own fields, as the NOS template orders them, with its developer's name and its
# original's slug (one prepared query: what `version_dict` gives).
_VERSION_FIELDS = (
    "urn",
    *TEXT_SECTIONS,
    "version_number",
    "date_approved",
    "indicative_review_date",
    "indicative_review_date_raw",
    "validity",
    "status",
    "category",
    "originating_organisation",
    "original_urn",
    *(welsh_column(name) for name in WELSH_SECTIONS),
    "text_partial",
    "sequence",
    "source_kind",
    "source_file",
    "source_row",
    "effective_at",
)
_VERSION = Prepared(
    lambda version_id: NosVersion.objects.filter(id=version_id).values_list(
        *_VERSION_FIELDS, "developed_by__name", "original_standard__slug"
    )
)
# A standard's versions, latest first: what its history shows (and a finder page's own address).
_HISTORY = Prepared(
    lambda standard_id: (
        NosVersion.objects.filter(standard_id=standard_id)
        .order_by("-sequence")
        .values_list(
            "id", "sequence", "title", "validity", "source_kind", "source_file", "source_row", "effective_at", "raw__url"
        )
    )
)


def version_dict(version_id: int) -> dict:
    """A version in the template's field order, JSON-ready."""
    row = _VERSION(version_id)
    if not row:
        raise NotFound(f"No NOS version with id {version_id}")
    v = dict(zip((*_VERSION_FIELDS, "developed_by", "original_standard"), row[0], strict=True))
    return {
        "urn": v["urn"],
        **{name: v[name] for name in TEXT_SECTIONS},
        "developed_by": v["developed_by"] or "",
        "version_number": v["version_number"],
        "date_approved": v["date_approved"].isoformat() if v["date_approved"] else None,
        "indicative_review_date": v["indicative_review_date"].isoformat() if v["indicative_review_date"] else None,
        "indicative_review_date_raw": v["indicative_review_date_raw"],
        "validity": v["validity"],
        "status": v["status"],
        "category": v["category"],
        "originating_organisation": v["originating_organisation"],
        "original_urn": v["original_urn"],
        "original_standard": v["original_standard"],
        **_listed(version_id),
        "welsh": {name: v[welsh_column(name)] for name in WELSH_SECTIONS},
        "text_partial": v["text_partial"],
        "provenance": {
            "sequence": v["sequence"],
            "source": v["source_kind"],
            "file": v["source_file"],
            "row": v["source_row"],
            "effective_at": v["effective_at"].isoformat(),
        },
    }


def standard_detail(standard: Standard) -> dict:
    """A NOS with its current version and its history: what `show`, the NOS page and the API give."""
    versions = _HISTORY(standard.id)
    # Only a standard whose URN is shared (`urn_clash`, set when the second one arrives) has siblings.
    siblings = (
        Standard.objects.filter(urn_key=standard.urn_key).exclude(id=standard.id).values_list("slug", flat=True)
        if standard.urn_clash
        else []
    )
    current = version_dict(standard.current_id) if standard.current_id else None
    return {
        "slug": standard.slug,
        "urn": standard.urn,
        "urn_clash": standard.urn_clash,
        "other_standards_with_this_urn": list(siblings),
        "current": current,
        # Its page on the official NOS finder: a held finder page's own address, else the
        # address the finder's slug rule gives for the current title (`core.finder_links`).
        "finder_url": official_page(
            standard.urn,
            current["title"] if current else "",
            [url or "" for _, _, _, _, kind, _, _, _, url in versions if kind == "page"],
        ),
        "history": [
            {
                "sequence": sequence,
                "title": title,
                "validity": validity,
                "source": kind,
                "file": file,
                "row": row,
                "effective_at": effective_at.isoformat(),
                "is_current": version_id == standard.current_id,
            }
            for version_id, sequence, title, validity, kind, file, row, effective_at, _ in versions
        ],
        # Standards whose current version names this one as its Original URN.
        "derived_standards": sorted(set(_DERIVED(standard.id))),
    }
