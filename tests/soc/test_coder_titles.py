"""How the coder reads a title (`noshub.core.text.clean_title`, as the duplicate finder
does): the catalogue's status marker is not a word of the title, and a short text is a job
title only when it does not begin as NOS titles begin."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from noshub.soc.coder import REGIMES, CoderText, Labelled, SocCoder, SocReference, UnitGroup
from noshub.soc.coder.combiner import _regimes
from noshub.soc.coder.reading import _title


@pytest.mark.parametrize(
    "title, read",
    [
        (
            "Move goods and materials manually in a retail environment Legacy",
            "Move goods and materials manually in a retail environment",
        ),
        ("Search individuals, premises and surrounding areas - Legacy", "Search individuals, premises and surrounding areas"),
        ("Act as a mentor to a colleague – LEGACY", "Act as a mentor to a colleague"),
        ("Mix recorded sound (legacy)", "Mix recorded sound"),
        (
            "Monitor and maintain feed stuff and the mixing of diets Legacy Legacy",
            "Monitor and maintain feed stuff and the mixing of diets",
        ),
        ("Maintain legacy software systems", "Maintain legacy software systems"),  # a word of the title, not a status
        ("Legacy", "Legacy"),  # nothing else to read
        ("Cut hair", "Cut hair"),
        ("Develop and implement a plan for legacy fundraising", "Develop and implement a plan for legacy fundraising"),
        ("3.1 Prepare fish dishes", "Prepare fish dishes"),  # a leading unit number, also a catalogue mark
    ],
)
def test_the_status_marker_is_not_read_as_part_of_the_title(title, read):
    assert _title(CoderText(title=title)) == read


@given(
    st.from_regex(r"[A-Z][a-z]{1,9}(?:[ ,'][a-z]{1,9}){0,6}", fullmatch=True).filter(lambda t: "legacy" not in t.lower()),
    st.lists(st.sampled_from([" Legacy", " - Legacy", " (legacy)", " – LEGACY", " Legacy "]), min_size=1, max_size=3),
)
def test_markers_at_the_end_of_any_title_are_not_read(title, markers):
    assert _title(CoderText(title=title + "".join(markers))) == _title(CoderText(title=title)) == title


def _coder() -> SocCoder:
    units = {
        "5434": UnitGroup("5434", "Chefs", "Plan menus and prepare food", ("prepare meals",)),
        "6221": UnitGroup("6221", "Hairdressers and barbers", "Cut and style hair", ("wash hair",)),
    }
    index = [("head chef", "5434"), ("chef de partie", "5434"), ("barber", "6221"), ("hair stylist", "6221")]
    rows = []
    for i in range(12):
        rows.append(Labelled(CoderText(key=f"c{i}", title=f"Prepare fish dishes {i}", suites=(f"Food {i % 3}",)), {"5434": 1.0}))
        rows.append(Labelled(CoderText(key=f"h{i}", title=f"Texturise hair {i}", suites=(f"Salon {i % 3}",)), {"6221": 1.0}))
    return SocCoder.fit(SocReference(units=units, index_titles=index), rows)


@pytest.mark.parametrize(
    "text, regime",
    [
        ("head chef", "short_title"),  # a job title
        ("barber", "short_title"),
        ("Prepare fish", "title"),  # begins as coded NOS titles begin: a NOS title, however short
        ("Texturise hair", "title"),
        ("Prepare and cook fish dishes for a busy restaurant", "title"),
    ],
)
def test_a_short_text_is_read_as_a_job_title_only_when_it_does_not_begin_as_nos_titles_do(text, regime):
    coder = _coder()
    signals = coder._signals.compute([CoderText.free_text(text)], np.ones(24, bool))
    assert REGIMES[int(_regimes(signals)[0])] == regime


@pytest.mark.parametrize("coded", [0, 1, 19])
def test_too_few_coded_nos_to_learn_from_is_a_clear_error(coded):
    units = {"5434": UnitGroup("5434", "Chefs", "Plan menus and prepare food")}
    rows = [Labelled(CoderText(key=f"c{i}", title=f"Prepare fish dishes {i}"), {"5434": 1.0}) for i in range(coded)]
    rows.append(Labelled(CoderText(key="x", title="Uncoded"), {}))  # a NOS without codes is not counted
    with pytest.raises(ValueError, match=f"at least 20, and has {coded}"):
        SocCoder.fit(SocReference(units=units, index_titles=[("head chef", "5434")]), rows)


def test_the_coder_package_is_free_of_django():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]  # this checkout's noshub, not an installed one
    code = "import sys, noshub.soc.coder; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
