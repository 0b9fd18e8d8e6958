"""Map a statement (or a named behaviour) to the concepts of another catalogue, with a SKOS
mapping relation (exact / close / broad / narrow / related) and a confidence.

A concept is read through every wording it has: its label, its definition and its alternative
labels. A text's score for a concept is the best cosine between the text's sentence vector and
any of those wordings, plus `w_mean` × the mean of its label and definition cosines, plus
`w_words` × the TF-IDF cosine with all its wordings together and `w_stems` × the same over
crude stems (the words catch exact terms the vectors blur). Without sentence vectors only the
words count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .detector import Encoder
from .reference import Concept

EXACT, CLOSE, BROAD, NARROW, RELATED = "exact", "close", "broad", "narrow", "related"
LINK_TYPES = (EXACT, CLOSE, BROAD, NARROW, RELATED)
#: SKOS mapping properties, by link type.
SKOS = {
    EXACT: "skos:exactMatch",
    CLOSE: "skos:closeMatch",
    BROAD: "skos:broadMatch",
    NARROW: "skos:narrowMatch",
    RELATED: "skos:relatedMatch",
}
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "or",
        "be",
        "as",
        "is",
        "are",
        "their",
        "own",
        "others",
        "other",
        "one",
    ]
)


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP}


def link_type(text: str, concept: Concept, score: float) -> str:
    """The SKOS relation from a text to a concept it scored `score` with.

    exact: the same wording, or near-identical meaning (score ≥ 0.85); close: score ≥ 0.7;
    broad: the concept's label words are all in the text (the concept is the broader idea);
    narrow: the text's words are all in the concept's label or alternative labels; else related."""
    t = _words(text)
    labels = [concept.label, *concept.alt_labels]
    if any(_words(label) == t for label in labels if t) or score >= 0.85:
        return EXACT
    if score >= 0.7:
        return CLOSE
    if any(_words(label) and _words(label) < t for label in labels):
        return BROAD
    if t and any(t < _words(label) for label in labels):
        return NARROW
    return RELATED


@dataclass
class Match:
    concept: Concept
    score: float
    link: str

    @property
    def confidence(self) -> float:
        return round(max(0.0, min(1.0, self.score)), 3)


def _stems(length: int):
    """An analyser: the words (stop words left out) cut to their first `length` letters, a crude
    stem that lets "communicate", "communication" and "communicating" meet."""

    def analyse(text: str) -> list[str]:
        return [w[:length] for w in _WORD.findall(text.lower()) if w not in _STOP]

    return analyse


#: The parts of a score, each texts × concepts (`ConceptMapper.components`).
COMPONENTS = ("best", "mean", "words", "stems")


class ConceptMapper:
    """Scores texts against concepts: `best` wording cosine + `w_mean` × mean of label and
    definition cosines + `w_words` × TF-IDF words + `w_stems` × TF-IDF stems (`stem` letters).
    The default weights are those the bench chose on held-out ESCO labels."""

    def __init__(
        self,
        concepts: Sequence[Concept],
        encoder: Encoder | None = None,
        w_mean: float = 0.5,
        w_words: float = 0.0,
        w_stems: float = 0.6,
        stem: int = 5,
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not concepts:
            raise ValueError("the mapper needs concepts to map to")
        self.concepts = list(concepts)
        self.encoder = encoder
        self.w_mean, self.w_words, self.w_stems = w_mean, w_words, w_stems
        self._owner: list[int] = []
        wordings: list[str] = []
        for i, c in enumerate(self.concepts):
            for t in c.texts():
                wordings.append(t)
                self._owner.append(i)
        self._owner_arr = np.asarray(self._owner)
        self._docs = [" ".join(c.texts()) for c in self.concepts]
        self._tfidf = TfidfVectorizer(sublinear_tf=True).fit(self._docs)
        self._doc_matrix = self._tfidf.transform(self._docs)
        self._stem_tfidf = TfidfVectorizer(analyzer=_stems(stem), sublinear_tf=True).fit(self._docs)
        self._stem_matrix = self._stem_tfidf.transform(self._docs)
        if encoder is not None:
            self._wording_vectors = np.asarray(encoder(wordings), dtype=np.float32)
            self._label_vectors = np.asarray(encoder([c.label for c in self.concepts]), dtype=np.float32)
            self._definition_vectors = np.asarray(encoder([c.definition or c.label for c in self.concepts]), dtype=np.float32)

    def components(self, texts: Sequence[str], text_vectors: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Each part of the score (`COMPONENTS`), texts × concepts; without vectors, the words only."""
        texts = list(texts)
        out = {
            "words": (self._tfidf.transform(texts) @ self._doc_matrix.T).toarray(),
            "stems": (self._stem_tfidf.transform(texts) @ self._stem_matrix.T).toarray(),
        }
        if self.encoder is None:
            return out
        q = text_vectors if text_vectors is not None else np.asarray(self.encoder(texts), dtype=np.float32)
        sims = q @ self._wording_vectors.T  # texts × wordings
        best = np.full((len(texts), len(self.concepts)), -1.0, dtype=np.float32)
        for j in range(len(self.concepts)):
            best[:, j] = sims[:, self._owner_arr == j].max(axis=1)
        out["best"] = best
        out["mean"] = (q @ self._label_vectors.T + q @ self._definition_vectors.T) / 2
        return out

    def combine(self, parts: dict[str, np.ndarray], w_mean=None, w_words=None, w_stems=None) -> np.ndarray:
        """The score from its parts, with this mapper's weights or those given."""
        if "best" not in parts:
            return parts["words"]
        w_mean = self.w_mean if w_mean is None else w_mean
        w_words = self.w_words if w_words is None else w_words
        w_stems = self.w_stems if w_stems is None else w_stems
        return parts["best"] + w_mean * parts["mean"] + w_words * parts["words"] + w_stems * parts["stems"]

    def scores(self, texts: Sequence[str], text_vectors: np.ndarray | None = None) -> np.ndarray:
        """texts × concepts scores."""
        return self.combine(self.components(texts, text_vectors))

    def confidence_of(self, raw: np.ndarray) -> np.ndarray:
        """A raw score as a 0–1 confidence (a cosine's scale: the raw score divided by its maximum)."""
        top = 1.0 + self.w_mean + self.w_words + self.w_stems if self.encoder is not None else 1.0
        return np.clip(raw / top, 0.0, 1.0)

    def map(self, texts: Sequence[str], top: int = 3, text_vectors: np.ndarray | None = None) -> list[list[Match]]:
        raw = self.scores(texts, text_vectors)
        conf = self.confidence_of(raw)
        out = []
        for i, text in enumerate(texts):
            order = np.argsort(-raw[i])[:top]
            out.append(
                [Match(self.concepts[j], float(conf[i, j]), link_type(text, self.concepts[j], float(conf[i, j]))) for j in order]
            )
        return out


def baseline_top1(queries: Sequence[str], docs: Sequence[str]) -> np.ndarray:
    """TF-IDF baseline: each query's best document (index)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(sublinear_tf=True).fit(list(docs) + list(queries))
    return np.asarray((vectoriser.transform(list(queries)) @ vectoriser.transform(list(docs)).T).toarray().argmax(axis=1)).ravel()
