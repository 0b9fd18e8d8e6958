"""Group behaviour statements into at most `limit` named behaviours.

The statements' vectors are clustered (k-means, `limit` clusters, a fixed seed); each cluster
is named after the reference concept its statements map to most (`ConceptMapper` over the
cluster's statements: the concept with the highest summed confidence, each statement's vote
weighted: a NOS title, which names a task or a job rather than a behaviour, counts a quarter of a
performance criterion or a Behaviours line), and clusters that take
the same name become one behaviour. So a behaviour's name and definition come from a published
catalogue (ESCO, O*NET, Meta-skills) and its key (`esco:<id>` …) stays the same from one build to
the next, which lets staff decisions (names, merges, confirmations) survive a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Group:
    key: str  # the naming concept's key, e.g. "esco:001115fb-…"
    members: list[int] = field(default_factory=list)  # indices of the statements
    examples: list[int] = field(default_factory=list)  # the most typical members, best first
    name_confidence: float = 0.0


def cluster(vectors: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    """A cluster label for each row (at most `limit` clusters)."""
    from sklearn.cluster import KMeans

    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=int)
    k = max(1, min(limit, n))
    return KMeans(n_clusters=k, n_init=2, random_state=seed, max_iter=100).fit_predict(vectors)


def group(
    texts: Sequence[str],
    vectors: np.ndarray,
    concept_scores: Callable[[list[int]], np.ndarray],
    concept_keys: Sequence[str],
    limit: int = 60,
    examples: int = 5,
    seed: int = 0,
    weights: Sequence[float] | None = None,
) -> list[Group]:
    """Named groups. `concept_scores(member_indices)` gives members × concepts confidences;
    `weights` (one a statement, default 1) say how much each statement's vote for the name counts."""
    weight = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=float)
    labels = cluster(vectors, limit, seed)
    merged: dict[str, Group] = {}
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label).tolist()
        scores = concept_scores(members)
        votes = weight[members]
        totals = (scores * votes[:, None]).sum(axis=0)
        best = int(np.argmax(totals))
        g = merged.setdefault(concept_keys[best], Group(concept_keys[best]))
        g.members.extend(members)
        g.name_confidence = max(g.name_confidence, float(totals[best] / max(1e-9, votes.sum())))
    for g in merged.values():
        centre = vectors[g.members].mean(axis=0)
        order = np.argsort(-(vectors[g.members] @ centre))
        seen: set[str] = set()
        for i in order:
            index = g.members[int(i)]
            key = texts[index].lower()
            if key not in seen:
                seen.add(key)
                g.examples.append(index)
            if len(g.examples) >= examples:
                break
    return sorted(merged.values(), key=lambda g: -len(g.members))


def by_key(groups: Sequence[Group]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for g in groups:
        out[g.key].extend(g.members)
    return dict(out)
