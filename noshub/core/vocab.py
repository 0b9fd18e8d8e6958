"""Controlled vocabularies of the NOS template and the variants real data uses for them."""

from __future__ import annotations

import re
from datetime import date, datetime

from noshub.core.errors import RecordRejected
from noshub.core.names import split_outside_entities

VALIDITY = ("current", "legacy", "archive")
STATUS = ("original", "tailored")
CATEGORY = ("core", "generic", "job_specific")

_VALIDITY_VARIANTS = {"current": "current", "legacy": "legacy", "archive": "archive", "archived": "archive"}
_STATUS_VARIANTS = {"original": "original", "tailored": "tailored"}
_CATEGORY_VARIANTS = {
    "core": "core",
    "generic": "generic",
    "jobspecific": "job_specific",
    "job specific": "job_specific",
    "job-specific": "job_specific",
    "job_specific": "job_specific",
}

# The NOS database stores "no review date" as a date in 1905 (1905-03-14, shown as
# 1905-03-15 in some exports). No NOS was approved before the 1980s.
PLACEHOLDER_BEFORE = date(1950, 1, 1)


def _lookup(value: object, variants: dict[str, str], field: str) -> str:
    if value is None:
        return ""
    key = " ".join(str(value).split()).lower()
    if not key:
        return ""
    try:
        return variants[key]
    except KeyError:
        allowed = ", ".join(sorted(set(variants.values())))
        raise RecordRejected(field, f"unknown value {str(value)!r} (expected one of: {allowed})") from None


def normalise_validity(value: object, field: str = "Validity") -> str:
    """``Current``/``LEGACY``/``legacy``/``Archive`` → ``current``/``legacy``/``archive``; blank → ""."""
    return _lookup(value, _VALIDITY_VARIANTS, field)


def normalise_status(value: object, field: str = "Status") -> str:
    return _lookup(value, _STATUS_VARIANTS, field)


def normalise_category(value: object, field: str = "NOSCategory") -> str:
    return _lookup(value, _CATEGORY_VARIANTS, field)


_DATE_FORMATS = ("%Y-%m-%d", "%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S")


def parse_date(value: object, field: str) -> date | None:
    """A date from a spreadsheet cell or a JSON string (``dd mm ccyy`` and ISO forms)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = " ".join(str(value).split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", text):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise RecordRejected(field, f"not a date: {text!r}")


def review_date(value: object, field: str = "Indicative Review Date") -> tuple[date | None, str]:
    """The indicative review date and its raw form; placeholders become no date."""
    raw = "" if value is None else (value.date().isoformat() if isinstance(value, datetime) else str(value).strip())
    parsed = parse_date(value, field)
    if parsed is not None and parsed < PLACEHOLDER_BEFORE:
        return None, raw
    return parsed, raw


def split_list(value: object) -> tuple[str, ...]:
    """A ``;``-separated lookup value (suites, occupations) as a tuple, order kept, blanks and
    repeats gone; the ``;`` of an HTML entity (``&nbsp;``) separates nothing."""
    if value is None:
        return ()
    items: list[str] = []
    for part in split_outside_entities(str(value)):
        item = " ".join(part.split())
        if item and item not in items:
            items.append(item)
    return tuple(items)


def split_keywords(value: object) -> tuple[str, ...]:
    """Keywords arrive separated by ``;`` or ``,``; they are compared case-insensitively."""
    if value is None:
        return ()
    items: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[;,]", str(value)):
        item = " ".join(part.split()).strip(" .")
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return tuple(items)


_SOC_SPLIT = re.compile(r"[;,/\s]+")


def split_soc_codes(value: object, field: str = "SOC Code") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """SOC codes as written (``"3113; 5330; 8126"``, ``"1150, 2462"``, a bare number).

    Returns (well-formed four-digit codes, malformed tokens). Malformed tokens are kept for
    the quality report rather than dropped.
    """
    if value is None:
        return (), ()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    good: list[str] = []
    bad: list[str] = []
    for token in _SOC_SPLIT.split(str(value).strip()):
        if not token:
            continue
        if re.fullmatch(r"\d{4}", token):
            if token not in good:
                good.append(token)
        else:
            bad.append(token)
    return tuple(good), tuple(bad)
