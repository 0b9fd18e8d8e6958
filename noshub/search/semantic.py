"""Embeddings of every indexed NOS, for semantic ranking.

Vectors are stored in the `Embedding` table. Computing them is the slow part (all-MiniLM-L6-v2
on the CPU), so they are also kept in a small SQLite cache file keyed by model and text, shared
by every database on the machine (`NOSHUB_CACHE_DIR`, default ~/.cache/noshub).
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import transaction

from noshub.core.progress import ProgressCallback, tell
from noshub.core.search import embeddings
from noshub.core.search.vector_cache import CachedEncoder

from .models import Embedding, SearchDocument


def embedding_text(doc: SearchDocument) -> str:
    """What the model reads for a NOS: title, keywords, suites and the start of its text."""
    parts = [doc.title, doc.keywords.replace(" ; ", ", "), "; ".join(doc.suites), doc.body[:400]]
    return ". ".join(p for p in parts if p)


def cached_vectors(texts: list[str], batch_size: int = 256, progress=None) -> tuple[np.ndarray, int]:
    """(vectors, how many came from the cache file) for texts, encoding and caching the rest."""
    return CachedEncoder(settings.CACHE_DIR, batch_size).lookup(texts, progress)


def unit_group_text(title: str, description: str, job_titles: list[str]) -> str:
    """What the model reads for a SOC 2020 unit group: its title, ONS description and first
    related job titles, so that a query describing work in its own words finds the occupation."""
    return f"{title}. {description} Job titles: {', '.join(job_titles[:10])}"


def unit_group_matrix() -> tuple[list[str], np.ndarray]:
    """(codes, vectors) of the SOC 2020 unit groups (412 texts: cached after the first run)."""
    from noshub.soc.models import SocGroup

    units = list(SocGroup.objects.filter(level="unit").values_list("code", "title", "description", "related_job_titles"))
    if not units or not embeddings.available():
        return [], np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    vectors, _ = cached_vectors([unit_group_text(t, d, list(j or [])) for _, t, d, j in units])
    return [u[0] for u in units], vectors


def build_embeddings(batch_size: int = 256, progress: ProgressCallback | None = None) -> dict:
    """Embed every indexed NOS whose text changed since it was last embedded (and warm the
    cache of SOC unit group vectors that job-title understanding uses). `progress(stage, done,
    total)` hears how many of the texts not yet cached are encoded."""
    if not embeddings.available():
        return {"available": False, "embedded": 0, "cached": 0, "unchanged": 0}
    stage = "Sentence vectors for NOS"
    tell(progress, stage)
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
    found, cached = cached_vectors(
        [t[1] for t in todo], batch_size, (lambda done, total: progress(stage, done, total)) if progress else None
    )
    vectors = {t[2]: found[i].tobytes() for i, t in enumerate(todo)}
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
    unit_group_matrix()
    embeddings.query_runtime()  # export the ONNX copy for queries now, not in a server's first search
    return {"available": True, "embedded": len(todo) - cached, "cached": cached, "unchanged": unchanged}


def load_matrix() -> tuple[list[int], np.ndarray]:
    rows = list(Embedding.objects.filter(model=embeddings.MODEL_NAME).values_list("standard_id", "vector"))
    if not rows:
        return [], np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    ids = [r[0] for r in rows]
    matrix = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(len(rows), embeddings.DIMENSIONS)
    return ids, matrix
