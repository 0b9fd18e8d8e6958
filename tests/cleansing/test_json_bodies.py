"""The cleansing endpoints' JSON bodies: every body that gave a 500 is a 400 naming the JSON path,
and no body at all gives a 500 (a Hypothesis property)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from hypothesis import HealthCheck, given, settings

from noshub.cleansing.models import Decision
from tests.bodies import assert_invalid_body, bodies

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(db):
    user = User.objects.create_user("rev", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="record_decision", content_type__app_label="cleansing"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "body, path",
    [
        (b"[" * 1000 + b"]" * 1000, "$"),
        (b'{"title": "Prepare fish for basic dishes", "keywords": 5}', "$.keywords"),
        (b'{"text": "Prepare fish", "statements": ["ok", 5]}', "$.statements[1]"),
    ],
    ids=["nested-1000-deep", "keywords-5", "statement-5"],
)
def test_covered_refuses_bad_bodies_naming_the_path(load_reports, body, path):
    response = Client().post("/cleansing/covered.json", body, content_type="application/json")  # anonymous, no CSRF
    error = assert_invalid_body(response, path)
    if path == "$.keywords":
        assert error["message"] == "$.keywords: 5 is not of type 'array'"


def test_covered_still_answers_a_good_body(load_reports):
    body = {"title": "Prepare fish for basic dishes", "statements": [], "keywords": ["fish"]}
    response = Client().post("/cleansing/covered.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["nos"][0]["title"] == "Prepare fish for basic dishes"


@pytest.mark.parametrize("body", [b"[]", b"5", b'"str"', b"null"])
def test_decisions_refuse_a_body_that_is_no_object(load_reports, reviewer_client, body):
    error = assert_invalid_body(reviewer_client.post("/cleansing/decisions/", body, content_type="application/json"), "$")
    assert "is not of type 'object'" in error["message"]
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "body, path",
    [
        ({"nos": ["ASTH302"], "action": "retire_legacy", "reason": "x"}, "$.nos"),
        ({"nos": "ASTH302", "action": "retire_legacy", "reason": "x", "group": "a/b"}, "$.group"),
        ({"nos": "ASTH302", "action": "retire_legacy", "reason": "x\u0000y"}, "$.reason"),
        ({"nos": "ASTH302", "action": "retire_legacy", "reasons": "typo"}, "$"),
    ],
    ids=["list-nos", "group-with-slash", "nul-in-reason", "unknown-field"],
)
def test_decisions_refuse_bad_fields_naming_the_path(load_reports, reviewer_client, body, path):
    assert_invalid_body(reviewer_client.post("/cleansing/decisions/", body, content_type="application/json"), path)
    assert not Decision.objects.exists()


def test_a_form_post_with_a_bad_group_is_a_400_not_a_500(load_reports, reviewer_client):
    body = {"nos": "ASTH302", "action": "retire_legacy", "reason": "x", "group": "a/b"}
    assert_invalid_body(reviewer_client.post("/cleansing/decisions/", body), "$.group")


@pytest.mark.parametrize("endpoint", ["/cleansing/covered.json", "/cleansing/decisions/"])
def test_no_json_body_gives_a_500(load_reports, reviewer_client, endpoint):
    keys = ["text", "title", "overview", "statements", "keywords", "nos", "action", "target", "reason", "group"]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=bodies(keys))
    def check(body: bytes):
        response = reviewer_client.post(endpoint, body, content_type="application/json")
        assert response.status_code < 500, (body[:200], response.content[:300])
        if response.status_code == 400:
            assert response.json()["error"]["status"] == 400

    check()
