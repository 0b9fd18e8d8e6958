"""The lifecycle JSON API's bodies: a body that gave a 500, or was silently taken for an empty one,
is a 400 naming the JSON path; no body at all gives a 500 (a Hypothesis property)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from noshub.lifecycle import rules as lc
from noshub.lifecycle.models import Comment, Project
from tests.bodies import assert_invalid_body, bodies

from .conftest import drive

pytestmark = pytest.mark.django_db

REASONS = frozenset({"reasons"})  # the lifecycle's error shape always carries its rules' reasons


def _advance(client, project, body):
    return client.post(f"/lifecycle/projects/{project.pk}/advance.json", body, content_type="application/json")


def test_advance_refuses_a_list_to_stage(client, people, project):
    client.force_login(people["developer"])
    error = assert_invalid_body(_advance(client, project, {"to_stage": ["part_b"]}), "$.to_stage", REASONS)
    assert error["message"] == "$.to_stage: [\"part_b\"] is not of type 'string' or 'null'" and error["reasons"] == []
    assert Project.objects.get(pk=project.pk).stage == lc.PROPOSAL


@pytest.mark.parametrize("body", [b"[]", b"5", b'"part_b"', b"null", b"{", b"[" * 1000 + b"]" * 1000])
def test_advance_refuses_a_body_that_is_no_object_rather_than_ignoring_it(client, people, project, body):
    # the old code took any of these for {} and tried to advance the project
    client.force_login(people["developer"])
    assert_invalid_body(_advance(client, project, body), "$", REASONS)


def test_respond_and_comment_refuse_wrong_types(client, people, project):
    client.force_login(people["reviewer_wales"])
    url = f"/lifecycle/projects/{project.pk}/respond.json"
    body = {"response": "approve", "feedback": ["fine"]}
    assert_invalid_body(client.post(url, body, content_type="application/json"), "$.feedback", REASONS)
    project = drive(project, people, lc.CONSULTATION)
    url = f"/lifecycle/projects/{project.pk}/comments/new.json"
    draft = project.drafts.get()
    for body, path in [
        ({"draft": draft.pk, "text": "Good", "email": "x" * 300 + "@example.org"}, "$.email"),
        ({"draft": draft.pk, "text": "Good\u0000"}, "$.text"),
        ({"draft": 10**30, "text": "Good"}, "$.draft"),
        ({"draft": draft.pk, "text": {"nested": "Good"}}, "$.text"),
    ]:
        assert_invalid_body(client.post(url, body, content_type="application/json"), path, REASONS)
    assert not Comment.objects.exists()
    ok = client.post(url, {"draft": str(draft.pk), "text": "Good"}, content_type="application/json")
    assert ok.status_code == 201, ok.content


@pytest.mark.parametrize("endpoint", ["advance", "respond", "comments/new"])
def test_no_json_body_gives_a_500(client, people, project, endpoint):
    project = drive(project, people, lc.CONSULTATION)
    client.force_login(people["developer"] if endpoint == "advance" else people["reviewer_wales"])
    keys = ["to_stage", "nation", "response", "feedback", "draft", "text", "item_ref", "name", "organisation", "email", "website"]
    url = f"/lifecycle/projects/{project.pk}/{endpoint}.json"

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=bodies(keys))
    def check(body: bytes):
        from django.core.cache import cache

        cache.clear()  # the comment rate limit
        response = client.post(url, body, content_type="application/json")
        assert response.status_code < 500, (body[:200], response.content[:300])

    check()
