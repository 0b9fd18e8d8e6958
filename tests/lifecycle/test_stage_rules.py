"""The stage machine's rules, on plain facts (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as tz

import pytest

from noshub.lifecycle import rules as lc

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=tz.utc)
FILLED_A = {n: {f: "x" for f in lc.PART_A_FIELDS} for n in lc.NATIONS}


def facts(stage, **kw):
    return lc.ProjectFacts(stage=stage, now=NOW, **kw)


def all_respond(approval, response=lc.APPROVE, nations=lc.NATIONS):
    return {(approval, n): lc.Response(response) for n in nations}


def test_stages_run_in_the_documented_order():
    assert lc.STAGES == (
        "proposal",
        "part_b",
        "drafting",
        "consultation",
        "draft_approval",
        "final_approval",
        "welsh_approval",
        "published",
    )
    # withdrawal is never "the next stage": it is its own confirmed action (issue 19)
    assert [lc.next_stage(s) for s in lc.STAGES] == [*lc.STAGES[1:], None]
    assert lc.next_stage(lc.WITHDRAWN) is None and lc.next_stage(lc.ABANDONED) is None


@pytest.mark.parametrize("target", [lc.DRAFTING, lc.CONSULTATION, lc.PUBLISHED, lc.WITHDRAWN])
def test_a_stage_cannot_be_skipped_even_when_its_rules_are_met(target):
    ready = facts(lc.PROPOSAL, nation_fields=FILLED_A, responses=all_respond(lc.PART_A))
    assert lc.blockers(ready) == []
    with pytest.raises(lc.StageError, match="cannot be skipped"):
        lc.check_advance(ready, target)
    lc.check_advance(ready, lc.PART_B)


def test_proposal_needs_every_nations_part_a_and_response():
    f = facts(lc.PROPOSAL)
    reasons = lc.blockers(f)
    assert any("England – fill in Rationale, Employers/Organisations, Timescale" in r for r in reasons)
    assert sum("has not responded yet" in r for r in reasons) == 4


def test_a_rejection_blocks_until_the_nation_responds_again():
    responses = all_respond(lc.PART_A) | {(lc.PART_A, "scotland"): lc.Response(lc.REJECT, "No employer evidence")}
    reasons = lc.blockers(facts(lc.PROPOSAL, nation_fields=FILLED_A, responses=responses))
    assert reasons == ["Part A: Scotland rejected it; revise and ask Scotland to respond again."]


def test_a_nation_not_taking_part_need_not_fill_in_or_respond_later():
    responses = all_respond(lc.PART_A) | {(lc.PART_A, "northern_ireland"): lc.Response(lc.NOT_APPLICABLE)}
    fields = {n: v for n, v in FILLED_A.items() if n != "northern_ireland"}
    assert lc.blockers(facts(lc.PROPOSAL, nation_fields=fields, responses=responses)) == []
    later = responses | all_respond(lc.DRAFT, nations=("england", "scotland", "wales"))
    f = facts(lc.DRAFT_APPROVAL, responses=later, drafts=[lc.DraftFacts("ZZLIFE1")])
    assert lc.blockers(f) == []


def test_all_nations_not_applicable_is_not_an_approval():
    f = facts(lc.PROPOSAL, nation_fields=FILLED_A, responses=all_respond(lc.PART_A, lc.NOT_APPLICABLE))
    assert lc.blockers(f) == ["Part A: no nation has approved it."]


def test_drafting_needs_a_draft_without_quality_errors_and_a_future_closing_date():
    reasons = lc.blockers(facts(lc.DRAFTING))
    assert "The project has no draft NOS yet." in reasons and "Set the closing date of the consultation." in reasons
    f = facts(lc.DRAFTING, drafts=[lc.DraftFacts("ZZLIFE1", check_errors=2)], consultation_closes=NOW - timedelta(days=1))
    assert lc.blockers(f) == [
        "ZZLIFE1: fix the 2 quality check error(s) first.",
        "The consultation closing date must be in the future.",
    ]
    ok = facts(lc.DRAFTING, drafts=[lc.DraftFacts("ZZLIFE1")], consultation_closes=NOW + timedelta(days=30))
    assert lc.blockers(ok) == []


def test_consultation_moves_on_only_after_closing_with_every_comment_moderated_and_answered():
    open_ = facts(lc.CONSULTATION, consultation_closes=NOW + timedelta(days=1))
    assert lc.blockers(open_) == ["The consultation is still open; it can move on after its closing date."]
    closed = facts(
        lc.CONSULTATION, consultation_closes=NOW - timedelta(days=1), comments_pending_moderation=1, comments_without_response=2
    )
    assert len(lc.blockers(closed)) == 2
    assert lc.blockers(facts(lc.CONSULTATION, consultation_closes=NOW - timedelta(days=1))) == []


def test_welsh_approval_is_for_wales_alone_and_needs_welsh_text():
    responses = {(lc.WELSH, "wales"): lc.Response(lc.APPROVE)}
    f = facts(lc.WELSH_APPROVAL, responses=responses, drafts=[lc.DraftFacts("ZZLIFE1", has_welsh=False)])
    assert lc.blockers(f) == ["Welsh text (title, performance criteria, knowledge and understanding) is missing for: ZZLIFE1."]
    f.drafts = [lc.DraftFacts("ZZLIFE1", has_welsh=True)]
    assert lc.blockers(f) == []
    with pytest.raises(lc.StageError, match="England does not respond"):
        lc.check_response(lc.WELSH_APPROVAL, lc.WELSH, "england", lc.APPROVE, "")


def test_wales_may_say_a_welsh_version_is_not_applicable():
    f = facts(
        lc.WELSH_APPROVAL, responses={(lc.WELSH, "wales"): lc.Response(lc.NOT_APPLICABLE)}, drafts=[lc.DraftFacts("ZZLIFE1")]
    )
    assert lc.blockers(f) == ["Welsh NOS: no nation has approved it."]


def test_responses_only_to_the_open_approval_and_changes_need_feedback():
    with pytest.raises(lc.StageError, match="Final NOS is not open"):
        lc.check_response(lc.DRAFT_APPROVAL, lc.FINAL, "wales", lc.APPROVE, "")
    with pytest.raises(lc.StageError, match="feedback is required"):
        lc.check_response(lc.DRAFT_APPROVAL, lc.DRAFT, "wales", lc.APPROVE_WITH_CHANGES, " ")
    lc.check_response(lc.DRAFT_APPROVAL, lc.DRAFT, "wales", lc.APPROVE_WITH_CHANGES, "Shorten P3")


def test_only_later_stages_can_go_back_to_drafting():
    for stage in (lc.PROPOSAL, lc.PART_B, lc.DRAFTING, lc.PUBLISHED):
        with pytest.raises(lc.StageError):
            lc.check_send_back(stage)
    for stage in lc.SEND_BACK_STAGES:
        lc.check_send_back(stage)


# -- sign-offs beyond the nations (issue 19) ------------------------------------------------------


def test_sign_offs_hold_the_approvals_they_take_part_in_and_nothing_else():
    both = (lc.STEERING_GROUP, lc.PANEL)

    def facts(stage, **kw):
        return lc.ProjectFacts(stage=stage, now=NOW, drafts=[lc.DraftFacts(urn="ZZ1")], **kw)

    assert lc.open_approval(lc.DRAFTING, ()) is None
    assert lc.open_approval(lc.DRAFTING, both) == lc.FOR_CONSULTATION
    assert lc.responders(lc.FOR_CONSULTATION, both) == (lc.STEERING_GROUP,)
    assert lc.responders(lc.FINAL, both) == (*lc.NATIONS, lc.STEERING_GROUP, lc.PANEL)
    assert lc.responders(lc.DRAFT, both) == lc.NATIONS
    nations_approve = all_respond(lc.FINAL)
    held = facts(lc.FINAL_APPROVAL, responses=nations_approve, sign_offs=(lc.PANEL,))
    assert [r.code for r in lc.blockers(held)] == ["not_responded"]
    panel = {(lc.FINAL, lc.PANEL): lc.Response(lc.APPROVE_WITH_CHANGES, "Tighten K2")}
    assert lc.blockers(facts(lc.FINAL_APPROVAL, responses=nations_approve | panel, sign_offs=(lc.PANEL,))) == []
    stale = {(lc.FINAL, lc.PANEL): lc.Response(lc.APPROVE, stale=True)}
    assert [r.code for r in lc.blockers(facts(lc.FINAL_APPROVAL, responses=nations_approve | stale, sign_offs=(lc.PANEL,)))] == [
        "response_stale"
    ]
    rejected = {(lc.FINAL, lc.PANEL): lc.Response(lc.REJECT, "No")}
    reasons = lc.blockers(facts(lc.FINAL_APPROVAL, responses=nations_approve | rejected, sign_offs=(lc.PANEL,)))
    assert [str(r) for r in reasons] == ["Final NOS: Standards and Frameworks Panel rejected it; revise and ask Standards and Frameworks Panel to respond again."]


def test_a_sign_off_responds_only_to_its_own_approvals_and_never_not_applicable():
    both = (lc.STEERING_GROUP, lc.PANEL)
    lc.check_response(lc.DRAFTING, lc.FOR_CONSULTATION, lc.STEERING_GROUP, lc.APPROVE, "", both)
    with pytest.raises(lc.StageError, match="does not respond"):
        lc.check_response(lc.DRAFTING, lc.FOR_CONSULTATION, lc.PANEL, lc.APPROVE, "", both)
    with pytest.raises(lc.StageError, match="not open"):
        lc.check_response(lc.DRAFTING, lc.FOR_CONSULTATION, lc.STEERING_GROUP, lc.APPROVE, "", ())
    with pytest.raises(lc.StageError, match="not applicable"):
        lc.check_response(lc.FINAL_APPROVAL, lc.FINAL, lc.PANEL, lc.NOT_APPLICABLE, "", both)
    assert lc.FOR_CONSULTATION in lc.approvals_reset_by_send_back()
