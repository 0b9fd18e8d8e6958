"""Rank the occupations of one system for an occupation of another (ESCO → O*NET), learnt from a
crosswalk's known pairs.

Signals for a (query, candidate) pair: TF-IDF cosine of their whole text (titles, alternative
titles, description, tasks), character-trigram cosine of their titles, sentence-vector cosines
(title/title, description/description, description/tasks) when an encoder is given, the number
of job titles they share, and how often the query's ISCO-08 unit group (and minor group) leads
to the candidate among the known pairs (also counted at the candidate's SOC detailed occupation
and minor group, so a target no known pair named still gets its group's share: +0.6 points
top-1). A logistic model over these signals (each also relative to the query's best
candidate), fitted on the known pairs' candidates, scores each candidate; its probability, normalised over the
candidates, is the confidence. Fitted on some pairs, it is measured on pairs it never saw
(`bench/links_quality.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from noshub.core.readers.occupations import OccupationRecord
from noshub.core.text.titlekeys import title_match_key

Encoder = Callable[[list[str]], np.ndarray]
#: Candidates the model scores per query (by the sum of the plain signals).
CANDIDATES = 60
FEATURES = (
    "words",
    "title_chars",
    "vec_title",
    "vec_text",
    "vec_tasks",
    "shared_titles",
    "isco4",
    "isco3",
    "title_words",
    "popularity",
    "isco4_soc",
    "isco4_minor",
    "isco3_minor",
)
#: O*NET code prefixes the ISCO-08 tables are also kept at: the SOC detailed occupation
#: ("11-1011") and the SOC minor group ("11-10"), so a target the known pairs never named
#: still gets its group's share.
GROUPS = {"isco4_soc": 7, "isco4_minor": 5, "isco3_minor": 5}
TEXT_LIMIT = 1000


def _titles(r: OccupationRecord) -> str:
    return " ; ".join([r.title, *r.alt_titles[:20]])


def _text(r: OccupationRecord) -> str:
    return " ".join([r.title, *r.alt_titles, r.description, *r.detail.get("tasks", ())])


def _described(r: OccupationRecord) -> str:
    return f"{r.title}. {r.description}"[:TEXT_LIMIT]


def _tasks(r: OccupationRecord) -> str:
    return f"{r.title}. {' '.join(r.detail.get('tasks', ())[:6]) or r.description}"[:TEXT_LIMIT]


def _share(column: np.ndarray, counts: Counter[int] | None, own: int = -1) -> bool:
    """Write into `column` each target's share of `counts` (less the query's own vote `own`);
    False when nothing is left."""
    if not counts:
        return False
    total = sum(counts.values()) - (1 if own in counts else 0)
    if total <= 0:
        return False
    for j, c in counts.items():
        column[j] = (c - (j == own)) / total
    return True


def relative(F: np.ndarray) -> np.ndarray:
    """A query's candidate signals, each also as its distance below the best candidate's (what
    matters is how a candidate stands among the others: +2.4 points top-1 on held-out folds)."""
    return np.concatenate([F, F - F.max(axis=0, keepdims=True)], axis=1)


@dataclass
class Ranked:
    code: str
    score: float  # the model's probability that this is the pair
    confidence: float  # normalised over the candidates shown


class OccupationRanker:
    """Ranks `targets` (e.g. O*NET occupations) for query records (e.g. ESCO occupations)."""

    def __init__(
        self,
        targets: Sequence[OccupationRecord],
        encoder: Encoder | None = None,
        progress=None,
        without: Sequence[str] = (),
        remember: bool = False,
    ) -> None:
        """`without`: signals left out (an ablation); `remember`: keep each query's text signals
        (for fitting and ranking the same queries again, as the bench's folds do; about 50 kB a
        query)."""
        self.targets = list(targets)
        self.without = [FEATURES.index(name) for name in without]
        self.memo: dict[OccupationRecord, np.ndarray] | None = {} if remember else None
        self.index = {t.code: i for i, t in enumerate(self.targets)}
        self.encoder = encoder
        self.words = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=1)
        self.words_t = self.words.fit_transform([_text(t) for t in self.targets])
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
        self.chars_t = self.chars.fit_transform([_titles(t) for t in self.targets])
        self.title_words = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        self.title_words_t = self.title_words.fit_transform([_titles(t) for t in self.targets])
        self.title_keys = [{title_match_key(x) for x in (t.title, *t.alt_titles)} for t in self.targets]
        self.vectors = None
        if encoder is not None:
            texts = [x for t in self.targets for x in (t.title, _described(t), _tasks(t))]
            v = encoder(texts)
            self.vectors = (v[0::3], v[1::3], v[2::3])
        self.isco4: dict[str, Counter[int]] = defaultdict(Counter)
        self.isco3: dict[str, Counter[int]] = defaultdict(Counter)
        self.group_of = {name: [t.code[:n] for t in self.targets] for name, n in GROUPS.items()}
        self.isco_groups: dict[str, dict[str, Counter[str]]] = {name: defaultdict(Counter) for name in GROUPS}
        self.popularity = np.zeros(len(self.targets), np.float32)
        self.model: LogisticRegression | None = None

    # -- signals -------------------------------------------------------------------------------

    def signals(self, queries: Sequence[OccupationRecord], own: Sequence[int] | None = None) -> np.ndarray:
        """An array (queries × targets × features). `own`: each query's known target while
        fitting, whose vote is left out of the learnt signals (as for a query never seen)."""
        col = {name: k for k, name in enumerate(FEATURES)}
        if self.memo is not None:
            new = [q for q in dict.fromkeys(queries) if q not in self.memo]
            if new:
                for q, row in zip(new, self._text_signals(new), strict=True):
                    self.memo[q] = row
            out = np.stack([self.memo[q] for q in queries])
        else:
            out = self._text_signals(queries)
        out[:, :, 9] = self.popularity[None, :]
        for i, q in enumerate(queries):
            mine = own[i] if own is not None else -1
            if mine >= 0:
                out[i, mine, 9] = np.log1p(self.popularity_count(mine) - 1)
            _share(out[i, :, col["isco4"]], self.isco4.get(q.isco08), mine)
            _share(out[i, :, col["isco3"]], self.isco3.get(q.isco08[:3]), mine)
            for name, table in self.isco_groups.items():
                counts = table.get(q.isco08 if name.startswith("isco4") else q.isco08[:3])
                if not counts:
                    continue
                groups = self.group_of[name]
                own_group = groups[mine] if mine >= 0 else None
                total = sum(counts.values()) - (1 if own_group in counts else 0)
                if total > 0:
                    out[i, :, col[name]] = [(counts.get(g, 0) - (g == own_group)) / total for g in groups]
        out[:, :, self.without] = 0
        return out

    def _text_signals(self, queries: Sequence[OccupationRecord]) -> np.ndarray:
        """The signals of the texts alone (what no known pair changes)."""
        n, m = len(queries), len(self.targets)
        out = np.zeros((n, m, len(FEATURES)), np.float32)
        out[:, :, 0] = (self.words.transform([_text(q) for q in queries]) @ self.words_t.T).toarray()
        out[:, :, 1] = (self.chars.transform([_titles(q) for q in queries]) @ self.chars_t.T).toarray()
        if self.vectors is not None and self.encoder is not None:
            qv = self.encoder([x for q in queries for x in (q.title, _described(q))])
            qt, qd = qv[0::2], qv[1::2]
            out[:, :, 2] = qt @ self.vectors[0].T
            out[:, :, 3] = qd @ self.vectors[1].T
            out[:, :, 4] = qd @ self.vectors[2].T
        out[:, :, 8] = (self.title_words.transform([_titles(q) for q in queries]) @ self.title_words_t.T).toarray()
        for i, q in enumerate(queries):
            keys = {title_match_key(x) for x in (q.title, *q.alt_titles)}
            for j, tk in enumerate(self.title_keys):
                shared = len(keys & tk)
                if shared:
                    out[i, j, 5] = min(shared, 3) / 3
        return out

    def popularity_count(self, j: int) -> float:
        return float(np.expm1(self.popularity[j]))

    def _candidates(self, sig: np.ndarray) -> np.ndarray:
        plain = sig[:, :, 0] + sig[:, :, 1] + sig[:, :, 2:5].sum(axis=2) / 2 + sig[:, :, 6] + sig[:, :, 7] / 2
        k = min(CANDIDATES, plain.shape[1])
        return np.argsort(-plain, axis=1, kind="stable")[:, :k]

    # -- fit and rank --------------------------------------------------------------------------

    def fit(self, queries: Sequence[OccupationRecord], answers: Sequence[str]) -> OccupationRanker:
        """Learn from known pairs (query, target code): the ISCO tables and the logistic model."""
        self.isco4, self.isco3 = defaultdict(Counter), defaultdict(Counter)
        self.isco_groups = {name: defaultdict(Counter) for name in GROUPS}
        pairs = [(q, self.index[a]) for q, a in zip(queries, answers, strict=True) if a in self.index]
        for q, j in pairs:
            if q.isco08:
                self.isco4[q.isco08][j] += 1
                self.isco3[q.isco08[:3]][j] += 1
                for name, table in self.isco_groups.items():
                    table[q.isco08 if name.startswith("isco4") else q.isco08[:3]][self.group_of[name][j]] += 1
        counts = Counter(j for _, j in pairs)
        self.popularity = np.zeros(len(self.targets), np.float32)
        for j, c in counts.items():
            self.popularity[j] = np.log1p(c)
        # Each known pair's own vote is left out of its learnt signals while fitting (as for a new query).
        sig = self.signals([q for q, _ in pairs], own=[j for _, j in pairs])
        cand = self._candidates(sig)
        X, y = [], []
        for i, (_, j) in enumerate(pairs):
            X.append(relative(sig[i, cand[i]]))
            y.append(cand[i] == j)
        self.model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        self.model.fit(np.concatenate(X), np.concatenate(y))
        return self

    def candidate_codes(self, queries: Sequence[OccupationRecord]) -> list[set[str]]:
        """The targets the model scores for each query (what any ranking can reach)."""
        out: list[set[str]] = []
        for start in range(0, len(queries), 200):
            for row in self._candidates(self.signals(queries[start : start + 200])):
                out.append({self.targets[j].code for j in row})
        return out

    def rank(self, queries: Sequence[OccupationRecord], top: int = 5) -> list[list[Ranked]]:
        if not queries:
            return []
        out: list[list[Ranked]] = []
        for start in range(0, len(queries), 200):
            chunk = queries[start : start + 200]
            sig = self.signals(chunk)
            cand = self._candidates(sig)
            feats = [sig[i, cand[i]] for i in range(len(chunk))]
            if self.model is not None:  # one call for the chunk: each call of the model has its cost
                p_all = self.model.predict_proba(np.concatenate([relative(f) for f in feats]))[:, 1]
                probs = np.split(p_all, np.cumsum([len(f) for f in feats])[:-1])
            else:
                probs = [f[:, :5].mean(axis=1) for f in feats]
            for i, p in enumerate(probs):
                order = np.argsort(-p, kind="stable")[:top]
                total = float(p.sum()) or 1.0
                out.append(
                    [Ranked(self.targets[cand[i][o]].code, round(float(p[o]), 4), round(float(p[o]) / total, 4)) for o in order]
                )
        return out
