"""Read what the coder and the crosswalk need out of the database, in a few bulk queries.

The coder (`noshub.soc.coder`) is pure; this module is the only bridge from the models to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from noshub.catalogue.models import NosSocCode, NosVersion, Standard

from .coder import SUCCESSOR_MIN_SHARE, CoderText, Labelled, SocReference, UnitGroup, labels_from_soc2010
from .models import CodingIndexEntry, SocGroup, SocRelationship


def crosswalk_table() -> dict[str, list[tuple[str, float]]]:
    """SOC 2010 unit group → [(SOC 2020 unit group, share of workers)], from the ONS table."""
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for soc2010, soc2020, share in SocRelationship.objects.order_by("soc2010", "-proportion", "soc2020").values_list(
        "soc2010", "soc2020", "proportion"
    ):
        table[soc2010].append((soc2020, share if share is not None else 0.0))
    return dict(table)


def successor_table() -> dict[str, list[tuple[str, float]]]:
    """`crosswalk_table` less the successors that hold under `SUCCESSOR_MIN_SHARE` of the SOC
    2010 group's workers in every ONS sample: the codes a coded NOS is right to be given."""
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    rows = SocRelationship.objects.order_by("soc2010", "-proportion", "soc2020")
    for soc2010, soc2020, share, largest in rows.values_list("soc2010", "soc2020", "proportion", "max_proportion"):
        if (largest if largest is not None else share or 0.0) >= SUCCESSOR_MIN_SHARE:
            table[soc2010].append((soc2020, share if share is not None else 0.0))
    return dict(table)


def soc_reference() -> SocReference:
    units = {
        g.code: UnitGroup(
            code=g.code,
            title=g.title,
            description=g.description,
            tasks=tuple(g.tasks or ()),
            job_titles=tuple(g.related_job_titles or ()),
        )
        for g in SocGroup.objects.filter(level="unit")
    }
    index = [(t, u) for t, u in CodingIndexEntry.objects.exclude(soc2020_unit="").values_list("title", "soc2020_unit")]
    return SocReference(units=units, index_titles=index, crosswalk=successor_table())


def unit_titles() -> dict[str, str]:
    return dict(SocGroup.objects.values_list("code", "title"))


@dataclass
class CatalogueNos:
    """A standard's current version as the coder reads it, with its catalogue SOC 2010 codes."""

    standard_id: int
    version_id: int
    slug: str
    validity: str
    text: CoderText
    soc2010: tuple[str, ...]


def catalogue_nos(standard_ids: list[int] | None = None) -> list[CatalogueNos]:
    """Every standard's current version (or those of `standard_ids`), read in bulk."""
    standards = Standard.objects.exclude(current_id=None).order_by("id")
    if standard_ids is None:
        rows = list(standards.values_list("id", "slug", "current_id"))
    else:  # only the standards asked for (a page asks for twenty: not every row of the table)
        rows = [
            r
            for chunk in _chunks(sorted(set(standard_ids)), 5000)
            for r in standards.filter(id__in=chunk).values_list("id", "slug", "current_id")
        ]
    version_ids = [r[2] for r in rows]
    versions = {}
    for chunk in _chunks(version_ids, 5000):
        for v in NosVersion.objects.filter(id__in=chunk).values(
            "id", "title", "overview", "performance_criteria", "validity", "developed_by__name"
        ):
            versions[v["id"]] = v
    many: dict[str, dict[int, list[str]]] = {
        "suites": defaultdict(list),
        "occupations": defaultdict(list),
        "keywords": defaultdict(list),
    }
    for name, through, attr in (
        ("suites", NosVersion.suites.through, "suite__name"),
        ("occupations", NosVersion.occupations.through, "occupation__name"),
        ("keywords", NosVersion.keywords.through, "keyword__text"),
    ):
        for chunk in _chunks(version_ids, 5000):
            for vid, value in through.objects.filter(nosversion_id__in=chunk).values_list("nosversion_id", attr):
                many[name][vid].append(value)
    soc: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(version_ids, 5000):
        links = NosSocCode.objects.filter(version_id__in=chunk, source="catalogue", soc_code__classification="2010")
        for vid, code in links.order_by("position").values_list("version_id", "soc_code__code"):
            soc[vid].append(code)
    out = []
    for sid, slug, vid in rows:
        v = versions[vid]
        text = CoderText(
            key=slug,
            title=v["title"] or "",
            overview=v["overview"] or "",
            criteria=tuple(c.get("text", "") for c in (v["performance_criteria"] or [])),
            occupations=tuple(sorted(many["occupations"][vid])),
            keywords=tuple(sorted(many["keywords"][vid])),
            suites=tuple(sorted(many["suites"][vid])),
            developer=v["developed_by__name"] or "",
        )
        out.append(CatalogueNos(sid, vid, slug, v["validity"], text, tuple(soc[vid])))
    return out


def labelled_from(items: list[CatalogueNos], crosswalk: dict[str, list[tuple[str, float]]]) -> list[Labelled]:
    out = []
    for item in items:
        labels = labels_from_soc2010(item.soc2010, crosswalk)
        if labels:
            out.append(Labelled(item.text, labels))
    return out


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
