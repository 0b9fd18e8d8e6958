"""CSV cells that spreadsheets would run as formulas are neutralised (noshub.core.spreadsheet)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from noshub.core.spreadsheet import FORMULA_STARTS, SafeDictWriter, SafeWriter, safe_cell


def test_formula_cells_get_a_quote():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'):
        assert safe_cell(text) == "'" + text
    for text in ("", "Prepare fish", "1-2", "a=b", "'=already"):
        assert safe_cell(text) == text


def test_numbers_stay_numbers():
    assert safe_cell(-3) == -3 and safe_cell(-0.5) == -0.5 and safe_cell(None) is None


@given(st.text())
def test_no_written_cell_begins_as_a_formula(text):
    out = io.StringIO()
    SafeWriter(out).writerow([text])
    SafeDictWriter(out, fieldnames=["a"]).writerow({"a": text})
    expected = "'" + text if text.startswith(FORMULA_STARTS) else text
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert [cell for row in rows for cell in row] == [expected, expected]
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
