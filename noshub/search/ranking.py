"""The steps that find a query's candidates besides its words.

Spelling corrections from the catalogue's vocabulary, SOC 2020 unit groups named by a job
title (the ONS coding index) or described in meaning, the NOS of those unit groups in order,
and the NOS closest to the query in meaning. How candidates are then scored is `scoring.py`.
Free of Django: every step reads the index cache it is given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from noshub.core.search import embeddings
from noshub.core.text import SEARCH_STOP_WORDS

from .text.query import ParsedQuery, occupation_words
from .welsh import is_welsh_word

if TYPE_CHECKING:
    from .index_cache import IndexCache
    from .vectors import NosVectors

RARE_WORD = 3  # words in this many NOS or fewer may be misspellings
SEMANTIC_POOL = 100  # closest NOS by meaning considered
FEW_MATCHES = 20  # fewer NOS than this holding most of the query's words: show every NOS holding any
MEANING_FLOOR = 0.35  # below this cosine similarity a NOS found by meaning alone is not shown
OCCUPATION_FLOOR = 0.55  # a query this close in meaning to a SOC unit group's description names it
OCCUPATION_MARGIN = 0.03  # … and so does a second group this close behind the first
OCCUPATION_FROM_WORDS = 3  # work is described in a sentence; one or two words are a title or a topic
SUGGESTED_TRUST = 0.9  # a suggested SOC code this confident counts as evidence on its own; below, the NOS must match the query too
CLOSENESS_BASE = 0.1  # a NOS of the occupation close to nothing in the query still ranks, by its evidence
JOB_TITLE_POOL = 500  # NOS a job title's list holds


def corrections(query: ParsedQuery, cache: IndexCache) -> dict[str, str]:
    """Closest catalogue word for each query word the catalogue never uses (nor Welsh knows)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = {}
    for term in query.terms:
        word = term.text
        if term.prefix or len(word) < 4 or any(c.isdigit() for c in word) or word in SEARCH_STOP_WORDS:
            continue
        if is_welsh_word(word) or word in cache.welsh_text:  # Welsh is never "corrected" into English
            continue
        frequency = max(cache.vocabulary.get(f, 0) for f in term.forms())
        if frequency > RARE_WORD:
            continue
        limit = 1 if len(word) < 6 else 2
        matches = [
            m
            for n in range(len(word) - limit, len(word) + limit + 1)
            for m in process.extract(word, cache.vocab_by_length.get(n, ()), scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
        ]
        # A word the catalogue never uses takes its closest word; a rare one (itself perhaps a
        # misspelling in some NOS) only a far more common word one edit away.
        if frequency:
            matches = [m for m in matches if m[1] == 1 and cache.vocabulary[m[0]] >= 50 * frequency]
        if matches:
            # Closest, then most used; between words used as often, one with the same first
            # letter, then the first alphabetically ("tenter" is "tender", not "enter"; "cheff"
            # is "chef", never "chefs"): every word within reach is weighed, so the answer does
            # not hang on the vocabulary's order (which follows the hash seed of each process).
            best = min(matches, key=lambda m: (m[1], -cache.vocabulary[m[0]], m[0][:1] != word[:1], m[0]))
            found[word] = best[0]
    return found


def job_title_units(query: ParsedQuery, cache: IndexCache) -> Counter:
    """SOC 2020 unit groups the ONS coding index puts the query in, when it is a job title."""
    key = " ".join(t.text for t in query.terms)
    units = Counter(cache.job_titles.get(key, Counter()))
    if not units and query.terms:
        # Plural or spelling forms of a job title: "chefs", "care assistants".
        singular = " ".join(t.text[:-1] if t.text.endswith("s") and len(t.text) > 3 else t.text for t in query.terms)
        units = Counter(cache.job_titles.get(singular, Counter()))
    return units


def occupation_units(query: str, cache: IndexCache) -> Counter:
    """SOC unit groups whose ONS description (with title and job titles) the query is
    closest to in meaning: the best above OCCUPATION_FLOOR, and one more close behind it."""
    if not len(cache.unit_codes):
        return Counter()
    similarity = cache.unit_matrix @ embeddings.encode_query(query)
    order = np.argsort(-similarity)[:2]
    best = float(similarity[order[0]])
    if best < OCCUPATION_FLOOR:
        return Counter()
    return Counter({cache.unit_codes[j]: 1 for j in order if similarity[j] >= best - OCCUPATION_MARGIN})


def job_title_ranking(
    units: Counter, query: ParsedQuery, keyword_ids: list[int], cache: IndexCache, query_vector: np.ndarray | None = None
) -> list[int]:
    """NOS aligned to the unit groups a job title names, closest to the title and its
    occupation first, weighted by the evidence of their SOC link.

    A NOS's evidence for a unit group is 1 for a confirmed or crosswalked code and the coder's
    confidence for a suggested one. A link by a suggested code below SUGGESTED_TRUST counts only
    when the NOS also matches the query: its words (it is among `keyword_ids`) or, with
    `query_vector`, its meaning (cosine at least MEANING_FLOOR); a NOS with no link that counts
    is left out. The others rank by evidence × √(the unit group's share of the title's
    coding-index entries) × (CLOSENESS_BASE + closeness), over √(how many unit groups the NOS is
    aligned to: one aligned to one occupation is more typical of it), the best of its links.
    Closeness is the mean of the NOS's closeness to the query and to the unit group: cosines of
    sentence vectors (the unit group's: its title, ONS description and job titles) with
    `query_vector`, else the shares of the NOS title's words found in the query and in the unit
    group's title and ONS description. Ties go to the better word match.
    """
    total = sum(units.values())
    word_rank = np.full(cache.id_limit, len(keyword_ids), dtype=np.int64)  # by NOS id: its rank among the word matches
    word_rank[np.asarray(keyword_ids, dtype=np.int64)] = np.arange(len(keyword_ids))
    asked = occupation_words(" ".join(t.text for t in query.terms))
    found_ids, found_scores = [], []
    for unit, n in units.items():
        members = unit_members(unit, cache)
        if not len(members.ids):
            continue
        words_matched = word_rank[members.ids] < len(keyword_ids)
        if query_vector is not None and members.unit_meaning is not None:
            to_query = np.where(members.rows >= 0, cache.vectors.matrix[np.maximum(members.rows, 0)] @ query_vector, 0.0)
            to_unit = members.unit_meaning
            counts = (members.evidence >= SUGGESTED_TRUST) | words_matched | (to_query >= MEANING_FLOOR)
        else:
            shared = np.zeros(len(members.ids))
            for word in asked:
                shared[members.with_word.get(word, [])] += 1
            to_query = shared / np.maximum(members.title_length, 1)
            to_unit = members.unit_words
            counts = (members.evidence >= SUGGESTED_TRUST) | words_matched
        score = members.evidence * (n / total) ** 0.5 * (CLOSENESS_BASE + (to_query + to_unit) / 2) * members.typicality
        found_ids.append(members.ids[counts])
        found_scores.append(score[counts])
    if not found_ids:
        return []
    ids, scores = np.concatenate(found_ids), np.concatenate(found_scores)
    ordered = ids[np.lexsort((ids, word_rank[ids], -scores))]  # best score, then best word match, then id
    _, first = np.unique(ordered, return_index=True)  # a NOS in two of the unit groups: its best link
    return ordered[np.sort(first)[:JOB_TITLE_POOL]].tolist()


@dataclass(frozen=True)
class UnitMembers:
    """The NOS of one SOC 2020 unit group, with what job titles rank them by (arrays in the
    order of `ids`): the evidence of their link, their typicality (1/√ of how many unit groups
    each is aligned to), their row in the embedding matrix (-1 when none), their cosine with
    the unit group's vector (None without vectors), how many words their titles hold and which
    titles hold each word (`occupation_words`), and the share of those words found in the unit
    group's title and ONS description."""

    ids: np.ndarray
    evidence: np.ndarray
    typicality: np.ndarray
    rows: np.ndarray
    unit_meaning: np.ndarray | None
    title_length: np.ndarray
    with_word: dict[str, list[int]]  # title word → the positions of the NOS whose title holds it
    unit_words: np.ndarray


def unit_members(unit: str, cache: IndexCache) -> UnitMembers:
    """The `UnitMembers` of a unit group, made on first use and kept by the cache."""
    found = cache.unit_members.get(unit)
    if found is not None:
        return found
    ids = cache.by_unit.get(unit, [])
    docs = [cache.docs[i] for i in ids]
    rows = np.array([cache.vectors.position.get(i, -1) for i in ids], dtype=np.int64)
    unit_meaning = None
    unit_row = {code: j for j, code in enumerate(cache.unit_codes)}.get(unit)
    if unit_row is not None and len(ids):
        unit_meaning = np.where(rows >= 0, cache.vectors.matrix[np.maximum(rows, 0)] @ cache.unit_matrix[unit_row], 0.0)
    title_words = [frozenset(occupation_words(d.title)) for d in docs]
    described = cache.unit_words.get(unit, frozenset())
    with_word: dict[str, list[int]] = {}
    for n, title in enumerate(title_words):
        for word in title:
            with_word.setdefault(word, []).append(n)
    found = cache.unit_members[unit] = UnitMembers(
        ids=np.asarray(ids, dtype=np.int64),
        evidence=np.array([d.soc_confidence.get(unit, 0.0) for d in docs]),
        typicality=np.array([1 / max(1, len(d.soc_levels[3])) ** 0.5 for d in docs]),
        rows=rows,
        unit_meaning=unit_meaning,
        title_length=np.array([len(w) for w in title_words]),
        with_word=with_word,
        unit_words=np.array([len(w & described) / len(w) if w else 0.0 for w in title_words]),
    )
    return found


@dataclass(frozen=True)
class Meaning:
    """A query's meaning: its vector, the NOS's vectors, and the closest NOS above
    MEANING_FLOOR, best first (`ids`): those meaning alone can add."""

    query: np.ndarray
    vectors: NosVectors
    ids: list[int]

    def cosines(self, ids) -> dict[int, float]:
        """The cosine similarity of each of these NOS to the query (those with a vector)."""
        return self.vectors.cosines(ids, self.query)


def meaning_of(query: str, cache: IndexCache) -> Meaning:
    vector = embeddings.encode_query(query)
    rows, cosine = cache.vectors.closest(vector, SEMANTIC_POOL)
    ids = cache.vectors.ids
    return Meaning(vector, cache.vectors, [ids[j] for j, c in zip(rows.tolist(), cosine.tolist(), strict=True) if c > MEANING_FLOOR])
