"""Why a result was found, and what it says about itself: the reasons (codes with their details
and a plain sentence in the reader's language), the snippet and its source, the review status.

Reasons, one per kind of evidence: `urn` (its URN is the query), `title` / `keywords` / `text`
(the query's words found there), `context` (in its suites, occupations, developer or SOC
groups), `words` (the engine matched a form of the words that none of these shows), `job_title` (in an occupation the ONS coding index gives for
the query as a job title), `occupation` (in an occupation whose ONS description is close to the
query), `meaning` (close in meaning), `welsh_text` (the words in its Welsh text).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from noshub.core.text import SEARCH_STOP_WORDS, prefix_stem

from .text.highlight import snippet
from .text.query import fold, words
from .text.spelling import SYNONYMS, spelling_variants

if TYPE_CHECKING:
    from .index_cache import IndexedDoc

PAST_DUE = "past_due"
SCHEDULED = "scheduled"
NOT_SET = "not_set"


def review_status(review_date: date | None, today: date) -> str:
    """`past_due` once the indicative review date has passed; `not_set` without one (the
    catalogue reads its placeholder date, 1905-03-14/15, as none)."""
    if review_date is None:
        return NOT_SET
    return PAST_DUE if review_date < today else SCHEDULED


def snippet_of(doc: IndexedDoc, marks: list[str]) -> tuple[str, str]:
    """(plain snippet, source): the sentence of the NOS text that holds a query word ("text");
    else the start of its overview ("overview") or of its text ("text"); else its keywords."""
    if doc.body:
        stems = [prefix_stem(fold(w)) for w in marks if len(w) > 2]
        chosen = snippet(doc.body, marks)
        holds = any(s in fold(chosen) for s in stems)
        return chosen, "text" if holds or not doc.has_overview else "overview"
    if doc.keywords:
        text = doc.keywords.replace(" ; ", "; ")
        return (text if len(text) <= 220 else text[:219].rsplit(" ", 1)[0] + "…"), "keywords"
    return "", ""


def _found_in(text: str, stems: list[tuple[str, str]]) -> list[str]:
    """The query words of which a word of `text` starts like the word's stem."""
    if not text:
        return []
    folded = fold(text)
    return [word for word, stem in stems if stem in folded and re.search(r"(?<!\w)" + re.escape(stem), folded)]


def word_stems(marks: list[str]) -> list[tuple[str, str]]:
    """(word, stem) for each of the query's words as the engine matched it (the words, their other
    spellings and synonyms): what `reasons` looks for in a NOS; one query's, for all its results."""
    asked = [w for w in dict.fromkeys(w for m in marks for w in words(m)) if len(w) > 1 and w not in SEARCH_STOP_WORDS]
    forms = [*asked, *(v for w in asked for v in spelling_variants(w)), *(s for w in asked for s in SYNONYMS.get(w, ()))]
    return [(w, prefix_stem(w)) for w in dict.fromkeys(w for f in forms for w in words(f)) if w not in SEARCH_STOP_WORDS]


def reasons(
    doc: IndexedDoc, channels: list[str], stems: list[tuple[str, str]], job_titles: list[dict], welsh_words: list[str]
) -> list[dict]:
    """The reasons a NOS was found, each {"code", details…, "text"}; `stems` are the query's
    (`word_stems`)."""
    out: list[dict] = []
    if "urn" in channels:
        out.append({"code": "urn", "text": _("Its URN is what you searched for")})
    if stems and ("keywords" in channels or "urn" not in channels):
        for code, text in (("title", doc.title), ("keywords", doc.keywords), ("text", doc.body), ("context", doc.context)):
            found = _found_in(text, stems)
            if found:
                out.append({"code": code, "words": found, "text": _word_sentence(code, found)})
    if "keywords" in channels and not any(r["code"] in _WORD_CODES for r in out):
        out.append({"code": "words", "text": _("Holds a form of your words")})
    for channel, code in (("job title", "job_title"), ("occupation", "occupation")):
        if channel in channels:
            source = "coding index" if code == "job_title" else "SOC description"
            units = [j for j in job_titles if j["soc2020"] in doc.soc and j.get("source") == source]
            names = ", ".join(f"{j['soc2020']} {j['title']}" for j in units)
            if code == "job_title":
                text = (
                    _("In an occupation your search names as a job title: %(occupations)s") % {"occupations": names}
                    if names
                    else _("In an occupation your search names as a job title")
                )
            else:
                text = (
                    _("In an occupation whose description is close to your search: %(occupations)s") % {"occupations": names}
                    if names
                    else _("In an occupation whose description is close to your search")
                )
            out.append({"code": code, "soc2020": [j["soc2020"] for j in units], "text": text})
    if "meaning" in channels:
        out.append({"code": "meaning", "text": _("Close in meaning to your search")})
    if "welsh text" in channels:
        out.append({"code": "welsh_text", "words": welsh_words, "text": _("Your words are in its Welsh text")})
    return out


_WORD_CODES = ("title", "keywords", "text", "context")


def _word_sentence(code: str, found: list[str]) -> str:
    listed = ", ".join(found)
    if code == "title":
        return _("Your words in its title: %(words)s") % {"words": listed}
    if code == "keywords":
        return _("Your words in its keywords: %(words)s") % {"words": listed}
    if code == "context":
        return _("Your words in its suites, occupations or developer: %(words)s") % {"words": listed}
    return _("Your words in its text: %(words)s") % {"words": listed}
