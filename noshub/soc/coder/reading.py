"""How the SOC coder reads text: words (the toolkit's occupation stop words and `suffix_stem`),
the clean title, the texts it compares, and its TF-IDF vectoriser."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from noshub.core.text import OCCUPATION_STOP_WORDS, clean_title, suffix_stem

from .records import CoderText

_WORD = re.compile(r"[a-z][a-z0-9]+")
#: word → its stem, or "" for a stop word: each word is looked up once (the coder reads the
#: same words hundreds of thousands of times in a fit)
_stem_cache: dict[str, str] = {}


def _tokens(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        s = _stem_cache.get(w)
        if s is None:
            s = _stem_cache[w] = "" if w in OCCUPATION_STOP_WORDS else suffix_stem(w)
        if s:
            out.append(s)
    return out


@lru_cache(maxsize=65536)
def _clean_title(title: str) -> str:
    return clean_title(title) or title


def _title(nos: CoderText) -> str:
    """The title as the coder reads it: without the marks of its catalogue life (`clean_title`:
    the status "… Legacy" that ends 843 coded NOS titles says nothing of the occupation and
    makes unrelated legacy NOS alike; a leading unit number)."""
    return _clean_title(nos.title)


def _first_word(text: str) -> str:
    words = _WORD.findall(text.lower())
    return words[0] if words else ""


def _analyzer(text: str) -> list[str]:
    toks = _tokens(text)
    return toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


def _full_text(nos: CoderText) -> str:
    title = _title(nos)
    parts = [title, title, nos.overview, " ".join(nos.criteria[:30])]
    parts += [" ; ".join(nos.occupations), " ; ".join(nos.keywords), " ; ".join(nos.suites), " ; ".join(nos.suites)]
    return " \n".join(p for p in parts if p)


def _context_text(nos: CoderText) -> str:
    """What a NOS says about its occupation besides its own wording: occupations and suites."""
    return " ; ".join((*nos.occupations, *nos.suites))


@lru_cache(maxsize=65536)
def _norm_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, min_df=1, dtype=np.float32)
