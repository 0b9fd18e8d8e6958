"""Is a statement a behaviour? A logistic regression over what a statement says and how.

Features: word uni- and bigrams, character n-grams (so "collaborative" and "collaborating" meet),
the statement's first one and two words ("Be …", "Demonstrate …", "How to …" tell a behaviour
from a knowledge item), and, when the sentence vectors are installed, the statement's
all-MiniLM-L6-v2 vector. It is trained on England's apprenticeship standards, where every
knowledge item, skill and behaviour is labelled (`reference.ifate_statements`): three classes,
since what tells a behaviour from a knowledge item is not what tells it from a skill; the
confidence is the probability of "behaviour".

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


def _first_words(text: str) -> list[str]:
    words = text.lower().split()
    return [f"w1={' '.join(words[:1])}", f"w2={' '.join(words[:2])}", f"len={min(len(words) // 5, 6)}"]


@dataclass
class Detection:
    text: str
    confidence: float
    is_behaviour: bool


class BehaviourDetector:
    """fit(texts, kinds) then confidence(texts); `words_only` skips the sentence vectors."""

    def __init__(self, encoder: Encoder | None = None, c: float = 8.0, threshold: float = THRESHOLD) -> None:
        self.encoder = encoder
        self.c = c
        self.threshold = threshold
        self._vectorisers: list = []
        self._model = None

    def _matrix(self, texts: list[str], fit: bool):
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
        if self.encoder is not None:
            parts.append(csr_matrix(2.0 * np.asarray(self.encoder(list(texts)), dtype=np.float32)))
        return hstack(parts).tocsr()

    def fit(self, texts: Sequence[str], kinds: Sequence[str]) -> BehaviourDetector:
        from sklearn.linear_model import LogisticRegression

        if not texts or len(texts) != len(kinds):
            raise ValueError("the detector needs as many kinds as texts, and at least one")
        if BEHAVIOUR not in set(kinds):
            raise ValueError("the detector needs at least one behaviour to learn from")
        self._model = LogisticRegression(max_iter=3000, C=self.c, class_weight="balanced")
        self._model.fit(self._matrix(list(texts), fit=True), list(kinds))
        return self

    def confidence(self, texts: Sequence[str]) -> np.ndarray:
        """The probability that each statement describes a behaviour (0–1)."""
        if self._model is None:
            raise RuntimeError("fit the detector first")
        texts = [" ".join(str(t).split()) for t in texts]
        if not texts:
            return np.zeros(0)
        column = list(self._model.classes_).index(BEHAVIOUR)
        return self._model.predict_proba(self._matrix(texts, fit=False))[:, column]

    def detect(self, texts: Sequence[str]) -> list[Detection]:
        return [Detection(t, float(c), bool(c >= self.threshold)) for t, c in zip(texts, self.confidence(texts), strict=True)]


def baseline(texts_train: Sequence[str], is_behaviour_train: Sequence[bool], texts_test: Sequence[str]) -> np.ndarray:
    """The simple baseline: TF-IDF words and a logistic regression (balanced classes), two classes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer()
    model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(
        vectoriser.fit_transform(list(texts_train)), list(is_behaviour_train)
    )
    return model.predict_proba(vectoriser.transform(list(texts_test)))[:, list(model.classes_).index(True)]
