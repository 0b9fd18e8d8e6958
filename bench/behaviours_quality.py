"""Work behaviours: how well NOS Hub finds them and maps them, beside simple baselines, in one run.

    .venv/bin/python bench/behaviours_quality.py                 # detector and mapper (reference data only)
    .venv/bin/python bench/behaviours_quality.py --catalogue     # also: build the catalogue on NOSHUB_DB
    .venv/bin/python bench/behaviours_quality.py --json
    .venv/bin/python bench/behaviours_quality.py --tuned         # also: the fine-tuned model in the same folds (~1 h on 2 busy cores)

1. Detector (`noshub.core.behaviours.detector`): England's apprenticeship standards (IfATE, 2021)
   that carry knowledge, skills and behaviours (54 standards, 3,352 statements, 396 behaviours).
   The labels are hidden from the method at test time and whole standards are held out
   (5 grouped folds by LARS code): a standard's statements are never both trained on and tested.
   Each test statement is read in its standard (its title and its other statements, never their
   labels: `detector.context_features`) and, as `nos_hub_statement_alone`, on its own.
   Precision, recall and F1 of "is a behaviour". Baseline: TF-IDF words + logistic regression
   (balanced classes) on the same folds; also the baseline without class balancing.
2. Mapper (`noshub.core.behaviours.mapper`): ESCO's 95 transversal skills. Each of their 689
   alternative labels is held out in turn (removed from its concept) and mapped to the 95
   concepts (label → concept); top-1 and top-3 accuracy. The mapper's weights (mean cosine,
   words, stems) and stem length are chosen on half the labels (a grid of 180) and reported on
   the other half, then the halves swap (2 folds); `nos_hub_without_stems` is the same with the
   stems' weight held at 0.
   Baseline: TF-IDF cosine between the label and each concept's label, description and other
   alternative labels.
4. Fine-tuned sentence model (`--tuned`, SetFit-style, `noshub.core.tuning`), in the
   same folds: for the detector, in each fold a copy of all-MiniLM-L6-v2 is trained on the
   TRAINING standards only (BatchAllTripletLoss on the three classes, at most 400 statements a
   class, the top 2 of its 6 layers, 1 epoch), then its vectors replace the base vectors in the
   detector (`nos_hub_tuned_vectors`) or are added beside them (`nos_hub_tuned_beside`);
   threshold 0.5 as ours. For the mapper, in each fold a copy is trained on (alternative label,
   concept label) and (alternative label, concept definition) pairs of the TRAINING half only
   (MultipleNegativesRankingLoss, 3 epochs), the weights are chosen on that half with its
   vectors and the other half is scored (`nos_hub_tuned`); a held-out label is never trained on.
5. Catalogue (`--catalogue`, needs the loaded database, NOSHUB_DB): full rebuild time (wall clock
   and the process's CPU time, which other jobs on a shared machine do not inflate), number of
   behaviours, coverage (share of current NOS with at least one behaviour).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _data_dir() -> Path:
    return Path(os.environ.get("NOSHUB_DATA_DIR", ROOT.parent / "shared" / "data")).resolve()


def _cache_dir() -> Path:
    return Path(os.environ.get("NOSHUB_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "noshub")


class _Memo:
    """The cached encoder, remembered in memory too (the mapper's folds ask for the same texts again)."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.seen: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.seen))
        if missing:
            vectors = self.encoder.lookup(missing)[0]
            self.seen.update(zip(missing, vectors, strict=True))
        return np.stack([self.seen[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def _encoder():
    from noshub.core.search.vector_cache import CachedEncoder, available

    return _Memo(CachedEncoder(_cache_dir())) if available() else None


def _prf(truth: np.ndarray, predicted: np.ndarray) -> dict:
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _beside(encoder, tuned):
    """The detector with the tuned model's vectors as columns beside the base vectors (its
    context features still read the base vectors)."""
    from scipy.sparse import csr_matrix, hstack

    from noshub.core.behaviours.detector import BehaviourDetector

    class Beside(BehaviourDetector):
        def _matrix(self, texts, fit, vectors=None, context=None):
            matrix = super()._matrix(texts, fit, vectors, context)
            return matrix if vectors is None else hstack([matrix, csr_matrix(2.0 * tuned(list(texts)))]).tocsr()

    return Beside(encoder)


def detector_figures(encoder, tuned: bool = False) -> dict:
    from sklearn.model_selection import GroupKFold

    from noshub.core.behaviours.detector import BehaviourDetector, baseline
    from noshub.core.behaviours.reference import ifate_statements

    rows = ifate_statements(_data_dir() / "ifate" / "ifate_standards_2021.json")
    texts = np.array([r.text for r in rows], dtype=object)
    kinds = np.array([r.kind for r in rows])
    truth = kinds == "behaviour"
    groups = np.array([r.standard for r in rows])
    titles = np.array([r.standard_title for r in rows], dtype=object)
    if encoder is not None:
        encoder(list(texts))  # fill the vector cache once, outside the timed folds
    ours = np.zeros(len(rows))
    base = np.zeros(len(rows))
    words_only = np.zeros(len(rows))
    alone = np.zeros(len(rows))
    base_unbalanced = np.zeros(len(rows), dtype=bool)
    tuned_scores = {"nos_hub_tuned_vectors": np.zeros(len(rows)), "nos_hub_tuned_beside": np.zeros(len(rows))}
    tuning_seconds = 0.0
    started = time.perf_counter()
    for train, test in GroupKFold(n_splits=5).split(texts, truth, groups):
        fit_args = (list(texts[train]), list(kinds[train]), list(groups[train]), list(titles[train]))
        test_args = (list(texts[test]), list(groups[test]), list(titles[test]))
        model = BehaviourDetector(encoder).fit(*fit_args)
        ours[test] = model.confidence(*test_args)
        if tuned and encoder is not None:
            from noshub.core import tuning

            t = time.perf_counter()
            # Trained on this fold's training standards only; the held-out standards are never seen.
            tuned_encoder = tuning.encoder_of(
                tuning.tune_classes(list(texts[train]), list(kinds[train]), per_class=400, train_layers=2, max_length=48)
            )
            tuning_seconds += time.perf_counter() - t
            tuned_scores["nos_hub_tuned_vectors"][test] = BehaviourDetector(tuned_encoder).fit(*fit_args).confidence(*test_args)
            tuned_scores["nos_hub_tuned_beside"][test] = _beside(encoder, tuned_encoder).fit(*fit_args).confidence(*test_args)
        alone[test] = model.confidence(list(texts[test]))
        words_only[test] = BehaviourDetector(None).fit(list(texts[train]), list(kinds[train])).confidence(list(texts[test]))
        base[test] = baseline(texts[train], truth[train], texts[test])
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        v = TfidfVectorizer()
        m = LogisticRegression(max_iter=1000).fit(v.fit_transform(texts[train]), truth[train])
        base_unbalanced[test] = m.predict(v.transform(texts[test]))
    seconds = time.perf_counter() - started
    extra = {name: _prf(truth, v >= 0.5) for name, v in tuned_scores.items()} if tuned and encoder is not None else {}
    if extra:
        extra["seconds_tuning"] = round(tuning_seconds, 1)
    return {
        **extra,
        "statements": len(rows),
        "behaviours": int(truth.sum()),
        "standards": len(set(groups.tolist())),
        "folds": "5, grouped by standard",
        "nos_hub": _prf(truth, ours >= 0.5),
        "nos_hub_statement_alone": _prf(truth, alone >= 0.5),
        "nos_hub_words_only": _prf(truth, words_only >= 0.5),
        "baseline_tfidf_lr_balanced": _prf(truth, base >= 0.5),
        "baseline_tfidf_lr": _prf(truth, base_unbalanced),
        "semantic": encoder is not None,
        "seconds_all_folds": round(seconds, 1),
    }


def _vector_parts(concepts, queries, encoder) -> dict[str, np.ndarray]:
    """The mapper's vector parts (`best`, `mean`) of every held-out label, each label's own
    wording left out of its concept: what `ConceptMapper.components` gives, in one matrix product."""
    wordings, owner, own = [], [], {}
    for i, c in enumerate(concepts):
        for t in c.texts():
            wordings.append(t)
            owner.append(i)
        first_alt = len(wordings) - len(c.alt_labels)
        own.update({(i, j): first_alt + j for j in range(len(c.alt_labels))})
    owner = np.asarray(owner)
    w = encoder(wordings)
    q = encoder([label for label, _, _ in queries])
    sims = q @ w.T
    for k, (_, i, j) in enumerate(queries):
        sims[k, own[(i, j)]] = -np.inf
    best = np.stack([sims[:, owner == c].max(axis=1) for c in range(len(concepts))], axis=1)
    labels = encoder([c.label for c in concepts])
    definitions = encoder([c.definition or c.label for c in concepts])
    return {"best": best.astype(np.float32), "mean": ((q @ labels.T + q @ definitions.T) / 2).astype(np.float32)}


def mapper_figures(encoder, tuned: bool = False) -> dict:
    from noshub.core.behaviours.mapper import ConceptMapper, baseline_top1
    from noshub.core.behaviours.reference import esco_transversal

    concepts = esco_transversal(_data_dir() / "esco" / "transversalSkillsCollection_en.csv")
    queries = [(a, i, j) for i, c in enumerate(concepts) for j, a in enumerate(c.alt_labels)]
    truth = np.array([i for _, i, _ in queries])
    half = np.random.default_rng(0).permutation(len(queries)) % 2
    stems = (4, 5, 6)
    grid = [
        (wm, ww, wst, stem)
        for wm in (0.0, 0.25, 0.5, 0.75)
        for ww in (0.0, 0.2, 0.4)
        for wst in (0.0, 0.2, 0.4, 0.6, 0.8)
        for stem in stems
    ]
    if encoder is not None:
        encoder([q for q, _, _ in queries] + [t for c in concepts for t in c.texts()])
    started = time.perf_counter()
    # Each label held out in turn: removed from its concept, then scored against every concept.
    parts: dict[int, dict[str, np.ndarray]] = {stem: {} for stem in stems}
    for k, (label, i, j) in enumerate(queries):
        held = list(concepts)
        held[i] = dataclasses.replace(held[i], alt_labels=tuple(a for n, a in enumerate(held[i].alt_labels) if n != j))
        for stem in stems:
            for name, row in ConceptMapper(held, encoder, stem=stem).components([label]).items():
                parts[stem].setdefault(name, np.zeros((len(queries), len(concepts)), dtype=np.float32))[k] = row[0]
    scorer = ConceptMapper(concepts, encoder)

    def ranked(rows, wm, ww, wst, stem, source=parts):
        scores = scorer.combine({n: m[rows] for n, m in source[stem].items()}, wm, ww, wst)
        return np.argsort(-scores, axis=1)[:, :3]

    def accuracy(rows, *weights, source=parts) -> float:
        return float((ranked(rows, *weights, source=source)[:, 0] == truth[rows]).mean())

    def held_out(candidates) -> tuple[float, float, list]:
        """Weights chosen on one half of the labels, accuracy on the other half; then the halves swap."""
        top1 = top3 = 0.0
        chosen = []
        for fold in (0, 1):
            tune, test = np.flatnonzero(half == fold), np.flatnonzero(half != fold)
            best = max(candidates, key=lambda w: accuracy(tune, *w))
            order = ranked(test, *best)
            top1 += float((order[:, 0] == truth[test]).sum())
            top3 += float((order == truth[test, None]).any(axis=1).sum())
            chosen.append(list(best))
        return top1 / len(queries), top3 / len(queries), chosen

    top1, top3, chosen = held_out(grid)
    plain1, plain3, _ = held_out([w for w in grid if w[2] == 0.0 and w[3] == stems[0]])
    extra = {}
    if tuned and encoder is not None:
        from noshub.core import tuning

        t = time.perf_counter()
        hits1 = hits3 = 0
        tuned_chosen = []
        for fold in (0, 1):
            train, test = np.flatnonzero(half == fold), np.flatnonzero(half != fold)
            anchors, positives = [], []
            for k in train:  # pairs of the training half only
                label, i, _ = queries[k]
                for target in (concepts[i].label, concepts[i].definition):
                    if target:
                        anchors.append(label)
                        positives.append(target)
            vectors = _vector_parts(concepts, queries, tuning.encoder_of(tuning.tune_pairs(anchors, positives, epochs=3)))
            tuned_parts = {stem: {**parts[stem], **vectors} for stem in stems}
            best = max(grid, key=lambda w: accuracy(train, *w, source=tuned_parts))
            order = ranked(test, *best, source=tuned_parts)
            hits1 += int((order[:, 0] == truth[test]).sum())
            hits3 += int((order == truth[test, None]).any(axis=1).sum())
            tuned_chosen.append(list(best))
        extra = {
            "nos_hub_tuned_top1": round(hits1 / len(queries), 3),
            "nos_hub_tuned_right": hits1,
            "nos_hub_tuned_top3": round(hits3 / len(queries), 3),
            "tuned_weights_chosen": tuned_chosen,
            "seconds_tuning": round(time.perf_counter() - t, 1),
        }
    # Baseline: TF-IDF over each concept's label, description and other alternative labels.
    hits = 0
    for label, i, j in queries:
        docs = [
            " ".join([c.label, c.definition, *[a for n2, a in enumerate(c.alt_labels) if not (ci == i and n2 == j)]])
            for ci, c in enumerate(concepts)
        ]
        hits += int(baseline_top1([label], docs)[0] == i)
    return {
        **extra,
        "concepts": len(concepts),
        "held_out_labels": len(queries),
        "nos_hub_top1": round(top1, 3),
        "nos_hub_right": int(round(top1 * len(queries))),
        "nos_hub_top3": round(top3, 3),
        "weights_chosen": chosen,
        "nos_hub_without_stems_top1": round(plain1, 3),
        "nos_hub_without_stems_top3": round(plain3, 3),
        "baseline_tfidf_top1": round(hits / len(queries), 3),
        "semantic": encoder is not None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def catalogue_figures() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from noshub.behaviours import services

    started, cpu = time.perf_counter(), time.process_time()
    report = services.build()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU seconds beside the wall clock: on a shared machine the wall clock counts the others' work too.
    return {**services.coverage(), "build_seconds": round(seconds, 1), "build_cpu_seconds": round(cpu, 1), "build": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--catalogue", action="store_true", help="also build the catalogue on the database (NOSHUB_DB)")
    parser.add_argument("--tuned", action="store_true", help="also the fine-tuned sentence model, in the same folds")
    parser.add_argument("--only", choices=("detector", "mapper"), help="measure one method only")
    parser.add_argument("--words-only", action="store_true", help="without sentence vectors")
    args = parser.parse_args()
    encoder = None if args.words_only else _encoder()
    out = {"machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    if args.tuned:
        import torch

        torch.set_num_threads(1)  # a shared machine
    if args.only != "mapper":
        out["detector"] = detector_figures(encoder, args.tuned)
    if args.only != "detector":
        out["mapper"] = mapper_figures(encoder, args.tuned)
    if args.catalogue:
        out["catalogue"] = catalogue_figures()
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(out["machine"])
    if "detector" in out:
        _print_detector(out["detector"])
    if "mapper" in out:
        _print_mapper(out["mapper"])
    if "catalogue" in out:
        c = out["catalogue"]
        print(
            f"\nCatalogue: {c['behaviours_count']} behaviours; coverage {c['covered']}/{c['current_nos']} current NOS ({c['coverage']:.1%}); full rebuild {c['build_seconds']} s ({c['build_cpu_seconds']} s of CPU)"
        )


def _print_detector(d: dict) -> None:
    print(
        f"\nDetector: {d['statements']} IfATE statements ({d['behaviours']} behaviours) of {d['standards']} standards, {d['folds']}"
    )
    names = ("nos_hub", "nos_hub_statement_alone", "nos_hub_words_only", "nos_hub_tuned_vectors", "nos_hub_tuned_beside")
    for name in (*names, "baseline_tfidf_lr_balanced", "baseline_tfidf_lr"):
        if name not in d:
            continue
        f = d[name]
        print(f"  {name:28s} precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}")


def _print_mapper(m: dict) -> None:
    print(f"\nMapper: {m['held_out_labels']} ESCO alternative labels held out → {m['concepts']} transversal concepts")
    print(
        f"  nos_hub                      top-1 {m['nos_hub_top1']:.3f} ({m['nos_hub_right']} right)  top-3 {m['nos_hub_top3']:.3f}  (weights per fold {m['weights_chosen']})"
    )
    if "nos_hub_tuned_top1" in m:
        print(
            f"  nos_hub_tuned                top-1 {m['nos_hub_tuned_top1']:.3f} ({m['nos_hub_tuned_right']} right)  top-3 {m['nos_hub_tuned_top3']:.3f}  (weights per fold {m['tuned_weights_chosen']})"
        )
    print(
        f"  nos_hub_without_stems        top-1 {m['nos_hub_without_stems_top1']:.3f}  top-3 {m['nos_hub_without_stems_top3']:.3f}"
    )
    print(f"  baseline_tfidf               top-1 {m['baseline_tfidf_top1']:.3f}")


if __name__ == "__main__":
    main()
