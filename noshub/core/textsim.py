"""Text features for comparing NOS: bags of words, TF-IDF vectors, cosine similarity.

Pure Python with numpy/scipy; no Django. Used by `noshub.core.duplicates`.

A NOS field becomes a bag of features: content words (`noshub.core.text.content_words`:
lower-cased, stop words dropped, plurals and -ing/-ed endings trimmed, -ize spelt -ise) and the
bigrams of adjacent content words. Features are weighted by sub-linear TF times IDF and each
row is L2-normalised, so the dot product of two rows is their cosine similarity.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from noshub.core.text import content_words


def features(text: str, bigrams: bool = True) -> list[str]:
    """Words plus adjacent-word bigrams: the bag a field is compared on."""
    ws = content_words(text)
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
