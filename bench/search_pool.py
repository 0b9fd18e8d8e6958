"""The pool check of the judged search set (issue 16): what other rankers find, judged by the rule.

    NOSHUB_DB=/tmp/copy.sqlite3 .venv/bin/python bench/search_pool.py [FILE ...] [--id ID ...]

For each query (of the given files, default every file of bench/data/search_queries; or only
the --id ones), pools the top 20 of three different rankers (bench/search_rankers.py): the
plain SQLite FTS5 any-word BM25 baseline, bm25s, and meaning (cosine of the sentence vectors
in NOS Hub's search index), and prints each pooled NOS with its URN, title, the rank each
ranker gave it and the rule's judgement (REL or -); then how many current NOS the rule
matches and a few of its matches no ranker found. Read it to fix only clear errors of a rule
(a plainly relevant title missed, a plainly irrelevant one matched) and record each change
in the query's "pool_check". Never tune a rule to favour one ranker.

Runs against the configured database (NOSHUB_DB, or DATABASE_URL), which must hold the loaded
catalogue and its search index with sentence vectors (`noshub load`).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_rankers  # noqa: E402
import searcheval  # noqa: E402

RANKERS = {"fts5": search_rankers.Fts5Baseline, "bm25s": search_rankers.Bm25sRanker}
RANKERS |= {"tantivy": search_rankers.TantivyRanker, "meaning": search_rankers.MeaningRanker}


def describe_rule(query: dict) -> str:
    rule = query["relevant"]
    parts = [f"{key}: {' | '.join(rule[key])}" for key in searcheval.RULE_KEYS if rule.get(key)]
    return "; ".join(parts)


def pool_ranks(query: dict, rankers: dict, depth: int) -> dict[str, dict[str, int]]:
    """slug → {ranker: rank} over the top `depth` of each ranker."""
    ranks: dict[str, dict[str, int]] = {}
    for name, ranker in rankers.items():
        for i, slug in enumerate(ranker.search(query["query"], depth)):
            ranks.setdefault(slug, {})[name] = i + 1
    return ranks


def summary_line(query: dict, rankers: dict, nos: list[dict], depth: int) -> str:
    """One line: how many current NOS the rule matches, how many the pool holds, how many each ranker found."""
    relevant = searcheval.relevant(query, nos)
    ranks = pool_ranks(query, rankers, depth)
    found = "".join(f"{sum(1 for s in relevant if name in ranks.get(s, {})):>9}" for name in rankers)
    pooled = sum(1 for s in ranks if s in relevant)
    flag = "  !! matches nothing" if not relevant else ("  !! broad" if len(relevant) > 300 else "")
    return f"{len(relevant):>7}{len(ranks):>8}{pooled:>8}{found}  {query['id']}{flag}"


def pool_report(query: dict, rankers: dict, nos: list[dict], by_slug: dict, depth: int, missed: int) -> str:
    relevant = searcheval.relevant(query, nos)
    ranks = pool_ranks(query, rankers, depth)
    pooled = sorted(ranks, key=lambda s: (min(ranks[s].values()), sum(ranks[s].values()) / len(ranks[s]), s))
    titles = {searcheval.title_key(by_slug[s]["title"]) for s in relevant}
    lines = [
        f"== {query['id']}  ({query['file']})",
        f'   query:  "{query["query"]}"',
        *textwrap.wrap(query["intent"], 110, initial_indent="   intent: ", subsequent_indent="           "),
        *textwrap.wrap(describe_rule(query), 110, initial_indent="   rule:   ", subsequent_indent="           "),
        f"   the rule matches {len(relevant)} current NOS ({len(titles)} distinct titles); pooled {len(pooled)}, "
        f"of which {sum(1 for s in pooled if s in relevant)} REL",
    ]
    if query["pool_check"]:
        lines += textwrap.wrap(query["pool_check"], 110, initial_indent="   pool check so far: ", subsequent_indent="      ")
    for urn in sorted(searcheval.unknown_urns(query, nos)):
        lines.append(f"   !! listed URN {urn} names no current NOS")
    if not relevant:
        lines.append("   !! the rule matches no current NOS: the query is left out of every figure")
    header = "   " + "".join(f"{name:>9}" for name in rankers) + "  judged  URN               title"
    lines.append(header)
    for slug in pooled:
        cells = "".join(f"{ranks[slug].get(name, '-'):>9}" for name in rankers)
        judged = "REL" if slug in relevant else "-"
        lines.append(f"   {cells}  {judged:<6}  {by_slug[slug]['urn'][:16]:<16}  {by_slug[slug]['title']}")
    unfound = sorted((s for s in relevant if s not in ranks), key=lambda s: by_slug[s]["title"].lower())
    if unfound:
        lines.append(f"   rule matches no ranker found ({len(unfound)}; first {min(missed, len(unfound))} by title):")
        lines += [f"      {by_slug[s]['urn'][:16]:<16}  {by_slug[s]['title']}" for s in unfound[:missed]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="judged query files (default: every file of bench/data/search_queries)")
    parser.add_argument("--id", action="append", default=[], help="only this query (repeatable)")
    parser.add_argument("--rankers", default="fts5,bm25s,meaning", help=f"comma-separated, of {', '.join(RANKERS)}")
    parser.add_argument("--depth", type=int, default=20, help="how many of each ranker's top to pool (default 20)")
    parser.add_argument(
        "--summary", action="store_true", help="one line per query: rule matches, pool size, REL each ranker found"
    )
    parser.add_argument("--missed", type=int, default=8, help="how many rule matches no ranker found to show")
    args = parser.parse_args()
    names = [n.strip() for n in args.rankers.split(",") if n.strip()]
    if unknown := [n for n in names if n not in RANKERS]:
        parser.error(f"unknown ranker(s) {', '.join(unknown)}: choose from {', '.join(RANKERS)}")
    try:
        queries = searcheval.load_queries(args.files or searcheval.QUERY_DIR)
    except searcheval.JudgedSetError as exc:
        parser.exit(2, f"error: {exc}\n")
    if args.id:
        missing = set(args.id) - {q["id"] for q in queries}
        if missing:
            parser.exit(2, f"error: no query with id {', '.join(sorted(missing))}\n")
        queries = [q for q in queries if q["id"] in set(args.id)]

    searcheval.setup_django()
    nos = searcheval.current_nos()
    if not nos:
        parser.exit(2, "error: the configured database holds no current NOS (run `noshub load`)\n")
    rankers = {name: RANKERS[name](nos) for name in names}
    meaning = rankers.get("meaning")
    if meaning is not None and not len(meaning.slugs):
        parser.exit(2, "error: the search index holds no sentence vectors (install the semantic extra, `noshub index`)\n")
    by_slug = {n["slug"]: n for n in nos}
    print(f"{len(nos)} current NOS; {len(queries)} queries; rankers: {', '.join(r.name for r in rankers.values())}")
    if meaning is not None and meaning.missing:
        print(f"(meaning: {meaning.missing} current NOS have no sentence vector)")
    print()
    if args.summary:
        print(f"{'matches':>7}{'pooled':>8}{'REL':>8}" + "".join(f"{name:>9}" for name in rankers) + "  query")
        for query in queries:
            print(summary_line(query, rankers, nos, args.depth))
        return
    for query in queries:
        print(pool_report(query, rankers, nos, by_slug, args.depth, args.missed))
        print()


if __name__ == "__main__":
    main()
