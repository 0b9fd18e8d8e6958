"""The per-process cache of the search index: every indexed NOS with its filter fields, the
full-text index over them (tantivy, in memory), the catalogue's vocabulary, the ONS job titles,
and the embedding matrices; reloaded when the index changes (its generation in `IndexState`
moves on: its part of the catalogue stamp) and kept per database."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from django.db import connection

from noshub.catalogue import stamp
from noshub.core.search import embeddings

from .fulltext import FullTextIndex
from .models import SearchDocument
from .text.query import occupation_words, words
from .vectors import NosVectors

if TYPE_CHECKING:
    from .ranking import UnitMembers

if TYPE_CHECKING:
    from .duplicates import DuplicateGroups


@dataclass
class IndexedDoc:
    id: int
    slug: str
    urn_key: str
    title: str
    validity: str
    category: str
    developer: str
    suites: tuple[str, ...]
    soc: frozenset[str]
    year: int | None
    date_approved: date | None
    hidden_behind: str
    body: str
    soc_levels: tuple[tuple[str, ...], ...] = ()  # codes of each level, major first
    soc_confidence: dict[str, float] = field(default_factory=dict)  # unit group → its evidence, 0..1 (1: confirmed or crosswalked)
    soc_source: dict[str, str] = field(default_factory=dict)  # unit group → confirmed, crosswalk or suggested (`evidence`)
    soc_share: dict[str, float] = field(default_factory=dict)  # crosswalked unit group → its ONS share, where known
    keywords: str = ""
    has_overview: bool = False  # the body starts with the overview
    review_date: date | None = None  # the indicative review date (None: none, or the 1905 placeholder)
    context: str = ""  # suites, occupations, developer, SOC group titles
    facet_codes: tuple[int, ...] = ()  # its `facet_values`, each as its number in `IndexCache.facet_pairs`

    def facet_values(self) -> tuple[tuple[str, object], ...]:
        """(facet, value) for each value a search's facets count it under (`engine._facets`),
        SOC major groups for the SOC facet."""
        return (
            ("validity", self.validity or "not stated"),
            *(("suite", s) for s in self.suites),
            *((("developer", self.developer),) if self.developer else ()),
            ("category", self.category or "none"),
            *((("year", self.year),) if self.year else ()),
            *(("soc", c) for c in (self.soc_levels[0] if self.soc_levels else ())),
        )


class IndexCache:
    def __init__(self, generation: tuple):
        self.generation = generation
        self.docs: dict[int, IndexedDoc] = {}
        self.by_urn: dict[str, list[int]] = {}
        self.by_unit: dict[str, list[int]] = {}
        self.vocabulary: Counter[str] = Counter()
        texts: list[tuple[int, str, str, str, str]] = []
        facet_code: dict[tuple[str, object], int] = {}
        fields = (
            "standard_id",
            "slug",
            "urn_key",
            "title",
            "validity",
            "category",
            "developer",
            "suites",
            "soc2020",
            "approval_year",
            "date_approved",
            "hidden_behind",
            "body",
            "keywords",
            "context",
            "soc_evidence",
            "version__indicative_review_date",
            "version__overview",
        )
        for row in SearchDocument.objects.values_list(*fields).iterator(chunk_size=5000):
            levels = tuple(tuple(c for c in row[8] if len(c) == n) for n in (1, 2, 3, 4))
            doc = IndexedDoc(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                tuple(row[7]),
                frozenset(row[8]),
                row[9],
                row[10],
                row[11],
                row[12],
                levels,
                soc_confidence={unit: float(e.get("confidence") or 0.0) for unit, e in (row[15] or {}).items()},
                soc_source={unit: e.get("source") or "" for unit, e in (row[15] or {}).items()},
                soc_share={unit: float(e["share"]) for unit, e in (row[15] or {}).items() if e.get("share") is not None},
                keywords=row[13],
                has_overview=bool(row[17]),
                review_date=row[16],
                context=row[14],
            )
            # Facet values as numbers: a search counts every facet of its matches in one pass over
            # them, and counting small numbers is a third of the cost of counting (facet, value) pairs.
            doc.facet_codes = tuple(facet_code.setdefault(pair, len(facet_code)) for pair in doc.facet_values())
            self.docs[doc.id] = doc
            self.by_urn.setdefault(doc.urn_key, []).append(doc.id)
            for code in doc.soc:
                if len(code) == 4:
                    self.by_unit.setdefault(code, []).append(doc.id)
            self.vocabulary.update(set(words(f"{row[3]} {row[13]} {row[14]} {row[12]}")))
            texts.append((doc.id, row[3], row[13], row[14], row[12]))
        self.facet_pairs: list[tuple[str, object]] = list(facet_code)  # a facet code's (facet, value)
        self.fulltext = FullTextIndex(texts)
        self.vocab_by_length = by_length(w for w in self.vocabulary if len(w) > 2 and not w.isdigit())  # (spelling corrections)
        self.id_limit = max(self.docs, default=0) + 1  # NOS ids are below this (arrays indexed by id)
        self.welsh_text = _welsh_text_index()
        self.duplicates: DuplicateGroups | None = None  # made on first use by duplicate_groups()
        self.job_titles = _job_title_index()
        from noshub.soc.models import SocGroup

        units = SocGroup.objects.filter(level="unit").values_list("code", "title", "description")
        self.unit_titles = {code: title for code, title, _ in units}
        # The words of each unit group's title and ONS description (job titles rank its NOS by them).
        self.unit_words = {code: frozenset(occupation_words(f"{title} {description}")) for code, title, description in units}
        self.unit_members: dict[str, UnitMembers] = {}  # made as job titles ask (`ranking.unit_members`)
        self.current_soc_counts: Counter | None = None  # made on first use by soc_counts()
        ids: list[int] = []
        matrix = np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        if embeddings.available():
            from .semantic import load_matrix

            ids, matrix = load_matrix()
        self.vectors = NosVectors(ids, matrix)  # the NOS closest to a query in meaning (`vectors`)
        self.unit_codes: list[str] = []
        self.unit_matrix = np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        if len(self.vectors):
            from .semantic import unit_group_matrix

            self.unit_codes, self.unit_matrix = unit_group_matrix()


def by_length(words: Iterable[str]) -> dict[int, list[str]]:
    """Words by their length: a word within n edits of another is within n letters of its length,
    so a misspelling is compared with those lengths only (`ranking.corrections`)."""
    grouped: dict[int, list[str]] = {}
    for w in words:
        grouped.setdefault(len(w), []).append(w)
    return grouped


def soc_counts() -> Counter:
    """How many current NOS each SOC 2020 group holds, at every level (from the index cache)."""
    cache = current_index()
    if cache.current_soc_counts is None:
        cache.current_soc_counts = Counter(code for d in cache.docs.values() if d.validity == "current" for code in d.soc)
    return cache.current_soc_counts


def _welsh_text_index() -> dict[str, set[int]]:
    """Folded word → ids of the standards whose current version holds it in its Welsh text."""
    from django.db.models import F

    from noshub.catalogue.models import NosVersion
    from noshub.core.html import plain_text
    from noshub.core.model import WELSH_COLUMNS

    index: dict[str, set[int]] = {}
    current = NosVersion.objects.filter(standard__current_id=F("id"))
    for row in current.exclude(title_cy="", overview_cy="").values_list("standard_id", *WELSH_COLUMNS).iterator(chunk_size=2000):
        parts = []
        for value in row[1:]:
            if isinstance(value, str):
                parts.append(plain_text(value) if "<" in value else value)
            elif isinstance(value, list):
                parts += [v.get("text", "") if isinstance(v, dict) else str(v) for v in value]
        for w in set(words(" ".join(parts))):
            index.setdefault(w, set()).add(row[0])
    return index


def _job_title_index() -> dict[str, Counter]:
    """Folded job title → how often the coding index puts it in each SOC 2020 unit group."""
    from noshub.soc.models import CodingIndexEntry

    index: dict[str, Counter] = {}
    for title, unit, detail in CodingIndexEntry.objects.exclude(soc2020_unit="").values_list("title", "soc2020_unit", "detail"):
        for form in {title, detail.get("index_title", "")}:
            key = " ".join(words(form.replace(",", " ")))
            if key:
                index.setdefault(key, Counter())[unit] += 1
    return index


_cache_lock = threading.Lock()
_caches: dict[str, IndexCache] = {}


def index_generation() -> tuple:
    """Where the index stands: its part of the catalogue stamp (`noshub.catalogue.stamp`), moved
    on by every rebuild of the index (an import, a load, publishing, SOC coding or review, a
    duplicate decision), in the database, so every process sees it; with the time of its change:
    a reindex rolled back with its transaction leaves its number free for the next one, which must
    not find what was cached for the rolled-back one."""
    return stamp.current().of("index")[0]


def current_index() -> IndexCache:
    """The cache of this database's index, loaded again if the index changed since."""
    generation = index_generation()
    key = connection.settings_dict["NAME"]
    cache = _caches.get(key)
    if cache is None or cache.generation != generation:
        with _cache_lock:
            cache = _caches.get(key)
            if cache is None or cache.generation != generation:
                cache = IndexCache(generation)
                _caches[key] = cache
    return cache
