"""Reading the catalogue as `NosText` records for duplicate detection: one per standard, its current version.

Bulk queries only (no per-row queries), so the whole catalogue reads in a few seconds.
"""

from __future__ import annotations

from collections import defaultdict

from noshub.catalogue.models import NosVersion, Standard
from noshub.core.duplicates import NosText
from noshub.core.model import FREE_TEXT_SECTIONS, LIST_SECTIONS
from noshub.core.text import strip_tags


def _m2m(through, column: str, name_field: str, version_ids: set[int] | None) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = through.objects.values_list("nosversion_id", f"{column}__{name_field}")
    for vid, name in rows.iterator(chunk_size=20000):
        if version_ids is None or vid in version_ids:
            out[vid].append(name)
    return out


def version_text(version_id: int, row: dict, suites, occupations, keywords) -> NosText:
    statements = tuple(
        (item.get("ref", ""), item.get("text", ""))
        for section in LIST_SECTIONS
        for item in (row[section] or [])
    )
    scope = " ".join(strip_tags(row[name]) for name in FREE_TEXT_SECTIONS if row[name])
    date = row["date_approved"] or row["source_created"]
    return NosText(
        key=row["standard__slug"],
        urn=row["urn"],
        title=row["title"],
        overview=strip_tags(row["overview"]),
        statements=statements,
        scope=scope,
        keywords=tuple(sorted(keywords.get(version_id, []), key=str.lower)),
        occupations=tuple(sorted(occupations.get(version_id, []))),
        original_urn=row["original_urn"],
        status=row["status"],
        validity=row["validity"],
        developer=row["developed_by__name"] or "",
        suites=tuple(sorted(suites.get(version_id, []))),
        date=date.isoformat()[:10] if date else "",
    )


_COLUMNS = (
    "id",
    "urn",
    "title",
    "overview",
    *LIST_SECTIONS,
    *FREE_TEXT_SECTIONS,
    "original_urn",
    "status",
    "validity",
    "developed_by__name",
    "date_approved",
    "source_created",
    "standard__slug",
)


def load_corpus(standard_ids: set[int] | None = None) -> list[NosText]:
    """The current version of every standard (or of the given standards), in URN order."""
    versions = NosVersion.objects.filter(id__in=Standard.objects.values("current_id"))
    if standard_ids is not None:
        versions = versions.filter(standard_id__in=standard_ids)
    rows = list(versions.order_by("standard__urn_key", "standard__variant").values(*_COLUMNS))
    ids = {r["id"] for r in rows}
    wanted = None if standard_ids is None else ids
    suites = _m2m(NosVersion.suites.through, "suite", "name", wanted)
    occupations = _m2m(NosVersion.occupations.through, "occupation", "name", wanted)
    keywords = _m2m(NosVersion.keywords.through, "keyword", "text", wanted)
    return [version_text(r["id"], r, suites, occupations, keywords) for r in rows]
