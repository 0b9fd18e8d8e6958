"""URNs: the unique reference numbers of NOS, and how to compare them."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


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
