"""Marking query words in titles and snippets, safely."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from noshub.core.text import prefix_stem

from .query import fold

_BETWEEN_WORDS = re.compile(r"(\W+)")


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped as HTML, each word starting like a query word wrapped in <mark>."""
    stems = _stems(tuple(words))
    if not stems:
        return html.escape(text)
    # Words and what lies between them, alternately (a word first, perhaps empty). A word is made
    # of word characters only, none of which HTML escapes: only what lies between is escaped.
    parts = _BETWEEN_WORDS.split(text)
    for k in range(0, len(parts), 2):
        if parts[k] and fold(parts[k]).startswith(stems):  # (any of them)
            parts[k] = f"<mark>{parts[k]}</mark>"
    for k in range(1, len(parts), 2):
        if parts[k] != " ":
            parts[k] = html.escape(parts[k])
    return "".join(parts)


@lru_cache(maxsize=256)
def _stems(words: tuple[str, ...]) -> tuple[str, ...]:
    """The stems `highlight` marks, once for a search's words (its 20 titles and snippets ask)."""
    return tuple({prefix_stem(fold(w)) for w in words if len(w) > 1})


def snippet(body: str, words: list[str], length: int = 220) -> str:
    """The first sentence of `body` that holds a query word (else its start), cut to `length`."""
    if not body:
        return ""
    sentences = [s.strip() for s in re.split(r"(?<=[.;:!?])\s+|\n+", body) if s.strip()]
    stems = [prefix_stem(fold(w)) for w in words if len(w) > 2]
    chosen = next((s for s in sentences if any(st in fold(s) for st in stems)), sentences[0] if sentences else "")
    return chosen if len(chosen) <= length else chosen[: length - 1].rsplit(" ", 1)[0] + "…"
