"""Is a URN reused for another standard, or is a changed title just a revision?

The catalogue holds records that share a URN. Most are versions of one standard (a legacy
version and its current replacement, titles reworded a little). Some URNs were reused for
different standards ("Lift and handle goods safely" / "Reconcile cash and coin"). The rule,
measured on the 1,355 shared URNs of the 2019 catalogue:

two titles name the same standard when, after lower-casing, dropping punctuation and the
word "legacy", their character similarity (difflib ratio) is at least 0.6, or at least 75%
of the content words of the shorter title appear in the longer one.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from noshub.core.text import TITLE_STOP_WORDS, title_match_key

SIMILARITY_THRESHOLD = 0.6
CONTAINMENT_THRESHOLD = 0.75


def _significant_words(key: str) -> set[str]:
    return {w for w in key.split() if w not in TITLE_STOP_WORDS}


def same_standard(title_a: str, title_b: str) -> bool:
    a, b = title_match_key(title_a), title_match_key(title_b)
    if a == b:
        return True
    if not a or not b:
        return True  # a missing title is no evidence of a different standard
    if SequenceMatcher(None, a, b).ratio() >= SIMILARITY_THRESHOLD:
        return True
    wa, wb = _significant_words(a), _significant_words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= CONTAINMENT_THRESHOLD


def title_similarity(title_a: str, title_b: str) -> float:
    """How alike two titles are, from 0 to 1: the larger of the two measures `same_standard`
    puts a threshold on (character similarity, share of the shorter title's content words in
    the longer). Used to choose between standards that both name a record's standard; 0 when
    either title is missing."""
    a, b = title_match_key(title_a), title_match_key(title_b)
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    wa, wb = _significant_words(a), _significant_words(b)
    if not wa or not wb:
        return ratio
    return max(ratio, len(wa & wb) / min(len(wa), len(wb)))
