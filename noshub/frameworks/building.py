"""`noshub frameworks build`: read ESCO, O*NET, the crosswalk and IfATE from the data directory,
link them on SOC 2020 and write them, all or nothing (one transaction)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

from noshub.catalogue import stamp as catalogue_stamp
from noshub.core.errors import ImportRejected
from noshub.core.occupations.titles import TitleIndex
from noshub.core.progress import ProgressCallback, tell
from noshub.core.readers import occupations as readers
from noshub.core.readers.occupations import OccupationRecord
from noshub.soc.coder import CoderText
from noshub.soc.models import CodingIndexEntry, SocGroup

from .linking import Reference, all_links
from .models import ExternalOccupation, OccupationLink

MAX_TITLE = 255


def read_reference(data_dir: Path | None = None) -> Reference:
    """Every file of the other systems, read (or `ImportRejected` naming file, row and field)."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    if not data_dir.is_dir():
        raise ImportRejected(str(data_dir), "data directory not found (set NOSHUB_DATA_DIR)")
    return Reference(
        esco=readers.read_esco_occupations(data_dir / readers.ESCO_OCCUPATIONS),
        isco=[r for r in readers.read_isco_groups(data_dir / readers.ESCO_ISCO_GROUPS) if len(r.code) == 4],
        broader=readers.read_esco_broader(data_dir / readers.ESCO_BROADER),
        onet=readers.read_onet(data_dir / readers.ONET_DIR),
        crosswalk=readers.read_crosswalk(data_dir / readers.CROSSWALK),
        ifate=readers.read_ifate(data_dir / readers.IFATE_STANDARDS),
    )


def coder_text(r: OccupationRecord, job_titles: bool = True) -> CoderText:
    """What the SOC coder reads of an occupation: title, description, duties or tasks, keywords
    (and, with `job_titles`, its job titles as relevant occupations)."""
    return CoderText(
        key=f"{r.scheme}:{r.code}",
        title=r.title,
        overview=r.description[:3000],
        criteria=tuple((r.detail.get("duties") or r.detail.get("tasks") or ())[:30]),
        occupations=tuple(r.alt_titles[:20]) if job_titles else (),
        keywords=tuple(r.detail.get("keywords") or ()),
    )


def coder_scores(coder, job_titles: bool = True, top: int = 5, progress: ProgressCallback | None = None):
    """A function from records to the SOC coder's unit-group probabilities (None without a coder);
    `progress` hears each chunk of 100."""
    if coder is None:
        return None

    def scores(records: list[OccupationRecord]) -> list[dict[str, float]]:
        out: list[dict[str, float]] = []
        for start in range(0, len(records), 100):
            tell(progress, "SOC coder on occupations", start, len(records))
            chunk = [coder_text(r, job_titles) for r in records[start : start + 100]]
            out += [{s.code: s.confidence for s in found} for found in coder.suggest_many(chunk, top=top)]
        tell(progress, "SOC coder on occupations", len(records), len(records))
        return out

    return scores


def semantic_soc(entries: list[tuple[str, str, str]]):
    """Sentence-vector evidence for unit groups (None without the semantic extra)."""
    from noshub.core.occupations.socrank import SemanticSoc

    enc = encoder()
    if enc is None:
        return None
    units = {
        code: (title, description, tuple(tasks or ()))
        for code, title, description, tasks in SocGroup.objects.filter(level="unit").values_list(
            "code", "title", "description", "tasks"
        )
    }
    return SemanticSoc(units, [(t, u) for t, u, _ in entries], enc)


def soc_evidence(
    records: list[OccupationRecord],
    index: TitleIndex,
    entries: list[tuple[str, str, str]],
    coder,
    semantic,
    job_titles: bool = True,
) -> list[dict[str, dict[str, float]]]:
    """Each kind of evidence for each record's SOC 2020 unit groups: its title in the coding
    index (`title_index`), the nearest coding-index titles by character n-grams (`title_chars`),
    the SOC coder on its text and on its title (`coder_text`, `coder_title`), sentence vectors
    (`sem_*`, `SemanticSoc`) and, with `job_titles`, its job titles in the coding index."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    titles = [t for t, _, _ in entries]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
    index_m = vec.fit_transform(titles)
    near = (vec.transform([r.title for r in records]) @ index_m.T).tocsr()
    text = coder_scores(coder, job_titles=job_titles, top=10)
    by_text = text(records) if text else [{} for _ in records]
    by_title = (
        [
            {s.code: s.confidence for s in found}
            for found in coder.suggest_many([CoderText(title=r.title) for r in records], top=10)
        ]
        if coder is not None
        else [{} for _ in records]
    )
    out = []
    for i, r in enumerate(records):
        row = near.getrow(i)
        chars: dict[str, float] = {}
        for j in row.indices[np.argsort(-row.data, kind="stable")][:10]:
            unit = entries[j][1]
            chars[unit] = max(chars.get(unit, 0.0), float(near[i, j]))
        ev = {
            "title_index": index.votes([r.title]),
            "title_chars": chars,
            "coder_text": by_text[i],
            "coder_title": by_title[i],
        }
        if semantic is not None:
            ev.update(semantic.evidence(r.title, r.description, r.detail.get("duties") or r.detail.get("tasks") or ()))
        if job_titles:
            ev["job_titles"] = index.votes(list(r.alt_titles))
        out.append(ev)
    return out


def index_entries() -> list[tuple[str, str, str]]:
    return list(CodingIndexEntry.objects.values_list("title", "soc2020_unit", "isco08"))


def unit_titles() -> dict[str, str]:
    return dict(SocGroup.objects.filter(level="unit").values_list("code", "title"))


def encoder():
    from noshub.core.search.vector_cache import CachedEncoder, available

    return CachedEncoder(settings.CACHE_DIR) if available() else None


def build(data_dir: Path | None = None, progress: ProgressCallback | None = None) -> dict:
    """Read, link and write the other systems; returns counts (occupations by scheme, links by
    target and provenance, whether the SOC coder and sentence vectors took part, seconds)."""
    from noshub.soc.services import ready_coder

    started = time.monotonic()
    tell(progress, "Reading ESCO, O*NET, the crosswalk and IfATE")
    ref = read_reference(data_dir)
    entries = index_entries()
    if not entries:
        raise ImportRejected("SOC 2020 coding index", "not loaded: run `noshub load` first")
    coder = ready_coder()
    enc = encoder()
    if enc is not None and progress is not None:
        enc.progress = lambda done, total: tell(progress, "Sentence vectors for occupations", done, total)
    # IfATE standards: their evidence with the job titles hidden, weighed by a model learnt from
    # the standards whose job titles lean to one unit group (`linking.ifate_soc_links`).
    tell(progress, "Evidence for IfATE standards (SOC coder, sentence vectors)")
    index = TitleIndex((t, u) for t, u, _ in entries)
    ifate_evidence = soc_evidence(ref.ifate, index, entries, coder, semantic_soc(entries), job_titles=False)
    links = all_links(
        ref, entries, unit_titles(), coder_scores(coder, progress=progress), enc, progress, ifate_evidence=ifate_evidence
    )
    records = [*ref.isco, *ref.esco, *ref.onet, *ref.ifate]
    tell(progress, "Writing occupations and links")
    with transaction.atomic():
        catalogue_stamp.bump("frameworks")  # pages show the new map
        OccupationLink.objects.all().delete()
        ExternalOccupation.objects.all().delete()
        ExternalOccupation.objects.bulk_create(
            [
                ExternalOccupation(
                    scheme=r.scheme,
                    code=r.code,
                    title=r.title[:MAX_TITLE],
                    description=r.description,
                    uri=r.uri[:500],
                    isco08=r.isco08,
                    alt_titles=list(r.alt_titles),
                    detail=r.detail,
                )
                for r in records
            ],
            batch_size=500,
        )
        ids = {(s, c): i for i, s, c in ExternalOccupation.objects.values_list("id", "scheme", "code")}
        OccupationLink.objects.bulk_create(
            [
                OccupationLink(
                    source_id=ids[(link.scheme, link.code)],
                    target_scheme=link.target_scheme,
                    target_code=link.target_code,
                    relation=link.relation,
                    confidence=link.confidence,
                    provenance=link.provenance,
                    reason=link.reason,
                )
                for link in links
                if (link.scheme, link.code) in ids
            ],
            batch_size=1000,
        )
    by_scheme: dict[str, int] = {}
    for r in records:
        by_scheme[r.scheme] = by_scheme.get(r.scheme, 0) + 1
    by_kind: dict[str, int] = {}
    for link in links:
        key = f"{link.scheme}→{link.target_scheme} ({link.provenance})"
        by_kind[key] = by_kind.get(key, 0) + 1
    return {
        "occupations": by_scheme,
        "links": dict(sorted(by_kind.items())),
        "soc_coder": coder is not None,
        "sentence_vectors": enc is not None,
        "seconds": round(time.monotonic() - started, 1),
    }
