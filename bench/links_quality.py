"""Unit → NOS linking of qualification units, with the workbook unit codes hidden from the linker.

    .venv/bin/python bench/links_quality.py            # loads the real data into a temp SQLite once (or NOSHUB_DB)
    .venv/bin/python bench/links_quality.py --json

Units: every unit of the SQA structure files in qualifications-svq/ (each qualification once).
Truth: a unit's NOS is settled by its developer code when that code (exactly, or once
normalised) names exactly one standard; the title plays no part in the truth. The linker then
sees only the unit's title and its qualification (its other units' titles, its code and SCQF
level), never a unit code.

Printed, in one run, on the same units:

- NOS Hub (`noshub.qualifications.matcher`): TF-IDF of words and character n-grams, the
  qualification's other units as context (suite, developer, URN prefix of their matches);
  its context weights chosen on the other folds (5 folds of qualifications) with `--tune`;
- NOS Hub without context (the same scores, each unit alone);
- the baseline: TF-IDF of title words, top-1 cosine (the issue's ~89%).

Confidence: a logistic model of the match's features fitted on four folds of qualifications
and judged on the fifth (expected calibration error, Brier score, reliability by bins), and the
share of links a person would review (confidence < `REVIEW_BELOW`) with the precision of those
accepted without review. With codes present, as the service links: the share of units linked
and how (code, normalised code, title), and the links left for review.

Other standards systems (issue 23, item 5), in the same run (`noshub.frameworks`):

- IfATE standard → SOC 2020 unit group. Judged: the standards whose typical job titles (the
  `typicalJobTitles` and `jobRoles` fields) name one unit group unambiguously in the ONS coding
  index (every one of them found there is filed under that one unit group). The linker sees the
  standard without those fields (title, overview, duties, keywords): the coding index for its
  title and the SOC coder (fitted on NOS, never on IfATE) for its text. Baseline: the nearest
  coding-index title to the standard's title (character n-gram TF-IDF), the issue's ~46%.
- ESCO → O*NET on the crosswalk's rows (their O*NET codes resolved to O*NET 29.3), in 5
  random folds: the ranker (`noshub.core.occupations.ranker`) learns its ISCO-08 tables and its
  logistic model on four folds and ranks the fifth. Baseline: TF-IDF cosine of the whole text
  (the issue's ~47% / ~71%); peer: character n-grams of titles alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FOLDS = 5
GRID = [
    {"suite": s, "developer": d, "prefix": p, "legacy": 0.03, "level": lv}
    for s in (0.1, 0.2, 0.3)
    for d in (0.0, 0.05)
    for p in (0.1, 0.15, 0.25)
    for lv in (0.0, 0.05)
]


def _units(data_dir: Path):
    from noshub.core.readers import qualifications as reader
    from noshub.qualifications.matcher import UnitIn, svq_level

    units, seen = [], set()
    for path in reader.structure_files(data_dir / "qualifications-svq"):
        record = reader.read_structure(path)
        if record.key in seen:
            continue
        seen.add(record.key)
        level = svq_level(record.code, record.level)
        for u in record.units():
            units.append(UnitIn(len(units), record.key, u.title, u.code, level))
    return units


def _baseline(catalogue, units) -> dict[int, int | None]:
    """TF-IDF of title words, the top-1 cosine: the simple baseline."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True)
    matrix = vec.fit_transform([n.title for n in catalogue])
    sims = vec.transform([u.title for u in units]) @ matrix.T
    out = {}
    for i, u in enumerate(units):
        row = sims.getrow(i)
        out[u.ref] = catalogue[int(row.indices[np.argmax(row.data)])].standard_id if row.nnz else None
    return out


def _top1(pred: dict[int, int | None], truth: dict[int, int], refs=None) -> float:
    refs = list(truth) if refs is None else refs
    return sum(1 for r in refs if pred.get(r) == truth[r]) / max(len(refs), 1)


def _folds(units, k: int = FOLDS) -> list[set[str]]:
    quals = sorted({u.qualification for u in units})
    return [set(quals[i::k]) for i in range(k)]


def _ece(probs, correct, bins: int = 10) -> tuple[float, list[dict]]:
    table, total, err = [], len(probs), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not idx:
            continue
        conf = sum(probs[i] for i in idx) / len(idx)
        acc = sum(correct[i] for i in idx) / len(idx)
        err += len(idx) / total * abs(conf - acc)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(idx), "confidence": round(conf, 3), "accuracy": round(acc, 3)})
    return err, table


def run(tune: bool) -> dict:
    from benchdb import setup_loaded_database

    setup_loaded_database()
    from django.conf import settings

    from noshub.qualifications import matcher as M
    from noshub.qualifications.services import catalogue_for_matching

    started = time.time()
    catalogue = catalogue_for_matching()
    by_id = {n.standard_id: n for n in catalogue}
    m = M.Matcher(catalogue)
    units = _units(Path(settings.DATA_DIR))
    truth = {}
    for u in units:
        found = m.code_candidates(u.code)
        if len(found) == 1:
            truth[u.ref] = found[0].standard_id
    hidden = [M.UnitIn(u.ref, u.qualification, u.title, "", u.level) for u in units]
    folds = _folds(units)

    # The baseline and NOS Hub without context.
    base = _baseline(catalogue, hidden)
    alone = {x.ref: (x.nos.standard_id if x.nos else None) for x in m.link(hidden, use_codes=False, context=False)}

    # NOS Hub, weights chosen on the other folds (or the shipped weights), judged per held-out fold.
    default_weights = dict(m.weights)
    pred, feats, chosen = {}, {}, []
    grid_scores: dict[int, list[float]] = {}
    if tune:
        for gi, w in enumerate(GRID):
            m.weights = w
            res = {x.ref: x for x in m.link(hidden, use_codes=False)}
            grid_scores[gi] = res  # type: ignore[assignment]
    for fold in folds:
        if tune:
            train = [r for r in truth if units[r].qualification not in fold]
            best = max(
                range(len(GRID)),
                key=lambda gi: _top1(
                    {r: (x.nos.standard_id if x.nos else None) for r, x in grid_scores[gi].items()}, truth, train
                ),
            )
            chosen.append(GRID[best])
            res = grid_scores[best]
        else:
            m.weights = default_weights
            res = {x.ref: x for x in m.link(hidden, use_codes=False)}
        for u in units:
            if u.qualification in fold:
                x = res[u.ref]
                pred[u.ref] = x.nos.standard_id if x.nos else None
                feats[u.ref] = x.features
    m.weights = default_weights

    # Calibration: fitted on four folds, judged on the fifth.
    probs, correct, review, accepted_right, accepted = [], [], 0, 0, 0
    for fold in folds:
        train = [r for r in truth if units[r].qualification not in fold and feats.get(r)]
        test = [r for r in truth if units[r].qualification in fold]
        coef = M.fit_logistic([feats[r] for r in train], [int(pred[r] == truth[r]) for r in train])
        m.calibration = coef
        for r in test:
            p = m.confidence(feats[r]) if feats.get(r) else 0.0
            ok = int(pred.get(r) == truth[r])
            probs.append(p)
            correct.append(ok)
            if p < M.REVIEW_BELOW:
                review += 1
            else:
                accepted += 1
                accepted_right += ok
    ece, table = _ece(probs, correct)
    brier = sum((p - c) ** 2 for p, c in zip(probs, correct, strict=True)) / len(probs)

    # With the codes present, as the service links (calibration fitted on the code-settled units).
    m.calibration = None
    m.fit_calibration(units)
    live = m.link(units)
    methods = Counter(x.method or "none" for x in live)
    live_review = sum(
        1 for x in live if x.method not in ("code", "normalised code") and (x.nos is None or x.confidence < M.REVIEW_BELOW)
    )
    live_review += sum(1 for x in live if x.method in ("code", "normalised code") and x.confidence < M.REVIEW_BELOW)

    # Where the errors are: units whose code names a NOS with another title (the workbook's code
    # may be wrong: no title method can agree), and units whose title is held word for word by
    # more than one NOS (only the context can tell them apart).
    disagree = {r for r in truth if M.title_similarity(units[r].title, by_id[truth[r]].title) < 0.5}
    titles = Counter(M.clean_title(n.title).lower() for n in catalogue)
    twins = {r for r in truth if titles[M.clean_title(units[r].title).lower()] > 1}
    agreeing = [r for r in truth if r not in disagree]

    return {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "units": len(units),
        "qualifications": len({u.qualification for u in units}),
        "units_with_code": sum(1 for u in units if u.code),
        "judged_units": len(truth),
        "top1": {
            "noshub": round(_top1(pred, truth), 4),
            "noshub_without_context": round(_top1(alone, truth), 4),
            "baseline_tfidf_title": round(_top1(base, truth), 4),
        },
        "breakdown": {
            "code_names_other_title": len(disagree),
            "top1_where_code_and_title_agree": round(_top1(pred, truth, agreeing), 4),
            "baseline_where_code_and_title_agree": round(_top1(base, truth, agreeing), 4),
            "title_held_by_several_nos": len(twins),
            "top1_on_those": round(_top1(pred, truth, list(twins)), 4),
            "baseline_on_those": round(_top1(base, truth, list(twins)), 4),
        },
        "weights": chosen or [default_weights],
        "calibration_held_out": {
            "ece": round(ece, 4),
            "brier": round(brier, 4),
            "bins": table,
            "review_share": round(review / len(probs), 4),
            "accepted_precision": round(accepted_right / accepted, 4) if accepted else None,
        },
        "with_codes": {
            "linked_share": round(sum(1 for x in live if x.nos) / len(live), 4),
            "by_method": dict(methods),
            "links_for_review": live_review,
        },
        "seconds": round(time.time() - started, 1),
    }


def _topk(ranked: list[list[str]], truth: list[str], k: int) -> float:
    return sum(1 for r, t in zip(ranked, truth, strict=True) if t in r[:k]) / max(len(truth), 1)


def run_ifate_soc() -> dict:
    """IfATE standard → SOC 2020 unit group with the job-title fields hidden (see the docstring)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from noshub.core.occupations.soclink import combine
    from noshub.core.occupations.titles import TitleIndex
    from noshub.frameworks import building
    from noshub.soc.services import ready_coder

    started = time.time()
    ref = building.read_reference()
    entries = building.index_entries()
    index = TitleIndex((t, u) for t, u, _ in entries)
    units = building.unit_titles()
    judged = [(r, index.unambiguous(r.alt_titles)) for r in ref.ifate]
    judged = [(r, u) for r, u in judged if u]
    records = [r for r, _ in judged]
    truth = [u for _, u in judged]
    coder = ready_coder()
    if coder is None:
        raise SystemExit("The SOC coder is not fitted for this database: run `noshub soc fit` first.")
    text = building.coder_scores(coder, job_titles=False, top=10)(records)
    ours = [[s.unit for s in combine(r.title, [], t, index, units, top=5)] for r, t in zip(records, text, strict=True)]
    coder_only = [sorted(t, key=lambda u: -t[u]) for t in text]
    title_only = [[s.unit for s in combine(r.title, [], {}, index, units, top=5)] for r in records]
    # Baseline: the nearest coding-index title to the standard's title.
    titles = [t for t, _, _ in entries]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True).fit(titles)
    sims = vec.transform([r.title for r in records]) @ vec.transform(titles).T
    nearest = np.asarray(sims.argmax(axis=1)).ravel()
    base = [[entries[i][1]] for i in nearest]
    return {
        "standards": len(ref.ifate),
        "judged": len(records),
        "top1": {
            "NOS Hub (coding index + SOC coder)": round(_topk(ours, truth, 1), 4),
            "SOC coder alone": round(_topk(coder_only, truth, 1), 4),
            "coding index, title alone": round(_topk(title_only, truth, 1), 4),
            "baseline: nearest index title": round(_topk(base, truth, 1), 4),
        },
        "top3": {"NOS Hub (coding index + SOC coder)": round(_topk(ours, truth, 3), 4)},
        "seconds": round(time.time() - started, 1),
    }


def run_esco_onet() -> dict:
    """ESCO → O*NET on crosswalk rows held out in folds (see the docstring)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from noshub.core.occupations.ranker import OccupationRanker, _text, _titles
    from noshub.frameworks import building
    from noshub.frameworks.linking import crosswalk_answers

    started = time.time()
    ref = building.read_reference()
    answers, unresolved = crosswalk_answers(ref)
    by_uri = {e.uri: e for e in ref.esco}
    pairs = [(by_uri[u], a[0]) for u, a in sorted(answers.items()) if u in by_uri]
    queries = [q for q, _ in pairs]
    truth = [a for _, a in pairs]
    enc = building.encoder()
    if enc is not None:
        enc.progress = lambda done, total: print(f"  sentence vectors {done:,}/{total:,}", file=sys.stderr, flush=True)
    ranker = OccupationRanker(ref.onet, enc)
    fold = np.random.default_rng(23).integers(0, FOLDS, len(pairs))
    ours: list[list[str]] = [[] for _ in pairs]
    for f in range(FOLDS):
        train = np.flatnonzero(fold != f)
        test = np.flatnonzero(fold == f)
        ranker.fit([queries[i] for i in train], [truth[i] for i in train])
        for i, ranked in zip(test, ranker.rank([queries[i] for i in test], top=5), strict=True):
            ours[i] = [r.code for r in ranked]
        print(f"  ESCO → O*NET fold {f + 1}/{FOLDS}", file=sys.stderr, flush=True)
    codes = [o.code for o in ref.onet]

    def tfidf_rank(vec, q_texts, t_texts) -> list[list[str]]:
        vec.fit(t_texts + [_text(e) for e in ref.esco])
        sims = (vec.transform(q_texts) @ vec.transform(t_texts).T).toarray()
        return [[codes[j] for j in row] for row in np.argsort(-sims, axis=1, kind="stable")[:, :5]]

    base = tfidf_rank(
        TfidfVectorizer(sublinear_tf=True, stop_words="english"), [_text(q) for q in queries], [_text(o) for o in ref.onet]
    )
    chars = tfidf_rank(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True),
        [_titles(q) for q in queries],
        [_titles(o) for o in ref.onet],
    )
    return {
        "crosswalk_rows": len(ref.crosswalk),
        "judged": len(pairs),
        "unresolved_onet_codes": len(unresolved),
        "sentence_vectors": enc is not None,
        "NOS Hub ranker": {"top1": round(_topk(ours, truth, 1), 4), "top5": round(_topk(ours, truth, 5), 4)},
        "baseline: TF-IDF whole text": {"top1": round(_topk(base, truth, 1), 4), "top5": round(_topk(base, truth, 5), 4)},
        "peer: title character n-grams": {"top1": round(_topk(chars, truth, 1), 4), "top5": round(_topk(chars, truth, 5), 4)},
        "seconds": round(time.time() - started, 1),
    }


def print_frameworks(r: dict) -> None:
    i = r["ifate_soc"]
    print(
        f"IfATE standard → SOC 2020 unit group, job-title fields hidden: {i['judged']} of {i['standards']} standards judged "
        f"(their typical job titles name one unit group in the coding index)"
    )
    for name, value in i["top1"].items():
        print(f"  top-1 {name:<38} {value:.1%}")
    print(f"  top-3 NOS Hub {i['top3']['NOS Hub (coding index + SOC coder)']:.1%}   ({i['seconds']} s)")
    e = r["esco_onet"]
    print(
        f"ESCO → O*NET, crosswalk rows held out in {FOLDS} folds: {e['judged']} rows judged "
        f"({e['unresolved_onet_codes']} of {e['crosswalk_rows']} rows name an O*NET code not in O*NET 29.3; "
        f"sentence vectors {'on' if e['sentence_vectors'] else 'off'})"
    )
    for name in ("NOS Hub ranker", "baseline: TF-IDF whole text", "peer: title character n-grams"):
        print(f"  {name:<32} top-1 {e[name]['top1']:.1%}  top-5 {e[name]['top5']:.1%}")
    print(f"  ({e['seconds']} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tune", action="store_true", help="Choose the context weights on the other folds (a grid of 72).")
    parser.add_argument(
        "--only",
        choices=["units", "frameworks"],
        default=None,
        help="Only unit → NOS links, or only the other standards systems.",
    )
    args = parser.parse_args()
    r = run(args.tune) if args.only != "frameworks" else {}
    if args.only != "units":
        if not r:
            from benchdb import setup_loaded_database

            setup_loaded_database()
        r["frameworks"] = {"ifate_soc": run_ifate_soc(), "esco_onet": run_esco_onet()}
    if args.json:
        print(json.dumps(r, indent=2))
        return
    if args.only == "frameworks":
        print_frameworks(r["frameworks"])
        return
    print(
        f"Unit → NOS links, unit codes hidden: {r['judged_units']} units judged (of {r['units']} in {r['qualifications']} qualifications)"
    )
    for name, value in r["top1"].items():
        print(f"  top-1 {name:<26} {value:.1%}")
    b = r["breakdown"]
    print(
        f"  {b['code_names_other_title']} units' codes name a NOS with another title; where code and title agree: "
        f"NOS Hub {b['top1_where_code_and_title_agree']:.1%}, baseline {b['baseline_where_code_and_title_agree']:.1%}"
    )
    print(
        f"  {b['title_held_by_several_nos']} units' titles are held by several NOS: NOS Hub {b['top1_on_those']:.1%}, "
        f"baseline {b['baseline_on_those']:.1%}"
    )
    c = r["calibration_held_out"]
    print(
        f"Confidence (held-out folds): ECE {c['ece']:.3f}, Brier {c['brier']:.3f}; review {c['review_share']:.1%}, accepted precision {c['accepted_precision']:.1%}"
    )
    for b in c["bins"]:
        print(f"    {b['bin']}: n={b['n']:<5} confidence {b['confidence']:.2f} accuracy {b['accuracy']:.2f}")
    w = r["with_codes"]
    print(
        f"With codes present: {w['linked_share']:.1%} of units linked {w['by_method']}; {w['links_for_review']} links for review"
    )
    print(f"Weights: {r['weights']}")
    print(f"{r['seconds']} s on {r['machine']}")
    if "frameworks" in r:
        print_frameworks(r["frameworks"])


if __name__ == "__main__":
    main()
