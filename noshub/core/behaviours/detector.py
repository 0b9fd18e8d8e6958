"""Is a statement a behaviour? A logistic regression over what a statement says and how.

Features: word uni- and bigrams, character n-grams (so "collaborative" and "collaborating" meet),
the statement's first one and two words ("Be …", "Demonstrate …", "How to …" tell a behaviour
from a knowledge item), and, when the sentence vectors are installed, the statement's
all-MiniLM-L6-v2 vector. It is trained on England's apprenticeship standards, where every
knowledge item, skill and behaviour is labelled (`reference.ifate_statements`): three classes,
since what tells a behaviour from a knowledge item is not what tells it from a skill; the
confidence is the probability of "behaviour".

Given its document (the NOS or standard a statement belongs to, and that document's title), a
statement is also read in context (`context_features`): behaviours are the statements least like
the rest of their document and its title, since teamwork reads the same in any occupation's
standard while a skill names the occupation's own work. These features read the other statements'
text only, never their labels, so a held-out standard is judged without its labels.

`Encoder` is any callable from a list of texts to an array of L2-normalised rows
(`noshub.core.search.vector_cache.CachedEncoder`); without one the detector reads words only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Encoder = Callable[[list[str]], np.ndarray]
BEHAVIOUR = "behaviour"
#: Confidence from which a statement is called a behaviour (chosen on grouped folds of IfATE).
THRESHOLD = 0.5
#: A statement is read in its document when the document holds at least this many statements.
MIN_CONTEXT = 3
#: The scale of the context features beside the TF-IDF and vector columns.
CONTEXT_WEIGHT = 2.0


def _first_words(text: str) -> list[str]:
    words = text.lower().split()
    return [f"w1={' '.join(words[:1])}", f"w2={' '.join(words[:2])}", f"len={min(len(words) // 5, 6)}"]


@dataclass
class Detection:
    text: str
    confidence: float
    is_behaviour: bool


def context_features(vectors: np.ndarray, documents: Sequence, title_vectors: np.ndarray) -> np.ndarray:
    """Four numbers a statement takes from its document, no labels read: its cosine with the mean
    of the document's other statements and with the document's title, and the ranks of both
    within the document (0 = least alike). Behaviours are the statements least like the rest of
    their document and its title: teamwork reads the same in a plumber's standard and a nurse's."""
    out = np.zeros((len(vectors), 4), dtype=np.float32)
    by_document: dict[str, list[int]] = {}
    for i, d in enumerate(documents):
        by_document.setdefault(str(d), []).append(i)
    for rows in by_document.values():
        rows = np.asarray(rows)
        block = vectors[rows]
        others = block.sum(axis=0)[None, :] - block
        norms = np.linalg.norm(others, axis=1, keepdims=True)
        doc = (block * (others / np.where(norms > 0, norms, 1.0))).sum(axis=1)
        title = (block * title_vectors[rows]).sum(axis=1)
        out[rows, 0], out[rows, 1] = doc, title
        if len(rows) > 1:
            out[rows, 2] = np.argsort(np.argsort(doc)) / (len(rows) - 1)
            out[rows, 3] = np.argsort(np.argsort(title)) / (len(rows) - 1)
    return out


class BehaviourDetector:
    """fit(texts, kinds[, documents, titles]) then confidence(texts[, documents, titles]).

    Two logistic regressions: one reads the statement alone; the other (fitted when documents
    are given and sentence vectors are available) also reads its document (`context_features`).
    A statement is judged with its document when that document holds at least `MIN_CONTEXT`
    statements, alone otherwise (a single statement typed into the detector, a NOS title)."""

    def __init__(self, encoder: Encoder | None = None, c: float = 8.0, threshold: float = THRESHOLD) -> None:
        self.encoder = encoder
        self.c = c
        self.threshold = threshold
        self._vectorisers: list = []
        self._model = None
        self._context_model = None

    def _vectors(self, texts: list[str], vectors: np.ndarray | None) -> np.ndarray | None:
        if self.encoder is None:
            return None
        return np.asarray(vectors if vectors is not None else self.encoder(texts), dtype=np.float32)

    def _matrix(self, texts: list[str], fit: bool, vectors: np.ndarray | None = None, context: np.ndarray | None = None):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        if fit:
            self._vectorisers = [
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, max_features=30000),
                TfidfVectorizer(analyzer=_first_words),
            ]
            parts = [v.fit_transform(texts) for v in self._vectorisers]
        else:
            parts = [v.transform(texts) for v in self._vectorisers]
        if vectors is not None:
            parts.append(csr_matrix(2.0 * vectors))
        if context is not None:
            parts.append(csr_matrix(CONTEXT_WEIGHT * context))
        return hstack(parts).tocsr()

    def _context(self, texts, documents, titles, vectors) -> tuple[np.ndarray, np.ndarray]:
        """Which rows are judged with their document, and the context features of all rows."""
        if len(documents) != len(texts) or len(titles) != len(texts):
            raise ValueError("give a document and a title for every statement")
        keys = [str(d) for d in documents]
        counts: dict[str, int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        with_context = np.asarray([counts[k] >= MIN_CONTEXT for k in keys], dtype=bool)
        rows = np.flatnonzero(with_context)
        context = np.zeros((len(texts), 4), dtype=np.float32)
        if len(rows):
            unique = list(dict.fromkeys(str(titles[i] or "") for i in rows))
            title_vectors = np.asarray(self.encoder([t or "-" for t in unique]), dtype=np.float32)
            title_vectors[[i for i, t in enumerate(unique) if not t]] = 0.0
            where = {t: i for i, t in enumerate(unique)}
            context[rows] = context_features(
                vectors[rows], [keys[i] for i in rows], title_vectors[[where[str(titles[i] or "")] for i in rows]]
            )
        return with_context, context

    def fit(self, texts: Sequence[str], kinds: Sequence[str], documents=None, titles=None) -> BehaviourDetector:
        from sklearn.linear_model import LogisticRegression

        if not texts or len(texts) != len(kinds):
            raise ValueError("the detector needs as many kinds as texts, and at least one")
        if BEHAVIOUR not in set(kinds):
            raise ValueError("the detector needs at least one behaviour to learn from")
        texts = list(texts)
        vectors = self._vectors(texts, None)
        self._model = LogisticRegression(max_iter=3000, C=self.c, class_weight="balanced")
        self._model.fit(self._matrix(texts, True, vectors), list(kinds))
        self._context_model = None
        if vectors is not None and documents is not None:
            rows, context = self._context(texts, documents, titles if titles is not None else [""] * len(texts), vectors)
            if rows.any() and BEHAVIOUR in {kinds[i] for i in np.flatnonzero(rows)}:
                rows = np.flatnonzero(rows)
                self._context_model = LogisticRegression(max_iter=3000, C=self.c, class_weight="balanced").fit(
                    self._matrix([texts[i] for i in rows], False, vectors[rows], context[rows]), [kinds[i] for i in rows]
                )
        return self

    def confidence(self, texts: Sequence[str], documents=None, titles=None, vectors: np.ndarray | None = None) -> np.ndarray:
        """The probability that each statement describes a behaviour (0–1). `documents` (a key a
        statement) and `titles` (its document's title) let the detector read the statement in its
        document; `vectors` are the statements' sentence vectors when already at hand."""
        if self._model is None:
            raise RuntimeError("fit the detector first")
        texts = [" ".join(str(t).split()) for t in texts]
        if not texts:
            return np.zeros(0)
        vectors = self._vectors(texts, vectors)
        column = list(self._model.classes_).index(BEHAVIOUR)
        out = self._model.predict_proba(self._matrix(texts, False, vectors))[:, column]
        if self._context_model is not None and documents is not None:
            rows, context = self._context(texts, documents, titles if titles is not None else [""] * len(texts), vectors)
            rows = np.flatnonzero(rows)
            if len(rows):
                column = list(self._context_model.classes_).index(BEHAVIOUR)
                matrix = self._matrix([texts[i] for i in rows], False, vectors[rows], context[rows])
                out[rows] = self._context_model.predict_proba(matrix)[:, column]
        return out

    def detect(self, texts: Sequence[str], documents=None, titles=None) -> list[Detection]:
        confidence = self.confidence(texts, documents, titles)
        return [Detection(t, float(c), bool(c >= self.threshold)) for t, c in zip(texts, confidence, strict=True)]


def baseline(texts_train: Sequence[str], is_behaviour_train: Sequence[bool], texts_test: Sequence[str]) -> np.ndarray:
    """The simple baseline: TF-IDF words and a logistic regression (balanced classes), two classes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer()
    model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(
        vectoriser.fit_transform(list(texts_train)), list(is_behaviour_train)
    )
    return model.predict_proba(vectoriser.transform(list(texts_test)))[:, list(model.classes_).index(True)]
