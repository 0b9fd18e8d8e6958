"""SOC 2020 group pages list their NOS by evidence (issue 17, item 6): confirmed, then
crosswalked by ONS share, then suggested by confidence; each NOS says where its code comes
from; a filter by provenance and a minimum confidence, with counts; suggestions below 50%
hidden by default, and the page says so. Real data, coded as `noshub soc crosswalk` and
`noshub soc code` leave it; HTML and JSON twin; English and Welsh."""

from __future__ import annotations

import re

import pytest

from noshub.search.evidence import HIDDEN, PROVENANCES
from noshub.web.browse import OCCUPATION_MIN_CONFIDENCE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("coded_catalogue")]

CARE = "6135"  # Care workers and home carers


def _all(client, url: str) -> list[dict]:
    """Every NOS of a group page's twin, page by page."""
    rows, page = [], 1
    while True:
        data = client.get(url + ("&" if "?" in url else "?") + f"page={page}&per_page=100").json()
        rows += data["nos"]
        if page >= data["pages"]:
            return rows
        page += 1


def _order(e: dict) -> tuple:
    strength = e["share"] if e["source"] == "crosswalk" else e["confidence"]
    return (PROVENANCES.index(e["source"]), strength is None, -(strength or 0.0))


def _group_with_weak_suggestions() -> str:
    """The unit group with the most current NOS suggested below the page's minimum confidence."""
    from collections import Counter

    from noshub.search.index_cache import current_index

    weak = Counter(
        unit
        for d in current_index().docs.values()
        if d.validity == "current"
        for unit, source in d.soc_source.items()
        if source == "suggested" and d.soc_confidence[unit] < OCCUPATION_MIN_CONFIDENCE
    )
    return weak.most_common(1)[0][0]


def test_care_workers_list_the_strongest_evidence_first(client):
    data = client.get(f"/occupations/{CARE}.json").json()
    counts = {f["value"]: f["count"] for f in data["facets"]["provenance"]}
    assert counts.get("crosswalk", 0) > 0 and counts.get("suggested", 0) > 0
    assert data["total"] == sum(counts.get(p, 0) for p in PROVENANCES)
    rows = _all(client, f"/occupations/{CARE}.json")
    assert len(rows) == data["total"]
    evidence = [r["soc_evidence"] for r in rows]
    assert all(e["unit"] == CARE for e in evidence)
    assert [_order(e) for e in evidence] == sorted(_order(e) for e in evidence)  # confirmed, crosswalk by share, suggested by confidence
    assert [e["source"] for e in evidence][0] == "crosswalk" and evidence[-1]["source"] == "suggested"
    assert all(e["confidence"] >= OCCUPATION_MIN_CONFIDENCE for e in evidence)
    crosswalked = [e["share"] for e in evidence if e["source"] == "crosswalk"]
    assert crosswalked and all(s is not None for s in crosswalked)  # the ONS share is known for every crosswalked code


def test_suggestions_below_the_minimum_are_hidden_and_counted_until_asked_for(client):
    code = _group_with_weak_suggestions()
    data = client.get(f"/occupations/{code}.json").json()
    counts = {f["value"]: f["count"] for f in data["facets"]["provenance"]}
    assert counts[HIDDEN] > 0
    everything = _all(client, f"/occupations/{code}.json?min_confidence=0")
    assert len(everything) == data["total"] + counts[HIDDEN]
    weak = [r for r in everything if r["soc_evidence"]["confidence"] < OCCUPATION_MIN_CONFIDENCE]
    assert len(weak) == counts[HIDDEN] and all(r["soc_evidence"]["source"] == "suggested" for r in weak)
    assert everything[-len(weak) :] == weak  # the least confident last
    assert [_order(r["soc_evidence"]) for r in everything] == sorted(_order(r["soc_evidence"]) for r in everything)

    html = client.get(f"/occupations/{code}/").content.decode()
    assert re.search(r"\d+ more standards? (is|are) hidden: NOS Hub’s coder suggested this group", html)
    assert "min_confidence=0" in html  # the link that shows them
    shown = client.get(f"/occupations/{code}/?min_confidence=0").content.decode()
    assert "Every suggestion is shown, however unsure." in shown and "hidden: NOS Hub’s coder" not in shown


def test_provenance_filter_keeps_the_counts_and_the_page_says_what_is_hidden(client):
    suggested = client.get(f"/occupations/{CARE}.json?provenance=suggested").json()
    counts = {f["value"]: f["count"] for f in suggested["facets"]["provenance"]}
    assert suggested["total"] == counts["suggested"] and counts["crosswalk"] > 0
    assert {r["soc_evidence"]["source"] for r in suggested["nos"]} == {"suggested"}

    html = client.get(f"/occupations/{CARE}/").content.decode()
    assert "Strongest evidence first" in html
    assert "crosswalked from the catalogue’s SOC 2010 code (ONS share" in html
    assert 'data-provenance="crosswalk"' in html and "Where the code comes from" in html
    assert "?provenance=suggested" in html  # the filter's link
    html = client.get(f"/occupations/{CARE}/?provenance=suggested").content.decode()
    assert re.search(r"6135: suggested by NOS Hub’s coder, \d+% confident, not yet checked by a person", html)
    assert 'data-provenance="crosswalk"' not in html

    by_title = client.get(f"/occupations/{CARE}.json?sort=title").json()["nos"]
    assert [r["title"].lower() for r in by_title] == sorted(r["title"].lower() for r in by_title)


def test_welsh_group_page_names_the_provenance_in_welsh(welsh_client):
    html = welsh_client.get(f"/occupations/{CARE}/").content.decode()
    assert "Y dystiolaeth gryfaf yn gyntaf" in html and "wedi’i drosi o god SOC 2010 y catalog" in html
    assert "O ble mae’r cod yn dod" in html
    html = welsh_client.get(f"/occupations/{CARE}/?provenance=suggested").content.decode()
    assert "o hyder, heb ei wirio gan berson eto" in html


@pytest.mark.parametrize(
    ("query", "parameter"), [("provenance=guess", "provenance"), ("min_confidence=2", "min_confidence"), ("sort=date", "sort")]
)
def test_bad_evidence_parameters_are_a_400_naming_them(client, query, parameter):
    response = client.get(f"/occupations/{CARE}.json?{query}")
    assert response.status_code == 400 and response.json()["error"]["parameter"] == parameter
    assert client.get(f"/occupations/{CARE}/?{query}").status_code == 400


def test_group_pages_answer_deep_pages_and_a_major_group(client):
    """Later pages of the biggest unit group (past its last page too) and a whole major group
    answer (their speed is bench/pages_speed.py's, not a timed test's)."""
    client.get(f"/occupations/{CARE}/")  # the index cache is loaded
    for url in (f"/occupations/{CARE}/?page=9", f"/occupations/{CARE}/?min_confidence=0&page=5", "/occupations/6/"):
        assert client.get(url).status_code == 200, url
