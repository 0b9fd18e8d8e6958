"""The catalogue of work behaviours on the real data: reference catalogues, the detector, a build
on a slice of the catalogue, its pages, API, exports, staff edits (roles, CSRF, history, bad
input) and the enrichment that imported Behaviours and Values sections bring."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.test import Client

from noshub.behaviours import services
from noshub.behaviours.models import CONFIRMED, MERGED, Behaviour, Event, Evidence, Mapping
from noshub.catalogue.models import Standard
from noshub.cli import main
from noshub.core.behaviours import reference
from noshub.core.behaviours.mapper import LINK_TYPES
from noshub.core.errors import Forbidden, ImportRejected, InvalidParameter

pytestmark = pytest.mark.django_db


def _slice():
    """Every NOS whose statements are held, and those whose titles speak of teams or communication."""
    return Standard.objects.filter(
        Q(current__title__icontains="team") | Q(current__title__icontains="communicat") | ~Q(current__performance_criteria=[])
    ).exclude(current=None)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The catalogue built on the slice (at most 30 behaviours); undone after this module."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        report = services.build(standards=_slice(), limit=30, by="test")
        yield report
        transaction.set_rollback(True)


def _user(name: str, group: str | None) -> User:
    user = User.objects.create_user(name, password="pw")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# -- reference data -------------------------------------------------------------------------------


def test_reference_catalogues_are_read_from_the_real_data(data_dir):
    esco = reference.esco_transversal(data_dir / "esco" / "transversalSkillsCollection_en.csv")
    assert len(esco) == 95 and sum(len(c.alt_labels) for c in esco) == 689
    assert any(c.label == "show initiative" and c.uri.startswith("http://data.europa.eu/esco/skill/") for c in esco)
    styles = reference.onet_work_styles(data_dir / "onet" / "Work Styles.txt")
    assert len(styles) == 16 and all(s.definition for s in styles)
    meta = reference.meta_skills()
    assert len(meta) == 12 and {m.group for m in meta} == {"Self-management", "Social intelligence", "Innovation"}
    assert "Skills Development Scotland" in reference.SCHEMES["metaskills"]["source"]
    rows = reference.ifate_statements(data_dir / "ifate" / "ifate_standards_2021.json")
    assert len({r.standard for r in rows}) == 54 and sum(r.kind == "behaviour" for r in rows) == 396


def test_reference_files_that_cannot_be_used_are_rejected_naming_the_place(tmp_path):
    bad = tmp_path / "esco.csv"
    bad.write_text("conceptUri,preferredLabel\nhttp://x,y\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"esco.csv, row 1: no column altLabels, description"):
        reference.esco_transversal(bad)
    bad.write_text("conceptUri,preferredLabel,altLabels,description\n,no uri,,\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"row 2, field 'conceptUri'"):
        reference.esco_transversal(bad)
    ifate = tmp_path / "ifate.json"
    ifate.write_text('{"not": "a list"}', encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"field '\$'"):
        reference.ifate_statements(ifate)
    ifate.write_text('[{"knowledges": [{"detail": "x"}], "skills": [{"detail": "y"}], "behaviours": "z"}]', encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"\$\[0\]\.behaviours"):
        reference.ifate_statements(ifate)


# -- the detector -----------------------------------------------------------------------------------


def test_the_detector_tells_behaviours_from_knowledge_with_a_confidence(load_reports):
    rows = services.detect(
        [
            "Work effectively as part of a team, treating colleagues with respect and courtesy",
            "The principles of thermodynamics and heat transfer",
        ]
    )
    assert rows[0]["is_behaviour"] and not rows[1]["is_behaviour"]
    assert rows[0]["confidence"] > 0.5 > rows[1]["confidence"]
    with pytest.raises(InvalidParameter, match="text"):
        services.detect([])
    client = Client()
    assert client.get("/behaviours/detect.json", {"text": "Be honest and act with integrity"}).json()["statements"][0][
        "is_behaviour"
    ]
    response = client.post("/behaviours/detect.json", {"statements": "not a list"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "$.statements"


# -- the catalogue ----------------------------------------------------------------------------------


def test_the_build_groups_found_behaviours_into_named_defined_evidenced_behaviours(built):
    behaviours = list(Behaviour.objects.exclude(status=MERGED))
    assert 5 <= len(behaviours) <= 30 and built["behaviours"] == len(behaviours)
    assert len({b.name for b in behaviours}) == len(behaviours)
    for b in behaviours:
        assert b.name and b.definition and b.examples and b.nos_count >= 1
        assert {m.scheme for m in b.mappings.all()} == {"esco", "onet", "metaskills", "ifate"}
    assert set(Mapping.objects.values_list("link_type", flat=True)) <= set(LINK_TYPES)
    # Each behaviour's own ESCO concept is its exact match.
    b = behaviours[0]
    assert b.mappings.filter(scheme="esco", link_type="exact", concept_id=b.key.split(":", 1)[1]).exists()
    fields = set(Evidence.objects.values_list("field", flat=True))
    assert fields <= {"title", "performance_criteria", "behaviours", "values", "keyword"} and fields - {"keyword"}
    figures = services.coverage()
    assert 0 < figures["covered"] < figures["current_nos"] and 0 < figures["coverage"] < 1


def test_pages_and_their_json_twins_in_english_and_welsh(built, client):
    b = Behaviour.objects.exclude(status=MERGED).first()
    page = client.get("/behaviours/")
    assert page.status_code == 200 and b.name in page.content.decode() and 'rel="alternate"' in page["Link"]
    twin = client.get("/behaviours/catalogue.json").json()
    assert twin["behaviours"][0]["slug"] and "coverage" in twin
    detail = client.get(f"/behaviours/{b.slug}/")
    assert detail.status_code == 200 and "In other catalogues" in detail.content.decode()
    data = client.get(f"/behaviours/{b.slug}.json").json()
    assert data["name"] == b.name and data["nos"] and data["mappings"][0]["links"][0]["skos"].startswith("skos:")
    assert client.get("/behaviours/no-such-behaviour/").status_code == 404
    assert client.get("/behaviours/no-such-behaviour.json").json()["error"]["code"] == "not_found"
    client.cookies["django_language"] = "cy"
    assert "Ymddygiadau gwaith mewn SGC" in client.get("/behaviours/").content.decode()
    # The NOS page lists the behaviours its statements show.
    evidence = Evidence.objects.filter(behaviour=b).select_related("standard").first()
    client.cookies["django_language"] = "en"
    nos_page = client.get(f"/nos/{evidence.standard.slug}/").content.decode()
    assert f"/behaviours/{b.slug}/" in nos_page
    assert client.get(f"/nos/{evidence.standard.slug}.json").json()["work_behaviours"]
    # The API, as its other endpoints.
    api = client.get("/api/v1/behaviours").json()
    assert len(api["behaviours"]) == built["behaviours"]
    assert client.get(f"/api/v1/behaviours/{b.slug}").json()["slug"] == b.slug
    assert client.get("/api/v1/behaviours/nothing-here").status_code == 404


def test_exports_neutralise_formulas_and_give_skos_mapping_relations(built, client):
    admin = _user("beh-admin", "administrator")
    b = Behaviour.objects.exclude(status=MERGED).first()
    services.rename(admin, b.slug, '=HYPERLINK("http://evil")', "+1 definition", "formula test")
    rows = list(csv.reader(io.StringIO(client.get("/behaviours/catalogue.csv").content.decode())))
    assert rows[0][:3] == ["slug", "name", "definition"]
    (row,) = [r for r in rows if r[0] == b.slug]
    assert row[1].startswith("'=") and row[2].startswith("'+")
    doc = json.loads(client.get("/behaviours/catalogue.jsonld").content)
    assert doc["@type"] == "skos:ConceptScheme"
    relations = {k for c in doc["skos:hasTopConcept"] for k in c if k.startswith("skos:") and k.endswith("Match")}
    assert "skos:exactMatch" in relations and relations <= {
        "skos:exactMatch",
        "skos:closeMatch",
        "skos:broadMatch",
        "skos:narrowMatch",
        "skos:relatedMatch",
    }


# -- staff edits ------------------------------------------------------------------------------------


def test_edits_need_a_reviewer_or_administrator_and_a_csrf_token(built):
    b = Behaviour.objects.exclude(status=MERGED).first()
    url = f"/behaviours/{b.slug}/edit/"
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(url, {"action": "confirm"}).status_code == 403
    public = Client()
    public.force_login(_user("beh-public", None))
    response = public.post(url, {"action": "confirm"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    reviewer = Client(enforce_csrf_checks=True)
    reviewer.force_login(_user("beh-reviewer", "nation reviewer"))
    assert reviewer.post(url, {"action": "confirm"}).status_code == 403  # no CSRF token
    reviewer.get(f"/behaviours/{b.slug}/")  # the page sets the CSRF cookie
    token = reviewer.cookies["csrftoken"].value
    response = reviewer.post(url, {"action": "confirm", "reason": "agreed", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == CONFIRMED and Event.objects.filter(behaviour=b, action="confirm", by="beh-reviewer").exists()
    with pytest.raises(Forbidden):
        services.confirm(User.objects.get(username="beh-public"), b.slug)


def test_bad_edits_are_refused_clearly_and_change_nothing(built, client):
    admin = _user("beh-admin2", "administrator")
    client.force_login(admin)
    b, other = Behaviour.objects.exclude(status=MERGED)[:2]
    url = f"/behaviours/{b.slug}/edit/"
    before = (b.name, b.definition, Event.objects.count())
    for body, parameter in (
        ({"action": "rename", "name": "   "}, "name"),
        ({"action": "rename", "name": "x" * 300}, "$.name"),
        ({"action": "merge", "into": b.slug}, "into"),
        ({"action": "merge", "into": "no-such"}, None),
        ({"action": "explode"}, "$.action"),
        ({"action": "confirm_mapping", "scheme": "esco", "concept_id": "nothing"}, None),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (400, 404), body
        if parameter:
            assert response.json()["error"]["parameter"] == parameter, body
    b.refresh_from_db()
    assert (b.name, b.definition, Event.objects.count()) == before
    assert client.get(f"/behaviours/{other.slug}/").status_code == 200


def test_merge_rename_and_confirmed_links_survive_a_rebuild(built):
    admin = _user("beh-admin3", "administrator")
    b, other = list(Behaviour.objects.exclude(status=MERGED).order_by("-nos_count"))[-2:]
    evidence = Evidence.objects.filter(behaviour__in=[b, other]).count()
    target = services.merge(admin, other.slug, b.slug, "the same behaviour")
    assert target.pk == b.pk and Evidence.objects.filter(behaviour=b).count() == evidence
    services.rename(admin, b.slug, "Working together", "Works with others towards shared goals.", "plainer")
    link = b.mappings.filter(scheme="onet").first()
    services.confirm_mapping(admin, b.slug, "onet", link.concept_id, "related", "checked")
    services.build(standards=_slice(), limit=30, by="test")
    b.refresh_from_db()
    other.refresh_from_db()
    assert b.name == "Working together" and b.definition == "Works with others towards shared goals."
    assert other.status == MERGED and not other.evidence.exists()
    kept = Mapping.objects.get(behaviour=b, scheme="onet", concept_id=link.concept_id)
    assert kept.confirmed_by == "beh-admin3" and kept.link_type == "related"
    assert list(b.events.values_list("action", flat=True))[:3] == ["confirm_mapping", "rename", "merged_in"]


def test_a_merged_behaviours_evidence_counts_under_the_one_it_was_merged_into_on_page_and_facet(built):
    """One meaning per name: evidence left on a merged behaviour (a restored backup, an older
    build) counts under the behaviour it was merged into, along a chain of merges, for the NOS
    page and the search facet alike, so a NOS found by a behaviour lists it on its page."""
    from noshub.search.labels import current_labels

    target, middle, source = list(Behaviour.objects.exclude(status=MERGED).order_by("-nos_count"))[:3]
    standard = (
        Standard.objects.exclude(current=None).exclude(id__in=Evidence.objects.values("standard_id")).order_by("id").first()
    )
    for b, into in ((middle, target), (source, middle)):
        b.status, b.merged_into = MERGED, into
        b.save()
    Evidence.objects.create(behaviour=source, standard=standard, field="title", text="Work as part of a team", confidence=0.9)
    Event.objects.create(behaviour=source, action="test")
    page = services.for_standard(standard)
    assert [(b["slug"], [s["text"] for s in b["statements"]]) for b in page] == [(target.slug, ["Work as part of a team"])]
    assert current_labels().behaviours_of(standard.id) == (target.slug,)
    assert standard.id in services.behaviours_by_standard() and services.slugs_by_standard()[standard.id] == (target.slug,)


# -- imported text enriches the catalogue --------------------------------------------------------------


def test_imported_behaviours_and_values_sections_enrich_the_catalogue(tmp_path, load_reports):
    standard = Standard.objects.exclude(current=None).filter(current__title__icontains="team").order_by("id").first()
    runner = CliRunner()
    shown = json.loads(runner.invoke(main, ["show", standard.slug, "--format", "json"]).stdout)
    services.build(standards=Standard.objects.filter(pk=standard.pk), limit=10, by="test")
    before = Evidence.objects.filter(standard=standard).count()

    shown["urn"] = shown["current"]["urn"] = "ZZBEHAVIOURS1"
    shown["current"]["behaviours"] = (
        "<ul><li>Treat colleagues and customers with courtesy and respect</li>"
        "<li>Remain calm and composed under pressure</li><li>Take responsibility for your own learning</li></ul>"
    )
    shown["current"]["values"] = "<p>Act with honesty and integrity at all times.</p>"
    path = tmp_path / "with-behaviours.json"
    path.write_text(json.dumps([shown], ensure_ascii=False), encoding="utf-8")
    # imported as `noshub import` imports it, without its refit of the SOC coder afterwards (a
    # minute or two on the whole catalogue, and nothing this test reads)
    from noshub.loading import import_path

    report = import_path(path)
    assert not report.error, report.error
    imported = Standard.objects.get(current__urn="ZZBEHAVIOURS1")
    services.build(standards=Standard.objects.filter(pk__in=[standard.pk, imported.pk]), limit=10, by="test")
    found = Evidence.objects.filter(standard=imported)
    assert set(found.values_list("field", flat=True)) >= {"behaviours", "values"}
    assert found.count() > before
    assert found.filter(field="values", text__icontains="integrity").exists()
    result = runner.invoke(main, ["behaviours", "show", found.first().behaviour.slug])
    assert result.exit_code == 0 and "Examples:" in result.output


def test_the_cli_lists_shows_and_refuses_unknown_behaviours(built):
    runner = CliRunner()
    listed = runner.invoke(main, ["behaviours", "list", "--format", "json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)["behaviours"]
    missing = runner.invoke(main, ["behaviours", "show", "no-such-behaviour"])
    assert missing.exit_code == 1 and "No behaviour 'no-such-behaviour'" in missing.output


# -- split, browse, PDF ----------------------------------------------------------------------------


def _splittable() -> Behaviour:
    """A behaviour evidenced by at least three different statements."""
    for b in Behaviour.objects.exclude(status=MERGED).order_by("-nos_count"):
        if len(services.statement_choices(b.slug)) >= 3:
            return b
    pytest.skip("no behaviour with three statements in the slice")


def test_staff_split_statements_off_and_the_split_survives_a_rebuild(built):
    admin = _user("beh-admin4", "administrator")
    source = _splittable()
    choices = services.statement_choices(source.slug)
    moving = choices[:2]
    new = services.split(admin, source.slug, "Keeping calm", moving, "Stays composed under pressure.", "two ideas")
    assert new.key == f"split:{new.slug}" and new.renamed and new.name == "Keeping calm"
    # Statements move by their words (case and punctuation aside: a title and a keyword may differ only so).
    assert {services._norm(t) for t in new.evidence.values_list("text", flat=True)} == {services._norm(t) for t in moving}
    assert not source.evidence.filter(text__in=moving).exists() and source.evidence.exists()
    assert new.nos_count >= 1 and {m.scheme for m in new.mappings.all()} == {"esco", "onet", "metaskills", "ifate"}
    assert Event.objects.filter(behaviour=source, action="split", by="beh-admin4").exists()
    recorded = Event.objects.get(behaviour=new, action="split_from").after["statements"]
    assert recorded == sorted(recorded) and {services._norm(t) for t in recorded} == {services._norm(t) for t in moving}
    # A rebuild sends the split statements to the new behaviour again; the source keeps the rest.
    services.build(standards=_slice(), limit=30, by="test")
    new.refresh_from_db()
    assert new.name == "Keeping calm" and set(new.evidence.values_list("text", flat=True)) >= set(moving)
    assert not Evidence.objects.filter(text__in=moving).exclude(behaviour=new).exists()
    # Merging the split behaviour away hands its claims on.
    target = services.merge(admin, new.slug, source.slug, "after all the same")
    assert set(target.claims) >= set(new.claims) and Behaviour.objects.get(pk=new.pk).claims == []


def test_bad_splits_are_refused_naming_the_field_and_change_nothing(built, client):
    admin = _user("beh-admin5", "administrator")
    source = _splittable()
    choices = services.statement_choices(source.slug)
    before = (Behaviour.objects.count(), Evidence.objects.filter(behaviour=source).count(), Event.objects.count())
    for kwargs, parameter in (
        ({"name": "X", "statements": []}, "statements"),
        ({"name": "X", "statements": "a text, not a list"}, "statements"),
        ({"name": "X", "statements": ["nothing this behaviour says"]}, "statements"),
        ({"name": "X", "statements": choices}, "statements"),  # everything: a rename, not a split
        ({"name": "  ", "statements": choices[:1]}, "name"),
    ):
        with pytest.raises(InvalidParameter) as caught:
            services.split(admin, source.slug, **kwargs)
        assert caught.value.name == parameter, kwargs
    with pytest.raises(Forbidden):
        services.split(_user("beh-public2", None), source.slug, "X", choices[:1])
    assert (Behaviour.objects.count(), Evidence.objects.filter(behaviour=source).count(), Event.objects.count()) == before
    # Through the page: JSON with a bad body is a 400 naming the JSON path; a form posts ticked statements.
    client.force_login(admin)
    url = f"/behaviours/{source.slug}/edit/"
    response = client.post(url, {"action": "split", "name": "X", "statements": [1]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "$.statements[0]"
    assert "Split statements off into a new behaviour" in client.get(f"/behaviours/{source.slug}/").content.decode()
    response = client.post(url, {"action": "split", "name": "Split by form", "statements": choices[:2]})
    assert response.status_code == 302
    made = Behaviour.objects.get(name="Split by form")
    assert response["Location"].endswith(f"/behaviours/{made.slug}/") and made.evidence.count() >= 2


def test_browsing_by_suite_and_by_occupation_with_json_twins(built, client):
    suites = client.get("/behaviours/suites.json").json()
    assert suites["by"] == "suite" and suites["groups"]
    first = suites["groups"][0]
    assert first["title"] and 0 < first["covered"] <= first["nos"] and len(first["behaviours"]) <= 5
    one = client.get("/behaviours/suites.json", {"suite": first["key"]}).json()
    assert [g["key"] for g in one["groups"]] == [first["key"]]
    assert one["groups"][0]["behaviours"][: len(first["behaviours"])] == first["behaviours"]
    page = client.get("/behaviours/suites/").content.decode()
    assert first["title"] in page and 'rel="alternate"' in client.get("/behaviours/suites/")["Link"]
    occupations = client.get("/behaviours/occupations.json").json()
    assert occupations["by"] == "occupation" and all(len(g["key"]) == 1 for g in occupations["groups"])
    # The test load holds SOC 2020 codes only where the crosswalk or the coder gave them; drill down where there are some.
    major = occupations["groups"][0]["key"] if occupations["groups"] else ""
    if major:
        below = client.get("/behaviours/occupations.json", {"soc": major}).json()
        assert below["selected"] == major and all(len(g["key"]) == 2 and g["key"].startswith(major) for g in below["groups"])
    assert client.get("/behaviours/occupations/", {"soc": major} if major else {}).status_code == 200
    for url, params, code in (
        ("/behaviours/suites.json", {"suite": "abc"}, 400),
        ("/behaviours/suites.json", {"suite": "999999999"}, 404),
        ("/behaviours/occupations.json", {"soc": "12345"}, 400),
        ("/behaviours/occupations.json", {"soc": "x1"}, 400),
    ):
        assert client.get(url, params).status_code == code, params
    from tests.web.test_welsh_pages import _English, _po_english, english_left

    client.cookies["django_language"] = "cy"
    english = _English(_po_english())
    for url in (
        "/behaviours/suites/",
        f"/behaviours/occupations/?soc={major}" if major else "/behaviours/occupations/",
        "/behaviours/",
    ):
        html = client.get(url).content.decode()
        assert '<html lang="cy"' in html and not english_left(html, english), url
    assert "Ymddygiadau gwaith fesul cyfres" in client.get("/behaviours/suites/").content.decode()


def test_the_catalogue_as_a_tagged_pdf_in_english_and_welsh(built, client):
    response = client.get("/behaviours/catalogue.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert data.startswith(b"%PDF-") and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en"
    client.cookies["django_language"] = "cy"
    welsh = client.get("/behaviours/catalogue.pdf").content
    assert welsh.startswith(b"%PDF-") and welsh != data


def test_the_catalogue_pdf_is_made_once_a_language_until_the_catalogue_changes(built, client, monkeypatch):
    from noshub.catalogue import stamp as catalogue_stamp

    made, real = [], services.export_pdf
    monkeypatch.setattr(services, "export_pdf", lambda language: made.append(language) or real(language))
    catalogue_stamp.bump("behaviours")  # a change: nothing is kept for it yet
    first = client.get("/behaviours/catalogue.pdf").content
    assert client.get("/behaviours/catalogue.pdf").content == first and made == ["en"]
    client.cookies["django_language"] = "cy"
    assert client.get("/behaviours/catalogue.pdf").content != first and made == ["en", "cy"]
    catalogue_stamp.bump("behaviours")  # an edit, merge or build
    client.get("/behaviours/catalogue.pdf")
    assert made == ["en", "cy", "cy"]
