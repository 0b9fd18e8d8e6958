"""The one mapping between a NosDocument's text and stored columns loses nothing."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, NosDocument, Statement, WelshText, text_columns, text_from_columns

TEXT = st.text(max_size=30)
STATEMENTS = st.lists(TEXT, max_size=3).map(lambda ts: tuple(Statement(f"P{i}", t) for i, t in enumerate(ts, 1)))


@st.composite
def documents(draw) -> NosDocument:
    english = {name: draw(TEXT) for name in HTML_SECTIONS} | {name: draw(STATEMENTS) for name in LIST_SECTIONS}
    welsh = {name: draw(TEXT) for name in HTML_SECTIONS} | {name: draw(STATEMENTS) for name in LIST_SECTIONS}
    welsh_doc = WelshText(title=draw(TEXT), keywords=tuple(draw(st.lists(TEXT, max_size=3))), **welsh)
    return NosDocument(urn="ZZ1", title=draw(TEXT), welsh=welsh_doc, **english)


@given(documents())
def test_columns_round_trip_every_text_field(doc):
    row = SimpleNamespace(**text_columns(doc))
    rebuilt = NosDocument(urn=row.urn, **text_from_columns(row))
    assert rebuilt == doc


def test_every_text_field_of_the_template_has_a_column():
    columns = text_columns(NosDocument(urn="ZZ1", title="t"))
    english = {f.name for f in dataclasses.fields(WelshText)} - {"keywords"}
    assert english <= columns.keys()
    assert {f"{name}_cy" for name in english} | {"keywords_cy"} <= columns.keys()
