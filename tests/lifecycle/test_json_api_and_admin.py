"""The JSON write endpoints (one error shape), withdrawal in a review project, and the admin."""

from __future__ import annotations

import pytest

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import AuditEntry, Comment

from .conftest import NOW, PART_A, drive

pytestmark = pytest.mark.django_db


def _error(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "reasons"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


def test_json_respond_and_advance_with_one_error_shape(client, people, project):
    pk = project.pk
    client.force_login(people["developer"])
    err = _error(
        client.post(f"/lifecycle/projects/{pk}/advance.json", {"to_stage": "published"}, content_type="application/json")
    )
    assert err["code"] == "stage_rule" and "cannot be skipped" in err["reasons"][0]
    err = _error(
        client.post(
            f"/lifecycle/projects/{pk}/respond.json", {"response": "approve", "nation": "wales"}, content_type="application/json"
        )
    )
    assert err["status"] == 403 and err["code"] == "forbidden"

    services.update_nation_part(people["developer"], project, "wales", **PART_A)  # text to approve (issue 19)
    client.force_login(people["reviewer_wales"])
    ok = client.post(f"/lifecycle/projects/{pk}/respond.json", {"response": "approve"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["approvals"][0]["nation"] == "wales"
    err = _error(client.post(f"/lifecycle/projects/{pk}/respond.json", {"response": "reject"}, content_type="application/json"))
    assert err["code"] == "stage_rule" and "feedback is required" in err["message"]
    err = _error(
        client.post(
            f"/lifecycle/projects/{pk}/respond.json",
            {"response": "approve", "nation": "england"},
            content_type="application/json",
        )
    )
    assert err["status"] == 403


def test_json_comment_while_open_and_refused_when_closed(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    draft = project.drafts.get()
    url = f"/lifecycle/projects/{project.pk}/comments/new.json"
    created = client.post(
        url, {"draft": draft.pk, "text": "Clear and useful.", "item_ref": "k2"}, content_type="application/json"
    )
    c = Comment.objects.get()
    assert created.status_code == 201 and created.json() == {
        "id": c.pk,
        "moderation": "pending",
        "item_ref": "K2",
        "submission": c.submission,
        "comments": [{"id": c.pk, "item_ref": "K2"}],
    }
    assert (
        _error(client.post(url, {"draft": draft.pk, "text": "x", "website": "spam"}, content_type="application/json"))["code"]
        == "comment_rejected"
    )
    assert _error(client.post(url, {"draft": 0, "text": "x"}, content_type="application/json"))["status"] == 404
    project.consultation_closes = NOW
    project.save()
    err = _error(client.post(url, {"draft": draft.pk, "text": "Late"}, content_type="application/json"))
    assert err["code"] == "comment_rejected" and "not open" in err["message"]


def test_a_review_can_withdraw_a_real_nos_to_legacy(people, org, load_reports):
    from noshub.catalogue.models import Standard

    standard = Standard.objects.get(urn_key="LANACT3")
    before = standard.current
    project = services.create_project(people["developer"], title="Retire animal Reiki", organisation=org, kind="review")
    project = drive(project, people, lc.DRAFTING, with_draft=False)
    services.add_draft(people["developer"], project, from_urn="LANACT3", action="withdraw", today=NOW.date())
    project = drive(project, people, lc.PUBLISHED)
    standard.refresh_from_db()
    assert standard.current.validity == "legacy" and standard.current.sequence > before.sequence
    assert standard.current.title == before.title and standard.current.source_kind == "edit"
    assert AuditEntry.objects.filter(action="withdraw", project=project).exists()


def test_admin_shows_lifecycle_records_read_only(client, django_user_model, people, project):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(boss)
    assert client.get("/admin/lifecycle/project/").status_code == 200
    assert client.get(f"/admin/lifecycle/project/{project.pk}/change/").status_code == 200
    assert client.get("/admin/lifecycle/project/add/").status_code == 403
    assert client.get("/admin/lifecycle/auditentry/").status_code == 200
    assert client.get("/admin/lifecycle/profile/").status_code == 200
