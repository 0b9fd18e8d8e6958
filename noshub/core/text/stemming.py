"""The stemmers: three light ones, each kept as its reader was tuned with it.

They are not one stemmer because each user was measured with its own, and swapping one for
another changes results ("nurses": `light_stem` keeps "nurse", `suffix_stem` gives "nurs";
"organisation": `prefix_stem` gives "organisat", `suffix_stem` "organis", `light_stem` leaves it whole):

* `light_stem`: plurals, -ing/-ed and -ize → -ise; for comparing NOS text (duplicate
  detection, `noshub.core.textsim`).
* `prefix_stem`: the first letters of a word; marks the words of a result that start like a
  query word (search highlighting).
* `suffix_stem`: plurals, up to two derivational suffixes and a final e; makes NOS wording and
  ONS occupation wording meet (the SOC coder).
"""

from __future__ import annotations


def light_stem(word: str) -> str:
    """A deliberately light stemmer: enough to match 'customers'/'customer', 'organize'/'organise'."""
    if len(word) <= 3 or word.isdigit():
        return word
    for american, british in (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("izes", "ises"), ("ize", "ise")):
        if word.endswith(american):
            word = word[: -len(american)] + british
            break
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    else:
        return word
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # planning -> plann -> plan
    return word


def prefix_stem(word: str) -> str:
    """The start of a word that its other forms share: enough that "welding" marks "weld" and
    "organise" marks "organisation" (the word less its last three letters, at least four)."""
    return word[: max(4, len(word) - 3)] if len(word) > 5 else word


_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ers",
    "er",
    "ors",
    "or",
    "ists",
    "ist",
    "ed",
    "al",
    "ive",
    "ity",
)


def suffix_stem(word: str) -> str:
    """A light stemmer, the same for NOS and ONS text: plural, then up to two suffixes, then
    a final e (nurse, nurses, nursing → nurs; plasterer, plastering → plast)."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word
