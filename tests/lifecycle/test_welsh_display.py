"""The lifecycle in Welsh: labels and the rules' English messages are translated on pages only;
stored values, the JSON twins and English pages stay as they were."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from django.utils import translation

from noshub.core.model import SECTION_LABELS, NosDocument, Statement
from noshub.lifecycle import display, draft_checks
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .conftest import add_good_draft

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_display_labels_are_the_rules_own_english_labels():
    assert display.NATION_LABELS == lc.NATION_LABELS
    assert display.STAGE_LABELS == lc.STAGE_LABELS
    assert display.APPROVAL_LABELS == lc.APPROVAL_LABELS
    assert display.RESPONSE_LABELS == lc.RESPONSE_LABELS
    assert display.PART_A_FIELDS == lc.PART_A_FIELDS and display.PART_B_FIELDS == lc.PART_B_FIELDS
    assert all(display.FIELD_LABELS[k] == en for k, (en, _cy) in SECTION_LABELS.items())


def _rule_messages() -> list[str]:
    out = []
    for stage in (*lc.STAGES, lc.WITHDRAWN):
        facts = lc.ProjectFacts(
            stage=stage,
            now=NOW,
            drafts=[lc.DraftFacts("ZZCY1", check_errors=2)],
            comments_pending_moderation=3,
            comments_without_response=1,
            responses={("part_a", "wales"): lc.Response(lc.REJECT)},
        )
        out += lc.blockers(facts)
    out += lc.blockers(lc.ProjectFacts(stage=lc.DRAFTING, now=NOW, consultation_closes=NOW))
    for check in (
        lambda: lc.check_advance(lc.ProjectFacts(stage=lc.PROPOSAL, now=NOW), lc.DRAFTING),
        lambda: lc.check_send_back(lc.PROPOSAL),
        lambda: lc.check_response(lc.DRAFTING, lc.WELSH, "england", "maybe", ""),
    ):
        with pytest.raises(lc.StageError) as exc:
            check()
        out += exc.value.reasons
    doc = NosDocument(
        urn="bad urn",
        title="",
        performance_criteria=(Statement("P1", "know the rules"), Statement("P2", "the rules"), Statement("P3", "know the rules")),
        knowledge_and_understanding=(Statement("K1", "understand how"), Statement("K2", "check the list")),
    )
    report = draft_checks.check(doc, today=date(2026, 1, 1), similar=lambda d: ([draft_checks.SimilarStandard("AB1", "Thing")], Reason("search_same_title")))
    return out + [f.message for f in report.findings] + [report.duplicate_search]


def test_every_rule_message_reads_the_same_in_english_and_is_translated_in_welsh():
    messages = _rule_messages()
    assert len(messages) > 30
    with translation.override("en"):
        assert [display.message(m) for m in messages] == messages
    with translation.override("cy"):
        welsh = [display.message(m) for m in messages]
    assert [m for m, w in zip(messages, welsh, strict=True) if m == w] == []
    assert "Rhan A: nid yw Lloegr wedi ymateb eto." in welsh
    assert display.message("Some text no rule writes") == "Some text no rule writes"


@pytest.mark.django_db
def test_welsh_project_page_translates_labels_but_the_json_twin_stays_english(client, people, project):
    add_good_draft(project, people)
    client.force_login(people["developer"])
    before = client.get(f"/lifecycle/projects/{project.pk}.json").json()
    english = client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    assert "Part A: England – fill in Rationale" in english and "Created project “Working sheepdogs”" in english
    client.cookies["django_language"] = "cy"
    html = client.get(f"/lifecycle/projects/{project.pk}/").content.decode()
    for welsh in ("Cynnig (Rhan A)", "Rhan A: Lloegr – rhaid llenwi’r meysydd hyn: Rhesymeg", "Wedi creu’r prosiect", "RCU"):
        assert welsh in html, welsh
    for english_word in ("Proposal (Part A)", "has not responded yet", ">URN<", "Created project"):
        assert english_word not in html, english_word
    after = client.get(f"/lifecycle/projects/{project.pk}.json").json()
    assert after == before
    assert after["stage_label"] == "Proposal (Part A)" and after["blockers"][0].startswith("Part A: England")
