"""Text that may hold HTML, reduced to its words for comparison.

`strip_tags` is the cheap reduction used where text is compared, not shown: tags become
spaces, entities are decoded, runs of white space become one space; text without tags passes
through with only its spaces normalised. (The words of sanitised NOS HTML in reading order,
paragraphs then list items, are `noshub.core.html.plain_text`, which parses the HTML.)
`content_words` is what duplicate detection compares: the stemmed words that carry meaning.
"""

from __future__ import annotations

import html
import re

from .stemming import light_stem
from .stopwords import SIMILARITY_STOP_WORDS

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")


def strip_tags(value: str) -> str:
    """HTML to plain text: tags become spaces, entities are decoded."""
    if not value:
        return ""
    if "<" in value:
        value = _TAG.sub(" ", value)
    return " ".join(html.unescape(value).split())


def content_words(text: str) -> list[str]:
    """Content words of a text, stemmed, in order."""
    return [light_stem(w) for w in _WORD.findall(strip_tags(text).lower()) if w not in SIMILARITY_STOP_WORDS]
