"""Plain English: the Flesch reading ease score, computed here with no downloads.

    score = 206.835 − 1.015 × (words / sentences) − 84.6 × (syllables / words)

(Rudolf Flesch, "A new readability yardstick", Journal of Applied Psychology, 1948.)
90–100 very easy, 60–70 plain English, 30–50 difficult, below 30 very difficult.

Syllables are counted with the usual vowel-group rule (a run of vowels is one syllable; a
silent final "e" is dropped; "-le" after a consonant adds one; every word has at least one).
The rule is right for most words and close for the rest: good enough to compare sections
and to flag hard ones, which is all the quality checks ask of it.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    w = word.lower().strip("'’")
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        count -= 1
    elif w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy":
        pass  # "-ble", "-tle": the "e" is sounded with the "l" and was counted
    if w.endswith(("es", "ed")) and not w.endswith(("ted", "ded", "ses", "zes", "ces", "ges", "xes", "shes", "ches")):
        count -= 1
    return max(1, count)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    parts = [p for p in _SENTENCE_END.split(text) if words(p)]
    return max(1, len(parts))


def flesch_reading_ease(text: str, sentences: int | None = None) -> float | None:
    """The score of a text; `sentences` overrides the count (a list of statements: one each).

    None when the text has no words.
    """
    ws = words(text)
    if not ws:
        return None
    n_sentences = sentences if sentences else sentence_count(text)
    n_syllables = sum(syllables(w) for w in ws)
    score = 206.835 - 1.015 * (len(ws) / n_sentences) - 84.6 * (n_syllables / len(ws))
    return round(score, 1)


def band(score: float | None) -> str:
    if score is None:
        return "no text"
    if score >= 80:
        return "easy"
    if score >= 60:
        return "plain English"
    if score >= 50:
        return "fairly difficult"
    if score >= 30:
        return "difficult"
    return "very difficult"
