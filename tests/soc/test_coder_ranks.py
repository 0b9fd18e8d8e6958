"""The combiner's rank features: a candidate's place among every unit group on one signal."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from noshub.soc.coder.combiner import RANK_CAP, _RankModel, _signal_ranks
from noshub.soc.coder.signals import EXTRAS, SIGNALS


def test_places_count_from_the_best_and_a_silent_signal_ranks_last():
    m = np.array([[0.1, 0.5, 0.0, 0.3], [0.9, 0.2, 0.4, 0.0]], np.float32)
    qi = np.array([0, 0, 0, 1, 1, 1])
    ui = np.array([0, 1, 2, 0, 3, 2])
    assert _signal_ranks(m, qi, ui).tolist() == [2, 0, RANK_CAP, 0, RANK_CAP, 1]


def test_no_candidates_give_no_rows():
    assert _signal_ranks(np.ones((3, 4), np.float32), np.zeros(0, int), np.zeros(0, int)).shape == (0,)


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float32, st.tuples(st.integers(1, 5), st.integers(1, 70)), elements=st.floats(0, 1, width=32)),
    st.data(),
)
def test_a_place_is_how_many_unit_groups_score_higher_or_tie_before_it(m, data):
    n, units = m.shape
    k = data.draw(st.integers(1, 20))
    qi = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)))
    ui = np.array(data.draw(st.lists(st.integers(0, units - 1), min_size=k, max_size=k)))
    got = _signal_ranks(m, qi, ui)
    for q, u, r in zip(qi, ui, got, strict=True):
        v = m[q, u]
        if v <= 0:
            assert r == RANK_CAP
            continue
        higher = int((m[q] > v).sum())
        ties_before = int((m[q, :u] == v).sum())  # a stable sort: an equal score earlier goes first
        assert r == min(higher + ties_before, RANK_CAP)


def test_every_signal_has_a_rank_column_after_the_columns_consensus_reads():
    rng = np.random.default_rng(0)
    sig = {s: rng.random((3, 8)).astype(np.float32) for s in SIGNALS}
    sig.update({e: rng.random(3).astype(np.float32) for e in EXTRAS})
    qi, ui = np.array([0, 1, 2]), np.array([sig["nos_full"][i].argmax() for i in range(3)])
    F = _RankModel().features(sig, qi, ui)
    assert F.shape == (3, 2 * len(SIGNALS) + len(EXTRAS) + len(SIGNALS) + 1)
    ranks = F[:, 2 * len(SIGNALS) + len(EXTRAS) : -1]
    assert (ranks[:, SIGNALS.index("nos_full")] == 0).all()  # each query's best on that signal
    assert (F[:, -1] == (ranks < 3).sum(axis=1)).all()
    assert np.allclose(_RankModel.consensus(F), F[:, 1 : 2 * len(SIGNALS) : 2].mean(axis=1))
    without = _RankModel(ranks=False).features(sig, qi, ui)  # the bench's ablation: the same columns before
    assert np.array_equal(without, F[:, : 2 * len(SIGNALS) + len(EXTRAS)])
