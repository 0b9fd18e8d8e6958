"""How a NOS found for a query is scored: a few plain features, weighed by fitted weights.

For each candidate (a NOS holding any of the query's words, one close to it in meaning, or one
of the occupation a job title names) the engine measures:

* `bm25`: the full-text engine's BM25 score (field boosts in the weights), scaled by the best;
* `coverage`: the share of the query's words the NOS holds in any field;
* `title_coverage`: the share of them its title holds;
* `title_match`: how nearly the title *is* the query (Jaccard of their content words): an
  exact or near-exact title comes first, a long title that merely mentions the words later;
* `phrase`: the query's words stand together, in order, in the title;
* `meaning_short` / `meaning_long`: cosine similarity of sentence vectors, for queries of up to
  two content words and for longer ones (meaning helps a description more than a keyword);
* `job_title`: how strongly the job title the query names points at the NOS (its evidence).

The score is the weighted sum. The weights (and the field boosts) are fitted on the judged
query set by cross-validation (`bench/search_tune.py`), which writes them to
`ranking_weights.json` beside this module, one set per mode; the held-out figures are the
ones reported. `weights_in_use()` swaps them for a block of code (the tuner and the bench).
"""

from __future__ import annotations

import contextvars
import json
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .fulltext import FullTextIndex, QueryStems

FEATURES = ("bm25", "coverage", "title_coverage", "title_match", "phrase", "meaning_short", "meaning_long", "job_title")
WEIGHTS_FILE = Path(__file__).with_name("ranking_weights.json")


@dataclass(frozen=True)
class RankingWeights:
    """Field boosts of the BM25 query and the weight of each feature in the score."""

    title: float = 10.0
    keywords: float = 3.0
    context: float = 1.0
    body: float = 0.5
    bm25: float = 1.0
    coverage: float = 1.0
    title_coverage: float = 0.5
    title_match: float = 1.0
    phrase: float = 0.3
    meaning_short: float = 0.5
    meaning_long: float = 1.5
    job_title: float = 0.5

    def boosts(self) -> dict[str, float]:
        return {"title": self.title, "keywords": self.keywords, "context": self.context, "body": self.body}

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in FEATURES], dtype=np.float64)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RankingWeights:
        """Weights from a dict of numbers; a name that is no weight is an error, not ignored."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown ranking weights: {', '.join(unknown)}")
        return cls(**{k: float(v) for k, v in data.items()})


def _fitted(path: Path = WEIGHTS_FILE) -> dict[str, RankingWeights]:
    """The weights the tuner fitted on the whole judged set, per mode; the defaults when the file
    is absent (before the tuner has run). A file that cannot be read as weights is an error that
    names it: search never ranks with other weights than it says."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        return {mode: RankingWeights.from_dict(data[mode]) for mode in ("keyword", "hybrid")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not the ranking weights bench/search_tune.py writes ({exc!r})") from exc


_FITTED = _fitted()
_override: contextvars.ContextVar[dict[str, RankingWeights] | None] = contextvars.ContextVar("ranking_weights", default=None)


def weights_for(mode: str) -> RankingWeights:
    override = _override.get()
    if override and mode in override:
        return override[mode]
    return _FITTED.get(mode, RankingWeights())


@contextmanager
def weights_in_use(weights: RankingWeights | dict[str, RankingWeights]):
    """Rank with these weights inside the block (one set for both modes, or one per mode)."""
    chosen = weights if isinstance(weights, dict) else {"keyword": weights, "hybrid": weights}
    token = _override.set(chosen)
    try:
        yield
    finally:
        _override.reset(token)


EXACT_TITLE_FIRST = 1000.0  # lifts a NOS whose title has the query's content words, no more and no fewer, above every other


def scores(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The score of each row of FEATURES under a weight vector (`RankingWeights.vector()`): the
    weighted sum, and a title that is the query (the same content words) first, whatever the
    weights (the issue's "exact title matches first" is a rule, not a weight to fit)."""
    return features @ weights + EXACT_TITLE_FIRST * (features[:, FEATURES.index("title_match")] >= 1.0 - 1e-9)


def feature_matrix(
    candidates: list[int],
    bm25: dict[int, float],
    stems: QueryStems,
    index: FullTextIndex,
    cosine: dict[int, float],
    job_title: dict[int, float],
) -> np.ndarray:
    """One row of FEATURES per candidate, in the order given."""
    out = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    if not candidates:
        return out
    n = len(candidates)
    rows = np.fromiter(map(index.row_of.__getitem__, candidates), dtype=np.int64, count=n)
    best = max(bm25.values(), default=0.0) or 1.0
    out[:, 0] = np.fromiter(map(bm25.get, candidates, repeat(0.0)), dtype=np.float64, count=n) / best
    held = np.zeros(len(candidates))
    in_title = np.zeros(len(candidates))
    for group, multi, prefixes in zip(stems.groups, stems.multiword, stems.prefixes, strict=True):
        title_mask = index.holding(group, "title", prefixes)[rows]
        any_mask = index.holding(group, "any", prefixes)[rows]
        for words in multi:  # a multi-word form ("goods vehicle") counts where its words stand together
            whole = index.holding(words[:1], "any")[rows] & index.holding(words[1:], "any")[rows]
            any_mask |= whole
            title_mask |= [bool(w) and _contiguous(index.titles[r], words) for w, r in zip(whole, rows, strict=True)]
        held += any_mask
        in_title += title_mask
    for phrase in stems.phrases:
        found = np.array([_contiguous(index.titles[r], phrase) for r in rows], dtype=bool)
        held += found
        in_title += found
    n_groups = len(stems.groups) + len(stems.phrases)
    if n_groups:
        out[:, 1] = held / n_groups
        out[:, 2] = in_title / n_groups
        # How nearly the title is the query: Jaccard of the title's content words and the query's.
        title_words = index.title_lengths[rows]
        union = title_words + n_groups - in_title
        out[:, 3] = np.divide(in_title, union, out=np.zeros(len(candidates)), where=union > 0)
        if len(stems.ordered) > 1:
            whole = np.nonzero(in_title == n_groups)[0]
            out[whole, 4] = [_contiguous(index.titles[rows[r]], stems.ordered) for r in whole]
    column = 6 if len(stems.groups) > 2 else 5
    out[:, column] = np.fromiter(map(cosine.get, candidates, repeat(0.0)), dtype=np.float64, count=n)
    out[:, 7] = np.fromiter(map(job_title.get, candidates, repeat(0.0)), dtype=np.float64, count=n)
    return out


def _contiguous(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    if not n or n > len(words):
        return False
    first = phrase[0]
    return any(words[k] == first and words[k : k + n] == phrase for k in range(len(words) - n + 1))
