"""Projects through their stages in the database: rules, publishing, history, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import AuditEntry

from .conftest import NOW, PART_A, WELSH, add_good_draft, drive, fill_parts, respond_all

pytestmark = pytest.mark.django_db


def test_a_new_project_starts_at_the_proposal_with_a_part_for_each_nation(project):
    assert project.stage == lc.PROPOSAL
    assert sorted(project.nation_parts.values_list("nation", flat=True)) == sorted(lc.NATIONS)


def test_the_proposal_cannot_move_on_without_part_a_and_four_responses(project, people):
    with pytest.raises(lc.StageError) as err:
        services.advance(people["developer"], project)
    assert len(err.value.reasons) == 8  # four nations' Part A, four responses
    fill_parts(project, people, PART_A)
    respond_all(project, people, nations=("england", "scotland", "wales"))
    with pytest.raises(lc.StageError, match="Northern Ireland has not responded"):
        services.advance(people["developer"], project)
    respond_all(project, people, nations=("northern_ireland",))
    assert services.advance(people["developer"], project).stage == lc.PART_B


def test_a_stage_cannot_be_skipped(project, people):
    fill_parts(project, people, PART_A)
    respond_all(project, people)
    with pytest.raises(lc.StageError, match="cannot be skipped"):
        services.advance(people["developer"], project, to_stage=lc.DRAFTING)
    with pytest.raises(lc.StageError, match="cannot be skipped"):
        services.advance(people["admin"], project, to_stage=lc.PUBLISHED)
    project.refresh_from_db()
    assert project.stage == lc.PROPOSAL


def test_part_a_is_frozen_after_the_proposal(project, people):
    drive(project, people, lc.PART_B)
    with pytest.raises(lc.StageError, match="Part A can only be changed"):
        services.update_nation_part(people["developer"], project, "wales", rationale="late change")


def test_a_draft_with_quality_errors_cannot_go_to_consultation(project, people):
    project = drive(project, people, lc.DRAFTING)
    draft = add_good_draft(project, people)
    services.update_draft(people["developer"], draft, performance_criteria=[{"ref": "P1", "text": "understand dogs"}])
    services.update_project(people["developer"], project, consultation_closes=NOW + timedelta(days=30))
    with pytest.raises(lc.StageError, match="ZZLIFE1: fix the 1 quality check error"):
        services.advance(people["developer"], project, now=NOW)


def test_a_rejection_then_send_back_restarts_the_later_approvals(project, people):
    project = drive(project, people, lc.DRAFT_APPROVAL)
    respond_all(project, people, nations=("england", "northern_ireland", "wales"))
    services.respond(people["reviewer_scotland"], project, "scotland", lc.REJECT, "P4 is not right for Scotland")
    with pytest.raises(lc.StageError, match="Scotland rejected it"):
        services.advance(people["developer"], project, now=NOW + timedelta(days=31))
    services.send_back(people["developer"], project, "Scotland asked for changes to P4")
    project.refresh_from_db()
    assert project.stage == lc.DRAFTING
    assert not project.approvals.filter(approval=lc.DRAFT, current=True).exists()
    assert project.approvals.filter(approval=lc.DRAFT).count() == 4  # kept as history (issue 19)
    assert project.approvals.filter(approval=lc.PART_A, current=True).count() == 4  # earlier approvals stand
    entry = AuditEntry.objects.filter(action="send_back").get()
    assert entry.before["responses"][3]["response"] == "reject" or any(
        r["response"] == "reject" for r in entry.before["responses"]
    )


def test_publishing_a_new_nos_makes_it_current_with_version_number_approval_and_review_dates(project, people):
    from noshub.catalogue.models import Standard
    from noshub.catalogue.services import standard_detail

    project = drive(project, people, lc.PUBLISHED)
    standard = Standard.objects.get(urn_key="ZZLIFE1")
    current = standard.current
    assert current.source_kind == "edit" and current.validity == "current"
    assert current.version_number == 1
    assert current.date_approved == project.final_approved_on
    assert current.indicative_review_date == NOW.date().replace(year=NOW.year + 3)
    assert current.title_cy.startswith("Cynllunio")
    assert [p["ref"] for p in current.performance_criteria] == ["P1", "P2", "P3", "P4"]
    assert current.developed_by.name == "Lantra"
    assert standard_detail(standard)["current"]["suites"] == ["Lifecycle test suite"]
    assert project.drafts.get().published_version == current


def test_a_review_publishes_a_new_version_of_a_real_nos_and_keeps_the_old_in_history(people, org):
    from noshub.catalogue.models import Standard
    from noshub.catalogue.services import standard_detail

    standard = Standard.objects.get(urn_key="LANACT3")
    old = standard.current
    assert old.performance_criteria, "LANACT3 has text from the finder pages"
    project = services.create_project(people["developer"], title="Review of animal therapies", organisation=org, kind="review")
    project = drive(project, people, lc.DRAFTING)
    draft = services.add_draft(people["developer"], project, from_urn="lanact3", today=NOW.date())
    assert draft.base_version == old and draft.urn == old.urn and draft.performance_criteria == old.performance_criteria
    # Fix whatever the quality checks find in the real text, then change one criterion.
    pcs = [
        {"ref": f"P{i}", "text": t}
        for i, t in enumerate(
            ["offer Reiki to the animal in line with the law", "check the animal is calm", "record each session"], 1
        )
    ]
    ks = [{"ref": "K1", "text": "the Reiki Council Code of Conduct"}, {"ref": "K2", "text": "how animals show stress"}]
    services.update_draft(
        people["developer"],
        draft,
        performance_criteria=pcs,
        knowledge_and_understanding=ks,
        overview="<p>This standard covers offering Reiki to animals.</p>",
    )
    report = services.check_draft(draft, NOW.date())
    assert report.errors == [], [f.message for f in report.errors]
    project = drive(project, people, lc.PUBLISHED)
    standard.refresh_from_db()
    new = standard.current
    assert new.pk != old.pk and new.sequence > old.sequence and new.source_kind == "edit"
    assert new.version_number == (old.version_number or 1) + 1  # the catalogue's is version 1 (issue 19)
    assert [p["text"] for p in new.performance_criteria][1] == "check the animal is calm"
    history = standard_detail(standard)["history"]
    assert [h["sequence"] for h in history if h["is_current"]] == [new.sequence]
    assert old.sequence in [h["sequence"] for h in history]
    diff = services.version_diff(standard.slug, old.sequence, new.sequence)
    assert diff["diff"]["summary"]["performance_criteria"]["added"] >= 1


def test_withdrawal_makes_a_legacy_version_current(project, people):
    from noshub.catalogue.models import Standard

    project = drive(project, people, lc.PUBLISHED)
    published = Standard.objects.get(urn_key="ZZLIFE1").current
    project = services.request_withdrawal(people["developer"], project, "Replaced", confirmed=True, now=NOW + timedelta(days=59))
    assert Standard.objects.get(urn_key="ZZLIFE1").current == published  # asked for: still current
    project = services.approve_withdrawal(people["admin"], project, now=NOW + timedelta(days=60))
    standard = Standard.objects.get(urn_key="ZZLIFE1")
    assert standard.current.validity == "legacy" and standard.current.sequence == published.sequence + 1
    assert standard.versions.count() == 2
    assert AuditEntry.objects.filter(action="withdraw", project=project).exists()


def test_every_change_is_in_the_audit_log_with_who_before_and_after(project, people):
    project = drive(project, people, lc.DRAFTING)
    draft = add_good_draft(project, people)
    services.update_draft(people["developer"], draft, title="Plan the care of working sheepdogs")
    entry = AuditEntry.objects.filter(action="update_draft").latest("id")
    assert entry.username == "dev" and entry.project == project
    assert entry.before == {"title": "Plan the daily care of working sheepdogs"}
    assert entry.after == {"title": "Plan the care of working sheepdogs"}
    actions = set(AuditEntry.objects.filter(project=project).values_list("action", flat=True))
    assert {"create_project", "update_nation_part", "respond", "advance", "add_draft", "update_draft"} <= actions
    responses = AuditEntry.objects.filter(project=project, action="respond")
    assert responses.count() == 8 and all(e.after["response"] == "approve" for e in responses)


def test_drafts_are_frozen_for_final_approval_but_welsh_text_may_still_change(project, people):
    project = drive(project, people, lc.FINAL_APPROVAL)
    draft = project.drafts.get()
    with pytest.raises(lc.StageError, match="Drafts cannot be changed"):
        services.update_draft(people["developer"], draft, title="Another title")
    services.update_draft(people["developer"], draft, **WELSH)


def test_a_role_check_comes_before_any_write(project, people):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.advance(people["other_developer"], project)
    with pytest.raises(PermissionDenied):
        services.respond(people["admin"], project, "wales", lc.APPROVE)
    assert AuditEntry.objects.count() == before
