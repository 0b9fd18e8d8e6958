"""Issue 19: the lifecycle as its people run it. One test (or two) for each defect found when a
developer, the four nations' approvers, the public and governance staff walked the process end to
end: no dead ends, approvals tied to the text they approved, no takeovers, nothing lost on
publishing, no one-click withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import Approval

from .conftest import GOOD_DRAFT, NOW, PART_A, PART_B, WELSH, _user, add_good_draft, drive, fill_parts, respond_all

pytestmark = pytest.mark.django_db

TAKING_PART = ("england", "northern_ireland", "scotland")


def _owner_of(urn_key: str):
    from noshub.catalogue.models import Standard

    standard = Standard.objects.select_related("current__developed_by").get(urn_key=urn_key)
    return standard, standard.current.developed_by


def _set_organisation(user, organisation):
    p = user.lifecycle_profile
    p.organisation = organisation
    p.save()


# -- 1. no dead ends -----------------------------------------------------------------------------


def test_wales_not_applicable_at_part_a_does_not_block_the_welsh_approval(project, people):
    dev = people["developer"]
    fill_parts(project, people, PART_A)
    respond_all(project, people, nations=TAKING_PART)
    services.respond(people["reviewer_wales"], project, "wales", lc.NOT_APPLICABLE, "No Welsh employers.")
    project = services.advance(dev, project, now=NOW)
    fill_parts(project, people, PART_B)
    respond_all(project, people, nations=TAKING_PART)
    project = services.advance(dev, project, now=NOW)
    add_good_draft(project, people)
    services.update_project(dev, project, consultation_closes=NOW + timedelta(days=30))
    project = services.advance(dev, project, now=NOW)
    project = services.advance(dev, project, now=project.consultation_closes + timedelta(minutes=1))
    for _ in (lc.DRAFT_APPROVAL, lc.FINAL_APPROVAL):
        respond_all(project, people, nations=TAKING_PART)
        project = services.advance(dev, project, now=NOW)
    assert project.stage == lc.WELSH_APPROVAL
    assert services.project_dict(project, with_drafts=False)["blockers"] == []
    project = services.advance(dev, project, now=NOW)
    assert project.stage == lc.PUBLISHED


def test_an_in_progress_project_can_be_abandoned_with_a_reason_by_its_owner_only(project, people):
    project = drive(project, people, lc.DRAFTING)
    with pytest.raises(PermissionDenied):
        services.abandon(people["other_developer"], project, "Not ours to stop")
    with pytest.raises(PermissionDenied):
        services.abandon(people["reviewer_wales"], project, "Wales says stop")
    with pytest.raises(lc.StageError):
        services.abandon(people["developer"], project, "  ")
    project = services.abandon(people["developer"], project, "Employers no longer need it")
    assert project.stage == lc.ABANDONED
    with pytest.raises(lc.StageError):
        services.advance(people["developer"], project)
    with pytest.raises(lc.StageError):
        add_good_draft(project, people, urn="ZZLIFE7")


def test_a_draft_can_be_removed_from_its_page(client, project, people):
    project = drive(project, people, lc.DRAFTING)
    draft = add_good_draft(project, people)
    client.force_login(people["other_developer"])
    assert client.post(f"/lifecycle/drafts/{draft.pk}/remove/").status_code == 403
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/drafts/{draft.pk}/").content.decode()
    assert f"/lifecycle/drafts/{draft.pk}/remove/" in page
    response = client.post(f"/lifecycle/drafts/{draft.pk}/remove/")
    assert response.status_code == 302 and not project.drafts.exists()


# -- 2. approvals tied to the text -------------------------------------------------------------


def test_part_a_cannot_be_approved_before_it_is_written_and_a_change_resets_the_approvals(project, people):
    with pytest.raises(lc.StageError, match="nothing to approve"):
        services.respond(people["reviewer_scotland"], project, "scotland", lc.APPROVE)
    fill_parts(project, people, PART_A)
    respond_all(project, people)
    assert all(len(a.text_hash) == 64 for a in project.approvals.all())
    services.update_nation_part(people["developer"], project, "scotland", rationale="A new rationale.")
    with pytest.raises(lc.StageError, match="changed since"):
        services.advance(people["developer"], project, now=NOW)
    respond_all(project, people)
    assert services.advance(people["developer"], project, now=NOW).stage == lc.PART_B


def test_an_edit_after_a_rejection_needs_every_nation_again_and_the_rejection_is_kept(project, people):
    project = drive(project, people, lc.DRAFT_APPROVAL)
    respond_all(project, people, nations=("england", "northern_ireland", "wales"))
    services.respond(people["reviewer_scotland"], project, "scotland", lc.REJECT, "P4 is not right for Scotland")
    services.update_draft(
        people["developer"],
        project.drafts.get(),
        performance_criteria=[*GOOD_DRAFT["performance_criteria"][:3], {"ref": "P4", "text": "report signs of illness to a vet"}],
    )
    services.respond(people["reviewer_scotland"], project, "scotland", lc.APPROVE)
    with pytest.raises(lc.StageError, match="England: the text changed since"):
        services.advance(people["developer"], project, now=NOW)
    history = Approval.objects.filter(project=project, approval=lc.DRAFT, nation="scotland").order_by("id")
    assert [a.response for a in history] == [lc.REJECT, lc.APPROVE]
    assert [a.current for a in history] == [False, True]
    respond_all(project, people, nations=("england", "northern_ireland", "wales"))
    assert services.advance(people["developer"], project, now=NOW).stage == lc.FINAL_APPROVAL


def test_welsh_cannot_be_approved_before_the_welsh_text_exists_and_the_form_shows_the_text(client, project, people):
    project = drive(project, people, lc.FINAL_APPROVAL)
    client.force_login(people["reviewer_wales"])
    page = client.get(f"/lifecycle/projects/{project.pk}/respond/").content.decode()
    assert "check the health of each dog every day" in page  # the final NOS being approved
    respond_all(project, people)
    project = services.advance(people["developer"], project, now=NOW)
    with pytest.raises(lc.StageError, match="nothing to approve"):
        services.respond(people["reviewer_wales"], project, "wales", lc.APPROVE)
    services.update_draft(people["developer"], project.drafts.get(), **WELSH)
    page = client.get(f"/lifecycle/projects/{project.pk}/respond/").content.decode()
    assert "gwirio iechyd pob ci bob dydd" in page
    services.respond(people["reviewer_wales"], project, "wales", lc.APPROVE)


# -- 3. no takeovers -----------------------------------------------------------------------------


def test_another_organisations_nos_needs_its_owners_consent(django_user_model, project, people):
    standard, owner = _owner_of("COGESA13.6")
    assert owner.name == "Cogent"
    project = drive(project, people, lc.DRAFTING)
    with pytest.raises(lc.StageError, match="Cogent"):
        services.add_draft(people["developer"], project, from_urn="COGESA13.6", today=NOW.date())
    with pytest.raises(PermissionDenied):  # the project's own developer cannot consent for Cogent
        services.give_consent(people["developer"], project, "COGESA13.6", "We agree")
    cogent = _user(django_user_model, "cogentdev", "standards developer", organisation=owner)
    consent = services.give_consent(cogent, project, "COGESA13.6", "Agreed at the steering group, 3 March")
    assert consent.organisation == owner and consent.given_by == cogent
    draft = services.add_draft(people["developer"], project, from_urn="COGESA13.6", today=NOW.date())
    assert draft.standard == standard


def test_the_new_project_form_honours_the_organisation_and_offers_no_junk(client, people):
    from noshub.catalogue.models import Organisation
    from noshub.lifecycle.models import Project

    for name in ("x", "OPITO", "Opito", "Cogent"):  # as the catalogue has them (Opito: another spelling of OPITO)
        Organisation.objects.get_or_create(name=name)
    client.force_login(people["admin"])
    page = client.get("/lifecycle/projects/new/").content.decode()
    assert ">x</option>" not in page and ">Opito</option>" not in page and ">OPITO</option>" in page
    cogent = Organisation.objects.get(name="Cogent")
    assert (
        client.post(
            "/lifecycle/projects/new/", {"title": "Cogent review", "kind": "review", "organisation": cogent.pk}
        ).status_code
        == 302
    )
    assert Project.objects.get(title="Cogent review").organisation == cogent
    client.force_login(people["developer"])
    page = client.get("/lifecycle/projects/new/").content.decode()
    assert 'name="organisation"' not in page  # a developer's organisation is fixed: no choice offered
    assert "Lantra" in page


# -- 4. nothing lost on publishing -----------------------------------------------------------------


def test_publishing_a_revision_keeps_soc_2020_codes_status_original_urn_and_numbering(people):
    from noshub.catalogue.models import NosSocCode, SocCode

    standard, owner = _owner_of("CFAM_LAA1")
    old = standard.current
    for position, code in enumerate(("1139", "1135", "1259")):
        soc = SocCode.objects.get_or_create(classification="2020", code=code)[0]
        NosSocCode.objects.get_or_create(version=old, soc_code=soc, source="crosswalk", defaults={"position": position})
    _set_organisation(people["developer"], owner)
    project = services.create_project(people["developer"], title="Manage yourself", organisation=owner, kind="review")
    project = drive(project, people, lc.DRAFTING)
    draft = services.add_draft(people["developer"], project, from_urn="CFAM&LAA1", today=NOW.date())
    assert {(c["code"], c["classification"]) for c in draft.soc_codes} >= {("1139", "2020"), ("1135", "2020"), ("1259", "2020")}
    assert draft.status == "original" and draft.original_urn == "CFAM&LAA1"
    services.update_draft(
        people["developer"],
        draft,
        overview="<p>This standard is about managing yourself at work.</p>",
        performance_criteria=[{"ref": "P1", "text": "set yourself objectives that fit your role"}],
        knowledge_and_understanding=[{"ref": "K1", "text": "how to set objectives that fit your role"}],
    )
    project = drive(project, people, lc.PUBLISHED)
    standard.refresh_from_db()
    new = standard.current
    assert new.pk != old.pk
    links = set(new.nossoccode_set.filter(soc_code__classification="2020").values_list("soc_code__code", "source"))
    assert links == {("1139", "crosswalk"), ("1135", "crosswalk"), ("1259", "crosswalk")}
    assert new.status == "original" and new.original_urn == "CFAM&LAA1"
    assert new.category == old.category and set(new.suites.values_list("name", flat=True)) == set(
        old.suites.values_list("name", flat=True)
    )
    assert new.version_number == 2  # the catalogue's version is the first


def test_a_new_nos_is_published_with_a_status_and_soc_2020_suggestions_for_review(project, people):
    from noshub.catalogue.models import Standard

    project = drive(project, people, lc.PUBLISHED)
    current = Standard.objects.get(urn_key="ZZLIFE1").current
    assert current.status == "original" and current.version_number == 1
    suggested = current.nossoccode_set.filter(source="suggested", soc_code__classification="2020")
    assert suggested.exists() and all(s.confidence is not None for s in suggested)


def test_the_draft_form_has_soc_status_and_original_urn(client, project, people):
    project = drive(project, people, lc.DRAFTING)
    draft = add_good_draft(project, people)
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/drafts/{draft.pk}/edit/").content.decode()
    for name in ("soc_codes", "status", "original_urn"):
        assert f'name="{name}"' in page, name
    response = client.post(
        f"/lifecycle/drafts/{draft.pk}/edit/",
        {
            "urn": "ZZLIFE1",
            "title": GOOD_DRAFT["title"],
            "soc_codes": "SOC 2020 5119\n1139",
            "status": "tailored",
            "original_urn": "LANACT3",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.soc_codes == [{"code": "5119", "classification": "2020"}, {"code": "1139", "classification": "2020"}]
    assert draft.status == "tailored" and draft.original_urn == "LANACT3"


# -- 5. no one-click withdrawal --------------------------------------------------------------------


def test_withdrawal_needs_confirmation_a_reason_the_owners_right_and_an_administrators_approval(client, project, people):
    from noshub.catalogue.models import Standard
    from noshub.lifecycle.models import AuditEntry

    project = drive(project, people, lc.PUBLISHED)
    with pytest.raises(lc.StageError):
        services.advance(people["developer"], project, to_stage=lc.WITHDRAWN)
    client.force_login(people["developer"])
    assert client.post(f"/lifecycle/projects/{project.pk}/advance/", {"to_stage": lc.WITHDRAWN}).status_code == 400
    with pytest.raises(PermissionDenied):
        services.request_withdrawal(people["other_developer"], project, "Out of date", confirmed=True)
    with pytest.raises(lc.StageError):
        services.request_withdrawal(people["developer"], project, "", confirmed=True)
    with pytest.raises(lc.StageError):
        services.request_withdrawal(people["developer"], project, "Out of date", confirmed=False)
    page = client.get(f"/lifecycle/projects/{project.pk}/withdraw/")
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    response = client.post(f"/lifecycle/projects/{project.pk}/withdraw/", {"reason": "Replaced by ZZLIFE2", "confirm": "on"})
    assert response.status_code == 302
    # asked for, not done: the NOS stay current and the request shows to everyone who sees the project
    assert Standard.objects.get(urn_key="ZZLIFE1").current.validity == "current"
    project.refresh_from_db()
    assert project.stage == lc.PUBLISHED and project.withdrawal_requested_by == people["developer"]
    for who in ("developer", "reviewer_wales", "admin"):
        client.force_login(people[who])
        shown = client.get(f"/lifecycle/projects/{project.pk}/")
        assert "waiting for approval" in shown.content.decode(), who
        assert client.get(f"/lifecycle/projects/{project.pk}.json").json()["withdrawal_request"]["reason"] == "Replaced by ZZLIFE2"
    with pytest.raises(lc.StageError):  # asked once
        services.request_withdrawal(people["developer"], project, "Again", confirmed=True)
    # a developer (the requester) cannot approve: the role is checked in the service and on the page
    with pytest.raises(PermissionDenied):
        services.approve_withdrawal(people["developer"], project)
    client.force_login(people["developer"])
    assert client.post(f"/lifecycle/projects/{project.pk}/withdrawal/approve/").status_code == 403
    assert Standard.objects.get(urn_key="ZZLIFE1").current.validity == "current"
    # the administrator sees it waiting and approves: now the NOS become legacy, audited
    client.force_login(people["admin"])
    waiting = client.get("/lifecycle/projects.json").json()["withdrawals_waiting"]
    assert [w["id"] for w in waiting] == [project.pk] and waiting[0]["requested_by"] == "dev"
    assert "Approve the withdrawal to legacy" in client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    assert client.post(f"/lifecycle/projects/{project.pk}/withdrawal/approve/").status_code == 302
    assert Standard.objects.get(urn_key="ZZLIFE1").current.validity == "legacy"
    project.refresh_from_db()
    assert project.stage == lc.WITHDRAWN and project.closed_reason == "Replaced by ZZLIFE2"
    entry = AuditEntry.objects.filter(action="withdraw_project", project=project).get()
    assert entry.username == "ada" and "asked for by dev" in entry.summary
    assert client.get("/lifecycle/projects.json").json()["withdrawals_waiting"] == []


def test_a_withdrawal_is_never_approved_by_its_requester_and_a_refusal_keeps_the_nos_current(
    client, django_user_model, project, people
):
    from noshub.catalogue.models import Standard
    from noshub.lifecycle.models import AuditEntry

    from .conftest import _user

    second_admin = _user(django_user_model, "bea", "administrator")
    project = drive(project, people, lc.PUBLISHED)
    services.request_withdrawal(people["admin"], project, "Out of date", confirmed=True)
    with pytest.raises(lc.StageError, match="another administrator"):
        services.approve_withdrawal(people["admin"], project)
    with pytest.raises(lc.StageError, match="another administrator"):
        services.refuse_withdrawal(people["admin"], project, "Changed my mind")
    client.force_login(people["admin"])
    assert client.post(f"/lifecycle/projects/{project.pk}/withdrawal/approve/").status_code == 400
    assert client.get("/lifecycle/projects.json").json()["withdrawals_waiting"] == []  # not their own request
    assert "Approve the withdrawal to legacy" not in client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    # another administrator refuses, with a reason: the request closes, the NOS stay current
    client.force_login(second_admin)
    assert client.post(f"/lifecycle/projects/{project.pk}/withdrawal/refuse/", {"reason": " "}).status_code in (200, 400)
    project.refresh_from_db()
    assert project.withdrawal_pending
    response = client.post(f"/lifecycle/projects/{project.pk}/withdrawal/refuse/", {"reason": "Still used by employers"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == lc.PUBLISHED and not project.withdrawal_pending
    assert Standard.objects.get(urn_key="ZZLIFE1").current.validity == "current"
    entry = AuditEntry.objects.filter(action="refuse_withdrawal", project=project).get()
    assert entry.username == "bea" and entry.before["withdrawal_requested_by"] == "ada"
    assert entry.after["refusal_reason"] == "Still used by employers"
    assert "waiting for approval" not in client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    with pytest.raises(lc.StageError, match="No withdrawal"):
        services.approve_withdrawal(second_admin, project)


# -- 6. consultation ---------------------------------------------------------------------------------


def _full_set(draft, prefix="On"):
    items = {
        f"comment_{i['ref']}": f"{prefix} {i['ref']}: fine."
        for i in (*draft.performance_criteria, *draft.knowledge_and_understanding)
    }
    return {"draft": draft.pk, "text": f"{prefix} the whole NOS.", **items}


def test_a_person_sends_a_full_set_of_comments_at_once_and_a_refusal_keeps_the_typed_text(client, project, people):
    from noshub.lifecycle.models import Comment

    project = drive(project, people, lc.CONSULTATION)
    draft = project.drafts.get()
    url = f"/lifecycle/projects/{project.pk}/consultation/"
    assert client.post(url, _full_set(draft), REMOTE_ADDR="198.51.100.5").status_code == 200
    sent = Comment.objects.filter(project=project)
    assert sent.count() == 9 and len(set(sent.values_list("submission", flat=True))) == 1
    assert set(sent.values_list("item_ref", flat=True)) == {"", "P1", "P2", "P3", "P4", "K1", "K2", "K3", "K4"}
    for n in range(services.COMMENT_RATE_LIMIT - 1):
        assert client.post(url, _full_set(draft, f"Again {n}"), REMOTE_ADDR="198.51.100.5").status_code == 200
    refused = client.post(url, _full_set(draft, "Typed"), REMOTE_ADDR="198.51.100.5")
    assert refused.status_code == 429
    assert "Typed K3: fine." in refused.content.decode()  # nothing typed is lost
    client.force_login(people["reviewer_wales"])  # a signed-in reviewer is not held back by the shared address
    assert client.post(url, _full_set(draft, "Wales"), REMOTE_ADDR="198.51.100.5").status_code == 200


def test_comments_stay_on_the_consulted_statement_when_the_draft_changes(project, people):
    from .conftest import comment

    project = drive(project, people, lc.CONSULTATION)
    draft = project.drafts.get()
    comment(project, text="How often?", item_ref="P2")
    services.update_draft(
        people["developer"],
        draft,
        performance_criteria=[
            {"ref": "P1", "text": "groom each dog every week"},
            *[{"ref": f"P{n + 2}", "text": i["text"]} for n, i in enumerate(GOOD_DRAFT["performance_criteria"])],
        ],
    )
    groups = {(g["item_ref"]): g for g in services.comments_by_item(project)}
    assert groups["P2"]["item_text"] == "plan a daily feeding routine for each dog"
    assert [c.text for c in groups["P2"]["comments"]] == ["How often?"]
    assert services.consulted_items(draft)["P1"] == "check the health of each dog every day"


def test_reviewers_read_comments_and_developers_moderate_many_at_once(client, project, people):
    from .conftest import comment

    project = drive(project, people, lc.CONSULTATION)
    a, b = comment(project, ip="192.0.2.8"), comment(project, text="Another", ip="192.0.2.9")
    client.force_login(people["reviewer_wales"])
    assert client.get(f"/lifecycle/projects/{project.pk}/comments/").status_code == 200
    assert (
        client.post(f"/lifecycle/projects/{project.pk}/comments/moderate/", {"ids": [a.pk], "outcome": "published"}).status_code
        == 403
    )
    client.force_login(people["developer"])
    response = client.post(f"/lifecycle/projects/{project.pk}/comments/moderate/", {"ids": [a.pk, b.pk], "outcome": "published"})
    assert response.status_code == 302
    assert set(project.comments.values_list("moderation", flat=True)) == {"published"}


# -- 7. quality checks ----------------------------------------------------------------------------


def test_a_truncated_statement_is_an_error(project, people):
    project = drive(project, people, lc.DRAFTING)
    draft = add_good_draft(project, people)
    ks = GOOD_DRAFT["knowledge_and_understanding"]
    for cut, severity in (
        ("diffe", "error"),
        ("the signs of good health and", "error"),
        ("the signs of good health in", "warning"),  # may end a statement ("the flock you work in"), or be cut
        ("the differences between breeds of diffe", "warning"),  # cut mid-word: "diffe" begins known words
    ):
        services.update_draft(people["developer"], draft, knowledge_and_understanding=[{"ref": "K1", "text": cut}, *ks[1:]])
        found = [f for f in services.check_draft(draft, NOW.date()).findings if f.check == "statement_truncated"]
        assert [(f.ref, f.severity) for f in found] == [("K1", severity)], cut
    services.update_draft(people["developer"], draft, knowledge_and_understanding=ks)
    assert not [f for f in services.check_draft(draft, NOW.date()).findings if f.check == "statement_truncated"]


def test_welsh_is_checked_for_completeness_against_the_english(project, people):
    project = drive(project, people, lc.WELSH_APPROVAL)
    draft = project.drafts.get()
    services.update_draft(
        people["developer"],
        draft,
        title_cy="Cynllunio gofal dyddiol cŵn defaid gwaith",
        performance_criteria_cy=[{"ref": "P1", "text": "TODO cyfieithu"}],
        knowledge_and_understanding_cy=[{"ref": "K1", "text": "arwyddion iechyd da mewn cŵn gwaith"}],
    )
    blockers = " ".join(services.project_dict(project, with_drafts=False)["blockers"])
    assert "1 statement(s) against 4" in blockers and "TODO cyfieithu" in blockers
    services.update_draft(people["developer"], draft, **WELSH)
    respond_all(project, people, nations=("wales",))
    assert services.project_dict(project, with_drafts=False)["blockers"] == []


def test_publishing_over_an_already_covered_duplicate_needs_a_recorded_justification(monkeypatch, project, people):
    from noshub.lifecycle import draft_checks
    from noshub.lifecycle.services import checking

    project = drive(project, people, lc.WELSH_APPROVAL)
    hit = draft_checks.SimilarStandard(urn="LANACT3", title="Offer Reiki to animals", slug="LANACT3", score=1.0)
    monkeypatch.setattr(checking, "similar_standards", lambda doc, exclude_slug="": ([hit], "already covered"))
    services.update_draft(people["developer"], project.drafts.get(), **WELSH)
    respond_all(project, people, nations=("wales",))
    with pytest.raises(lc.StageError, match="record why this NOS is still needed"):
        services.advance(people["developer"], project, now=NOW)
    services.justify_duplicate(people["developer"], project.drafts.get(), "LANACT3 covers Reiki only; this covers daily care.")
    assert services.advance(people["developer"], project, now=NOW).stage == lc.PUBLISHED


# -- 8. records ---------------------------------------------------------------------------------------


def test_the_diff_is_linked_from_the_project_and_shows_lists_and_welsh_as_text(client, people):
    from noshub.catalogue.models import Standard

    project = services.create_project(
        people["developer"], title="Review of LANACT3", organisation=_owner_of("LANACT3")[1], kind="review"
    )
    project = drive(project, people, lc.DRAFTING)
    draft = services.add_draft(people["developer"], project, from_urn="LANACT3", today=NOW.date())
    old = Standard.objects.get(urn_key="LANACT3").current
    services.update_draft(
        people["developer"],
        draft,
        overview="<p>This standard covers offering Reiki to animals.</p>",
        performance_criteria=[{"ref": "P1", "text": "offer Reiki to the animal in line with the law"}],
        knowledge_and_understanding=[{"ref": "K1", "text": "the Reiki Council Code of Conduct"}],
        keywords=["reiki", "animals"],
    )
    project = drive(project, people, lc.PUBLISHED)
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    new = Standard.objects.get(urn_key="LANACT3").current
    link = f"/lifecycle/nos/{new.standard.slug}/diff/?from={old.sequence}&amp;to={new.sequence}"
    assert link in page
    diff = client.get(link.replace("&amp;", "&")).content.decode()
    assert "[&#x27;" not in diff and "['" not in diff  # no Python lists
    assert "animals; Reiki" in diff  # the keywords as text (the catalogue keeps its spelling of "Reiki")
    assert "The Welsh text changed." not in diff and "gwirio iechyd pob ci bob dydd" in diff


def test_the_audit_log_is_readable_filtered_and_paged(client, project, people):
    from noshub.lifecycle.models import AuditEntry

    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action="update_project",
                object_type="Project",
                summary=f"Changed {i}",
                username="bulk",
                before={"title": "a"},
                after={"title": f"b{i}"},
            )
            for i in range(520)
        ]
    )
    client.force_login(people["admin"])
    data = client.get("/lifecycle/audit.json?user=bulk").json()
    assert data["total"] == 520 and data["pages"] == 6 and len(data["entries"]) == 100
    assert client.get("/lifecycle/audit.json?user=bulk&page=6").json()["entries"][-1]["summary"] == "Changed 0"
    assert client.get("/lifecycle/audit.json?action=create_project").json()["total"] == 1
    page = client.get("/lifecycle/audit/?user=bulk").content.decode()
    assert "{&#x27;" not in page and "<del>a</del>" in page


def test_a_refusal_uses_the_styled_error_page_and_the_site_links_to_the_lifecycle(client, people):
    client.force_login(people["developer"])
    refused = client.get("/lifecycle/audit/")
    assert refused.status_code == 403 and "govuk-template" in refused.content.decode()
    assert 'href="/lifecycle/"' in client.get("/").content.decode()
    assert "/lifecycle/reviews/" in client.get("/nos/LANACT3/").content.decode()


# -- closer to the real process -------------------------------------------------------------------


def test_each_nation_sees_what_waits_for_it_and_the_consultation_shows_who_responded(client, project, people):
    from .conftest import comment

    fill_parts(project, people, PART_A)
    respond_all(project, people, nations=("england",))
    client.force_login(people["reviewer_scotland"])
    assert [p["id"] for p in client.get("/lifecycle/projects.json").json()["waiting_for_you"]] == [project.pk]
    client.force_login(people["reviewer_england"])
    assert client.get("/lifecycle/projects.json").json()["waiting_for_you"] == []
    respond_all(project, people, nations=("northern_ireland", "scotland", "wales"))
    project = drive(project, people, lc.CONSULTATION)
    comment(project, ip="192.0.2.30", respondent_nation="wales", sector="Agriculture", organisation_size="micro")
    comment(project, ip="192.0.2.31", respondent_nation="wales")
    coverage = services.consultation_coverage(project)
    assert coverage["submissions"] == 2 and coverage["by_nation"] == {"wales": 2}
    assert coverage["nations_without_response"] == ["england", "northern_ireland", "scotland"]
