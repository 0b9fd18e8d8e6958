"""The suites page's filters (words, developer, sector) on the real catalogue, HTML and JSON."""

from __future__ import annotations

import pytest
from django.db.models import F

from noshub.catalogue.models import NosVersion, Organisation

pytestmark = pytest.mark.django_db


def _json(client, **params) -> dict:
    response = client.get("/suites.json", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_unfiltered_lists_every_suite_with_its_developers_and_sectors(client, load_reports):
    data = _json(client)
    assert data["count"] == data["total"] == len(data["suites"]) > 1000
    assert data["filters"] == {"q": "", "developer": None, "sector": ""}
    assert {"code": "5", "title": "Skilled trades occupations"} in [{k: s[k] for k in ("code", "title")} for s in data["sectors"]]
    row = next(s for s in data["suites"] if s["name"] == "Accident Repair - Joining")
    assert [d["name"] for d in row["developers"]] == ["IMI"] and row["sectors"]


def test_words_match_the_name_or_a_spelling_a_source_used(client, load_reports):
    names = [s["name"] for s in _json(client, q="accident repair")["suites"]]
    assert "Accident Repair - Joining" in names and all("accident repair" in n.lower() for n in names)
    # The source's spelling (en dash) finds the suite shown with a hyphen; punctuation is ignored.
    assert "Accident Repair - Joining" in [s["name"] for s in _json(client, q="Accident Repair – Joining")["suites"]]
    # "Woodmachining (…)" (18 records) and "Wood Machining (…)" (4) are one suite, found either way.
    for q in ("woodmachining", "Wood Machining"):
        assert [s["name"] for s in _json(client, q=q)["suites"]] == [
            "Woodmachining (Construction/Sawmilling Extrusion/Furniture)"
        ]
    html = client.get("/suites/", {"q": "accident repair"}).content.decode()
    assert 'value="accident repair"' in html and "Accident Repair - Joining</a>" in html and "Clear filters" in html


def test_developer_and_sector_filter_together(client, load_reports):
    imi = Organisation.objects.get(name="IMI")
    data = _json(client, developer=imi.id)
    assert data["count"] < data["total"]
    assert data["suites"] and all("IMI" in [d["name"] for d in s["developers"]] for s in data["suites"])
    current = NosVersion.objects.filter(developed_by=imi, standard__current_id=F("id"))
    assert {s["name"] for s in data["suites"]} == set(current.values_list("suites__name", flat=True)) - {None}
    both = _json(client, developer=imi.id, sector="5")
    assert 0 < both["count"] <= data["count"] and all("5" in s["sectors"] for s in both["suites"])
    html = client.get("/suites/", {"developer": imi.id, "sector": "5"}).content.decode()
    assert f'<option value="{imi.id}" lang="en" selected>IMI</option>' in html
    assert f"{both['count']} of {both['total']} suites match" in html


def test_no_match_says_so(client, load_reports):
    assert _json(client, q="zzqx no such suite")["suites"] == []
    assert "No suite matches these filters." in client.get("/suites/", {"q": "zzqx no such suite"}).content.decode()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"developer": "abc"}, "developer"),
        ({"developer": "999999"}, "developer"),
        ({"sector": "77"}, "sector"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(client, load_reports, params, parameter):
    response = client.get("/suites.json", params)
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == parameter
    assert client.get("/suites/", params).status_code == 400


def test_welsh_suites_page_filters_in_welsh(client, load_reports):
    client.cookies["django_language"] = "cy"
    html = client.get("/suites/", {"q": "accident repair"}).content.decode()
    for welsh in ("Hidlo cyfresi", "Unrhyw ddatblygwr", "Unrhyw sector", "Clirio’r hidlwyr"):
        assert welsh in html
