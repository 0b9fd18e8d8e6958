"""The combiner's trees (LambdaMART): they learn the order of each query's candidates, from the
queries that have a right one; with nothing to learn from, a candidate's score is the signals'
consensus. Synthetic rows, no database."""

from __future__ import annotations

import numpy as np

from noshub.soc.coder.combiner import MIN_TAUGHT_QUERIES, _RankModel
from noshub.soc.coder.signals import SIGNALS

WIDTH = 2 * len(SIGNALS) + 4


def _queries(n_queries: int, per_query: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by query: in each query one right candidate, the one with the highest value of
    column 0 (as a candidate's share of its query's best on a signal is 1 for the signal's
    first); every other column is noise."""
    rng = np.random.default_rng(seed)
    F = rng.random((n_queries * per_query, WIDTH)).astype(np.float32)
    qid = np.repeat(np.arange(n_queries), per_query)
    y = np.zeros(len(qid), np.int8)
    for q in range(n_queries):
        rows = np.flatnonzero(qid == q)
        right = rng.choice(rows)
        F[rows, 0] *= 0.9
        F[right, 0] = F[rows, 0].max() + 0.05
        y[right] = 1
    return F, y, qid


def _first_right(model: _RankModel, F: np.ndarray, y: np.ndarray, qid: np.ndarray) -> float:
    score = model._raw(F)
    firsts = [np.flatnonzero(qid == q)[np.argmax(score[qid == q])] for q in np.unique(qid)]
    return float(np.mean(y[firsts]))


def test_the_trees_put_each_querys_right_candidate_first():
    F, y, qid = _queries(600, 8, seed=1)
    model = _RankModel()
    model.fit(F, y, qid, np.zeros(len(y), int))
    assert model.model is not None
    Ft, yt, qt = _queries(300, 8, seed=2)  # queries it never saw
    assert _first_right(model, Ft, yt, qt) >= 0.9
    # a score in 0..1, and the calibrated chance of each query's first candidate is, on average,
    # the share of those firsts that are right
    raw, prob = model.predict(Ft, qt, np.zeros(len(yt), int))
    assert ((raw >= 0) & (raw <= 1)).all() and ((prob >= 0) & (prob <= 1)).all()
    firsts = [np.flatnonzero(qt == q)[np.argmax(raw[qt == q])] for q in np.unique(qt)]
    assert abs(prob[firsts].mean() - yt[firsts].mean()) <= 0.05


def test_queries_with_no_right_candidate_teach_nothing():
    F, y, qid = _queries(600, 8, seed=3)
    half = qid >= 300
    y_without = y.copy()
    y_without[half] = 0  # half the queries lose their right candidate: they cannot say what comes first
    learn = np.ones(len(y), bool)
    ranker = _RankModel._fit_ranker(F, y_without, qid, learn, seed=0)
    assert ranker is not None and ranker.n_features_in_ == WIDTH
    # the same as learning from the first half alone
    alone = _RankModel._fit_ranker(F[~half], y[~half], qid[~half], np.ones(int((~half).sum()), bool), seed=0)
    assert np.allclose(ranker.predict(F[:80]), alone.predict(F[:80]))


def test_too_little_to_learn_from_falls_back_on_the_signals_consensus():
    F, y, qid = _queries(50, 6, seed=4)
    assert _RankModel._fit_ranker(F, np.zeros(len(qid), np.int8), qid, np.ones(len(qid), bool), seed=0) is None
    F_few, y_few, q_few = _queries(MIN_TAUGHT_QUERIES - 1, 6, seed=5)  # one query short
    assert _RankModel._fit_ranker(F_few, y_few, q_few, np.ones(len(q_few), bool), seed=0) is None
    F_enough, y_enough, q_enough = _queries(MIN_TAUGHT_QUERIES, 6, seed=5)
    assert _RankModel._fit_ranker(F_enough, y_enough, q_enough, np.ones(len(q_enough), bool), seed=0) is not None
    model = _RankModel()
    model.fit(F, np.zeros(len(qid), np.int8), qid, np.zeros(len(qid), int))
    assert model.model is None
    assert np.allclose(model._raw(F), np.clip(_RankModel.consensus(F), 0, 1))
