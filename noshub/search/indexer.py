"""Building the search index from the catalogue.

`rebuild(ids)` rebuilds the index rows of some standards (all when `ids` is None) from their
current versions, then the engine's full-text index over them, in the caller's transaction.
Other code asks for it through `noshub.search.services.reindex`, which also defers it during
a bulk load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from noshub.catalogue import stamp
from noshub.catalogue.models import NosSocCode, NosVersion
from noshub.core.html import plain_text
from noshub.core.model import FREE_TEXT_SECTIONS, LIST_SECTIONS
from noshub.soc.models import SocGroup, SocRelationship

from .models import IndexState, SearchDocument
from .ranking import SUGGESTED_TRUST

# The HTML sections a standard's indexed body holds (its statements follow them).
_BODY_HTML = ("overview", *FREE_TEXT_SECTIONS)


def _soc_levels(code: str) -> list[str]:
    return [code[:n] for n in (1, 2, 3, 4)]


FULL_EVIDENCE = 1.0  # the confidence of a confirmed or crosswalked link: it counts fully


def trusted(evidence: dict) -> bool:
    """Evidence that counts on its own: a confirmed or crosswalked code, or a suggested code at
    least SUGGESTED_TRUST confident."""
    return float(evidence.get("confidence") or 0.0) >= SUGGESTED_TRUST


def soc_evidence(version: NosVersion, crosswalk: dict[str, list[str]]) -> dict[str, dict]:
    """SOC 2020 unit groups of a version with the evidence for each, {unit: {"source": …,
    "confidence": …}}: its confirmed and crosswalked SOC 2020 links (confidence 1; a crosswalked
    one with its ONS "share" when the link has one); else its
    best suggested code (noshub.soc) at the coder's confidence; else its SOC 2010 codes
    crosswalked here (before `noshub soc crosswalk` has run: "crosswalk", confidence 1)."""
    links = [link for link in version.nossoccode_set.all() if link.soc_code.classification == "2020"]
    own = {link.soc_code.code for link in links if link.source in ("confirmed", "crosswalk")}
    if own:
        # A confirmed link says more than a crosswalked one to the same unit group.
        confirmed = {link.soc_code.code for link in links if link.source == "confirmed"}
        shares = {link.soc_code.code: link.weight for link in links if link.source == "crosswalk" and link.weight is not None}
        return {
            unit: {"source": "confirmed", "confidence": FULL_EVIDENCE}
            if unit in confirmed
            else {"source": "crosswalk", "confidence": FULL_EVIDENCE, **({"share": shares[unit]} if unit in shares else {})}
            for unit in sorted(own)
        }
    suggested = [link for link in links if link.source == "suggested"]
    if suggested:
        best = max(suggested, key=lambda link: link.confidence or 0.0)
        return {best.soc_code.code: {"source": "suggested", "confidence": float(best.confidence or 0.0)}}
    old = {c for link in version.nossoccode_set.all() if link.soc_code.classification == "2010" for c in crosswalk.get(link.soc_code.code, [])}
    return {unit: {"source": "crosswalk", "confidence": FULL_EVIDENCE} for unit in sorted(old)}


def _versions(ids: Iterable[int] | None):
    current = NosVersion.objects.filter(standard__current_id=F("id"))
    if ids is not None:
        current = current.filter(standard_id__in=list(ids))
    return current.select_related("developed_by", "standard").prefetch_related(
        "suites",
        "occupations",
        "keywords",
        Prefetch("nossoccode_set", queryset=NosSocCode.objects.select_related("soc_code")),
    )


def build_document(version: NosVersion, crosswalk: dict[str, list[str]], soc_titles: dict[str, str]) -> SearchDocument:
    evidence = soc_evidence(version, crosswalk)
    units = list(evidence)
    suites = sorted(s.name for s in version.suites.all())
    occupations = sorted(o.name for o in version.occupations.all())
    developer = version.developed_by.name if version.developed_by_id else ""
    body_parts = [plain_text(getattr(version, name)) for name in _BODY_HTML]
    body_parts += [s["text"] for name in LIST_SECTIONS for s in getattr(version, name)]
    return SearchDocument(
        standard_id=version.standard_id,
        version=version,
        slug=version.standard.slug,
        urn_key=version.standard.urn_key,
        title=version.title,
        keywords=" ; ".join(k.text for k in version.keywords.all()),
        # Only the titles of unit groups it is trusted to belong to: a weak suggested code must
        # not give a NOS the words of an occupation ("Large goods vehicle drivers") to match.
        context=" ; ".join([*suites, *occupations, developer, *(soc_titles.get(u, "") for u in units if trusted(evidence[u]))]),
        body="\n".join(p for p in body_parts if p),
        validity=version.validity,
        category=version.category,
        developer=developer,
        suites=suites,
        soc2020=sorted({level for u in units for level in _soc_levels(u)}),
        soc_evidence=evidence,
        date_approved=version.date_approved,
        approval_year=version.date_approved.year if version.date_approved else None,
    )


def _hidden_behind(ids: set[int] | None) -> dict[int, str]:
    """Standards a reviewer's decision hides from search (noshub.cleansing): id → the slug of
    the NOS shown instead, or "retired" for one retired as legacy."""
    from noshub.cleansing.services import HIDING, decisions_in_force

    return {
        sid: (decision.target.slug if decision.target_id else "retired")
        for sid, decision in decisions_in_force(ids).items()
        if decision.action in HIDING
    }


def rebuild(ids: Iterable[int] | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index rows of these standards (every standard when None). Returns the count.
    `progress(done, total)` is called as the rows are built, when given."""
    ids = None if ids is None else set(ids)
    crosswalk: dict[str, list[str]] = defaultdict(list)
    for old, new in SocRelationship.objects.values_list("soc2010", "soc2020"):
        crosswalk[old].append(new)
    soc_titles = dict(SocGroup.objects.filter(level="unit").values_list("code", "title"))
    with transaction.atomic():
        docs = _build_documents(ids, crosswalk, soc_titles, progress)
        hidden = _hidden_behind(ids)
        for doc in docs:
            doc.hidden_behind = hidden.get(doc.standard_id, "")
        stale = SearchDocument.objects.all() if ids is None else SearchDocument.objects.filter(standard_id__in=ids)
        stale.delete()
        SearchDocument.objects.bulk_create(docs, batch_size=1000)
        state, _ = IndexState.objects.get_or_create(id=1)
        IndexState.objects.filter(id=1).update(generation=F("generation") + 1, built_at=timezone.now())
        stamp.bump("index")  # every cache of what pages show sees the change at its next request
    return len(docs)


def _build_documents(
    ids: set[int] | None, crosswalk: dict[str, list[str]], soc_titles: dict[str, str], progress
) -> list[SearchDocument]:
    versions = _versions(ids)
    total = versions.count() if progress else 0
    docs = []
    for version in versions.iterator(chunk_size=2000):
        docs.append(build_document(version, crosswalk, soc_titles))
        if progress and (len(docs) % 1000 == 0 or len(docs) == total):
            progress(len(docs), total)
    return docs
