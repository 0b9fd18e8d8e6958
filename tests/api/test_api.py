"""The public API on the real catalogue: responses, exports, errors, rate limits, OpenAPI."""

from __future__ import annotations

import csv
import io

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_search_returns_results_and_facets(client, load_reports):
    data = client.get("/api/v1/search", {"q": "chef", "per_page": 5}).json()
    assert data["total"] > 5 and len(data["results"]) == 5
    assert {"suite", "developer", "soc", "validity", "category", "year"} <= data["facets"].keys()
    assert {"urn", "title", "score", "slug"} <= data["results"][0].keys()


def test_search_csv_export(client, load_reports):
    response = client.get("/api/v1/search", {"q": "welding", "format": "csv", "per_page": 50})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 50 and rows[0]["urn"] and rows[0]["title"]


def test_nos_by_urn_with_history(client, load_reports):
    data = client.get("/api/v1/nos/SFLWS33").json()
    assert data["current"]["validity"] == "current"
    assert [h["validity"] for h in data["history"]] == ["current", "legacy"]


def test_nos_jsonld_is_a_ctdl_asn_framework(client, load_reports):
    response = client.get("/api/v1/nos/LANACT3.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@type"] == "ceasn:CompetencyFramework" and doc["ceasn:codedNotation"] == "LANACT3"
    first = doc["@graph"][0]
    assert first["@type"] == "ceasn:Competency" and first["ceasn:codedNotation"] == "P1"
    assert first["ceasn:competencyCategory"]["en-GB"] == "Performance criteria"
    assert doc["ceasn:hasTopChild"][0] == first["@id"]


def test_suites_developers_and_soc_tree(client, load_reports):
    suites = client.get("/api/v1/suites").json()
    journalism = next(s for s in suites["suites"] if s["name"] == "Journalism")
    suite = client.get(journalism["url"]).json()
    assert suite["count"] == journalism["nos"] > 0
    assert client.get(journalism["url"], {"format": "csv"})["Content-Type"].startswith("text/csv")
    developers = client.get("/api/v1/developers").json()
    assert any(d["name"] == "Lantra" and d["nos"] > 500 for d in developers["developers"])
    tree = client.get("/api/v1/soc2020").json()
    assert len(tree["groups"]) == 9
    assert len([u for g in tree["groups"] for s in g["children"] for m in s["children"] for u in m["children"]]) == 412
    chefs = client.get("/api/v1/soc2020/5434").json()
    assert chefs["title"] == "Chefs" and chefs["nos"] > 0
    # The API counts what search finds under that group.
    from noshub.search.engine import SearchParams, search

    assert chefs["nos"] == search(SearchParams(soc="5434"), log=False).total
    major = next(g for g in tree["groups"] if g["code"] == "5")
    assert major["nos"] == search(SearchParams(soc="5"), log=False).total


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/search?page=0", 400, "invalid_parameter"),
        ("/api/v1/search?per_page=abc", 400, "invalid_parameter"),
        ("/api/v1/search?sort=random", 400, "invalid_parameter"),
        ("/api/v1/search?colour=blue", 400, "invalid_parameter"),
        ("/api/v1/search?format=xml", 400, "invalid_parameter"),
        ("/api/v1/nos/NOSUCH999", 404, "not_found"),
        ("/api/v1/suites/99999999", 404, "not_found"),
        ("/api/v1/soc2020/9999", 404, "not_found"),
        ("/api/v1/no/such/thing", 404, "not_found"),
    ],
)
def test_errors_have_one_shape(client, load_reports, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code and error["message"]


def test_api_is_read_only(client, load_reports):
    assert client.post("/api/v1/search", {"q": "x"}).status_code == 405
    assert client.delete("/api/v1/nos/LANACT3").status_code == 405


@pytest.fixture
def within_one_minute(monkeypatch):
    """The rate limit counts in fixed one-minute windows: hold the clock 30 s into one, so a
    slow run (PostgreSQL, a loaded machine) cannot cross into the next window mid-test."""
    from types import SimpleNamespace

    from noshub.pages import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


def test_rate_limit_answers_429_with_retry_after(client, load_reports, settings, within_one_minute):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [client.get("/api/v1/developers").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    response = client.get("/api/v1/developers")
    assert response.json()["error"]["code"] == "too_many_requests" and int(response["Retry-After"]) > 0
    cache.clear()


def test_openapi_document_is_valid_and_lists_every_endpoint(client, load_reports):
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    assert {
        "/search",
        "/nos/{urn}",
        "/nos/{urn}.jsonld",
        "/suites",
        "/suites/{id}",
        "/developers",
        "/soc2020",
        "/soc2020/{code}",
    } <= spec["paths"].keys()


def test_urns_with_a_slash_are_served(client, load_reports):
    from noshub.catalogue.models import Standard

    slug = Standard.objects.filter(urn_key__contains="/").values_list("slug", flat=True).first()
    assert slug
    assert client.get(f"/api/v1/nos/{slug}").json()["slug"] == slug
    assert client.get(f"/api/v1/nos/{slug}.jsonld").json()["ceasn:codedNotation"]


def test_csv_exports_defuse_formulas(client, load_reports, tmp_path):
    """A NOS whose title and suite begin as spreadsheet formulas is exported as text, in the
    search CSV and the suites CSV."""
    import json

    from noshub.catalogue.importers import import_json

    doc = {
        "URN": "ZZCSV1",
        "Title": '=HYPERLINK("http://evil.example","Click")',
        "Suite": "@SUM(1+1)*cmd|' /C calc'!A0",
        "Developed_by": "-2+3",
        "Validity": "Current",
        "Status": "Original",
        "NOSCategory": "Core",
        "Overview": "<p>Formula injection probe.</p>",
    }
    path = tmp_path / "zzcsv1.json"
    path.write_text(json.dumps(doc))
    assert import_json(path).created == 1
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/search", {"q": "ZZCSV1", "format": "csv"}).content.decode())))
    row = next(r for r in rows if r["urn"] == "ZZCSV1")
    assert row["title"] == """'=HYPERLINK("http://evil.example","Click")"""
    assert row["developer"] == "'-2+3"
    assert row["suites"].startswith("'@SUM")
    suites = client.get("/api/v1/suites", {"format": "csv"}).content.decode()
    assert "'@SUM(1+1)" in suites and "\n@SUM" not in suites


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_a_json_405_not_the_csrf_page(method, load_reports):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for path in ("/api/v1/search", "/api/v1/nos/LANACT3", "/api/v1/suites"):
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, path)
        assert response["Content-Type"] == "application/json" and response["Allow"] == "GET, HEAD"
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_unknown_api_paths_answer_json_even_with_control_characters(client, load_reports):
    for path in ("/api/v1/nothing", "/api/v1/nos%00x/y", "/api/v1/%1b%5b31m"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path


@pytest.mark.parametrize("url", ["/api/v1/search?soc=", "/api/v1/search?q=chef&soc=%20", "/search.json?q=chef&soc="])
def test_an_empty_soc_is_a_400_naming_the_parameter(client, load_reports, url):
    """The schema says 1 to 4 digits; an empty value was taken as "any group"."""
    response = client.get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == "soc"


def test_json_twins_share_the_api_rate_limit(client, load_reports, settings, within_one_minute):
    """/search.json and /nos/URN.json (the pages' JSON twins) served the same data as the API
    without its limit; they now count against the same per-client budget."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [
        client.get("/api/v1/search", {"q": "chef"}).status_code,
        client.get("/search.json", {"q": "chef"}).status_code,
        client.get("/nos/LANACT3.json").status_code,
        client.get("/search.json", {"q": "welding"}).status_code,
        client.get("/nos/LANACT3/", HTTP_ACCEPT="application/json").status_code,
        client.get("/api/v1/developers").status_code,
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]
    limited = client.get("/nos/LANACT3.json")
    assert limited.json()["error"]["code"] == "too_many_requests" and int(limited["Retry-After"]) > 0
    assert client.get("/nos/LANACT3/").status_code == 200  # the HTML page is not limited
    cache.clear()
