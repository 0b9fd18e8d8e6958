"""Review scheduling on the real catalogue, version differences, the CLI and the pages' JSON twins."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from noshub.cli import main
from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.lifecycle.reviews import review_due

from .conftest import NOW, add_good_draft, drive

pytestmark = pytest.mark.django_db
AS_OF = date(2019, 6, 1)  # the catalogue's export month


def test_review_list_counts_overdue_and_due_nos_by_developer_and_suite(load_reports):
    data = review_due(AS_OF, within_days=90)
    assert data["overdue"] > 100 and data["due"] > 0
    assert data["count"] == data["overdue"] + data["due"] == len(data["items"])
    assert sum(data["by_developer"].values()) == data["count"]
    dates = [i["indicative_review_date"] for i in data["items"]]
    assert dates == sorted(dates) and dates[-1] <= "2019-08-30"
    assert all((i["status"] == "overdue") == (i["indicative_review_date"] < AS_OF.isoformat()) for i in data["items"])
    assert all(i["indicative_review_date"] != "1905-03-14" for i in data["items"])  # placeholders are not dates
    top = next(iter(data["by_developer"]))
    only = review_due(AS_OF, within_days=90, developer=top)
    assert only["count"] == data["by_developer"][top] and {i["developer"] for i in only["items"]} == {top}
    suite = next(s for s in data["by_suite"] if s != "no suite")
    assert all(suite in i["suites"] for i in review_due(AS_OF, 90, suite=suite)["items"])


def test_a_nos_under_review_is_marked_with_its_project(people, org, load_reports):
    from noshub.catalogue.models import Standard

    lanact3 = Standard.objects.get(urn_key="LANACT3").current
    project = services.create_project(people["developer"], title="Animal therapies review", organisation=org, kind="review")
    services.add_draft(people["developer"], project, from_urn="LANACT3", today=NOW.date())
    assert lanact3.indicative_review_date, "LANACT3 has a review date"
    data = review_due(lanact3.indicative_review_date, within_days=0, developer="Lantra")
    item = next(i for i in data["items"] if i["urn"] == "LANACT3")
    assert item["project"] == {"id": project.pk, "title": "Animal therapies review"}


def test_cli_review_due_in_text_and_json(load_reports):
    js = CliRunner().invoke(main, ["review", "due", "--as-of", "2019-06-01", "--format", "json"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["as_of"] == "2019-06-01" and data["count"] == len(data["items"]) > 0
    text = CliRunner().invoke(main, ["review", "due", "--as-of", "2019-06-01", "--limit", "3"])
    assert text.exit_code == 0 and "overdue for review" in text.output and "more (raise --limit" in text.output


def test_cli_project_list_and_show(people, project):
    add_good_draft(project, people)
    listed = CliRunner().invoke(main, ["project", "list"])
    assert listed.exit_code == 0 and "Working sheepdogs" in listed.output and "Proposal (Part A)" in listed.output
    shown = CliRunner().invoke(main, ["project", "show", str(project.pk)])
    assert shown.exit_code == 0 and "England has not responded" in shown.output and "Draft ZZLIFE1" in shown.output
    js = json.loads(CliRunner().invoke(main, ["project", "show", str(project.pk), "--format", "json"]).output)
    assert js["stage"] == "proposal" and js["drafts"][0]["quality"]["errors"] == 0
    assert CliRunner().invoke(main, ["project", "show", "999999"]).exit_code != 0


def test_diff_of_two_real_versions_page_json_and_cli(client, load_reports):
    from noshub.catalogue.models import Standard

    standard = Standard.objects.get(urn_key="LANACT3")
    seqs = sorted(standard.versions.values_list("sequence", flat=True))
    assert len(seqs) >= 2, "LANACT3 has a catalogue version and a finder-page version"
    a, b = seqs[0], seqs[-1]
    data = client.get(f"/lifecycle/nos/LANACT3/diff.json?from={a}&to={b}").json()
    assert data["from"]["sequence"] == a and data["to"]["sequence"] == b
    assert data["diff"]["summary"]["performance_criteria"]["added"] > 0  # the page version brought the text
    page = client.get(f"/lifecycle/nos/LANACT3/diff/?from={a}&to={b}")
    assert page.status_code == 200 and "Added P1" in page.content.decode()
    assert client.get("/lifecycle/nos/LANACT3/diff/?from=1&to=999").status_code == 404
    out = CliRunner().invoke(main, ["review", "diff", "LANACT3", str(a), str(b)])
    assert out.exit_code == 0 and "Performance criteria:" in out.output


def test_nos_whose_urn_holds_a_slash_have_pages_and_differences(client, load_reports):
    """33 real URNs hold a "/" ("PPL 1FPC6/10"); the page of one with two versions links to its
    differences, which once failed to build that link (a 500 for the whole NOS page)."""
    from django.db.models import Count

    from noshub.catalogue.models import Standard

    slashed = Standard.objects.filter(slug__contains="/").exclude(current=None).annotate(n=Count("versions"))
    assert slashed.count() >= 30
    standard = slashed.filter(n__gte=2).first()
    assert standard is not None, "a real NOS with a '/' in its URN and two versions"
    page = client.get(f"/nos/{standard.slug}/")
    assert page.status_code == 200 and "What changed between its versions" in page.content.decode()
    seqs = sorted(standard.versions.values_list("sequence", flat=True))
    diff = client.get(f"/lifecycle/nos/{standard.slug}/diff.json?from={seqs[0]}&to={seqs[-1]}")
    assert diff.status_code == 200 and diff.json()["to"]["sequence"] == seqs[-1]
    assert client.get(f"/lifecycle/nos/{standard.slug}/diff/?from={seqs[0]}&to={seqs[-1]}").status_code == 200
    assert client.get(f"/cleansing/decisions/{standard.slug}.json").status_code == 200


def test_a_review_draft_page_shows_its_changes_from_the_published_version(client, people, org, load_reports):
    project = services.create_project(people["developer"], title="Animal therapies review", organisation=org, kind="review")
    project = drive(project, people, lc.DRAFTING, with_draft=False)
    draft = services.add_draft(people["developer"], project, from_urn="LANACT3", today=NOW.date())
    pcs = list(draft.performance_criteria) + [{"ref": "P99", "text": "record each session with the owner"}]
    services.update_draft(people["developer"], draft, performance_criteria=pcs)
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/drafts/{draft.pk}/").content.decode()
    assert "Changes from version" in page and "record each session with the owner" in page
    data = client.get(f"/lifecycle/drafts/{draft.pk}.json").json()
    assert data["diff_from_base"]["summary"]["performance_criteria"]["added"] == 1
    assert data["quality"]["readability"]["performance_criteria"]["score"] is not None


@pytest.mark.parametrize("stage", [lc.PROPOSAL, lc.PART_B, lc.DRAFTING, lc.CONSULTATION, lc.DRAFT_APPROVAL, lc.PUBLISHED])
def test_project_pages_render_at_every_stage_with_a_json_twin(client, people, project, stage):
    project = drive(project, people, stage)
    client.force_login(people["developer"])
    page = client.get(f"/lifecycle/projects/{project.pk}/")
    assert page.status_code == 200 and project.stage_label in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode() or stage == lc.PUBLISHED
    data = client.get(f"/lifecycle/projects/{project.pk}.json").json()
    assert data["stage"] == stage and data["audit"]
    for draft in project.drafts.all():
        assert client.get(f"/lifecycle/drafts/{draft.pk}/").status_code == 200
        edit = client.get(f"/lifecycle/drafts/{draft.pk}/edit/")
        assert edit.status_code == (200 if stage in lc.WELSH_EDITABLE_STAGES else 400)


def test_list_review_and_audit_pages_render(client, people, project):
    client.force_login(people["admin"])
    assert "Working sheepdogs" in client.get("/lifecycle/").content.decode()
    assert client.get("/lifecycle/reviews/?within=30&developer=Lantra").status_code == 200
    audit = client.get("/lifecycle/audit/")
    assert audit.status_code == 200 and "Created project" in audit.content.decode()
    assert client.get("/lifecycle/audit.json").json()["entries"][0]["action"] == "create_project"
    assert client.get("/lifecycle/sign-in/").status_code == 200


def test_forms_need_the_csrf_token(people, project):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["developer"])
    response = strict.post(f"/lifecycle/projects/{project.pk}/nations/wales/", {"rationale": "x"})
    assert response.status_code == 403
