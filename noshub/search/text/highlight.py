"""Marking query words in titles and snippets, safely."""

from __future__ import annotations

import html
import re

from noshub.core.text import prefix_stem

from .query import fold


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped as HTML, each word starting like a query word wrapped in <mark>."""
    stems = tuple({prefix_stem(fold(w)) for w in words if len(w) > 1})
    if not stems:
        return html.escape(text)
    out: list[str] = []
    for token in re.split(r"(\W+)", text):
        if token and fold(token).startswith(stems):  # (any of them)
            out.append(f"<mark>{html.escape(token)}</mark>")
        else:
            out.append(html.escape(token))
    return "".join(out)


def snippet(body: str, words: list[str], length: int = 220) -> str:
    """The first sentence of `body` that holds a query word (else its start), cut to `length`."""
    if not body:
        return ""
    sentences = [s.strip() for s in re.split(r"(?<=[.;:!?])\s+|\n+", body) if s.strip()]
    stems = [prefix_stem(fold(w)) for w in words if len(w) > 2]
    chosen = next((s for s in sentences if any(st in fold(s) for st in stems)), sentences[0] if sentences else "")
    return chosen if len(chosen) <= length else chosen[: length - 1].rsplit(" ", 1)[0] + "…"
