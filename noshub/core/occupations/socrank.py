"""Link an occupation's text to SOC 2020 unit groups with sentence vectors, and weigh several
kinds of evidence with a model learnt from occupations whose unit group is known.

`SemanticSoc` (given the unit groups' ONS text, the coding index and an encoder such as
`noshub.core.search.vector_cache.CachedEncoder`) gives, for an occupation, three distributions
over unit groups:

* ``sem_overview``: its title and overview against each unit group's title and description;
* ``sem_title``: its title against each unit group's nearest coding-index job title;
* ``sem_duties``: its duties (or tasks), each voting for the unit groups of its nearest
  Volume 1 tasks.

`EvidenceRanker` scores each candidate unit group (any unit group among the first of any
evidence) from every evidence's score, its distance below that evidence's best and its rank,
with a prior learnt from the known occupations that share the occupation's `group` (an IfATE
route): a logistic model (or gradient-boosted trees) fitted on occupations with a known unit
group. `bench/links_quality.py` fits it on some standards and measures it on others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Encoder = Callable[[list[str]], np.ndarray]
#: Unit groups each evidence puts forward as candidates.
PER_EVIDENCE = 10
TEXT_LIMIT = 1000


def _top(scores: np.ndarray, units: Sequence[str], k: int = PER_EVIDENCE) -> dict[str, float]:
    order = np.argsort(-scores, kind="stable")[:k]
    return {units[j]: round(float(scores[j]), 4) for j in order if scores[j] > 0}


class SemanticSoc:
    """Sentence-vector evidence for SOC 2020 unit groups (see the module docstring)."""

    def __init__(
        self,
        units: dict[str, tuple[str, str, Sequence[str]]],
        index_titles: Sequence[tuple[str, str]],
        encoder: Encoder,
    ) -> None:
        """`units`: code → (title, description, tasks); `index_titles`: (job title, unit)."""
        self.encoder = encoder
        self.units = sorted(units)
        at = {c: i for i, c in enumerate(self.units)}
        self.unit_v = encoder([f"{units[c][0]}. {units[c][1]}" for c in self.units])
        pairs = sorted((at[u], t) for t, u in index_titles if u in at)
        self.index_v = encoder([t for _, t in pairs]).T.copy()
        index_units = np.array([u for u, _ in pairs])
        self.index_starts = np.flatnonzero(np.r_[True, index_units[1:] != index_units[:-1]])
        self.index_units = index_units[self.index_starts]
        tasks = [(at[c], t) for c in self.units for t in units[c][2] if t.strip()]
        self.task_v = encoder([t for _, t in tasks])
        self.task_units = np.array([u for u, _ in tasks])

    def evidence(self, title: str, overview: str, duties: Sequence[str]) -> dict[str, dict[str, float]]:
        q = self.encoder([title, f"{title}. {overview}"[:TEXT_LIMIT]])
        out = {"sem_overview": _top(np.clip(q[1] @ self.unit_v.T, 0, None), self.units)}
        by_unit = np.zeros(len(self.units), np.float32)
        by_unit[self.index_units] = np.maximum.reduceat(q[0] @ self.index_v, self.index_starts)
        out["sem_title"] = _top(np.clip(by_unit, 0, None), self.units)
        votes = np.zeros(len(self.units), np.float32)
        duties = [d[:TEXT_LIMIT] for d in duties if d.strip()][:30]
        if duties:
            sims = self.encoder(duties) @ self.task_v.T
            for row in sims:
                best = np.argsort(-row, kind="stable")[:5]
                np.add.at(votes, self.task_units[best], np.clip(row[best], 0, None))
            votes /= len(duties)
        out["sem_duties"] = _top(votes, self.units)
        return out


@dataclass
class RankedUnit:
    unit: str
    probability: float  # the model's probability that this unit group is the occupation's
    confidence: float  # normalised over the candidates


class EvidenceRanker:
    """Learns to weigh evidence distributions over unit groups (see the module docstring)."""

    def __init__(self, evidence: Sequence[str], learner: str = "logistic", prior: bool = True) -> None:
        self.evidence = list(evidence)
        self.learner = learner
        self.use_prior = prior
        self.prior: dict[str, Counter[str]] = defaultdict(Counter)
        self.model = None

    def _features(self, ev: dict[str, dict[str, float]], group: str, own: str | None = None) -> tuple[list[str], np.ndarray]:
        cands = list(dict.fromkeys(u for name in self.evidence for u in ev.get(name, {})))
        counts = self.prior.get(group) if self.use_prior else None
        total = (sum(counts.values()) - (1 if own and counts and own in counts else 0)) if counts else 0
        F = np.zeros((len(cands), 3 * len(self.evidence) + 1), np.float32)
        for k, name in enumerate(self.evidence):
            dist = ev.get(name, {})
            best = max(dist.values(), default=0.0)
            ranks = {u: r for r, u in enumerate(sorted(dist, key=lambda u: -dist[u]))}
            for i, u in enumerate(cands):
                v = dist.get(u, 0.0)
                F[i, 3 * k] = v
                F[i, 3 * k + 1] = v - best
                F[i, 3 * k + 2] = 1.0 / (1 + ranks[u]) if u in ranks else 0.0
        if total > 0:
            for i, u in enumerate(cands):
                F[i, -1] = (counts[u] - (u == own)) / total
        return cands, F

    def fit(self, evidences: Sequence[dict], groups: Sequence[str], answers: Sequence[str]) -> EvidenceRanker:
        """Learn from occupations with a known unit group (`answers`)."""
        self.prior = defaultdict(Counter)
        for g, a in zip(groups, answers, strict=True):
            if g:
                self.prior[g][a] += 1
        X, y = [], []
        for ev, g, a in zip(evidences, groups, answers, strict=True):
            cands, F = self._features(ev, g, own=a)
            if cands:
                X.append(F)
                y.append(np.array([u == a for u in cands]))
        if self.learner == "boosting":
            from sklearn.ensemble import HistGradientBoostingClassifier

            self.model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=7, random_state=23)
        else:
            from sklearn.linear_model import LogisticRegression

            self.model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        self.model.fit(np.concatenate(X), np.concatenate(y))
        return self

    def rank(self, ev: dict[str, dict[str, float]], group: str = "", top: int = 5) -> list[RankedUnit]:
        cands, F = self._features(ev, group)
        if not cands or self.model is None:
            return []
        p = self.model.predict_proba(F)[:, 1]
        total = float(p.sum()) or 1.0
        order = np.argsort(-p, kind="stable")[:top]
        return [RankedUnit(cands[i], round(float(p[i]), 4), round(float(p[i]) / total, 4)) for i in order]
