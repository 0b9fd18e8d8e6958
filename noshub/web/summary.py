"""A NOS in plain English for employers and learners, generated from its own fields.

Nothing is written by a person or a language model and nothing is downloaded: every sentence is
the NOS's own words, picked by fixed rules (`RULES` says them to the reader too), so the same NOS
always gives the same summary. It works for every NOS: the ~300 whose text NOS Hub holds and the
rest, whose catalogue details (title, overview, keywords, occupations, suites, SOC codes) are all
it has. On the Welsh page the Welsh text is used where the NOS holds it.

* **The job function**: the title, and the first sentence of the overview where there is one.
* **Who it is for**: the relevant occupations, the SOC 2020 unit groups, the suites.
* **What a person does / knows**: `PICKED` statements of the performance criteria / knowledge,
  spread evenly through the list (the first, the last and evenly between), each cut to
  `STATEMENT_WORDS` words; of an excerpt, the statement it stops in is never picked.
* **How easy the standard is to read**: the Flesch reading ease of its English text
  (`noshub.lifecycle.readability`; each statement counted as one sentence).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from noshub.core.html import plain_text
from noshub.lifecycle.messages import BAND_LABELS
from noshub.lifecycle.readability import band, flesch_reading_ease, sentence_count

from .nos_view import is_welsh, text_in

PICKED = 5  # statements per list
STATEMENT_WORDS = 20  # words kept of each statement
KEYWORDS = 12  # keywords shown when no text is held
_FIRST_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.S)

RULES = (
    gettext_lazy("The job function is the standard’s title, with the first sentence of its overview where it has one."),
    gettext_lazy("Who it is for lists the occupations, SOC 2020 occupation groups and suites the standard names."),
    gettext_lazy(
        "The things a person does and knows are five statements of the standard, spread evenly from its first to its "
        "last, each cut to its first 20 words (of an excerpt, never the statement it stops in)."
    ),
    gettext_lazy(
        "The readability score is the Flesch reading ease of the standard’s English text (0 to 100: higher is easier; "
        "60 or more is plain English)."
    ),
)


def spread(items: list, n: int = PICKED) -> list:
    """`n` items spread evenly through `items`: the first, the last and evenly between, in order."""
    if len(items) <= n:
        return list(items)
    if n == 1:
        return [items[0]]
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def shorten(text: str, words: int = STATEMENT_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = _FIRST_SENTENCE.match(text)
    return shorten(match.group(1) if match else text, 40)


def _statements(v: dict, name: str, welsh: bool, cut_last: bool) -> dict:
    """`PICKED` statements of a list; `cut_last`: its last one is where an excerpt stops
    mid-sentence (SFHCHS11 ends "using appropriate techn"), never picked."""
    items, lang = text_in(v, name, welsh)
    items = items or []
    pickable = items[:-1] if cut_last and len(items) > 1 else items
    return {"items": [shorten(s["text"]) for s in spread(pickable)], "of": len(items), "lang": lang}


def readability(v: dict) -> dict:
    """The Flesch reading ease of the English overview and statements (one sentence each)."""
    overview = plain_text(v.get("overview") or "")
    statements = [s["text"] for name in ("performance_criteria", "knowledge_and_understanding") for s in v.get(name) or []]
    text = "\n".join([overview, *statements]).strip()
    sentences = len(statements) + (sentence_count(overview) if overview else 0)
    score = flesch_reading_ease(text, sentences=sentences) if text else None
    code = band(score)
    return {
        "score": score,
        "band": code,
        "band_label": _(BAND_LABELS[code]),
        "measured_on": ("text" if statements else "overview") if score is not None else "",
    }


def generate(detail: dict, soc_titles: dict[str, str], language: str) -> dict:
    """The plain-English summary of a NOS (`standard_detail`), JSON-ready, in `language`."""
    welsh = is_welsh(language)
    v = detail["current"] or {}
    title, title_lang = text_in(v, "title", welsh)
    overview, overview_lang = text_in(v, "overview", welsh)
    # An excerpt stops in its last statement: the knowledge's if it reached it, else the criteria's.
    partial, knowledge_held = bool(v.get("text_partial")), bool(v.get("knowledge_and_understanding"))
    does = _statements(v, "performance_criteria", welsh, cut_last=partial and not knowledge_held)
    knows = _statements(v, "knowledge_and_understanding", welsh, cut_last=partial)
    keywords, keywords_lang = text_in(v, "keywords", welsh)
    soc_groups = [
        {"code": c["code"], "title": soc_titles.get(c["code"], "")}
        for c in v.get("soc_codes") or []
        if c.get("classification") == "2020"
    ]
    has_text = bool(does["items"] or knows["items"])
    return {
        "generated": True,
        "has_text": has_text,
        "job_function": {
            "title": title or detail["urn"],
            "title_lang": title_lang,
            "overview": first_sentence(plain_text(overview)) if overview else "",
            "overview_lang": overview_lang,
        },
        "who_it_is_for": {
            "occupations": list(v.get("relevant_occupations") or []),
            "soc_groups": soc_groups,
            "suites": list(v.get("suites") or []),
        },
        "what_a_person_does": does,
        "what_a_person_knows": knows,
        "keywords": {"items": list(keywords or [])[:KEYWORDS] if not has_text else [], "lang": keywords_lang},
        "readability": readability(v),
        "rules": [str(r) for r in RULES],
    }
