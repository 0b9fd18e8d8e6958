"""Draft checks, readability and version differences (no database)."""

from __future__ import annotations

import dataclasses
from datetime import date

from noshub.core.model import NosDocument, Statement
from noshub.lifecycle import draft_checks
from noshub.lifecycle.readability import flesch_reading_ease, syllables
from noshub.lifecycle.versiondiff import diff_documents

TODAY = date(2026, 11, 24)


def doc(**kw) -> NosDocument:
    base = dict(
        urn="ZZLIFE1",
        title="Plan the daily care of working sheepdogs",
        overview="<p>This standard is about planning the care of working dogs.</p>",
        performance_criteria=(
            Statement("P1", "check the health of each dog every day"),
            Statement("P2", "record the treatments you give"),
        ),
        knowledge_and_understanding=(
            Statement("K1", "the signs of good health in dogs"),
            Statement("K2", "how to plan a feeding routine"),
        ),
        indicative_review_date=date(2029, 11, 24),
    )
    return NosDocument(**(base | kw))


def checks(report, severity=None):
    return [(f.check, f.ref) for f in report.findings if severity is None or f.severity == severity]


def test_a_good_draft_has_no_findings():
    report = draft_checks.check(doc(), today=TODAY)
    assert report.findings == []
    assert set(report.readability) == {"overview", "performance_criteria", "knowledge_and_understanding"}


def test_missing_required_sections_are_errors_with_a_message_each():
    report = draft_checks.check(doc(overview="", performance_criteria=(), knowledge_and_understanding=()), today=TODAY)
    assert checks(report, draft_checks.ERROR) == [("required_section", "")] * 3
    assert all(f.message for f in report.findings)


def test_performance_criteria_start_with_an_observable_action():
    pcs = (
        Statement("P1", "the health of each dog"),  # no verb
        Statement("P2", "understand the feeding needs of dogs"),  # not observable
        Statement("P3", "safely remove ticks from the dog"),  # adverb then verb: fine
        Statement("P4", "wrangle the dog gently"),  # unknown verb: a warning only
        Statement("P5", "checking the kennels"),  # -ing form
    )
    report = draft_checks.check(doc(performance_criteria=pcs), today=TODAY)
    assert checks(report, draft_checks.ERROR) == [("pc_action_verb", "P1"), ("pc_not_observable", "P2"), ("pc_action_verb", "P5")]
    assert checks(report, draft_checks.WARNING) == [("pc_action_verb", "P4")]
    assert "“the”" in report.findings[0].message and "action verb" in report.findings[0].message


def test_a_criterion_with_two_actions_is_flagged():
    report = draft_checks.check(doc(performance_criteria=(Statement("P1", "check the equipment and report any faults"),)), today=TODAY)
    assert checks(report) == [("pc_one_action", "P1")]


def test_knowledge_items_are_things_to_know():
    ks = (
        Statement("K1", "know the signs of illness"),
        Statement("K2", "check the kennels daily"),
        Statement("K3", "why dogs need rest"),
    )
    report = draft_checks.check(doc(knowledge_and_understanding=ks), today=TODAY)
    assert checks(report, draft_checks.ERROR) == [("knowledge_item_form", "K1")]
    assert checks(report, draft_checks.WARNING) == [("knowledge_item_form", "K2")]


def test_duplicated_statements_are_errors():
    pcs = (Statement("P1", "check the health of each dog"), Statement("P2", "Check the health of each dog."))
    report = draft_checks.check(doc(performance_criteria=pcs), today=TODAY)
    assert checks(report, draft_checks.ERROR) == [("duplicate_statement", "P2")]
    assert "P2 repeats P1" in report.findings[0].message


def test_hard_reading_is_a_warning_with_its_score():
    hard = (
        "<p>Notwithstanding organisational considerations, practitioners' implementation of comprehensive "
        "multidisciplinary interventions necessitates sophisticated interprofessional communication, documentation "
        "and accountability arrangements consistently operationalised.</p>"
    )
    report = draft_checks.check(doc(overview=hard), today=TODAY)
    assert checks(report) == [("readability", "")]
    assert report.readability["overview"]["score"] < 30
    assert report.readability["overview"]["band"] == "very difficult"


def test_flesch_reading_ease_matches_known_values():
    assert syllables("cat") == 1 and syllables("table") == 2 and syllables("organisation") == 5 and syllables("checked") == 1
    # "The cat sat on the mat." : 6 words, 1 sentence, 6 syllables -> 206.835 - 6.09 - 84.6 = 116.1
    assert flesch_reading_ease("The cat sat on the mat.") == 116.1
    assert flesch_reading_ease("") is None


def test_urn_format_and_review_date():
    assert checks(draft_checks.check(doc(urn="zz life 1"), today=TODAY)) == [("urn_format", "")]
    assert checks(draft_checks.check(doc(urn="ZZLIFE"), today=TODAY)) == [("urn_format", "")]
    assert draft_checks.check(doc(urn="CFAM&LBB4"), today=TODAY).findings == []
    assert checks(draft_checks.check(doc(indicative_review_date=None), today=TODAY)) == [("review_date", "")]
    assert checks(draft_checks.check(doc(indicative_review_date=date(2020, 1, 1)), today=TODAY), draft_checks.ERROR) == [
        ("review_date", "")
    ]
    assert checks(draft_checks.check(doc(indicative_review_date=date(2035, 1, 1)), today=TODAY), draft_checks.WARNING) == [
        ("review_date", "")
    ]


def test_possible_duplicates_come_from_the_search_given():
    def search(d):
        return [draft_checks.SimilarStandard("LANACT3", "Offer Reiki to animals", "LANACT3")], "test search"

    report = draft_checks.check(doc(), today=TODAY, similar=search)
    assert checks(report) == [("possible_duplicate", "")]
    assert report.duplicate_search == "test search" and "LANACT3" in report.findings[0].message


def test_diff_reports_criteria_added_removed_and_changed_not_renumbered():
    old = doc()
    new = dataclasses.replace(
        old,
        title="Plan the care of working sheepdogs",
        performance_criteria=(
            Statement("P1", "record every treatment you give"),  # changed (was P2)
            Statement("P2", "check the health of each dog every day"),  # unchanged, renumbered
            Statement("P3", "groom each dog every week"),  # added
        ),
        knowledge_and_understanding=(Statement("K1", "the signs of good health in dogs"),),  # K2 removed
    )
    d = diff_documents(old, new)
    pcs = d["statements"]["performance_criteria"]
    assert pcs["added"] == [{"ref": "P3", "text": "groom each dog every week"}]
    assert pcs["removed"] == []
    assert [(c["old_ref"], c["new_ref"]) for c in pcs["changed"]] == [("P2", "P1")]
    assert pcs["unchanged"] == 1
    assert d["statements"]["knowledge_and_understanding"]["removed"] == [{"ref": "K2", "text": "how to plan a feeding routine"}]
    assert [f["field"] for f in d["fields"]] == ["title"]
    assert d["summary"]["performance_criteria"] == {"added": 1, "removed": 0, "changed": 1, "unchanged": 1}
