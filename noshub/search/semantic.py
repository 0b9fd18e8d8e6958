"""Embeddings of every indexed NOS, for semantic ranking.

Vectors are stored in the `Embedding` table. Computing them is the slow part (all-MiniLM-L6-v2
on the CPU), so they are also kept in a small SQLite cache file keyed by model and text, shared
by every database on the machine (`NOSHUB_CACHE_DIR`, default var/cache in the checkout).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

from noshub.core.search import embeddings

from .models import Embedding, SearchDocument


def embedding_text(doc: SearchDocument) -> str:
    """What the model reads for a NOS: title, keywords, suites and the start of its text."""
    parts = [doc.title, doc.keywords.replace(" ; ", ", "), "; ".join(doc.suites), doc.body[:400]]
    return ". ".join(p for p in parts if p)


def _cache() -> sqlite3.Connection:
    folder = Path(settings.CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / "embeddings.sqlite3")
    conn.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")
    return conn


def build_embeddings(batch_size: int = 256, progress=None) -> dict:
    """Embed every indexed NOS whose text changed since it was last embedded."""
    if not embeddings.available():
        return {"available": False, "embedded": 0, "cached": 0, "unchanged": 0}
    have = dict(Embedding.objects.filter(model=embeddings.MODEL_NAME).values_list("standard_id", "text_hash"))
    todo: list[tuple[int, str, str]] = []
    unchanged = 0
    for doc in SearchDocument.objects.only("standard_id", "title", "keywords", "suites", "body").iterator(chunk_size=2000):
        text = embedding_text(doc)
        digest = embeddings.text_hash(text)
        if have.get(doc.standard_id) == digest:
            unchanged += 1
        else:
            todo.append((doc.standard_id, text, digest))
    vectors: dict[str, bytes] = {}
    with closing(_cache()) as cache:
        hashes = [t[2] for t in todo]
        for start in range(0, len(hashes), 900):
            chunk = hashes[start : start + 900]
            rows = cache.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({','.join('?' * len(chunk))})", chunk)
            vectors.update(rows)
        cached = len(vectors)
        missing = [t for t in todo if t[2] not in vectors]
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            encoded = embeddings.encode([t[1] for t in batch])
            rows = [(t[2], encoded[i].tobytes()) for i, t in enumerate(batch)]
            cache.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            cache.commit()
            vectors.update(rows)
            if progress:
                progress(start + len(batch), len(missing))
    with transaction.atomic():
        Embedding.objects.filter(standard_id__in=[t[0] for t in todo]).delete()
        Embedding.objects.bulk_create(
            [
                Embedding(standard_id=sid, model=embeddings.MODEL_NAME, text_hash=digest, vector=vectors[digest])
                for sid, _, digest in todo
            ],
            batch_size=1000,
        )
        Embedding.objects.exclude(standard_id__in=SearchDocument.objects.values("standard_id")).delete()
    return {"available": True, "embedded": len(todo) - cached, "cached": cached, "unchanged": unchanged}


def load_matrix() -> tuple[list[int], np.ndarray]:
    rows = list(Embedding.objects.filter(model=embeddings.MODEL_NAME).values_list("standard_id", "vector"))
    if not rows:
        return [], np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    ids = [r[0] for r in rows]
    matrix = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(len(rows), embeddings.DIMENSIONS)
    return ids, matrix
