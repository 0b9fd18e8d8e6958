"""Sentence vectors cached on disk, shared by search (NOS and SOC unit group vectors) and the
SOC coder's semantic signals.

`CachedEncoder` is a callable from a list of texts to an array of L2-normalised rows. It wraps
all-MiniLM-L6-v2 (`noshub.core.search.embeddings`, the `semantic` extra) and keeps every
vector in one small SQLite file keyed by model and text, so only texts never seen before are
encoded: the first load and coder fit on a machine embed about 70,000 short texts (several
minutes on 2 cores); later runs, and other databases on the machine, read them back.

No Django here: the folder is passed in (callers use ``settings.CACHE_DIR``).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np

from noshub.core.search import embeddings

FILE_NAME = "embeddings.sqlite3"


def available() -> bool:
    """Is the semantic extra installed (and not turned off with NOSHUB_SEMANTIC=0)?"""
    return embeddings.available()


class CachedEncoder:
    """texts → float32 vectors (rows L2-normalised), read from or added to the cache file.

    Pickles as its folder and batch size only, so a pickled coder holds no open connection and
    no `progress` callback (``progress(done, total)``, heard by every call while it is set).

    Another model (a fine-tuned copy, `noshub.core.tuning`) is cached in the same file when
    given with a `name` that identifies its weights (its vectors are keyed by that name). Such an
    encoder pickles only when given the folder its weights were saved in (`path`): it pickles as
    that folder, and the copy reads the weights back the first time it has a text to encode."""

    progress: Callable[[int, int], None] | None = None
    model_name: str = embeddings.MODEL_NAME
    model = None
    path: Path | None = None

    def __init__(
        self, folder: Path | str, batch_size: int = 256, model=None, name: str | None = None, path: Path | str | None = None
    ) -> None:
        self.folder = Path(folder)
        self.batch_size = batch_size
        if model is not None or path is not None:
            if not name:
                raise ValueError("a model other than the base one needs a name for its vectors' keys")
            self.model, self.model_name = model, name
            self.path = Path(path) if path is not None else None

    def __getstate__(self) -> dict:
        if self.model is not None and self.path is None:
            raise TypeError("an encoder of a fine-tuned model is pickled only with the folder of its weights")
        state = {"folder": self.folder, "batch_size": self.batch_size}
        if self.path is not None:
            state.update(model_name=self.model_name, path=self.path)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def name(self) -> str:
        return self.model_name

    @property
    def tuned(self) -> bool:
        """A fine-tuned copy of the model, not the base one."""
        return self.model is not None or self.path is not None

    def _hash(self, text: str) -> str:
        if not self.tuned:
            return embeddings.text_hash(text)
        return hashlib.sha256(f"{self.model_name}\0{text}".encode()).hexdigest()

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not self.tuned:
            return embeddings.encode(texts, batch_size=64)
        if self.model is None:  # an unpickled copy: its weights are read once, when first needed
            import os

            from sentence_transformers import SentenceTransformer

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            if not (self.path / "modules.json").exists():
                raise FileNotFoundError(f"the fine-tuned sentence model's weights are gone from {self.path}")
            self.model = SentenceTransformer(str(self.path), device="cpu")
        vectors = self.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.folder / FILE_NAME, timeout=60)
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return conn

    def __call__(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:  # one free-text query (the API, the CLI): never written to the file
            if self.tuned:
                return self._encode(texts)
            out = np.zeros((1, embeddings.DIMENSIONS), np.float32)
            out[0] = embeddings.exact_query(texts[0])  # torch's, as every batch's; remembered in memory
            return out
        return self.lookup(texts, self.progress)[0]

    def lookup(self, texts: list[str], progress=None) -> tuple[np.ndarray, int]:
        """(vectors, how many texts the file already held); `progress(done, total)` is called
        after each batch that had to be encoded."""
        out = np.zeros((len(texts), embeddings.DIMENSIONS), np.float32)
        if not texts:
            return out, 0
        hashes = [self._hash(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as conn:
            distinct = list(dict.fromkeys(hashes))
            for start in range(0, len(distinct), 900):
                chunk = distinct[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for digest, blob in conn.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk):
                    found[digest] = np.frombuffer(blob, dtype=np.float32)
            cached = sum(1 for h in hashes if h in found)
            missing = list(dict.fromkeys(t for t, h in zip(texts, hashes, strict=True) if h not in found))
            for start in range(0, len(missing), self.batch_size):
                batch = missing[start : start + self.batch_size]
                vectors = self._encode(batch)
                rows = [(self._hash(t), vectors[i].tobytes()) for i, t in enumerate(batch)]
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                conn.commit()
                for (digest, _), v in zip(rows, vectors, strict=True):
                    found[digest] = v
                if progress:
                    progress(start + len(batch), len(missing))
        for i, digest in enumerate(hashes):
            out[i] = found[digest]
        return out, cached
