"""Sentence vectors for the SOC coder's semantic signals, cached on disk.

The coder (`coder.py`) takes any ``encoder``: a callable from a list of texts to an array of
L2-normalised rows. This one wraps all-MiniLM-L6-v2 (`noshub.core.search.embeddings`, the
`semantic` extra) and keeps every vector in a small SQLite file keyed by model and text, so
only texts never seen before are encoded: the first fit on a machine embeds about 70,000
short texts (a few minutes on 2 cores), later fits and coding runs read them back.

No Django here: the folder is passed in (services use ``settings.CACHE_DIR``).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

from noshub.core.search import embeddings

FILE_NAME = "soc-embeddings.sqlite3"


def available() -> bool:
    """Is the semantic extra installed (and not turned off with NOSHUB_SEMANTIC=0)?"""
    return embeddings.available()


class CachedEncoder:
    """texts → float32 vectors (rows L2-normalised), read from or added to the cache file.

    Pickles as its folder only, so a pickled coder holds no open connection."""

    def __init__(self, folder: Path | str, batch_size: int = 256) -> None:
        self.folder = Path(folder)
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        return embeddings.MODEL_NAME

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.folder / FILE_NAME, timeout=60)
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return conn

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), embeddings.DIMENSIONS), np.float32)
        if not texts:
            return out
        if len(texts) == 1:  # one free-text query (the API, the CLI): remembered in memory only
            out[0] = embeddings.encode_query(texts[0])
            return out
        hashes = [embeddings.text_hash(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as conn:
            distinct = list(dict.fromkeys(hashes))
            for start in range(0, len(distinct), 900):
                chunk = distinct[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for digest, blob in conn.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk):
                    found[digest] = np.frombuffer(blob, dtype=np.float32)
            missing = list(dict.fromkeys(t for t, h in zip(texts, hashes, strict=True) if h not in found))
            for start in range(0, len(missing), self.batch_size):
                batch = missing[start : start + self.batch_size]
                vectors = embeddings.encode(batch, batch_size=64)
                rows = [(embeddings.text_hash(t), vectors[i].tobytes()) for i, t in enumerate(batch)]
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                conn.commit()
                for (digest, _), v in zip(rows, vectors, strict=True):
                    found[digest] = v
        for i, digest in enumerate(hashes):
            out[i] = found[digest]
        return out
