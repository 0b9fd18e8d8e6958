"""Readers for the ONS Standard Occupational Classification 2020 (SOC 2020) workbooks.

Pure Python (openpyxl only, no Django).  Three workbooks, as the ONS publishes them:

* Volume 1, "structure and descriptions of unit groups"
  (``soc2020volume1structureanddescriptionofunitgroupsexcel*.xlsx``):
  :func:`read_soc2020_structure` merges the sheet of descriptions (one row per
  group with title, description, typical entry routes and qualifications, tasks and
  related job titles) with the framework sheet (one row per group with the unit
  group's unique id and its change history).
* Volume 2, "the coding index" (``soc2020volume2thecodingindexexcel*.xlsx``):
  :func:`read_coding_index` reads the coding-index sheet (job title -> SOC 2020
  unit group, sub-unit group, SOC 2010, SOC 2000, SOC 90, ISCO-08).  The other
  sheets of that workbook (information, file specification, framework, ISCO-08
  framework, abbreviations) are not read.
* The SOC 2010 -> SOC 2020 relationship table (``ONS_SOC2010_SOC2020.xlsx``):
  :func:`read_soc2010_to_2020`.

Sheets and header rows are found by their column names, not by position: the
readers look at every sheet and at the first :data:`HEADER_SCAN_ROWS` rows of each,
so title rows above the header and reordered or extra columns do no harm.

Every reader returns all records of the file or raises
:class:`~noshub.core.errors.ImportRejected` (with the file name, the 1-based
spreadsheet row and the column where that makes sense): when the file is not a
readable xlsx workbook, when a required sheet or column is missing, when a code is
malformed or the hierarchy is inconsistent.  Blank rows are skipped.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import IO, Any, Union

from openpyxl import load_workbook

from noshub.core.errors import ImportRejected

__all__ = [
    "CODE_LENGTHS",
    "LEVELS",
    "CodingIndexRecord",
    "SocGroupRecord",
    "SocRelationshipRecord",
    "read_coding_index",
    "read_soc2010_to_2020",
    "read_soc2020_structure",
]

Source = Union[str, "os.PathLike[str]", IO[bytes]]

#: The four levels of SOC 2020, broadest first.
LEVELS: tuple[str, ...] = ("major", "sub_major", "minor", "unit")
#: Number of digits of a code at each level.
CODE_LENGTHS: dict[str, int] = {"major": 1, "sub_major": 2, "minor": 3, "unit": 4}

#: How many rows at the top of each sheet are searched for the header row.
HEADER_SCAN_ROWS = 30

# Opening a workbook and streaming its sheets is openpyxl (zipfile, zlib, XML
# parsing) working on untrusted bytes: a damaged file can fail there in many ways
# (BadZipFile, zlib.error, InvalidFileException, KeyError for a missing part,
# XML syntax errors, struct.error, EOFError, ValueError, ...).  Any exception raised
# inside that code means "not a readable xlsx workbook" and becomes ImportRejected
# (chained to the original).  Only openpyxl's own work is guarded this way, never
# the readers' code.
_UNREADABLE: tuple[type[BaseException], ...] = (Exception,)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class SocGroupRecord:
    """One SOC 2020 group of any level, from Volume 1.

    ``sheet``/``row`` point at the group's row in the descriptions sheet;
    ``framework_row`` at its row in the framework sheet.  ``entry_routes`` is the
    column "Typical Entry Routes And Associated Qualifications" (empty for major,
    sub-major and minor groups, which the ONS does not describe at that level).
    ``tasks`` and ``related_job_titles`` are the ``~``-bulleted lists of the workbook,
    one clean item per entry (empty tuples above unit-group level).
    ``unique_id`` (e.g. ``soc-y1aa``, unit groups only), ``version`` (e.g. ``V7``)
    and ``change`` (e.g. "Unit group title was ...") come from the framework sheet.
    """

    code: str
    level: str
    title: str
    description: str
    entry_routes: str
    tasks: tuple[str, ...]
    related_job_titles: tuple[str, ...]
    parent_code: str | None
    sheet: str
    row: int
    _: KW_ONLY
    unique_id: str | None = None
    version: str | None = None
    change: str | None = None
    framework_sheet: str | None = None
    framework_row: int | None = None


@dataclass(frozen=True, slots=True)
class CodingIndexRecord:
    """One entry of the SOC 2020 coding index (Volume 2).

    ``title`` is the job title in natural word order ("Head chef"), ``index_title``
    as the index sorts it ("Chef, head").  Codes are strings: ``soc2020_unit``
    ``"5434"``, ``soc2020_sub_unit`` ``"5434/00"`` (the extended SOC sub-unit group;
    ``/00`` = unit group not subdivided, ``/99`` = n.e.c.), ``soc2010``, ``soc2000``
    (4 digits), ``soc90`` (3 digits), ``isco08`` (4 digits, leading zero kept:
    ``"0110"``).

    Cross-reference entries: about 230 index entries carry no code at all (the
    workbook writes ``}}}}`` in every code column) and only point elsewhere through
    ``see`` ("see Adviser", "see also notes").  They are returned, with
    ``soc2020_unit`` ``None`` and :attr:`is_cross_reference` true, so the reader
    returns the complete index; filter them out where a code is needed.  Likewise a
    ``}}}}`` in one code column only (e.g. SOC 2010 for a few new entries) gives
    ``None`` for that code.

    ``issues`` lists data-quality notes about the row that did not justify rejecting
    the file (e.g. a sub-unit group that does not belong to the row's unit group;
    such a sub-unit is dropped, i.e. ``soc2020_sub_unit`` is ``None``).
    """

    title: str
    soc2020_unit: str | None
    soc2020_sub_unit: str | None
    soc2010: str | None
    isco08: str | None
    sheet: str
    row: int
    _: KW_ONLY
    index_title: str = ""
    additional_qualifier: str | None = None
    industry_qualifier: str | None = None
    see: str | None = None
    default_entry: str | None = None
    soc2000: str | None = None
    soc90: str | None = None
    unique_id: str | None = None
    recno: int | None = None
    version: str | None = None
    change: str | None = None
    soc2020_unit_title: str | None = None
    soc2020_sub_unit_title: str | None = None
    soc2010_unit_title: str | None = None
    isco08_title: str | None = None
    issues: tuple[str, ...] = ()

    @property
    def is_cross_reference(self) -> bool:
        """True for an index entry that only refers to other entries (no SOC 2020 code)."""
        return self.soc2020_unit is None


@dataclass(frozen=True, slots=True)
class SocRelationshipRecord:
    """One SOC 2010 unit group -> SOC 2020 unit group link of the ONS relationship table.

    The table comes from dual-coding the same workers to SOC 2010 and SOC 2020, in
    the Labour Force Survey (LFS) and in the 2011 Census, for men and women
    separately.  For each SOC 2010 group a "Total sample" row gives the four sample
    sizes (``*_base``, workers coded to that SOC 2010 group); each following row gives,
    per SOC 2020 group, the share of those workers coded to it.  Although the columns
    are named ``*_perc_2020``, the workbook holds **fractions (0..1), not per cent**;
    the reader checks this (a value outside 0..1 rejects the file) and returns
    fractions.

    * ``men_lfs_proportion``, ``men_census_proportion``, ``women_lfs_proportion``,
      ``women_census_proportion``: the four published shares, as fractions; ``None``
      where the sample behind it is empty (the workbook writes 0 there).
    * ``proportion``: one all-persons share, pooled from men and women weighted by
      their sample sizes, ``(m_base*m + w_base*w) / (m_base + w_base)``, taken from the
      Census (the larger sample) or, where the Census sample of the SOC 2010 group is
      empty, from the LFS; ``None`` if both are empty.  ``proportion_source`` says
      which: ``"census"``, ``"lfs"`` or ``None``.

    The shares of one SOC 2010 group add up to 1 or slightly less (the ONS leaves
    out very small remainders).  ``row`` is the SOC 2020 row; ``soc2010_row`` the
    group's "Total sample" row.  Titles are as the table prints them (some SOC 2020
    titles predate later renamings in Volume 1).
    """

    soc2010: str
    soc2010_title: str
    soc2020: str
    soc2020_title: str
    proportion: float | None
    sheet: str
    row: int
    _: KW_ONLY
    proportion_source: str | None = None
    men_lfs_proportion: float | None = None
    men_census_proportion: float | None = None
    women_lfs_proportion: float | None = None
    women_census_proportion: float | None = None
    men_lfs_base: int | None = None
    men_census_base: int | None = None
    women_lfs_base: int | None = None
    women_census_base: int | None = None
    soc2010_row: int | None = None


# --------------------------------------------------------------------------- helpers


def _norm(value: Any) -> str:
    """Header text reduced to lower-case letters and digits, for matching."""
    return re.sub(r"[^0-9a-z]", "", str(value).lower()) if value is not None else ""


@dataclass(frozen=True)
class _Column:
    key: str
    label: str  # the column's name as published, for messages
    aliases: frozenset[str]
    required: bool = True


def _col(key: str, label: str, *aliases: str, required: bool = True) -> _Column:
    return _Column(key, label, frozenset({_norm(label), *(_norm(a) for a in aliases)}), required)


@dataclass
class _Sheet:
    ws: Any
    name: str
    header_row: int
    index: dict[str, int]  # column key -> 0-based position
    labels: dict[str, str]  # column key -> header text as found

    def label(self, key: str) -> str:
        return self.labels[key]


def _file_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else "<stream>"


@contextmanager
def _open_workbook(source: Source, file: str) -> Iterator[Any]:
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ImportRejected(file, "file not found") from None
    except IsADirectoryError:
        raise ImportRejected(file, "is a directory, not an xlsx workbook") from None
    except _UNREADABLE as exc:
        raise ImportRejected(file, f"not a readable xlsx workbook (corrupt or truncated?): {type(exc).__name__}: {exc}") from exc
    try:
        yield wb
    finally:
        wb.close()


def _rows(ws: Any, file: str, max_rows: int | None = None) -> Iterator[tuple[int, Sequence[Any]]]:
    """(1-based row number, cell values) of a read-only sheet, damaged archives rejected."""
    try:
        with contextlib.suppress(AttributeError):
            ws.reset_dimensions()  # do not trust the workbook's declared dimensions
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if max_rows is not None and number > max_rows:
                return
            yield number, values
    except _UNREADABLE as exc:
        raise ImportRejected(
            file,
            f"sheet {ws.title!r} cannot be read (corrupt or truncated workbook?): {type(exc).__name__}: {exc}",
        ) from exc


def _cell(values: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


_PLACEHOLDERS = {"<blank>"}  # Volume 1 writes <blank> in empty cells


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        s = value.strip()
        return not s or s.lower() in _PLACEHOLDERS
    return False


def _blank_row(values: Sequence[Any]) -> bool:
    return all(_is_blank(v) for v in values)


def _line(value: Any) -> str:
    """A one-line text: whitespace (incl. no-break spaces and newlines) collapsed."""
    if _is_blank(value):
        return ""
    return " ".join(str(value).split())


def _opt_line(value: Any) -> str | None:
    return _line(value) or None


def _para(value: Any) -> str:
    """A multi-line text: lines kept, spaces within lines collapsed, blank lines squeezed."""
    if _is_blank(value):
        return ""
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


_BULLETS = "~•·▪◦*-–"


def _items(value: Any) -> tuple[str, ...]:
    """Split a bulleted list cell ("~item\\n\\n~item") into clean items."""
    if _is_blank(value):
        return ()
    text = str(value)
    parts = text.split("~") if "~" in text else re.split(r"\n|•|▪", text)
    items = []
    for part in parts:
        item = " ".join(part.split()).lstrip(_BULLETS + " ")
        if item:
            items.append(item)
    return tuple(items)


def _is_marker(value: Any) -> bool:
    """The ONS's "no code" marker: }}}, }}}} or }}}}/}}."""
    return isinstance(value, str) and bool(re.fullmatch(r"\s*\}+(\s*/\s*\}+)?\s*", value))


def _code_text(value: Any) -> str | None:
    """A code cell as text (ints as digits), or None if blank."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _code(
    value: Any,
    digits: int,
    *,
    file: str,
    sheet: _Sheet,
    row: int,
    key: str,
    what: str,
    zero_pad: bool = False,
) -> str | None:
    """A code of exactly ``digits`` digits, None if blank or the "no code" marker."""
    if _is_marker(value):
        return None
    text = _code_text(value)
    if text is None:
        return None
    if zero_pad and re.fullmatch(r"[0-9]+", text) and len(text) < digits:
        text = text.zfill(digits)
    if not re.fullmatch(rf"[0-9]{{{digits}}}", text):
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: malformed {what} {text!r} (expected {digits} digits)",
            row=row,
            field=sheet.label(key),
        )
    return text


def _scan_header(ws: Any, file: str, columns: Sequence[_Column]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """The row among the first HEADER_SCAN_ROWS that names the most of ``columns``."""
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for number, values in _rows(ws, file, HEADER_SCAN_ROWS):
        index: dict[str, int] = {}
        labels: dict[str, str] = {}
        for pos, value in enumerate(values):
            if not isinstance(value, str):
                continue
            normed = _norm(value)
            for column in columns:
                if column.key not in index and normed in column.aliases:
                    index[column.key] = pos
                    labels[column.key] = " ".join(value.split())
                    break
        if index and (best is None or len(index) > len(best[1])):
            best = (number, index, labels)
    return best


def _find_sheet(
    wb: Any,
    file: str,
    *,
    what: str,
    columns: Sequence[_Column],
    accept: Callable[[set[str]], bool],
    anchor: _Column,
    name_hint: str,
    exclude: Sequence[str] = (),
) -> _Sheet:
    """Find the sheet holding ``what`` by its header row; check its required columns."""
    candidates: list[tuple[tuple[int, int, int], _Sheet]] = []
    for order, ws in enumerate(wb.worksheets):
        if ws.title in exclude:
            continue
        found = _scan_header(ws, file, columns)
        if found is None or not accept(set(found[1])):
            continue
        number, index, labels = found
        sheet = _Sheet(ws, ws.title, number, index, labels)
        rank = (0 if _norm(name_hint) in _norm(ws.title) else 1, -len(index), order)
        candidates.append((rank, sheet))
    if not candidates:
        names = ", ".join(repr(ws.title) for ws in wb.worksheets) or "none"
        raise ImportRejected(
            file,
            f"no {what} sheet found: no sheet has a header row with the column {anchor.label!r} (sheets: {names})",
            field=anchor.label,
        )
    sheet = min(candidates, key=lambda c: c[0])[1]
    for column in columns:
        if column.required and column.key not in sheet.index:
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: required column {column.label!r} is missing from the header row",
                row=sheet.header_row,
                field=column.label,
            )
    for column in columns:
        sheet.labels.setdefault(column.key, column.label)
    return sheet


def _data_rows(sheet: _Sheet, file: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """Non-blank rows below the header row."""
    for number, values in _rows(sheet.ws, file):
        if number <= sheet.header_row or _blank_row(values):
            continue
        yield number, values


# --------------------------------------------------------------------------- Volume 1


_LEVEL_COLUMNS = (
    _col("major", "SOC 2020 Major Group", "Major Group", "SOC2020 Major Group"),
    _col("sub_major", "SOC 2020 Sub-Major Group", "Sub-Major Group", "Sub Major Group"),
    _col("minor", "SOC 2020 Minor Group", "Minor Group"),
    _col("unit", "SOC 2020 Unit Group", "Unit Group"),
)
_TITLE = _col("title", "SOC 2020 Group Title", "Group Title", "Title")

_DESCRIPTION_COLUMNS = (
    *_LEVEL_COLUMNS,
    _TITLE,
    _col("description", "Group Description", "Description"),
    _col(
        "entry_routes",
        "Typical Entry Routes And Associated Qualifications",
        "Typical Entry Routes",
        "Entry Routes",
        "Typical Entry Routes and Qualifications",
        required=False,
    ),
    _col("tasks", "Tasks"),
    _col("related", "Related Job Titles"),
    _col("subgroups", "Groups Classified Within Sub-Groups", required=False),
)
_DESCRIPTION_ONLY = {"description", "entry_routes", "tasks", "related"}

_FRAMEWORK_COLUMNS = (
    _col("unique_id", "Unique ID", required=False),
    *_LEVEL_COLUMNS,
    _TITLE,
    _col("change", "Change", required=False),
    _col("version", "VERSNO", "Version", required=False),
)

_LEVEL_NAMES = {"major": "major group", "sub_major": "sub-major group", "minor": "minor group", "unit": "unit group"}


def _group_code(values: Sequence[Any], number: int, sheet: _Sheet, file: str) -> tuple[str, str]:
    """(level, code) of a structure row: the most specific code filled in."""
    filled: list[tuple[str, str]] = []
    for level in LEVELS:
        code = _code(
            _cell(values, sheet.index[level]),
            CODE_LENGTHS[level],
            file=file,
            sheet=sheet,
            row=number,
            key=level,
            what=f"SOC 2020 {_LEVEL_NAMES[level]} code",
        )
        if code is not None:
            filled.append((level, code))
    if not filled:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: row has content but no SOC 2020 group code",
            row=number,
            field=sheet.label("unit"),
        )
    level, code = filled[-1]
    for other_level, other in filled[:-1]:
        if not code.startswith(other):
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: {_LEVEL_NAMES[level]} {code} does not belong to "
                f"{_LEVEL_NAMES[other_level]} {other} given on the same row",
                row=number,
                field=sheet.label(level),
            )
    return level, code


def read_soc2020_structure(path: Source) -> list[SocGroupRecord]:
    """All SOC 2020 groups (major, sub-major, minor, unit) of Volume 1, in workbook order.

    Reads the descriptions sheet (found by its columns: the four code columns, group
    title, group description, tasks, related job titles; "Typical Entry Routes And
    Associated Qualifications" is read if present) and the framework sheet (code
    columns and group title, without description columns; unique id, change and
    VERSNO if present), and merges them by code.  Titles and texts come from the
    descriptions sheet.  Both sheets must list the same codes, every code must have
    the right number of digits for its column and occur once, and every group's
    parent (its code minus the last digit) must exist; otherwise the file is
    rejected.  The 16 April 2025 edition has 9 + 26 + 104 + 412 = 551 groups.
    """
    file = _file_name(path)
    with _open_workbook(path, file) as wb:
        desc = _find_sheet(
            wb,
            file,
            what="SOC 2020 descriptions",
            columns=_DESCRIPTION_COLUMNS,
            accept=lambda keys: bool(keys & _DESCRIPTION_ONLY),
            anchor=_DESCRIPTION_COLUMNS[-3],  # Tasks
            name_hint="descriptions",
        )
        frame = _find_sheet(
            wb,
            file,
            what="SOC 2020 framework",
            columns=_FRAMEWORK_COLUMNS,
            accept=lambda keys: not (keys & _DESCRIPTION_ONLY) and bool(keys & set(LEVELS)),
            anchor=_LEVEL_COLUMNS[-1],
            name_hint="framework",
            exclude=[desc.name],
        )

        described: dict[str, dict[str, Any]] = {}
        for number, values in _data_rows(desc, file):
            level, code = _group_code(values, number, desc, file)
            if code in described:
                raise ImportRejected(
                    file,
                    f"sheet {desc.name!r}: code {code} occurs twice (first on row {described[code]['row']})",
                    row=number,
                    field=desc.label(level),
                )
            title = _line(_cell(values, desc.index["title"]))
            if not title:
                raise ImportRejected(
                    file, f"sheet {desc.name!r}: group {code} has no title", row=number, field=desc.label("title")
                )
            described[code] = {
                "code": code,
                "level": level,
                "title": title,
                "description": _para(_cell(values, desc.index["description"])),
                "entry_routes": _para(_cell(values, desc.index.get("entry_routes"))),
                "tasks": _items(_cell(values, desc.index["tasks"])),
                "related_job_titles": _items(_cell(values, desc.index["related"])),
                "parent_code": code[:-1] or None,
                "sheet": desc.name,
                "row": number,
            }

        framework: dict[str, dict[str, Any]] = {}
        for number, values in _data_rows(frame, file):
            level, code = _group_code(values, number, frame, file)
            if code in framework:
                raise ImportRejected(
                    file,
                    f"sheet {frame.name!r}: code {code} occurs twice (first on row {framework[code]['framework_row']})",
                    row=number,
                    field=frame.label(level),
                )
            framework[code] = {
                "unique_id": _opt_line(_cell(values, frame.index.get("unique_id"))),
                "version": _opt_line(_cell(values, frame.index.get("version"))),
                "change": _opt_line(_cell(values, frame.index.get("change"))),
                "framework_sheet": frame.name,
                "framework_row": number,
            }

    if not described:
        raise ImportRejected(file, f"sheet {desc.name!r} has no groups below its header row", row=desc.header_row)
    for code, info in described.items():
        if code not in framework:
            raise ImportRejected(
                file,
                f"group {code} of sheet {desc.name!r} is missing from sheet {frame.name!r}",
                row=info["row"],
                field=desc.label(info["level"]),
            )
        parent = info["parent_code"]
        if parent is not None and parent not in described:
            raise ImportRejected(
                file,
                f"sheet {desc.name!r}: {_LEVEL_NAMES[info['level']]} {code} has no parent group {parent}",
                row=info["row"],
                field=desc.label(info["level"]),
            )
    for code, info in framework.items():
        if code not in described:
            raise ImportRejected(
                file,
                f"group {code} of sheet {frame.name!r} is missing from sheet {desc.name!r}",
                row=info["framework_row"],
                field=frame.label("unit"),
            )
    return [SocGroupRecord(**info, **framework[code]) for code, info in described.items()]


# --------------------------------------------------------------------------- Volume 2


_INDEXOCC = _col("indexocc", "INDEXOCC")
_INDEX_COLUMNS = (
    _col("unique_id", "UNIQUE ID", required=False),
    _col("recno", "RECNO", required=False),
    _col("default", "D", required=False),
    _col("soc90", "SOC_90", "SOC90", required=False),
    _col("soc2000", "SOC_2000", "SOC2000", required=False),
    _col("soc2010", "SOC_2010", "SOC2010"),
    _col("soc2020", "SOC_2020", "SOC2020"),
    _col("soc2020_ext", "SOC_2020_ext", "SOC2020-ext", "SOC2020 ext", "SOC_2020_SUG"),
    _INDEXOCC,
    _col("add", "ADD", required=False),
    _col("ind", "IND", required=False),
    _col("see", "SEE", required=False),
    _col("isco08", "ISCO-08 code based on SOC2020", "ISCO-08", "ISCO08", "ISCO-08 code"),
    _col("version", "VERSNO", required=False),
    _col("change", "CHANGE", required=False),
    _col("soc2010_title", "SOC2010_unit_group_title", "SOC2010 unit group title", required=False),
    _col("soc2020_title", "SOC2020_unit_group_title", "SOC2020 unit group title", required=False),
    _col("soc2020_ext_title", "SOC2020_ext_SUG_title", "SOC2020-ext group title", required=False),
    _col("isco08_title", "ISCO08_unit_group_title", "ISCO08 unit group title", required=False),
    _col("natural", "INDEXOCC_-_natural_word_order", "INDEXOCC - natural word order", required=False),
)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        return int(value)
    return None


def _index_record(values: Sequence[Any], number: int, sheet: _Sheet, file: str) -> CodingIndexRecord:
    """One coding-index row as a record (the row is known not to be blank)."""
    ix = sheet.index

    def value(key: str) -> Any:
        return _cell(values, ix.get(key))

    def code(key: str, digits: int, what: str, zero_pad: bool = False) -> str | None:
        return _code(value(key), digits, file=file, sheet=sheet, row=number, key=key, what=what, zero_pad=zero_pad)

    def text(key: str) -> str | None:
        raw = value(key)
        return None if _is_marker(raw) else _opt_line(raw)

    index_title = _line(value("indexocc"))
    title = _line(value("natural")) or index_title
    if not title:
        raise ImportRejected(
            file, f"sheet {sheet.name!r}: index entry has no job title", row=number, field=sheet.label("indexocc")
        )
    if _is_blank(value("soc2020")):
        raise ImportRejected(
            file, f"sheet {sheet.name!r}: entry {title!r} has no SOC 2020 code", row=number, field=sheet.label("soc2020")
        )
    unit = code("soc2020", 4, "SOC 2020 unit group code")

    issues: list[str] = []
    sub_unit: str | None = None
    raw_ext = value("soc2020_ext")
    if not _is_marker(raw_ext) and not _is_blank(raw_ext):
        sub_unit = str(raw_ext).strip()
        if not re.fullmatch(r"[0-9]{4}/[0-9]{2}", sub_unit):
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: malformed SOC 2020 sub-unit group code {sub_unit!r} (expected dddd/dd)",
                row=number,
                field=sheet.label("soc2020_ext"),
            )
        if unit is None or not sub_unit.startswith(unit + "/"):
            issues.append(
                f"{sheet.label('soc2020_ext')} {sub_unit} does not belong to "
                f"{sheet.label('soc2020')} {unit or '(none)'}; sub-unit dropped"
            )
            sub_unit = None

    return CodingIndexRecord(
        title,
        unit,
        sub_unit,
        code("soc2010", 4, "SOC 2010 unit group code"),
        code("isco08", 4, "ISCO-08 unit group code", zero_pad=True),
        sheet.name,
        number,
        index_title=index_title,
        additional_qualifier=text("add"),
        industry_qualifier=text("ind"),
        see=text("see"),
        default_entry=text("default"),
        soc2000=code("soc2000", 4, "SOC 2000 unit group code"),
        soc90=code("soc90", 3, "SOC 90 unit group code"),
        unique_id=text("unique_id"),
        recno=_int_or_none(value("recno")),
        version=text("version"),
        change=text("change"),
        soc2020_unit_title=None if unit is None else text("soc2020_title"),
        soc2020_sub_unit_title=None if sub_unit is None else text("soc2020_ext_title"),
        soc2010_unit_title=text("soc2010_title"),
        isco08_title=text("isco08_title"),
        issues=tuple(issues),
    )


def read_coding_index(path: Source) -> list[CodingIndexRecord]:
    """All entries of the SOC 2020 coding index (Volume 2), in workbook order.

    The coding-index sheet is the one whose header row has ``INDEXOCC`` (the sheet
    named like "coding index" is preferred should several have it).  Required
    columns: INDEXOCC, SOC_2020, SOC_2020_ext, SOC_2010, ISCO-08 code; the others
    (UNIQUE ID, RECNO, D, SOC_90, SOC_2000, ADD, IND, SEE, VERSNO, CHANGE, the titles,
    INDEXOCC natural word order) are read when present.  A SOC 2020 code that is
    neither 4 digits nor the ONS "no code" marker ``}}}}``, a sub-unit code not of
    the form ``dddd/dd``, a malformed SOC 2010/2000/90 or ISCO-08 code, or a row
    without a job title rejects the file.  The 16 April 2025 edition has 32,195
    entries (231 of them cross-references without a code).
    """
    file = _file_name(path)
    with _open_workbook(path, file) as wb:
        sheet = _find_sheet(
            wb,
            file,
            what="SOC 2020 coding index",
            columns=_INDEX_COLUMNS,
            accept=lambda keys: "indexocc" in keys,
            anchor=_INDEXOCC,
            name_hint="coding index",
        )
        records = [_index_record(values, number, sheet, file) for number, values in _data_rows(sheet, file)]
    if not records:
        raise ImportRejected(file, f"sheet {sheet.name!r} has no entries below its header row", row=sheet.header_row)
    return records


# --------------------------------------------------------------------------- SOC 2010 -> 2020


_REL_SOC2010 = _col("soc2010", "SOC2010", "SOC 2010")
_REL_SOC2020 = _col("soc2020", "SOC2020", "SOC 2020")
_SAMPLES = ("men_lfs", "men_census", "women_lfs", "women_census")
_REL_COLUMNS = (
    _REL_SOC2010,
    _REL_SOC2020,
    *(
        column
        for sample in _SAMPLES
        for column in (
            _col(f"{sample}_base", f"{sample}_base_2010", required="census" in sample),
            _col(f"{sample}_perc", f"{sample}_perc_2020", required="census" in sample),
        )
    ),
)

_CODE_AND_TITLE = re.compile(r"\s*([0-9A-Za-z}]+)\s*:\s*(.*)", re.DOTALL)


def _code_and_title(value: Any, number: int, sheet: _Sheet, key: str, what: str, file: str) -> tuple[str, str]:
    """Split "1115: Chief executives and senior officials" into code and title."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        code, title = _code_text(value) or "", ""
    else:
        text = str(value).strip()
        match = _CODE_AND_TITLE.fullmatch(text)
        code, title = (match.group(1), match.group(2)) if match else (text, "")
    if not re.fullmatch(r"[0-9]{4}", code):
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: malformed {what} {str(value).strip()!r} (expected 'dddd: title')",
            row=number,
            field=sheet.label(key),
        )
    return code, _line(title)


def _base(value: Any, number: int, sheet: _Sheet, key: str, file: str) -> int | None:
    if sheet.index.get(key) is None:
        return None
    base = _int_or_none(value)
    if base is None or base < 0:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: sample size {value!r} is not a whole number >= 0",
            row=number,
            field=sheet.label(key),
        )
    return base


def _fraction(value: Any, number: int, sheet: _Sheet, key: str, file: str) -> float | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        number_value = math.nan
    elif isinstance(value, (int, float)):
        number_value = float(value)
    else:
        try:
            number_value = float(str(value).strip())
        except ValueError:
            number_value = math.nan
    if not math.isfinite(number_value) or not -1e-9 <= number_value <= 1 + 1e-9:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: proportion {value!r} is not a fraction between 0 and 1",
            row=number,
            field=sheet.label(key),
        )
    return min(max(number_value, 0.0), 1.0)


def _pooled(parts: Sequence[tuple[int | None, float | None]]) -> float | None:
    """Men and women pooled, weighted by sample size; None without a sample."""
    total = sum(base for base, _ in parts if base)
    if not total or any(base and share is None for base, share in parts):
        return None
    return sum(base * share for base, share in parts if base and share is not None) / total


def read_soc2010_to_2020(path: Source) -> list[SocRelationshipRecord]:
    """The ONS SOC 2010 -> SOC 2020 relationship table, one record per (SOC 2010, SOC 2020) pair.

    The sheet is the one whose header row has the columns SOC2010 and SOC2020;
    ``men_census_base_2010``, ``men_census_perc_2020``, ``women_census_base_2010`` and
    ``women_census_perc_2020`` are required, the LFS columns are read when present.
    Layout: a row with "dddd: SOC 2010 title" and "Total sample" opens a SOC 2010
    group and gives its sample sizes; the rows below it (SOC 2010 cell empty) give
    "dddd: SOC 2020 title" and the shares.  Proportions are fractions (see
    :class:`SocRelationshipRecord`).  The file is rejected if a code is malformed, a
    share is outside 0..1, a sample size is missing or negative, a SOC 2020 row comes
    before any SOC 2010 group, a SOC 2010 group occurs twice or has no SOC 2020 row,
    or a SOC 2020 group occurs twice within one SOC 2010 group.  The published table
    (ONS_SOC2010_SOC2020.xlsx) has 369 SOC 2010 groups and 714 pairs.
    """
    file = _file_name(path)
    records: list[SocRelationshipRecord] = []
    with _open_workbook(path, file) as wb:
        sheet = _find_sheet(
            wb,
            file,
            what="SOC 2010 -> SOC 2020 relationship",
            columns=_REL_COLUMNS,
            accept=lambda keys: {"soc2010", "soc2020"} <= keys,
            anchor=_REL_SOC2010,
            name_hint="soc2010",
        )
        ix = sheet.index
        group: dict[str, Any] | None = None
        seen_groups: dict[str, int] = {}

        def close_group() -> None:
            if group is not None and not group["pairs"]:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2010 group {group['code']} has no SOC 2020 rows",
                    row=group["row"],
                    field=sheet.label("soc2010"),
                )

        for number, values in _data_rows(sheet, file):
            raw2010 = _cell(values, ix["soc2010"])
            raw2020 = _cell(values, ix["soc2020"])
            if not _is_blank(raw2010):
                close_group()
                code, title = _code_and_title(raw2010, number, sheet, "soc2010", "SOC 2010 group", file)
                if _line(raw2020).lower() != "total sample":
                    raise ImportRejected(
                        file,
                        f"sheet {sheet.name!r}: the row opening SOC 2010 group {code} should say 'Total sample' "
                        f"in this column, found {raw2020!r}",
                        row=number,
                        field=sheet.label("soc2020"),
                    )
                if code in seen_groups:
                    raise ImportRejected(
                        file,
                        f"sheet {sheet.name!r}: SOC 2010 group {code} occurs twice (first on row {seen_groups[code]})",
                        row=number,
                        field=sheet.label("soc2010"),
                    )
                seen_groups[code] = number
                group = {
                    "code": code,
                    "title": title,
                    "row": number,
                    "pairs": set(),
                    "bases": {
                        sample: _base(_cell(values, ix.get(f"{sample}_base")), number, sheet, f"{sample}_base", file)
                        for sample in _SAMPLES
                    },
                }
                continue
            if _is_blank(raw2020):
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: row has figures but no SOC 2020 group",
                    row=number,
                    field=sheet.label("soc2020"),
                )
            code2020, title2020 = _code_and_title(raw2020, number, sheet, "soc2020", "SOC 2020 group", file)
            if group is None:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2020 group {code2020} comes before any SOC 2010 group",
                    row=number,
                    field=sheet.label("soc2010"),
                )
            if code2020 in group["pairs"]:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2020 group {code2020} occurs twice under SOC 2010 group {group['code']}",
                    row=number,
                    field=sheet.label("soc2020"),
                )
            group["pairs"].add(code2020)
            bases = group["bases"]
            shares: dict[str, float | None] = {}
            for sample in _SAMPLES:
                share = _fraction(_cell(values, ix.get(f"{sample}_perc")), number, sheet, f"{sample}_perc", file)
                # The workbook writes 0 where the sample is empty: that is "no data".
                shares[sample] = share if bases[sample] else None
            census = _pooled([(bases["men_census"], shares["men_census"]), (bases["women_census"], shares["women_census"])])
            lfs = _pooled([(bases["men_lfs"], shares["men_lfs"]), (bases["women_lfs"], shares["women_lfs"])])
            proportion, source = (census, "census") if census is not None else (lfs, "lfs" if lfs is not None else None)
            records.append(
                SocRelationshipRecord(
                    group["code"],
                    group["title"],
                    code2020,
                    title2020,
                    proportion,
                    sheet.name,
                    number,
                    proportion_source=source,
                    men_lfs_proportion=shares["men_lfs"],
                    men_census_proportion=shares["men_census"],
                    women_lfs_proportion=shares["women_lfs"],
                    women_census_proportion=shares["women_census"],
                    men_lfs_base=bases["men_lfs"],
                    men_census_base=bases["men_census"],
                    women_lfs_base=bases["women_lfs"],
                    women_census_base=bases["women_census"],
                    soc2010_row=group["row"],
                )
            )
        close_group()
    if not records:
        raise ImportRejected(file, f"sheet {sheet.name!r} has no rows below its header row", row=sheet.header_row)
    return records
