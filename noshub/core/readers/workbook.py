"""Opening spreadsheet files safely: a corrupt or truncated workbook is a clear error."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from noshub.core.errors import ImportRejected


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
