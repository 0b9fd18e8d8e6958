"""The NOS document model: every field of the NOS common template, English and Welsh.

A `NosDocument` is one version of one standard as some source describes it. It is a plain
value object: persistence, versioning and provenance live in the `catalogue` app.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime

from noshub.core.errors import RecordRejected
from noshub.core.urns import URN_MAX_LENGTH, urn_problem

# Text sections of the template, in the order a NOS prints them. Each has a Welsh
# counterpart; the Welsh names are those of the NOS system's own column list.
# Statement lists (P1, P2 … / K1, K2 …), stored as [{"ref", "text"}], with their refs' prefix.
LIST_SECTIONS: tuple[str, ...] = ("performance_criteria", "knowledge_and_understanding")
STATEMENT_PREFIXES: dict[str, str] = {"performance_criteria": "P", "knowledge_and_understanding": "K"}
# The prose that follows the statements: scope/range, values, behaviours, skills, glossary.
FREE_TEXT_SECTIONS: tuple[str, ...] = (
    "scope_range",
    "scope_range_performance_criteria",
    "scope_range_knowledge_and_understanding",
    "values",
    "behaviours",
    "skills",
    "glossary",
)
# The last two sections: references to other NOS and to other documents.
LINK_SECTIONS: tuple[str, ...] = ("links_to_other_nos", "external_links")
# Every section held as (sanitised) HTML, in print order.
HTML_SECTIONS: tuple[str, ...] = ("overview", *FREE_TEXT_SECTIONS, *LINK_SECTIONS)
# Every section below the title, in print order: what a NOS page shows as its body.
BODY_SECTIONS: tuple[str, ...] = ("overview", *LIST_SECTIONS, *FREE_TEXT_SECTIONS, *LINK_SECTIONS)
# Every text field of the template in print order: the title, then the body.
TEXT_SECTIONS: tuple[str, ...] = ("title", *BODY_SECTIONS)
# The fields of a `WelshText`, in order: every text field and the keywords.
WELSH_SECTIONS: tuple[str, ...] = (*TEXT_SECTIONS, "keywords")


def welsh_column(name: str) -> str:
    """The stored column of a field's Welsh text: ``overview`` → ``overview_cy``."""
    return f"{name}_cy"


# The stored columns of the template's text (see `text_columns`), English then Welsh.
WELSH_COLUMNS: tuple[str, ...] = tuple(welsh_column(name) for name in WELSH_SECTIONS)
TEMPLATE_COLUMNS: tuple[str, ...] = (*TEXT_SECTIONS, *WELSH_COLUMNS)

SECTION_LABELS: dict[str, tuple[str, str]] = {
    # field: (English label, Welsh label): the NOS system's own names (its column list), where they read
    # as Welsh; the interface's words where the column name is a code ("NOSCategori", "SOC Cod").
    "title": ("Title", "Teitl"),
    "overview": ("Overview", "Trosolwg"),
    "performance_criteria": ("Performance criteria", "Meini prawf perfformiad"),
    "knowledge_and_understanding": ("Knowledge and understanding", "Gwybodaeth a dealltwriaeth"),
    "scope_range": ("Scope/range", "Cwmpas/Ystod"),
    "scope_range_performance_criteria": (
        "Scope/range related to performance criteria",
        "Cwmpas/Ystod cysylltiedig â meini prawf perfformiad",
    ),
    "scope_range_knowledge_and_understanding": (
        "Scope/range related to knowledge and understanding",
        "Cwmpas/Ystod cysylltiedig â gwybodaeth a dealltwriaeth",
    ),
    "values": ("Values", "Gwerthoedd"),
    "behaviours": ("Behaviours", "Ymddygiadau"),
    "skills": ("Skills", "Sgiliau"),
    "glossary": ("Glossary", "Geirfa"),
    "links_to_other_nos": ("Links to other NOS", "Cysylltiadau â SGC eraill"),
    "external_links": ("External links", "Cysylltiadau Allanol"),
    "developed_by": ("Developed by", "Datblygwyd gan"),
    "version_number": ("Version number", "Fersiwn rhif"),
    "date_approved": ("Date approved", "Dyddiad cymeradwyo"),
    "indicative_review_date": ("Indicative review date", "Dyddiad adolygu dangosol"),
    "validity": ("Validity", "Dilysrwydd"),
    "status": ("Status", "Statws"),
    "originating_organisation": ("Originating organisation", "Sefydliad gwreiddiol"),
    "original_urn": ("Original URN", "RCU gwreiddiol"),
    "relevant_occupations": ("Relevant occupations", "Galwedigaethau perthnasol"),
    "suites": ("Suites", "Cyfresi"),  # the NOS system's column: "Cyfres/Set"
    "keywords": ("Keywords", "Geiriau Allweddol"),
    "soc_codes": ("SOC codes", "Codau SOC"),  # the NOS system's column: "SOC Cod"
    "category": ("NOS category", "Categori SGC"),  # the NOS system's column: "NOSCategori"
}


@dataclass(frozen=True)
class Statement:
    """One numbered statement of a list section: performance criterion P3, knowledge item K12."""

    ref: str
    text: str


@dataclass(frozen=True)
class SocAssignment:
    """A SOC code as a source states it."""

    code: str
    classification: str = "2010"  # "2010" or "2020"


@dataclass(frozen=True)
class WelshText:
    """The Welsh counterpart of every text field; empty where no Welsh text exists."""

    title: str = ""
    overview: str = ""
    performance_criteria: tuple[Statement, ...] = ()
    knowledge_and_understanding: tuple[Statement, ...] = ()
    scope_range: str = ""
    scope_range_performance_criteria: str = ""
    scope_range_knowledge_and_understanding: str = ""
    values: str = ""
    behaviours: str = ""
    skills: str = ""
    glossary: str = ""
    links_to_other_nos: str = ""
    external_links: str = ""
    keywords: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class NosDocument:
    """One version of a National Occupational Standard in the common template."""

    urn: str
    title: str
    overview: str = ""  # sanitised HTML
    performance_criteria: tuple[Statement, ...] = ()
    knowledge_and_understanding: tuple[Statement, ...] = ()
    scope_range: str = ""
    scope_range_performance_criteria: str = ""
    scope_range_knowledge_and_understanding: str = ""
    values: str = ""
    behaviours: str = ""
    skills: str = ""
    glossary: str = ""
    links_to_other_nos: str = ""
    external_links: str = ""
    developed_by: str = ""
    version_number: int | None = None
    date_approved: date | None = None
    indicative_review_date: date | None = None
    indicative_review_date_raw: str = ""  # as the source wrote it, e.g. a placeholder
    validity: str = ""  # normalised: current / legacy / archive
    status: str = ""  # normalised: original / tailored
    category: str = ""  # normalised: core / generic / job_specific
    originating_organisation: str = ""
    original_urn: str = ""
    relevant_occupations: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    soc_codes: tuple[SocAssignment, ...] = ()
    welsh: WelshText = field(default_factory=WelshText)
    text_partial: bool = False  # True when the body text is a known-incomplete excerpt

    def content_dict(self) -> dict:
        """Everything that makes this version what it is, JSON-ready and in a stable order."""
        data = asdict(self)
        for key in ("date_approved", "indicative_review_date"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        # Lookup lists are sets in the template: their order carries no meaning.
        for key in ("relevant_occupations", "suites"):
            data[key] = sorted(data[key])
        data["keywords"] = sorted(data["keywords"], key=str.lower)
        return data

    def content_hash(self) -> str:
        """A fingerprint of the content: equal documents give equal hashes, whatever their source."""
        payload = json.dumps(self.content_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- what can be stored ------------------------------------------------------------------------
# The limits of the stored columns (`noshub.catalogue.models` takes its sizes from here), so a
# reader rejects a record the database could not hold, naming the field, before it is written.

#: The largest whole number an integer column holds on every supported database.
INTEGER_MAX = 2_147_483_647
#: Dates and times NOS Hub accepts: wide enough for any real NOS, narrow enough that no time
#: zone or date arithmetic on them leaves the calendar.
EARLIEST = date(1800, 1, 1)
LATEST = date(2999, 12, 31)
#: Length limits of short text columns (names, raw values), by document field.
NAME_MAX_LENGTH = 255
RAW_DATE_MAX_LENGTH = 64
_SHORT_TEXT = {
    "developed_by": NAME_MAX_LENGTH,
    "originating_organisation": NAME_MAX_LENGTH,
    "original_urn": URN_MAX_LENGTH,
    "indicative_review_date_raw": RAW_DATE_MAX_LENGTH,
}
_NAME_LISTS = ("suites", "relevant_occupations")


def check_date(value: date | datetime | None, field: str) -> None:
    """`RecordRejected` naming `field` when a date or time is outside EARLIEST … LATEST."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise RecordRejected(field, f"out of range: {value.isoformat()} (accepted: {EARLIEST.year} to {LATEST.year})")


def has_nul(value: object) -> bool:
    """Whether a value (text, or lists and dicts of text) holds U+0000, which PostgreSQL refuses."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def check_storable(doc: NosDocument, names: Mapping[str, str] | None = None, other: str | None = None) -> None:
    """`RecordRejected` when NOS Hub's database could not hold the document as it is.

    `names` maps a document field to the name the source gives it (``version_number`` →
    ``Version_number``), so that the rejection names the field as the file does; a field not
    in `names` is named `other` if given, else by its own name."""
    names = names or {}

    def reject(attr: str, reason: str) -> None:
        raise RecordRejected(names.get(attr, other or attr), reason)

    problem = urn_problem(doc.urn)
    if problem:
        reject("urn", problem)
    if doc.version_number is not None and not 0 <= doc.version_number <= INTEGER_MAX:
        reject("version_number", f"out of range: {doc.version_number} (accepted: 0 to {INTEGER_MAX:,})")
    for attr in ("date_approved", "indicative_review_date"):
        check_date(getattr(doc, attr), names.get(attr, other or attr))
    for attr, limit in _SHORT_TEXT.items():
        if len(getattr(doc, attr)) > limit:
            reject(attr, f"longer than {limit} characters ({len(getattr(doc, attr))})")
    for attr in _NAME_LISTS:
        for item in getattr(doc, attr):
            if len(item) > NAME_MAX_LENGTH:
                reject(attr, f"an item is longer than {NAME_MAX_LENGTH} characters: {item[:40]!r}…")
    for attr, value in doc.content_dict().items():
        if has_nul(value):
            reject(attr, "contains a NUL character (U+0000)")


# -- text columns -------------------------------------------------------------------------------
# Stored forms of a NOS (catalogue versions, lifecycle drafts) keep its text in columns named
# after the template's fields, the Welsh ones suffixed `_cy`, list sections as [{"ref", "text"}].
# These two functions are the one mapping between those columns and a NosDocument.


def text_columns(doc: NosDocument) -> dict:
    """The document's English and Welsh text as column values."""

    def stmts(items: tuple[Statement, ...]) -> list[dict]:
        return [{"ref": s.ref, "text": s.text} for s in items]

    w = doc.welsh
    columns: dict = {"urn": doc.urn, "title": doc.title, "title_cy": w.title, "keywords_cy": list(w.keywords)}
    for name in LIST_SECTIONS:
        columns[name] = stmts(getattr(doc, name))
        columns[welsh_column(name)] = stmts(getattr(w, name))
    for name in HTML_SECTIONS:
        columns[name] = getattr(doc, name)
        columns[welsh_column(name)] = getattr(w, name)
    return columns


def text_from_columns(row: object) -> dict:
    """NosDocument keyword arguments for the text held in a row's columns (urn excluded)."""

    def stmts(items: list) -> tuple[Statement, ...]:
        return tuple(Statement(ref=i["ref"], text=i["text"]) for i in items)

    welsh = {"title": row.title_cy, "keywords": tuple(row.keywords_cy)}
    fields: dict = {"title": row.title}
    for name in LIST_SECTIONS:
        fields[name] = stmts(getattr(row, name))
        welsh[name] = stmts(getattr(row, welsh_column(name)))
    for name in HTML_SECTIONS:
        fields[name] = getattr(row, name)
        welsh[name] = getattr(row, welsh_column(name))
    fields["welsh"] = WelshText(**welsh)
    return fields
