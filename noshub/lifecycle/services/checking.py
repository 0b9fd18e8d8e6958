"""The draft checks of a draft run against the catalogue: existing NOS it may duplicate, and a URN
the catalogue already uses.
"""

from __future__ import annotations

import bisect
import functools
import re
from datetime import date

from django.utils import timezone

from noshub.core.html import plain_text
from noshub.core.model import NosDocument
from noshub.core.text import title_match_key
from noshub.core.urns import normalise_urn
from noshub.lifecycle import draft_checks
from noshub.lifecycle.messages import Reason

from ..models import Draft

DUPLICATE_WARNING_SCORE = 0.6  # "already covered" hits at or above this score are reported


def similar_standards(doc: NosDocument, exclude_slug: str = "") -> tuple[list[draft_checks.SimilarStandard], str]:
    """Existing NOS that may already cover a draft, and which search found them.

    Uses the cleansing app's "already covered" search (`noshub.cleansing.services.already_covered`,
    hits scoring at least `DUPLICATE_WARNING_SCORE`) when it can be imported; otherwise falls
    back to current NOS whose title is the same once lower-cased, stripped of punctuation and
    of the word "legacy" (`noshub.core.text.title_match_key`). The draft's own NOS is left out.
    """
    try:
        from noshub.cleansing.services import already_covered
        from noshub.core.duplicates import NosText
    except ImportError:
        already_covered = None
    if already_covered is not None:
        text = NosText(
            key="(draft)",
            urn=doc.urn,
            title=doc.title,
            overview=plain_text(doc.overview),
            statements=tuple((s.ref, s.text) for s in (*doc.performance_criteria, *doc.knowledge_and_understanding)),
            keywords=tuple(doc.keywords),
        )
        try:
            result = already_covered(text, limit=6)
        except Exception as exc:  # noqa: BLE001 - another app's search failing must not stop the checks
            return _same_title(doc, exclude_slug), Reason("search_same_title_after_failure", error=str(exc))
        found = [
            draft_checks.SimilarStandard(urn=r["urn"], title=r["title"], slug=r["nos"], score=r["score"])
            for r in result.get("nos", [])
            if r["nos"] != exclude_slug and r["score"] >= DUPLICATE_WARNING_SCORE
        ]
        return found[:5], Reason("search_already_covered")
    return _same_title(doc, exclude_slug), Reason("search_same_title")


def _same_title(doc: NosDocument, exclude_slug: str) -> list[draft_checks.SimilarStandard]:
    from noshub.catalogue.models import NosVersion, Standard

    key = title_match_key(doc.title)
    if not key:
        return []
    first_word = key.split()[0]
    rows = (
        NosVersion.objects.filter(id__in=Standard.objects.values("current_id"), validity="current", title__icontains=first_word)
        .exclude(standard__slug=exclude_slug)
        .values_list("urn", "title", "standard__slug")
    )
    return [draft_checks.SimilarStandard(urn=u, title=t, slug=s) for u, t, s in rows if title_match_key(t) == key][:5]


@functools.lru_cache(maxsize=1)
def _vocabulary(latest_version_id: int | None) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words of the catalogue's current NOS (titles, overviews, statements; lower case) used
    at least twice (a word used once may itself be a slip), as a set and sorted."""
    from collections import Counter

    from noshub.catalogue.models import NosVersion, Standard

    counts: Counter[str] = Counter()
    rows = NosVersion.objects.filter(id__in=Standard.objects.values("current_id")).values_list(
        "title", "overview", "performance_criteria", "knowledge_and_understanding"
    )
    for title, overview, pcs, ks in rows.iterator(chunk_size=2000):
        texts = [title or "", overview or ""] + [item.get("text", "") for item in (*(pcs or ()), *(ks or ()))]
        for text in texts:
            counts.update(w.lower() for w in _WORDS.findall(text))
    words = {w for w, n in counts.items() if n >= 2}
    return frozenset(words), tuple(sorted(words))


_WORDS = re.compile(r"[A-Za-z]{2,}")
_SUFFIXES = ("s", "es", "d", "ed", "ing", "er", "ers", "ly")


def vocabulary():
    """`word -> a longer known word it begins`, when `word` is no word of the catalogue's NOS
    (nor one of them with a common ending: "owners" is "owner" + "s"); None otherwise. This is
    how the truncation check tells "diffe" from "differences"."""
    from noshub.catalogue.models import NosVersion

    known, ordered = _vocabulary(NosVersion.objects.order_by("-id").values_list("id", flat=True).first())

    def is_known(word: str) -> bool:
        return word in known or any(word.endswith(x) and word[: -len(x)] in known for x in _SUFFIXES)

    def longer(word: str) -> str | None:
        if is_known(word):
            return None
        i = bisect.bisect_left(ordered, word)
        return ordered[i] if i < len(ordered) and ordered[i].startswith(word) else None

    return longer


def check_draft(draft: Draft, today: date | None = None) -> draft_checks.DraftCheckReport:
    """The draft checks of a draft, plus: a new NOS must not take a URN the catalogue already uses."""
    today = today or timezone.localdate()
    doc = draft.to_document()
    report = draft_checks.check(
        doc,
        today=today,
        similar=lambda d: similar_standards(d, draft.standard.slug if draft.standard_id else ""),
        vocabulary=vocabulary(),
    )
    if draft.action == "new" and doc.urn.strip():
        from noshub.catalogue.models import Standard

        taken = Standard.objects.filter(urn_key=normalise_urn(doc.urn)).values_list("slug", flat=True).first()
        if taken:
            report.findings.insert(
                0,
                draft_checks.Finding(
                    "urn_taken",
                    draft_checks.ERROR,
                    "urn",
                    "",
                    Reason("urn_taken", urn=doc.urn, slug=taken),
                ),
            )
    return report


DUPLICATE_JUSTIFY_SCORE = 0.99  # an "already covered" hit this close (1.0: the same NOS) needs a recorded justification


def unjustified_duplicate(draft: Draft, report: draft_checks.DraftCheckReport) -> Reason | None:
    """A near-identical current NOS the draft would sit beside, when no justification is recorded."""
    if draft.duplicate_justification.strip():
        return None
    for s in report.similar:
        if s.score is not None and s.score >= DUPLICATE_JUSTIFY_SCORE:
            return Reason("duplicate_unjustified", urn=draft.urn, other_urn=s.urn, score=round(s.score, 2))
    return None
