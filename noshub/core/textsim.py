"""Text features for comparing NOS: normalised words, TF-IDF vectors, cosine similarity.

Pure Python with numpy/scipy; no Django. Used by `noshub.core.duplicates`.

A NOS field becomes a bag of features: content words (lower-cased, stop words dropped,
plurals and -ing/-ed endings trimmed, -ize spelt -ise) and the bigrams of adjacent content
words. Features are weighted by sub-linear TF times IDF and each row is L2-normalised, so
the dot product of two rows is their cosine similarity.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "each",
        "either",
        "etc",
        "for",
        "from",
        "has",
        "have",
        "how",
        "if",
        "in",
        "including",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "must",
        "not",
        "of",
        "on",
        "or",
        "other",
        "others",
        "own",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "under",
        "up",
        "upon",
        "use",
        "used",
        "using",
        "via",
        "was",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
        "yourself",
        "e",
        "g",
        "ie",
        "eg",
        "i",
        "ii",
        "iii",
        "iv",
    ]
)

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")


def plain_text(value: str) -> str:
    """HTML to plain text: tags become spaces, entities are decoded."""
    if not value:
        return ""
    if "<" in value:
        value = _TAG.sub(" ", value)
    return " ".join(html.unescape(value).split())


def stem(word: str) -> str:
    """A deliberately light stemmer: enough to match 'customers'/'customer', 'organize'/'organise'."""
    if len(word) <= 3 or word.isdigit():
        return word
    for american, british in (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("izes", "ises"), ("ize", "ise")):
        if word.endswith(american):
            word = word[: -len(american)] + british
            break
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    else:
        return word
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # planning -> plann -> plan
    return word


def words(text: str) -> list[str]:
    """Content words of a text, stemmed, in order."""
    return [stem(w) for w in _WORD.findall(plain_text(text).lower()) if w not in STOP_WORDS]


def features(text: str, bigrams: bool = True) -> list[str]:
    """Words plus adjacent-word bigrams: the bag a field is compared on."""
    ws = words(text)
    if bigrams and len(ws) > 1:
        return ws + [f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)]
    return ws


class Vectoriser:
    """TF-IDF over feature lists. `fit` learns the vocabulary and IDF; `transform` gives L2-normalised rows."""

    def __init__(self, max_df: float = 1.0) -> None:
        self.max_df = max_df
        self.vocabulary: dict[str, int] = {}
        self.idf: np.ndarray = np.zeros(0)

    def fit(self, docs: Sequence[Sequence[str]]) -> Vectoriser:
        df: dict[str, int] = {}
        for doc in docs:
            for f in set(doc):
                df[f] = df.get(f, 0) + 1
        n = max(len(docs), 1)
        limit = self.max_df * n
        kept = sorted(f for f, c in df.items() if c <= limit)
        self.vocabulary = {f: i for i, f in enumerate(kept)}
        self.idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float64)
        return self

    def transform(self, docs: Iterable[Sequence[str]]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        vocab = self.vocabulary
        for doc in docs:
            counts: dict[int, int] = {}
            for f in doc:
                j = vocab.get(f)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
                vals = tf * self.idf[cols]
                vals /= np.sqrt((vals * vals).sum())
                indices.extend(cols.tolist())
                data.extend(vals.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(self.vocabulary)),
        )

    def fit_transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        return self.fit(docs).transform(docs)


def similar_pairs(
    left: sparse.csr_matrix, right: sparse.csr_matrix | None = None, threshold: float = 0.5, chunk: int = 2000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of rows whose cosine is at least `threshold`: exact, no sampling.

    With `right` None, pairs of rows of `left` with i < j. The product is computed a block of
    rows at a time so that memory stays bounded on the whole catalogue.
    """
    same = right is None
    right = left if same else right
    right_t = right.T.tocsr()
    rows, cols, vals = [], [], []
    for start in range(0, left.shape[0], chunk):
        block = (left[start : start + chunk] @ right_t).tocoo()
        keep = block.data >= threshold - 1e-9
        i = block.row[keep] + start
        j = block.col[keep]
        v = block.data[keep]
        if same:
            upper = i < j
            i, j, v = i[upper], j[upper], v[upper]
        rows.append(i)
        cols.append(j)
        vals.append(v)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.minimum(np.concatenate(vals), 1.0)


def row_dots(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of row a[k] with row b[k] for every k (rows are L2-normalised)."""
    if len(a) == 0:
        return np.zeros(0)
    return np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
