"""The page contract: every public HTML page has a JSON twin that serves the same context, and
every error, HTML or JSON, English or Welsh, comes from one mapping."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, get_resolver

from noshub.core.errors import Forbidden, InvalidParameter, NotFound
from noshub.pages import contract
from noshub.pages.errors import describe, page_not_found, permission_denied, server_error

pytestmark = pytest.mark.django_db


def _public_pages() -> list[URLPattern]:
    """Every public HTML URL pattern: the web app's page views, their twins left out."""
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if getattr(p, "app_name", None) == "web")
    return [p for p in web.url_patterns if getattr(p.callback, "is_page_view", False) and not p.name.endswith("-json")]


def _args(pattern: URLPattern, ids: dict) -> dict:
    return {name: ids[name] for name in pattern.pattern.converters}


@pytest.fixture
def ids(load_reports, client):
    suites = client.get("/suites.json").json()["suites"]
    developers = client.get("/developers.json").json()["developers"]
    return {"slug": "LANACT3", "suite_id": suites[0]["id"], "developer_id": developers[0]["id"], "code": "5"}


QUERIES = {"results": {"q": "welding"}, "compare": {"a": "LANACT3", "b": "LANACT2"}}


def test_every_public_page_is_a_page_view():
    names = {p.name for p in _public_pages()}
    assert names >= {"home", "results", "nos", "nos-summary", "nos-print", "suites", "suite", "developers", "developer"}
    assert names >= {"occupations", "occupation", "compare"}


def test_every_public_page_has_a_json_twin_with_the_same_context_keys(client, ids, monkeypatch):
    from django.urls import reverse

    rendered = []
    real_render = contract.render

    def spy(request, template, context, status=200):
        rendered.append(context)
        return real_render(request, template, context, status=status)

    monkeypatch.setattr(contract, "render", spy)
    checked = []
    for pattern in _public_pages():
        url = reverse(f"web:{pattern.name}", kwargs=_args(pattern, ids))
        twin = reverse(f"web:{pattern.name}-json", kwargs=_args(pattern, ids))
        query = QUERIES.get(pattern.name, {})
        rendered.clear()
        page = client.get(url, query)
        assert page.status_code == 200, (url, page.status_code)
        assert page["Link"].startswith(f"<{twin}") and 'rel="alternate"' in page["Link"], url
        assert len(rendered) == 1, url
        data = client.get(twin, query)
        assert data.status_code == 200 and data["Content-Type"] == "application/json", twin
        assert set(data.json()) == set(rendered[0]), url
        # The same URL asked for JSON in the Accept header gives the same twin.
        accepted = client.get(url, query, headers={"Accept": "application/json"})
        assert set(accepted.json()) == set(data.json()), url
        checked.append(pattern.name)
    assert len(checked) >= 12


def test_twins_keep_the_keys_they_had(client, load_reports):
    data = client.get("/search.json", {"q": "prepare fish"}).json()
    assert {"query", "total", "results", "facets", "page", "pages", "did_you_mean", "job_titles"} <= set(data)
    assert data["results"] and {"slug", "urn", "title", "score"} <= set(data["results"][0])
    nos = client.get("/nos/LANACT3.json").json()
    assert {"slug", "urn", "current", "history", "urn_clash"} <= set(nos)


# -- errors --------------------------------------------------------------------------------------


def test_unknown_page_is_a_branded_404_in_english_and_welsh(client, load_reports):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and 'class="govuk-header' in html and "If you typed the web address" in html
    client.get("/language/cy/")
    welsh = client.get("/no/such/page/").content.decode()
    assert "Heb ddod o hyd i’r dudalen" in welsh and '<html lang="cy"' in welsh
    assert "Page not found" not in welsh


def test_unknown_nos_is_404_in_html_and_in_the_json_error_shape(client, load_reports):
    page = client.get("/nos/NOSUCH1/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()
    data = client.get("/nos/NOSUCH1.json")
    assert data.status_code == 404
    assert data.json() == {"error": {"status": 404, "code": "not_found", "message": "No NOS with URN 'NOSUCH1'"}}
    accepted = client.get("/nos/NOSUCH1/", headers={"Accept": "application/json"})
    assert accepted.status_code == 404 and accepted.json()["error"]["code"] == "not_found"


def test_unknown_json_url_answers_json(client, load_reports):
    response = client.get("/no-such-thing.json")
    assert response.status_code == 404
    assert response.json()["error"] == {"status": 404, "code": "not_found", "message": "No page at /no-such-thing.json"}


def test_a_bad_parameter_is_400_in_both_shapes(client, ids):
    data = client.get("/search.json", {"per_page": "many"})
    assert data.status_code == 400
    assert data.json()["error"]["code"] == "invalid_parameter" and data.json()["error"]["parameter"] == "per_page"
    page = client.get(f"/suites/{ids['suite_id']}/", {"per_page": "many"})
    assert page.status_code == 400 and "There is a problem with your request" in page.content.decode()
    twin = client.get(f"/suites/{ids['suite_id']}.json", {"per_page": "many"})
    assert twin.status_code == 400 and twin.json()["error"]["parameter"] == "per_page"


@pytest.mark.parametrize(
    "handler,status,english,welsh",
    [
        (permission_denied, 403, "You do not have permission to see this page", "Nid oes gennych ganiatâd i weld y dudalen hon"),
        (server_error, 500, "Sorry, there is a problem with the service", "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth"),
        (page_not_found, 404, "Page not found", "Heb ddod o hyd i’r dudalen"),
    ],
)
def test_error_handlers_in_both_languages_and_shapes(handler, status, english, welsh):
    from django.utils import translation

    factory = RequestFactory()
    args = () if handler is server_error else (None,)
    for language, words in (("en", english), ("cy", welsh)):
        with translation.override(language):
            response = handler(factory.get("/somewhere/"), *args)
        assert response.status_code == status
        assert words in response.content.decode()
    data = handler(factory.get("/somewhere.json"), *args)
    body = json.loads(data.content)["error"]
    assert data.status_code == status and body["status"] == status and body["code"] and body["message"]
    if status == 500:
        assert "Traceback" not in body["message"]


def test_one_mapping_for_the_core_errors():
    request = RequestFactory().get("/x/")
    assert describe(request, NotFound("No NOS with URN 'X'"))[:2] == (404, "not_found")
    assert describe(request, InvalidParameter("page", "must be a whole number")) == (
        400,
        "invalid_parameter",
        "page: must be a whole number",
        {"parameter": "page"},
    )
    assert describe(request, Forbidden("Only reviewers may decide."))[:2] == (403, "forbidden")
    assert describe(request, RuntimeError("secret detail"))[2] == "Sorry, there is a problem with the service"


def test_json_twins_past_the_rate_limit_answer_429_in_the_one_error_shape(client, settings):
    """A page's JSON twin shares the API's budget and its answer: the error hierarchy's 429."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    try:
        statuses = [client.get("/developers.json").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = client.get("/developers.json", HTTP_ACCEPT_LANGUAGE="en")
        body = response.json()["error"]
        assert body["code"] == "too_many_requests" and body["retry_after"] == int(response["Retry-After"]) > 0
        assert client.get("/developers/").status_code == 200  # HTML pages are not rate-limited
    finally:
        cache.clear()
