"""The SOC review endpoints' JSON bodies: every body that gave a 500 is a 400 naming the JSON path,
and no body at all gives a 500 (a Hypothesis property)."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings

from noshub.soc.models import SocDecision
from tests.bodies import assert_invalid_body, bodies

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.mark.parametrize(
    "body, path",
    [
        ({"urn": ["ASTH302", 1], "code": "2422", "action": "choose", "reason": "x"}, "$.urn"),
        ({"urn": "ASTH302", "code": 2422, "action": "choose", "reason": "x"}, "$.code"),
        ({"urn": "ASTH302", "code": "2422", "action": "choose", "reason": 5}, "$.reason"),
        ({"urn": "ASTH302", "code": "2422", "action": "choose", "reason": "x\u0000"}, "$.reason"),
    ],
    ids=["list-urn", "numeric-code", "numeric-reason", "nul-in-reason"],
)
def test_decisions_refuse_bad_fields_naming_the_path(load_reports, reviewer_client, body, path):
    assert_invalid_body(reviewer_client.post("/soc/decisions.json", body, content_type="application/json"), path)
    assert not SocDecision.objects.exists()


@pytest.mark.parametrize(
    "body, path",
    [(b'{"reason": 5}', "$.reason"), (b'{"threshold": 0.99, "reason": ["why"]}', "$.reason"), (b"[" * 1000 + b"]" * 1000, "$")],
    ids=["numeric-reason", "list-reason", "nested-1000-deep"],
)
def test_bulk_accept_refuses_bad_bodies_naming_the_path(load_reports, reviewer_client, body, path):
    assert_invalid_body(reviewer_client.post("/soc/accept.json", body, content_type="application/json"), path)
    assert not SocDecision.objects.exists()


def test_a_good_decision_body_still_works(load_reports, reviewer_client):
    body = {"urn": "ASTH302", "code": "2422", "action": "choose", "reason": "test"}
    response = reviewer_client.post("/soc/decisions.json", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert SocDecision.objects.get().soc2020 == "2422"


@pytest.mark.parametrize("endpoint", ["/soc/decisions.json", "/soc/accept.json"])
def test_no_json_body_gives_a_500(load_reports, reviewer_client, endpoint):
    keys = ["urn", "code", "action", "reason", "threshold"]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=bodies(keys))
    def check(body: bytes):
        response = reviewer_client.post(endpoint, body, content_type="application/json")
        assert response.status_code < 500, (body[:200], response.content[:300])

    check()
