"""Welsh in search (issue 16): a Welsh word is never "corrected" into English, the Welsh names
of the template's sections are searched as what they name, and when a Welsh query finds no
Welsh NOS text the page says so, in Welsh on the Welsh page."""

from __future__ import annotations

import json

import pytest

from noshub.catalogue.importers import import_json
from noshub.search.engine import SearchParams, search

pytestmark = pytest.mark.django_db

WELSH_NOTICE_CY = "Nid yw testun Cymraeg y SGC gennym eto"
WELSH_NOTICE_EN = "Welsh NOS text is not yet held"


@pytest.mark.parametrize("q", ["Meini prawf", "gofal", "gyrrwr", "Gwybodaeth a dealltwriaeth", "gofalwr"])
def test_a_welsh_word_is_never_corrected_into_english(load_reports, q):
    for mode in ("keyword", "hybrid"):
        result = search(SearchParams(q=q, mode=mode), log=False)
        assert not result.did_you_mean, (q, result.did_you_mean)  # was "mini prawn", "goal"
        assert result.welsh.is_welsh


def test_english_misspellings_are_still_corrected(load_reports):
    assert search(SearchParams(q="forklfit", mode="keyword"), log=False).did_you_mean == "forklift"
    assert not search(SearchParams(q="manage a budget", mode="keyword"), log=False).welsh.is_welsh


@pytest.mark.parametrize(
    ("q", "section"),
    [
        ("Meini prawf perfformiad", "performance_criteria"),
        ("Meini prawf", "performance_criteria"),
        ("Trosolwg", "overview"),
        ("Gwybodaeth a dealltwriaeth", "knowledge_and_understanding"),
    ],
)
def test_welsh_section_names_are_searched_as_the_section(load_reports, q, section):
    result = search(SearchParams(q=q, mode="keyword"), log=False)
    assert result.welsh.name is not None and result.welsh.name.section == section
    assert result.total > 0
    english = set(result.welsh.name.english.lower().split()) - {"and"}
    assert any(english & set(r.get("words", ())) for h in result.hits for r in h.why)  # found by the English name


def test_a_welsh_interface_term_is_searched_as_its_english(load_reports):
    result = search(SearchParams(q="Geiriau allweddol", mode="keyword"), log=False)  # "Keywords" in the interface
    assert result.welsh.name is not None and result.welsh.name.english == "Keywords"


def test_the_welsh_page_says_welsh_text_is_not_held(client, load_reports):
    english = client.get("/search/", {"q": "gofal"}).content.decode()
    assert WELSH_NOTICE_EN in english and WELSH_NOTICE_CY not in english
    assert "goal" not in english.lower()
    client.cookies["django_language"] = "cy"
    welsh = client.get("/search/", {"q": "gofal"}).content.decode()
    assert WELSH_NOTICE_CY in welsh
    twin = client.get("/search.json", {"q": "gyrrwr"}).json()
    assert twin["welsh"]["is_welsh"] and twin["welsh"]["welsh_text_held"] is False and twin["welsh_text_notice"] is True
    assert twin["did_you_mean"] is None
    assert WELSH_NOTICE_CY not in client.get("/search/", {"q": "manage a budget"}).content.decode()
    api = client.get("/api/v1/search", {"q": "Meini prawf"}).json()
    assert api["did_you_mean"] is None and api["welsh"]["name"]["section"] == "performance_criteria"


def test_welsh_text_the_catalogue_holds_is_found(load_reports, tmp_path):
    from tests.web.conftest import WELSH_NOS

    path = tmp_path / "welsh.json"
    path.write_text(json.dumps(WELSH_NOS, ensure_ascii=False))
    assert import_json(path).created == 1
    result = search(SearchParams(q="cyfarch ymwelwyr", mode="keyword"), log=False)
    assert result.welsh.nos_with_welsh_text == 1
    assert result.hits[0].urn == "ZZCY1"
    assert "welsh_text" in [r["code"] for r in result.hits[0].why]
    assert not result.did_you_mean
