"""The combiner: gradient-boosted trees that order each query's candidate unit groups (LightGBM's
LambdaMART), and a calibration per kind of query that turns their scores into the chance of
being right."""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from .signals import EXTRAS, SIGNALS

_CANDIDATES_PER_SIGNAL = 6
#: The share of wrong candidates the trees learn from (each query keeps every right one).
NEGATIVE_SHARE = 0.5
#: The trees (LambdaMART, `lightgbm.LGBMRanker`): boosting rounds, learning rate, leaves per tree,
#: fewest rows per leaf, and how far down each query's list the ranking objective looks. They
#: learn to put a query's right candidates first, which is what top-1 and top-3 count, where the
#: classifier trees they replace (scikit-learn's, 80 rounds) learnt each candidate alone: on the
#: five folds of `bench/soc_quality.py` (2026-12-07, the same machine and database) full record
#: 93.7% / 98.8% -> 94.3% / 98.9%, title 71.4% / 83.7% -> 71.8% / 84.2%. Chosen on the tuning
#: tenths (5 to 8): 100 rounds as good as 200, 400 rounds and the xendcg objective worse, half the
#: wrong candidates as good as all at the classifier's fit time (`noshub/soc/README.md`).
TREE_ITERATIONS = 100
TREE_LEARNING_RATE = 0.1
TREE_LEAVES = 15
TREE_MIN_LEAF = 40
RANK_TRUNCATION = 10
#: The fewest queries with a right candidate the trees learn an order from: with fewer (a coder
#: fitted on a few dozen coded NOS), a candidate's score is the signals' consensus, as without
#: trees. (A coder of 48 NOS put a welder first for "kitchen catering", which only its sentence
#: vectors could place, after its trees split on what 60 queries happened to share.)
MIN_TAUGHT_QUERIES = 200


def _candidates(sig: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The (query, unit group) pairs that any signal ranks in its top few, with a score > 0."""
    n, U = sig["nos_full"].shape
    k = min(_CANDIDATES_PER_SIGNAL, U)
    mask = np.zeros((n, U), bool)
    rows = np.arange(n)[:, None]
    for s in SIGNALS:
        top = np.argpartition(-sig[s], k - 1, axis=1)[:, :k]
        mask[rows, top] |= np.take_along_axis(sig[s], top, axis=1) > 0
    empty = ~mask.any(axis=1)
    if empty.any():  # nothing speaks (e.g. unknown words): fall back on the reference text
        top = np.argpartition(-sig["unit_full"][empty], k - 1, axis=1)[:, :k]
        sub = mask[empty]
        sub[np.arange(sub.shape[0])[:, None], top] = True
        mask[empty] = sub
    qi, ui = np.nonzero(mask)
    return qi, ui


#: A candidate's rank on a signal is capped here (and a candidate the signal gives nothing is
#: ranked here): past it the place says no more.
RANK_CAP = 50


def _signal_ranks(m: np.ndarray, qi: np.ndarray, ui: np.ndarray) -> np.ndarray:
    """The place (0 = first) of each candidate `ui[k]` among every unit group on one signal's
    scores for its query `qi[k]`, capped at `RANK_CAP`. The trees see the score and its share
    of the best; where the candidate stands among the others (second after a near tie, or
    fifth) is what a top-three ranking turns on (title top-1 / top-3 +0.5 / +0.6 on tenths the
    reported folds never hold out, +0.5 / +0.2 on the five folds; `bench/soc_quality.py`'s
    ablation row "rank features")."""
    if not len(qi):
        return np.zeros(0, np.float32)
    order = np.argsort(-m, axis=1, kind="stable")
    place = np.empty_like(order)
    np.put_along_axis(place, order, np.broadcast_to(np.arange(m.shape[1]), order.shape), axis=1)
    out = place[qi, ui].astype(np.float32)
    out[m[qi, ui] <= 0] = RANK_CAP
    return np.minimum(out, RANK_CAP)


#: Kinds of query, each with its own calibration (and a feature of the trees): a title alone
#: (free text), a full record whose suite has coded NOS, a full record of a new suite, and a
#: job title: a text of up to three words that does not begin as NOS titles begin
#: (`_Signals.is_job_title`; "Texturise hair" is a NOS title, "head chef" a job title).
REGIMES = ("title", "suite_known", "new_suite", "short_title")


def _regimes(sig: dict[str, np.ndarray]) -> np.ndarray:
    title = sig["title_only"] > 0
    known = sig["suite_known"] > 0
    short = sig["short"] > 0
    return np.where(short, 3, np.where(title, 0, np.where(known, 1, 2)))


class _RankModel:
    """Gradient-boosted trees over (query, candidate) features: each signal's score, its share
    of the query's best score on that signal and its place among all unit groups on it, plus
    what kind of query it is (title alone, suite known, short, how close its nearest neighbours
    are). Trained on the held-out queries made inside `fit` to order each query's candidates,
    right ones first (LambdaMART); a logistic calibration per regime, on queries the trees did not
    learn from, turns their score into the probability that the unit group is right."""

    #: every query-level extra of `_Signals.compute` is a feature of each of its candidates
    QUERY_FEATURES = EXTRAS

    def __init__(self, trees: bool = True, ranks: bool = True) -> None:
        #: without trees (the bench's ablation), a candidate's score is `consensus`
        self.trees = trees
        #: without ranks (the bench's ablation), `features` stops after the query-level extras
        self.ranks = ranks
        self.model = None
        self.calibration: dict[int, tuple[LogisticRegression, IsotonicRegression, IsotonicRegression]] = {}

    def features(self, sig: dict[str, np.ndarray], qi: np.ndarray, ui: np.ndarray) -> np.ndarray:
        """One row per (query, candidate): each signal's score and its share of the query's best
        (the columns `consensus` reads), the query-level extras, then each signal's rank of the
        candidate among all unit groups (`_signal_ranks`) and on how many signals it is in the
        first three."""
        cols = []
        for s in SIGNALS:
            m = sig[s]
            v = m[qi, ui]
            best = m.max(axis=1)[qi]
            cols += [v, v / np.maximum(best, 1e-9)]
        for name in _RankModel.QUERY_FEATURES:
            cols.append(sig[name][qi])
        if self.ranks:
            ranks = [_signal_ranks(sig[s], qi, ui) for s in SIGNALS]
            cols += [*ranks, sum(r < 3 for r in ranks)]
        return np.stack(cols, axis=1).astype(np.float32)

    @staticmethod
    def consensus(F: np.ndarray) -> np.ndarray:
        """Per row of `features`: the mean over signals of the candidate's share of the best."""
        return F[:, 1 : 2 * len(SIGNALS) : 2].mean(axis=1)

    def fit(
        self, F: np.ndarray, y: np.ndarray, qid: np.ndarray, regime: np.ndarray, seed: int = 0, groups: np.ndarray | None = None
    ) -> None:
        """Learn from rows of `features`; `groups` (one per row, e.g. a suite) are kept whole
        when a quarter of them is held back for the calibration."""
        rng = np.random.default_rng(seed)
        groups = qid if groups is None else groups
        kinds = np.unique(groups)
        cal = np.isin(groups, rng.choice(kinds, size=len(kinds) // 4, replace=False))
        if self.trees:
            # most candidates are wrong: the trees may learn from every right one and a share of
            # the wrong ones (the calibration below sees every candidate of its queries)
            learn = ~cal & ((y > 0) | (rng.random(len(y)) < NEGATIVE_SHARE))
            self.model = self._fit_ranker(F, y, qid, learn, seed)
        if len(np.unique(y[cal])) < 2:  # too little data to hold queries back: calibrate in-sample
            cal = np.ones(len(y), bool)
        if len(np.unique(y[cal])) < 2:
            return
        raw = self._raw(F[cal])
        G, yc, rc = self._calibration_features(raw, qid[cal]), y[cal], regime[cal]
        for r in range(len(REGIMES)):
            m = rc == r
            if m.sum() < 50 or len(np.unique(yc[m])) < 2:
                m = np.ones(len(yc), bool)
            logistic = LogisticRegression(C=1.0, max_iter=500)
            logistic.fit(G[m], yc[m])
            # a logistic curve cannot bend where the trees' scores do: an isotonic map of its
            # output, on the same held-back queries, makes each band's confidence its accuracy;
            # one for each query's first candidate (the confidence shown first) and one for the rest
            p = logistic.predict_proba(G[m])[:, 1]
            first = G[m][:, 2] > 0
            maps = []
            for part in (first, ~first):
                isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
                isotonic.fit(p[part] if part.any() else p, yc[m][part] if part.any() else yc[m])
                maps.append(isotonic)
            self.calibration[r] = (logistic, *maps)

    @staticmethod
    def _fit_ranker(F: np.ndarray, y: np.ndarray, qid: np.ndarray, learn: np.ndarray, seed: int):
        """The trees, learnt from the rows `learn` of the queries with a right candidate among
        them (a query with none has no order to teach); None with fewer than
        `MIN_TAUGHT_QUERIES` such queries."""
        import lightgbm

        rows = np.flatnonzero(learn)
        if not len(rows):
            return None
        rows = rows[np.argsort(qid[rows], kind="stable")]  # each query's rows together
        q = qid[rows]
        starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
        sizes = np.diff(np.r_[starts, len(q)])
        has_right = np.add.reduceat(y[rows], starts) > 0
        rows, sizes = rows[np.repeat(has_right, sizes)], sizes[has_right]
        if len(sizes) < MIN_TAUGHT_QUERIES:
            return None
        model = lightgbm.LGBMRanker(
            objective="lambdarank",
            n_estimators=TREE_ITERATIONS,
            learning_rate=TREE_LEARNING_RATE,
            num_leaves=TREE_LEAVES,
            min_child_samples=TREE_MIN_LEAF,
            reg_lambda=1.0,
            lambdarank_truncation_level=RANK_TRUNCATION,
            # one thread, to learn and to predict: OpenMP's threads wait for each other at every
            # step, and on a machine whose cores were busy with anything else that made trees
            # ten times slower
            n_jobs=1,
            deterministic=True,
            force_row_wise=True,
            random_state=seed,
            verbose=-1,
        )
        model.fit(F[rows], y[rows].astype(np.int32), group=sizes)
        return model

    def _raw(self, F: np.ndarray) -> np.ndarray:
        """The combiner's score of each row, in 0..1: the logistic of the trees' score, or without
        trees (or with nothing they could learn) the candidate's mean share of each signal's best."""
        if not len(F):
            return np.zeros(0)
        if not self.trees or self.model is None:
            return np.clip(self.consensus(F), 0.0, 1.0)
        return expit(self.model.predict(F))

    @staticmethod
    def _calibration_features(p: np.ndarray, qid: np.ndarray) -> np.ndarray:
        """logit of the trees' probability, its gap to the query's best, and whether it is the
        best, alone and with the logit (the first suggestion's confidence is what matters
        most); rows sorted by query."""
        logit = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
        starts = np.flatnonzero(np.r_[True, qid[1:] != qid[:-1]]) if len(qid) else np.zeros(0, int)
        counts = np.diff(np.r_[starts, len(qid)])
        best = np.repeat(np.maximum.reduceat(logit, starts), counts) if len(qid) else logit
        top = (logit >= best).astype(np.float64)
        return np.stack([logit, logit - best, top, top * logit], axis=1)

    def predict(self, F: np.ndarray, qid: np.ndarray, regime: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self._raw(F)
        G = self._calibration_features(p, qid)
        prob = p.copy() if not self.calibration else np.zeros(len(F))
        for r, (logistic, first, rest) in self.calibration.items():
            m = regime == r
            if m.any():
                p_r = logistic.predict_proba(G[m])[:, 1]
                prob[m] = np.where(G[m][:, 2] > 0, first.predict(p_r), rest.predict(p_r))
        return p, prob
