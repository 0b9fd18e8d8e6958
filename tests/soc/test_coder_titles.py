"""How the coder reads a title: the catalogue's status marker is not a word of the title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noshub.soc.coder import NosText, _title


@pytest.mark.parametrize(
    "title, read",
    [
        ("Move goods and materials manually in a retail environment Legacy", "Move goods and materials manually in a retail environment"),
        ("Search individuals, premises and surrounding areas - Legacy", "Search individuals, premises and surrounding areas"),
        ("Act as a mentor to a colleague – LEGACY", "Act as a mentor to a colleague"),
        ("Mix recorded sound (legacy)", "Mix recorded sound"),
        ("Maintain legacy software systems", "Maintain legacy software systems"),  # a word of the title, not a status
        ("Legacy", "Legacy"),  # nothing else to read
        ("Cut hair", "Cut hair"),
    ],
)
def test_the_status_marker_is_not_read_as_part_of_the_title(title, read):
    assert _title(NosText(title=title)) == read


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_a_title_without_the_marker_is_read_as_written_and_reading_twice_changes_nothing(title):
    once = _title(NosText(title=title))
    if "legacy" not in title.lower():
        assert once == title
    assert _title(NosText(title=once)) == once

