"""URNs: the unique reference numbers of NOS, and how to compare them."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")

#: Joins a URN's key and a variant number in the slug of a standard that reused a URN
#: (``SFSCSH8~2``); so it cannot be part of a URN.
VARIANT_SEPARATOR = "~"
#: The longest URN NOS Hub stores (the database columns of a URN and its key).
URN_MAX_LENGTH = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise_urn(raw: str) -> str:
    """The lookup key of a URN: no spaces, upper case, ``&`` written as ``_``.

    ``CFAM&LBB4``, ``cfam_lbb4`` and ``CFAM LBB4`` all give ``CFAM_LBB4``.
    """
    return _SPACE.sub("", raw).upper().replace("&", "_")


def clean_urn(raw: object) -> str:
    """The URN as written, stripped of surrounding white space; "" for nothing."""
    if raw is None:
        return ""
    return str(raw).strip()


def urn_problem(urn: str) -> str | None:
    """Why a URN (as `clean_urn` gives it) cannot be stored, or None when it can."""
    if VARIANT_SEPARATOR in urn:
        return (
            f"a URN cannot contain {VARIANT_SEPARATOR!r}: NOS Hub uses it to number the standards "
            f"that share a URN (e.g. SFSCSH8{VARIANT_SEPARATOR}2): {urn!r}"
        )
    if _CONTROL.search(urn):
        return f"a URN cannot contain control characters: {urn!r}"
    if len(urn) > URN_MAX_LENGTH:
        return f"longer than {URN_MAX_LENGTH} characters ({len(urn)})"
    return None
