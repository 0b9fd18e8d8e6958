"""Qualifications as SQA Accreditation publishes them: structure workbooks, the SVQ listing and
the modern apprenticeship frameworks workbook (``qualifications-svq/`` in the data directory).

Three kinds of file, read as they are:

* **a structure** ("Tab 7 Structure"), as an ``.xlsx`` workbook or as the ``.csv`` saved from
  that sheet: a block of labelled cells (Awarding Body Name, Qualification Title, Group Award
  Code, SCQF Overall Level and Credit, the accreditation dates) and a table of units under a
  header row (Accred Code, SSC/B or Developer Unit Code, Mandatory/Optional, Unit Title, SCQF
  Level, SCQF Credit, Date of SCQF Approval). Rows of one filled cell between the units are the
  headings of the groups and their rules of combination ("Group B - Candidates must take two of
  the units in this group"). The workbooks differ: labels move between columns, the metadata
  block sits above or below the table, the sheet's name varies, columns are added or missing.
  So labels and columns are found by their text, wherever they are;
* **the listing** (``qual_listing_svq.xls``, the old Excel format, read with xlrd): one row per
  accredited qualification (title, code, dates, awarding body, developer, type, category);
* **the frameworks** (``Frameworks_SVQs.xlsx``): which modern apprenticeship framework contains
  which qualification.

A file that cannot be used is an `ImportRejected` naming the file, the sheet, the row and the
column; nothing of it is imported. Pure Python: no Django.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from noshub.core.errors import ImportRejected
from noshub.core.readers.workbook import norm, opened, rows

STRUCTURE, LISTING, FRAMEWORKS = "structure", "listing", "frameworks"
MANDATORY, OPTIONAL, ADDITIONAL = "mandatory", "optional", "additional"
KINDS = (MANDATORY, OPTIONAL, ADDITIONAL)

# ----------------------------------------------------------------------------- what is read


@dataclass
class UnitRecord:
    title: str
    code: str = ""  # the developer's (SSC/B) unit code: the NOS URN, more or less
    accred_code: str = ""  # SQA's own unit code (H8XD 04)
    kind: str = ""  # mandatory / optional / additional, as the unit's row says
    level: int | None = None
    credit: int | None = None
    approved: date | None = None
    imported_from: str = ""
    row: int = 0


@dataclass
class GroupRecord:
    title: str
    rule: str = ""  # the rule of combination as written (all heading lines of the group)
    kind: str = ""
    units: list[UnitRecord] = field(default_factory=list)
    row: int = 0


@dataclass
class QualificationRecord:
    """One qualification as a structure file, the listing or the frameworks workbook gives it."""

    source: str  # structure / listing / frameworks
    file: str
    sheet: str
    row: int
    title: str
    code: str = ""  # the group award code as written ("GK56 22")
    awarding_body: str = ""
    developer: str = ""
    qualification_type: str = ""
    category: str = ""
    level: int | None = None  # SCQF overall level
    level_raw: str = ""
    credit: str = ""  # overall credit as written ("83 - 109", "Minimum 45 & Maximum 137")
    credit_min: int | None = None
    credit_max: int | None = None
    structure_approved: date | None = None
    accredited_from: date | None = None
    accreditation_end: date | None = None
    certification_end: date | None = None
    structure_rule: str = ""
    groups: list[GroupRecord] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return qualification_key(self.code, self.title)

    def units(self) -> list[UnitRecord]:
        return [u for g in self.groups for u in g.units]

    def content_hash(self) -> str:
        data = asdict(self)
        for name in ("file", "sheet", "row"):
            data.pop(name)
        for g in data["groups"]:
            g.pop("row")
            for u in g["units"]:
                u.pop("row")
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


_CODE = re.compile(r"^([A-Z0-9]{4})\s*(\d{2})?$")


def qualification_key(code: str, title: str = "") -> str:
    """How one qualification is known across the files: its group award code without the level
    suffix (``GK56 22``, ``GK5622`` and the listing's ``GK56`` are all ``GK56``); a
    qualification with no code is known by its title."""
    squashed = re.sub(r"[^A-Z0-9]", "", (code or "").upper())
    if squashed:
        return squashed[:4] if len(squashed) in (4, 6) and _CODE.match(squashed) else squashed
    return "T-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


# ----------------------------------------------------------------------------- cell values


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).replace("\xa0", " ").split())


_DMY = re.compile(r"^(\d{1,2})/+(\d{1,2})/+(\d{2,4})$")


def to_date(value: Any) -> date | None:
    """A date cell: a datetime, an ISO date, dd/mm/yyyy (doubled slashes forgiven); else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = text(value)
    if not s:
        return None
    m = _DMY.match(s.split(",")[0].strip())
    if m:
        d, mo, y = (int(x) for x in m.groups())
        y = y + 2000 if y < 100 else y
        try:
            return date(y, mo, d)
        except ValueError:
            return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _excel_date(value: Any) -> date | None:
    """An .xls date (a serial number of days)."""
    if isinstance(value, (int, float)) and value > 0:
        return date(1899, 12, 30) + timedelta(days=int(value))
    return to_date(value)


_INT = re.compile(r"\d+")


def first_int(value: Any) -> int | None:
    m = _INT.search(text(value))
    return int(m.group()) if m else None


def credit_range(raw: str) -> tuple[int | None, int | None]:
    numbers = [int(n) for n in _INT.findall(raw)]
    if not numbers:
        return None, None
    return min(numbers), max(numbers)


# ----------------------------------------------------------------------------- structures

# Label cells of the metadata block -> field, matched on the label's letters and digits.
_LABELS = {
    "awardingbodyname": "awarding_body",
    "awardingbody": "awarding_body",
    "qualificationtitle": "title",
    "groupawardcode": "code",
    "scqfoveralllevel": "level_raw",
    "scqfoverallcredit": "credit",
    "scqfoveralcredit": "credit",
    "dateaccreditedfrom": "accredited_from",
    "accreditationenddate": "accreditation_end",
    "accreditationcertenddate": "certification_end",
    "certificationenddate": "certification_end",
    "datestructureapproved": "structure_approved",
    "datestructureacgapproved": "structure_approved",
    "qualificationdeveloper": "developer",
    "sscssbname": "developer",
    "qualificationtype": "qualification_type",
}
_DATE_FIELDS = {"accredited_from", "accreditation_end", "certification_end", "structure_approved"}
_OTHER_LABELS = {"creditratingbody", "structureversionnumber", "svqlevel", "typeofqualification", "qualificationversion"}

# Unit table columns: key -> accepted header spellings (normalised).
_UNIT_COLUMNS = {
    "accred": {"accredcode"},
    "code": {"sscbunitcode", "developerunitcode", "developercode", "sscbcode", "codes", "code", "cityguildsunitnumber"},
    "kind": {"mandatoryoptionaladditionalunit", "mandatoryunits", "mandatoryoptionalforfullqualification"},
    "title": {"unittitle"},
    "level": {"scqflevel", "level"},
    "credit": {"scqfcredit", "creditvalue"},
    "approved": {"dateofscqfapproval"},
    "imported": {"importedfromsscbname", "importedfromdevelopername", "importedfrom"},
}
_COLUMN_LABEL = {
    "accred": "Accred Code",
    "code": "SSC/B Unit Code",
    "kind": "Mandatory/ Optional/ Additional Unit",
    "title": "Unit Title",
    "level": "SCQF Level",
    "credit": "SCQF Credit",
    "approved": "Date of SCQF Approval",
    "imported": "Imported From",
}
_ACCRED_CODE = re.compile(r"^[A-Z0-9]{4}\s?\d{2}$")
_KIND_OF = {
    "m": MANDATORY,
    "mandatory": MANDATORY,
    "o": OPTIONAL,
    "optional": OPTIONAL,
    "a": ADDITIONAL,
    "additional": ADDITIONAL,
}
_MAX_LEVEL, _MAX_CREDIT = 12, 1000
_NONE = {"", "na", "n/a", "none", "-"}


def _kind_of_heading(heading: str) -> str:
    low = heading.lower()
    if "optional" in low or "option " in low or re.search(r"\bone of\b|\bfrom the following\b|\bselect", low):
        return OPTIONAL
    if "additional" in low:
        return ADDITIONAL
    if "mandatory" in low:
        return MANDATORY
    return ""


def _header_map(values: Sequence[Any]) -> dict[str, int] | None:
    """Positions of the unit table's columns in a row, if the row is its header row."""
    found: dict[str, int] = {}
    for pos, value in enumerate(values):
        key = norm(value)
        if not key:
            continue
        for col, spellings in _UNIT_COLUMNS.items():
            if col not in found and key in spellings:
                found[col] = pos
                break
    if "title" in found and ("kind" in found or "code" in found or "accred" in found):
        return found
    return None


def _label_fields(values: Sequence[Any]) -> list[tuple[str, Any]]:
    """(field, value) of each label cell of a metadata row: the value is the next filled cell
    to its right that is not itself a label."""
    out = []
    cells = [(pos, v) for pos, v in enumerate(values) if text(v)]
    for i, (_pos, value) in enumerate(cells):
        key = _LABELS.get(norm(value))
        if key is None:
            continue
        nxt = cells[i + 1][1] if i + 1 < len(cells) else None
        if nxt is not None and (norm(nxt) in _LABELS or norm(nxt) in _OTHER_LABELS):
            nxt = None
        out.append((key, nxt))
    return out


class _StructureParser:
    """Reads the rows of one structure sheet (from a workbook or a CSV) into a record."""

    def __init__(self, file: str, sheet: str):
        self.file, self.sheet = file, sheet
        self.meta: dict[str, Any] = {}
        self.header: dict[str, int] | None = None
        self.header_row = 0
        self.groups: list[GroupRecord] = []
        self.pending: list[tuple[int, str]] = []  # heading lines not yet followed by a unit
        self.rule = ""
        self.first_row = 0

    def reject(self, reason: str, row: int | None = None, column: str | None = None) -> ImportRejected:
        return ImportRejected(self.file, reason, row=row, field=column, sheet=self.sheet)

    def feed(self, number: int, values: Sequence[Any]) -> None:
        filled = [text(v) for v in values if text(v)]
        if not filled:
            return
        labels = _label_fields(values)
        if labels or norm(filled[0]) in _OTHER_LABELS:
            for key, value in labels:
                if value is not None and key not in self.meta:
                    self.meta[key] = value
            return
        header = _header_map(values)
        if header is not None:
            if self.header is None:
                self.header, self.header_row = header, number
            return
        if self.header is None:
            if norm(filled[0]).startswith("structureinformation"):
                self.rule = filled[0]
            return
        self._table_row(number, values, filled)

    def _cell(self, values: Sequence[Any], col: str) -> Any:
        pos = self.header.get(col) if self.header else None
        return values[pos] if pos is not None and pos < len(values) else None

    def _table_row(self, number: int, values: Sequence[Any], filled: list[str]) -> None:
        title = text(self._cell(values, "title"))
        if not title:
            # A heading (a group's name or its rule) is one filled cell; a lone number in an
            # unused column beside the table (some sheets number their rows) is no heading.
            words = [f for f in filled if not f.isdigit()]
            if words and not norm(words[0]).startswith("structureinformation") and norm(words[0]) != "sscbname":
                self.pending.append((number, " ".join(words)))
            return
        code = text(self._cell(values, "code"))
        accred = text(self._cell(values, "accred"))
        if "accred" not in self.header and _ACCRED_CODE.match(code.upper()):
            code, accred = "", code  # a "Codes" column that holds SQA's codes, not the developer's
        if code.lower() in _NONE:
            code = ""
        kind_raw = text(self._cell(values, "kind"))
        kind = _KIND_OF.get(kind_raw.lower().strip(), "")
        if kind_raw and not kind and not kind_raw.isdigit():
            raise self.reject(
                f"unit {title!r}: {kind_raw!r} is not mandatory, optional or additional (M, O, A)",
                number,
                self._label("kind"),
            )
        level = self._number(values, number, "level", _MAX_LEVEL)
        credit = self._number(values, number, "credit", _MAX_CREDIT)
        unit = UnitRecord(
            title=title,
            code=code,
            accred_code=accred,
            kind=kind,
            level=level,
            credit=credit,
            approved=to_date(self._cell(values, "approved")),
            imported_from="" if text(self._cell(values, "imported")).lower() in _NONE else text(self._cell(values, "imported")),
            row=number,
        )
        last = self.groups[-1] if self.groups else None
        if (
            last is not None
            and not self.pending
            and not last.rule
            and last.units
            and unit.kind
            and last.units[-1].kind != unit.kind
        ):
            # No heading between mandatory and optional units: the kind's change starts a group.
            self.groups.append(GroupRecord(title=unit.kind.capitalize(), kind=unit.kind, row=number))
        if self.pending or not self.groups:
            lines = [t for _, t in self.pending]
            heading = lines[-1] if lines else ""
            group = GroupRecord(
                title=_group_title(heading, len(self.groups) + 1),
                rule="\n".join(lines),
                kind=_kind_of_heading(" ".join(lines)),
                row=self.pending[-1][0] if self.pending else number,
            )
            self.groups.append(group)
            self.pending = []
        self.groups[-1].units.append(unit)

    def _label(self, col: str) -> str:
        return _COLUMN_LABEL[col]

    def _number(self, values: Sequence[Any], number: int, col: str, high: int) -> int | None:
        raw = self._cell(values, col)
        s = text(raw)
        if not s or s.lower() in _NONE:
            return None
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            m = re.fullmatch(r"(?:level\s*)?(\d+(?:\.\d+)?)", s.lower())
            if not m:
                raise self.reject(f"{s!r} is not a number", number, self._label(col))
            value = float(m.group(1))
        if value < 0 or value > high or not value.is_integer():
            raise self.reject(f"{s!r} is not a whole number from 0 to {high}", number, self._label(col))
        return int(value)

    def record(self, fallback_title: str) -> QualificationRecord | None:
        if self.header is None or not any(g.units for g in self.groups):
            return None
        m = self.meta
        title = text(m.get("title")) or fallback_title
        code = text(m.get("code"))
        if not code or not re.search(r"\d", code):
            code = _code_from_name(self.file)
        for g in self.groups:  # a group whose heading names no kind takes its units' kind
            kinds = {u.kind for u in g.units if u.kind}
            if not g.kind and len(kinds) == 1:
                g.kind = kinds.pop()
        level_raw = text(m.get("level_raw"))
        credit = text(m.get("credit"))
        cmin, cmax = credit_range(credit)
        return QualificationRecord(
            source=STRUCTURE,
            file=self.file,
            sheet=self.sheet,
            row=self.header_row,
            title=title,
            code=code,
            awarding_body=text(m.get("awarding_body")),
            developer=text(m.get("developer")),
            qualification_type=text(m.get("qualification_type")),
            level=first_int(level_raw),
            level_raw=level_raw,
            credit=credit,
            credit_min=cmin,
            credit_max=cmax,
            structure_rule=self.rule,
            groups=self.groups,
            **{k: to_date(m.get(k)) for k in _DATE_FIELDS},
        )


def _group_title(heading: str, number: int) -> str:
    if not heading:
        return f"Group {number}"
    first = re.split(r"[\n(]| - | – ", heading)[0].strip()
    return first[:120] or f"Group {number}"


_NAME_CODE = re.compile(r"\b([A-Z][A-Z0-9]{3})\s?(\d{2})\b")


def _code_from_name(file: str) -> str:
    m = _NAME_CODE.search(Path(file).stem)
    return f"{m.group(1)} {m.group(2)}" if m else ""


def _fallback_title(file: str) -> str:
    stem = Path(file).stem.split(" - ")[0]
    return " ".join(stem.split())


def read_structure(path: Path | str) -> QualificationRecord:
    """The qualification of a structure file (``.xlsx`` or ``.csv``)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _read_structure_csv(path)
    return _read_structure_xlsx(path)


def _read_structure_xlsx(path: Path) -> QualificationRecord:
    file = path.name
    found: list[QualificationRecord] = []
    extra_meta: dict[str, Any] = {}
    with opened(path, file) as wb:
        for ws in wb.worksheets:
            parser = _StructureParser(file, ws.title)
            for number, values in rows(ws, file, max_rows=2000):
                parser.feed(number, values)
            record = parser.record(_fallback_title(file))
            if record is not None:
                found.append(record)
            else:
                for k, v in parser.meta.items():
                    extra_meta.setdefault(k, v)
    if not found:
        raise ImportRejected(
            file,
            "no structure sheet found: no sheet has a table of units under a header row naming "
            "'Unit Title' and 'Mandatory/ Optional/ Additional Unit' (or a unit code column)",
            field="Unit Title",
        )
    record = max(found, key=lambda r: len(r.units()))
    for k in ("awarding_body", "developer", "qualification_type"):  # labels filled on another sheet
        if not getattr(record, k) and extra_meta.get(k):
            setattr(record, k, text(extra_meta[k]))
    return record


def _read_structure_csv(path: Path) -> QualificationRecord:
    file = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportRejected(file, "file not found") from None
    except OSError as exc:
        raise ImportRejected(file, f"cannot be read: {exc}") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in content:
        raise ImportRejected(file, "not a CSV file (binary content)")
    sheet = _sheet_of_csv(file)
    parser = _StructureParser(file, sheet)
    try:
        for number, values in enumerate(csv.reader(content.splitlines(keepends=True)), start=1):
            parser.feed(number, values)
    except csv.Error as exc:
        raise ImportRejected(file, f"not a readable CSV file: {exc}", sheet=sheet) from None
    record = parser.record(_fallback_title(file))
    if record is None:
        raise ImportRejected(
            file,
            "no table of units: no row names the columns 'Unit Title' and a unit code or kind",
            field="Unit Title",
            sheet=sheet,
        )
    return record


def _sheet_of_csv(file: str) -> str:
    """A CSV saved from a workbook's sheet is named "<workbook> - <sheet>.csv"."""
    stem = Path(file).stem
    return stem.rsplit(" - ", 1)[1].strip() if " - " in stem else stem


# ----------------------------------------------------------------------------- the listing

_LISTING_COLUMNS = {
    "title": {"title", "qualificationtitle"},
    "code": {"code", "groupawardcode"},
    "start": {"start"},
    "lapse": {"lapse"},
    "finish": {"finish"},
    "awarding_body": {"awardingbody"},
    "developer": {"developerssc"},
    "qualification_type": {"qualtype", "qualificationtype"},
    "category": {"qualificationcategory"},
}


def read_listing(path: Path | str) -> list[QualificationRecord]:
    """Every qualification of the SVQ listing (``.xls``): each sheet's rows under its header row."""
    path = Path(path)
    file = path.name
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a dependency of the project
        raise ImportRejected(file, "reading .xls files needs the xlrd package (pip install xlrd)") from None
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except FileNotFoundError:
        raise ImportRejected(file, "file not found") from None
    except Exception as exc:  # xlrd on untrusted bytes: any failure means "not a readable .xls"
        raise ImportRejected(file, f"not a readable .xls workbook: {type(exc).__name__}: {exc}") from None
    out: list[QualificationRecord] = []
    try:
        for sheet in book.sheets():
            index = None
            for r in range(sheet.nrows):
                values = sheet.row_values(r)
                if index is None:
                    found = {}
                    for pos, v in enumerate(values):
                        for key, spellings in _LISTING_COLUMNS.items():
                            if key not in found and norm(v) in spellings:
                                found[key] = pos
                    if "title" in found and "code" in found:
                        index = found
                    elif r >= 30:
                        break
                    continue

                def cell(key, values=values, index=index):
                    pos = index.get(key)
                    return values[pos] if pos is not None and pos < len(values) else None

                title = text(cell("title"))
                if not title:
                    continue
                code = text(cell("code"))
                if not code:
                    raise ImportRejected(file, f"qualification {title!r} has no code", row=r + 1, field="Code", sheet=sheet.name)
                start = _listing_date(cell("start"), file, sheet.name, r + 1, "Start")
                out.append(
                    QualificationRecord(
                        source=LISTING,
                        file=file,
                        sheet=sheet.name,
                        row=r + 1,
                        title=title,
                        code=code,
                        awarding_body=text(cell("awarding_body")),
                        developer=text(cell("developer")),
                        qualification_type=text(cell("qualification_type")),
                        category=text(cell("category")),
                        accredited_from=start,
                        accreditation_end=_listing_date(cell("lapse"), file, sheet.name, r + 1, "Lapse"),
                        certification_end=_listing_date(cell("finish"), file, sheet.name, r + 1, "Finish"),
                    )
                )
    finally:
        book.release_resources()
    if not out:
        raise ImportRejected(file, "no qualifications: no sheet has a header row with 'Title' and 'Code'", field="Title")
    return out


def _listing_date(value: Any, file: str, sheet: str, row: int, column: str) -> date | None:
    if value in (None, ""):
        return None
    d = _excel_date(value)
    if d is None or not (1990 <= d.year <= 2100):
        raise ImportRejected(file, f"{text(value)!r} is not a date", row=row, field=column, sheet=sheet)
    return d


# ----------------------------------------------------------------------------- frameworks

_FRAMEWORK_COLUMNS = {"framework": {"maframework"}, "title": {"vqtitle"}, "code": {"vqref"}, "level": {"vqlevel"}}


def read_frameworks(path: Path | str) -> list[QualificationRecord]:
    """The qualifications each modern apprenticeship framework contains, one record per row."""
    path = Path(path)
    file = path.name
    out: list[QualificationRecord] = []
    with opened(path, file) as wb:
        ws = wb.worksheets[0]
        index = None
        for number, values in rows(ws, file):
            if index is None:
                found = {}
                for pos, v in enumerate(values):
                    for key, spellings in _FRAMEWORK_COLUMNS.items():
                        if norm(v) in spellings:
                            found[key] = pos
                if {"framework", "code", "title"} <= set(found):
                    index = found
                elif number >= 30:
                    break
                continue

            def get(key: str, values=values, index=index) -> Any:
                pos = index.get(key)
                return values[pos] if pos is not None and pos < len(values) else None

            framework, title, code = text(get("framework")), text(get("title")), text(get("code"))
            if not (framework or title or code):
                continue
            if not framework:
                raise ImportRejected(file, "no framework named", row=number, field="MA Framework", sheet=ws.title)
            if not code:
                raise ImportRejected(
                    file, f"qualification {title!r} has no reference", row=number, field="VQ Ref", sheet=ws.title
                )
            level_raw = text(get("level"))
            out.append(
                QualificationRecord(
                    source=FRAMEWORKS,
                    file=file,
                    sheet=ws.title,
                    row=number,
                    title=title or code,
                    code=code,
                    level=first_int(level_raw),
                    level_raw=level_raw,
                    frameworks=[framework],
                )
            )
        if index is None:
            raise ImportRejected(
                file, "no header row naming 'MA Framework', 'VQ Title' and 'VQ Ref'", field="MA Framework", sheet=ws.title
            )
    return out


# ----------------------------------------------------------------------------- which reader


def kind_of_file(path: Path | str) -> str | None:
    """Which kind of qualifications file this is, from its name; None for another file."""
    name = Path(path).name.lower()
    if name.endswith(".xls") and "listing" in name:
        return LISTING
    if name.endswith(".xlsx") and "framework" in name:
        return FRAMEWORKS
    if name.endswith((".xlsx", ".csv")):
        return STRUCTURE
    return None


def structure_files(folder: Path) -> list[Path]:
    """The structure files of a folder, workbooks before the CSVs saved from them."""
    files = [p for p in folder.iterdir() if p.is_file() and kind_of_file(p) == STRUCTURE]
    return sorted(files, key=lambda p: (p.suffix.lower() == ".csv", p.name))


def units_of(records: Iterable[QualificationRecord]) -> list[UnitRecord]:
    return [u for r in records for u in r.units()]
