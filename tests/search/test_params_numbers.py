"""Whole-number search parameters: a whole number written as a decimal is taken (JSON Schema
counts 20.0 an integer, and the API document says integer); anything else is a clear 400."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noshub.search.params import InvalidParameter, SearchParams


@pytest.mark.parametrize("raw, taken", [("20", 20), ("20.0", 20), ("2e1", 20), (" 7 ", 7), ("", 20)])
def test_whole_numbers_are_taken(raw, taken):
    assert SearchParams.from_query_dict({"per_page": raw}).per_page == taken


@pytest.mark.parametrize("raw", ["2.5", "nan", "inf", "-inf", "1e400", "x", "0x10", "2,0"])
def test_anything_else_is_refused_by_name(raw):
    with pytest.raises(InvalidParameter, match=r"per_page: must be a whole number, not") as refused:
        SearchParams.from_query_dict({"per_page": raw})
    assert refused.value.status == 400 and raw[:10] in str(refused.value)


def test_a_whole_decimal_out_of_range_is_still_refused():
    with pytest.raises(InvalidParameter, match="must be between 1 and 100"):
        SearchParams.from_query_dict({"per_page": "100.0e1"})


@given(st.integers(1, 10_000))
def test_any_page_written_as_a_decimal_is_that_page(n):
    assert SearchParams.from_query_dict({"page": f"{float(n)}"}).page == n
