"""The reach of a NOS: pan-sector, multi-sector or job-specific (the 2022 strategy's glossary),
with its evidence. No Django.

* **Copies**: a NOS and every NOS that holds it or a copy of it form a *family*: the same title
  (`title_content_key`), Original URN naming another NOS held (reach may read it: it is
  evidence a developer wrote; the theme detector does not), duplicate groups of the cleansing
  app's latest run, and full theme embeddings (`detect`). Families are the connected
  components of those links.
* **Spread**: how many suites, developers and SOC major groups the family's NOS carry.
* **Wording**: a title is *sector-free* when every content word of it is used in the titles of
  at least `Settings.sector_free_developers` developers ("Manage your own resources"); the
  other words are its *sector words* ("pre-restoration", "hydraulic").

The class, by rules (`classify`), with a confidence that grows with the margin:

* pan-sector: carried by at least `pan_developers` developers under at least `pan_majors` SOC
  major groups with sector-free wording, or a theme reference NOS with sector-free wording;
* multi-sector: carried by at least `multi_developers` developers, or by several suites under
  several SOC major groups, or sector-free wording and several SOC major groups;
* job-specific: otherwise.

NOSCategory (Core/Generic/Job Specific) is not read: the benchmark compares with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from noshub.core.duplicates import NosText, plausible_urn
from noshub.core.text import clean_title, content_words, title_content_key
from noshub.core.urns import normalise_urn

PAN, MULTI, JOB = "pan_sector", "multi_sector", "job_specific"
CLASSES = (PAN, MULTI, JOB)


@dataclass(frozen=True)
class Settings:
    pan_developers: int = 4
    pan_majors: int = 3
    multi_developers: int = 2
    multi_suites: int = 3
    sector_free_developers: int = 6
    max_family: int = 400  # a "family" larger than this is a generic title shared by chance


@dataclass
class Reach:
    key: str
    reach_class: str
    confidence: float
    family: list[str]
    suites: int
    developers: int
    majors: list[str]
    sector_free: bool
    sector_words: list[str]
    theme_reference: str = ""  # the theme whose home suites hold it
    reasons: list[tuple[str, dict]] = field(default_factory=list)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def families(docs: Sequence[NosText], links: Iterable[tuple[str, str]] = ()) -> list[list[int]]:
    """Row -> the rows of its family (itself included)."""
    index = {d.key: i for i, d in enumerate(docs)}
    union = _Union(len(docs))
    by_title: dict[str, int] = {}
    by_urn: dict[str, int] = {}
    for i, d in enumerate(docs):
        by_urn.setdefault(normalise_urn(d.urn), i)
        key = title_content_key(d.title)
        if key:
            if key in by_title:
                union.join(i, by_title[key])
            else:
                by_title[key] = i
    for i, d in enumerate(docs):
        if plausible_urn(d.original_urn):
            j = by_urn.get(normalise_urn(d.original_urn))
            if j is not None and j != i:
                union.join(i, j)
    for a, b in links:
        if a in index and b in index:
            union.join(index[a], index[b])
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        members[union.find(i)].append(i)
    return [members[union.find(i)] for i in range(len(docs))]


def word_developers(docs: Sequence[NosText]) -> dict[str, int]:
    """Content word of titles -> how many developers use it in a title."""
    seen: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for w in set(content_words(clean_title(d.title))):
            seen[w].add(d.developer)
    return {w: len(devs) for w, devs in seen.items()}


def classify(
    developers: int, suites: int, majors: int, sector_free: bool, theme_reference: bool, s: Settings
) -> tuple[str, float, list[tuple[str, dict]]]:
    """The class, its confidence and the reasons (codes with values), from the evidence."""
    reasons: list[tuple[str, dict]] = [("spread", {"suites": suites, "developers": developers, "majors": majors})]
    reasons.append(("sector_free" if sector_free else "sector_words", {}))
    if developers >= s.pan_developers and majors >= s.pan_majors and sector_free:
        margin = min(developers - s.pan_developers, 6) + min(majors - s.pan_majors, 3)
        return PAN, round(min(0.7 + 0.03 * margin, 0.97), 2), reasons
    if theme_reference and sector_free:
        reasons.append(("theme_reference", {}))
        return PAN, 0.7 + (0.1 if developers >= s.multi_developers else 0.0), reasons
    if developers >= s.multi_developers:
        margin = min(developers - s.multi_developers, 4) + min(majors, 3) + (1 if sector_free else 0)
        return MULTI, round(min(0.6 + 0.05 * margin, 0.95), 2), reasons
    if suites >= s.multi_suites and majors >= 2:
        return MULTI, 0.6 + (0.1 if sector_free else 0.0), reasons
    if sector_free and majors >= 2:
        return MULTI, 0.55, reasons
    confidence = 0.9 if not sector_free and suites <= 1 else 0.7 if not sector_free else 0.55
    return JOB, confidence, reasons


def compute_reach(
    docs: Sequence[NosText],
    majors: dict[str, set[str]],
    links: Iterable[tuple[str, str]] = (),
    theme_of: dict[str, str] | None = None,
    settings: Settings | None = None,
    word_devs: dict[str, int] | None = None,
) -> list[Reach]:
    """The reach of every NOS of `docs`. `majors`: key -> SOC major groups of its codes;
    `links`: pairs of keys that are copies (duplicate groups, theme embeddings); `theme_of`:
    key of a theme reference NOS -> its theme."""
    s = settings or Settings()
    theme_of = theme_of or {}
    word_devs = word_devs if word_devs is not None else word_developers(docs)
    fam = families(docs, links)
    cache: dict[int, tuple] = {}
    out = []
    for i, d in enumerate(docs):
        rows = fam[i]
        root = rows[0]
        if root not in cache:
            members = rows if len(rows) <= s.max_family else [i]
            cache[root] = (
                members,
                len({x for r in members for x in docs[r].suites}),
                len({docs[r].developer for r in members if docs[r].developer}),
                sorted({m for r in members for m in majors.get(docs[r].key, ())}),
            )
        members, n_suites, n_devs, family_majors = (
            cache[root]
            if len(rows) <= s.max_family
            else (
                [i],
                len(d.suites),
                1 if d.developer else 0,
                sorted(majors.get(d.key, ())),
            )
        )
        words = sorted({w for w in content_words(clean_title(d.title)) if word_devs.get(w, 0) < s.sector_free_developers})
        sector_free = bool(content_words(clean_title(d.title))) and not words
        cls, confidence, reasons = classify(n_devs, n_suites, len(family_majors), sector_free, d.key in theme_of, s)
        out.append(
            Reach(
                key=d.key,
                reach_class=cls,
                confidence=confidence,
                family=[docs[r].key for r in members if r != i],
                suites=n_suites,
                developers=n_devs,
                majors=family_majors,
                sector_free=sector_free,
                sector_words=words,
                theme_reference=theme_of.get(d.key, ""),
                reasons=reasons,
            )
        )
    return out
