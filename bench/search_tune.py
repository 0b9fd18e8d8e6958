"""Fit the search ranking's weights on the judged query set, by cross-validation.

    .venv/bin/python bench/search_tune.py [--write] [--folds 5]

For each mode (keyword, hybrid) and each of a small grid of BM25 field boosts, the engine's
candidates for every judged query are computed once with their features
(`noshub.search.engine.scored_candidates`); the feature weights are then fitted by coordinate
ascent on mean nDCG@10 over the training queries, and the boosts chosen by the same figure.
Each fold is fitted on the other folds and scored on its own queries only: the figures printed
as "held-out" come from queries the weights never saw. The defaults (`scoring.RankingWeights`)
and the weights fitted on the whole set are printed beside them; the fitted-on-all weights
are what NOS Hub ships (`--write` puts them in noshub/search/ranking_weights.json and every
fold's weights in bench/data/search_weights.json, which bench/search_peers.py reads to score
each query with weights that never saw it).

Runs against the configured database (SQLite by default, DATABASE_URL for PostgreSQL), which
must hold the loaded catalogue with its search index and sentence vectors.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import searcheval  # noqa: E402

from noshub.search.scoring import scores as engine_scores  # noqa: E402  (free of Django)

FOLD_FILE = ROOT / "bench" / "data" / "search_weights.json"
DEPTH = 100  # results scored per query (MRR's depth)
CANDIDATES = 1000  # candidates re-weighed per query: the engine's first 1,000 under the default weights
# BM25 field boosts tried: (title, keywords, context, body).
BOOSTS = list(itertools.product((4.0, 10.0), (1.5, 4.0), (0.5, 1.5), (0.5,)))
# Values a feature weight may take (bm25 stays 1: the scale).
GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0)
FITTED = ("coverage", "title_coverage", "title_match", "phrase", "meaning_short", "meaning_long", "job_title")
PASSES = 3


class Judged:
    """One query's candidates, ready to be re-weighed: feature rows, relevance, title keys."""

    def __init__(self, query: dict, slugs: list[str], features: np.ndarray, relevant: set[str], keys: dict[str, str]):
        self.query = query
        self.slugs = slugs[:CANDIDATES]
        self.features = features[:CANDIDATES].astype(np.float32)
        self.relevant = np.array([s in relevant for s in self.slugs], dtype=bool)
        own = [keys.get(s, s) for s in self.slugs]
        index = {k: n for n, k in enumerate(dict.fromkeys(own))}
        self.keys = np.array([index[k] for k in own], dtype=np.int64)
        distinct = len({keys[s] for s in relevant})
        self.ideal = sum(1 / math.log2(i + 2) for i in range(min(distinct, 10)))

    def order(self, weights: np.ndarray) -> np.ndarray:
        return np.argsort(-self.score(weights), kind="stable")

    def score(self, weights: np.ndarray) -> np.ndarray:
        return engine_scores(self.features, weights)  # the engine's own: weighted sum, exact titles first

    def ndcg(self, weights: np.ndarray) -> float:
        return self.ndcg_of(self.score(weights))

    def ndcg_of(self, scores: np.ndarray) -> float:
        if not len(self.slugs) or not self.ideal:
            return 0.0
        seen: set[int] = set()
        dcg = 0.0
        for rank, j in enumerate(_top(scores, 10)):
            key = int(self.keys[j])
            if self.relevant[j] and key not in seen:
                dcg += 1 / math.log2(rank + 2)
            seen.add(key)
        return dcg / self.ideal


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n best scores, best first (ties in candidate order, as the engine sorts)."""
    if len(scores) <= n:
        return np.argsort(-scores, kind="stable")
    cut = np.partition(-scores, n - 1)[n - 1]  # the n-th best score (negated)
    head = np.nonzero(-scores <= cut)[0]  # every candidate at least that good, ties included
    return head[np.argsort(-scores[head], kind="stable")][:n]


def collect(queries, relevant, keys, mode: str, boosts: tuple) -> dict[str, Judged]:
    from noshub.search.engine import SearchParams, scored_candidates
    from noshub.search.scoring import RankingWeights, weights_in_use

    title, keywords, context, body = boosts
    out = {}
    with weights_in_use(RankingWeights(title=title, keywords=keywords, context=context, body=body)):
        for q in queries:
            slugs, features = scored_candidates(SearchParams(q=q["query"], mode=mode, per_page=DEPTH))
            out[q["id"]] = Judged(q, slugs, features, relevant[q["id"]], keys)
    return out


def mean_ndcg(judged: list[Judged], weights: np.ndarray) -> float:
    return sum(j.ndcg(weights) for j in judged) / len(judged) if judged else 0.0


def fit(judged: list[Judged], start) -> tuple[object, float]:
    """Coordinate ascent over the feature weights (from `start`, a RankingWeights)."""
    from noshub.search.scoring import FEATURES

    current = start
    best = mean_ndcg(judged, current.vector())
    for _ in range(PASSES):
        improved = False
        for name in FITTED:
            if name.startswith("meaning") and not any(j.features[:, FEATURES.index(name)].any() for j in judged):
                continue  # keyword mode: no meaning to weigh
            for value in GRID:
                trial = replace(current, **{name: value})
                score = mean_ndcg(judged, trial.vector())
                if score > best + 1e-9:
                    best, current, improved = score, trial, True
        if not improved:
            break
    return current, best


def fit_with_boosts(collected: dict[tuple, dict[str, Judged]], ids: list[str]):
    """The boosts and weights with the best training nDCG@10 over these query ids."""
    from noshub.search.scoring import RankingWeights

    best = None
    for boosts, by_id in collected.items():
        title, keywords, context, body = boosts
        start = RankingWeights(title=title, keywords=keywords, context=context, body=body)
        weights, score = fit([by_id[i] for i in ids], start)
        if best is None or score > best[1]:
            best = (weights, score, boosts)
    return best


def ranked_slugs(judged: Judged, weights) -> list[str]:
    return [judged.slugs[j] for j in judged.order(weights.vector())[:DEPTH]]


def lambdarank_held_out(collected: dict[str, Judged], train: list[str], test: list[str]) -> list[float] | None:
    """Held-out nDCG@10 of a LightGBM lambdarank model over the same features (None without
    lightgbm): the learning-to-rank combiner the hand blend is compared with."""
    try:
        import lightgbm
    except ImportError:
        return None
    depth = 200  # each training query's first 200 candidates (all its relevant ones are rarely deeper)
    rows, labels, groups = [], [], []
    for qid in train:
        j = collected[qid]
        n = min(depth, len(j.slugs))
        if n and j.relevant[:n].any():
            rows.append(j.features[:n])
            labels.append(j.relevant[:n].astype(int))
            groups.append(n)
    model = lightgbm.LGBMRanker(
        objective="lambdarank",
        n_estimators=200,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=20,
        verbose=-1,
        random_state=7,
    )
    model.fit(np.vstack(rows), np.concatenate(labels), group=groups, eval_at=[10])
    return [collected[qid].ndcg_of(model.predict(collected[qid].features)) if len(collected[qid].slugs) else 0.0 for qid in test]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the fitted weights (package and bench/data)")
    parser.add_argument("--modes", default="keyword,hybrid")
    parser.add_argument("--queries", default=str(searcheval.QUERY_DIR), help="folder of judged query files")
    args = parser.parse_args()

    searcheval.setup_django()
    from noshub.search.scoring import WEIGHTS_FILE, RankingWeights

    queries = searcheval.load_queries(args.queries)
    nos = searcheval.current_nos()
    titles = {n["slug"]: n["title"] for n in nos}
    keys = {slug: searcheval.title_key(title) for slug, title in titles.items()}
    relevant = {q["id"]: searcheval.relevant(q, nos) for q in queries}
    empty = [q["id"] for q in queries if not relevant[q["id"]]]
    queries = [q for q in queries if relevant[q["id"]]]
    fold_of = searcheval.folds(queries, args.folds)
    print(f"{len(queries)} judged queries ({len(empty)} whose rule matches no current NOS left out), {args.folds} folds")

    fitted_all: dict[str, dict] = {}
    fitted_folds: dict[str, dict] = {str(k): {} for k in range(args.folds)}
    for mode in args.modes.split(","):
        started = time.perf_counter()
        collected = {b: collect(queries, relevant, keys, mode, b) for b in BOOSTS}
        print(
            f"\n== {mode}: candidates and features of {len(queries)} queries x {len(BOOSTS)} boosts in {time.perf_counter() - started:.0f} s"
        )
        per_query = []
        default = RankingWeights()
        default_boosts = (default.title, default.keywords, default.context, default.body)
        defaults = collected.get(default_boosts) or collect(queries, relevant, keys, mode, default_boosts)
        for k in range(args.folds):
            train = [q["id"] for q in queries if fold_of[q["id"]] != k]
            test = [q for q in queries if fold_of[q["id"]] == k]
            weights, train_score, boosts = fit_with_boosts(collected, train)
            fitted_folds[str(k)][mode] = weights.as_dict()
            lambdarank = lambdarank_held_out(collected[boosts], train, [q["id"] for q in test])
            for q in test:
                judged = collected[boosts][q["id"]]
                ranked = ranked_slugs(judged, weights)
                fitted = searcheval.metrics(ranked, relevant[q["id"]], titles)
                base = searcheval.metrics(ranked_slugs(defaults[q["id"]], default), relevant[q["id"]], titles)
                per_query.append({"kind": q["kind"], **fitted, **{f"default {m}": v for m, v in base.items()}})
                if lambdarank is not None:
                    per_query[-1]["lambdarank ndcg@10"] = lambdarank[test.index(q)]
            print(f"fold {k}: train nDCG@10 {train_score:.3f}, boosts {boosts}, held-out {len(test)} queries")
        weights, score, boosts = fit_with_boosts(collected, [q["id"] for q in queries])
        fitted_all[mode] = weights.as_dict()
        print(f"fitted on all queries (shipped): nDCG@10 {score:.3f} on its own training set (not a held-out figure)")
        print("  " + ", ".join(f"{k}={v:g}" for k, v in weights.as_dict().items()))
        _print_table(mode, per_query)

    if args.write:
        existing = json.loads(WEIGHTS_FILE.read_text()) if WEIGHTS_FILE.exists() else {}
        existing.update(fitted_all)
        existing["fitted_on"] = {"queries": len(queries), "set": searcheval.fingerprint(queries)}
        WEIGHTS_FILE.write_text(json.dumps(existing, indent=1, sort_keys=True) + "\n")
        FOLD_FILE.write_text(
            json.dumps(
                {"set": searcheval.fingerprint(queries), "k": args.folds, "folds": fitted_folds, "all": fitted_all},
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )
        print(f"\nwrote {WEIGHTS_FILE.relative_to(ROOT)} and {FOLD_FILE.relative_to(ROOT)}")


def _print_table(mode: str, per_query: list[dict]) -> None:
    kinds = sorted({r["kind"] for r in per_query})
    ltr = "lambdarank ndcg@10" in per_query[0]
    print(
        f"{'held-out (' + mode + ')':<24}{'n':>4}  {'nDCG@10':>8} {'default':>8}"
        + (f" {'LambdaMART':>10}" if ltr else "")
        + f"  {'MRR':>6} {'default':>8}  {'S@10':>5} {'default':>8}"
    )
    for kind in [*kinds, "all"]:
        rows = [r for r in per_query if kind == "all" or r["kind"] == kind]
        mean = {key: sum(r[key] for r in rows) / len(rows) for key in rows[0] if key != "kind"}
        print(
            f"{kind:<24}{len(rows):>4}  {mean['ndcg@10']:>8.3f} {mean['default ndcg@10']:>8.3f}"
            + (f" {mean['lambdarank ndcg@10']:>10.3f}" if ltr else "")
            + f"  {mean['mrr']:>6.3f} {mean['default mrr']:>8.3f}  {mean['success@10']:>5.2f} {mean['default success@10']:>8.2f}"
        )


if __name__ == "__main__":
    main()
