"""How well NOS Hub's SOC 2020 coder codes NOS, against two baselines, and how fast it is.

    .venv/bin/python bench/soc_quality.py            # full run (5 folds per setting)
    .venv/bin/python bench/soc_quality.py --quick    # 2 folds, 1 in 4 held-out NOS scored, 60 titles for the peer
    .venv/bin/python bench/soc_quality.py --speed-only   # only the speed figure (fit + code the catalogue)
    .venv/bin/python bench/soc_quality.py --format json > bench/results/soc_quality.json

The data: the NOS that carry SOC 2010 codes in the 2019 catalogue (current version of each
standard). Their truth in SOC 2020 is their SOC 2010 codes mapped through the ONS
relationship table.

Rules of scoring (the same for NOS Hub and the baselines):

* **unit group, "any" rule (headline)**: a predicted SOC 2020 unit group is right when it is
  one of the unit groups that any of the NOS's SOC 2010 codes maps to (with a share above 0).
* **unit group, "main" rule (stricter)**: right only when it is the *main* successor (the
  largest share) of one of the NOS's SOC 2010 codes.
* **minor group**: right when it is the minor group (first three digits) of a truth unit
  group; the ranking of minor groups sums the scores of their unit groups.
* top-3: any of the first three is right.
* calibration: held-out NOS grouped by the confidence of the first suggestion; accuracy
  (any rule) per band.

Settings, each cross-validated (5 folds; `--quick`: 2):

* (a) *random NOS held out*: a random fifth of the coded NOS lose their codes; everything
  else (their suite-mates included) is known.
* (b) *whole suites held out*: suites are dealt into five folds; a fold tests the NOS whose
  suites all fall in it (the NOS of new suites) and learns only from NOS none of whose suites
  falls in it. (NOS that straddle folds are neither tested nor learnt from in that fold.)
  A fold's NOS are coded in one call, as `noshub soc code` codes a new suite: with the full
  record, each NOS reads its suite-mates' text (never their codes); a title alone has no suite.
* (b') *whole suites held out, reused NOS known* (`b_reused_known`): the same folds and the
  same NOS tested, but the NOS a new suite shares with older suites (9% of coded NOS) are
  learnt from, coded, as the database would hold them when the new suite arrives. The
  issue's own baseline figures for (b) (kNN full record 57% / 67%, title only 32% / 47%) are
  nearer this reading (here 54.3% / 71.0% and 32.8% / 46.3%) than the stricter one (46.3% /
  60.5% and 30.0% / 41.3%); neither reproduces all four.

Each with the full record (title, overview and criteria where the NOS has them, relevant
occupations, keywords, suites, developer) and with the title alone, as free text.

Baselines on the same folds:

1. `occupationcoder` (ONS Data Science Campus, PyPI 0.2.0): codes job titles to SOC 2010
   minor groups; run in its own environment (bench/occupationcoder_setup.sh) on a fixed
   sample of coded NOS titles and scored against the minor groups of their SOC 2010 codes.
   It learns nothing from the folds, so one run serves both settings.
2. TF-IDF nearest neighbours: cosine similarity of word TF-IDF vectors with the coded NOS of
   the training folds; the 10 nearest vote with their similarity; same query text as NOS Hub.

Speed: fitting the coder on every coded NOS, then coding every standard's current version;
and, as a yardstick for the machine's speed, the TF-IDF baseline doing the same (the ratio of
the two travels between machines where seconds do not).

NOS Hub's coder uses sentence vectors when the `semantic` extra is installed (its vectors are
cached under NOSHUB_CACHE_DIR, so the first run on a machine also embeds about 47,000 texts);
`NOSHUB_SEMANTIC=0` measures it with words only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OCC_VENV = Path(os.environ.get("OCCUPATIONCODER_VENV", "/tmp/noshub-occupationcoder-venv"))
BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001)
THRESHOLDS = (0.8, 0.9, 0.95)


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


# --------------------------------------------------------------------------- folds


def random_folds(n: int, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    parts = np.array_split(order, k)
    return [(np.setdiff1d(np.arange(n), p), np.sort(p)) for p in parts]


def suite_folds(
    suites: list[frozenset[str]], k: int, seed: int, reused_known: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Suites are dealt at random into k folds. Fold f tests the NOS whose suites are all in
    fold f (NOS of a new suite) and learns from the NOS none of whose suites is in fold f.
    A NOS whose suites straddle fold f and another fold is an old NOS reused by the new suite:
    by default it is neither tested nor learnt from in fold f; with `reused_known` it is learnt
    from, as the database would hold it, coded, when the new suite arrives."""
    rng = np.random.default_rng(seed)
    keyed = [ss if ss else frozenset({f"(no suite {i})"}) for i, ss in enumerate(suites)]
    distinct = sorted(set().union(*keyed))
    fold_of = {s: f % k for f, s in enumerate(rng.permutation(distinct))}
    out = []
    for f in range(k):
        test = np.array([i for i, ss in enumerate(keyed) if all(fold_of[s] == f for s in ss)])
        if reused_known:
            train = np.setdiff1d(np.arange(len(keyed)), test)
        else:
            train = np.array([i for i, ss in enumerate(keyed) if all(fold_of[s] != f for s in ss)])
        out.append((train, test))
    return out


# --------------------------------------------------------------------------- scoring


def score(ranked: list[list[str]], truth_any: list[set[str]], truth_main: list[set[str]], conf: list[float] | None) -> dict:
    n = len(ranked)
    top1 = sum(1 for r, t in zip(ranked, truth_any, strict=True) if r[:1] and r[0] in t) / n
    top3 = sum(1 for r, t in zip(ranked, truth_any, strict=True) if set(r[:3]) & t) / n
    main1 = sum(1 for r, t in zip(ranked, truth_main, strict=True) if r[:1] and r[0] in t) / n
    main3 = sum(1 for r, t in zip(ranked, truth_main, strict=True) if set(r[:3]) & t) / n
    out = {"n": n, "unit_top1": top1, "unit_top3": top3, "unit_main_top1": main1, "unit_main_top3": main3}
    if conf is not None:
        bands = []
        for lo, hi in zip(BANDS, BANDS[1:], strict=False):
            idx = [i for i, c in enumerate(conf) if lo <= c < hi]
            if idx:
                acc = sum(1 for i in idx if ranked[i][:1] and ranked[i][0] in truth_any[i]) / len(idx)
                mean_conf = sum(conf[i] for i in idx) / len(idx)
                bands.append(
                    {"band": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": len(idx), "mean_confidence": mean_conf, "accuracy": acc}
                )
        out["calibration"] = bands
        # what bulk acceptance at a threshold would take, and how often it would be right
        out["bulk"] = []
        for t in THRESHOLDS:
            idx = [i for i, c in enumerate(conf) if c >= t]
            acc = sum(1 for i in idx if ranked[i][:1] and ranked[i][0] in truth_any[i]) / len(idx) if idx else None
            out["bulk"].append({"threshold": t, "share": len(idx) / n, "accuracy": acc})
    return out


def score_minor(ranked_minor: list[list[str]], truth_minor: list[set[str]]) -> dict:
    n = len(ranked_minor)
    return {
        "minor_top1": sum(1 for r, t in zip(ranked_minor, truth_minor, strict=True) if r[:1] and r[0] in t) / n,
        "minor_top3": sum(1 for r, t in zip(ranked_minor, truth_minor, strict=True) if set(r[:3]) & t) / n,
    }


def minors_from(units: list[str], scores: list[float]) -> list[str]:
    acc: dict[str, float] = defaultdict(float)
    for u, s in zip(units, scores, strict=True):
        acc[u[:3]] += s
    return [m for m, _ in sorted(acc.items(), key=lambda kv: -kv[1])]


# --------------------------------------------------------------------------- baselines


class KnnBaseline:
    """TF-IDF nearest-neighbour vote over the coded NOS of the training folds."""

    def __init__(self, texts: list[str], labels: list[dict[str, float]], k: int = 10) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        self.X = self.vec.fit_transform(texts)
        self.labels = labels
        self.k = k

    def rank(self, texts: list[str]) -> list[tuple[list[str], list[float]]]:
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
                ranked = sorted(votes.items(), key=lambda kv: -kv[1])
                out.append(([u for u, _ in ranked], [s for _, s in ranked]))
        return out


def knn_text(nos) -> str:
    return " ".join(
        [nos.title, nos.overview, " ".join(nos.criteria), " ".join(nos.occupations), " ".join(nos.keywords), " ".join(nos.suites)]
    )


_OCC_RUNNER = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")
import nltk
# punkt data is not available offline: the Treebank tokenizer needs none.
nltk.word_tokenize = nltk.tokenize.TreebankWordTokenizer().tokenize
import pandas as pd
from occupationcoder.coder import coder
import occupationcoder.utilities.utilities as u
# pandas >= 1 reads the minor-group codes of mg_buckets as integers, while the titles
# dictionary is keyed by strings: make them agree, as under the pandas it was written for.
u.mg_buckets["SOC_code"] = u.mg_buckets["SOC_code"].astype(str)
titles = json.load(sys.stdin)
df = pd.DataFrame({"job_title": titles, "job_description": [""] * len(titles), "job_sector": [""] * len(titles)})
out = coder.Coder().codedataframe(df)
json.dump([str(x) for x in out["SOC_code"]], sys.stdout)
"""


def run_occupationcoder(titles: list[str]) -> tuple[list[str] | None, str, float]:
    python = OCC_VENV / "bin" / "python"
    if not python.exists():
        return None, f"not set up: {python} not found (run bash bench/occupationcoder_setup.sh)", 0.0
    env = dict(os.environ, NLTK_DATA=str(OCC_VENV / "nltk_data"), DASK_MULTIPROCESSING__CONTEXT="fork")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [str(python), "-c", _OCC_RUNNER],
            input=json.dumps(titles),
            capture_output=True,
            text=True,
            env=env,
            timeout=3600,
            cwd="/tmp",
        )
    except subprocess.TimeoutExpired:
        return None, "timed out after an hour", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return None, "failed: " + proc.stderr.strip().splitlines()[-1][:300], seconds
    return json.loads(proc.stdout), "ok", seconds


# --------------------------------------------------------------------------- the run


def evaluate(args) -> dict:
    t0 = time.perf_counter()
    reference, items = load_data(args)
    from noshub.soc.coder import CoderText, SocCoder
    from noshub.soc.data import labelled_from
    from noshub.soc.services import encoder as soc_encoder

    encoder = soc_encoder()  # sentence vectors when the semantic extra is installed

    load_s = time.perf_counter() - t0
    crosswalk = reference.crosswalk
    coded_items = [it for it in items if labelled_from([it], crosswalk)]
    labelled = labelled_from(coded_items, crosswalk)
    n = len(labelled)
    truth_any = [{u for u, w in x.labels.items() if w > 0} for x in labelled]
    truth_main = []
    for it in coded_items:
        truth_main.append({crosswalk[c][0][0] for c in it.soc2010 if c in crosswalk})  # rows are sorted by share
    truth_minor = [{u[:3] for u in t} for t in truth_any]
    suites = [frozenset(x.nos.suites) for x in labelled]
    k = 2 if args.quick else 5
    result: dict = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "coded_nos": n,
        "standards": len(items),
        "folds": k,
        "semantic": encoder is not None,
        "settings": {},
    }
    rng = np.random.default_rng(1)
    occ_sample = sorted(rng.choice(n, size=min(60 if args.quick else 300, n), replace=False).tolist())
    predictions: dict[tuple[str, str], dict[int, list[str]]] = defaultdict(dict)  # (setting, mode) → NOS → minors

    settings = (
        ("a_random_nos", random_folds(n, k, seed=7)),
        ("b_whole_suites", suite_folds(suites, k, seed=7)),
        ("b_reused_known", suite_folds(suites, k, seed=7, reused_known=True)),
    )
    for setting, folds in () if args.speed_only else settings:
        ranked: dict[str, dict] = {m: {"noshub": {}, "knn": {}} for m in ("full", "title")}
        fit_seconds = []
        for fold, (train, test) in enumerate(folds):
            if args.quick:
                test = test[::4]
            t = time.perf_counter()
            coder = SocCoder.fit(reference, [labelled[i] for i in train], encoder=encoder)
            fit_seconds.append(time.perf_counter() - t)
            knn = KnnBaseline([knn_text(labelled[i].nos) for i in train], [labelled[i].labels for i in train])
            for mode in ("full", "title"):
                queries = [labelled[i].nos if mode == "full" else CoderText.free_text(labelled[i].nos.title) for i in test]
                ours = coder.suggest_many(queries, top=20)
                theirs = knn.rank([knn_text(q) for q in queries])
                for i, sugg, kn in zip(test, ours, theirs, strict=True):
                    ranked[mode]["noshub"][i] = ([s.code for s in sugg], [s.confidence for s in sugg])
                    ranked[mode]["knn"][i] = kn
            print(
                f"{setting} fold {fold + 1}/{k}: {len(train)} train, {len(test)} test, fit {fit_seconds[-1]:.1f}s",
                file=sys.stderr,
            )
        out_setting = {}
        for mode in ("full", "title"):
            out_mode = {}
            for method in ("noshub", "knn"):
                got = ranked[mode][method]
                idx = sorted(got)
                units = [got[i][0] for i in idx]
                scores_ = [got[i][1] for i in idx]
                conf = [s[0] if s else 0.0 for s in scores_] if method == "noshub" else None
                res = score(units, [truth_any[i] for i in idx], [truth_main[i] for i in idx], conf)
                minors = [minors_from(u, s) for u, s in zip(units, scores_, strict=True)]
                res.update(score_minor(minors, [truth_minor[i] for i in idx]))
                out_mode[method] = res
                for i, m in zip(idx, minors, strict=True):
                    predictions[(setting, mode, method)][i] = m
            out_setting[mode] = out_mode
        out_setting["fit_seconds_mean"] = sum(fit_seconds) / len(fit_seconds)
        result["settings"][setting] = out_setting

    # The peer: occupationcoder on a fixed sample of titles, scored at SOC 2010 minor group.
    titles = [labelled[i].nos.title for i in occ_sample]
    codes, status, seconds = (None, "not run (--speed-only)", 0.0) if args.speed_only else run_occupationcoder(titles)
    peer: dict = {"sample": len(occ_sample), "status": status, "seconds": round(seconds, 1)}
    if codes is not None:
        truth2010 = [{c[:3] for c in coded_items[i].soc2010 if c in crosswalk} for i in occ_sample]
        peer["soc2010_minor_top1"] = sum(1 for c, t in zip(codes, truth2010, strict=True) if c[:3] in t) / len(codes)
        # the same titles, SOC 2020 minor group, NOS Hub title only (from the folds above)
        for setting in result["settings"]:
            got = predictions[(setting, "title", "noshub")]
            sample = [i for i in occ_sample if i in got]
            if sample:
                peer[f"noshub_title_{setting}_soc2020_minor_top1_same_titles"] = sum(
                    1 for i in sample if got[i][:1] and got[i][0] in truth_minor[i]
                ) / len(sample)
    result["occupationcoder"] = peer

    # Speed: fit on every coded NOS, then code every standard's current version. The folds'
    # results are a million live objects by now; a fresh `noshub soc code` has none, so they
    # are moved out of the garbage collector's sight instead of being traversed at each pass.
    gc.collect()
    gc.freeze()
    t = time.perf_counter()
    coder = SocCoder.fit(reference, labelled, encoder=encoder)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    coder.suggest_many([it.text for it in items], top=3)
    code_s = time.perf_counter() - t
    # the machine's speed matters: the TF-IDF baseline doing the same job on the same machine
    t = time.perf_counter()
    knn = KnnBaseline([knn_text(x.nos) for x in labelled], [x.labels for x in labelled])
    knn.rank([knn_text(it.text) for it in items])
    knn_s = time.perf_counter() - t
    result["speed"] = {
        "read_from_database_seconds": round(load_s, 1),
        "fit_seconds": round(fit_s, 1),
        "code_catalogue_seconds": round(code_s, 1),
        "standards_coded": len(items),
        "total_seconds": round(fit_s + code_s, 1),
        "knn_baseline_seconds": round(knn_s, 1),
        "ratio_to_knn_baseline": round((fit_s + code_s) / knn_s, 2),
    }
    return result


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def print_text(r: dict) -> None:
    m = r["machine"]
    print(f"SOC 2020 coder quality — {m['platform']}, {m['cpus']} CPUs, Python {m['python']}")
    semantic = "with" if r.get("semantic") else "without"
    print(
        f"{r['coded_nos']} coded NOS of {r['standards']} standards; {r['folds']} folds per setting; {semantic} sentence vectors\n"
    )
    print(
        f"{'setting':16} {'text':6} {'method':8} {'unit@1':>7} {'unit@3':>7} {'main@1':>7} {'main@3':>7} {'minor@1':>8} {'minor@3':>8}"
    )
    for setting, s in r["settings"].items():
        for mode in ("full", "title"):
            for method in ("noshub", "knn"):
                x = s[mode][method]
                print(
                    f"{setting:16} {mode:6} {method:8} {_pct(x['unit_top1']):>7} {_pct(x['unit_top3']):>7} "
                    f"{_pct(x['unit_main_top1']):>7} {_pct(x['unit_main_top3']):>7} {_pct(x['minor_top1']):>8} {_pct(x['minor_top3']):>8}"
                )
    print("\nCalibration of NOS Hub's first suggestion (confidence band: n, mean confidence, accuracy)")
    for setting, s in r["settings"].items():
        for mode in ("full", "title"):
            bands = "; ".join(
                f"{b['band']}: {b['n']}, {b['mean_confidence']:.2f}, {_pct(b['accuracy']).strip()}"
                for b in s[mode]["noshub"]["calibration"]
            )
            print(f"  {setting} {mode}: {bands}")
    print("\nBulk acceptance of first suggestions at a confidence threshold (share of NOS taken, accuracy among them)")
    for setting, s in r["settings"].items():
        for mode in ("full", "title"):
            bulk = "; ".join(
                f">= {b['threshold']}: {_pct(b['share']).strip()} taken, {_pct(b['accuracy']).strip() if b['accuracy'] is not None else '-'} right"
                for b in s[mode]["noshub"]["bulk"]
            )
            print(f"  {setting} {mode}: {bulk}")
    p = r["occupationcoder"]
    print(f"\noccupationcoder on {p['sample']} NOS titles: {p['status']} ({p['seconds']} s)")
    if "soc2010_minor_top1" in p:
        print(f"  SOC 2010 minor group right: {_pct(p['soc2010_minor_top1'])}")
        for key, value in p.items():
            if key.startswith("noshub_"):
                print(f"  {key}: {_pct(value)}")
    sp = r["speed"]
    print(
        f"\nSpeed: fit {sp['fit_seconds']} s + code {sp['standards_coded']} standards {sp['code_catalogue_seconds']} s "
        f"= {sp['total_seconds']} s (reading them from the database: {sp['read_from_database_seconds']} s)"
    )
    print(
        f"  the TF-IDF kNN baseline fits and codes the same standards in {sp['knn_baseline_seconds']} s: "
        f"NOS Hub takes {sp['ratio_to_knn_baseline']}x as long (a figure that travels between machines)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 folds, a quarter of the held-out NOS, 60 peer titles")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--speed-only", action="store_true", help="only fit the coder and code the catalogue, timed")
    parser.add_argument("--use-db", action="store_true", help="read the configured database instead of loading a fresh one")
    parser.add_argument("--database", help="database URL (with --use-db)")
    args = parser.parse_args()
    result = evaluate(args)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print_text(result)


if __name__ == "__main__":
    main()
