"""The judged search set (issue 16): read it, apply its relevance rules, score rankings.

A library for bench/search_pool.py, bench/search_peers.py and the weight tuner; the format
of the set and its rules are described in bench/data/README.md. The pure parts (loading,
`relevant`, `metrics`, `folds`, `summarise`) need no database; `current_nos` reads the loaded
catalogue through Django (call `setup_django()` first).

Relevance is decided only by each query's rule, applied to the titles (and listed URNs) of
the current NOS: a NOS is relevant when its title matches ANY `title` pattern, ALL
`title_all` patterns and NO `title_not` pattern (Python regexes, case-insensitive), or when
its URN is listed in `urns`.

Metrics, over a ranked list of slugs: a NOS whose title (lower-cased, punctuation and white
space collapsed) was already shown higher up counts as not relevant, so six copies of
"Manage a budget" score as one. nDCG@10 has binary gains and an ideal of
min(distinct relevant titles, 10); MRR counts the first relevant NOS in the top 100;
success@10 is 1 when any relevant NOS is in the top 10.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUERY_DIR = ROOT / "bench" / "data" / "search_queries"
KINDS = ("topic", "job_title", "skill", "misspelt", "description")
METRICS = ("ndcg@10", "mrr", "success@10")
RULE_KEYS = ("title", "title_all", "title_not", "urns")
QUERY_KEYS = {"id", "query", "intent", "relevant", "pool_check"}
MRR_DEPTH = 100

from noshub.core.urns import normalise_urn  # noqa: E402  (pure: no Django)


class JudgedSetError(ValueError):
    """The judged set's files break the format (the message names the file and query)."""


# --- loading -------------------------------------------------------------------------------


def load_queries(directory: str | Path | list = QUERY_DIR) -> list[dict]:
    """Every query of every *.json file in `directory` (or of the files it lists), in file then
    file order, each a dict with its own keys plus `kind`, `file` and `patterns` (the compiled
    regexes of its rule: {"title": [...], "title_all": [...], "title_not": [...]}) and
    `urn_keys` (its listed URNs, normalised). Raises JudgedSetError on any breach of the format."""
    if isinstance(directory, (str, Path)):
        directory = Path(directory)
        files = sorted(directory.glob("*.json"))
        if not files:
            raise JudgedSetError(f"{directory}: no judged query files (*.json)")
    else:
        files = [Path(f) for f in directory]
    queries: list[dict] = []
    seen: dict[str, str] = {}
    for path in files:
        for query in _load_file(path):
            if query["id"] in seen:
                raise JudgedSetError(f"{path.name}: query {query['id']!r}: id also used in {seen[query['id']]}")
            seen[query["id"]] = path.name
            queries.append(query)
    return queries


def _load_file(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JudgedSetError(f"{path.name}: cannot read it as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise JudgedSetError(f"{path.name}: the file must hold an object with kind, method and queries")
    kind = data.get("kind")
    if kind not in KINDS:
        raise JudgedSetError(f"{path.name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if path.stem != kind:
        raise JudgedSetError(f"{path.name}: a file of kind {kind!r} must be named {kind}.json")
    if not isinstance(data.get("method"), str):
        raise JudgedSetError(f"{path.name}: 'method' must be a string saying how the queries were made")
    if not isinstance(data.get("queries"), list):
        raise JudgedSetError(f"{path.name}: 'queries' must be a list")
    return [_check_query(path.name, kind, i, q) for i, q in enumerate(data["queries"])]


def _check_query(file: str, kind: str, index: int, raw: object) -> dict:
    if not isinstance(raw, dict):
        raise JudgedSetError(f"{file}: query #{index + 1} is not an object")
    qid = raw.get("id")
    if not isinstance(qid, str) or not qid.startswith(f"{kind}-") or len(qid) <= len(kind) + 1:
        raise JudgedSetError(f"{file}: query #{index + 1}: id {qid!r} must be a string '{kind}-<slug>'")

    def fail(message: str):
        raise JudgedSetError(f"{file}: query {qid!r}: {message}")

    unknown = set(raw) - QUERY_KEYS
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(QUERY_KEYS))})")
    for key in ("query", "intent"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            fail(f"{key!r} must be a non-empty string")
    if not isinstance(raw.get("pool_check", ""), str):
        fail("'pool_check' must be a string ('' when the pool check changed nothing)")
    rule = raw.get("relevant")
    if not isinstance(rule, dict):
        fail("'relevant' must be an object with title, title_all, title_not, urns")
    unknown = set(rule) - set(RULE_KEYS)
    if unknown:
        fail(f"'relevant' has unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(RULE_KEYS)})")
    for key in RULE_KEYS:
        value = rule.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(f"relevant.{key} must be a list of non-empty strings")
    if not rule.get("title") and not rule.get("urns"):
        fail("relevant needs at least one 'title' pattern or one URN in 'urns'")
    if (rule.get("title_all") or rule.get("title_not")) and not rule.get("title"):
        fail("title_all / title_not narrow the 'title' patterns: give at least one 'title' pattern")
    patterns: dict[str, list[re.Pattern]] = {}
    for key in ("title", "title_all", "title_not"):
        patterns[key] = []
        for source in rule.get(key, []):
            try:
                patterns[key].append(re.compile(source, re.IGNORECASE))
            except re.error as exc:
                fail(f"relevant.{key}: bad regex {source!r}: {exc}")
    return {
        **raw,
        "pool_check": raw.get("pool_check", ""),
        "kind": kind,
        "file": file,
        "patterns": patterns,
        "urn_keys": frozenset(normalise_urn(u) for u in rule.get("urns", [])),
    }


# --- the catalogue ---------------------------------------------------------------------------


def setup_django() -> None:
    """Start Django on the configured database (NOSHUB_DB, or DATABASE_URL for PostgreSQL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()


def current_nos() -> list[dict]:
    """The current NOS of the loaded catalogue (validity "current"), ordered by slug: dicts of
    slug, urn, urn_key, title, standard_id, keywords, suites, occupations (lists of names)."""
    from django.db.models import F

    from noshub.catalogue.models import NosVersion

    versions = (
        NosVersion.objects.filter(standard__current_id=F("id"), validity="current")
        .select_related("standard")
        .prefetch_related("keywords", "suites", "occupations")
        .order_by("standard__slug")
    )
    return [
        {
            "slug": v.standard.slug,
            "urn": v.urn or v.standard.urn,
            "urn_key": v.standard.urn_key,
            "title": v.title,
            "standard_id": v.standard_id,
            "keywords": [k.text for k in v.keywords.all()],
            "suites": sorted(s.name for s in v.suites.all()),
            "occupations": sorted(o.name for o in v.occupations.all()),
        }
        for v in versions
    ]


# --- relevance -------------------------------------------------------------------------------


def title_matches(query: dict, title: str) -> bool:
    """Does the query's title rule hold for this title (any of title, all of title_all, none of title_not)?"""
    p = query["patterns"]
    return (
        any(r.search(title) for r in p["title"])
        and all(r.search(title) for r in p["title_all"])
        and not any(r.search(title) for r in p["title_not"])
    )


def relevant(query: dict, nos: list[dict]) -> set[str]:
    """Slugs of the NOS (from `current_nos()`) the query's rule judges relevant."""
    return {n["slug"] for n in nos if n["urn_key"] in query["urn_keys"] or title_matches(query, n["title"])}


def unknown_urns(query: dict, nos: list[dict]) -> set[str]:
    """URNs the rule lists that name no current NOS (a mistake in the rule, or a NOS no longer current)."""
    held = {n["urn_key"] for n in nos}
    return {u for u in query["urn_keys"] if u not in held}


# --- metrics ---------------------------------------------------------------------------------

_PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A title as the repeat rule compares it: lower case, punctuation and white space collapsed."""
    return _PUNCTUATION_AND_SPACE.sub(" ", title.lower()).strip()


def gains(ranked_slugs: list[str], relevant_slugs: set[str], titles: dict[str, str]) -> list[int]:
    """1/0 per ranked NOS: relevant and its title not already shown higher up. A slug without a
    title in `titles` is compared by its slug."""
    seen: set[str] = set()
    out = []
    for slug in ranked_slugs:
        key = title_key(titles.get(slug, slug))
        out.append(int(slug in relevant_slugs and key not in seen))
        seen.add(key)
    return out


def metrics(ranked_slugs: list[str], relevant_slugs: set[str], titles: dict[str, str]) -> dict[str, float]:
    """nDCG@10, MRR (top 100) and success@10 of one ranking, with repeated titles counting as
    not relevant. `titles` maps slugs to titles (for the repeats and the ideal); every relevant
    slug must have one."""
    g = gains(ranked_slugs[:MRR_DEPTH], relevant_slugs, titles)
    distinct = len({title_key(titles[s]) for s in relevant_slugs})
    ideal = sum(1 / math.log2(i + 2) for i in range(min(distinct, 10)))
    dcg = sum(gain / math.log2(i + 2) for i, gain in enumerate(g[:10]))
    first = next((i for i, gain in enumerate(g) if gain), None)
    return {
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "mrr": 1 / (first + 1) if first is not None else 0.0,
        "success@10": 1.0 if first is not None and first < 10 else 0.0,
    }


# --- folds and summaries ---------------------------------------------------------------------


def _stable_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folds(queries: list[dict], k: int = 5) -> dict[str, int]:
    """Query id → fold (0..k-1). Within each kind, queries are ordered by a stable hash of their
    id and dealt round the folds, so every fold holds about 1/k of each kind and a query's fold
    depends only on the ids of its kind (not on the order of the files)."""
    if k < 2:
        raise ValueError("k must be at least 2")
    by_kind: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        by_kind[q["kind"]].append(q["id"])
    out: dict[str, int] = {}
    for kind in sorted(by_kind):
        offset = int(_stable_hash(kind), 16) % k  # kinds with few queries do not all pile into fold 0
        for i, qid in enumerate(sorted(by_kind[kind], key=lambda x: (_stable_hash(x), x))):
            out[qid] = (i + offset) % k
    return out


def fingerprint(queries: list[dict]) -> str:
    """A short hash of the set's ids and kinds: folds fitted on one set are only held out for the same set."""
    return _stable_hash("\n".join(sorted(f"{q['kind']}\t{q['id']}" for q in queries)))[:16]


def summarise(per_query: list[dict]) -> dict[str, dict[str, float]]:
    """Means of the metrics by kind and over "all", from dicts with kind and the METRICS
    (queries whose rule matched nothing should be left out before)."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in per_query:
        by_kind[row["kind"]].append(row)
    ordered = [k for k in KINDS if k in by_kind] + sorted(set(by_kind) - set(KINDS))
    out = {}
    for kind, rows in [*((k, by_kind[k]) for k in ordered), ("all", list(per_query))]:
        if rows:
            out[kind] = {"n": len(rows), **{m: sum(r[m] for r in rows) / len(rows) for m in METRICS}}
    return out
