"""British and American spellings, and a few synonyms NOS users search by.

NOS are written in British English; users (and other standards systems such as O*NET) also
write American English. Each query word is expanded to its other spelling.
"""

from __future__ import annotations

# Irregular pairs (British, American); regular -ise/-ize, -our/-or, -tre/-ter are handled by rules.
_PAIRS = [
    ("aluminium", "aluminum"),
    ("anaesthetic", "anesthetic"),
    ("analyse", "analyze"),
    ("catalogue", "catalog"),
    ("cheque", "check"),
    ("defence", "defense"),
    ("enrol", "enroll"),
    ("fulfil", "fulfill"),
    ("grey", "gray"),
    ("haemorrhage", "hemorrhage"),
    ("jewellery", "jewelry"),
    ("kerb", "curb"),
    ("licence", "license"),
    ("manoeuvre", "maneuver"),
    ("offence", "offense"),
    ("oesophagus", "esophagus"),
    ("paediatric", "pediatric"),
    ("practise", "practice"),
    ("programme", "program"),
    ("tyre", "tire"),
    ("storey", "story"),
    ("plough", "plow"),
    ("mould", "mold"),
    ("sceptic", "skeptic"),
    ("draught", "draft"),
    ("orthopaedic", "orthopedic"),
    ("foetal", "fetal"),
    ("oestrogen", "estrogen"),
    ("haematology", "hematology"),
    ("anaemia", "anemia"),
    ("ageing", "aging"),
    ("judgement", "judgment"),
    ("acknowledgement", "acknowledgment"),
    ("cosy", "cozy"),
    ("pyjamas", "pajamas"),
    ("sulphur", "sulfur"),
    ("travelled", "traveled"),
    ("labelled", "labeled"),
    ("modelling", "modeling"),
    ("cancelled", "canceled"),
    ("fuelled", "fueled"),
    ("counsellor", "counselor"),
    ("counselling", "counseling"),
    ("signalling", "signaling"),
    ("levelling", "leveling"),
    ("jewellers", "jewelers"),
]
# Words whose -our/-ise endings are not spelling variants.
_NOT_VARIANTS = frozenset(
    {
        "four",
        "hour",
        "your",
        "our",
        "pour",
        "tour",
        "flour",
        "sour",
        "course",
        "source",
        "resource",
        "exercise",
        "advertise",
        "enterprise",
        "expertise",
        "franchise",
        "merchandise",
        "premise",
        "promise",
        "supervise",
        "surprise",
        "wise",
        "otherwise",
        "raise",
        "praise",
        "noise",
        "poise",
        "rise",
        "arise",
        "precise",
        "concise",
        "devise",
        "revise",
        "televise",
        "compromise",
        "demise",
        "disguise",
        "excise",
        "incise",
        "improvise",
        "despise",
        "chastise",
        "comprise",
        "guise",
    }
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    # Job words people search by that NOS write differently.
    "forklift": ("lift truck", "fork lift"),
    "hgv": ("large goods vehicle", "lorry"),
    "lgv": ("large goods vehicle", "lorry"),
    "lorry": ("large goods vehicle", "hgv"),
    "cook": ("chef", "culinary"),
    "chef": ("cook", "culinary", "kitchen"),
    "carer": ("care worker", "care assistant"),
    "plumber": ("plumbing",),
    "electrician": ("electrical installation",),
    "hairdresser": ("hairdressing",),
    "barber": ("barbering",),
    "welder": ("welding",),
    "bricklayer": ("bricklaying", "brickwork"),
    "nurse": ("nursing",),
    "teacher": ("teaching",),
    "driver": ("driving",),
    "cleaner": ("cleaning",),
    "security guard": ("security officer",),
    "it": ("information technology", "digital"),
    "ict": ("information technology", "digital"),
    "hr": ("human resources",),
    "h&s": ("health and safety",),
}

_BRIT_TO_US = dict(_PAIRS)
_US_TO_BRIT = {us: brit for brit, us in _PAIRS}


# Roots whose -our (British) / -or (American) endings are spelling variants.
_OUR_ROOTS = (
    "col",
    "lab",
    "behavi",
    "fav",
    "harb",
    "hon",
    "hum",
    "neighb",
    "od",
    "rum",
    "vap",
    "vig",
    "endeav",
    "flav",
    "savi",
    "arm",
    "parl",
    "rig",
    "splend",
    "tum",
    "val",
    "clam",
    "glam",
    "ard",
)
# Roots whose -tre (British) / -ter (American) endings are spelling variants.
_TRE_ROOTS = ("cen", "me", "li", "thea", "fib", "calib", "somb", "spec", "lus", "sab", "sepul")
_ISE_ENDINGS = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
)


def spelling_variants(word: str) -> tuple[str, ...]:
    """Other spellings of one lower-case word (not including the word itself)."""
    found: list[str] = []
    for table in (_BRIT_TO_US, _US_TO_BRIT):
        if word in table:
            found.append(table[word])
    if not found and word not in _NOT_VARIANTS and len(word) > 4:
        for brit, us in sorted(_ISE_ENDINGS, key=lambda p: -len(p[0])):
            if word.endswith(brit):
                found.append(word[: -len(brit)] + us)
                break
            if word.endswith(us):
                found.append(word[: -len(us)] + brit)
                break
    for suffix in ("", "s", "ed", "ing", "ful", "al"):
        stem = word[: len(word) - len(suffix)] if suffix else word
        if suffix and not word.endswith(suffix):
            continue
        if stem.endswith("our") and stem[:-3] in _OUR_ROOTS:
            found.append(stem[:-3] + "or" + suffix)
        elif stem.endswith("or") and stem[:-2] in _OUR_ROOTS:
            found.append(stem[:-2] + "our" + suffix)
        elif stem.endswith("tre") and stem[:-3] in _TRE_ROOTS:
            found.append(stem[:-3] + "ter" + suffix)
        elif stem.endswith("ter") and stem[:-3] in _TRE_ROOTS:
            found.append(stem[:-3] + "tre" + suffix)
    return tuple(dict.fromkeys(f for f in found if f != word))
