"""What a search asks for: `SearchParams`, their limits, and `InvalidParameter` for a bad value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from noshub.core.errors import InvalidParameter
from noshub.themes.declared import THEME_SLUGS
from noshub.themes.reach import CLASSES as REACH_CLASSES

from .evidence import PROVENANCES

VALIDITY_FILTERS = ("current", "legacy", "archive", "all")
SORTS = ("relevance", "title", "date", "evidence")  # evidence: the SOC evidence for `soc` (noshub.search.evidence)
MODES = ("hybrid", "keyword")
COPIES = ("collapse", "all")  # one result per duplicate group, or every copy
MAX_PER_PAGE = 100
MAX_QUERY = 500  # characters of q (the OpenAPI document says the same)
#: Filters on what other apps say of a NOS (`labels`): reach class, theme, work behaviour.
LABEL_FILTERS = ("reach", "theme", "behaviour")
FILTERS = ("validity", "suite", "developer", "category", "soc", "year", "group", "provenance", "min_confidence", *LABEL_FILTERS)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def clean_text(text: str) -> str:
    """User text without control characters (PostgreSQL refuses NUL), at most 500 characters."""
    return "".join(c if c.isprintable() else " " for c in text)[:500]


@dataclass
class SearchParams:
    q: str = ""
    validity: str = "current"
    suite: str = ""
    developer: str = ""
    category: str = ""
    soc: str = ""
    year: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    mode: str = "hybrid"
    include_hidden: bool = False
    copies: str = "collapse"
    group: str = ""  # a duplicate group's key: only its members, every copy shown
    provenance: str = ""  # only NOS whose best SOC evidence under `soc` is confirmed, crosswalk or suggested
    min_confidence: float = 0.0  # … and at least this confident (0 to 1; confirmed and crosswalked codes are 1)
    reach: str = ""  # only NOS of this reach class in force (pan_sector, multi_sector, job_specific; noshub.themes)
    theme: str = ""  # only NOS of this pan-sector theme (its reference NOS and the NOS embedding them)
    behaviour: str = ""  # only NOS that evidence this work behaviour (its slug; noshub.behaviours)

    @classmethod
    def from_query_dict(cls, data) -> SearchParams:
        """Parameters from a GET query dict, validated; bad values raise InvalidParameter."""

        def integer(name: str, default: int | None, low: int, high: int) -> int | None:
            raw = (data.get(name) or "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                # A whole number written as a decimal ("20.0", "2e1") is one, as the API document's
                # JSON Schema counts it; "2.5", "nan" and "inf" are not.
                try:
                    value = _whole(float(raw))
                except ValueError:
                    raise InvalidParameter(name, f"must be a whole number, not {raw[:40]!r}") from None
            if not low <= value <= high:
                raise InvalidParameter(name, f"must be between {low} and {high}")
            return value

        def fraction(name: str) -> float:
            raw = (data.get(name) or "").strip()
            try:
                value = float(raw) if raw else 0.0
            except ValueError:
                raise InvalidParameter(name, f"must be a number from 0 to 1, not {raw[:40]!r}") from None
            if not 0.0 <= value <= 1.0:  # (NaN fails this too)
                raise InvalidParameter(name, "must be a number from 0 to 1")
            return value

        if "soc" in data and not (data.get("soc") or "").strip():  # `soc=`: the schema's 1-4 digits, not "any group"
            raise InvalidParameter("soc", "must be a SOC 2020 code of 1 to 4 digits, not empty")
        q = data.get("q") or ""
        if len(q) > MAX_QUERY:  # said, not silently cut (a longer q also made pages of ~0.5 MB)
            raise InvalidParameter("q", f"must be at most {MAX_QUERY} characters, not {len(q)}")
        params = cls(
            q=clean_text(q),
            validity=(data.get("validity") or "current").strip().lower(),
            suite=clean_text(data.get("suite") or "").strip(),
            developer=clean_text(data.get("developer") or "").strip(),
            category=(data.get("category") or "").strip().lower(),
            soc=(data.get("soc") or "").strip(),
            year=integer("year", None, 1900, 2100),
            sort=(data.get("sort") or "relevance").strip().lower(),
            page=integer("page", 1, 1, 10_000),
            per_page=integer("per_page", 20, 1, MAX_PER_PAGE),
            mode=(data.get("mode") or "hybrid").strip().lower(),
            copies=(data.get("copies") or "collapse").strip().lower(),
            group=(data.get("group") or "").strip().lower(),
            provenance=(data.get("provenance") or "").strip().lower(),
            min_confidence=fraction("min_confidence"),
            reach=(data.get("reach") or "").strip().lower(),
            theme=(data.get("theme") or "").strip().lower(),
            behaviour=(data.get("behaviour") or "").strip().lower(),
        )
        params.validate()
        return params

    def validate(self) -> None:
        if self.validity not in VALIDITY_FILTERS:
            raise InvalidParameter("validity", f"must be one of {', '.join(VALIDITY_FILTERS)}")
        if self.sort not in SORTS:
            raise InvalidParameter("sort", f"must be one of {', '.join(SORTS)}")
        if self.mode not in MODES:
            raise InvalidParameter("mode", f"must be one of {', '.join(MODES)}")
        if self.category and self.category not in ("core", "generic", "job_specific", "none"):
            raise InvalidParameter("category", "must be core, generic, job_specific or none")
        if self.soc and not (self.soc.isdigit() and 1 <= len(self.soc) <= 4):
            raise InvalidParameter("soc", "must be a SOC 2020 code of 1 to 4 digits")
        if self.copies not in COPIES:
            raise InvalidParameter("copies", f"must be one of {', '.join(COPIES)}")
        if self.group and not (len(self.group) == 40 and all(c in "0123456789abcdef" for c in self.group)):
            raise InvalidParameter("group", "must be a duplicate group's key (40 hexadecimal digits)")
        if self.provenance and self.provenance not in PROVENANCES:
            raise InvalidParameter("provenance", f"must be one of {', '.join(PROVENANCES)}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise InvalidParameter("min_confidence", "must be a number from 0 to 1")
        if self.reach and self.reach not in REACH_CLASSES:
            raise InvalidParameter("reach", f"must be one of {', '.join(REACH_CLASSES)}")
        if self.theme and self.theme not in THEME_SLUGS:
            raise InvalidParameter("theme", f"must be one of {', '.join(THEME_SLUGS)}")
        if self.behaviour and not _SLUG.fullmatch(self.behaviour):
            raise InvalidParameter("behaviour", "must be a behaviour's slug (lower-case letters, digits and hyphens)")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidParameter("page", f"page must be 1 or more and per_page 1 to {MAX_PER_PAGE}")

    def filters(self) -> dict:
        found = {
            k: getattr(self, k)
            for k in FILTERS
            if getattr(self, k)
        }
        if self.shows_every_copy:
            found["copies"] = "all"
        return found

    def query_string(self, **changes) -> str:
        """These parameters as a URL query (defaults left out), with `changes`; page 1."""
        values = {
            k: getattr(self, k)
            for k in ("q", "validity", "suite", "developer", "category", "soc", "year", "sort", "provenance", "min_confidence")
            + LABEL_FILTERS
        }
        values |= {"per_page": self.per_page, "mode": self.mode, "copies": self.copies, "group": self.group, **changes}
        defaults = {"validity": "current", "sort": "relevance", "per_page": 20, "mode": "hybrid", "copies": "collapse", "min_confidence": 0.0}
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v})

    @property
    def shows_every_copy(self) -> bool:
        """Every copy of a duplicate NOS is its own result (asked for, or one group's copies)."""
        return self.copies == "all" or bool(self.group)


def _whole(number: float) -> int:
    """`number` as an int when it is whole (20.0, 2e1); ValueError for 2.5, nan and inf."""
    if not number.is_integer():
        raise ValueError(number)
    return int(number)
