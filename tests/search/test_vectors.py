"""The closest NOS in meaning, chosen over a 16-bit copy of the vectors and ranked in 32 bits
(`noshub.search.vectors`), are exactly those of the 32-bit product over every NOS: on real
queries against the whole catalogue's vectors, and on made-up matrices full of near-ties. And a
misspelling is corrected the same way in every process (the order of the vocabulary's words
followed the hash seed and only the ten closest words were weighed: "cheff" became "chef" in one
process and "chefs" in another)."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noshub.core.search import embeddings
from noshub.search.ranking import SEMANTIC_POOL, corrections
from noshub.search.text.query import parse_query
from noshub.search.vectors import NosVectors

torch = pytest.importorskip("torch")


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3000), k=st.integers(1, 150), twins=st.integers(0, 400))
def test_the_pool_is_the_32_bit_pool_even_among_near_ties(seed, n, k, twins):
    """Rows that are copies of one another, or differ by less than 16 bits can tell apart, are
    ranked as the 32-bit product ranks them; their cosines are the 32-bit ones."""
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, 32))
    query = _unit(rng.standard_normal(32))
    if twins:  # near-copies of the rows closest to the query: a crowd at the pool's edge
        near = np.argsort(-(matrix @ query))[: max(1, min(n, k))]
        picks = rng.choice(near, size=min(twins, n))
        targets = rng.choice(n, size=len(picks), replace=False)
        matrix[targets] = matrix[picks] + rng.standard_normal((len(picks), 32)) * 1e-5
    matrix = _unit(matrix)
    vectors = NosVectors(list(range(100, 100 + n)), matrix)
    rows, cosine = vectors.closest(query, k)
    _same_pool(matrix @ query, rows, cosine, k)


def _same_pool(full: np.ndarray, rows: np.ndarray, cosine: np.ndarray, k: int) -> None:
    """`rows` are the `k` best of the 32-bit product `full`, best first, with its cosines: any
    difference is within the last bits of a 32-bit sum (BLAS sums a row the same way, whatever
    rows it is given, up to rounding)."""
    k = min(k, len(full))
    assert len(rows) == len(set(rows.tolist())) == k
    assert np.allclose(cosine, full[rows], rtol=0, atol=1e-6)
    assert np.all(np.diff(cosine) <= 0)
    kth = np.sort(full)[::-1][k - 1]
    assert cosine[-1] >= kth - 1e-6  # none better left out
    assert set(np.flatnonzero(full > kth + 1e-6).tolist()) <= set(rows.tolist())


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 300))
def test_without_the_16_bit_copy_the_pool_is_the_same(seed, k):
    """Without PyTorch (no 16-bit copy) the 32-bit product over every NOS gives the same pool."""
    rng = np.random.default_rng(seed)
    matrix = _unit(rng.standard_normal((500, 16)))
    query = _unit(rng.standard_normal(16))
    plain = NosVectors(list(range(500)), matrix)
    plain._half = None
    rows, cosine = plain.closest(query, k)
    _same_pool(matrix @ query, rows, cosine, k)


def test_no_vectors_and_a_pool_larger_than_the_nos():
    empty = NosVectors([], np.zeros((0, 8), dtype=np.float32))
    rows, cosine = empty.closest(_unit(np.ones(8)), 5)
    assert len(rows) == 0 and len(cosine) == 0
    assert empty.cosines([1, 2], _unit(np.ones(8))) == {}
    matrix = _unit(np.eye(3, 8) + 0.1)
    rows, _ = NosVectors([7, 8, 9], matrix).closest(_unit(np.arange(8.0)), 10)
    assert sorted(rows.tolist()) == [0, 1, 2]


def test_cosines_leave_out_nos_without_a_vector():
    matrix = _unit(np.random.default_rng(1).standard_normal((4, 8)))
    query = _unit(np.ones(8))
    vectors = NosVectors([10, 11, 12, 13], matrix)
    got = vectors.cosines([13, 99, 10], query)
    assert list(got) == [13, 10]
    assert got[13] == pytest.approx(float(matrix[3] @ query), abs=1e-6)


@pytest.mark.django_db
@pytest.mark.skipif(not embeddings.available(), reason="the semantic extra is not installed")
def test_real_queries_find_the_32_bit_pool_over_the_whole_catalogue(django_db_setup):
    """100 real NOS titles and ONS job titles as queries, the catalogue's 20,000-odd vectors: the
    pool of SEMANTIC_POOL and its cosines are the full 32-bit product's; so is every candidate's."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from noshub.search.index_cache import current_index
    from noshub.soc.models import CodingIndexEntry

    cache = current_index()
    assert len(cache.vectors) > 20000
    titles = sorted({d.title for d in cache.docs.values()})
    jobs = sorted(set(CodingIndexEntry.objects.values_list("title", flat=True)[:5000]))
    rng = random.Random(5)
    queries = rng.sample(titles, 50) + rng.sample(jobs, 50)
    for query in queries:
        vector = embeddings.encode_query(query)
        rows, cosine = cache.vectors.closest(vector, SEMANTIC_POOL)
        full = cache.vectors.matrix @ vector
        _same_pool(full, rows, cosine, SEMANTIC_POOL)
        some = [cache.vectors.ids[j] for j in range(0, len(full), 97)]
        got = cache.vectors.cosines(some, vector)
        assert np.allclose([got[i] for i in some], full[::97], atol=1e-6), query


def _vocabulary_cache(counts: dict[str, int], order: list[str]) -> SimpleNamespace:
    from collections import Counter

    from noshub.search.index_cache import by_length

    return SimpleNamespace(vocabulary=Counter({w: counts[w] for w in order}), vocab_by_length=by_length(order), welsh_text={})


@settings(max_examples=40, deadline=None)
@given(st.permutations(["chef", "chefs", "chaff", "check", "chief", "cheek", "shelf", "theft", "cheffe"]))
def test_a_misspelling_is_corrected_alike_whatever_order_the_words_came_in(order):
    counts = {w: 217 for w in order} | {"chaff": 3, "cheffe": 1}
    cache = _vocabulary_cache(counts, list(order))
    assert corrections(parse_query("cheff"), cache) == {"cheff": "chef"}


@settings(max_examples=40, deadline=None)
@given(st.permutations(["enter", "tender", "tented", "tenner", "center"]))
def test_between_words_used_as_often_the_one_kept_has_the_same_first_letter(order):
    cache = _vocabulary_cache({"enter": 22, "tender": 22, "tented": 2, "tenner": 22, "center": 22}, list(order))
    assert corrections(parse_query("tenter"), cache) == {"tenter": "tender"}  # (tenner: after it alphabetically)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdeh", min_size=3, max_size=9), min_size=1, max_size=40, unique=True),
    st.text(alphabet="abcdeh", min_size=4, max_size=9),
)
def test_no_word_within_reach_is_missed_by_comparing_only_lengths_within_reach(vocabulary, word):
    """A misspelling is compared only with words whose length is within the edits allowed; every
    word of the vocabulary within those edits is still found: the correction is as close as the
    closest word of the whole vocabulary, and there is one exactly when such a word exists."""
    from rapidfuzz.distance import Levenshtein

    from noshub.core.text import SEARCH_STOP_WORDS
    from noshub.search.welsh import is_welsh_word

    if word in vocabulary or word in SEARCH_STOP_WORDS or is_welsh_word(word):
        return
    cache = _vocabulary_cache(dict.fromkeys(vocabulary, 1), vocabulary)
    limit = 1 if len(word) < 6 else 2
    closest = min(Levenshtein.distance(word, w) for w in vocabulary)
    found = corrections(parse_query(word), cache)
    assert bool(found) == (closest <= limit)
    if found:
        assert Levenshtein.distance(word, found[word]) == closest


@pytest.mark.django_db
def test_cheff_is_chef_and_tenter_tender_on_the_real_catalogue(django_db_setup):
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from noshub.search.index_cache import current_index

    cache = current_index()
    assert corrections(parse_query("cheff"), cache) == {"cheff": "chef"}
    assert corrections(parse_query("machine tenter"), cache) == {"tenter": "tender"}
