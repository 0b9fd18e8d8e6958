"""NOS documents in JSON: the NOS database's export form (the 27 fields of ``NOS data fields
v1.2``), and NOS Hub's own form, so that what NOS Hub gives out can be imported again.

Export form: text fields arrive as HTML; they are sanitised and list sections become numbered
statements. A document may also carry the Welsh counterpart under the NOS system's Welsh field
names (``Trosolwg``, ``Meini prawf perfformiad`` …), written with spaces or underscores.

NOS Hub's form (`document_from_detail`): a NOS as ``noshub show --format json``,
``/api/v1/nos/<URN>`` and the page twin ``/nos/<URN>.json`` give it, an object with the
``current`` version in the template's field names (statements as ``[{"ref", "text"}]``, Welsh
under ``welsh``, SOC codes with their source). What NOS Hub works out itself is output only and
ignored on the way in: the slug, history, related standards, the page's presentation, a version's
provenance and ``original_standard``, and the SOC links NOS Hub derived (crosswalk, suggested,
confirmed); only the catalogue's own SOC codes are read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from noshub.core import vocab
from noshub.core.errors import ImportRejected, RecordRejected, Rejection
from noshub.core.html import sanitise, statements
from noshub.core.model import (
    HTML_SECTIONS,
    LIST_SECTIONS,
    SECTION_LABELS,
    WELSH_SECTIONS,
    NosDocument,
    SocAssignment,
    Statement,
    WelshText,
    check_storable,
    has_nul,
)
from noshub.core.urns import clean_urn, normalise_urn

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
        # Each item split on its own: one ending in an entity ("…&nbsp") must not join the next.
        return tuple(dict.fromkeys(item for v in value for item in vocab.split_list(str(v))))
    raise RecordRejected(field, "expected a list of text values")


def document_from_json(obj: object) -> NosDocument:
    if not isinstance(obj, dict):
        raise RecordRejected(None, f"a NOS document must be a JSON object, not {type(obj).__name__}")
    if "current" in obj:
        return document_from_detail(obj)
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


# -- NOS Hub's own form ------------------------------------------------------------------------

# Keys of `catalogue.services.standard_detail` (show --format json, the API) and of the NOS
# page's JSON twin, besides "current": all worked out by NOS Hub, so read only.
DETAIL_OUTPUT_KEYS = frozenset(
    {"slug", "urn", "urn_clash", "other_standards_with_this_urn", "history", "derived_standards", "finder_url"}
    | {"p", "suite_links", "developer_id", "labels", "related", "same_text_copies"}  # the page twin's presentation
    | {"reach", "qualifications_using", "work_behaviours"}  # what other apps say of it on the page (themes, qualifications, behaviours)
)
# Keys of a version (`catalogue.services.version_dict`) that NOS Hub works out: read only.
VERSION_OUTPUT_KEYS = frozenset({"original_standard", "provenance"})
_VERSION_KEYS = frozenset(
    {"urn", *HTML_SECTIONS, *LIST_SECTIONS, "title", "developed_by", "version_number", "date_approved"}
    | {"indicative_review_date", "indicative_review_date_raw", "validity", "status", "category"}
    | {"originating_organisation", "original_urn", "relevant_occupations", "suites", "keywords"}
    | {"soc_codes", "welsh", "text_partial"}
)
_WELSH_KEYS = frozenset(WELSH_SECTIONS)
_SOC_SOURCES = ("catalogue", "crosswalk", "suggested", "confirmed")


def _text(value: object, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordRejected(path, f"expected text, got {type(value).__name__}")
    return value


def _statements(value: object, path: str, prefix: str) -> tuple[Statement, ...]:
    """Statements as NOS Hub gives them, ``[{"ref": "P1", "text": …}]`` (or HTML, as the export form)."""
    if value is None or isinstance(value, str):
        return statements(value, prefix)
    if not isinstance(value, list):
        raise RecordRejected(path, f"expected a list of statements, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"ref", "text"}:
            raise RecordRejected(f"{path}[{i}]", 'expected {"ref": …, "text": …}')
        ref, text = _text(item["ref"], f"{path}[{i}].ref"), _text(item["text"], f"{path}[{i}].text")
        if not ref.strip():
            raise RecordRejected(f"{path}[{i}].ref", "required field is missing or empty")
        out.append(Statement(ref=ref, text=text))
    return tuple(out)


def _names(value: object, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordRejected(path, "expected a list of text values")
    return tuple(value)


def _soc_codes(value: object, path: str) -> tuple[SocAssignment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RecordRejected(path, "expected a list of SOC codes")
    out = []
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise RecordRejected(where, 'expected {"code": …, "classification": …, "source": …}')
        unknown = set(item) - {"code", "classification", "source", "weight", "confidence"}
        if unknown:
            raise RecordRejected(f"{where}.{sorted(unknown)[0]}", "unknown field")
        code, classification = _text(item.get("code"), f"{where}.code"), _text(item.get("classification"), f"{where}.classification")
        source = _text(item.get("source") or "catalogue", f"{where}.source")
        if not re.fullmatch(r"\d{4}", code):
            raise RecordRejected(f"{where}.code", f"not a four-digit SOC code: {code!r}")
        if classification not in ("2010", "2020"):
            raise RecordRejected(f"{where}.classification", f"expected 2010 or 2020, got {classification!r}")
        if source not in _SOC_SOURCES:
            raise RecordRejected(f"{where}.source", f"expected one of {', '.join(_SOC_SOURCES)}, got {source!r}")
        if source == "catalogue":  # the others NOS Hub derives (crosswalk, coder, reviewers): output only
            out.append(SocAssignment(code=code, classification=classification))
    return tuple(out)


def _welsh(value: object, path: str) -> WelshText:
    if value is None:
        return WelshText()
    if not isinstance(value, dict):
        raise RecordRejected(path, f"expected an object, got {type(value).__name__}")
    unknown = set(value) - _WELSH_KEYS
    if unknown:
        raise RecordRejected(f"{path}.{sorted(unknown)[0]}", "unknown field")
    fields: dict[str, object] = {}
    for name, item in value.items():
        where = f"{path}.{name}"
        if name in LIST_SECTIONS:
            fields[name] = _statements(item, where, "P" if name == "performance_criteria" else "K")
        elif name == "keywords":
            fields[name] = _names(item, where)
        elif name == "title":
            fields[name] = " ".join(_text(item, where).split())
        else:
            fields[name] = sanitise(_text(item, where))
    return WelshText(**fields)


def document_from_detail(obj: dict) -> NosDocument:
    """A NOS in NOS Hub's own JSON form (see the module docstring): its current version."""
    unknown = set(obj) - DETAIL_OUTPUT_KEYS - {"current"}
    if unknown:
        raise RecordRejected(sorted(unknown)[0], "unknown field (not one of the fields NOS Hub gives for a NOS)")
    version = obj["current"]
    if not isinstance(version, dict):
        raise RecordRejected("current", "this NOS has no current version to import" if version is None else "expected an object")
    unknown = set(version) - _VERSION_KEYS - VERSION_OUTPUT_KEYS
    if unknown:
        raise RecordRejected(f"current.{sorted(unknown)[0]}", "unknown field (not a field of the NOS template)")
    for name in ("urn", "title"):
        if not _text(version.get(name), f"current.{name}").strip():
            raise RecordRejected(f"current.{name}", "required field is missing or empty")
    urn = clean_urn(version["urn"])
    if "urn" in obj and normalise_urn(_text(obj["urn"], "urn")) != normalise_urn(urn):
        raise RecordRejected("urn", f"{obj['urn']!r} is not the URN of the current version ({urn!r})")

    number = version.get("version_number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 0):
        raise RecordRejected("current.version_number", f"expected a whole number, got {number!r}")
    partial = version.get("text_partial", False)
    if not isinstance(partial, bool):
        raise RecordRejected("current.text_partial", f"expected true or false, got {partial!r}")

    values: dict[str, object] = {}
    for name in HTML_SECTIONS:
        values[name] = sanitise(_text(version.get(name), f"current.{name}"))
    for name in LIST_SECTIONS:
        values[name] = _statements(version.get(name), f"current.{name}", "P" if name == "performance_criteria" else "K")
    for name in ("developed_by", "originating_organisation"):
        values[name] = " ".join(_text(version.get(name), f"current.{name}").split())
    for name in ("relevant_occupations", "suites", "keywords"):
        values[name] = _names(version.get(name), f"current.{name}")

    return NosDocument(
        urn=urn,
        title=" ".join(version["title"].split()),
        version_number=number,
        date_approved=vocab.parse_date(version.get("date_approved"), "current.date_approved"),
        indicative_review_date=vocab.parse_date(version.get("indicative_review_date"), "current.indicative_review_date"),
        indicative_review_date_raw=_text(version.get("indicative_review_date_raw"), "current.indicative_review_date_raw"),
        validity=vocab.normalise_validity(version.get("validity"), "current.validity"),
        status=vocab.normalise_status(version.get("status"), "current.status"),
        category=vocab.normalise_category(version.get("category"), "current.category"),
        original_urn=clean_urn(_text(version.get("original_urn"), "current.original_urn")),
        soc_codes=_soc_codes(version.get("soc_codes"), "current.soc_codes"),
        welsh=_welsh(version.get("welsh"), "current.welsh"),
        text_partial=partial,
        **values,
    )
