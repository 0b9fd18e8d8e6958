"""Who may decide about duplicate NOS (as the lifecycle rules projects: a standards developer only
about its own organisation's NOS, a reviewer or administrator about any), and a NOS a decision
hides from topical search is still found by its URN, on the real catalogue (ASTH302, MSC's
"Manage your own resources and professional development")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from noshub.catalogue.models import Organisation
from noshub.catalogue.services import get_standard
from noshub.cleansing import services
from noshub.lifecycle.models import Profile

pytestmark = pytest.mark.django_db

MERGE = {"nos": "ASTH302", "action": "merge_into", "target": "COS23", "reason": "The same MSC A2 standard"}


def _developer(name: str, organisation: str) -> User:
    user = User.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name="standards developer"))
    Profile.objects.create(user=user, organisation=Organisation.objects.get(name=organisation))
    return user


def _reviewer(name: str = "rev") -> User:
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="record_decision", content_type__app_label="cleansing"))
    return user


def _post(user: User, body: dict, json: bool = True):
    client = Client()
    client.force_login(user)
    if json:
        return client.post("/cleansing/decisions/", body, content_type="application/json")
    return client.post("/cleansing/decisions/", body)


def test_the_real_nos_is_developed_by_msc(load_reports):
    assert get_standard("ASTH302").current.developed_by.name == "MSC"


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_another_organisations_developer_may_not_decide(load_reports, as_json):
    lantra = _developer("lantradev", "Lantra")
    response = _post(lantra, MERGE, as_json)
    assert response.status_code == 403, response.content
    assert "ASTH302" in response.json()["error"]["message"]
    assert services.decision_in_force(get_standard("ASTH302")) is None
    assert services.can_decide(lantra) and not services.can_decide(lantra, get_standard("ASTH302"))


def test_a_developer_without_an_organisation_may_not_decide(load_reports):
    user = User.objects.create_user("noorg", password="pw")
    user.groups.add(Group.objects.get(name="standards developer"))
    assert _post(user, MERGE).status_code == 403
    assert services.decision_in_force(get_standard("ASTH302")) is None


def test_the_own_organisations_developer_may_decide_and_reverse(load_reports):
    msc = _developer("mscdev", "MSC")
    response = _post(msc, MERGE)
    assert response.status_code == 201, response.content
    assert response.json()["decided_by"] == "mscdev" and response.json()["target"] == "COS23"
    # another organisation's developer cannot reverse it either
    assert _post(_developer("lantradev", "Lantra"), {"nos": "ASTH302", "action": "reverse", "reason": "no"}).status_code == 403
    assert _post(msc, {"nos": "ASTH302", "action": "reverse", "reason": "a mistake"}).status_code == 201
    assert services.decision_in_force(get_standard("ASTH302")) is None


@pytest.mark.parametrize("who", ["reviewer", "administrator", "superuser"])
def test_reviewers_and_administrators_may_decide_about_any_nos(load_reports, who):
    if who == "reviewer":
        user = _reviewer()
    elif who == "administrator":
        user = User.objects.create_user("ada", password="pw")
        user.groups.add(Group.objects.get(name="administrator"))
    else:
        user = User.objects.create_superuser("root", "root@example.org", "pw")
    response = _post(user, MERGE)
    assert response.status_code == 201, response.content
    assert services.canonical_for(get_standard("ASTH302")).slug == "COS23"


def test_a_merged_nos_leaves_topical_search_but_its_urn_still_finds_it(load_reports):
    assert _post(_reviewer(), MERGE).status_code == 201
    client = Client()
    topical = client.get("/search.json", {"q": "Manage your own resources and professional development", "per_page": 100})
    assert "ASTH302" not in [r["slug"] for r in topical.json()["results"]]
    for query in ({"q": "ASTH302", "validity": "all"}, {"q": "ASTH302"}, {"q": "asth302", "validity": "all"}):
        results = client.get("/search.json", query).json()["results"]
        assert results and results[0]["slug"] == "ASTH302", query
        assert results[0]["hidden_behind"] == "COS23" and "urn" in results[0]["matched_by"]
    page = client.get("/search/", {"q": "ASTH302", "validity": "all"}).content.decode()
    assert "ASTH302" in page and 'href="/nos/COS23/"' in page
    api = client.get("/api/v1/search", {"q": "ASTH302", "validity": "all"}).json()
    assert api["results"][0]["slug"] == "ASTH302"
    # the NOS itself, and the decision with its canonical NOS
    assert client.get("/nos/ASTH302/").status_code == 200
    decision = client.get("/cleansing/decisions/ASTH302.json").json()
    assert decision["canonical"] == "COS23" and decision["in_force"]["action"] == "merge_into"
