"""Precision and recall of duplicate detection on labelled NOS pairs, against a MinHash-LSH-0.8 baseline.

    .venv/bin/pip install -e '.[bench]'                    # once: the baseline needs datasketch
    .venv/bin/python bench/duplicates_quality.py            # loads the real data into a temp SQLite once
    .venv/bin/python bench/duplicates_quality.py --json

The labelled pairs are bench/data/duplicate_pairs.csv (see bench/data/README.md): 220 pairs
of real catalogue NOS labelled duplicate / variant / different, including hard negatives from
the same suite and pairs that share only boilerplate statements.

Both methods run on the whole catalogue (20,905 standards, current versions) and are judged
on what a reviewer sees: a pair counts as found when both NOS land in the same group.

- NOS Hub: `noshub.core.duplicates` (field-weighted TF-IDF scores, exact candidates,
  complete-linkage groups).
- Baseline, as the 2019 review: MinHash (128 permutations) of the set of words of every text
  field, MinHashLSH at Jaccard 0.8, groups = connected components of the LSH pairs.
  Also shown: exact word-set Jaccard >= 0.8 (what LSH approximates), and the same with
  connected components, to separate hashing loss from the threshold itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAIRS = ROOT / "bench" / "data" / "duplicate_pairs.csv"


def _components(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return [find(x) for x in range(n)]


def _word_set(doc) -> set[str]:
    text = " ".join([doc.title, doc.overview, doc.scope, *(t for _, t in doc.statements), *doc.keywords])
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def baseline(docs, threshold: float = 0.8, num_perm: int = 128) -> dict:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, doc in enumerate(docs):
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([w.encode() for w in _word_set(doc)])
        hashes.append(m)
        lsh.insert(str(i), m)
    edges = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            j = int(j)
            if j != i:
                edges.add((min(i, j), max(i, j)))
    labels = _components(len(docs), sorted(edges))
    seconds = time.perf_counter() - start
    return {"edges": edges, "labels": labels, "seconds": seconds}


def exact_jaccard_edges(docs, threshold: float = 0.8) -> set[tuple[int, int]]:
    """Every pair with word-set Jaccard >= threshold (via an inverted index; sizes prune)."""
    sets = [_word_set(d) for d in docs]
    index: dict[str, list[int]] = {}
    for i, s in enumerate(sets):
        for w in s:
            index.setdefault(w, []).append(i)
    edges = set()
    for i, s in enumerate(sets):
        if not s:
            continue
        counts: Counter = Counter()
        # a pair with Jaccard >= t shares at least one of the rarest (1 - t)|s| + 1 words
        rare = sorted(s, key=lambda w: len(index[w]))[: int((1 - threshold) * len(s)) + 1]
        for w in rare:
            for j in index[w]:
                if j > i:
                    counts[j] += 1
        for j in counts:
            inter = len(s & sets[j])
            if inter / len(s | sets[j]) >= threshold:
                edges.add((i, j))
    return edges


def evaluate(pairs, same_group) -> dict:
    """Precision/recall where the positives are `duplicate` (variant pairs left out), and where
    positives are `duplicate` or `variant` (everything a reviewer should see)."""
    out = {}
    for name, positive, skip in (
        ("duplicates", {"duplicate"}, {"variant"}),
        ("duplicates_or_variants", {"duplicate", "variant"}, set()),
    ):
        tp = fp = fn = tn = 0
        for a, b, label in pairs:
            if label in skip:
                continue
            predicted = same_group(a, b)
            if label in positive:
                tp += predicted
                fn += not predicted
            else:
                fp += predicted
                tn += not predicted
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }
    return out


def _group_stats(labels) -> dict:
    sizes = Counter(Counter(labels).values())
    in_groups = sum(size * n for size, n in sizes.items() if size > 1)
    return {"groups": sum(n for size, n in sizes.items() if size > 1), "nos_in_groups": in_groups, "largest_group": max(sizes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threshold", type=float, default=None, help="NOS Hub group threshold (default: the built-in 0.8)")
    args = parser.parse_args()

    from benchdb import setup_loaded_database

    setup_loaded_database()
    from noshub.cleansing.corpus import load_corpus
    from noshub.core.duplicates import DuplicateFinder, Settings

    with PAIRS.open(newline="") as f:
        pairs = [(r["a"], r["b"], r["label"]) for r in csv.DictReader(f)]
    docs = load_corpus()
    index = {d.key: i for i, d in enumerate(docs)}
    missing = [p for p in pairs if p[0] not in index or p[1] not in index]
    pairs = [p for p in pairs if p[0] in index and p[1] in index]

    start = time.perf_counter()
    settings = Settings(threshold=args.threshold) if args.threshold else Settings()
    result = DuplicateFinder(docs, settings).find()
    ours_seconds = time.perf_counter() - start
    group_of = {m: g.key for g in result.groups for m in g.members}
    kind_of = {m: g.kind for g in result.groups for m in g.members}

    def ours(a: str, b: str) -> bool:
        return a in group_of and group_of[a] == group_of.get(b)

    base = baseline(docs)
    labels = base["labels"]

    def lsh_components(a: str, b: str) -> bool:
        return labels[index[a]] == labels[index[b]]

    def lsh_pairs(a: str, b: str) -> bool:
        i, j = sorted((index[a], index[b]))
        return (i, j) in base["edges"]

    exact = exact_jaccard_edges(docs)
    exact_labels = _components(len(docs), sorted(exact))

    def exact_pairs(a: str, b: str) -> bool:
        i, j = sorted((index[a], index[b]))
        return (i, j) in exact

    def exact_components(a: str, b: str) -> bool:
        return exact_labels[index[a]] == exact_labels[index[b]]

    # Near the threshold: the labelled duplicates whose exact word Jaccard is 0.7-0.9.
    sets = {}

    def jac(a: str, b: str) -> float:
        for k in (a, b):
            if k not in sets:
                sets[k] = _word_set(docs[index[k]])
        sa, sb = sets[a], sets[b]
        return len(sa & sb) / max(len(sa | sb), 1)

    near = [(a, b, lab) for a, b, lab in pairs if lab == "duplicate" and 0.7 <= jac(a, b) < 0.9]

    def recall_on(subset, method) -> float:
        return round(sum(method(a, b) for a, b, _ in subset) / len(subset), 3) if subset else 0.0

    kinds_right = Counter()
    for a, b, lab in pairs:
        if ours(a, b):
            kinds_right[(lab, kind_of[a])] += 1

    report = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()},
        "labelled_pairs": len(pairs),
        "labels": dict(Counter(lab for _, _, lab in pairs)),
        "missing_pairs": len(missing),
        "corpus": len(docs),
        "methods": {
            "noshub": {**evaluate(pairs, ours), **{k: result.stats[k] for k in ("groups", "nos_in_groups", "largest_group")}},
            "minhash_lsh_0.8_components": {**evaluate(pairs, lsh_components), **_group_stats(labels)},
            "minhash_lsh_0.8_pairs": evaluate(pairs, lsh_pairs),
            "exact_jaccard_0.8_pairs": evaluate(pairs, exact_pairs),
            "exact_jaccard_0.8_components": {**evaluate(pairs, exact_components), **_group_stats(exact_labels)},
        },
        "near_threshold": {
            "duplicates_with_word_jaccard_0.7_to_0.9": len(near),
            "recall_noshub": recall_on(near, ours),
            "recall_minhash_lsh_pairs": recall_on(near, lsh_pairs),
            "recall_exact_jaccard_pairs": recall_on(near, exact_pairs),
        },
        "lsh_vs_exact_jaccard": {
            "exact_pairs_at_0.8": len(exact),
            "found_by_lsh": len(exact & base["edges"]),
            "recall_of_lsh": round(len(exact & base["edges"]) / max(len(exact), 1), 3),
        },
        "noshub_kinds_of_grouped_labelled_pairs": {f"{lab} -> {kind}": n for (lab, kind), n in sorted(kinds_right.items())},
        "seconds": {"noshub": round(ours_seconds, 1), "minhash_lsh": round(base["seconds"], 1)},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"Labelled pairs: {len(pairs)} {report['labels']} on a corpus of {len(docs)} NOS")
    print(f"{'method':34} {'dup P':>6} {'dup R':>6} {'dup F1':>6} | {'d+v P':>6} {'d+v R':>6} {'d+v F1':>6} | groups  largest")
    for name, m in report["methods"].items():
        d, dv = m["duplicates"], m["duplicates_or_variants"]
        extra = f"{m['groups']:>6} {m['largest_group']:>8}" if "groups" in m else ""
        print(
            f"{name:34} {d['precision']:>6} {d['recall']:>6} {d['f1']:>6} | {dv['precision']:>6} {dv['recall']:>6} {dv['f1']:>6} | {extra}"
        )
    print("Near the threshold:", report["near_threshold"])
    print("LSH vs exact Jaccard 0.8:", report["lsh_vs_exact_jaccard"])
    print("Kinds given to grouped labelled pairs:", report["noshub_kinds_of_grouped_labelled_pairs"])
    print("Seconds:", report["seconds"], "| machine:", report["machine"])


if __name__ == "__main__":
    main()
