"""The NOS catalogue export workbooks (the NOS database's SharePoint ``owssvr`` sheet).

One row is one NOS record as the catalogue held it in 2019: metadata only, no body text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from noshub.core import vocab
from noshub.core.errors import ImportRejected, RecordRejected, Rejection
from noshub.core.model import NosDocument, SocAssignment, check_date, check_storable
from noshub.core.readers.workbook import sheet_rows
from noshub.core.urns import clean_urn

REQUIRED_COLUMNS = (
    "Developed By",
    "NOS Title",
    "Suite",
    "Occupations",
    "Validity",
    "Indicative Review Date",
    "NOS Document Status",
    "URN",
    "SOC Code",
    "NOSCategory",
    "Keywords",
    "Original URN",
    "Created",
    "Modified",
)
OPTIONAL_COLUMNS = ("SuiteMetadata", "OccupationsMetadata", "Name", "Item Type", "Path")
# The column of each document field, for rejections.
COLUMN_OF = {
    "urn": "URN",
    "title": "NOS Title",
    "developed_by": "Developed By",
    "indicative_review_date": "Indicative Review Date",
    "indicative_review_date_raw": "Indicative Review Date",
    "original_urn": "Original URN",
    "suites": "Suite",
    "relevant_occupations": "Occupations",
    "keywords": "Keywords",
}


@dataclass(frozen=True)
class CatalogueRecord:
    file: str
    row: int
    document: NosDocument
    created: datetime | None
    modified: datetime | None
    pdf_name: str
    invalid_soc_tokens: tuple[str, ...]
    raw: dict = field(compare=False)


@dataclass
class CatalogueFile:
    file: str
    records: list[CatalogueRecord]
    rejections: list[Rejection]
    blank_rows: int
    rows_read: int


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _timestamp(value: object, column: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        check_date(value, column)
        return value
    raise RecordRejected(column, f"not a date and time: {value!r}")


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def record_from_row(file: str, number: int, row: dict) -> CatalogueRecord:
    urn = clean_urn(row["URN"])
    if not urn:
        raise RecordRejected("URN", f"missing URN (PDF name {_text(row.get('Name'))!r})")
    title = _text(row["NOS Title"])
    if not title:
        raise RecordRejected("NOS Title", "missing title")
    review, review_raw = vocab.review_date(row["Indicative Review Date"], "Indicative Review Date")
    soc_good, soc_bad = vocab.split_soc_codes(row["SOC Code"])
    document = NosDocument(
        urn=urn,
        title=title,
        developed_by=_text(row["Developed By"]),
        validity=vocab.normalise_validity(row["Validity"], "Validity"),
        status=vocab.normalise_status(row["NOS Document Status"], "NOS Document Status"),
        category=vocab.normalise_category(row["NOSCategory"], "NOSCategory"),
        indicative_review_date=review,
        indicative_review_date_raw=review_raw,
        original_urn=clean_urn(row["Original URN"]),
        suites=vocab.split_list(row["Suite"]),
        relevant_occupations=vocab.split_list(row["Occupations"]),
        keywords=vocab.split_keywords(row["Keywords"]),
        soc_codes=tuple(SocAssignment(code=c, classification="2010") for c in soc_good),
    )
    check_storable(document, COLUMN_OF)
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            raise RecordRejected(column, "contains a NUL character (U+0000)")
    return CatalogueRecord(
        file=file,
        row=number,
        document=document,
        created=_timestamp(row["Created"], "Created"),
        modified=_timestamp(row["Modified"], "Modified"),
        pdf_name=_text(row.get("Name")),
        invalid_soc_tokens=soc_bad,
        raw={k: _jsonable(v) for k, v in row.items() if v is not None},
    )


def read_catalogue(path: Path) -> CatalogueFile:
    """Every row of a catalogue workbook as a record or a rejection; a bad file raises."""
    path = Path(path)
    rows = sheet_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportRejected(path.name, "the workbook is empty") from None
    names = [_text(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportRejected(path.name, f"missing column(s): {', '.join(missing)}", row=1, field=missing[0])
    index = {name: i for i, name in enumerate(names) if name}
    wanted = [c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in index]
    records: list[CatalogueRecord] = []
    rejections: list[Rejection] = []
    blank = read = 0
    for number, values in rows:
        read += 1
        row = {c: (values[index[c]] if index[c] < len(values) else None) for c in wanted}
        if all(v in (None, "") for v in values):
            blank += 1  # an empty row: counted in the report, nothing to lose
            continue
        try:
            records.append(record_from_row(path.name, number, row))
        except RecordRejected as exc:
            rejections.append(Rejection(path.name, number, exc.field, exc.reason))
    return CatalogueFile(file=path.name, records=records, rejections=rejections, blank_rows=blank, rows_read=read)
