"""Reciprocal rank fusion: combining ranked lists whose scores are not comparable."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[tuple[Sequence[Hashable], float]], k: int = RRF_K) -> list[tuple[Hashable, float]]:
    """Fuse ranked lists: each item scores sum(weight / (k + rank)) over the lists it is in.

    `rankings` holds (items best first, weight). Ties keep the order of first appearance.
    """
    scores: dict[Hashable, float] = {}
    for items, weight in rankings:
        for rank, item in enumerate(items, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
