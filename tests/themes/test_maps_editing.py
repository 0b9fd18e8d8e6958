"""Functional maps: generic / context-specific / specialist placements, a person confirming,
moving or removing a placement, editing a map's outline on a page (new versions, history, roles,
CSRF, bad input, JSON twins), and suggested further themes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from noshub.catalogue.models import Organisation
from noshub.catalogue.services import get_standard
from noshub.cli import main
from noshub.core.errors import InvalidParameter
from noshub.lifecycle.models import Profile
from noshub.themes import mapedit, maps, placement, suggest
from noshub.themes.models import FunctionalMap, MapNode, Placement, PlacementDecision

pytestmark = pytest.mark.django_db


def _reviewer(name: str = "maprev") -> User:
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="record_decision", content_type__app_label="cleansing"))
    return user


def _developer(name: str = "mapdev") -> User:
    user = User.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name="standards developer"))
    Profile.objects.create(user=user, organisation=Organisation.objects.get(name="Lantra"))
    return user


@pytest.fixture
def ml_map(themes_built):
    return maps.seed_management_leadership()


def _function(data: dict, code: str) -> dict:
    return next(f for a in data["key_areas"] for f in a["functions"] if f["code"] == code)


# -- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,expected",
    [
        ((True, "full", (), False), ("generic", "reference")),
        ((False, "full", ("identical_title",), True), ("generic", "copy_sector_free")),
        ((False, "full", ("similar_title",), False), ("context_specific", "copy_in_context")),
        ((False, "part", ("same_function",), True), ("context_specific", "same_function_in_context")),
        ((False, "part", ("similar_title",), True), ("specialist", "narrower_function")),
        ((False, "part", ("shared_statements",), False), ("specialist", "narrower_function")),
    ],
)
def test_placement_kind_rules(args, expected):
    assert placement.kind_of(*args) == expected


def test_the_seeded_map_places_nos_by_kind(ml_map):
    data = maps.map_detail(ml_map)
    assert sum(data["kinds"].values()) == data["placed"] and all(data["kinds"].values()), data["kinds"]
    d2 = _function(data, "D2")
    kinds = {n["slug"]: n["kind"] for n in d2["nos"]}
    assert kinds["CFAMLD2"] == "generic" and kinds["ASTD2"] == "generic"  # the reference, and a word-for-word copy
    # a copy in a sector's words is context-specific; its reason says so
    context = [n for a in data["key_areas"] for f in a["functions"] for n in f["nos"] if n["kind"] == "context_specific"]
    assert context and all(n["kind_reason"] in ("copy_in_context", "same_function_in_context") for n in context)


# -- deciding placements --------------------------------------------------------------------


def test_confirm_move_and_remove_are_kept_and_replayed_on_new_versions(ml_map):
    user = _reviewer()
    astd2 = get_standard("ASTD2")
    mapedit.decide_placement(user, ml_map.slug, astd2, "D2", "confirm", kind="context_specific", reason="sector wording")
    p = Placement.objects.get(node__map=ml_map, node__code="D2", standard=astd2)
    assert (p.source, p.kind, p.kind_reason) == ("confirmed", "context_specific", "person")
    mapedit.decide_placement(user, ml_map.slug, astd2, "D2", "move", to_function="D3", reason="it is about D3")
    assert not Placement.objects.filter(node__map=ml_map, node__code="D2", standard=astd2).exists()
    assert Placement.objects.get(node__map=ml_map, node__code="D3", standard=astd2).source == "confirmed"
    # a new version (a seed again) replays the decisions in order
    again = maps.seed_management_leadership()
    assert again.version == ml_map.version + 1
    assert not Placement.objects.filter(node__map=again, node__code="D2", standard=astd2).exists()
    moved = Placement.objects.get(node__map=again, node__code="D3", standard=astd2)
    assert (moved.source, moved.kind) == ("confirmed", "context_specific")
    mapedit.decide_placement(user, again.slug, astd2, "D3", "remove", reason="not management at all")
    assert not Placement.objects.filter(node__map=again, standard=astd2).exists()
    history = mapedit.decisions(again.slug)
    assert [d["action"] for d in history] == ["remove", "move", "confirm"] and history[0]["decided_by"] == "maprev"


@pytest.mark.parametrize(
    "kwargs,parameter",
    [
        ({"function": "Z9", "action": "confirm"}, "function"),
        ({"function": "D2", "action": "approve"}, "action"),
        ({"function": "D2", "action": "move", "to_function": ""}, "to_function"),
        ({"function": "D2", "action": "move", "to_function": "Q99"}, "to_function"),
        ({"function": "D2", "action": "confirm", "kind": "special"}, "kind"),
        ({"function": "D2", "action": "confirm", "reason": "  "}, "reason"),
        ({"function": "A1", "action": "confirm"}, "function"),  # ASTD2 is not placed on A1
    ],
)
def test_bad_placement_decisions_write_nothing(ml_map, kwargs, parameter):
    args = {"reason": "because", **kwargs}
    with pytest.raises(InvalidParameter) as exc:
        mapedit.decide_placement(_reviewer(), ml_map.slug, get_standard("ASTD2"), **args)
    assert exc.value.details()["parameter"] == parameter
    assert not PlacementDecision.objects.exists()


def test_placement_over_http_roles_csrf_and_json(ml_map):
    body = {"urn": "ASTD2", "function": "D2", "action": "confirm", "reason": "checked"}
    url = f"/themes/maps/{ml_map.slug}/place"
    assert Client().post(url, body, content_type="application/json").status_code == 403
    dev = Client()
    dev.force_login(_developer())
    assert dev.post(url, body, content_type="application/json").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(_reviewer("csrfrev"))
    assert strict.post(url, body).status_code == 403
    assert not PlacementDecision.objects.exists()
    client = Client()
    client.force_login(_reviewer())
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["decision"]["action"] == "confirm"
    bad = client.post(url, {**body, "extra": 1}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "$"
    form = client.post(url, {**body, "action": "move", "to_function": "D3"})
    assert form.status_code == 302 and form["Location"].endswith("/functions/D3/")
    page = client.get(f"/themes/maps/{ml_map.slug}/functions/D3/")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content and b'data-source="confirmed"' in page.content
    twin = client.get(f"/themes/maps/{ml_map.slug}/functions/D3.json").json()
    assert any(n["slug"] == "ASTD2" and n["source"] == "confirmed" for n in twin["nos"])
    assert [d["action"] for d in twin["decisions"]] == ["move"]
    public = Client().get(f"/themes/maps/{ml_map.slug}/functions/D3/")
    assert public.status_code == 200 and b"csrfmiddlewaretoken" not in public.content
    assert Client().get(f"/themes/maps/{ml_map.slug}/functions/NOPE/").status_code == 404


# -- the writes in the API's OpenAPI document ----------------------------------------------

_OUTLINE = "level,code,title,parent\nname,,ZZ API map,\nkey_purpose,,Keep zzquartz gauges true,\nkey_area,A,Gauges,\nfunction,A1,Calibrate zzquartz gauges,A\n"


def test_the_openapi_document_describes_the_map_and_reach_writes_as_served(ml_map):
    """Each themes write is in the document (its body schema the one the view validates, its
    path resolving to the view), and over HTTP follows its rules: anonymous 403 in the error
    shape, no CSRF token 403, the session's token 201, a body off the schema 400 naming the path."""
    from django.urls import resolve
    from openapi_spec_validator import validate

    from noshub.themes.schemas import MAP_EDIT, OUTLINE, PLACEMENT, REACH_DECISION

    spec = Client().get("/api/v1/openapi.json").json()
    validate(spec)
    writes = {
        "/themes/maps/{slug}/place": (PLACEMENT, "map-place", {"urn": "ASTD2", "function": "D2", "action": "confirm", "reason": "ok"}),
        "/themes/maps/{slug}/edit": (MAP_EDIT, "map-edit", {"action": "key_purpose", "title": "Lead people well", "reason": "plainer"}),
        "/themes/maps/import": (OUTLINE, "map-import", {"format": "csv", "outline": _OUTLINE, "slug": "zz-api-map"}),
        "/themes/reach/{urn}/decide": (REACH_DECISION, "decide", {"reach_class": "pan_sector", "reason": "many sectors"}),
    }
    reviewer = _reviewer("apirev")
    for route, (body_schema, name, body) in writes.items():
        operation = spec["paths"][route]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/" + body_schema.name)
        assert spec["components"]["schemas"][body_schema.name] == body_schema.schema
        assert {"201", "400", "403"} <= operation["responses"].keys() and "CSRF token" in operation["description"]
        url = route.format(slug=ml_map.slug, urn="CFAMLD2")
        assert resolve(url).url_name == name
        for p in operation["parameters"]:
            assert p["in"] == "path" and "{" + p["name"] + "}" in route
        anonymous = Client(enforce_csrf_checks=True).post(url, body, content_type="application/json")
        assert anonymous.status_code == 403, (route, anonymous.content)
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(reviewer)
        assert strict.post(url, body, content_type="application/json").status_code == 403, route  # no token
        strict.get(f"/themes/maps/{ml_map.slug}/")
        token = strict.cookies["csrftoken"].value
        bad = strict.post(url, {**body, "reason": 5}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
        if "reason" in body_schema.schema["required"]:
            assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "$.reason", (route, bad.content)
        response = strict.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 201, (route, response.content)
    assert PlacementDecision.objects.get().reason == "ok"
    assert FunctionalMap.objects.filter(slug="zz-api-map").exists()
    assert maps.map_detail(maps.get_map(ml_map.slug))["key_purpose"] == "Lead people well"


# -- editing the outline --------------------------------------------------------------------


def test_edits_make_new_versions_with_their_history(ml_map):
    user = _reviewer()
    v2 = mapedit.edit_map(user, ml_map.slug, "add_function", "a gap we know of", code="D99", title="Mentor new managers", parent="D")
    v3 = mapedit.edit_map(user, ml_map.slug, "rename", "clearer", code="D99", title="Mentor newly appointed managers")
    v4 = mapedit.edit_map(user, ml_map.slug, "remove", "A is out of scope", code="A")
    assert [v.version for v in (v2, v3, v4)] == [ml_map.version + 1, ml_map.version + 2, ml_map.version + 3]
    data = maps.map_detail(v4)
    assert "A" not in [a["code"] for a in data["key_areas"]]
    assert _function(data, "D99")["title"] == "Mentor newly appointed managers" and {"code": "D99", "title": "Mentor newly appointed managers"} in data["gaps"]
    assert _function(data, "D2")["nos_count"] == _function(maps.map_detail(ml_map), "D2")["nos_count"]  # placements carried over
    assert [h["reason"] for h in data["history"][:3]] == ["A is out of scope", "clearer", "a gap we know of"]
    assert data["history"][0]["created_by"] == "maprev"
    # the old version is unchanged
    assert "A" in [a["code"] for a in maps.map_detail(ml_map)["key_areas"]]


@pytest.mark.parametrize(
    "kwargs,parameter",
    [
        ({"action": "add_function", "code": "D2", "title": "x", "parent": "D"}, "code"),  # code in use
        ({"action": "add_function", "code": "D98", "title": "x", "parent": "Q"}, "parent"),
        ({"action": "add_function", "code": "bad code!", "title": "x", "parent": "D"}, "code"),
        ({"action": "add_key_area", "code": "G", "title": ""}, "title"),
        ({"action": "rename", "code": "NOPE", "title": "x"}, "code"),
        ({"action": "explode", "code": "A"}, "action"),
        ({"action": "key_purpose", "title": "x" * 5001}, "title"),
    ],
)
def test_bad_edits_write_nothing(ml_map, kwargs, parameter):
    before = (FunctionalMap.objects.count(), MapNode.objects.count())
    with pytest.raises(InvalidParameter) as exc:
        mapedit.edit_map(_reviewer(), ml_map.slug, reason="why not", **kwargs)
    assert exc.value.details()["parameter"] == parameter
    assert (FunctionalMap.objects.count(), MapNode.objects.count()) == before


def test_editing_over_http(ml_map):
    url = f"/themes/maps/{ml_map.slug}/edit"
    body = {"action": "key_purpose", "title": "Lead people well", "reason": "plainer words"}
    dev = Client()
    dev.force_login(_developer())
    assert dev.post(url, body, content_type="application/json").status_code == 403
    client = Client()
    client.force_login(_reviewer())
    page = client.get(f"/themes/maps/{ml_map.slug}/")
    assert b'id="map-edit"' in page.content and b'id="kind-counts"' in page.content
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["version"] == ml_map.version + 1
    twin = client.get(f"/themes/maps/{ml_map.slug}.json").json()
    assert twin["key_purpose"] == "Lead people well" and twin["history"][0]["reason"] == "plainer words"
    form = client.post(url, {"action": "add_key_area", "code": "G", "title": "Governing", "reason": "new area"})
    assert form.status_code == 302
    missing = client.post(url, {"action": "rename", "reason": ""}, content_type="application/json")
    assert missing.status_code == 400
    old = Client().get(f"/themes/maps/{ml_map.slug}/?version={ml_map.version}").content
    assert b'id="map-edit"' not in old and b"Not the latest version" in old


def test_cli_place_and_edit(ml_map):
    _reviewer("clirev")
    runner = CliRunner()
    result = runner.invoke(
        main, ["themes", "map", "place", ml_map.slug, "ASTD2", "--function", "D2", "--kind", "generic", "--reason", "ok", "--user", "clirev"]
    )
    assert result.exit_code == 0 and "confirm on D2" in result.output, result.output
    result = runner.invoke(main, ["themes", "map", "edit", ml_map.slug, "rename", "--code", "F", "--title", "Results", "--reason", "x", "--user", "clirev"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["themes", "map", "edit", ml_map.slug, "rename", "--code", "F", "--title", "x", "--reason", "x", "--user", "nobody"]).exit_code != 0
    shown = runner.invoke(main, ["themes", "map", "show", ml_map.slug])
    assert "context-specific" in shown.output and "F  Results" in shown.output


# -- suggested further themes ---------------------------------------------------------------


def test_suggestions_rule_on_a_small_set():
    rows = [
        suggest.Candidate(f"N{i}", f"N{i}", title, f"dev{i % 9}")
        for i, title in enumerate(
            ["Maintain health and safety in the workplace"] * 9
            + ["Promote equality and diversity"] * 3
            + ["Manage health risks"] * 2
        )
    ]
    found = suggest.suggest(rows, [r.title for r in rows] + ["Manage a team"] * 5, suggest.Settings(min_developers=5))
    assert found and set(found[0].words) >= {"health", "safety"} and found[0].developers == 9
    assert all("maintain" not in g.words and "manage" not in g.words for g in found)  # verbs open titles
    assert not any("equality" in g.words for g in found)  # 3 developers only


def test_suggested_themes_page_cli_and_roles(themes_built):
    assert Client().get("/themes/suggested/").status_code == 403
    client = Client()
    client.force_login(_reviewer("sugrev"))
    data = client.get("/themes/suggested.json").json()
    assert data["candidates"] > 100 and data["suggestions"]
    top_words = {w for g in data["suggestions"] for w in g["words"]}
    assert "safety" in top_words, [g["name"] for g in data["suggestions"]]
    assert all(g["developers"] >= 8 for g in data["suggestions"])
    assert client.get("/themes/suggested/").status_code == 200
    assert client.get("/themes/suggested/?min_developers=x").status_code == 400
    assert client.get("/themes/suggested/?min_developers=1").status_code == 400
    result = CliRunner().invoke(main, ["themes", "suggest", "--format", "json", "--limit", "3"])
    assert result.exit_code == 0 and len(json.loads(result.output)["suggestions"]) <= 3
