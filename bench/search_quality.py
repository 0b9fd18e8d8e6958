"""Search quality on the judged query set: nDCG@10 and MRR, keyword-only and hybrid.

    .venv/bin/python bench/search_quality.py [--judgements bench/data/search_judgements.json]

Runs against the configured database (SQLite by default, DATABASE_URL for PostgreSQL), which
must hold the loaded catalogue and its search index (`noshub load`, or `noshub index`).
Keyword-only = URN + full text + job-title understanding; hybrid adds semantic ranking.
Relevance is binary (in the query's relevant set or not); nDCG@10's ideal puts
min(|relevant|, 10) relevant NOS first; MRR counts the first relevant NOS in the top 100.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ndcg_at_10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, slug in enumerate(ranked[:10]) if slug in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return dcg / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / (i + 1) for i, slug in enumerate(ranked) if slug in relevant), 0.0)


def evaluate(queries: list[dict], mode: str) -> dict:
    from noshub.search.engine import SearchParams, search

    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q in queries:
        result = search(SearchParams(q=q["query"], mode=mode, per_page=100), log=False)
        ranked = [h.slug for h in result.hits]
        relevant = set(q["relevant"])
        per_kind[q["kind"]].append((ndcg_at_10(ranked, relevant), reciprocal_rank(ranked, relevant)))
    summary = {}
    everything = [x for values in per_kind.values() for x in values]
    for kind, values in [*sorted(per_kind.items()), ("all", everything)]:
        summary[kind] = {
            "n": len(values),
            "ndcg@10": sum(v[0] for v in values) / len(values),
            "mrr": sum(v[1] for v in values) / len(values),
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judgements", default=str(ROOT / "bench" / "data" / "search_judgements.json"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from django.db import connection

    from noshub.core.search import embeddings
    from noshub.search.models import Embedding

    queries = json.loads(Path(args.judgements).read_text())["queries"]
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores; engine: {connection.vendor}; queries: {len(queries)}"
    )
    if not (embeddings.available() and Embedding.objects.exists()):
        print("hybrid needs the semantic extra and embeddings (noshub index): reporting keyword only")
    results = {"keyword": evaluate(queries, "keyword")}
    if embeddings.available() and Embedding.objects.exists():
        results["hybrid"] = evaluate(queries, "hybrid")
    print(f"{'kind':<12}{'n':>4}" + "".join(f"{m + ' ' + k:>22}" for m in results for k in ("nDCG@10", "MRR")))
    for kind in results["keyword"]:
        row = f"{kind:<12}{results['keyword'][kind]['n']:>4}"
        for mode in results:
            row += f"{results[mode][kind]['ndcg@10']:>22.3f}{results[mode][kind]['mrr']:>22.3f}"
        print(row)
    if "hybrid" in results:
        better = results["hybrid"]["all"]["ndcg@10"] > results["keyword"]["all"]["ndcg@10"]
        print(f"hybrid beats keyword-only on nDCG@10: {'yes' if better else 'NO'}")


if __name__ == "__main__":
    main()
