"""How well NOS Hub's SOC 2020 coder codes NOS, beside a TF-IDF nearest-neighbour baseline in
the same run, how well its confidence is calibrated, what each of its parts earns, and how fast
it is.

    .venv/bin/python bench/soc_quality.py --use-db             # 5 folds, ablation on 2 of them
    .venv/bin/python bench/soc_quality.py --use-db --quick     # 2 folds, no ablation
    .venv/bin/python bench/soc_quality.py --use-db --ablation-folds 0 --speed   # no ablation; the speed figure
    .venv/bin/python bench/soc_quality.py --use-db --format json > soc_quality.json
    .venv/bin/python bench/soc_quality.py --use-db --ablation-folds 0 --rows /tmp/soc-rows.jsonl   # every held-out NOS's suggestions, to judge the misses

Without --use-db the data directory is loaded into a fresh SQLite file first.

**Held-out NOS (issue 20).** The NOS that carry SOC 2010 codes in the catalogue (current version
of each standard, at least one code in the ONS relationship table) are shuffled once (seed 7)
and cut into ten tenths; fold f holds out tenth f: its codes are hidden from the coder, which is
fitted on every other coded NOS (the rest of the catalogue as it is: a held-out NOS's copies in
other suites keep their own codes, as they would for a user). Five folds: half the coded NOS
are each held out once. The held-out NOS of a fold are coded together, as `noshub soc code`
codes NOS: each reads the text (never the codes) of its held-out suite-mates.

**Truth.** A SOC 2020 unit group is right for a NOS when, for one of the NOS's SOC 2010 codes,
the ONS relationship table (`soc2020/ONS_SOC2010_SOC2020.xlsx`, read here from the file) gives
it at least 5% of that code's workers in any of its four proportion columns (men/women,
LFS/census): the "issue" rule. The "any" rule (every SOC 2020 group the table maps the code to)
is kept as a second column, as earlier benches scored.

**Scores.** Unit-group top-1 and top-3 from the full record (`noshub soc suggest --urn`: title,
overview, criteria, occupations, keywords, suites, developer) and from the title alone
(`--text TITLE`), for NOS Hub and for the baseline (`KnnBaseline`: TF-IDF cosine with the
fold's coded NOS, the 10 nearest voting with their similarity, the same labels and texts).
How much room the baseline's full-record top-3 leaves: the NOS it misses, the most NOS Hub may
miss to stand 2 points above it, NOS Hub's misses and how many of those have a coded copy of the
same text coded to none of their right groups.

**Calibration** of NOS Hub's first suggestion, issue rule: a reliability table (confidence
bands of 0.1: mean confidence against the share right), the expected calibration error (ECE:
the bands' |accuracy - confidence| weighted by their share of NOS), and precision and coverage
at confidence >= 0.9 (and 0.95, the bulk-acceptance threshold).

**Ablation** (`--ablation-folds`, default 2: the first folds, the same held-out NOS): the coder
refitted without each signal family in turn (`SocCoder.fit(without=…)`), without the three
word signals that read the same words (centroids, ONS text, naive Bayes) together, without sentence
vectors, without the combiner's rank features (each signal's place of the candidate), with the
combiner's trees replaced by the signals' mean share of their best, and
without the top-three re-ranking (`SocCoder._diversify`); each row gives the change in top-1
and top-3 (issue rule) against the whole coder on the same folds. A part earns its place when
leaving it out costs at least 0.5 points of top-1 or top-3 from the full record or the title.

**Speed** (`--speed`): fitting the coder on every coded NOS, then coding every standard's
current version (`noshub soc code`'s work), and the baseline doing the same as a yardstick.

NOS Hub uses sentence vectors when the `semantic` extra is installed (cached under
NOSHUB_CACHE_DIR); `NOSHUB_SEMANTIC=0` measures it with words only.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: The issue's rule: a SOC 2020 group with at least this share of a SOC 2010 code's workers in
#: one of the four ONS samples is a right code for a NOS coded to it.
RULE_SHARE = 0.05
HELD_OUT_SHARE = 0.10
THRESHOLDS = (0.8, 0.9, 0.95)
#: The ablation's variants: (name, signals left out, sentence vectors, re-ranking)
FAMILIES = (
    ("nearest NOS (whole record)", ("nos_full",)),
    ("nearest NOS (title)", ("nos_title",)),
    ("Rocchio centroids", ("centroid",)),
    ("ONS unit group text", ("unit_full", "unit_title", "unit_context")),
    ("suite codes", ("suite",)),
    ("developer codes", ("developer",)),
    ("occupation codes", ("occupation",)),
    ("keyword codes", ("keyword",)),
    ("naive Bayes (title words)", ("bayes",)),
    ("suite-mates' text", ("mates_full", "mates_centroid", "mates_bayes", "mates_probe", "mates_unit")),
    # the three word signals that earn < 0.5 points alone read the same words three ways: together
    (
        "word signals together (centroids, ONS text, naive Bayes)",
        ("centroid", "unit_full", "unit_title", "unit_context", "bayes"),
    ),
)


# --------------------------------------------------------------------------- data


def _setup_django(database: str | None) -> None:
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()


def load_data(args) -> tuple:
    """(reference, catalogue items). Loads the data directory into a fresh SQLite file unless
    --use-db says to read the configured database."""
    if not args.use_db:
        tmp = tempfile.mkdtemp(prefix="noshub-socbench-")
        os.environ["NOSHUB_DB"] = str(Path(tmp) / "bench.sqlite3")
    _setup_django(args.database)
    from django.core.management import call_command

    from noshub.catalogue.models import Standard
    from noshub.soc import data

    call_command("migrate", interactive=False, verbosity=0)
    if not Standard.objects.exists():
        from noshub.loading import load_all

        print("loading the data directory into", os.environ.get("NOSHUB_DB", "the database"), "…", file=sys.stderr)
        load_all()
    return data.soc_reference(), data.catalogue_nos()


@functools.cache
def _relationships(path: Path) -> tuple:
    """The ONS relationship workbook's rows, read once a process (the truth and the titles)."""
    from noshub.soc.readers import read_soc2010_to_2020

    return tuple(read_soc2010_to_2020(path))


def truth_tables(path: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """From the ONS relationship workbook: SOC 2010 code → the SOC 2020 groups right under the
    issue's rule (>= 5% of its workers in any of the four samples), and → every group it maps to."""
    issue: dict[str, set[str]] = defaultdict(set)
    mapped: dict[str, set[str]] = defaultdict(set)
    for r in _relationships(path):
        mapped[r.soc2010].add(r.soc2020)
        shares = (r.men_lfs_proportion, r.men_census_proportion, r.women_lfs_proportion, r.women_census_proportion)
        if any(s is not None and s >= RULE_SHARE for s in shares):
            issue[r.soc2010].add(r.soc2020)
    return dict(issue), dict(mapped)


# --------------------------------------------------------------------------- folds


def held_out_folds(n: int, k: int, seed: int = 7, share: float = HELD_OUT_SHARE) -> list[tuple[np.ndarray, np.ndarray]]:
    """k folds, each holding out a different random `share` of the n coded NOS (disjoint) and
    learning from all the others."""
    order = np.random.default_rng(seed).permutation(n)
    size = max(1, round(share * n))
    if k * size > n:
        raise ValueError(f"{k} folds of {size} held-out NOS need more than {n} coded NOS")
    out = []
    for f in range(k):
        test = np.sort(order[f * size : (f + 1) * size])
        out.append((np.setdiff1d(np.arange(n), test), test))
    return out


# --------------------------------------------------------------------------- scoring


def top_k(ranked: list[list[str]], truth: list[set[str]], k: int) -> float:
    return sum(1 for r, t in zip(ranked, truth, strict=True) if set(r[:k]) & t) / max(len(ranked), 1)


def reliability(conf: list[float], right: list[bool], width: float = 0.1) -> list[dict]:
    """Bands of confidence of width `width`: n, mean confidence, share right."""
    bands = []
    edges = np.arange(0.0, 1.0 + 1e-9, width)
    for lo in edges[:-1]:
        hi = lo + width
        idx = [i for i, c in enumerate(conf) if lo <= c < hi or (hi >= 1.0 and c >= 1.0)]
        if idx:
            bands.append(
                {
                    "band": f"{lo:.1f}-{hi:.1f}",
                    "n": len(idx),
                    "confidence": sum(conf[i] for i in idx) / len(idx),
                    "accuracy": sum(right[i] for i in idx) / len(idx),
                }
            )
    return bands


def ece(bands: list[dict]) -> float:
    total = sum(b["n"] for b in bands)
    return sum(b["n"] * abs(b["accuracy"] - b["confidence"]) for b in bands) / max(total, 1)


def at_threshold(conf: list[float], right: list[bool], t: float) -> dict:
    idx = [i for i, c in enumerate(conf) if c >= t]
    return {
        "threshold": t,
        "coverage": len(idx) / max(len(conf), 1),
        "precision": (sum(right[i] for i in idx) / len(idx)) if idx else None,
    }


# --------------------------------------------------------------------------- the baseline


class KnnBaseline:
    """TF-IDF nearest-neighbour vote over the coded NOS of the training folds."""

    def __init__(self, texts: list[str], labels: list[dict[str, float]], k: int = 10) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        self.X = self.vec.fit_transform(texts)
        self.labels = labels
        self.k = k

    def rank(self, texts: list[str]) -> list[list[str]]:
        out = []
        Q = self.vec.transform(texts)
        for start in range(0, Q.shape[0], 1000):
            sim = (Q[start : start + 1000] @ self.X.T).toarray()
            idx = np.argsort(-sim, axis=1)[:, : self.k]
            for row, nbrs in zip(sim, idx, strict=True):
                votes: dict[str, float] = defaultdict(float)
                for j in nbrs:
                    for u, w in self.labels[j].items():
                        votes[u] += row[j] * w
                out.append([u for u, _ in sorted(votes.items(), key=lambda kv: -kv[1])])
        return out


def knn_text(nos) -> str:
    return " ".join(
        [nos.title, nos.overview, " ".join(nos.criteria), " ".join(nos.occupations), " ".join(nos.keywords), " ".join(nos.suites)]
    )


# --------------------------------------------------------------------------- the run


def _encoders(args, soc_encoder) -> tuple:
    """(the coder's encoder, the base model's encoder for `--compare-base` or None, what the
    fine-tune cost): the encoder is `noshub.soc.services.encoder`'s, the one `noshub soc code`
    fits with (the base model; the fine-tuned one with NOSHUB_SOC_TUNED_ENCODER=1), trained here if this
    machine has not trained it yet."""
    if args.no_semantic:
        return None, None, None
    from django.conf import settings

    from noshub.core.search.vector_cache import CachedEncoder

    last = [0.0]

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        if time.perf_counter() - last[0] > 30 or (total and done >= total):
            last[0] = time.perf_counter()
            print(f"{stage}: {done}/{total}", file=sys.stderr)

    t = time.perf_counter()
    trained = [False]

    def heard(stage: str, done: int = 0, total: int = 0) -> None:
        trained[0] = trained[0] or "Fine-tuning" in stage
        progress(stage, done, total)

    encoder = soc_encoder(train=True, progress=heard)
    tune = None
    if getattr(encoder, "tuned", False):
        from noshub.soc.coder.tuned import tuning_pairs
        from noshub.soc.data import soc_reference

        size = sum(f.stat().st_size for f in Path(encoder.path).rglob("*") if f.is_file())
        tune = {
            "pairs": len(tuning_pairs(soc_reference())[0]),
            "seconds": round(time.perf_counter() - t, 1),
            "trained": trained[0],
            "megabytes": round(size / 1e6, 1),
        }
    base = CachedEncoder(settings.CACHE_DIR) if args.compare_base and getattr(encoder, "tuned", False) else None
    return encoder, base, tune


def _code(coder, labelled, test) -> dict[str, list[tuple[list[str], float]]]:
    from noshub.soc.coder import CoderText

    out = {}
    for mode in ("full", "title"):
        queries = [labelled[i].nos if mode == "full" else CoderText.free_text(labelled[i].nos.title) for i in test]
        out[mode] = [([s.code for s in sugg], sugg[0].confidence if sugg else 0.0) for sugg in coder.suggest_many(queries, top=5)]
    return out


def _summary(ranked: list[list[str]], truth: list[set[str]], truth_any: list[set[str]]) -> dict:
    return {
        "n": len(ranked),
        "top1": top_k(ranked, truth, 1),
        "top3": top_k(ranked, truth, 3),
        "any_top1": top_k(ranked, truth_any, 1),
        "any_top3": top_k(ranked, truth_any, 3),
    }


def _top3_room(ours: dict, knn: dict, truth: list[set[str]], labelled, folds) -> dict:
    """How much room the baseline's full-record top-3 leaves: the NOS it misses, the most NOS
    Hub may miss to stand 2 points above it, the NOS NOS Hub misses, and how many of those have a
    coded copy with the same text (title, overview, criteria) in their fold's training NOS
    whose codes are none of the right ones (the catalogue codes the same words two ways)."""
    idx = sorted(ours)
    n = len(idx)
    knn_misses = sum(1 for i in idx if not set(knn[i][:3]) & truth[i])
    misses = [i for i in idx if not set(ours[i][0][:3]) & truth[i]]

    def text(i: int) -> tuple:
        nos = labelled[i].nos
        return (nos.title.strip().lower(), nos.overview.strip().lower(), tuple(c.strip().lower() for c in nos.criteria))

    fold_of = {int(i): f for f, (_, test) in enumerate(folds) for i in test}
    by_text: dict[tuple, list[int]] = defaultdict(list)
    for j in range(len(labelled)):
        by_text[text(j)].append(j)
    contradicted = 0
    for i in misses:
        # the copies the coder learnt from: every NOS with this text not held out in i's fold
        copies = [j for j in by_text[text(i)] if j != i and fold_of.get(j) != fold_of[i]]
        if copies and not any(set(labelled[j].labels) & truth[i] for j in copies):
            contradicted += 1
    # top-3 at least the baseline's + 2 points: misses <= the baseline's misses - 2% of the NOS
    allowed = max(0, int(np.floor(knn_misses - 0.02 * n + 1e-9)))
    return {
        "held_out": n,
        "knn_misses": knn_misses,
        "misses_allowed_for_2_points": allowed,
        "noshub_misses": len(misses),
        "noshub_misses_contradicted_by_a_copy": contradicted,
    }


def soc2010_titles(path: Path) -> dict[str, str]:
    """SOC 2010 code → its title, from the ONS relationship workbook."""
    return {r.soc2010: r.soc2010_title for r in _relationships(path)}


def write_rows(path: Path, mode: str, ours: dict, knn: dict, truth: list[set[str]], items, labelled, units, titles2010) -> int:
    """Each held-out NOS coded from `mode` ("full" or "title"), one JSON object a line, for a
    reader to judge the misses (`top3_right` false) beside the hits: its text, its catalogue SOC
    2010 codes and the groups the rule counts right, NOS Hub's first three (with the first one's
    confidence) and the baseline's. The judging is the reader's, never the coder's. Returns the
    number of misses."""

    def name(unit: str) -> dict:
        return {"code": unit, "title": units[unit].title if unit in units else ""}

    written = 0
    with path.open("w", encoding="utf-8") as out:
        for i in sorted(ours):
            ranked, confidence = ours[i]
            nos = labelled[i].nos
            row = {
                "mode": mode,
                "top3_right": bool(set(ranked[:3]) & truth[i]),
                "top1_right": bool(ranked[:1] and ranked[0] in truth[i]),
                "slug": items[i].slug,
                "title": nos.title,
                "suites": list(nos.suites),
                "developer": nos.developer,
                "occupations": list(nos.occupations),
                "keywords": list(nos.keywords),
                "overview": nos.overview[:800],
                "criteria": list(nos.criteria[:8]),
                "catalogue_soc2010": [{"code": c, "title": titles2010.get(c, "")} for c in items[i].soc2010],
                "right_soc2020": [name(u) for u in sorted(truth[i])],
                "noshub_top3": [name(u) for u in ranked[:3]],
                "noshub_first_confidence": round(confidence, 3),
                "knn_top3": [name(u) for u in knn[i][:3]],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += not row["top3_right"]
    return written


def evaluate(args) -> dict:
    t0 = time.perf_counter()
    reference, items = load_data(args)
    from noshub.soc.coder import SocCoder
    from noshub.soc.data import labelled_from
    from noshub.soc.services import encoder as soc_encoder

    load_s = time.perf_counter() - t0
    encoder, base_encoder, tune = _encoders(args, soc_encoder)
    data_dir = Path(os.environ.get("NOSHUB_DATA_DIR", ROOT.parent / "shared" / "data"))
    rule, mapped = truth_tables(data_dir / "soc2020" / "ONS_SOC2010_SOC2020.xlsx")
    coded_items = [it for it in items if any(c in rule for c in it.soc2010)]
    labelled = labelled_from(coded_items, reference.crosswalk)
    assert len(labelled) == len(coded_items), "every NOS with a valid SOC 2010 code has labels"
    truth = [set().union(*(rule.get(c, set()) for c in it.soc2010)) for it in coded_items]
    truth_any = [set().union(*(mapped.get(c, set()) for c in it.soc2010)) for it in coded_items]
    n = len(labelled)
    k = 2 if args.quick else args.folds
    folds = held_out_folds(n, k)
    if args.tenth is not None:  # one tenth the five reported folds never hold out: for choosing settings
        if args.tenth < k:
            raise SystemExit(f"--tenth {args.tenth} is held out by one of the {k} reported folds: choose {k} to 9")
        folds, k = [held_out_folds(n, 10)[args.tenth]], 1
    result: dict = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "coded_nos": n,
        "standards": len(items),
        "folds": k,
        "held_out_per_fold": len(folds[0][1]),
        "semantic": encoder is not None,
        "tuned": bool(getattr(encoder, "tuned", False)),
        **({"fine_tune": tune} if tune else {}),
    }
    ours: dict[str, dict[int, tuple[list[str], float]]] = {"full": {}, "title": {}}
    knn: dict[str, dict[int, list[str]]] = {"full": {}, "title": {}}
    variants: dict[str, dict[str, dict[int, list[str]]]] = defaultdict(lambda: {"full": {}, "title": {}})
    reranking: dict[str, dict[int, list[str]]] = {"full": {}, "title": {}}
    #: the same folds coded by the coder with the base sentence model (`--compare-base`)
    base_model: dict[str, dict[int, list[str]]] = {"full": {}, "title": {}}
    ablation_folds = 0 if args.quick else min(args.ablation_folds, k)
    fit_seconds = []
    for fold, (train, test) in enumerate(folds):
        t = time.perf_counter()
        coder = SocCoder.fit(reference, [labelled[i] for i in train], encoder=encoder)
        fit_seconds.append(time.perf_counter() - t)
        coded = _code(coder, labelled, test)
        baseline = KnnBaseline([knn_text(labelled[i].nos) for i in train], [labelled[i].labels for i in train])
        for mode in ("full", "title"):
            texts = [knn_text(labelled[i].nos) if mode == "full" else labelled[i].nos.title for i in test]
            for i, got, kn in zip(test, coded[mode], baseline.rank(texts), strict=True):
                ours[mode][i] = got
                knn[mode][i] = kn
        print(
            f"fold {fold + 1}/{k}: {len(train)} coded NOS learnt from, {len(test)} held out, fit {fit_seconds[-1]:.1f}s",
            file=sys.stderr,
        )
        if base_encoder is not None:
            t = time.perf_counter()
            other = SocCoder.fit(reference, [labelled[i] for i in train], encoder=base_encoder)
            got = _code(other, labelled, test)
            del other
            for mode in ("full", "title"):
                for i, g in zip(test, got[mode], strict=True):
                    base_model[mode][i] = g[0]
            print(f"  fold {fold + 1}: the coder with the base sentence model {time.perf_counter() - t:.0f}s", file=sys.stderr)
        coder._co_right = None  # the same fit without the top-three re-ranking: every fold
        got = _code(coder, labelled, test)
        for mode in ("full", "title"):
            for i, g in zip(test, got[mode], strict=True):
                reranking[mode][i] = g[0]
        del coder
        gc.collect()

    result["fit_seconds_mean"] = sum(fit_seconds) / len(fit_seconds)
    result["settings"] = {}
    for mode in ("full", "title"):
        idx = sorted(ours[mode])
        t_issue = [truth[i] for i in idx]
        t_any = [truth_any[i] for i in idx]
        ranked = [ours[mode][i][0] for i in idx]
        conf = [ours[mode][i][1] for i in idx]
        right = [bool(r[:1] and r[0] in t) for r, t in zip(ranked, t_issue, strict=True)]
        bands = reliability(conf, right)
        result["settings"][mode] = {
            "noshub": _summary(ranked, t_issue, t_any),
            "knn": _summary([knn[mode][i] for i in idx], t_issue, t_any),
            "reliability": bands,
            "ece": ece(bands),
            "thresholds": [at_threshold(conf, right, t) for t in THRESHOLDS],
        }
        if base_model[mode]:
            result["settings"][mode]["base_model"] = _summary([base_model[mode][i] for i in idx], t_issue, t_any)
    result["full_top3_room"] = _top3_room(ours["full"], knn["full"], truth, labelled, folds)
    if args.rows:
        titles2010 = soc2010_titles(data_dir / "soc2020" / "ONS_SOC2010_SOC2020.xlsx")
        for mode in ("full", "title"):
            target = args.rows.with_name(f"{args.rows.stem}-{mode}{args.rows.suffix}")
            misses = write_rows(target, mode, ours[mode], knn[mode], truth, coded_items, labelled, reference.units, titles2010)
            print(f"{len(ours[mode])} {mode} rows ({misses} top-3 misses) written to {target}", file=sys.stderr)
    conf_all = [ours[m][i][1] for m in ("full", "title") for i in sorted(ours[m])]
    right_all = [bool(ours[m][i][0][:1] and ours[m][i][0][0] in truth[i]) for m in ("full", "title") for i in sorted(ours[m])]
    overall = reliability(conf_all, right_all)
    result["overall"] = {"ece": ece(overall), "thresholds": [at_threshold(conf_all, right_all, t) for t in THRESHOLDS]}
    # the top-three re-ranking, on every fold (the same fits without it)
    result["reranking"] = {}
    for mode in ("full", "title"):
        idx = sorted(ours[mode])
        tt = [truth[i] for i in idx]
        result["reranking"][mode] = {
            f"delta_top{kk}": top_k([ours[mode][i][0] for i in idx], tt, kk) - top_k([reranking[mode][i] for i in idx], tt, kk)
            for kk in (1, 3)
        }
    print(json.dumps({k: result[k] for k in ("settings", "overall", "reranking")}), file=sys.stderr)

    # the ablation, after the main table (which it does not change): each variant refitted
    for fold, (train, test) in enumerate(folds[:ablation_folds]):
        for name, left_out in (
            *FAMILIES,
            ("sentence vectors", ()),
            ("rank features", ("ranks",)),
            ("combiner (trees)", ("trees",)),
        ):
            if name == "sentence vectors" and encoder is None:
                continue
            if args.ablate and not any(a.lower() in name.lower() for a in args.ablate):
                continue
            t = time.perf_counter()
            variant = SocCoder.fit(
                reference,
                [labelled[i] for i in train],
                encoder=None if name == "sentence vectors" else encoder,
                without=frozenset(left_out),
            )
            got = _code(variant, labelled, test)
            del variant
            deltas = []
            for mode in ("full", "title"):
                for i, g in zip(test, got[mode], strict=True):
                    variants[name][mode][i] = g[0]
                tt = [truth[i] for i in test]
                for kk in (1, 3):
                    d = top_k([g[0] for g in got[mode]], tt, kk) - top_k([ours[mode][i][0] for i in test], tt, kk)
                    deltas.append(f"{mode} top-{kk} {100 * d:+.1f}")
            print(
                f"  ablation fold {fold + 1}: without {name} ({time.perf_counter() - t:.0f}s): " + ", ".join(deltas),
                file=sys.stderr,
            )
            gc.collect()

    if variants:
        abl_idx = sorted(next(iter(variants.values()))["full"])
        base = {
            mode: _summary([ours[mode][i][0] for i in abl_idx], [truth[i] for i in abl_idx], [truth_any[i] for i in abl_idx])
            for mode in ("full", "title")
        }
        rows = [{"without": "(nothing: the whole coder)", **{m: base[m] for m in base}}]
        for name, got in variants.items():
            row: dict = {"without": name}
            for mode in ("full", "title"):
                s = _summary([got[mode][i] for i in abl_idx], [truth[i] for i in abl_idx], [truth_any[i] for i in abl_idx])
                s["delta_top1"] = s["top1"] - base[mode]["top1"]
                s["delta_top3"] = s["top3"] - base[mode]["top3"]
                row[mode] = s
            # it earns its place when leaving it out costs >= 0.5 points somewhere
            row["earns_its_place"] = any(-row[m][d] >= 0.005 for m in ("full", "title") for d in ("delta_top1", "delta_top3"))
            rows.append(row)
        result["ablation"] = {"folds": ablation_folds, "held_out": len(abl_idx), "rows": rows}

    if args.speed:
        # Fit on every coded NOS, then code every standard's current version. The folds'
        # results are many live objects by now; a fresh `noshub soc code` has none, so they
        # are moved out of the garbage collector's sight instead of being traversed at each pass.
        gc.collect()
        gc.freeze()
        t = time.perf_counter()
        coder = SocCoder.fit(reference, labelled, encoder=encoder)
        fit_s = time.perf_counter() - t
        t = time.perf_counter()
        coder.suggest_many([it.text for it in items], top=3)
        code_s = time.perf_counter() - t
        t = time.perf_counter()
        baseline = KnnBaseline([knn_text(x.nos) for x in labelled], [x.labels for x in labelled])
        baseline.rank([knn_text(it.text) for it in items])
        knn_s = time.perf_counter() - t
        result["speed"] = {
            "read_from_database_seconds": round(load_s, 1),
            "fit_seconds": round(fit_s, 1),
            "code_catalogue_seconds": round(code_s, 1),
            "standards_coded": len(items),
            "total_seconds": round(fit_s + code_s, 1),
            "knn_baseline_seconds": round(knn_s, 1),
            "ratio_to_knn_baseline": round((fit_s + code_s) / knn_s, 2),
            "load_average": os.getloadavg()[0],
        }
    return result


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def print_text(r: dict) -> None:
    m = r["machine"]
    print(f"SOC 2020 coder quality — {m['platform']}, {m['cpus']} CPUs, Python {m['python']}")
    semantic = "with" if r.get("semantic") else "without"
    print(
        f"{r['coded_nos']} coded NOS of {r['standards']} standards; {r['folds']} folds of {r['held_out_per_fold']} "
        f"random held-out NOS (10%); {semantic} sentence vectors; fit {r['fit_seconds_mean']:.1f} s a fold\n"
    )
    print("Unit group top-1 / top-3, held-out NOS (issue rule: >= 5% in any ONS sample; 'any' rule: any mapped code)\n")
    compare = all("base_model" in s for s in r["settings"].values())
    extra = " NOS Hub, base sentence model (issue) |" if compare else ""
    print("| text | NOS Hub (issue) | kNN (issue) | NOS Hub (any) | kNN (any) |" + extra)
    print("|---|---|---|---|---|" + ("---|" if compare else ""))
    for mode, s in r["settings"].items():
        o, k = s["noshub"], s["knn"]
        b = s.get("base_model")
        print(
            f"| {mode} | {_pct(o['top1'])} / {_pct(o['top3'])} | {_pct(k['top1'])} / {_pct(k['top3'])} "
            f"| {_pct(o['any_top1'])} / {_pct(o['any_top3'])} | {_pct(k['any_top1'])} / {_pct(k['any_top3'])} |"
            + (f" {_pct(b['top1'])} / {_pct(b['top3'])} |" if b else "")
        )
    if r.get("fine_tune"):
        ft = r["fine_tune"]
        print(
            f"\nThe sentence model fine-tuned on the ONS reference: {ft['pairs']} pairs, "
            f"{ft['seconds']} s this run ({'trained' if ft['trained'] else 'weights read back'}), weights {ft['megabytes']} MB"
        )
    print("\nReliability of the first suggestion (issue rule): band: n, mean confidence → share right")
    for mode, s in r["settings"].items():
        print(f"  {mode} (ECE {s['ece']:.3f}):")
        for b in s["reliability"]:
            bar = "#" * round(40 * b["accuracy"])
            print(f"    {b['band']}: {b['n']:5d}, {b['confidence']:.3f} → {_pct(b['accuracy']):>6} {bar}")
        print(
            "    "
            + "; ".join(
                f">= {t['threshold']}: precision {_pct(t['precision'])}, coverage {_pct(t['coverage'])}" for t in s["thresholds"]
            )
        )
    o = r["overall"]
    print(
        f"  overall ECE {o['ece']:.3f}; "
        + "; ".join(
            f">= {t['threshold']}: precision {_pct(t['precision'])}, coverage {_pct(t['coverage'])}" for t in o["thresholds"]
        )
    )
    if "full_top3_room" in r:
        room = r["full_top3_room"]
        print(
            f"  full-record top-3 room: the kNN misses {room['knn_misses']} of {room['held_out']} held-out NOS; "
            f"2 points above it allows at most {room['misses_allowed_for_2_points']} misses; NOS Hub misses "
            f"{room['noshub_misses']}, {room['noshub_misses_contradicted_by_a_copy']} of them with a coded copy "
            "of the same text coded to none of the right groups"
        )
    if "reranking" in r:
        rr = r["reranking"]
        print(
            "  the top-three re-ranking adds (every fold): "
            + ", ".join(f"{m} top-{k} {100 * rr[m][f'delta_top{k}']:+.1f}" for m in ("full", "title") for k in (1, 3))
        )
    if "ablation" in r:
        a = r["ablation"]
        print(f"\nAblation ({a['folds']} folds, {a['held_out']} held-out NOS; issue rule; change against the whole coder)\n")
        print("| without | full top-1 | full top-3 | title top-1 | title top-3 | earns its place |")
        print("|---|---|---|---|---|---|")
        for row in a["rows"]:
            cells = []
            for mode in ("full", "title"):
                x = row[mode]
                for key in ("top1", "top3"):
                    d = x.get(f"delta_{key}")
                    cells.append(_pct(x[key]) + ("" if d is None else f" ({100 * d:+.1f})"))
            earns = "" if "earns_its_place" not in row else ("yes" if row["earns_its_place"] else "**no**")
            print(f"| {row['without']} | " + " | ".join(cells) + f" | {earns} |")
    if "speed" in r:
        sp = r["speed"]
        print(
            f"\nSpeed: fit {sp['fit_seconds']} s + code {sp['standards_coded']} standards {sp['code_catalogue_seconds']} s "
            f"= {sp['total_seconds']} s (load average {sp['load_average']:.1f}); the kNN baseline does the same in "
            f"{sp['knn_baseline_seconds']} s ({sp['ratio_to_knn_baseline']}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 folds, no ablation")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--tenth", type=int, help="hold out only this tenth of the coded NOS (5-9: never held out by the 5 folds): tuning"
    )
    parser.add_argument("--ablation-folds", type=int, default=2, help="folds the ablation refits on (0: none)")
    parser.add_argument(
        "--ablate", action="append", default=[], help="only the ablation rows whose name contains this (repeatable)"
    )
    parser.add_argument("--speed", action="store_true", help="also time fitting the coder and coding the catalogue")
    parser.add_argument("--no-semantic", action="store_true", help="without sentence vectors")
    parser.add_argument(
        "--compare-base",
        action="store_true",
        help="also fit each fold's coder with the base sentence model (when the coder reads the fine-tuned one)",
    )
    parser.add_argument(
        "--rows",
        type=Path,
        help="write every held-out NOS's suggestions to PATH-full.jsonl and PATH-title.jsonl (given PATH.jsonl), for a reader to judge the misses",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--use-db", action="store_true", help="read the configured database instead of loading a fresh one")
    parser.add_argument("--database", help="database URL (with --use-db)")
    args = parser.parse_args()
    if args.rows and not args.rows.parent.is_dir():  # said now, not after the folds' minutes of work
        parser.error(f"--rows {args.rows}: no folder {args.rows.parent} to write into")
    result = evaluate(args)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print_text(result)


if __name__ == "__main__":
    main()
