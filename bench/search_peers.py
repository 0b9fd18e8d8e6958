"""NOS Hub's search beside its peers on the judged search set, in one run (issue 16).

    .venv/bin/python bench/search_peers.py [FILE ...] [--engines sqlite,postgresql] [--json out.json]

Indexes the same fields of the current NOS (title, keywords, suites and occupations, weighted
10/3/1/1, any of the query's words) in tantivy, bm25s and a plain SQLite FTS5 table (the
any-word BM25 baseline; bench/search_rankers.py), runs NOS Hub's own search
(noshub.search.engine.search, keyword and hybrid, per_page=100), and prints nDCG@10, MRR and
success@10 by query kind and overall (bench/searcheval.py), p50/p95 latency per ranker on the
same queries (after three untimed warm-up queries; NOS Hub's cache of query vectors is emptied
before each query, so each is timed as a new one), and a verdict line per engine: NOS Hub hybrid minus the best peer, overall and
by kind (the issue's target: at least +0.05 overall and never below in any kind).

NOS Hub rows are held-out when bench/data/search_weights.json (bench/search_tune.py --write)
holds weights fitted per fold and NOS Hub offers `RankingWeights` and `weights_in_use`
(noshub.search.scoring or .ranking): each query of fold k is searched with the weights fitted
without fold k (folds dealt by searcheval.folds over the queries whose rule matches a current
NOS, as the tuner deals them). Otherwise NOS Hub runs with its default
weights, labelled "default weights (not held-out)". The peers have no tuned parameters.

Runs on the configured database (NOSHUB_DB for SQLite, or DATABASE_URL for PostgreSQL), which
must hold the loaded catalogue and its search index (`noshub load`). `--engines
sqlite,postgresql` runs NOS Hub once per engine, each in a child process: SQLite on NOSHUB_DB,
PostgreSQL on --postgres-url (default DATABASE_URL); both databases must hold the same data.
Relevance is judged on the catalogue of the configured database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_rankers  # noqa: E402
import searcheval  # noqa: E402

WEIGHTS_FILE = searcheval.ROOT / "bench" / "data" / "search_weights.json"
MODES = ("keyword", "hybrid")
WARM_UP = 3  # queries run first, untimed, by every ranker (index caches, model load)


# --- NOS Hub (in this process, or in a child process per engine) ------------------------------


def weights_api():
    """(RankingWeights, weights_in_use) of NOS Hub's ranking, or None when it has no fitted weights to swap."""
    import importlib

    for name in ("noshub.search.scoring", "noshub.search.ranking"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "RankingWeights") and hasattr(module, "weights_in_use"):
            return module.RankingWeights, module.weights_in_use
    return None


def _weights(cls, data: dict):
    return cls.from_dict(data) if hasattr(cls, "from_dict") else cls(**data)


def held_out_weights(path: Path, queries: list[dict]):
    """(label, {query id: {mode: weights}}, warning): the weights fitted without each query's own
    fold, when the weights file (bench/search_tune.py --write) and NOS Hub's RankingWeights /
    weights_in_use exist. `queries` are the scored ones (rule matching a current NOS), as the
    tuner deals its folds over them. A fold holds one set of weights, or one per mode."""
    default = "default weights (not held-out)"
    api = weights_api()
    if api is None:
        return default, {}, "NOS Hub has no RankingWeights / weights_in_use"
    if not path.is_file():
        return default, {}, f"no fitted weights at {path}"
    data = json.loads(path.read_text())
    fitted = data.get("folds") or {}
    k = len(fitted)
    if k < 2 or set(fitted) != {str(i) for i in range(k)}:
        return default, {}, f"{path.name}: 'folds' must map 0..k-1 to weights"
    fold_of = searcheval.folds(queries, k)
    weights = {}
    for q in queries:
        fold = fitted[str(fold_of[q["id"]])]
        per_mode = all(isinstance(fold.get(m), dict) for m in MODES)
        weights[q["id"]] = {m: _weights(api[0], fold[m] if per_mode else fold) for m in MODES}
    warning = ""
    fitted_on = data.get("set") or data.get("fingerprint")
    if fitted_on and fitted_on != searcheval.fingerprint(queries):
        warning = f"{path.name} was fitted on another query set ({fitted_on}): its folds are not held out from these queries"
    elif not fitted_on:
        warning = f"{path.name} does not say which query set it was fitted on"
    return f"held-out ({k} folds)", weights, warning


def run_nos_hub(queries: list[dict], weights_path: Path) -> dict:
    """Rank every query with NOS Hub in both modes on the configured database: {"engine", "label",
    "warning", "current", "runs": {mode: {query id: {"ranked": [...], "ms": float}}}}."""
    from django.db import connection

    from noshub.core.search import embeddings
    from noshub.search.engine import SearchParams, search

    label, weights, warning = held_out_weights(weights_path, queries)
    weights_in_use = weights_api()[1] if weights else None
    runs: dict[str, dict] = {}
    for mode in MODES:
        for q in queries[:WARM_UP]:
            search(SearchParams(q=q["query"], mode=mode, per_page=100), log=False)
        runs[mode] = {}
        for q in queries:
            clear = getattr(embeddings.encode_query, "cache_clear", None)
            if clear:
                clear()  # each query's vector is computed, as for a new query
            context = weights_in_use(weights[q["id"]][mode]) if weights else nullcontext()
            with context:
                started = time.perf_counter()
                result = search(SearchParams(q=q["query"], mode=mode, per_page=100), log=False)
                ms = (time.perf_counter() - started) * 1000
            runs[mode][q["id"]] = {
                "ranked": [h.slug for h in result.hits],
                "ms": ms,
                "hybrid": bool(getattr(result, "semantic", True)),
            }
    return {
        "engine": connection.vendor,
        "label": label,
        "warning": warning,
        "current": len(searcheval.current_nos()),
        "runs": runs,
    }


def nos_hub_in_child(engine: str, files: list[str], ids: list[str], weights_path: Path, postgres_url: str) -> dict:
    """run_nos_hub on the queries `ids` of `files`, in a child process on that engine's database."""
    env = dict(os.environ)
    if engine == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        if not postgres_url:
            sys.exit("error: --engines postgresql needs --postgres-url or DATABASE_URL")
        env["DATABASE_URL"] = postgres_url
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as chosen:
        json.dump(ids, chosen)
    command = [sys.executable, __file__, "--nos-hub-only", chosen.name, "--weights", str(weights_path), *files]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    finally:
        os.unlink(chosen.name)
    if done.returncode:
        sys.exit(f"error: NOS Hub on {engine} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # the last line: anything else a library printed comes before


# --- the peers ---------------------------------------------------------------------------------


def run_peers(queries: list[dict], nos: list[dict], rankers: dict) -> dict:
    """{key: {"name", "build_s", "runs": {query id: {"ranked", "ms"}}}} for each ranker class of `rankers`."""
    out = {}
    for key, cls in rankers.items():
        started = time.perf_counter()
        ranker = cls(nos)
        build = time.perf_counter() - started
        for q in queries[:WARM_UP]:
            ranker.search(q["query"], 100)
        runs = {}
        for q in queries:
            started = time.perf_counter()
            ranked = ranker.search(q["query"], 100)
            runs[q["id"]] = {"ranked": ranked, "ms": (time.perf_counter() - started) * 1000}
        out[key] = {"name": ranker.name, "build_s": build, "runs": runs}
    return out


# --- scoring and printing ------------------------------------------------------------------------


def score(runs: dict, queries: list[dict], judged: dict, titles: dict) -> dict:
    rows = [{"kind": q["kind"], **searcheval.metrics(runs[q["id"]]["ranked"], judged[q["id"]], titles)} for q in queries]
    times = [runs[q["id"]]["ms"] for q in queries]
    return {
        "summary": searcheval.summarise(rows),
        "p50": float(np.percentile(times, 50)),
        "p95": float(np.percentile(times, 95)),
        "per_query": {q["id"]: r for q, r in zip(queries, rows, strict=True)},
    }


def print_tables(rows: list[tuple[str, dict]], kinds: list[str]) -> None:
    width = max(len(name) for name, _ in rows) + 2
    columns = [*kinds, "all"]
    for metric, title in (("ndcg@10", "nDCG@10"), ("mrr", "MRR (top 100)"), ("success@10", "success@10")):
        print(f"\n{title}")
        head = f"{'':<{width}}" + "".join(f"{c:>12}" for c in columns)
        if metric == "ndcg@10":
            head += f"{'p50 ms':>10}{'p95 ms':>10}"
        print(head)
        for name, result in rows:
            line = f"{name:<{width}}" + "".join(
                f"{result['summary'][c][metric]:>12.3f}" if c in result["summary"] else f"{'':>12}" for c in columns
            )
            if metric == "ndcg@10":
                line += f"{result['p50']:>10.2f}{result['p95']:>10.2f}"
            print(line)


def verdict(name: str, hybrid: dict, peers: list[tuple[str, dict]], kinds: list[str]) -> str:
    def best(kind: str) -> tuple[str, float]:
        return max(((p, r["summary"][kind]["ndcg@10"]) for p, r in peers), key=lambda x: x[1])

    peer, value = best("all")
    overall = hybrid["summary"]["all"]["ndcg@10"] - value
    parts = []
    below = []
    for kind in kinds:
        kind_peer, kind_value = best(kind)
        gap = hybrid["summary"][kind]["ndcg@10"] - kind_value
        parts.append(f"{kind} {gap:+.3f} vs {kind_peer}")
        if gap < 0:
            below.append(kind)
    met = overall >= 0.05 and not below
    return (
        f"VERDICT {name}: overall {overall:+.3f} nDCG@10 vs best peer {peer}; by kind: {', '.join(parts)} → "
        f"target (>= +0.05 overall, never below in a kind) {'MET' if met else 'NOT MET'}"
        + (f" (below in: {', '.join(below)})" if below else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="judged query files (default: every file of bench/data/search_queries)")
    parser.add_argument(
        "--engines", default="", help="run NOS Hub on these engines: sqlite,postgresql (default: the configured one)"
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("DATABASE_URL", ""), help="the PostgreSQL database for --engines"
    )
    parser.add_argument("--weights", default=str(WEIGHTS_FILE), help="per-fold fitted weights of NOS Hub")
    parser.add_argument(
        "--with-meaning", action="store_true", help="also show meaning alone (MiniLM cosine): a reference row, not a peer"
    )
    parser.add_argument("--json", help="also write every figure and each query's metrics to this file")
    parser.add_argument("--nos-hub-only", metavar="IDS_FILE", help=argparse.SUPPRESS)  # the child process of --engines
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := [e for e in engines if e not in ("sqlite", "postgresql")]:
        parser.error(f"unknown engine(s) {', '.join(unknown)}: choose sqlite, postgresql")
    try:
        every_query = searcheval.load_queries(args.files or searcheval.QUERY_DIR)
    except searcheval.JudgedSetError as exc:
        parser.exit(2, f"error: {exc}\n")

    searcheval.setup_django()
    if args.nos_hub_only:
        chosen = set(json.loads(Path(args.nos_hub_only).read_text()))
        print(json.dumps(run_nos_hub([q for q in every_query if q["id"] in chosen], Path(args.weights))))
        return
    nos = searcheval.current_nos()
    if not nos:
        parser.exit(2, "error: the configured database holds no current NOS (run `noshub load`)\n")
    titles = {n["slug"]: n["title"] for n in nos}
    judged = {q["id"]: searcheval.relevant(q, nos) for q in every_query}
    empty = [q["id"] for q in every_query if not judged[q["id"]]]
    queries = [q for q in every_query if judged[q["id"]]]
    kinds = [k for k in searcheval.KINDS if any(q["kind"] == k for q in queries)]

    if engines:
        ids = [q["id"] for q in queries]
        hubs = [nos_hub_in_child(e, args.files, ids, Path(args.weights), args.postgres_url) for e in engines]
    else:
        hubs = [run_nos_hub(queries, Path(args.weights))]
    peers = run_peers(queries, nos, search_rankers.LEXICAL)
    references = run_peers(queries, nos, {"meaning": search_rankers.MeaningRanker}) if args.with_meaning else {}

    from django.db import connection

    print(f"NOS Hub search beside its peers on the judged search set: {len(queries)} queries")
    counts = {k: sum(1 for q in queries if q["kind"] == k) for k in kinds}
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if empty:
        print(f"  left out ({len(empty)}), their rule matches no current NOS: {', '.join(empty)}")
    print(f"  machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; relevance judged on {connection.vendor}")
    print(f"  current NOS: {len(nos)} (" + ", ".join(f"{h['engine']}: {h['current']}" for h in hubs) + ")")
    print("  peers: " + "; ".join(f"{p['name']} (index built in {p['build_s']:.1f} s)" for p in peers.values()))
    print("  the peers and the FTS5 baseline have no tuned parameters (library defaults, the same fields and boosts)")
    for hub in hubs:
        print(f"  NOS Hub on {hub['engine']}: {hub['label']}" + (f"; WARNING: {hub['warning']}" if hub["warning"] else ""))
        if not all(r["hybrid"] for r in hub["runs"]["hybrid"].values()):
            print(f"  WARNING: NOS Hub on {hub['engine']} ran hybrid without meaning (no semantic extra or no vectors)")

    ids = [q["id"] for q in queries]
    rows: list[tuple[str, dict]] = []
    hybrids = []
    for hub in hubs:
        for mode in MODES:
            runs = {i: hub["runs"][mode][i] for i in ids}
            name = f"NOS Hub {mode} ({hub['engine']}, {'held-out' if hub['label'].startswith('held-out') else 'default'})"
            rows.append((name, score(runs, queries, judged, titles)))
            if mode == "hybrid":
                hybrids.append(rows[-1])
    peer_rows = [(p["name"], score(p["runs"], queries, judged, titles)) for p in peers.values()]
    rows += peer_rows
    rows += [(f"{r['name']} (reference, not a peer)", score(r["runs"], queries, judged, titles)) for r in references.values()]
    print_tables(rows, kinds)
    print()
    for name, result in hybrids:
        print(verdict(name, result, peer_rows, kinds))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "queries": len(queries),
                    "left_out": empty,
                    "set": searcheval.fingerprint(queries),
                    "rows": {name: {k: v for k, v in r.items()} for name, r in rows},
                    "nos_hub": [{k: h[k] for k in ("engine", "label", "warning", "current")} for h in hubs],
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
