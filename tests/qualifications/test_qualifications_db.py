"""Qualifications in the database, on the real data the session loaded (`noshub load`): import
(idempotent, transactional), links to NOS, pages and their JSON twins in English and Welsh,
the review queue's roles and CSRF, and change alerts when a linked NOS gets a new version."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

GK42 = "GK42 22  Land-based Engineering (ArboricultureForestry) 1.xlsx"


def test_load_imports_every_qualifications_file_and_links_their_units(load_reports):
    from noshub.qualifications.models import Qualification, Unit, UnitLink

    reports = [r for r in load_reports.values() if r.kind.startswith("qualification")]
    assert len(reports) > 90 and [r.summary() for r in reports if r.error] == []
    assert Qualification.objects.count() > 1000 and Qualification.objects.exclude(structure_file="").count() > 60
    units = Unit.objects.count()
    assert units > 2000 and UnitLink.objects.count() == units
    assert UnitLink.objects.filter(standard__isnull=False).count() / units > 0.9
    link = UnitLink.objects.select_related("standard").get(unit__qualification__key="GK56", unit__code="PPLRES05")
    assert (link.standard.slug, link.method, link.status) == ("PPLRES05", "code", "auto") and link.confidence > 0.9
    # A unit whose code needs normalising ("COSVR641 v2") still finds its NOS.
    link = UnitLink.objects.select_related("standard").filter(unit__code="COSVR641 v2").first()
    assert link.standard.slug == "COSVR641" and link.method == "normalised code"


def test_importing_the_files_again_changes_nothing(data_dir):
    from noshub.qualifications.importers import import_listing, import_qualifications_file

    folder = data_dir / "qualifications-svq"
    report = import_qualifications_file(folder / GK42)
    assert (report.error, report.unchanged, report.created, report.updated) == ("", 1, 0, 0)
    report = import_listing(folder / "qual_listing_svq.xls")
    assert (report.error, report.created, report.updated) == ("", 0, 0)


def test_a_broken_structure_is_rejected_whole_and_nothing_is_written(data_dir, tmp_path):
    from noshub.catalogue.models import ImportRun
    from noshub.loading import import_path
    from noshub.qualifications.models import Qualification

    folder = tmp_path / "qualifications-svq"
    folder.mkdir()
    path = folder / GK42
    shutil.copy(data_dir / "qualifications-svq" / GK42, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Level 2"]
    ws.cell(row=3, column=4, value="A new title that must not be written")
    ws.cell(row=20, column=6, value="lots")  # a unit's credit, further down
    wb.save(path)
    before = Qualification.objects.get(key="GK42")
    units = list(before.units.values_list("pk", "title"))
    report = import_path(path)
    assert report.error.startswith(f"{GK42}, sheet 'Level 2', row 20, field 'SCQF Credit': 'lots' is not a number")
    after = Qualification.objects.get(key="GK42")
    assert after.title == before.title and list(after.units.values_list("pk", "title")) == units
    run = ImportRun.objects.filter(file=str(path)).get()
    assert run.outcome == "rejected" and run.rejections[0]["sheet"] == "Level 2" and run.rejections[0]["row"] == 20


def test_pages_and_their_json_twins_in_english_and_welsh(client):
    from noshub.qualifications.models import Qualification

    listing = client.get("/qualifications/list.json?q=land-based").json()
    assert listing["total"] >= 6 and listing["figures"]["nos_used"] > 500
    q = Qualification.objects.get(key="GK56")
    detail = client.get(f"/qualifications/{q.pk}.json").json()
    units = [u for g in detail["groups"] for u in g["units"]]
    assert detail["code"] == "GK56 22" and units[0]["nos"] == "PPLRES05" and detail["coverage"]["linked"] == len(units)
    page = client.get(f"/qualifications/{q.pk}/")
    assert page.status_code == 200 and b"PPLRES05" in page.content and b'rel="alternate"' in page["Link"].encode()
    nos = client.get("/nos/PPLRES05/")
    assert b"Qualifications that use it" in nos.content and f"/qualifications/{q.pk}/".encode() in nos.content
    reuse = client.get("/qualifications/reuse.json").json()
    assert reuse["figures"]["suites_unused"] > 0 and reuse["unused_suites"]
    assert client.get("/qualifications/999999/").status_code == 404
    assert client.get("/qualifications/list.json?limit=x").json()["error"]["parameter"] == "limit"
    client.cookies["django_language"] = "cy"
    welsh = client.get("/qualifications/").content.decode()
    assert "Cymwysterau" in welsh and "Qualifications accredited by" not in welsh


def test_reviewing_links_checks_the_role_and_csrf_and_is_recorded(client, people, django_user_model):
    from django.contrib.auth.models import Group
    from django.test import Client

    from noshub.qualifications import services
    from noshub.qualifications.models import LinkDecision, UnitLink

    assert client.get("/qualifications/review/").status_code == 403  # anonymous
    client.force_login(people["public"])
    assert client.get("/qualifications/review.json").status_code == 403
    link = UnitLink.objects.filter(status="review", standard__isnull=False).select_related("unit__qualification").first()
    assert client.post(f"/qualifications/review/{link.unit_id}/", {"action": "confirmed"}).status_code == 403
    reviewer = django_user_model.objects.create_user("rita")
    reviewer.groups.add(Group.objects.get(name="nation reviewer"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    queue = strict.get("/qualifications/review.json").json()
    assert queue["total"] > 0 and queue["items"][0]["confidence"] <= queue["items"][-1]["confidence"]
    assert strict.post(f"/qualifications/review/{link.unit_id}/", {"action": "corrected", "nos": "PPLRES05"}).status_code == 403
    strict.get("/qualifications/review/")
    token = strict.cookies["csrftoken"].value
    answer = strict.post(
        f"/qualifications/review/{link.unit_id}/",
        {"action": "corrected", "nos": "PPLRES05", "note": "checked", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    bad = strict.post(
        f"/qualifications/review/{link.unit_id}/",
        {"action": "corrected", "nos": "NOSUCHURN", "csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "nos"
    decision = LinkDecision.objects.get()
    assert (decision.decided_by, decision.action, decision.standard.slug, decision.note) == (
        "rita",
        "corrected",
        "PPLRES05",
        "checked",
    )
    link.refresh_from_db()
    assert (link.status, link.standard.slug, link.method) == ("corrected", "PPLRES05", "person")
    # Linking again (after a re-import) keeps the person's decision.
    services.link_units([link.unit.qualification.key])
    link.refresh_from_db()
    assert (link.status, link.standard.slug) == ("corrected", "PPLRES05")


def test_publishing_a_new_version_of_a_nos_used_by_two_qualifications_alerts_both(client, people, org):
    import feedparser
    from django.db.models import Count

    from noshub.catalogue.models import Standard
    from noshub.lifecycle import rules as lc
    from noshub.lifecycle import services as lifecycle
    from noshub.qualifications import services
    from noshub.qualifications.models import UnitLink
    from tests.lifecycle.conftest import NOW, drive

    used = (
        UnitLink.objects.filter(standard__current__developed_by=org, standard__urn_clash=False)
        .values("standard")
        .annotate(n=Count("unit__qualification", distinct=True))
        .filter(n=2)
        .order_by("standard__urn_key")
        .first()
    )
    standard = Standard.objects.get(pk=used["standard"])
    users = set(UnitLink.objects.filter(standard=standard).values_list("unit__qualification__key", flat=True))
    project = lifecycle.create_project(people["developer"], title="Review for qualifications", organisation=org, kind="review")
    project = drive(project, people, lc.DRAFTING)
    draft = lifecycle.add_draft(people["developer"], project, from_urn=standard.urn, today=NOW.date())
    lifecycle.update_draft(
        people["developer"],
        draft,
        overview="<p>This standard is about servicing land-based machinery safely.</p>",
        performance_criteria=[
            {"ref": f"P{i}", "text": t}
            for i, t in enumerate(["check the machine is safe to work on", "service the machine", "record the work"], 1)
        ],
        knowledge_and_understanding=[
            {"ref": "K1", "text": "the safe working methods for machinery"},
            {"ref": "K2", "text": "how to record work"},
        ],
        keywords=["machinery", "servicing"],
        suites=["Land-based Engineering"],
    )
    report = lifecycle.check_draft(draft, NOW.date())
    assert report.errors == [], [f.message for f in report.errors]
    drive(project, people, lc.PUBLISHED)
    standard.refresh_from_db()
    alerts = services.alert_list(nos=standard.slug)["alerts"]
    assert {a["qualification"] for a in alerts} == users and len(users) == 2
    assert all(a["change"] == "published" and a["new_version"] == standard.current.sequence for a in alerts)
    page = client.get("/qualifications/alerts/")
    assert standard.slug.encode() in page.content
    feed = feedparser.parse(client.get("/qualifications/alerts.atom").content)
    assert not feed.bozo and feed.version == "atom10"
    titles = [e.title for e in feed.entries if standard.slug in e.title]
    assert len(titles) == len(alerts) >= 2
    # Nothing new: no second alert for the same version.
    from noshub.qualifications.alerts import record_changes

    assert record_changes({standard.pk}) == 0


def test_the_time_signal_picks_the_nos_current_at_the_qualification_s_date_for_a_real_twin_pair():
    """GK9M (structure approved June 2015) codes its heating unit SUMHV04, the legacy NOS whose
    current successor BSEHV04 (Original URN SUMHV04, same title) entered the NOS database only in
    2019. With the codes hidden and the ranking `link_units` learns (`Matcher.fit`): the unit
    alone (no context) is SUMHV04 at the qualification's date and BSEHV04 at a date after the
    successor came, or with no date (today's status): the date alone decides; in its
    qualification, at its date, SUMHV04, the reason saying why."""
    from datetime import date

    from noshub.qualifications import matcher
    from noshub.qualifications.models import Unit
    from noshub.qualifications.services import _units_in, catalogue_for_matching

    m = matcher.Matcher(catalogue_for_matching())
    by_urn = {n.urn_key: n for n in m.catalogue}
    legacy, successor = by_urn["SUMHV04"], by_urn["BSEHV04"]
    assert legacy.legacy and not successor.legacy and successor.successor
    assert legacy.replaced is not None and legacy.replaced.year == 2019
    assert matcher.clean_title(legacy.title) == successor.title
    units = _units_in(Unit.objects.select_related("qualification"))
    ranked_on, calibrated_on = m.fit(units)
    assert ranked_on > 1000 and calibrated_on > 1000 and "legacy_then" in m.ranking[0]
    gk9m = [u for u in units if u.qualification == "GK9M"]
    heating = next(u for u in gk9m if u.code == "SUMHV04")
    assert heating.when == date(2015, 6, 10)

    def linked(when, context=True):
        hidden = [matcher.UnitIn(u.ref, u.qualification, u.title, "", u.level, when) for u in gk9m]
        return next(x for x in m.link(hidden, use_codes=False, context=context) if x.ref == heating.ref)

    assert linked(heating.when, context=False).nos.urn_key == "SUMHV04"
    assert linked(date(2020, 1, 1), context=False).nos.urn_key == "BSEHV04"
    assert linked(None, context=False).nos.urn_key == "BSEHV04"
    then = linked(heating.when)
    assert then.nos.urn_key == "SUMHV04" and "current at the qualification's date" in then.reason
