"""Nearest-neighbour votes: each query's k most similar labelled rows vote for their unit groups."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def _row_normalise(m: np.ndarray) -> np.ndarray:
    s = m.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return m / s


def _topk_vote(sim: sparse.spmatrix, labels: np.ndarray, k: int, power: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the similarity-weighted vote of its k nearest labelled rows.

    Returns (votes normalised to sum 1, best similarity)."""
    sim = sparse.csr_matrix(sim)
    n = sim.shape[0]
    rows, cols, vals = [], [], []
    best = np.zeros(n, np.float32)
    indptr, indices, data = sim.indptr, sim.indices, sim.data
    for i in range(n):
        lo, hi = indptr[i], indptr[i + 1]
        if hi == lo:
            continue
        d = data[lo:hi]
        if hi - lo > k:  # the k largest (partitioning -d would copy every row first: 30% slower)
            top = np.argpartition(d, hi - lo - k)[hi - lo - k :]
        else:
            top = np.arange(hi - lo)
        rows.append(np.full(len(top), i))
        cols.append(indices[lo:hi][top])
        vals.append(d[top])
        best[i] = d[top].max()
    if not rows:
        return np.zeros((n, labels.shape[1]), np.float32), best
    w = sparse.csr_matrix(
        (np.clip(np.concatenate(vals), 0, None) ** power, (np.concatenate(rows), np.concatenate(cols))), shape=sim.shape
    )
    return _row_normalise(np.asarray(w @ labels, dtype=np.float32)), best


def _dense_topk_vote(sim: np.ndarray, labels: np.ndarray, k: int, power: float) -> tuple[np.ndarray, np.ndarray]:
    """`_topk_vote` for a dense similarity matrix (cosines of sentence vectors)."""
    n = sim.shape[0]
    k = min(k, sim.shape[1])
    if n == 0 or k == 0:
        return np.zeros((n, labels.shape[1]), np.float32), np.zeros(n, np.float32)
    m = sim.shape[1]
    top = np.argpartition(sim, m - k, axis=1)[:, m - k :]  # the k largest, without copying -sim
    vals = np.clip(np.take_along_axis(sim, top, axis=1), 0, None)
    w = sparse.csr_matrix((vals.ravel() ** power, (np.repeat(np.arange(n), k), top.ravel())), shape=sim.shape)
    return _row_normalise(np.asarray(w @ labels, dtype=np.float32)), vals.max(axis=1).astype(np.float32)
