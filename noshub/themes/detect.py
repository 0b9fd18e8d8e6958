"""Finding sector NOS that embed a theme NOS, from titles, keywords and statements. No Django.

Original URN is never read here: many copies carry none, or a wrong one (bench/themes_quality.py
hides it). For each NOS outside the home suites, the reference NOS it is most like, on:

* **title words**: TF-IDF cosine of content words and their bigrams (`noshub.core.textsim`),
  fitted on every title of the catalogue, so words common everywhere count for little;
* **title characters**: TF-IDF cosine of character 3-5-grams within words (scikit-learn), which
  keeps "organise"/"organising", "colleagues"/"colleague" and reworded endings alike;
* **the same function**: the titles name one function once a level, a role verb or a trailing
  context ("… in a hospitality environment") is dropped (`noshub.core.duplicates.core_title`);
* **keywords**: cosine of the keywords both hold (where both hold some);
* **statements**: performance criteria and knowledge items shared (cosine ≥ 0.7), where both
  NOS hold text.

A *full* embedding (an imported or tailored copy) scores at least `Settings.full`; an
embedding *in part* shares statements, or names the same function, or scores at least
`Settings.part`. Each match carries its reason as a code with values (`reason`), worded by
the pages in English or Welsh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from noshub.core.duplicates import NosText, core_title
from noshub.core.text import clean_title, content_words, title_content_key
from noshub.core.textsim import Vectoriser, features, similar_pairs

FULL, PART = "full", "part"


@dataclass(frozen=True)
class Settings:
    full: float = 0.72  # score of an imported or tailored copy (the thresholds tuned on folds: bench/themes_quality.py)
    part: float = 0.6  # score of an embedding in part (the same function in other words)
    word_weight: float = 0.5  # title words against title characters
    keyword_weight: float = 0.1
    same_function: float = 0.85  # the score given to titles naming the same function
    statement_similarity: float = 0.7
    min_shared_statements: int = 2


@dataclass
class Match:
    key: str  # the embedding NOS
    theme: str
    reference: str  # the theme NOS it embeds
    extent: str  # full / part
    score: float
    title_words: float
    title_chars: float
    keywords: float | None = None
    shared_statements: int = 0
    reasons: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return round(min(max(self.score, 0.0), 1.0), 3)

    def as_dict(self) -> dict:
        return {
            "nos": self.key,
            "theme": self.theme,
            "reference": self.reference,
            "extent": self.extent,
            "confidence": self.confidence,
            "title_words": round(self.title_words, 3),
            "title_chars": round(self.title_chars, 3),
            "keywords": None if self.keywords is None else round(self.keywords, 3),
            "shared_statements": self.shared_statements,
            "reasons": [{"code": c, **v} for c, v in self.reasons],
        }


def _chars(title: str) -> str:
    return " ".join(content_words(clean_title(title)))


class ThemeDetector:
    """Vectors of every title, built once; `score_all` gives each candidate's best reference."""

    def __init__(self, docs: Sequence[NosText], references: dict[str, str], settings: Settings | None = None) -> None:
        """`references`: key of a reference NOS -> its theme's slug."""
        self.docs = list(docs)
        self.settings = settings or Settings()
        self.index = {d.key: i for i, d in enumerate(self.docs)}
        self.ref_rows = np.array([self.index[k] for k in references if k in self.index], dtype=np.int64)
        self.ref_theme = [references[self.docs[i].key] for i in self.ref_rows]
        self.W = Vectoriser().fit_transform([features(clean_title(d.title)) for d in self.docs])
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, dtype=np.float32)
        self.C = chars.fit_transform([_chars(d.title) for d in self.docs]).tocsr()
        kw = Vectoriser()
        self.K = kw.fit_transform([[f for k in d.keywords for f in features(k)] for d in self.docs])
        self.content = [title_content_key(d.title) for d in self.docs]
        self.core = [core_title(d.title) for d in self.docs]
        self._statements()

    def _statements(self) -> None:
        """Statement vectors of the NOS that hold text, for shared statements."""
        rows, texts = [], []
        for i, d in enumerate(self.docs):
            for _, text in d.statements:
                if content_words(text):
                    rows.append(i)
                    texts.append(text)
        self.stmt_doc = np.array(rows, dtype=np.int64)
        self.shared: dict[int, dict[int, int]] = {}  # NOS row -> reference row -> statements shared
        if not texts:
            return
        P = Vectoriser().fit_transform([features(t) for t in texts])
        ref_set = set(self.ref_rows.tolist())
        is_ref = np.array([r in ref_set for r in rows])
        if not is_ref.any():
            return
        ref_idx = np.flatnonzero(is_ref)
        a, b, _ = similar_pairs(P, P[ref_idx], threshold=self.settings.statement_similarity)
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            i, j = rows[x], rows[ref_idx[y]]
            if i != j:
                held = self.shared.setdefault(i, {})
                held[j] = held.get(j, 0) + 1

    def score_all(self, candidates: Sequence[str] | None = None, keep_all: bool = False) -> list[Match]:
        """The best reference for every candidate (every NOS that is no reference, by default)
        that embeds one fully or in part, best first (`keep_all`: every candidate, with extent ""
        below both thresholds, for tuning)."""
        s = self.settings
        ref_keys = {self.docs[i].key for i in self.ref_rows}
        if candidates is None:
            rows = np.array([i for i, d in enumerate(self.docs) if d.key not in ref_keys], dtype=np.int64)
        else:
            rows = np.array([self.index[k] for k in candidates if k in self.index and k not in ref_keys], dtype=np.int64)
        if not len(rows) or not len(self.ref_rows):
            return []
        W = (self.W[rows] @ self.W[self.ref_rows].T).toarray()
        C = (self.C[rows] @ self.C[self.ref_rows].T).toarray()
        K = (self.K[rows] @ self.K[self.ref_rows].T).toarray()
        has_kw_c = self.K[rows].getnnz(axis=1) > 0
        has_kw_r = self.K[self.ref_rows].getnnz(axis=1) > 0
        title = s.word_weight * W + (1 - s.word_weight) * C
        both_kw = np.outer(has_kw_c, has_kw_r)
        score = np.where(both_kw, (title + s.keyword_weight * K) / (1 + s.keyword_weight), title)
        ref_content = [self.content[j] for j in self.ref_rows]
        ref_core = [self.core[j] for j in self.ref_rows]
        core_of = {}
        for col, key in enumerate(ref_core):
            if key:
                core_of.setdefault(key, []).append(col)
        content_of = {}
        for col, key in enumerate(ref_content):
            if key:
                content_of.setdefault(key, []).append(col)
        ref_col = {j: col for col, j in enumerate(self.ref_rows.tolist())}
        out = []
        for r, i in enumerate(rows.tolist()):
            row = score[r].copy()
            same_title = content_of.get(self.content[i], [])
            same_core = core_of.get(self.core[i], []) if self.core[i] else []
            for col in same_core:
                row[col] = max(row[col], s.same_function)
            for col in same_title:
                row[col] = 1.0
            shared = {ref_col[j]: n for j, n in self.shared.get(i, {}).items() if j in ref_col}
            best = int(np.argmax(row))
            if shared:
                top = max(shared, key=lambda c: (shared[c], row[c]))
                if shared[top] >= s.min_shared_statements and row[top] < s.part:
                    best = top
            value = float(row[best])
            n_shared = shared.get(best, 0)
            if value >= s.full:
                extent = FULL
            elif value >= s.part or n_shared >= s.min_shared_statements:
                extent = PART
            elif keep_all:
                extent = ""
            else:
                continue
            j = int(self.ref_rows[best])
            reasons: list[tuple[str, dict]] = []
            if best in same_title:
                reasons.append(("identical_title", {"reference_urn": self.docs[j].urn}))
            elif best in same_core:
                reasons.append(("same_function", {"reference_urn": self.docs[j].urn, "function": self.core[j]}))
            else:
                reasons.append(
                    ("similar_title", {"reference_urn": self.docs[j].urn, "percent": round(100 * float(title[r, best]))})
                )
            if both_kw[r, best] and K[r, best] >= 0.3:
                reasons.append(("shared_keywords", {"percent": round(100 * float(K[r, best]))}))
            if n_shared:
                reasons.append(("shared_statements", {"count": n_shared}))
            out.append(
                Match(
                    key=self.docs[i].key,
                    theme=self.ref_theme[best],
                    reference=self.docs[j].key,
                    extent=extent,
                    score=value,
                    title_words=float(W[r, best]),
                    title_chars=float(C[r, best]),
                    keywords=float(K[r, best]) if both_kw[r, best] else None,
                    shared_statements=n_shared,
                    reasons=reasons,
                )
            )
        out.sort(key=lambda m: (-m.score, m.key))
        return out

    def best_scores(self, candidates: Sequence[str]) -> np.ndarray:
        """The best score of each candidate against any reference (for the benchmark's tuning)."""
        m = {x.key: x.score for x in self.score_all(candidates, keep_all=True)}
        return np.array([m.get(k, 0.0) for k in candidates])
