"""Search facets from the apps below search: reach class, pan-sector theme and work behaviour
(filters, counts that match what their filter shows, labels in English and Welsh, the JSON
twin, the API, the CLI, bad values), on the real catalogue with a themes build."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from noshub.behaviours import services as behaviours
from noshub.behaviours.models import Behaviour, Event, Evidence
from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.services import get_standard
from noshub.cli import main
from noshub.core.errors import InvalidParameter
from noshub.search.engine import SearchParams, search
from noshub.themes import services

pytestmark = pytest.mark.django_db

BUDGET = "manage budgets"


def _facet(result, name: str) -> dict:
    return {f["value"]: f["count"] for f in result.facets[name]}


@pytest.fixture
def teamwork():
    """A behaviour evidenced by two NOS (as a behaviours build would leave it)."""
    b = Behaviour.objects.create(key="test:teamwork", slug="zz-work-in-teams", name="Work in teams", nos_count=2)
    for urn in ("CFAMLD2", "ASTD2"):
        Evidence.objects.create(behaviour=b, standard=get_standard(urn), field="title", text="teams", confidence=0.9)
    Event.objects.create(behaviour=b, slug=b.slug, action="build", by="test")
    return b


def test_reach_and_theme_facets_count_what_their_filter_shows(themes_built):
    result = search(SearchParams(q=BUDGET, mode="keyword"), log=False)
    reach = _facet(result, "reach")
    themes = _facet(result, "theme")
    assert reach and themes.get("leadership-management"), (reach, themes)
    for value, count in reach.items():
        assert search(SearchParams(q=BUDGET, mode="keyword", reach=value), log=False).total == count, value
    for value, count in list(themes.items())[:3]:
        assert search(SearchParams(q=BUDGET, mode="keyword", theme=value), log=False).total == count, value
    ml = search(SearchParams(q="", theme="leadership-management", per_page=100, validity="all", copies="all"), log=False)
    assert "CFAMLD2" in {h.slug for h in ml.hits} or ml.total > 100
    # every NOS of the theme is a reference NOS of it or embeds one
    assert ml.total >= themes_built.stats["references"]["leadership-management"]


def test_a_persons_decision_moves_a_nos_between_reach_classes(themes_built):
    before = search(SearchParams(q="CFAMLD2", mode="keyword", reach="job_specific"), log=False)
    assert "CFAMLD2" not in {h.slug for h in before.hits}
    boss = User.objects.create_superuser("facetboss", password="pw")
    services.decide_reach(boss, get_standard("CFAMLD2"), "job_specific", "testing the facet")
    after = search(SearchParams(q="CFAMLD2", mode="keyword", reach="job_specific"), log=False)
    assert after.hits and after.hits[0].slug == "CFAMLD2"


def test_a_decision_and_a_behaviour_change_show_on_the_nos_page_at_the_next_request(themes_built, teamwork, client):
    """The NOS page keeps its reach line and behaviours with its catalogue part (`web.page_cache`):
    a person's decision and a behaviours edit move the catalogue stamp on, so neither is stale."""
    page = client.get("/nos/CFAMLD2/").content.decode()
    assert 'data-reach="job_specific"' not in page and ">Work in teams</a>" in page
    before = catalogue_stamp.current()
    boss = User.objects.create_superuser("stampboss", password="pw")
    services.decide_reach(boss, get_standard("CFAMLD2"), "job_specific", "testing the page")
    behaviours.rename(boss, teamwork.slug, "Work as one team", reason="plainer")
    after = catalogue_stamp.current()
    assert after.of("themes") != before.of("themes") and after.of("behaviours") != before.of("behaviours")
    assert after.of("index") == before.of("index")  # the search index is not rebuilt for them
    page = client.get("/nos/CFAMLD2/").content.decode()
    assert 'data-reach="job_specific"' in page and ">Work as one team</a>" in page and "Work in teams" not in page


def test_behaviour_facet_and_filter(themes_built, teamwork):
    result = search(SearchParams(q="", behaviour="zz-work-in-teams", copies="all"), log=False)
    assert {h.slug for h in result.hits} == {"CFAMLD2", "ASTD2"}
    facet = next(f for f in result.facets["behaviour"] if f["value"] == "zz-work-in-teams")
    assert facet["count"] == 2 and facet["name"] == "Work in teams"
    # a behaviour merged into another counts as the one it was merged into
    other = Behaviour.objects.create(key="test:collab", slug="zz-collaborate", name="Collaborate", status="merged", merged_into=teamwork)
    Evidence.objects.create(behaviour=other, standard=get_standard("LANACT3"), field="title", text="x", confidence=0.8)
    Event.objects.create(behaviour=other, slug=other.slug, action="merge", by="test")
    merged = search(SearchParams(q="", behaviour="zz-work-in-teams", copies="all"), log=False)
    assert "LANACT3" in {h.slug for h in merged.hits}
    assert search(SearchParams(q="", behaviour="zz-collaborate"), log=False).total == 0


@pytest.mark.parametrize(
    "name,value",
    [("reach", "everywhere"), ("theme", "health-and-safety"), ("behaviour", "Not A Slug!"), ("behaviour", "x" * 200)],
)
def test_bad_facet_values_are_refused(name, value, client):
    with pytest.raises(InvalidParameter) as exc:
        search(SearchParams(q=BUDGET, **{name: value}), log=False)
    assert exc.value.details()["parameter"] == name
    response = client.get("/api/v1/search", {"q": BUDGET, name: value})
    assert response.status_code == 400 and response.json()["error"]["parameter"] == name
    assert client.get("/search/", {"q": BUDGET, name: value}).status_code == 400


def test_results_page_twin_and_api_show_the_facets(themes_built, teamwork, client):
    page = client.get("/search/", {"q": BUDGET, "mode": "keyword"}).content.decode()
    assert 'id="facet-reach"' in page and 'id="facet-theme"' in page and "Leadership and management" in page
    assert "reach=pan_sector" in page and "theme=leadership-management" in page
    twin = client.get("/search.json", {"q": BUDGET, "mode": "keyword", "theme": "leadership-management"}).json()
    assert twin["filters"]["theme"] == "leadership-management" and twin["facets"]["theme"][0]["value"] == "leadership-management"
    assert any(f["heading"] == "Pan-sector theme" for f in twin["active_filters"])
    api = client.get("/api/v1/search", {"q": "", "behaviour": "zz-work-in-teams", "copies": "all"}).json()
    assert api["total"] == 2 and api["facets"]["behaviour"][0]["name"] == "Work in teams"
    spec = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert {"reach", "theme", "behaviour"} <= names


def test_welsh_facet_labels(themes_built, client):
    client.cookies["django_language"] = "cy"
    page = client.get("/search/", {"q": BUDGET, "mode": "keyword"}).content.decode()
    assert "Arwain a rheoli" in page and "Cyrhaeddiad" in page and "Thema draws-sector" in page


def test_cli_search_with_facet_filters(themes_built):
    runner = CliRunner()
    result = runner.invoke(main, ["search", BUDGET, "--mode", "keyword", "--theme", "leadership-management", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["filters"]["theme"] == "leadership-management" and data["total"] >= 1
    bad = runner.invoke(main, ["search", BUDGET, "--reach", "everywhere"])
    assert bad.exit_code != 0 and "reach" in bad.output
