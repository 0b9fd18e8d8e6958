"""Themes on the real catalogue: the reference sets, theme embeddings found from titles (never
from Original URN), the reach rules, confirming or changing a class (roles, CSRF, bad input),
the pages, API, CSV export and CLI. The build runs once for this module and is rolled back."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from noshub.catalogue.models import Organisation
from noshub.catalogue.services import get_standard
from noshub.cleansing.corpus import load_corpus
from noshub.cli import main
from noshub.lifecycle.models import Profile
from noshub.themes import reach, services
from noshub.themes.declared import THEMES, home_theme
from noshub.themes.detect import FULL, ThemeDetector
from noshub.themes.models import Embedding, Reach

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(themes_built):
    """`noshub themes build` over the whole real catalogue (worked out once per session, saved
    for this module and undone after it: tests/conftest.py)."""
    return themes_built


def _developer(name: str, organisation: str) -> User:
    user = User.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name="standards developer"))
    Profile.objects.create(user=user, organisation=Organisation.objects.get(name=organisation))
    return user


def _reviewer(name: str = "rev") -> User:
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="record_decision", content_type__app_label="cleansing"))
    return user


# -- rules on real data ---------------------------------------------------------------------


def test_every_theme_has_reference_nos_from_its_home_suites(built):
    refs = built.stats["references"]
    assert set(refs) == {t.slug for t in THEMES} and all(n > 0 for n in refs.values()), refs
    assert Reach.objects.get(run=built, standard=get_standard("CFAMLD2")).theme_reference == "leadership-management"
    assert home_theme(["IT Users 6.2"]) == "digital-applications" and home_theme(["Hospitality Management"]) == ""


def test_sector_copies_of_theme_nos_are_found_with_their_reason(built):
    # Asset Skills' copy of M&L D2 under its own URN, word for word
    e = Embedding.objects.get(run=built, standard=get_standard("ASTD2"))
    assert (e.theme, e.reference.slug, e.extent) == ("leadership-management", "CFAMLD2", FULL)
    assert e.reasons[0]["code"] == "identical_title"
    # a tailored copy whose title differs ("… the progress of your work …")
    e = Embedding.objects.get(run=built, standard=get_standard("SKAOP12"))
    assert e.reference.slug == "CFAMLD6" and e.extent == FULL and e.reasons[0]["code"] == "similar_title"
    # a job-specific NOS embeds nothing
    assert not Embedding.objects.filter(run=built, standard=get_standard("ASTFFL5")).exists()


def test_the_detector_never_reads_original_urn(built):
    docs = [d for d in load_corpus() if home_theme(d.suites) == "customer-service" or d.key in ("ASTCS21", "SKAOP12", "ASTFFL5")]
    refs = {d.key: home_theme(d.suites) for d in docs if home_theme(d.suites)}
    with_urn = [m.as_dict() for m in ThemeDetector(docs, refs).score_all()]
    misleading = [replace(d, original_urn="CFAMLD6") for d in docs]
    assert with_urn == [m.as_dict() for m in ThemeDetector(misleading, refs).score_all()]
    assert [m["nos"] for m in with_urn if m["extent"] == FULL] == ["ASTCS21"]


def test_reach_of_a_management_nos_and_of_a_job_specific_nos(built):
    d2 = services.reach_of(get_standard("CFAMLD2"))
    assert d2["reach_class"] == reach.PAN and d2["developers"] >= 4 and d2["sector_free"]
    assert len(d2["soc_major_groups"]) >= 3 and "ASTD2" in d2["copies"]
    job = services.reach_of(get_standard("LANACT3"))  # reiki: one suite, one developer, a sector's word
    assert job["reach_class"] == reach.JOB and job["sector_words"] == ["reiki"] and not job["sector_free"]
    assert job["computed"]["confidence"] >= 0.7
    assert sum(built.stats["classes"].values()) == built.stats["nos"]


@pytest.mark.parametrize(
    "evidence,expected",
    [
        ((6, 12, 4, True, False), reach.PAN),
        ((6, 12, 4, False, False), reach.MULTI),  # carried widely, but its words name a sector
        ((1, 1, 1, True, True), reach.PAN),  # a theme reference NOS worded for any sector
        ((2, 2, 1, False, False), reach.MULTI),
        ((1, 1, 1, False, False), reach.JOB),
    ],
)
def test_the_class_rules(evidence, expected):
    cls, confidence, reasons = reach.classify(*evidence, reach.Settings())
    assert cls == expected and 0.5 <= confidence <= 1.0 and reasons[0][0] == "spread"


# -- confirming or changing a class ---------------------------------------------------------


def _decide(user, body: dict, as_json: bool = True, client: Client | None = None):
    client = client or Client()
    if user is not None:
        client.force_login(user)
    if as_json:
        return client.post("/themes/reach/CFAMLD2/decide", body, content_type="application/json")
    return client.post("/themes/reach/CFAMLD2/decide", body)


def test_who_may_confirm_or_change_a_class(built):
    change = {"reach_class": "multi_sector", "reason": "Used by several sectors, not all"}
    assert _decide(None, change).status_code == 403
    assert _decide(_developer("lantradev", "Lantra"), change).status_code == 403  # not Lantra's NOS
    reviewer = _reviewer()
    response = _decide(reviewer, change)
    assert response.status_code == 201, response.content
    assert response.json()["decided_by"] == "rev" and response.json()["computed_class"] == reach.PAN
    # a form post (the page's form) redirects back to the reach page; history kept in order
    assert _decide(reviewer, {"reach_class": "pan_sector", "reason": "Confirmed after all"}, as_json=False).status_code == 302
    data = services.reach_of(get_standard("CFAMLD2"))
    assert [h["reach_class"] for h in data["history"]] == ["multi_sector", "pan_sector"]
    assert data["history"][1]["confirmed"] and data["source"] == "person"
    line = services.reach_line(get_standard("CFAMLD2"))
    assert line["confirmed"] and line["reach_class"] == reach.PAN


def test_a_decision_without_the_csrf_token_is_refused(built):
    client = Client(enforce_csrf_checks=True)
    response = _decide(_reviewer(), {"reach_class": "pan_sector", "reason": "x"}, as_json=False, client=client)
    assert response.status_code == 403
    assert not get_standard("CFAMLD2").reach_decisions.exists()


@pytest.mark.parametrize(
    "body,parameter",
    [
        ({"reach_class": "everywhere", "reason": "x"}, "$.reach_class"),
        ({"reach_class": "pan_sector", "reason": ""}, "$.reason"),
        ({"reach_class": "pan_sector"}, "$"),
        ({"reach_class": "pan_sector", "reason": "x", "extra": 1}, "$"),
    ],
)
def test_bad_decisions_are_a_clear_400_and_write_nothing(built, body, parameter):
    response = _decide(_reviewer(), body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["parameter"] == parameter
    assert not get_standard("CFAMLD2").reach_decisions.exists()


def test_malformed_json_is_a_400(built):
    client = Client()
    client.force_login(_reviewer())
    response = client.post("/themes/reach/CFAMLD2/decide", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_body"


# -- pages, API, exports, CLI ---------------------------------------------------------------


def test_theme_pages_and_their_twins(built, client):
    page = client.get("/themes/")
    assert page.status_code == 200 and b"Leadership and management" in page.content
    assert 'rel="alternate"' in page["Link"]
    twin = client.get("/themes/index.json").json()
    assert [t["slug"] for t in twin["themes"]] == [t.slug for t in THEMES]
    cs = client.get("/themes/customer-service.json?extent=full").json()
    assert cs["embeddings"] and all(e["extent"] == "full" and e["reasons"][0]["text"] for e in cs["embeddings"])
    assert cs["saved"]["nos"] == cs["embeddings_count"]
    assert client.get("/themes/customer-service/").status_code == 200
    assert client.get("/themes/customer-service/?extent=most").status_code == 400
    assert client.get("/themes/no-such-theme/").status_code == 404
    assert client.get("/themes/reach/NO-SUCH-NOS/").status_code == 404
    reach_page = client.get("/themes/reach/CFAMLD2/")
    assert reach_page.status_code == 200 and b"csrfmiddlewaretoken" not in reach_page.content  # no form for the public
    nos = client.get("/nos/CFAMLD2/").content.decode()
    assert 'data-reach="pan_sector"' in nos and "Also used in" in nos


def test_welsh_theme_page(built, client):
    client.cookies["django_language"] = "cy"
    assert client.get("/themes/").status_code == 200


def test_api_endpoints(built, client):
    assert client.get("/api/v1/themes").json()["themes"][0]["slug"] == THEMES[0].slug
    assert client.get("/api/v1/reach/CFAMLD2").json()["reach_class"] == reach.PAN
    assert client.get("/api/v1/themes/no-such").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/themes", "/themes/{slug}", "/reach/{urn}"} <= spec["paths"].keys()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/themes/customer-service?format=csv").content.decode())))
    assert rows and rows[0]["theme"] == "customer-service"


def test_csv_export_neutralises_formulas(built, client, monkeypatch):
    row = dict.fromkeys(services.EXPORT_COLUMNS, "x") | {"title": '=HYPERLINK("http://evil")', "developer": "+1"}
    monkeypatch.setattr(services, "export_rows", lambda slug: [row])
    rows = list(csv.DictReader(io.StringIO(client.get("/themes/customer-service.csv").content.decode())))
    assert rows[0]["title"].startswith("'=") and rows[0]["developer"] == "'+1"


def test_cli_show_confirm_and_export(built):
    runner = CliRunner()
    result = runner.invoke(main, ["themes", "show", "CFAMLD2", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["reach_class"] == reach.PAN
    result = runner.invoke(main, ["themes", "confirm", "CFAMLD2", "pan_sector", "--reason", "ok", "--user", "nobody"])
    assert result.exit_code != 0 and "No user" in result.output
    User.objects.create_superuser("boss", password="pw")
    result = runner.invoke(main, ["themes", "confirm", "CFAMLD2", "pan_sector", "--reason", "ok", "--user", "boss"])
    assert result.exit_code == 0 and "confirmed" in result.output
    result = runner.invoke(main, ["themes", "export", "learning-development"])
    assert result.exit_code == 0 and result.output.startswith("theme,urn,title")
    assert runner.invoke(main, ["themes", "show", "NO-SUCH"]).exit_code != 0


# -- functional maps ------------------------------------------------------------------------

GOOD_CSV = """level,code,title,parent
name,,Zz test map,
key_purpose,,Keep the zz service running,
key_area,A,Managing self,
function,A1,Manage your own resources,A
function,A2,Calibrate zzquartz gauges,A
"""


def test_the_management_and_leadership_map_is_seeded_from_its_suite(built):
    from noshub.themes import maps

    data = maps.map_detail(maps.seed_management_leadership())
    assert [a["code"] for a in data["key_areas"]] == list("ABCDEF")
    assert data["key_areas"][3]["title"] == "Working with people"
    d2 = next(f for a in data["key_areas"] for f in a["functions"] if f["code"] == "D2")
    assert {"CFAMLD2", "ASTD2"} <= {n["slug"] for n in d2["nos"]} and d2["nos_count"] >= 2
    assert data["crowded"][0]["nos_count"] >= d2["nos_count"] or d2 in data["crowded"]
    assert maps.seed_management_leadership().version == data["version"] + 1  # versioned, never edited


def test_an_outline_imports_with_placements_and_gaps(built, client):
    from noshub.themes import maps

    fmap = maps.import_outline(GOOD_CSV, "csv", file="zz.csv")
    data = client.get(f"/themes/maps/{fmap.slug}.json").json()
    functions = {f["code"]: f for f in data["key_areas"][0]["functions"]}
    assert functions["A1"]["nos_count"] >= 1 and [g["code"] for g in data["gaps"]] == ["A2"]
    assert client.get(f"/themes/maps/{fmap.slug}/").status_code == 200
    assert client.get("/themes/maps/").status_code == 200
    assert client.get("/themes/maps/no-such-map/").status_code == 404


@pytest.mark.parametrize(
    "kind,text,where",
    [
        ("csv", GOOD_CSV.replace("function,A2,Calibrate zzquartz gauges,A", "function,A2,Calibrate,Q"), "line 6"),
        ("csv", GOOD_CSV.replace("function,A2", "widget,A2"), "line 6"),
        ("csv", GOOD_CSV.replace("function,A2", "function,A1"), "line 6"),
        ("csv", "code,title\nA,B\n", "line 1"),
        (
            "json",
            '{"name": "x", "key_purpose": "y", "key_areas": [{"code": "A", "title": "t", "functions": [{"code": "A1"}]}]}',
            "$.key_areas[0].functions[0].title",
        ),
        ("json", '{"name": "x",\n "key_purpose": ', "line 2"),
    ],
)
def test_a_malformed_outline_names_its_line_and_writes_nothing(built, kind, text, where):
    from noshub.core.errors import ImportRejected
    from noshub.themes import maps
    from noshub.themes.models import FunctionalMap, MapNode

    before = (FunctionalMap.objects.count(), MapNode.objects.count())
    with pytest.raises(ImportRejected) as exc:
        maps.import_outline(text, kind, file="bad")
    assert where in str(exc.value)
    assert (FunctionalMap.objects.count(), MapNode.objects.count()) == before


def test_only_reviewers_import_maps_over_http(built):
    body = {"format": "csv", "outline": GOOD_CSV}
    client = Client()
    client.force_login(_developer("lantradev2", "Lantra"))
    assert client.post("/themes/maps/import", body, content_type="application/json").status_code == 403
    client.force_login(_reviewer("rev2"))
    response = client.post("/themes/maps/import", body, content_type="application/json")
    assert response.status_code == 201, response.content
    bad = client.post(
        "/themes/maps/import",
        {"format": "csv", "outline": "level,code,title,parent\nfunction,A1,x,Z\n"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "line 2" in bad.json()["error"]["message"]
