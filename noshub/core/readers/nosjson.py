"""NOS documents in the NOS database's JSON export form: the 27 fields of ``NOS data fields v1.2``.

Text fields arrive as HTML; they are sanitised and list sections become numbered statements.
A document may also carry the Welsh counterpart under the NOS system's Welsh field names
(``Trosolwg``, ``Meini prawf perfformiad`` …), written with spaces or underscores.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from noshub.core import vocab
from noshub.core.errors import ImportRejected, RecordRejected, Rejection
from noshub.core.html import sanitise, statements
from noshub.core.model import SECTION_LABELS, WELSH_SECTIONS, NosDocument, SocAssignment, WelshText, check_storable, has_nul
from noshub.core.urns import clean_urn

# JSON field → NosDocument attribute, for the 27 fields of the export.
HTML_FIELDS = {
    "Overview": "overview",
    "Scope_range": "scope_range",
    "Scope_range_related_to_performance_criteria": "scope_range_performance_criteria",
    "Scope_range_related_to_knowledge_and_understanding": "scope_range_knowledge_and_understanding",
    "Values": "values",
    "Behaviours": "behaviours",
    "Skills": "skills",
    "Glossary": "glossary",
    "Links_to_other_NOS": "links_to_other_nos",
    "External_Links": "external_links",
}
LIST_FIELDS = {
    "Performance_criteria": ("performance_criteria", "P"),
    "Knowledge_and_understanding": ("knowledge_and_understanding", "K"),
}
TEXT_FIELDS = {"Developed_by": "developed_by", "Originating_organisation": "originating_organisation"}
ARRAY_FIELDS = {"Relevant_occupations": "relevant_occupations", "Suite": "suites", "Keywords": "keywords"}
OTHER_FIELDS = (
    "URN",
    "Title",
    "Version_number",
    "Date_approved",
    "Indicative_review_date",
    "Validity",
    "Status",
    "Original_URN",
    "SOC_Code",
    "NOSCategory",
)
FIELDS = (*OTHER_FIELDS, *HTML_FIELDS, *LIST_FIELDS, *TEXT_FIELDS, *ARRAY_FIELDS)
REQUIRED = ("URN", "Title", "Validity", "Status", "NOSCategory")

# The JSON field of each document field, for rejections.
FIELD_OF = {
    **{attr: name for name, attr in HTML_FIELDS.items()},
    **{attr: name for name, (attr, _) in LIST_FIELDS.items()},
    **{attr: name for name, attr in TEXT_FIELDS.items()},
    **{attr: name for name, attr in ARRAY_FIELDS.items()},
    "urn": "URN",
    "title": "Title",
    "version_number": "Version_number",
    "date_approved": "Date_approved",
    "indicative_review_date": "Indicative_review_date",
    "indicative_review_date_raw": "Indicative_review_date",
    "original_urn": "Original_URN",
    "soc_codes": "SOC_Code",
}

# Welsh field names from the NOS system's column list (NosDocumentWelsh): the Welsh labels.
WELSH_FIELDS = {SECTION_LABELS[name][1]: name for name in WELSH_SECTIONS}


def _key(name: str) -> str:
    return re.sub(r"[\s/_]+", "_", name.strip()).lower()


_ENGLISH_BY_KEY = {_key(f): f for f in FIELDS}
_WELSH_BY_KEY = {_key(f): attr for f, attr in WELSH_FIELDS.items()}


@dataclass(frozen=True)
class JsonRecord:
    file: str
    row: int  # position of the document in the file, from 1
    document: NosDocument
    raw: dict


def _string(value: object, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise RecordRejected(field, f"expected text, got {type(value).__name__}")
    return str(value)


def _array(value: object, field: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return vocab.split_list(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return vocab.split_list(";".join(str(v) for v in value))
    raise RecordRejected(field, "expected a list of text values")


def document_from_json(obj: object) -> NosDocument:
    if not isinstance(obj, dict):
        raise RecordRejected(None, f"a NOS document must be a JSON object, not {type(obj).__name__}")
    english: dict[str, object] = {}
    welsh: dict[str, object] = {}
    for name, value in obj.items():
        key = _key(str(name))
        if key in _ENGLISH_BY_KEY:
            english[_ENGLISH_BY_KEY[key]] = value
        elif key in _WELSH_BY_KEY:
            welsh[_WELSH_BY_KEY[key]] = value
        else:
            raise RecordRejected(str(name), "unknown field (not one of the 27 NOS export fields or their Welsh names)")
    for name in REQUIRED:
        if not _string(english.get(name), name).strip():
            raise RecordRejected(name, "required field is missing or empty")

    version = english.get("Version_number")
    if version in (None, ""):
        version_number = None
    else:
        try:
            version_number = int(str(version).strip())
        except ValueError:
            raise RecordRejected("Version_number", f"not a whole number: {version!r}") from None
        if version_number < 0:
            raise RecordRejected("Version_number", "must not be negative")

    review, review_raw = vocab.review_date(english.get("Indicative_review_date") or None, "Indicative_review_date")
    soc_good, soc_bad = vocab.split_soc_codes(english.get("SOC_Code"), "SOC_Code")
    if soc_bad:
        raise RecordRejected("SOC_Code", f"not four-digit SOC codes: {', '.join(soc_bad)}")

    values: dict[str, object] = {}
    for field, attr in HTML_FIELDS.items():
        values[attr] = sanitise(_string(english.get(field), field))
    for field, (attr, prefix) in LIST_FIELDS.items():
        values[attr] = statements(_string(english.get(field), field), prefix)
    for field, attr in TEXT_FIELDS.items():
        values[attr] = " ".join(_string(english.get(field), field).split())
    for field, attr in ARRAY_FIELDS.items():
        values[attr] = (
            vocab.split_keywords(";".join(_array(english.get(field), field)))
            if attr == "keywords"
            else _array(english.get(field), field)
        )

    welsh_values: dict[str, object] = {}
    for attr, value in welsh.items():
        label = next(k for k, v in WELSH_FIELDS.items() if v == attr)
        text = _string(value, label) if attr != "keywords" else value
        if attr == "title":
            welsh_values[attr] = " ".join(str(text).split())
        elif attr == "keywords":
            welsh_values[attr] = vocab.split_keywords(";".join(_array(text, label)))
        elif attr in ("performance_criteria", "knowledge_and_understanding"):
            welsh_values[attr] = statements(str(text), "P" if attr == "performance_criteria" else "K")
        else:
            welsh_values[attr] = sanitise(str(text))

    document = NosDocument(
        urn=clean_urn(english["URN"]),
        title=" ".join(_string(english["Title"], "Title").split()),
        version_number=version_number,
        date_approved=vocab.parse_date(english.get("Date_approved") or None, "Date_approved"),
        indicative_review_date=review,
        indicative_review_date_raw=review_raw,
        validity=vocab.normalise_validity(english.get("Validity"), "Validity"),
        status=vocab.normalise_status(english.get("Status"), "Status"),
        category=vocab.normalise_category(english.get("NOSCategory"), "NOSCategory"),
        original_urn=clean_urn(english.get("Original_URN")),
        soc_codes=tuple(SocAssignment(code=c, classification="2010") for c in soc_good),
        welsh=WelshText(**welsh_values),
        **values,
    )
    check_storable(document, FIELD_OF)
    for name, value in obj.items():
        if has_nul(str(name)) or has_nul(value):
            raise RecordRejected(str(name).replace("\x00", ""), "contains a NUL character (U+0000)")
    return document


def read_json_documents(path: Path) -> tuple[list[JsonRecord], list[Rejection]]:
    """A ``.json`` file holding one NOS document or a list of them."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportRejected(path.name, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ImportRejected(path.name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            path.name, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", row=exc.lineno
        ) from None
    items = data if isinstance(data, list) else [data]
    records: list[JsonRecord] = []
    rejections: list[Rejection] = []
    for position, obj in enumerate(items, start=1):
        try:
            records.append(JsonRecord(path.name, position, document_from_json(obj), obj))
        except RecordRejected as exc:
            rejections.append(Rejection(path.name, position, exc.field, exc.reason))
    return records, rejections
