"""The coder: `SocCoder.fit` learns from the reference and the coded NOS; `suggest` and
`suggest_many` rank unit groups for NOS or free text; `with_evidence` adds the coded NOS behind each."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .combiner import _candidates, _RankModel, _regimes
from .reading import _full_text, _norm_key
from .records import CodedNeighbour, CoderText, Encoder, Labelled, SocReference, Suggestion
from .signals import _Signals

#: The fewest coded NOS the coder learns from: it holds some back to learn how to combine its signals.
MIN_CODED = 20

#: How many of the first suggestions `SocCoder._diversify` may re-rank.
DIVERSIFY_DEPTH = 10
#: How much the chance of being right only with an earlier suggestion counts against a
#: candidate (1: exactly as estimated; more: the estimate from all coded NOS is too low for one
#: query, measured on whole suites held out: top-3 +0.3 points at 2 against 1).
DIVERSIFY_OVERLAP_WEIGHT = 2.0
#: How many random sets of coded NOS `fit` hides to learn how to combine the signals.
RANDOM_SPLITS = 3


class SocCoder:
    """Fit once (`fit`), then `suggest` for one NOS or `suggest_many` for a catalogue."""

    def __init__(self, signals: _Signals, combiner: _RankModel) -> None:
        self._signals = signals
        self._combiner = combiner
        self._all = np.ones(len(signals.labelled), bool)
        # P(unit v right | unit u right) among the coded NOS: row u, column v
        right = (signals.Y > 0).astype(np.float32)
        counts = right.sum(axis=0)
        self._co_right: np.ndarray | None = (right.T @ right) / np.maximum(counts, 1.0)[:, None]
        np.fill_diagonal(self._co_right, 1.0)

    @property
    def units(self) -> list[str]:
        return self._signals.units

    @classmethod
    def fit(
        cls,
        reference: SocReference,
        labelled: Sequence[Labelled],
        seed: int = 0,
        stack_size: int = 1500,
        encoder: Encoder | None = None,
        without: frozenset[str] = frozenset(),
    ) -> SocCoder:
        """Learn from the reference and the coded NOS.

        The combiner is trained on held-out predictions: inside `fit`, coded NOS are hidden
        (at random, as `bench/soc_quality.py` hides them, and one fifth of the suites whole)
        and predicted from the rest, with the full record and with the title alone, so that
        its probabilities are honest for new NOS, for NOS of new suites and for free text.
        `without` names signals (of `SIGNALS`), "trees" (the combiner: then a candidate's
        score is its mean share of each signal's best) or "ranks" (the combiner's rank features)
        to leave out: the bench's ablation."""
        labelled = [x for x in labelled if x.labels]
        if len(labelled) < MIN_CODED:
            raise ValueError(
                f"the SOC coder learns from NOS that carry codes: it needs at least {MIN_CODED}, and has {len(labelled)} "
                "(load the catalogue and run 'noshub soc migrate' first)"
            )
        signals = _Signals(reference, labelled, encoder, without=frozenset(without) - {"trees", "ranks"})
        signals.remember = True
        combiner = _RankModel(trees="trees" not in without, ranks="ranks" not in without)
        rng = np.random.default_rng(seed)
        n = len(labelled)
        X_parts, y_parts, r_parts, q_parts, g_parts = [], [], [], [], []
        offset = 0
        suites = [frozenset(_norm_key(s) for s in x.nos.suites) for x in labelled]
        all_suites = sorted({s for ss in suites for s in ss})
        # the calibration holds back whole suites (`_RankModel.fit`): its queries' suite-mates
        # must not teach the trees, or the trees look surer on them than on a new suite
        suite_number = {s: k for k, s in enumerate(all_suites)}
        group_of = np.array([suite_number[min(ss)] if ss else len(all_suites) + i for i, ss in enumerate(suites)])
        size = min(stack_size, n // 4)
        splits: list[tuple[np.ndarray, np.ndarray, bool]] = []
        # random NOS hidden, each with its full record and its title alone; their suite-mates
        # (and their copies in other suites) keep their codes, as in the catalogue
        order = rng.permutation(n)
        for k in range(RANDOM_SPLITS):
            held = np.sort(order[k * size : (k + 1) * size])
            splits.append((held, _pool_without(n, held), True))
        # a fifth of the suites hidden whole (full record only): how sure to be of a NOS whose
        # suite has no coded NOS yet, as most uncoded NOS of the catalogue
        fold_of = {s: f % 5 for f, s in enumerate(rng.permutation(all_suites))}
        keyed = [{fold_of[s] for s in ss} for ss in suites]
        held = np.array([i for i, fs in enumerate(keyed) if fs == {0}], dtype=int)
        if len(held) > size:
            held = np.sort(rng.choice(held, size=size, replace=False))
        splits.append((held, np.array([0 not in fs for fs in keyed]) & _pool_without(n, held), False))
        for held, pool, with_titles in splits:
            for title_only in (False, True) if with_titles else (False,):
                queries = [labelled[i].nos.title_only() if title_only else labelled[i].nos for i in held]
                sig = signals.compute(queries, pool, rows=held)
                qi, ui = _candidates(sig)
                X_parts.append(combiner.features(sig, qi, ui))
                y_parts.append((signals.Y[held[qi], ui] > 0).astype(np.int8))
                r_parts.append(_regimes(sig)[qi])
                q_parts.append(qi + offset)
                g_parts.append(group_of[held[qi]])
                offset += len(held)
        # job titles of the coding index as free text (the job-title regime). The reference the
        # naive Bayes and the sentence vectors read still holds each one, so this regime learns
        # from titles it has seen: the bench does not measure it
        index_units = np.asarray(signals.index_labels.argmax(axis=1)).ravel()
        rows = rng.choice(len(index_units), size=min(size, len(index_units)), replace=False)
        queries = [CoderText(title=signals.index_titles[r]) for r in rows]
        sig = signals.compute(queries, np.ones(n, bool))
        qi, ui = _candidates(sig)
        X_parts.append(combiner.features(sig, qi, ui))
        y_parts.append((ui == index_units[rows[qi]]).astype(np.int8))
        r_parts.append(_regimes(sig)[qi])
        q_parts.append(qi + offset)
        g_parts.append(len(all_suites) + n + rows[qi])
        signals.forget()
        combiner.fit(
            np.vstack(X_parts),
            np.concatenate(y_parts),
            np.concatenate(q_parts),
            np.concatenate(r_parts),
            groups=np.concatenate(g_parts),
        )
        return cls(signals, combiner)

    # -- prediction ---------------------------------------------------------------------
    def _scores(
        self, queries: Sequence[CoderText], pool: np.ndarray | None = None, batch: int = 4000
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        # a suite's NOS in one batch, so that each sees its suite-mates (`_Signals._mates`)
        order_q = sorted(range(len(queries)), key=lambda i: min((_norm_key(s) for s in queries[i].suites), default=""))
        queries = [queries[i] for i in order_q]
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for start in range(0, len(queries), batch):
            chunk = queries[start : start + batch]
            sig = self._signals.compute(chunk, self._all if pool is None else pool)
            qi, ui = _candidates(sig)
            F = self._combiner.features(sig, qi, ui)
            score, p = self._combiner.predict(F, qi, _regimes(sig)[qi])
            # the trees give many candidates the same score (a leaf is a step): among those,
            # the one the signals favour most (mean share of each signal's best) comes first
            order = np.lexsort((-_RankModel.consensus(F), -score, qi))
            qi, ui, p = qi[order], ui[order], p[order]
            bounds = np.searchsorted(qi, np.arange(len(chunk) + 1))
            for i in range(len(chunk)):
                lo, hi = bounds[i], bounds[i + 1]
                cand, prob = self._diversify(ui[lo:hi], p[lo:hi])
                # a lower-ranked code never shows a higher confidence
                out.append((cand, np.minimum.accumulate(prob) if hi > lo else prob))
        back: list = [None] * len(out)
        for pos, i in enumerate(order_q):
            back[i] = out[pos]
        return back

    def _diversify(self, cand: np.ndarray, prob: np.ndarray, depth: int = DIVERSIFY_DEPTH) -> tuple[np.ndarray, np.ndarray]:
        """Re-rank the first suggestions so that each adds the most chance of a right answer.

        Unit groups that are right together (the successors of one SOC 2010 group) are not
        worth two places: after the first, each place goes to the candidate with the largest
        probability less the chance it is right only when an earlier one is
        (p(v) - sum over earlier u of p(u) * P(v right | u right), learnt from the coded NOS)."""
        n = min(depth, len(cand))
        if n < 3 or self._co_right is None:
            return cand, prob
        head, rest = cand[:n], cand[n:]
        # plain Python floats: on ten candidates numpy's per-call cost is most of the time
        co = self._co_right[np.ix_(head, head)].tolist()
        p = prob[:n].tolist()
        chosen = [0]
        overlap = [p[0] * c for c in co[0]]
        left = list(range(1, n))
        while left:
            k = max(range(len(left)), key=lambda i: p[left[i]] - DIVERSIFY_OVERLAP_WEIGHT * overlap[left[i]])
            j = left.pop(k)
            chosen.append(j)
            overlap = [o + p[j] * c for o, c in zip(overlap, co[j], strict=True)]
        order = np.array(chosen)
        return np.r_[head[order], rest], np.r_[prob[:n][order], prob[n:]]

    def suggest_many(
        self,
        queries: Sequence[CoderText],
        top: int = 5,
        pool: np.ndarray | None = None,
        exclude_self: bool = False,
        context: Sequence[CoderText] = (),
    ) -> list[list[Suggestion]]:
        """Suggestions for each query. `pool` masks which coded NOS may speak; with
        `exclude_self`, a query whose key is a coded NOS is answered without that NOS.

        Queries of one suite are coded together: each reads what its suite-mates among the
        queries look like (their text, never their codes). `context` adds NOS that are read as
        suite-mates but not answered for, such as the other uncoded NOS of a NOS's suite."""
        units = self._signals.reference.units
        context = list(context)
        if exclude_self:
            scored = []
            for q in queries:
                own = self._signals.rows_of_key.get(q.key, []) if q.key else []
                mask = (self._all if pool is None else pool).copy()
                mask[own] = False
                scored += self._scores([q, *(c for c in context if c.key != q.key or not q.key)], mask)[:1]
        else:
            scored = self._scores([*queries, *context], pool)[: len(queries)]
        return [
            [
                Suggestion(self.units[c], units[self.units[c]].title, round(float(p), 4))
                for c, p in zip(cand[:top], probs[:top], strict=True)
            ]
            for cand, probs in scored
        ]

    def with_evidence(self, query: CoderText, suggestions: Sequence[Suggestion], k: int = 3) -> list[Suggestion]:
        """The suggestions, each with the `k` coded NOS most like the query among those coded to
        its unit group (never the query's own NOS): what a reviewer compares before confirming."""
        sig = self._signals
        if not suggestions or not len(sig.labelled):
            return list(suggestions)
        sims = np.asarray((sig.vec.transform([_full_text(query)]) @ sig.nos_full_m.T).todense()).ravel()
        if query.key:
            sims[sig.rows_of_key.get(query.key, [])] = -1.0
        out = []
        for s in suggestions:
            column = sig.unit_index.get(s.code)
            similar: list[CodedNeighbour] = []
            if column is not None:
                rows = np.flatnonzero((sig.Y[:, column] > 0) & (sims > 0))
                for r in rows[np.argsort(-sims[rows], kind="stable")][:k]:
                    nos = sig.labelled[r].nos
                    similar.append(CodedNeighbour(nos.key, nos.title, round(float(sims[r]), 3)))
            out.append(replace(s, similar=tuple(similar)))
        return out

    def suggest(self, query: CoderText | str, top: int = 5) -> list[Suggestion]:
        if isinstance(query, str):
            query = CoderText.free_text(query)
        if not (query.title.strip() or not query.is_title_only):
            raise ValueError("nothing to code: the text is empty")
        return self.suggest_many([query], top=top)[0]


def _pool_without(n: int, held: np.ndarray) -> np.ndarray:
    pool = np.ones(n, bool)
    pool[held] = False
    return pool


def minor_ranking(units: Sequence[str], probs: Sequence[float]) -> list[tuple[str, float]]:
    """Minor groups ranked by the summed probability of their unit groups (capped at 1)."""
    acc: dict[str, float] = defaultdict(float)
    for u, p in zip(units, probs, strict=True):
        acc[u[:3]] += p
    return sorted(((m, min(1.0, v)) for m, v in acc.items()), key=lambda kv: -kv[1])


def entropy(weights: dict[str, float]) -> float:
    return -sum(w * math.log(w) for w in weights.values() if w > 0)
