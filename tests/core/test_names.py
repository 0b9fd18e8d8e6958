"""The names rule (`noshub.core.names`): the catalogue's real variants, and properties."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noshub.core.names import change_note, clean_name, name_key, split_outside_entities
from noshub.core.vocab import split_list


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Achieving Excellence in Sports Performance&nbsp", "Achieving Excellence in Sports Performance"),
        ("Achieving Excellence in Sports Performance&nbsp; (Inc Change June 2007)", "Achieving Excellence in Sports Performance"),
        ("Achieving Excellence in Sports Performance (Inc Change June 2007)", "Achieving Excellence in Sports Performance"),
        ("Accident Repair – Joining", "Accident Repair - Joining"),
        ("Accident Repair - Joining", "Accident Repair - Joining"),
        ("Plant Operations (Construction", "Plant Operations (Construction)"),
        ("Business & Administration (2013", "Business & Administration (2013)"),
        ("Sound Production (Film ＆ TV)", "Sound Production (Film & TV)"),
        ("Health &amp Safety", "Health & Safety"),
        ("Health &amp;amp; Safety", "Health & Safety"),
        ("  Equine: ", "Equine"),
        # Parentheses that are part of the name stay: an edition, an industry, a review.
        ("Business and Administration (2013)", "Business and Administration (2013)"),
        ("Translation (revised 2007)", "Translation (revised 2007)"),
        ("Plastering (Construction)", "Plastering (Construction)"),
        # A name that is nothing but a note keeps it; nothing at all cleans to nothing.
        ("(Inc Change June 2007)", "(Inc Change June 2007)"),
        ("&nbsp", ""),
        ("&nbsp; ", ""),
    ],
)
def test_clean_name_on_the_catalogues_spellings(raw, clean):
    assert clean_name(raw) == clean


def test_the_change_note_is_what_cleaning_drops():
    assert change_note("Achieving Excellence in Sports Performance (Inc Change June 2007)") == "(Inc Change June 2007)"
    assert change_note("Accident Repair – Joining") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("OPITO", "Opito"),
        ("Construction Skills", "ConstructionSkills"),
        ("Skills for Justice", "Skills for justice"),
        ("Accident Repair - Joining", "Accident Repair – Joining"),
        ("Business & Administration (2013)", "Business and Administration (2013)"),
        ("Erection of Pre-cast Concrete (Construction)", "Erection of Precast Concrete (Construction)"),
        ("Achieving Excellence in Sports Performance&nbsp", "Achieving Excellence in Sports Performance (Inc Change June 2007)"),
    ],
)
def test_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Business and Administration (2013)", "Business and Administration NOS (2010)"),
        ("Mastic Asphalt (Construction)", "Mastic Asphalting (Construction)"),
        ("Craft (Blacksmith)", "Craft (Blacksmithing)"),
        ("Skills for Health", "Skills for Justice"),
    ],
)
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_a_semicolon_ending_an_entity_separates_nothing():
    raw = "Achieving Excellence in Sports Performance&nbsp; (Inc Change June 2007); Equine;"
    assert split_list(raw) == ("Achieving Excellence in Sports Performance&nbsp; (Inc Change June 2007)", "Equine")
    assert split_outside_entities("R&D;Sales &amp; Marketing;x&#38; y") == ["R&D", "Sales &amp; Marketing", "x&#38; y"]
    assert split_list("Local Government Skills;&nbsp; Cultural and Heritage Venue Management")[1].endswith("Management")


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60) | st.builds(
    "".join,
    st.lists(st.sampled_from(["&nbsp", "&amp;", ";", " ", "–", "(", ")", "Inc Change 2007", "Craft", "x", "&"]), max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(names)
def test_clean_name_is_idempotent_and_keeps_a_visible_name(raw):
    clean = clean_name(raw)
    assert clean_name(clean) == clean
    assert name_key(clean) == name_key(raw)
    assert clean == clean.strip() and "  " not in clean
    if any(c.isalnum() for c in re.sub(r"&#?\w+;?", "", raw)):  # a letter or digit outside any entity
        assert clean


@settings(max_examples=200, deadline=None)
@given(names)
def test_key_ignores_case(raw):
    words = raw.replace("&", " ")  # entities are case-sensitive
    assert name_key(words.upper()) == name_key(words.lower()) or not words.isascii()


def test_a_json_array_item_ending_in_an_entity_stays_apart(tmp_path):
    from noshub.core.readers.nosjson import read_json_documents

    path = tmp_path / "one.json"
    record = {"URN": "ZZN1", "Title": "T", "Validity": "Current", "Status": "Original", "NOSCategory": "Core"}
    path.write_text(json.dumps({**record, "Suite": ["A&nbsp", "B", "A&nbsp"]}))
    (doc,), rejections = read_json_documents(path)
    assert rejections == [] and doc.document.suites == ("A&nbsp", "B")
