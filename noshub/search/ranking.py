"""How the search ranks: the weights of its ranked lists and the steps that make them.

Spelling corrections from the catalogue's vocabulary, SOC 2020 unit groups named by a job
title (the ONS coding index) or described in meaning, the NOS of those unit groups in order,
and the blend of word-based scores with the meaning of the query. Free of Django: every step
reads the index cache it is given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from noshub.core.search import embeddings
from noshub.core.text import SEARCH_STOP_WORDS

from .text.query import ParsedQuery
from .welsh import is_welsh_word

if TYPE_CHECKING:
    from .index_cache import IndexCache

RARE_WORD = 3  # words in this many NOS or fewer may be misspellings
FUSION_WEIGHTS = {"urn": 10.0, "keyword": 1.0, "jobtitle": 0.7, "occupation": 0.2}
SEMANTIC_WEIGHT = 0.7  # tuned on bench/data/search_judgements.json (see README)
SEMANTIC_FROM_WORDS = 2  # queries of this many content words or fewer rank by words alone
SEMANTIC_FULL_AT = 6  # … and meaning reaches its full weight this many words later
KEYWORD_POOL = 200  # word matches re-scored by meaning
SEMANTIC_POOL = 100  # closest NOS by meaning considered
ANY_WORD_LIMIT = 500  # NOS taken from an any-word fallback query
FALLBACK_MEANING = 0.5  # from this meaning weight (7+ content words) meaning replaces the any-word fallback …
FEW_MATCHES = 20  # … when it finds this many NOS; fewer NOS than this holding every word call for the fallback
MEANING_FLOOR = 0.35  # below this cosine similarity a NOS found by meaning alone is not shown
OCCUPATION_FLOOR = 0.55  # a query this close in meaning to a SOC unit group's description names it
OCCUPATION_MARGIN = 0.03  # … and so does a second group this close behind the first
OCCUPATION_FROM_WORDS = 3  # work is described in a sentence; one or two words are a title or a topic


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
        matches = process.extract(word, cache.vocab_list, scorer=Levenshtein.distance, score_cutoff=limit, limit=10)
        # A word the catalogue never uses takes its closest word; a rare one (itself perhaps a
        # misspelling in some NOS) only a far more common word one edit away.
        if frequency:
            matches = [m for m in matches if m[1] == 1 and cache.vocabulary[m[0]] >= 50 * frequency]
        if matches:
            best = min(matches, key=lambda m: (m[1], -cache.vocabulary[m[0]]))
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


def job_title_ranking(units: Counter, keyword_ids: list[int], cache: IndexCache) -> list[int]:
    """NOS aligned to the unit groups a job title names, most typical first.

    A NOS ranks by its rank among the word matches, then by the share of the job title's
    index entries its unit groups take (divided among the groups it is aligned to: a NOS
    aligned to one occupation is more typical of it than one aligned to many). Ranking first
    by how many title words a NOS shares with the job title and its unit group was tried and
    measured worse on the judged job titles (nDCG@10 0.899 → 0.884).
    """
    candidates = {i for u in units for i in cache.by_unit.get(u, [])}
    if not candidates:
        return []
    keyword_rank = {i: r for r, i in enumerate(keyword_ids)}
    total = sum(units.values())

    def key(i: int) -> tuple:
        doc = cache.docs[i]
        doc_units = doc.soc_levels[3]
        share = sum(units.get(u, 0) for u in doc_units) / total / max(1, len(doc_units)) ** 0.5
        return (keyword_rank.get(i, 10**6), -share, doc.title)

    return sorted(candidates, key=key)[:500]


def semantic_weight(parsed: ParsedQuery) -> float:
    """How much meaning counts: little for a few keywords (the words themselves are the best
    evidence), more for a sentence-like query that describes work in its own words."""
    content = len(parsed.required())
    return SEMANTIC_WEIGHT * min(1.0, max(0.0, (content - SEMANTIC_FROM_WORDS) / SEMANTIC_FULL_AT))


@dataclass(frozen=True)
class Meaning:
    """How close in meaning a query is to every NOS (`cosine`, by row of the index's matrix)
    and the closest NOS above MEANING_FLOOR, best first (`ids`): those meaning alone can add."""

    cosine: np.ndarray
    ids: list[int]


def meaning_of(query: str, cache: IndexCache) -> Meaning:
    cosine = cache.matrix @ embeddings.encode_query(query)
    top = np.argpartition(-cosine, min(SEMANTIC_POOL, len(cosine) - 1))[:SEMANTIC_POOL]
    top = top[np.argsort(-cosine[top])]
    return Meaning(cosine, [cache.embedding_ids[j] for j in top if cosine[j] > MEANING_FLOOR])


def blend_meaning(fused: list[tuple[int, float]], meaning: Meaning, weight: float, cache: IndexCache, note) -> list[tuple[int, float]]:
    """Hybrid ranking: the word-based fused score (scaled to 0..1) plus SEMANTIC_WEIGHT times
    the cosine similarity of the query and NOS embeddings, over the top word matches and the
    closest NOS by meaning. Words keep the lead; meaning reorders near-ties and adds NOS that
    say the same thing in other words."""
    cosine = meaning.cosine
    position = cache.embedding_position
    note(meaning.ids, "meaning")
    best = fused[0][1] if fused else 1.0
    head = fused[:KEYWORD_POOL]
    pool = {i for i, _ in head} | set(meaning.ids)
    word_score = dict(head)
    blended = []
    for i in pool:
        j = position.get(i)
        similarity = float(cosine[j]) if j is not None else 0.0
        blended.append((i, word_score.get(i, 0.0) / best + weight * similarity))
    blended.sort(key=lambda kv: -kv[1])
    tail = [(i, s / best) for i, s in fused[KEYWORD_POOL:] if i not in pool]
    return blended + tail
