"""What the SOC coder is given and what it gives back: the ONS reference, coded NOS, the text of
a NOS or of a job title, suggestions with their evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

#: Turns texts into L2-normalised sentence vectors, one row per text (see
#: `noshub.core.search.vector_cache.CachedEncoder`). Optional: without one the coder uses words only.
Encoder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class CoderText:
    """What the coder reads of a NOS. Free text is a `CoderText` with a title only."""

    key: str = ""
    title: str = ""
    overview: str = ""
    criteria: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()
    developer: str = ""

    @classmethod
    def free_text(cls, text: str) -> CoderText:
        return cls(title=text)

    def title_only(self) -> CoderText:
        return CoderText(key=self.key, title=self.title)

    @property
    def is_title_only(self) -> bool:
        return not (self.overview or self.criteria or self.occupations or self.keywords or self.suites or self.developer)


#: A SOC 2020 unit group is a right code for a NOS coded to a SOC 2010 group when the ONS
#: relationship table gives it at least this share of that group's workers in one of its four
#: samples (men or women, Labour Force Survey or census): how the coder learns and is measured.
SUCCESSOR_MIN_SHARE = 0.05


@dataclass(frozen=True)
class UnitGroup:
    code: str
    title: str
    description: str = ""
    tasks: tuple[str, ...] = ()
    job_titles: tuple[str, ...] = ()


@dataclass
class SocReference:
    units: dict[str, UnitGroup]
    index_titles: list[tuple[str, str]] = field(default_factory=list)  # (job title, SOC 2020 unit)
    #: SOC 2010 → [(SOC 2020, share)]: the successors a coded NOS is right to be given, those
    #: with at least `SUCCESSOR_MIN_SHARE` of the SOC 2010 group's workers in one of the ONS
    #: samples (`noshub.soc.data.soc_reference`); the share is the pooled one of the crosswalk
    crosswalk: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def minor_of(self, unit: str) -> str:
        return unit[:3]


@dataclass(frozen=True)
class Labelled:
    """A coded NOS: its text and its SOC 2020 unit groups with weights summing to 1."""

    nos: CoderText
    labels: dict[str, float]


@dataclass(frozen=True)
class CodedNeighbour:
    """A coded NOS that carries a suggested unit group, with how alike its words are to the
    query's (cosine of TF-IDF vectors of the whole record): evidence a reviewer can read."""

    key: str
    title: str
    similarity: float


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    confidence: float
    #: the coded NOS most like the query among those coded to this unit group (`SocCoder.with_evidence`)
    similar: tuple[CodedNeighbour, ...] = ()


def labels_from_soc2010(codes: Iterable[str], crosswalk: dict[str, list[tuple[str, float]]]) -> dict[str, float]:
    """SOC 2010 codes → SOC 2020 weights: each valid code's shares, averaged over the codes.

    Invalid SOC 2010 codes (not in the relationship table) are ignored; no valid code gives {}."""
    valid = [c for c in dict.fromkeys(codes) if c in crosswalk]
    out: dict[str, float] = defaultdict(float)
    for code in valid:
        rows = crosswalk[code]
        total = sum(p for _, p in rows) or 1.0
        for unit, share in rows:
            out[unit] += share / total / len(valid)
    return dict(out)
