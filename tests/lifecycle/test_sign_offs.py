"""Issue 19, "closer to the real process": sign-offs beyond the four nations, chosen per project.
A project steering group approves the drafts before consultation and the final NOS; the
Standards and Frameworks Panel approves the final NOS. Each is tied to the text like a nation's
response, can reject, and waits in its members' "waiting for your response" list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import Approval

from .conftest import NOW, add_good_draft, drive

pytestmark = pytest.mark.django_db
BOTH = [lc.STEERING_GROUP, lc.PANEL]


def _with_sign_offs(project, people, sign_offs=BOTH):
    return services.set_sign_offs(people["developer"], project, sign_offs, ["steer"])


def _drafting_ready(project, people):
    project = drive(project, people, lc.DRAFTING)
    add_good_draft(project, people)
    services.update_project(people["developer"], project, consultation_closes=NOW + timedelta(days=30))
    return project


def test_the_steering_group_approves_the_drafts_before_consultation(project, people):
    project = _drafting_ready(_with_sign_offs(project, people), people)
    blockers = [str(r) for r in lc.blockers(services.project_facts(project))]
    assert "Draft for consultation: Project steering group has not responded yet." in blockers
    with pytest.raises(lc.StageError):
        services.advance(people["developer"], project, lc.CONSULTATION)
    # a nation has no say here; the steering group cannot answer "not applicable"
    with pytest.raises(PermissionDenied):
        services.respond(people["reviewer_wales"], project, lc.STEERING_GROUP, lc.APPROVE)
    with pytest.raises(lc.StageError, match="not applicable"):
        services.respond(people["steering"], project, lc.STEERING_GROUP, lc.NOT_APPLICABLE)
    services.respond(people["steering"], project, lc.STEERING_GROUP, lc.REJECT, "P3 is too vague.")
    assert "Draft for consultation: Project steering group rejected it" in " ".join(lc.blockers(services.project_facts(project)))
    services.respond(people["steering"], project, lc.STEERING_GROUP, lc.APPROVE)
    project = services.advance(people["developer"], project, lc.CONSULTATION, now=NOW)
    assert project.stage == lc.CONSULTATION
    history = Approval.objects.filter(project=project, nation=lc.STEERING_GROUP).order_by("id")
    assert [(a.response, a.current) for a in history] == [(lc.REJECT, False), (lc.APPROVE, True)]


def test_only_the_named_members_sign_off_for_a_projects_steering_group(project, people):
    project = _drafting_ready(_with_sign_offs(project, people), people)
    with pytest.raises(PermissionDenied):
        services.respond(people["other_steering"], project, lc.STEERING_GROUP, lc.APPROVE)
    with pytest.raises(PermissionDenied):  # the panel is not the steering group
        services.respond(people["panel"], project, lc.STEERING_GROUP, lc.APPROVE)
    services.respond(people["steering"], project, lc.STEERING_GROUP, lc.APPROVE)


def test_the_final_nos_waits_for_the_panel_and_the_steering_group_and_their_approval_is_tied_to_the_text(project, people):
    project = _with_sign_offs(project, people)
    project = drive(project, people, lc.FINAL_APPROVAL)
    for nation in lc.NATIONS:
        services.respond(people[f"reviewer_{nation}"], project, nation, lc.APPROVE)
    reasons = " ".join(lc.blockers(services.project_facts(project)))
    assert "Final NOS: Standards and Frameworks Panel has not responded yet." in reasons
    assert "Final NOS: Project steering group has not responded yet." in reasons
    services.respond(people["panel"], project, lc.PANEL, lc.APPROVE)
    services.respond(people["steering"], project, lc.STEERING_GROUP, lc.APPROVE)
    assert lc.blockers(services.project_facts(project)) == []
    # the panel approved the text as it was: a fingerprint, like a nation's
    panel = Approval.objects.get(project=project, nation=lc.PANEL, current=True)
    assert panel.text_hash == services.fingerprint(project, lc.FINAL)
    project = services.advance(people["developer"], project, lc.WELSH_APPROVAL)
    assert project.stage == lc.WELSH_APPROVAL


def test_a_project_without_sign_offs_is_not_held_by_them(project, people):
    project = drive(project, people, lc.FINAL_APPROVAL)
    assert lc.responders(lc.FINAL, project.sign_offs) == lc.NATIONS
    with pytest.raises(PermissionDenied):
        services.respond(people["panel"], project, lc.PANEL, lc.APPROVE)


def test_sign_offs_are_settled_before_consultation_by_those_who_change_the_project(project, people):
    with pytest.raises(PermissionDenied):
        services.set_sign_offs(people["other_developer"], project, BOTH, [])
    with pytest.raises(lc.StageError, match="nobody"):
        services.set_sign_offs(people["developer"], project, BOTH, ["nobody"])
    with pytest.raises(lc.StageError, match="pat"):  # a user without the steering group role
        services.set_sign_offs(people["developer"], project, BOTH, ["pat"])
    with pytest.raises(ValueError):
        services.set_sign_offs(people["developer"], project, ["board"], [])
    project = drive(_with_sign_offs(project, people, [lc.PANEL]), people, lc.CONSULTATION)
    with pytest.raises(lc.StageError, match="before the consultation"):
        services.set_sign_offs(people["developer"], project, [], [])


def test_the_project_edit_page_sets_the_sign_offs(client, project, people):
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/projects/{project.pk}/edit/").content.decode()
    assert "Standards and Frameworks Panel" in page and 'name="so-steering_group"' in page
    response = client.post(
        f"/lifecycle/projects/{project.pk}/edit/",
        {"title": project.title, "so-sign_offs": [lc.STEERING_GROUP, lc.PANEL], "so-steering_group": "steer\n"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.sign_offs == BOTH and list(project.steering_group.values_list("username", flat=True)) == ["steer"]
    data = client.get(f"/lifecycle/projects/{project.pk}.json").json()
    assert data["sign_offs"] == BOTH and data["steering_group"] == ["steer"]


def test_members_see_what_waits_for_their_sign_off_and_respond_through_the_page(client, project, people):
    project = _drafting_ready(_with_sign_offs(project, people), people)
    client.force_login(people["steering"])
    waiting = client.get("/lifecycle/projects.json").json()["waiting_for_you"]
    assert [(w["id"], w["responder"]) for w in waiting] == [(project.pk, lc.STEERING_GROUP)]
    assert "Project steering group" in client.get("/lifecycle/").content.decode()
    client.force_login(people["other_steering"])  # not on this project: nothing waits, nothing visible
    assert client.get("/lifecycle/projects.json").json()["waiting_for_you"] == []
    assert client.get(f"/lifecycle/projects/{project.pk}/").status_code == 403
    client.force_login(people["steering"])
    page = client.get(f"/lifecycle/projects/{project.pk}/respond/?as=steering_group")
    assert page.status_code == 200 and "plan a daily feeding routine" in page.content.decode()
    sent = client.post(f"/lifecycle/projects/{project.pk}/respond/?as=steering_group", {"response": "approve"})
    assert sent.status_code == 302
    assert client.get("/lifecycle/projects.json").json()["waiting_for_you"] == []
    client.force_login(people["panel"])  # the panel signs off the final NOS only: nothing waits now
    assert client.get("/lifecycle/projects.json").json()["waiting_for_you"] == []
