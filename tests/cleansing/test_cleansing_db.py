"""Cleansing on the real catalogue and on crafted NOS imported as JSON: detection, decisions,
the quality report, "already covered", the API, the pages and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Permission, User
from django.test import Client

from noshub.catalogue.importers import import_json
from noshub.catalogue.models import NameAlias
from noshub.catalogue.services import get_standard
from noshub.cleansing import services
from noshub.cleansing.corpus import load_corpus
from noshub.cli import main
from noshub.core.duplicates import DuplicateFinder

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def real_result(django_db_setup, django_db_blocker):
    """Detection over the whole real catalogue (read only), once for this module."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    with django_db_blocker.unblock():
        docs = load_corpus()
    finder = DuplicateFinder(docs)
    return finder, finder.find()


def _nos(urn: str, title: str, pcs: list[str] | None = None, **extra) -> dict:
    doc = {
        "URN": urn,
        "Title": title,
        "Validity": "Current",
        "Status": extra.pop("Status", "Original"),
        "NOSCategory": "Core",
        "Developed_by": "ZZ Test Skills",
        "Suite": [extra.pop("Suite", "ZZ Test suite")],
        "Keywords": extra.pop("Keywords", ["zztest"]),
    }
    if pcs:
        doc["Performance_criteria"] = "<ol>" + "".join(f"<li>{p}</li>" for p in pcs) + "</ol>"
    doc.update(extra)
    return doc


CRAFTED = [
    _nos("ZZDUP1", "Calibrate zzquartz resonance gauges", ["zero the zzquartz gauge", "record the zzquartz reading"]),
    _nos(
        "ZZDUP2",
        "Calibrate zzquartz resonance gauges",
        ["zero the zzquartz gauge", "record the zzquartz reading"],
        Suite="ZZ Other suite",
    ),
    _nos("ZZDUP3", "Service zzbellow pumps on zzmarsh sites"),
    _nos("ZZDUP4", "Service zzbellow pumps on zzmarsh sites", Original_URN="ZZDUP3", Suite="ZZ Other suite"),
    _nos("ZZDUP5", "Carry out zzgrommet fitting at level 2"),
    _nos("ZZDUP6", "Carry out zzgrommet fitting at level 3"),
]


def _import(tmp_path, docs) -> None:
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(docs))
    report = import_json(path)
    assert not report.error and report.created == len(docs), report.summary()


def _decider(name="dev") -> User:
    """A reviewer: may decide about any NOS (a standards developer only about its organisation's,
    see tests/cleansing/test_decision_rights.py)."""
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="record_decision", content_type__app_label="cleansing"))
    return user


# -- detection ---------------------------------------------------------------------------------


def test_crafted_duplicates_are_grouped_with_their_kinds(load_reports, tmp_path):
    _import(tmp_path, CRAFTED)
    run, groups = services.run_detection()
    of = {m: g for g in groups for m in g.members}
    assert of["ZZDUP1"] is of["ZZDUP2"] and of["ZZDUP1"].kind == "same_text"
    assert of["ZZDUP3"] is of["ZZDUP4"] and of["ZZDUP3"].kind == "imported_copy" and of["ZZDUP3"].canonical == "ZZDUP3"
    assert of["ZZDUP5"] is of["ZZDUP6"] and of["ZZDUP5"].kind == "variant"
    # kept as a run that the API reads
    listing = services.group_list(nos="ZZDUP4")
    assert listing["run"]["id"] == run.id and listing["groups"][0]["canonical"] == "ZZDUP3"


def test_real_catalogue_groups_shared_management_standards_without_chaining(real_result):
    finder, result = real_result
    of = {m: g for g in result.groups for m in g.members}
    # the same health-and-safety standard sits in many suites
    hs = [d.key for d in finder.docs if d.title == "Make sure your own actions reduce risks to health and safety"]
    assert len(hs) >= 10
    assert len({id(of[k]) for k in hs if k in of}) <= 2 and sum(k in of for k in hs) >= 10
    # complete linkage: no giant chained group; every pair inside a group clears the bar
    assert result.stats["largest_group"] < 60
    for g in result.groups:
        n = len(g.members)
        assert len(g.pairs) == n * (n - 1) // 2  # every member was scored against every other
        assert all(p.score >= 0.8 or p.linked for p in g.pairs)  # below the bar only with an Original URN link
    assert set(result.stats["by_kind"]) == {"same_text", "imported_copy", "near_duplicate", "variant"}


def test_versions_of_one_standard_are_never_compared(real_result):
    finder, result = real_result
    assert len({d.key for d in finder.docs}) == len(finder.docs)  # one entry per standard


# -- decisions -----------------------------------------------------------------------------------


def test_decisions_are_versioned_reversible_and_hide_copies(load_reports):
    user = _decider()
    copy, original = get_standard("ASTSRP1"), get_standard("PROHSS1")
    d1 = services.record_decision(user, copy, "imported_copy_of", "Same HSS1 standard imported into the suite", original)
    assert copy.id in services.hidden_standard_ids()
    assert services.canonical_for(copy) == original
    d2 = services.record_decision(user, copy, "keep_both", "Tailored for property sales after all", original)
    assert services.decision_in_force(copy) == d2 and copy.id not in services.hidden_standard_ids()
    r = services.reverse_decision(user, copy, "Keep both was a mistake")
    assert services.decision_in_force(copy) == d1 and services.canonical_for(copy) == original
    history = services.decision_history(copy)
    assert [h["sequence"] for h in history] == [1, 2, 3] and history[2]["action"] == "reverse"
    assert history[0]["decided_by"] == "dev" and history[0]["reason"]
    assert r.reverses == d2
    services.reverse_decision(user, copy, "Undo the copy decision too")
    assert services.decision_in_force(copy) is None and services.canonical_for(copy) == copy


def test_decisions_refuse_loops_and_need_reasons(load_reports):
    from django.core.exceptions import PermissionDenied, ValidationError

    user = _decider()
    a, b = get_standard("ASTSRP1"), get_standard("PROHSS1")
    with pytest.raises(ValidationError):
        services.record_decision(user, a, "merge_into", "", b)
    services.record_decision(user, a, "merge_into", "one standard", b)
    with pytest.raises(ValidationError):
        services.record_decision(user, b, "merge_into", "the other way round", a)
    nobody = User.objects.create_user("visitor", password="pw")
    with pytest.raises(PermissionDenied):
        services.record_decision(nobody, b, "retire_legacy", "no right to")


def test_decision_endpoint_needs_a_permitted_user_and_csrf(load_reports):
    body = {"nos": "ASTSRP1", "action": "imported_copy_of", "target": "PROHSS1", "reason": "copy of HSS1"}
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/cleansing/decisions/", body).status_code == 403
    visitor = Client()
    visitor.force_login(User.objects.create_user("visitor", password="pw"))
    assert visitor.post("/cleansing/decisions/", body).status_code == 403
    reviewer = Client(enforce_csrf_checks=True)
    reviewer.force_login(_decider())
    assert reviewer.post("/cleansing/decisions/", body).status_code == 403  # no CSRF token
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="dev"))
    response = reviewer.post("/cleansing/decisions/", body)
    assert response.status_code == 201 and response.json()["action"] == "imported_copy_of"
    data = Client().get("/cleansing/decisions/ASTSRP1.json").json()
    assert data["canonical"] == "PROHSS1" and data["in_force"]["decided_by"] == "dev"
    assert reviewer.get("/cleansing/decisions/").status_code == 405


# -- API and pages ---------------------------------------------------------------------------------


def test_groups_api_and_explanation_page(load_reports, tmp_path):
    _import(tmp_path, CRAFTED)
    services.run_detection()
    client = Client()
    data = client.get("/cleansing/groups.json", {"nos": "ZZDUP1"}).json()
    [group] = data["groups"]
    assert group["kind"] == "same_text" and {m["nos"] for m in group["members"]} == {"ZZDUP1", "ZZDUP2"}
    explained = client.get(f"/cleansing/groups/{group['key']}.json").json()
    [comparison] = explained["comparisons"]
    assert len(comparison["shared_statements"]) == 2 and comparison["body_text_compared"]
    page = client.get(f"/cleansing/groups/{group['key']}/")
    assert page.status_code == 200 and "zero the zzquartz gauge" in page.content.decode()
    assert "Record decision" not in page.content.decode()  # anonymous: no form
    reviewer = Client()
    reviewer.force_login(_decider())
    assert "csrfmiddlewaretoken" in reviewer.get(f"/cleansing/groups/{group['key']}/").content.decode()
    assert client.get("/cleansing/groups.json", {"kind": "nonsense"}).status_code == 400
    assert client.get("/cleansing/groups/nosuchgroup.json").json()["error"]["status"] == 404


def test_already_covered_finds_the_nos_and_statements_a_draft_repeats(load_reports):
    # Its speed is bench/duplicates_speed.py's ("covered" query median / max ms), not a timed test.
    client = Client()
    text = "Prepare fish for basic dishes\nSelect the type and quantity of fish required for preparation"
    data = client.get("/cleansing/covered.json", {"text": text}).json()
    assert data["nos"][0]["title"] == "Prepare fish for basic dishes" and data["nos"][0]["score"] >= 0.8
    assert data["statements"][0]["covered_by"][0]["score"] == 1.0
    posted = client.post(
        "/cleansing/covered.json",
        json.dumps({"title": "Make sure your own actions reduce risks to health and safety", "statements": []}),
        content_type="application/json",
    ).json()
    assert posted["nos"][0]["score"] == 1.0
    assert client.get("/cleansing/covered.json").status_code == 400


def test_already_covered_hides_decided_copies(load_reports):
    user = _decider()
    services.record_decision(user, get_standard("ASTSRP1"), "imported_copy_of", "copy", get_standard("PROHSS1"))
    data = services.already_covered(
        services.draft_from_text("Make sure your own actions reduce risks to health and safety"), limit=50
    )
    found = {r["nos"] for r in data["nos"]}
    assert "ASTSRP1" not in found and "PROHSS1" in found


# -- quality report --------------------------------------------------------------------------------


def test_quality_report_on_real_data(load_reports):
    from noshub.cleansing.quality import quality_report

    report = quality_report()
    checks = report["checks"]
    assert checks["urn_clash"]["urns"] >= 100
    developers = [i for i in checks["vocabulary_variants"]["items"] if i["vocabulary"] == "developer"]
    # OPITO and Opito are one developer since the names rule (noshub.core.names): merged on import,
    # the source's spelling kept as an alias, so no longer a variant to report.
    assert not any({"OPITO", "Opito"} <= set(i["forms"]) for i in developers)
    assert NameAlias.objects.filter(kind="developer", spelling="Opito", organisation__name="OPITO").exists()
    assert checks["review_date_placeholder"]["count"] > 1000
    assert checks["past_review_date"]["count"] > 1000
    assert checks["original_not_tailored"]["count"] > 100
    assert all(i["original_nos"] for i in checks["original_not_tailored"]["items"])
    assert checks["soc_not_unit_group"]["reference_loaded"] and checks["soc_not_unit_group"]["count"] > 0
    assert checks["single_nos_suites"]["count"] > 0
    assert checks["missing_required"]["by_field"]["category"] > 0
    for name in ("past_review_date", "urn_clash"):
        assert checks[name]["by_developer"] and checks[name]["by_suite"]


def test_quality_page_and_json_are_for_staff(load_reports):
    anonymous = Client()
    assert anonymous.get("/cleansing/quality/").status_code == 302
    assert anonymous.get("/cleansing/quality.json").status_code == 302
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    page = staff.get("/cleansing/quality/")
    assert page.status_code == 200 and "Vocabulary variants" in page.content.decode()
    data = staff.get("/cleansing/quality.json").json()
    assert "items" not in data["checks"]["urn_clash"] and data["checks"]["urn_clash"]["count"] > 0
    one = staff.get("/cleansing/quality.json", {"check": "vocabulary_variants", "limit": 5}).json()
    assert len(one["items"]) == 5


# -- CLI ------------------------------------------------------------------------------------------


def test_cli_duplicates_csv_and_quality_json(load_reports):
    result = CliRunner().invoke(main, ["duplicates", "find", "--format", "csv", "--no-save", "--limit", "5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # progress goes to stderr
    assert lines[0] == "group,kind,score,min_score,size,nos,canonical" and len(lines) > 5
    result = CliRunner().invoke(main, ["quality", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checks"]["urn_clash"]["count"] > 0
    result = CliRunner().invoke(main, ["covered", "--text", "Make sure your own actions reduce risks to health and safety"])
    assert result.exit_code == 0 and "1.00" in result.output


def test_cli_duplicates_find_report_and_decide(load_reports):
    found = CliRunner().invoke(main, ["duplicates", "find", "--format", "json", "--limit", "3"])
    assert found.exit_code == 0, found.output
    run = json.loads(found.stdout)["run"]
    result = CliRunner().invoke(main, ["duplicates", "report", "--format", "json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["run"]["id"] == run and len(report["groups"]) == 3 and report["count"] >= 3
    text = CliRunner().invoke(main, ["duplicates", "report", "--limit", "1"])
    assert text.exit_code == 0 and text.stdout.startswith(f"Run {run} ") and "more groups" in text.stdout
    _decider()
    args = ["ASTSRP1", "imported_copy_of", "--target", "PROHSS1", "--reason", "copy", "--user", "dev"]
    decided = CliRunner().invoke(main, ["duplicates", "decide", *args])
    assert decided.exit_code == 0, decided.output
    assert decided.stdout.startswith("Recorded decision 1 for ASTSRP1: imported_copy_of PROHSS1") and not decided.stderr


def test_cli_old_duplicates_command_still_works_with_a_notice(load_reports):
    # `noshub duplicates [options]` is kept for one release
    result = CliRunner().invoke(main, ["duplicates", "--format", "csv", "--no-save", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "group,kind,score,min_score,size,nos,canonical"
    assert result.stderr.splitlines()[0] == (
        "'noshub duplicates' is deprecated and will be removed in the next release: use 'noshub duplicates find'."
    )
    assert "Finding duplicates" in result.stderr  # progress, a plain line when stderr is no terminal


def test_cli_old_decide_command_still_works_with_a_notice(load_reports):
    # `noshub decide` is kept for one release
    _decider()
    args = ["ASTSRP1", "imported_copy_of", "--target", "PROHSS1", "--reason", "copy", "--user", "dev"]
    result = CliRunner().invoke(main, ["decide", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Recorded decision 1 for ASTSRP1")
    assert "use 'noshub duplicates decide'" in result.stderr
    assert services.decision_in_force(get_standard("ASTSRP1")).action == "imported_copy_of"
