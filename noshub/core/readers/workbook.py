"""Reading spreadsheet files safely: opening a workbook, streaming its rows, finding a sheet by its header row.

A corrupt or truncated workbook, a missing sheet or a missing column is a clear `ImportRejected`
naming the file (and the row and column where that makes sense), never a crash inside openpyxl.
Two ways in:

* `sheet_rows(path)`: every row of one sheet, for a workbook whose layout is fixed;
* `opened(source)` with `find_sheet` and `data_rows`: for published workbooks whose sheets
  and header rows are found by their column names, not by position, so title rows above the
  header and reordered or extra columns do no harm.
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from noshub.core.errors import ImportRejected

Source = Union[str, "os.PathLike[str]", IO[bytes]]

#: How many rows at the top of each sheet are searched for the header row.
HEADER_SCAN_ROWS = 30

# Opening a workbook and streaming its sheets is openpyxl (zipfile, zlib, XML
# parsing) working on untrusted bytes: a damaged file can fail there in many ways
# (BadZipFile, zlib.error, InvalidFileException, KeyError for a missing part,
# XML syntax errors, struct.error, EOFError, ValueError, ...).  In `opened` and
# `rows`, any exception raised inside that code means "not a readable xlsx
# workbook" and becomes ImportRejected (chained to the original).  Only openpyxl's
# own work is guarded this way, never the readers' code.
_UNREADABLE: tuple[type[BaseException], ...] = (Exception,)


# --------------------------------------------------------------------------- a fixed layout


def open_workbook(path: Path):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ImportRejected(path.name, "file not found") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError, ValueError) as exc:
        raise ImportRejected(path.name, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None


def sheet_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, tuple]]:
    """(1-based row number, values) for every row of a sheet (the first sheet by default)."""
    wb = open_workbook(path)
    try:
        try:
            ws = wb[sheet] if sheet else wb.worksheets[0]
        except (KeyError, IndexError):
            raise ImportRejected(path.name, f"no sheet named {sheet!r}") from None
        try:
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
            raise ImportRejected(path.name, f"workbook is damaged ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()


# --------------------------------------------------------------------------- sheets found by their header


def source_name(source: Source) -> str:
    """The file name to put in messages: of a path, of a named stream, else "<stream>"."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else "<stream>"


@contextmanager
def opened(source: Source, file: str) -> Iterator[Any]:
    """The workbook of a path or binary stream, read-only, closed afterwards."""
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
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


def rows(ws: Any, file: str, max_rows: int | None = None) -> Iterator[tuple[int, Sequence[Any]]]:
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


def cell(values: Sequence[Any], index: int | None) -> Any:
    """The value at a 0-based position of a row, None past its end or for a column not found."""
    if index is None or index >= len(values):
        return None
    return values[index]


def norm(value: Any) -> str:
    """Header text reduced to lower-case letters and digits, for matching."""
    return re.sub(r"[^0-9a-z]", "", str(value).lower()) if value is not None else ""


@dataclass(frozen=True)
class Column:
    """A column looked for in a header row: by its published name or any of its aliases."""

    key: str
    label: str  # the column's name as published, for messages
    aliases: frozenset[str]
    required: bool = True


def column(key: str, label: str, *aliases: str, required: bool = True) -> Column:
    return Column(key, label, frozenset({norm(label), *(norm(a) for a in aliases)}), required)


@dataclass
class Sheet:
    """A sheet whose header row was found, and where each column sits in it."""

    ws: Any
    name: str
    header_row: int
    index: dict[str, int]  # column key -> 0-based position
    labels: dict[str, str]  # column key -> header text as found

    def label(self, key: str) -> str:
        return self.labels[key]


def _scan_header(ws: Any, file: str, columns: Sequence[Column]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """The row among the first HEADER_SCAN_ROWS that names the most of ``columns``."""
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for number, values in rows(ws, file, HEADER_SCAN_ROWS):
        index: dict[str, int] = {}
        labels: dict[str, str] = {}
        for pos, value in enumerate(values):
            if not isinstance(value, str):
                continue
            normed = norm(value)
            for col in columns:
                if col.key not in index and normed in col.aliases:
                    index[col.key] = pos
                    labels[col.key] = " ".join(value.split())
                    break
        if index and (best is None or len(index) > len(best[1])):
            best = (number, index, labels)
    return best


def find_sheet(
    wb: Any,
    file: str,
    *,
    what: str,
    columns: Sequence[Column],
    accept: Callable[[set[str]], bool],
    anchor: Column,
    name_hint: str,
    exclude: Sequence[str] = (),
) -> Sheet:
    """Find the sheet holding ``what`` by its header row; check its required columns.

    Every sheet whose header row (among its first HEADER_SCAN_ROWS rows) names columns that
    ``accept`` takes is a candidate; a sheet whose name contains ``name_hint`` wins, then the
    one naming most columns, then the first."""
    candidates: list[tuple[tuple[int, int, int], Sheet]] = []
    for order, ws in enumerate(wb.worksheets):
        if ws.title in exclude:
            continue
        found = _scan_header(ws, file, columns)
        if found is None or not accept(set(found[1])):
            continue
        number, index, labels = found
        sheet = Sheet(ws, ws.title, number, index, labels)
        rank = (0 if norm(name_hint) in norm(ws.title) else 1, -len(index), order)
        candidates.append((rank, sheet))
    if not candidates:
        names = ", ".join(repr(ws.title) for ws in wb.worksheets) or "none"
        raise ImportRejected(
            file,
            f"no {what} sheet found: no sheet has a header row with the column {anchor.label!r} (sheets: {names})",
            field=anchor.label,
        )
    sheet = min(candidates, key=lambda c: c[0])[1]
    for col in columns:
        if col.required and col.key not in sheet.index:
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: required column {col.label!r} is missing from the header row",
                row=sheet.header_row,
                field=col.label,
            )
    for col in columns:
        sheet.labels.setdefault(col.key, col.label)
    return sheet


def data_rows(sheet: Sheet, file: str, blank: Callable[[Any], bool]) -> Iterator[tuple[int, Sequence[Any]]]:
    """Rows below the header row, without those whose every cell is ``blank``."""
    for number, values in rows(sheet.ws, file):
        if number <= sheet.header_row or all(blank(v) for v in values):
            continue
        yield number, values
