"""Issue 19, "closer to the real process": a consultation that shows whom it reached (events beside
the online responses, a per-nation coverage report, a report for the approvers), consultees who
see what a revision changes, and review reminders assigned to the organisation that owns a NOS."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import AuditEntry, ConsultationEvent, ReviewReminder

from .conftest import GOOD_DRAFT, NOW, comment, drive

pytestmark = pytest.mark.django_db


def _in_consultation(project, people):
    return drive(project, people, lc.CONSULTATION)


# -- events and coverage ---------------------------------------------------------------------------


def test_events_count_beside_online_responses_in_the_per_nation_coverage(project, people):
    project = _in_consultation(project, people)
    comment(project, ip="192.0.2.40", respondent_nation="wales", sector="Agriculture", organisation_size="micro")
    services.record_event(
        people["developer"], project, name="Sheepdog trial workshop", held_on=NOW.date(), attendees=14, nation="scotland",
        sectors="Agriculture", notes="Add hill farming to the scope.",
    )
    services.record_event(people["developer"], project, name="Online webinar", kind="webinar", held_on=NOW.date(), attendees=30)
    cov = services.consultation_coverage(project)
    assert cov["nations"]["wales"] == {"online": 1, "events": 0, "people_at_events": 0}
    assert cov["nations"]["scotland"] == {"online": 0, "events": 1, "people_at_events": 14}
    assert cov["nations"]["uk_wide"]["people_at_events"] == 30
    assert cov["nations_not_reached"] == ["england", "northern_ireland"]  # Scotland was reached by its event
    assert cov["events"] == 2 and cov["people_at_events"] == 44
    assert AuditEntry.objects.filter(action="record_event", project=project).count() == 2


@pytest.mark.parametrize(
    "bad",
    [{"name": " "}, {"attendees": 0}, {"held_on": None}, {"nation": "france"}, {"kind": "party"}],
)
def test_a_bad_event_is_refused_with_a_reason_and_nothing_stored(project, people, bad):
    project = _in_consultation(project, people)
    values = {"name": "Workshop", "held_on": NOW.date(), "attendees": 5} | bad
    with pytest.raises(lc.StageError, match="name, a date"):
        services.record_event(people["developer"], project, **values)
    assert not ConsultationEvent.objects.exists()


def test_only_those_running_the_consultation_record_events_and_only_around_it(project, people):
    with pytest.raises(lc.StageError, match="from drafting"):
        services.record_event(people["developer"], project, name="Too early", held_on=NOW.date(), attendees=3)
    project = _in_consultation(project, people)
    for who in ("other_developer", "reviewer_wales", "public", "steering"):
        with pytest.raises(PermissionDenied):
            services.record_event(people[who], project, name="Workshop", held_on=NOW.date(), attendees=3)


def test_the_event_form_records_an_event_and_the_comments_page_shows_the_coverage(client, project, people):
    project = _in_consultation(project, people)
    client.force_login(people["developer"])
    url = f"/lifecycle/projects/{project.pk}/events/new/"
    assert "People who took part" in client.get(url).content.decode()
    bad = client.post(url, {"name": "Workshop", "kind": "workshop", "held_on": "not a date", "attendees": "5"})
    assert bad.status_code == 200 and not ConsultationEvent.objects.exists()
    sent = client.post(
        url, {"name": "Belfast workshop", "kind": "workshop", "held_on": NOW.date().isoformat(), "nation": "northern_ireland", "attendees": "9"}
    )
    assert sent.status_code == 302
    page = client.get(f"/lifecycle/projects/{project.pk}/comments/").content.decode()
    assert "Belfast workshop" in page and "Coverage by nation" in page
    client.force_login(people["other_developer"])
    assert client.post(url, {"name": "x", "kind": "workshop", "held_on": "2026-01-01", "attendees": "1"}).status_code == 403


# -- the consultation report -----------------------------------------------------------------------


def test_the_approvers_read_the_consultation_report_as_a_page_json_and_csv(client, project, people):
    project = _in_consultation(project, people)
    c = comment(project, text="=HYPERLINK(1) P2 should say how often.", respondent_nation="england", sector="Farming")
    hidden = comment(project, text="Spam and more spam", item_ref="K1", ip="192.0.2.77")
    services.moderate_comment(people["developer"], c, "published")
    services.decide_comment(people["developer"], c, "accepted", "P2 now says daily.")
    services.moderate_comment(people["developer"], hidden, "rejected")
    draft = project.drafts.get()
    services.update_draft(
        people["developer"], draft,
        performance_criteria=[*draft.performance_criteria[:1], {"ref": "P2", "text": "plan a daily feeding routine for each dog, every day"}, *draft.performance_criteria[2:]],
    )
    for who in ("reviewer_scotland", "developer", "admin"):
        client.force_login(people[who])
        data = client.get(f"/lifecycle/projects/{project.pk}/consultation-report.json").json()
        assert data["decisions"] == {"accepted": 1, "rejected": 0, "noted": 0, "undecided": 0}
        texts = [x["text"] for i in data["items"] for x in i["comments"]]
        assert texts == ["=HYPERLINK(1) P2 should say how often."]  # the rejected spam is not in the report
        assert data["coverage"]["nations"]["england"]["online"] == 1
        changed = data["since_consultation"][0]["diff"]["performance_criteria"]["changed"]
        assert changed and changed[0]["after"].endswith("every day")
    page = client.get(f"/lifecycle/projects/{project.pk}/consultation-report/")
    assert page.status_code == 200 and "P2 now says daily." in page.content.decode()
    assert 'rel="alternate"' in page.get("Link", "")
    rows = list(csv.reader(io.StringIO(client.get(f"/lifecycle/projects/{project.pk}/consultation-report.csv").content.decode())))
    assert rows[1][8].startswith("'=HYPERLINK")  # a formula cell is neutralised
    for who in ("other_developer", "public"):
        client.force_login(people[who])
        assert client.get(f"/lifecycle/projects/{project.pk}/consultation-report/").status_code == 403
        assert client.get(f"/lifecycle/projects/{project.pk}/consultation-report.csv").status_code == 403
    client.logout()
    assert client.get(f"/lifecycle/projects/{project.pk}/consultation-report.json").status_code == 403


def test_consultees_see_what_a_revision_changes_in_the_current_version(client, people, org):
    from noshub.catalogue.models import Standard

    standard = Standard.objects.select_related("current__developed_by").get(urn_key="LANACT3")
    assert standard.current.developed_by.name == org.name  # Lantra's
    project = services.create_project(people["developer"], title="Reiki review", organisation=org, kind="review")
    project = drive(project, people, lc.DRAFTING, with_draft=False)
    draft = services.add_draft(people["developer"], project, from_urn="LANACT3", today=NOW.date())
    old_first = draft.performance_criteria[0]["text"]
    # new text that passes the draft checks (the catalogue's own text need not)
    services.update_draft(
        people["developer"], draft, **{k: GOOD_DRAFT[k] for k in ("overview", "performance_criteria", "knowledge_and_understanding")}
    )
    project = drive(project, people, lc.CONSULTATION)
    data = client.get(f"/lifecycle/projects/{project.pk}/consultation.json").json()
    changes = data["drafts"][0]["changes"]
    assert changes["version"] == standard.current.version_number
    pcs = changes["statements"]["performance_criteria"]
    now_there = {c["after"] for c in pcs["changed"]} | {i["text"] for i in pcs["added"]}
    gone = {c["before"] for c in pcs["changed"]} | {i["text"] for i in pcs["removed"]}
    assert {i["text"] for i in GOOD_DRAFT["performance_criteria"]} <= now_there and old_first in gone
    page = client.get(f"/lifecycle/projects/{project.pk}/consultation/").content.decode()
    assert "What this draft changes in the current version" in page and "<ins>" in page and "<del>" in page
    new_project = drive(services.create_project(people["developer"], title="New", organisation=org), people, lc.CONSULTATION)
    assert client.get(f"/lifecycle/projects/{new_project.pk}/consultation.json").json()["drafts"][0]["changes"] is None


# -- review reminders ------------------------------------------------------------------------------


def test_reminders_go_to_the_owning_organisation_once_and_it_closes_them(client, people, org):
    from noshub.catalogue.models import Standard

    lanact3 = Standard.objects.select_related("current").get(urn_key="LANACT3")
    today = lanact3.current.indicative_review_date + timedelta(days=1)
    made = services.make_reminders(today, 0)
    mine = [r for r in made if r.standard_id == lanact3.pk]
    assert len(mine) == 1 and mine[0].organisation_id == lanact3.current.developed_by_id == org.pk
    assert services.make_reminders(today, 0) == []  # idempotent: one per NOS and review date
    client.force_login(people["developer"])
    rows = client.get("/lifecycle/reviews/reminders.json").json()["reminders"]
    assert rows and {r["organisation"] for r in rows} == {"Lantra"} and "LANACT3" in {r["urn"] for r in rows}
    client.force_login(people["other_developer"])
    assert "LANACT3" not in {r["urn"] for r in client.get("/lifecycle/reviews/reminders.json").json()["reminders"]}
    reminder = ReviewReminder.objects.get(standard=lanact3)
    assert client.post(f"/lifecycle/reviews/reminders/{reminder.pk}/done/", {"note": "Not ours"}).status_code == 403
    client.force_login(people["developer"])
    assert client.post(f"/lifecycle/reviews/reminders/{reminder.pk}/done/", {"note": " "}).status_code == 400
    assert client.post(f"/lifecycle/reviews/reminders/{reminder.pk}/done/", {"note": "Review project started"}).status_code == 302
    reminder.refresh_from_db()
    assert reminder.done_by == people["developer"] and reminder.note == "Review project started"
    assert "LANACT3" not in {r["urn"] for r in client.get("/lifecycle/reviews/reminders.json").json()["reminders"]}
    assert AuditEntry.objects.filter(action="reminder_done").count() == 1
    for who in ("reviewer_wales", "public"):
        client.force_login(people[who])
        assert client.get("/lifecycle/reviews/reminders/").status_code == 403


def test_the_remind_command_lists_and_makes_reminders(people):
    from click.testing import CliRunner

    from noshub.catalogue.models import Standard
    from noshub.lifecycle.cli import review

    lanact3 = Standard.objects.select_related("current").get(urn_key="LANACT3")
    as_of = (lanact3.current.indicative_review_date + timedelta(days=1)).isoformat()
    runner = CliRunner()
    listed = runner.invoke(review, ["remind", "--as-of", as_of, "--organisation", "Lantra"])
    assert listed.exit_code == 0 and "0 open review reminder(s)" in listed.output
    made = runner.invoke(review, ["remind", "--as-of", as_of, "--organisation", "Lantra", "--within", "0", "--create", "--format", "json"])
    assert made.exit_code == 0, made.output
    import json

    data = json.loads(made.output)
    assert data["created"] >= 1 and "LANACT3" in {r["urn"] for r in data["open"]}
    assert {r["organisation"] for r in data["open"]} == {"Lantra"}
    bad = runner.invoke(review, ["remind", "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "yesterday" in bad.output

