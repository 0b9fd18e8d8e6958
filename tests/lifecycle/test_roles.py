"""The role matrix: each role can do what it should, through the pages, and nothing else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import permissions as perms
from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import AuditEntry, Comment, Project

from .conftest import PART_A, add_good_draft, comment, drive

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "developer", "other_developer", "reviewer_wales", "steering", "other_steering", "panel", "admin")

# action -> the roles allowed to do it; every other role must be refused.
MATRIX = {
    "view_project": {"developer", "reviewer_wales", "steering", "panel", "admin"},
    "create_project": {"developer", "other_developer", "admin"},  # each for its own organisation
    "edit_part_a": {"developer", "admin"},
    "add_draft": {"developer", "admin"},
    "respond_for_own_nation": {"reviewer_wales"},
    "advance": {"developer", "admin"},
    "moderate_comment": {"developer", "admin"},
    "decide_comment": {"developer", "admin"},
    "export_comments": {"developer", "admin"},
    "view_comments": {"developer", "reviewer_wales", "steering", "panel", "admin"},  # those who approve read comments
    "bulk_moderate_comments": {"developer", "admin"},
    "abandon_project": {"developer", "admin"},
    # withdrawal to legacy: the developer asks, an administrator approves (never their own request)
    "request_withdrawal": {"developer", "admin"},
    "approve_withdrawal": {"admin"},
    # the owner of a NOS (Lantra's developer, for LANACT3) consents to another organisation's project
    "consent_to_revision_of_own_nos": {"developer", "admin"},
    "view_audit_log": {"admin"},
    # sign-offs beyond the nations (the project has both; "steering" is named on it, "other_steering" is not)
    "set_sign_offs": {"developer", "admin"},
    "sign_off_for_steering_group": {"steering"},
    "sign_off_for_panel": {"panel"},
    "comment_on_open_consultation": set(ROLES),
    "read_open_consultation": set(ROLES),
    "read_review_list": set(ROLES),
}

# A sign-off's members may respond on the project, but no approval of theirs is open in Part A:
# refused by the stage rule (400), not by their role.
STAGE_REFUSED = {("respond_for_own_nation", "steering"), ("respond_for_own_nation", "panel")}


def _client(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


def _do(action, client, project, people):
    """Perform `action` over HTTP; returns the response."""
    pk = project.pk
    if action == "view_project":
        return client.get(f"/lifecycle/projects/{pk}/")
    if action == "create_project":
        return client.post("/lifecycle/projects/new/", {"title": "New one", "kind": "development", "description": ""})
    if action == "edit_part_a":
        return client.post(f"/lifecycle/projects/{pk}/nations/wales/", {"rationale": "Because", "timescale": "Soon"})
    if action == "add_draft":
        return client.post(f"/lifecycle/projects/{pk}/drafts/new/", {"urn": "ZZLIFE9", "title": "Groom working dogs"})
    if action == "respond_for_own_nation":
        return client.post(f"/lifecycle/projects/{pk}/respond/", {"response": "approve", "feedback": ""})
    if action == "advance":
        return client.post(f"/lifecycle/projects/{pk}/advance/", {"to_stage": lc.PART_B})
    if action == "abandon_project":
        return client.post(f"/lifecycle/projects/{pk}/abandon/", {"reason": "No longer needed"})
    if action in ("request_withdrawal", "approve_withdrawal"):
        Project.objects.filter(pk=pk).update(stage=lc.PUBLISHED)  # the rules are tested in test_issue19
        if action == "request_withdrawal":
            return client.post(f"/lifecycle/projects/{pk}/withdraw/", {"reason": "Out of date", "confirm": "on"})
        services.request_withdrawal(people["developer"], project, "Out of date", confirmed=True)
        return client.post(f"/lifecycle/projects/{pk}/withdrawal/approve/")
    if action == "consent_to_revision_of_own_nos":
        from noshub.catalogue.models import Organisation

        theirs = services.create_project(
            people["other_developer"],
            title="Their review",
            organisation=Organisation.objects.get(name="Skills for Care and Development"),
        )
        return client.post(f"/lifecycle/projects/{theirs.pk}/consent/", {"urn": "LANACT3", "note": "Agreed by email"})
    if action == "view_audit_log":
        return client.get("/lifecycle/audit/")
    if action == "set_sign_offs":
        return client.post(f"/lifecycle/projects/{pk}/edit/", {"title": project.title, "so-sign_offs": [lc.PANEL]})
    if action == "sign_off_for_steering_group":
        project = drive(project, people, lc.DRAFTING)
        add_good_draft(project, people)
        return client.post(f"/lifecycle/projects/{pk}/respond/?as={lc.STEERING_GROUP}", {"response": "approve"})
    if action == "sign_off_for_panel":
        project = drive(project, people, lc.FINAL_APPROVAL)
        return client.post(f"/lifecycle/projects/{pk}/respond/?as={lc.PANEL}", {"response": "approve"})
    if action == "read_review_list":
        return client.get("/lifecycle/reviews.json?within=0&developer=Lantra")
    # the rest need a project in consultation with a comment
    project = drive(project, people, lc.CONSULTATION)
    c = comment(project)
    if action == "moderate_comment":
        return client.post(f"/lifecycle/comments/{c.pk}/moderate/", {"outcome": "published"})
    if action == "decide_comment":
        services.moderate_comment(people["developer"], c, "published")
        return client.post(f"/lifecycle/comments/{c.pk}/decide/", {"decision": "noted", "response": "Thank you"})
    if action == "bulk_moderate_comments":
        return client.post(f"/lifecycle/projects/{pk}/comments/moderate/", {"ids": [c.pk], "outcome": "published"})
    if action == "export_comments":
        return client.get(f"/lifecycle/projects/{pk}/comments.csv")
    if action == "view_comments":
        return client.get(f"/lifecycle/projects/{pk}/comments/")
    if action == "comment_on_open_consultation":
        draft = project.drafts.get()
        return client.post(
            f"/lifecycle/projects/{pk}/consultation/",
            {"draft": draft.pk, "text": "Looks right", "item_ref": "K1"},
            REMOTE_ADDR="198.51.100.7",
        )
    if action == "read_open_consultation":
        return client.get(f"/lifecycle/projects/{pk}/consultation/")
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_matrix(action, role, client, people, project):
    services.set_sign_offs(people["developer"], project, [lc.STEERING_GROUP, lc.PANEL], ["steer"])
    before = AuditEntry.objects.count()
    response = _do(action, _client(client, people, role), project, people)
    if role in MATRIX[action]:
        assert response.status_code in (200, 302, 400), (action, role, response.status_code)
        if response.status_code == 400:
            assert action == "advance", "only a stage rule may stop an allowed action"
    elif (action, role) in STAGE_REFUSED:
        assert response.status_code == 400 and AuditEntry.objects.count() == before, (action, role, response.status_code)
    else:
        assert response.status_code == 403, (action, role, response.status_code)
        if action not in (
            "moderate_comment",
            "decide_comment",
            "export_comments",
            "view_comments",
            "bulk_moderate_comments",
            "consent_to_revision_of_own_nos",
            "approve_withdrawal",
            "sign_off_for_steering_group",
            "sign_off_for_panel",
        ):
            assert AuditEntry.objects.count() == before, "a refused action writes nothing"


def test_the_matrix_covers_every_action_in_the_permissions_table():
    assert set(perms._ALLOWED) == {
        perms.VIEW_PROJECT,
        perms.CREATE_PROJECT,
        perms.EDIT_PROJECT,
        perms.RESPOND,
        perms.MODERATE,
        perms.COMMENT,
        perms.VIEW_COMMENTS,
        perms.VIEW_AUDIT,
        perms.APPROVE_WITHDRAWAL,
    }


def test_a_reviewer_responds_for_their_own_nation_only(people, project):
    services.update_nation_part(people["developer"], project, "wales", **PART_A)
    with pytest.raises(PermissionDenied):
        services.respond(people["reviewer_wales"], project, "england", lc.APPROVE)
    services.respond(people["reviewer_wales"], project, "wales", lc.APPROVE)
    assert project.approvals.get().nation == "wales"


def test_a_developer_cannot_start_a_project_for_another_organisation(people, other_org):
    with pytest.raises(PermissionDenied):
        services.create_project(people["developer"], title="Not ours", organisation=other_org)


def test_a_developer_sees_only_their_organisations_projects(client, people, project, other_org):
    theirs = services.create_project(people["other_developer"], title="Social care review", organisation=other_org)
    client.force_login(people["developer"])
    listed = {p["id"] for p in client.get("/lifecycle/projects.json").json()["projects"]}
    assert project.pk in listed and theirs.pk not in listed
    client.force_login(people["reviewer_wales"])
    listed = {p["id"] for p in client.get("/lifecycle/projects.json").json()["projects"]}
    assert {project.pk, theirs.pk} <= listed


def test_moderation_hides_a_comment_until_published(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    c = comment(project, text="Add grooming to the scope.")
    page = client.get(f"/lifecycle/projects/{project.pk}/consultation/")
    assert "Add grooming to the scope." not in page.content.decode()
    services.moderate_comment(people["developer"], c, "published")
    page = client.get(f"/lifecycle/projects/{project.pk}/consultation/")
    assert "Add grooming to the scope." in page.content.decode()
    assert Comment.objects.get(pk=c.pk).moderated_by == people["developer"]


# -- ownership: who may revise a NOS (LANACT3 is Lantra's) -----------------------------------------


@pytest.mark.parametrize(
    ("who", "project_of", "consent", "allowed"),
    [
        ("developer", "own", False, True),  # Lantra's developer, Lantra's project
        ("admin", "own", False, True),
        ("other_developer", "other", False, False),  # another organisation's project: a takeover
        ("admin", "other", False, False),  # an administrator cannot bypass the owner either
        ("other_developer", "other", True, True),  # … unless the owner consented
    ],
)
def test_ownership_matrix(who, project_of, consent, allowed, people, project, other_org):
    if project_of == "other":
        project = services.create_project(people["other_developer"], title="Their review", organisation=other_org)
    if consent:
        services.give_consent(people["developer"], project, "LANACT3", "Agreed at the panel meeting")
    if allowed:
        draft = services.add_draft(people[who], project, from_urn="LANACT3")
        assert draft.standard.urn == "LANACT3"
    else:
        with pytest.raises(lc.StageError, match="LANACT3"):
            services.add_draft(people[who], project, from_urn="LANACT3")
        assert not project.drafts.exists()
