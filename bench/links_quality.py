"""Unit → NOS linking of qualification units, with the workbook unit codes hidden from the linker.

    .venv/bin/python bench/links_quality.py            # loads the real data into a temp SQLite once (or NOSHUB_DB)
    .venv/bin/python bench/links_quality.py --json

Units: every unit of the SQA structure files in qualifications-svq/ (each qualification once).
Truth: a unit's NOS is settled by its developer code when that code (exactly, or once
normalised) names exactly one standard; the title plays no part in the truth. The linker then
sees only the unit's title and its qualification (its other units' titles, its code, SCQF level
and date), never a unit code.

Printed, in one run, on the same units:

- NOS Hub (`noshub.qualifications.matcher`): TF-IDF of words and character n-grams gives
  candidates; a logistic ranking learnt on four folds of qualifications (`Matcher.fit_ranking`,
  what `noshub qualifications link` learns from every settled unit) weighs each candidate's
  title similarity, the qualification's other units as context (suite, developer, URN prefix,
  NOS-database batch), level and time (`matcher.time_features`: legacy at the qualification's
  date, entered the NOS database after it), judged on the fifth;
- peers: the same learnt without the time features (and without each feature alone), and with
  each reading of time tried before (`matcher.TIME_FORMS`: "flags", the first; "twice", a
  successor's late entry counted twice); the fixed context weights with legacy read at the
  qualification's date; the old linker (fixed weights, legacy today; `--tune` chooses its
  weights on the other folds); the scores without context;
- nested (the shipped reading of time was chosen after seeing held-out results): for each outer
  fold, the reading of time (`TIME_FORMS`) with the most units right on inner folds of its four
  training folds alone (learnt on three, judged on the fourth; the simplest among equals), then
  learnt on the four folds and judged on the fifth; printed with the reading each fold chose;
- the baseline: TF-IDF of title words, top-1 cosine (the issue's ~89%).

Confidence: a logistic model of the match's features fitted on four folds of qualifications
and judged on the fifth (expected calibration error, Brier score, reliability by bins), and the
share of links a person would review (confidence < `REVIEW_BELOW`) with the precision of those
accepted without review. With codes present, as the service links: the share of units linked
and how (code, normalised code, title), and the links left for review.

Other standards systems (issue 23, item 5), in the same run (`noshub.frameworks`; `--ablate`
also measures each linker without each of its signals; run with OMP_NUM_THREADS=1 on a busy
machine):

- IfATE standard → SOC 2020 unit group. Judged: the standards whose typical job titles (the
  `typicalJobTitles` and `jobRoles` fields) name one unit group unambiguously in the ONS coding
  index (every one of them found there is filed under that one unit group). The linker sees the
  standard without those fields (title, overview, duties, keywords): its evidence
  (`noshub.frameworks.building.soc_evidence`: the SOC coder, fitted on NOS, never on IfATE, on
  its text; sentence vectors of its title and overview) weighed by
  `noshub.core.occupations.socrank.EvidenceRanker` through `frameworks build`'s own functions
  (`noshub.frameworks.linking.fit_soc_ranker`, `ranked_soc_links`), fitted on four folds of the
  judged standards and on the standards outside the judged set whose job titles lean to one unit
  group (`linking.soc_labels`, the build's training standards), and judged on the fifth. Beside
  it, the same trained with the labels before one rule (50/50 ties broken by unit code) and with
  the standard's title counted as a job title (`linking.job_titles_lean`). Peers:
  the fixed weights `frameworks build` used before (`soclink.combine`), the SOC coder alone. Baseline: the nearest coding-index title to the
  standard's title (character n-gram TF-IDF), the issue's ~46%.
- ESCO → O*NET on the crosswalk's rows (their O*NET codes resolved to O*NET 29.3), in 5
  random folds: the ranker (`noshub.core.occupations.ranker`) learns its ISCO-08 tables and its
  logistic model on four folds and ranks the fifth; printed with how often the answer is among
  its candidates. Baseline: TF-IDF cosine of the whole text
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
#: The signal groups the ESCO → O*NET ablation leaves out one at a time.
ESCO_ABLATION = (
    ("isco4_soc", "isco4_minor", "isco3_minor"),
    ("isco4", "isco3"),
    ("vec_title", "vec_text", "vec_tasks"),
    ("shared_titles",),
    ("title_chars", "title_words"),
)
GRID = [
    {"suite": s, "developer": d, "prefix": p, "legacy": 0.03, "level": lv}
    for s in (0.1, 0.2, 0.3)
    for d in (0.0, 0.05)
    for p in (0.1, 0.15, 0.25)
    for lv in (0.0, 0.05)
]


def _units(data_dir: Path, dates: dict[str, object] | None = None):
    """Every unit of the structure files; `dates`: qualification key → its date as the service
    sees it (`matcher.qualification_date` of the loaded qualification, which the listing may
    have completed), else the structure file's own."""
    from noshub.core.readers import qualifications as reader
    from noshub.qualifications.matcher import UnitIn, qualification_date, svq_level

    units, seen = [], set()
    for path in reader.structure_files(data_dir / "qualifications-svq"):
        record = reader.read_structure(path)
        if record.key in seen:
            continue
        seen.add(record.key)
        level = svq_level(record.code, record.level)
        when = (dates or {}).get(record.key) or qualification_date(record.structure_approved, record.accredited_from)
        for u in record.units():
            units.append(UnitIn(len(units), record.key, u.title, u.code, level, when))
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


def _calibration(m, folds, units, truth, pred, feats) -> dict:
    """The confidence model fitted on four folds' links, judged on the fifth's."""
    from noshub.qualifications import matcher as M

    probs, correct, review, accepted_right, accepted = [], [], 0, 0, 0
    for fold in folds:
        train = [r for r in truth if units[r].qualification not in fold and feats.get(r)]
        test = [r for r in truth if units[r].qualification in fold]
        m.calibration = M.fit_logistic([feats[r] for r in train], [int(pred[r] == truth[r]) for r in train])
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
    m.calibration = None
    ece, table = _ece(probs, correct)
    return {
        "ece": round(ece, 4),
        "brier": round(sum((p - c) ** 2 for p, c in zip(probs, correct, strict=True)) / len(probs), 4),
        "bins": table,
        "review_share": round(review / len(probs), 4),
        "accepted_precision": round(accepted_right / accepted, 4) if accepted else None,
    }


def _time_breakdown(units, truth, pred, old, by_id) -> dict:
    """Where the qualification's date changes a NOS's status (`matcher.time_features`: legacy
    then is not legacy today) for the right NOS or for the old linker's wrong choice, and how
    each linker does there."""
    from noshub.qualifications.matcher import time_features

    def changes(nos, when) -> bool:
        return time_features(nos, when)["legacy_then"] != float(nos.legacy)

    spoke = [
        r
        for r, t in truth.items()
        if changes(by_id[t], units[r].when) or (old.get(r) not in (None, t) and changes(by_id[old[r]], units[r].when))
    ]
    return {
        "units_where_time_speaks": len(spoke),
        "noshub_right": sum(pred.get(r) == truth[r] for r in spoke),
        "old_right": sum(old.get(r) == truth[r] for r in spoke),
        "changed": [
            {
                "unit": units[r].title,
                "qualification": units[r].qualification,
                "truth": by_id[truth[r]].urn_key,
                "old": by_id[old[r]].urn_key if old.get(r) else None,
                "noshub": by_id[pred[r]].urn_key if pred.get(r) else None,
            }
            for r in truth
            if pred.get(r) != old.get(r)
        ],
    }


def run(tune: bool) -> dict:
    from benchdb import setup_loaded_database

    setup_loaded_database()
    from django.conf import settings

    from noshub.qualifications import matcher as M
    from noshub.qualifications.models import Qualification
    from noshub.qualifications.services import catalogue_for_matching

    started = time.time()
    catalogue = catalogue_for_matching()
    by_id = {n.standard_id: n for n in catalogue}
    m = M.Matcher(catalogue)
    dates = {q.key: M.qualification_date(q.structure_approved, q.accredited_from) for q in Qualification.objects.all()}
    units = _units(Path(settings.DATA_DIR), dates)
    truth = {}
    for u in units:
        found = m.code_candidates(u.code)
        if len(found) == 1:
            truth[u.ref] = found[0].standard_id
    hidden = [M.UnitIn(u.ref, u.qualification, u.title, "", u.level, u.when) for u in units]
    folds = _folds(units)

    # The baseline and NOS Hub without context.
    base = _baseline(catalogue, hidden)
    alone = {x.ref: (x.nos.standard_id if x.nos else None) for x in m.link(hidden, use_codes=False, context=False)}

    def learnt(use) -> tuple[dict[int, int | None], dict[int, tuple], list]:
        """The learnt ranking (`Matcher.fit_ranking`, what `link_units` does) weighing `use`,
        fitted on four folds' code-settled units (their codes hidden) and judged on the fifth."""
        out, feats, coefs = {}, {}, []
        for fold in folds:
            train = {r: t for r, t in truth.items() if units[r].qualification not in fold}
            m.fit_ranking(hidden, train, use)
            coefs.append(dict(zip(("intercept", *m.ranking[0]), (round(c, 2) for c in m.ranking[1]), strict=True)))
            for x in m.link(hidden, use_codes=False):
                if units[x.ref].qualification in fold:
                    out[x.ref] = x.nos.standard_id if x.nos else None
                    feats[x.ref] = x.features
        m.ranking = None
        return out, feats, coefs

    def fixed(dated: bool) -> tuple[dict[int, int | None], dict[int, tuple], list]:
        """The fixed context weights (the shipped ones, or chosen on the other folds with
        --tune), legacy read at the qualification's date (`dated`, NOS Hub) or today (the old
        linker)."""
        m.dated = dated
        out, feats, chosen = {}, {}, []
        default_weights = dict(m.weights)
        grid_scores: dict[int, dict] = {}
        if tune:
            for gi, w in enumerate(GRID):
                m.weights = w
                grid_scores[gi] = {x.ref: x for x in m.link(hidden, use_codes=False)}
        else:
            shipped = {x.ref: x for x in m.link(hidden, use_codes=False)}
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
                res = shipped
            for u in units:
                if u.qualification in fold:
                    x = res[u.ref]
                    out[u.ref] = x.nos.standard_id if x.nos else None
                    feats[u.ref] = x.features
        m.weights = default_weights
        m.dated = True
        return out, feats, chosen or [default_weights]

    def nested() -> tuple[dict[int, int | None], list[dict]]:
        """The reading of time (`matcher.TIME_FORMS`) chosen for each outer fold by inner
        cross-validation on its four training folds alone (each inner fold's units ranked by the
        ranking learnt on the other three; the most right wins, the simplest among equals), then
        learnt on the four folds and judged on the held-out fifth."""
        out, chosen = {}, []
        for fold in folds:
            outer = sorted({u.qualification for u in units if u.qualification not in fold})
            inner = [set(outer[i :: FOLDS - 1]) for i in range(FOLDS - 1)]
            right = {}
            for form in M.TIME_FORMS:
                right[form] = 0
                for g in inner:
                    rest = set(outer) - g
                    train = {r: t for r, t in truth.items() if units[r].qualification in rest}
                    m.fit_ranking([u for u in hidden if u.qualification in rest], train, M.ranked_on(form))
                    for x in m.link([u for u in hidden if u.qualification in g], use_codes=False):
                        right[form] += x.ref in truth and x.nos is not None and x.nos.standard_id == truth[x.ref]
            best = max(M.TIME_FORMS, key=lambda form: right[form])  # the first (simplest) among equals
            chosen.append(
                {"chosen": best, "inner_right": right, "inner_judged": sum(units[r].qualification in outer for r in truth)}
            )
            train = {r: t for r, t in truth.items() if units[r].qualification not in fold}
            m.fit_ranking([u for u in hidden if u.qualification not in fold], train, M.ranked_on(best))
            for x in m.link([u for u in hidden if u.qualification in fold], use_codes=False):
                out[x.ref] = x.nos.standard_id if x.nos else None
        m.ranking = None
        return out, chosen

    # NOS Hub, as `noshub qualifications link` links: the ranking learnt from every feature, time
    # and batch included (`matcher.RANKED_ON`). Peers: the same learnt without the time features
    # and with each other reading of time (`matcher.TIME_FORMS`); the reading chosen on training
    # folds alone (`nested`); the fixed weights with legacy read at the qualification's date; the
    # old linker (fixed weights, legacy today).
    pred, feats, coefs = learnt(M.RANKED_ON)
    by_form = {form: pred if form == M.TIME_FORM else learnt(M.ranked_on(form))[0] for form in M.TIME_FORMS}
    peers = {"learnt ranking, without time": by_form["none"]}
    nested_pred, nested_choice = nested()
    peers["learnt, time chosen on training folds"] = nested_pred
    for form in M.TIME_FORMS:
        if form not in ("none", M.TIME_FORM):
            peers[f"learnt ranking, time read {form!r}"] = by_form[form]
    for fold, c in zip(folds, nested_choice, strict=True):  # what each reading got on the held-out fold
        tested = [r for r in truth if units[r].qualification in fold]
        c["held_out_right"] = {form: sum(p.get(r) == truth[r] for r in tested) for form, p in by_form.items()}
        c["held_out_judged"] = len(tested)
    for name in ("later", "legacy_then", "batch"):
        use = [f for f in M.RANKED_ON if f != name] + (["legacy"] if name == "legacy_then" else [])
        peers[f"learnt ranking, without {name}"] = learnt(use)[0]
    peers["fixed weights, legacy at the date"], _, chosen = fixed(dated=True)
    old, old_feats, _ = fixed(dated=False)

    # Calibration: fitted on four folds, judged on the fifth (NOS Hub's, and the old linker's).
    calibration = _calibration(m, folds, units, truth, pred, feats)
    old_calibration = _calibration(m, folds, units, truth, old, old_feats)

    # With the codes present, as the service links (`Matcher.fit`, then `link`).
    m.calibration = None
    ranked_on, calibrated_on = m.fit(units)
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
            "old linker (legacy today)": round(_top1(old, truth), 4),
            **{name: round(_top1(p, truth), 4) for name, p in peers.items()},
            "noshub_without_context": round(_top1(alone, truth), 4),
            "baseline_tfidf_title": round(_top1(base, truth), 4),
        },
        "right": {
            "noshub": sum(pred.get(r) == t for r, t in truth.items()),
            "nested": sum(nested_pred.get(r) == t for r, t in truth.items()),
            "old": sum(old.get(r) == t for r, t in truth.items()),
        },
        "time": _time_breakdown(units, truth, pred, old, by_id),
        "time_form_shipped": M.TIME_FORM,
        "time_form_chosen_per_fold": nested_choice,
        "ranking_coefficients": coefs,
        "breakdown": {
            "code_names_other_title": len(disagree),
            "top1_where_code_and_title_agree": round(_top1(pred, truth, agreeing), 4),
            "baseline_where_code_and_title_agree": round(_top1(base, truth, agreeing), 4),
            "title_held_by_several_nos": len(twins),
            "top1_on_those": round(_top1(pred, truth, list(twins)), 4),
            "baseline_on_those": round(_top1(base, truth, list(twins)), 4),
        },
        "weights": chosen,
        "calibration_held_out": calibration,
        "old_calibration_held_out": old_calibration,
        "with_codes": {
            "linked_share": round(sum(1 for x in live if x.nos) / len(live), 4),
            "by_method": dict(methods),
            "links_for_review": live_review,
            "ranking_learnt_on": ranked_on,
            "calibrated_on": calibrated_on,
        },
        "seconds": round(time.time() - started, 1),
    }


def _topk(ranked: list[list[str]], truth: list[str], k: int) -> float:
    return sum(1 for r, t in zip(ranked, truth, strict=True) if t in r[:k]) / max(len(truth), 1)


def run_ifate_soc(ablate: bool = False) -> dict:
    """IfATE standard → SOC 2020 unit group with the job-title fields hidden (see the docstring).

    NOS Hub is `frameworks build`'s own code (`linking.soc_labels`, `fit_soc_ranker`,
    `ranked_soc_links` on `building.soc_evidence`), its training standards less the held-out fold."""
    import dataclasses

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from noshub.core.occupations.soclink import combine
    from noshub.core.occupations.titles import TitleIndex
    from noshub.frameworks import building
    from noshub.frameworks.linking import (
        IFATE_EVIDENCE,
        LABEL_SHARE,
        fit_soc_ranker,
        job_titles_lean,
        ranked_soc_links,
        soc_labels,
    )
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
    fixed = [[s.unit for s in combine(r.title, [], t, index, units, top=5)] for r, t in zip(records, text, strict=True)]
    coder_only = [sorted(t, key=lambda u: -t[u]) for t in text]
    title_only = [[s.unit for s in combine(r.title, [], {}, index, units, top=5)] for r in records]

    # Every standard's evidence with its job titles hidden, as `frameworks build` computes it.
    # The judged standards are ranked in folds by the model the build fits, fitted here on the
    # other folds' judged standards and on every standard outside the judged set whose job
    # titles lean to one unit group (the build's labels; those job titles are never evidence).
    semantic = building.semantic_soc(entries)
    evidence = building.soc_evidence(ref.ifate, index, entries, coder, semantic, job_titles=False)
    at = {r.code: i for i, r in enumerate(ref.ifate)}
    judged_at = {at[r.code] for r in records}
    labels = soc_labels(ref.ifate, index)
    assert all(labels.get(at[r.code]) == u for r, u in judged)  # the build's labels agree with the judged truth
    extra = [(i, u) for i, u in sorted(labels.items()) if i not in judged_at]
    names = list(evidence[0])
    fold = np.arange(len(records)) % FOLDS
    np.random.default_rng(23).shuffle(fold)

    def build_ranked(ranker, rows) -> list[list[str]]:
        """The unit groups `ranked_soc_links` gives the records at `rows`, best first."""
        links = ranked_soc_links("ifate", [ref.ifate[i] for i in rows], [evidence[i] for i in rows], ranker, index, units, top=5)
        out: dict[str, list[str]] = {}
        for link in links:
            out.setdefault(link.code, []).append(link.target_code)
        return [out.get(ref.ifate[i].code, []) for i in rows]

    def chosen(options: list[list[str]], inner: np.ndarray, outside: list) -> list[str]:
        """The evidence set with the best top-1 over inner folds of the training standards alone."""

        def score(use: list[str]) -> int:
            right = 0
            for g in range(FOLDS - 1):
                test = set(inner[g :: FOLDS - 1].tolist())
                train = [(at[records[i].code], truth[i]) for i in inner if i not in test]
                model = fit_soc_ranker(evidence, train + outside, use)
                right += sum(model.rank(evidence[at[records[i].code]], top=1)[0].unit == truth[i] for i in test)
            return right

        return max(options, key=score)  # the first (fewest evidence) among equals

    def held_out(
        use=IFATE_EVIDENCE, learner: str = "logistic", outside: bool = True, options: list[list[str]] = (), others=None
    ) -> list[list[str]]:
        others = extra if others is None else others
        ranked: list[list[str]] = [[] for _ in records]
        for f in range(FOLDS):
            inner = np.flatnonzero(fold != f)
            if options:
                use = chosen(list(options), inner, others if outside else [])
                picked.append(use)
            train = [(at[records[i].code], truth[i]) for i in inner] + (others if outside else [])
            model = fit_soc_ranker(evidence, train, use, learner)
            test = np.flatnonzero(fold == f)
            for i, r in zip(test, build_ranked(model, [at[records[i].code] for i in test]), strict=True):
                ranked[i] = r
        return ranked

    picked: list[list[str]] = []
    ours = held_out()
    # The labels before one rule (`linking.job_titles_lean`): job titles only, 50/50 ties broken
    # by the higher unit code; the same judged standards and folds.
    tie_broken = []
    for i, r in enumerate(ref.ifate):
        votes = index.votes(list(r.alt_titles))
        unit, top = max(votes.items(), key=lambda kv: (kv[1], kv[0])) if votes else ("", 0.0)
        if top >= LABEL_SHARE and i not in judged_at:
            tie_broken.append((i, unit))
    before = held_out(others=tie_broken)
    # The one rule with the standard's title counted as a job title (not shipped: see
    # `job_titles_lean`); the judged standards keep their truth.
    titled = [
        (i, lean[0])
        for i, r in enumerate(ref.ifate)
        if i not in judged_at and (lean := job_titles_lean(dataclasses.replace(r, alt_titles=(r.title, *r.alt_titles)), index))
    ]
    with_title = held_out(others=titled)
    ablation = {}
    if ablate:
        optional = [n for n in names if n not in IFATE_EVIDENCE]
        ablation["one more evidence chosen per fold by inner folds"] = held_out(
            options=[list(IFATE_EVIDENCE)] + [[*IFATE_EVIDENCE, n] for n in optional]
        )
        ablation["every evidence"] = held_out(names)
        ablation["trained on the judged folds only"] = held_out(outside=False)
        ablation["gradient boosting instead of logistic"] = held_out(learner="boosting")
        for name in names:
            if name in IFATE_EVIDENCE:
                ablation[f"without {name}"] = held_out([n for n in IFATE_EVIDENCE if n != name])
            else:
                ablation[f"with {name}"] = held_out([*IFATE_EVIDENCE, name])
    # Baseline: the nearest coding-index title to the standard's title.
    titles = [t for t, _, _ in entries]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True).fit(titles)
    sims = vec.transform([r.title for r in records]) @ vec.transform(titles).T
    nearest = np.asarray(sims.argmax(axis=1)).ravel()
    base = [[entries[i][1]] for i in nearest]
    reach = sum(
        t in {u for name in IFATE_EVIDENCE for u in evidence[at[r.code]].get(name, {})}
        for r, t in zip(records, truth, strict=True)
    )
    return {
        "standards": len(ref.ifate),
        "judged": len(records),
        "trained_outside_judged": len(extra),
        "evidence": list(IFATE_EVIDENCE),
        "evidence_chosen_per_fold": [[n for n in use if n not in IFATE_EVIDENCE] for use in picked],
        "answer_among_candidates": round(reach / len(records), 4),
        "top1": {
            "NOS Hub (frameworks build, held out)": round(_topk(ours, truth, 1), 4),
            "labels with ties broken by unit code": round(_topk(before, truth, 1), 4),
            "labels counting the standard's title": round(_topk(with_title, truth, 1), 4),
            "fixed weights (coding index + SOC coder)": round(_topk(fixed, truth, 1), 4),
            "SOC coder alone": round(_topk(coder_only, truth, 1), 4),
            "coding index, title alone": round(_topk(title_only, truth, 1), 4),
            "baseline: nearest index title": round(_topk(base, truth, 1), 4),
        },
        "top3": {
            "NOS Hub (frameworks build, held out)": round(_topk(ours, truth, 3), 4),
            "labels with ties broken by unit code": round(_topk(before, truth, 3), 4),
        },
        "trained_outside_judged_with_ties_broken": len(tie_broken),
        "trained_outside_judged_counting_the_title": len(titled),
        "ablation": {
            name: {"top1": round(_topk(r, truth, 1), 4), "top3": round(_topk(r, truth, 3), 4)} for name, r in ablation.items()
        },
        "seconds": round(time.time() - started, 1),
    }


def run_esco_onet(ablate: bool = False) -> dict:
    """ESCO → O*NET on crosswalk rows held out in folds (see the docstring)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from noshub.core.occupations.ranker import CANDIDATES, FEATURES, OccupationRanker, _text, _titles
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
    fold = np.random.default_rng(23).integers(0, FOLDS, len(pairs))
    ranker = OccupationRanker(ref.onet, enc, remember=True)

    def held_out(without: tuple[str, ...] = (), ceiling: bool = False):
        """Each row ranked by a ranker fitted on the other folds (and whether its answer is
        among the candidates the ranker scores)."""
        ranker.without = [FEATURES.index(name) for name in without]
        ranked: list[list[str]] = [[] for _ in pairs]
        reached = 0
        for f in range(FOLDS):
            train = np.flatnonzero(fold != f)
            test = np.flatnonzero(fold == f)
            ranker.fit([queries[i] for i in train], [truth[i] for i in train])
            tested = [queries[i] for i in test]
            for i, r in zip(test, ranker.rank(tested, top=5), strict=True):
                ranked[i] = [x.code for x in r]
            if ceiling:
                reached += sum(truth[i] in c for i, c in zip(test, ranker.candidate_codes(tested), strict=True))
            print(f"  ESCO → O*NET without {without or '-'}: fold {f + 1}/{FOLDS}", file=sys.stderr, flush=True)
        return ranked, reached / len(pairs)

    ours, ceiling = held_out(ceiling=True)
    ablation = {}
    if ablate:
        for group in ESCO_ABLATION:
            ablation[f"without {', '.join(group)}"] = held_out(without=group)
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
        "answer_among_candidates": round(ceiling, 4),
        "candidates": CANDIDATES,
        "ablation": {
            name: {"top1": round(_topk(r, truth, 1), 4), "top5": round(_topk(r, truth, 5), 4)}
            for name, (r, _) in ablation.items()
        },
        "baseline: TF-IDF whole text": {"top1": round(_topk(base, truth, 1), 4), "top5": round(_topk(base, truth, 5), 4)},
        "peer: title character n-grams": {"top1": round(_topk(chars, truth, 1), 4), "top5": round(_topk(chars, truth, 5), 4)},
        "seconds": round(time.time() - started, 1),
    }


def print_frameworks(r: dict) -> None:
    if r["ifate_soc"]:
        print_ifate(r["ifate_soc"])
    if r["esco_onet"]:
        print_esco(r["esco_onet"])


def print_ifate(i: dict) -> None:
    print(
        f"IfATE standard → SOC 2020 unit group, job-title fields hidden: {i['judged']} of {i['standards']} standards judged "
        f"(their typical job titles name one unit group in the coding index)"
    )
    for name, value in i["top1"].items():
        print(f"  top-1 {name:<42} {value:.1%}")
    print(
        f"  top-3 NOS Hub {i['top3']['NOS Hub (frameworks build, held out)']:.1%} (labels with ties broken by unit code "
        f"{i['top3']['labels with ties broken by unit code']:.1%}, {i['trained_outside_judged_with_ties_broken']} standards "
        f"outside the judged set; counting the title {i['trained_outside_judged_counting_the_title']}); the answer is among the candidates "
        f"for {i['answer_among_candidates']:.1%}; {i['trained_outside_judged']} standards outside the judged set also "
        f"trained on ({i['seconds']} s)"
    )
    if i["evidence_chosen_per_fold"]:
        print(f"  evidence added on each fold (chosen on its training standards): {i['evidence_chosen_per_fold']}")
    for name, v in i["ablation"].items():
        print(f"    ablation: {name:<44} top-1 {v['top1']:.1%}  top-3 {v['top3']:.1%}")


def print_esco(e: dict) -> None:
    print(
        f"ESCO → O*NET, crosswalk rows held out in {FOLDS} folds: {e['judged']} rows judged "
        f"({e['unresolved_onet_codes']} of {e['crosswalk_rows']} rows name an O*NET code not in O*NET 29.3; "
        f"sentence vectors {'on' if e['sentence_vectors'] else 'off'})"
    )
    for name in ("NOS Hub ranker", "baseline: TF-IDF whole text", "peer: title character n-grams"):
        print(f"  {name:<32} top-1 {e[name]['top1']:.1%}  top-5 {e[name]['top5']:.1%}")
    print(f"  the answer is among the ranker's {e['candidates']} candidates for {e['answer_among_candidates']:.1%} of rows")
    for name, v in e["ablation"].items():
        print(f"    ablation: {name:<44} top-1 {v['top1']:.1%}  top-5 {v['top5']:.1%}")
    print(f"  ({e['seconds']} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tune", action="store_true", help="Choose the context weights on the other folds (a grid of 72).")
    parser.add_argument("--ablate", action="store_true", help="Also measure each framework linker without each of its signals.")
    parser.add_argument(
        "--only",
        choices=["units", "frameworks", "ifate", "esco"],
        default=None,
        help="Only unit → NOS links, or only the other standards systems (or one of their two parts).",
    )
    args = parser.parse_args()
    r = run(args.tune) if args.only in (None, "units") else {}
    if args.only != "units":
        if not r:
            from benchdb import setup_loaded_database

            setup_loaded_database()
        r["frameworks"] = {
            "ifate_soc": run_ifate_soc(args.ablate) if args.only != "esco" else None,
            "esco_onet": run_esco_onet(args.ablate) if args.only != "ifate" else None,
        }
    if args.json:
        print(json.dumps(r, indent=2))
        return
    if args.only != "units" and args.only is not None:
        print_frameworks(r["frameworks"])
        return
    print(
        f"Unit → NOS links, unit codes hidden: {r['judged_units']} units judged (of {r['units']} in {r['qualifications']} qualifications)"
    )
    for name, value in r["top1"].items():
        print(f"  top-1 {name:<40} {value:.1%}")
    b = r["breakdown"]
    print(
        f"  {b['code_names_other_title']} units' codes name a NOS with another title; where code and title agree: "
        f"NOS Hub {b['top1_where_code_and_title_agree']:.1%}, baseline {b['baseline_where_code_and_title_agree']:.1%}"
    )
    print(
        f"  {b['title_held_by_several_nos']} units' titles are held by several NOS: NOS Hub {b['top1_on_those']:.1%}, "
        f"baseline {b['baseline_on_those']:.1%}"
    )
    print(
        f"  right: NOS Hub {r['right']['noshub']:,}, time chosen on training folds {r['right']['nested']:,}, "
        f"old linker {r['right']['old']:,} of {r['judged_units']:,}"
    )
    print(f"  reading of time chosen on each outer fold's training folds (shipped {r['time_form_shipped']!r}):")
    for k, c in enumerate(r["time_form_chosen_per_fold"]):
        inner = ", ".join(f"{form} {n:,}" for form, n in c["inner_right"].items())
        held = ", ".join(f"{form} {n:,}" for form, n in c["held_out_right"].items())
        print(
            f"    fold {k + 1}: {c['chosen']!r} (right on inner folds of {c['inner_judged']:,}: {inner}; "
            f"on the held-out fold of {c['held_out_judged']:,}: {held})"
        )
    t = r["time"]
    print(
        f"  the qualification's date speaks for {t['units_where_time_speaks']} units: NOS Hub right on {t['noshub_right']}, "
        f"the old linker on {t['old_right']}; {len(t['changed'])} units linked otherwise than by the old linker:"
    )
    for x in t["changed"]:
        print(f"    {x['qualification']} {x['unit'][:60]!r}: truth {x['truth']}, old {x['old']}, NOS Hub {x['noshub']}")
    for name, c in (("NOS Hub", r["calibration_held_out"]), ("old linker", r["old_calibration_held_out"])):
        print(
            f"Confidence of {name} (held-out folds): ECE {c['ece']:.3f}, Brier {c['brier']:.3f}; review {c['review_share']:.1%}, "
            f"accepted precision {c['accepted_precision']:.1%}"
        )
        for b in c["bins"]:
            print(f"    {b['bin']}: n={b['n']:<5} confidence {b['confidence']:.2f} accuracy {b['accuracy']:.2f}")
    w = r["with_codes"]
    print(
        f"With codes present: {w['linked_share']:.1%} of units linked {w['by_method']}; {w['links_for_review']} links for review "
        f"(ranking learnt on {w['ranking_learnt_on']} settled units, confidence on {w['calibrated_on']} held-out links)"
    )
    print(f"Weights: {r['weights']}")
    print(f"NOS Hub's learnt ranking, per fold: {r['ranking_coefficients']}")
    print(f"{r['seconds']} s on {r['machine']}")
    if "frameworks" in r:
        print_frameworks(r["frameworks"])


if __name__ == "__main__":
    main()
