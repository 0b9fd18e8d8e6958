"""NOS titles as keys: the forms in which two titles are compared.

* `clean_title`: a title without the marks of its catalogue life ("… Legacy", a leading unit
  number); what duplicate detection and the SOC coder read.
* `title_match_key`: the title's wording, lower-cased, without punctuation or the word "legacy";
  two records carry the same title when their keys are equal (the store's check for a reused
  URN, `noshub.core.titles.same_standard`, and the lifecycle's check for a draft's title).
* `title_content_key`: the title's stemmed content words; duplicate detection groups titles that
  say the same thing in other function words ("Prepare and cook soups" / "Prepare, cook soups").
"""

from __future__ import annotations

import re

from .plain import content_words, strip_tags

# The status the catalogue writes at the end of a title ("… Legacy", "… - Legacy", "(Legacy)",
# once doubled); "a plan for legacy fundraising" keeps its word.
_LEGACY = re.compile(r"(?:[-–(\s]*\blegacy\b[)\s]*)+$", re.I)
_LEADING_NUMBER = re.compile(r"^\s*[\d.]+\s+")


def clean_title(title: str) -> str:
    """A title without the marks of its catalogue life: "- Legacy", "(Legacy)", a leading unit number."""
    return _LEADING_NUMBER.sub("", _LEGACY.sub("", strip_tags(title))).strip(" .-")


def title_match_key(title: str) -> str:
    """A title's wording: lower case, punctuation and the word "legacy" dropped, spaces normalised."""
    text = re.sub(r"\blegacy\b", " ", (title or "").lower())
    text = re.sub(r"[^\w ]+", " ", text)
    return " ".join(text.split())


def title_content_key(title: str) -> str:
    """A title reduced to its content words (stemmed, stop words and the word 'legacy' dropped)."""
    return " ".join(content_words(clean_title(title)))
