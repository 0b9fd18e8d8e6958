"""CSV that a spreadsheet program cannot run: the one helper every CSV export writes through.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)``, ``@SUM(…)``, DDE payloads).
`safe_cell` puts a single quote before such text, the neutralisation OWASP recommends; numbers
are left as numbers. No Django here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, out: IO[str], **kwargs) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """`csv.DictWriter` whose every value goes through `safe_cell` (the header is the code's own)."""

    def __init__(self, out: IO[str], fieldnames: list[str], **kwargs) -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, **kwargs)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({k: safe_cell(v) for k, v in row.items()})
