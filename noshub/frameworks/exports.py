"""The map's links as CSV (one link a row, formulas neutralised) and as JSON-LD (SKOS mappings)."""

from __future__ import annotations

import io

from noshub.core.readers.occupations import ONET
from noshub.core.spreadsheet import SafeWriter

from .models import SOC2020, OccupationLink

CSV_COLUMNS = [
    "source_scheme",
    "source_code",
    "source_title",
    "relation",
    "target_scheme",
    "target_code",
    "confidence",
    "provenance",
    "reason",
]


def _links(scheme: str | None = None):
    qs = OccupationLink.objects.select_related("source").order_by("source__scheme", "source__code", "-confidence")
    return qs.filter(source__scheme=scheme) if scheme else qs


def export_csv(scheme: str | None = None) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for link in _links(scheme).iterator(chunk_size=2000):
        writer.writerow(
            [
                link.source.scheme,
                link.source.code,
                link.source.title,
                link.relation,
                link.target_scheme,
                link.target_code,
                f"{link.confidence:.3f}",
                link.provenance,
                link.reason,
            ]
        )
    return out.getvalue()


def target_uri(base_url: str, scheme: str, code: str) -> str:
    if scheme == SOC2020:
        return f"{base_url}/occupations/{code}/"
    if scheme == ONET:
        return f"https://www.onetonline.org/link/summary/{code}"
    return f"urn:noshub:{scheme}:{code}"


def export_jsonld(base_url: str, scheme: str | None = None) -> dict:
    """Each occupation a `skos:Concept` (its own URI where it has one) with SKOS mapping
    relations to SOC 2020 unit groups and O*NET occupations, each annotated with confidence and
    provenance."""
    nodes: dict[int, dict] = {}
    for link in _links(scheme).iterator(chunk_size=2000):
        o = link.source
        node = nodes.get(o.pk)
        if node is None:
            node = nodes[o.pk] = {
                "@id": o.uri or f"urn:noshub:{o.scheme}:{o.code}",
                "@type": "skos:Concept",
                "skos:prefLabel": {"@value": o.title, "@language": "en"},
                "skos:notation": o.code,
                "noshub:scheme": o.scheme,
            }
        node.setdefault(f"skos:{link.relation}Match", []).append(
            {
                "@id": target_uri(base_url, link.target_scheme, link.target_code),
                "skos:notation": link.target_code,
                "noshub:confidence": round(link.confidence, 3),
                "noshub:provenance": link.provenance,
            }
        )
    return {
        "@context": {
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "noshub": f"{base_url}/ns#",
            "dct": "http://purl.org/dc/terms/",
        },
        "@id": f"{base_url}/frameworks/",
        "dct:title": "NOS Hub map of occupational standards systems on SOC 2020",
        "@graph": list(nodes.values()),
    }
