"""How strongly a NOS belongs to a SOC 2020 group: the evidence of its best unit group there.

The index holds, per NOS, each SOC 2020 unit group with its evidence (`indexer.soc_evidence`):
its source (a reviewer "confirmed" it, the catalogue's SOC 2010 code was "crosswalk"ed to it,
or the coder "suggested" it), a confidence (1 for confirmed and crosswalked codes, the coder's
calibrated probability for a suggestion) and, for a crosswalked code, the ONS share of the SOC
2010 group's workers coded to it. A browse page of a SOC group orders its NOS by this evidence
(`sort=evidence`), filters by it (`provenance`, `min_confidence`) and counts it (the
`provenance` facet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

PROVENANCES = ("confirmed", "crosswalk", "suggested")  # strongest first
HIDDEN = "below_min_confidence"  # the facet's count of NOS the minimum confidence hides


@dataclass(frozen=True)
class Evidence:
    unit: str
    source: str
    confidence: float
    share: float | None = None  # a crosswalked code's ONS share (None: not known)

    def as_dict(self) -> dict:
        return {"unit": self.unit, "source": self.source, "confidence": round(self.confidence, 4), "share": self.share}

    def order(self) -> tuple:
        """Confirmed first, then crosswalked by share (known shares first), then suggested by confidence."""
        strength = self.share if self.source == "crosswalk" else self.confidence
        return (PROVENANCES.index(self.source), strength is None, -(strength or 0.0))


def best(doc, prefix: str) -> Evidence | None:
    """The strongest evidence among the NOS's unit groups under `prefix` (any group when "")."""
    found = [
        Evidence(unit, source, doc.soc_confidence.get(unit, 0.0), doc.soc_share.get(unit))
        for unit, source in doc.soc_source.items()
        if unit.startswith(prefix) and source in PROVENANCES
    ]
    return min(found, key=Evidence.order, default=None)


def sort_key(prefix: str):
    """A sort key putting the strongest evidence first; NOS without any under `prefix` last, by title."""

    def key(doc) -> tuple:
        e = best(doc, prefix)
        return (e is None, e.order() if e else (), doc.title.lower())

    return key


def passes(e: Evidence | None, provenance: str, min_confidence: float) -> bool:
    if not provenance and not min_confidence:
        return True
    if e is None:
        return False
    return (not provenance or e.source == provenance) and e.confidence >= min_confidence


def filter_and_count(docs: list, prefix: str, provenance: str, min_confidence: float) -> tuple[list, list[dict]]:
    """The NOS whose best evidence under `prefix` has this provenance and at least this
    confidence, and the provenance facet: how many of `docs` (whatever the provenance asked)
    have each provenance at that confidence, and how many the minimum confidence hides."""
    counts: Counter = Counter()
    kept = []
    for d in docs:
        e = best(d, prefix)
        if e is not None and e.confidence < min_confidence:
            counts[HIDDEN] += 1
        elif e is not None:
            counts[e.source] += 1
        if passes(e, provenance, min_confidence):
            kept.append(d)
    facet = [{"value": v, "count": counts[v]} for v in (*PROVENANCES, HIDDEN) if counts[v]]
    return kept, facet
