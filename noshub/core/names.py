"""Names of suites and developers: how a source's spelling is cleaned, and when two spellings
are one name.

The catalogue writes one suite or developer in several ways: HTML entities left in the text
("Achieving Excellence in Sports Performance&nbsp"), a hyphen or an en dash ("Accident Repair -
Joining", "Accident Repair – Joining"), a revision note after the name ("… (Inc Change June
2007)"), a parenthesis left open ("Plant Operations (Construction"), or the case and spacing of
the words (OPITO / Opito, Construction Skills / ConstructionSkills). The rule, in two parts:

1. `clean_name` gives the name as NOS Hub shows it: HTML entities decoded (with or without
   their ``;``), Unicode compatibility forms folded (NFKC: a full-width ``＆`` is ``&``), every
   run of white space one space, every dash (hyphen, en dash, em dash, minus …) a hyphen-minus,
   a parenthesis left open at the end closed, and trailing *change notes* dropped: a
   parenthesis that begins "Inc Change", "Inc. Changes", "Including changes" (the catalogue's
   notes of an amendment to a suite). Other parentheses are part of the name: "(2013)" tells an
   edition of a suite from another, "(Construction)" the industry, "(reviewed 2009)" a review.
   A name that has visible characters never cleans to nothing: if dropping its notes would
   leave nothing, the notes stay.
2. `name_key` says which cleaned names are one name: compared without case, accents, spaces or
   punctuation, with ``&`` read as "and". Spellings with equal keys are merged under one name;
   the spellings the sources used are kept as aliases (`noshub.catalogue.names`), where a
   reviewer can list them and undo a merge.

Both are pure and idempotent: ``clean_name(clean_name(x)) == clean_name(x)``.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: A trailing revision note: "(Inc Change June 2007)", "(Inc. Changes 2010)", "(including change …)".
CHANGE_NOTE = re.compile(r"\s*\(\s*inc(?:l(?:uding)?)?\.?\s+changes?\b[^()]*\)\s*$", re.IGNORECASE)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
_SPACE = re.compile(r"\s+")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_KEY_DROP = re.compile(r"[\W_]+")
_ENTITY_ROUNDS = 4  # "&amp;nbsp;" is an entity written as an entity: decode until nothing changes


_ENTITY_END = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})$")


def split_outside_entities(text: str, separator: str = ";") -> list[str]:
    """`text` split at `separator`, except where it ends an HTML entity: the catalogue's
    "Achieving Excellence in Sports Performance&nbsp; (Inc Change June 2007); Equine" is two
    suites, not three."""
    parts: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char != separator:
            continue
        entity = _ENTITY_END.search(text, start, i)
        if entity and html.unescape(entity.group() + ";") != entity.group() + ";":
            continue
        parts.append(text[start:i])
        start = i + 1
    parts.append(text[start:])
    return parts


def _decode_entities(text: str) -> str:
    for _ in range(_ENTITY_ROUNDS):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _tidy(text: str) -> str:
    for _ in range(8):  # closing a parenthesis can make an empty one, and so on: until nothing changes
        tidier = _tidy_once(text)
        if tidier == text:
            break
        text = tidier
    return text


def _tidy_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", _decode_entities(text))
    text = _INVISIBLE.sub("", text)
    text = _DASHES.sub("-", text)
    text = _SPACE.sub(" ", text).strip()
    if text.rfind("(") > text.rfind(")"):  # "Plant Operations (Construction"
        text += ")"
    text = _EMPTY_PARENS.sub("", text)
    return _SPACE.sub(" ", text).strip(" ,;:")


def clean_name(raw: str) -> str:
    """The name as NOS Hub shows it (the rule is in this module's docstring)."""
    text = _tidy(raw or "")
    while True:
        shorter = CHANGE_NOTE.sub("", text)
        if shorter == text or not _tidy(shorter):
            return text
        text = _tidy(shorter)


def change_note(raw: str) -> str:
    """The change notes `clean_name` drops from a name ("" when none)."""
    tidy = _tidy(raw or "")
    clean = clean_name(raw)
    return tidy[len(clean) :].strip() if tidy != clean else ""


def name_key(name: str) -> str:
    """Which names are one: the cleaned name without case, accents, spaces or punctuation,
    ``&`` read as "and" (ConstructionSkills = Construction Skills, OPITO = Opito)."""
    text = unicodedata.normalize("NFKD", clean_name(name).replace("&", " and "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _KEY_DROP.sub("", text.casefold())
