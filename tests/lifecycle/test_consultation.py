"""Public consultation: comments while open only, anti-spam, moderation, decisions, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.models import Comment, Project

from .conftest import NOW, add_good_draft, comment, drive

pytestmark = pytest.mark.django_db


def _post(client, project, **data):
    draft = project.drafts.get()
    body = {"draft": draft.pk, "text": "P2 should say how often dogs are fed.", "item_ref": "P2"} | data
    return client.post(f"/lifecycle/projects/{project.pk}/consultation/", body, REMOTE_ADDR=data.pop("ip", "203.0.113.5"))


def _close(project):
    """Time passes: the closing date is now behind us."""
    Project.objects.filter(pk=project.pk).update(
        consultation_opens=NOW - timedelta(days=31), consultation_closes=NOW - timedelta(minutes=1)
    )
    project.refresh_from_db()
    return project


def test_anyone_comments_on_an_open_consultation_and_it_waits_for_moderation(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    response = _post(client, project, name="A farmer", organisation="Hill Farm")
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    c = Comment.objects.get()
    assert (c.item_ref, c.item_text, c.moderation) == ("P2", "plan a daily feeding routine for each dog", "pending")
    assert c.ip_hash and "203.0.113.5" not in c.ip_hash


def test_a_comment_on_the_whole_nos_has_no_item(people, project):
    project = drive(project, people, lc.CONSULTATION)
    assert comment(project, item_ref="").item_ref == ""


def test_a_closed_consultation_takes_no_comments(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    project = _close(project)
    response = _post(client, project)
    assert response.status_code == 400
    assert "not open for comments" in response.content.decode()
    assert "consultation is closed" in response.content.decode()
    assert not Comment.objects.exists()
    with pytest.raises(services.ConsultationClosed):
        comment(project, now=NOW)


def test_no_comments_before_the_consultation_opens(client, people, project):
    project = drive(project, people, lc.DRAFTING)
    add_good_draft(project, people)
    assert client.get(f"/lifecycle/projects/{project.pk}/consultation/").status_code == 404
    with pytest.raises(services.ConsultationClosed):
        services.submit_comment(project, project.drafts.get(), text="Too early", now=NOW)


def test_the_honeypot_and_link_spam_are_refused(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    assert _post(client, project, website="http://spam.example").status_code == 400
    spam = "Cheap http://a.example http://b.example http://c.example"
    assert _post(client, project, text=spam).status_code == 400
    assert _post(client, project, item_ref="P99").status_code == 400
    assert not Comment.objects.exists()


def test_one_address_may_send_only_a_few_comments_an_hour(client, people, project):
    project = drive(project, people, lc.CONSULTATION)
    for _ in range(services.COMMENT_RATE_LIMIT):
        assert _post(client, project).status_code == 200
    response = _post(client, project)
    assert response.status_code == 429 and "wait an hour" in response.content.decode()
    assert _post(client, project, ip="203.0.113.99").status_code == 200  # another address is not held back
    assert Comment.objects.count() == services.COMMENT_RATE_LIMIT + 1


def test_the_developer_sees_comments_grouped_by_item_with_counts_and_answers_each(client, people, project):
    dev = people["developer"]
    project = drive(project, people, lc.CONSULTATION)
    a = comment(project, text="How often?", item_ref="P2")
    b = comment(project, text="Say daily.", item_ref="P2", ip="192.0.2.2")
    whole = comment(project, text="A useful standard.", item_ref="", ip="192.0.2.3")
    spam = comment(project, text="Buy now", item_ref="K1", ip="192.0.2.4")
    groups = {(g["draft"].urn, g["item_ref"]): g for g in services.comments_by_item(project)}
    assert groups[("ZZLIFE1", "P2")]["counts"]["total"] == 2
    assert groups[("ZZLIFE1", "")]["counts"]["pending"] == 1
    for c in (a, b, whole):
        services.moderate_comment(dev, c, "published")
    services.moderate_comment(dev, spam, "rejected")
    project = _close(project)
    with pytest.raises(lc.StageError, match="3 published comment"):
        services.advance(dev, project, now=NOW)
    services.decide_comment(dev, a, "accepted", "P2 now says daily.")
    services.decide_comment(dev, b, "accepted", "Done.")
    with pytest.raises(lc.StageError, match="Write a response"):
        services.decide_comment(dev, whole, "noted", " ")
    services.decide_comment(dev, whole, "noted", "Thank you.")
    assert services.advance(dev, project, now=NOW).stage == lc.DRAFT_APPROVAL

    client.force_login(dev)
    page = client.get(f"/lifecycle/projects/{project.pk}/comments/").content.decode()
    assert "2 comment(s)" in page and "Buy now" in page
    data = client.get(f"/lifecycle/projects/{project.pk}/comments.json").json()
    p2 = next(g for g in data["groups"] if g["item"] == "P2")
    assert p2["counts"] == {
        "total": 2,
        "pending": 0,
        "published": 2,
        "accepted": 2,
        "rejected": 0,
        "noted": 0,
        "awaiting_decision": 0,
    }

    response = client.get(f"/lifecycle/projects/{project.pk}/comments.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    assert {(r["item"], r["decision"], r["response"]) for r in rows if r["moderation"] == "published"} == {
        ("P2", "accepted", "P2 now says daily."),
        ("P2", "accepted", "Done."),
        ("whole NOS", "noted", "Thank you."),
    }


def test_a_moderated_out_comment_needs_no_decision(people, project):
    project = drive(project, people, lc.CONSULTATION)
    services.moderate_comment(people["developer"], comment(project, text="Spam"), "rejected")
    project = _close(project)
    assert services.advance(people["developer"], project, now=NOW).stage == lc.DRAFT_APPROVAL


def test_pending_comments_block_the_end_of_consultation(people, project):
    project = drive(project, people, lc.CONSULTATION)
    comment(project)
    project = _close(project)
    with pytest.raises(lc.StageError, match="1 comment\\(s\\) are waiting for moderation"):
        services.advance(people["developer"], project, now=NOW)


def test_csv_export_defuses_formulas(people, project):
    project = drive(project, people, lc.CONSULTATION)
    comment(project, text='=HYPERLINK("http://evil.example")')
    rows = list(csv.reader(io.StringIO(services.comments_csv(people["developer"], project))))
    assert rows[1][6].startswith("'=")


def test_csv_export_defuses_formulas_in_the_commenters_name_and_organisation(people, project):
    project = drive(project, people, lc.CONSULTATION)
    comment(project, name='=HYPERLINK("http://evil.example","x")', organisation="@SUM(1+1)*cmd|' /C calc'!A0")
    header, row = list(csv.reader(io.StringIO(services.comments_csv(people["developer"], project))))
    assert row[header.index("name")] == """'=HYPERLINK("http://evil.example","x")"""
    assert row[header.index("organisation")].startswith("'@SUM")


def test_an_open_consultation_can_be_extended_but_not_cut_short(people, project):
    project = drive(project, people, lc.CONSULTATION)
    with pytest.raises(lc.StageError, match="only be extended"):
        services.update_project(people["developer"], project, consultation_closes=NOW + timedelta(minutes=10))
    later = project.consultation_closes + timedelta(days=7)
    assert services.update_project(people["developer"], project, consultation_closes=later).consultation_closes == later
