"""What NOS Hub gives out for a NOS (`noshub show --format json`, `/api/v1/nos/<URN>`, the page
twin `/nos/<URN>.json`) is accepted again by `noshub import`: the read-only output fields (slug,
history, provenance, derived SOC links …) are recognised and ignored, and the version read back
is the stored one (same content hash), on real NOS."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from noshub.catalogue import services
from noshub.catalogue.models import NosSocCode, NosVersion, SocCode, Standard
from noshub.cli import main
from noshub.core.errors import RecordRejected
from noshub.core.readers.nosjson import document_from_json

pytestmark = pytest.mark.django_db


def _with_welsh_and_derived_links(standard: Standard) -> Standard:
    """The real data has no Welsh text and the test load runs no SOC coding: give the current
    version Welsh text and SOC 2020 links NOS Hub would derive (crosswalk, suggested)."""
    version = standard.current
    NosVersion.objects.filter(id=version.id).update(
        title_cy=f"Cymraeg: {version.title}",
        overview_cy="<p>Trosolwg y safon</p>",
        performance_criteria_cy=[{"ref": "P1", "text": "Gwneud y gwaith yn ddiogel"}],
        knowledge_and_understanding_cy=[{"ref": "K1", "text": "Y rheolau"}],
        keywords_cy=["diogelwch", "gwaith"],
    )
    for code, source, confidence in (("5434", "crosswalk", None), ("8211", "suggested", 0.7)):
        soc, _ = SocCode.objects.get_or_create(classification="2020", code=code)
        NosSocCode.objects.get_or_create(version=version, soc_code=soc, source=source, defaults={"confidence": confidence, "position": 9})
    version.refresh_from_db()
    NosVersion.objects.filter(id=version.id).update(content_hash=version.to_document().content_hash())
    return Standard.objects.select_related("current").get(id=standard.id)


def _sample() -> list[Standard]:
    """Real standards of every kind: a random sample, and ones with a placeholder review date,
    partial text, catalogue SOC codes, an Original URN, several versions, a reused URN; a few
    given Welsh text and derived SOC links."""
    with_current = Standard.objects.exclude(current=None)
    ids = list(with_current.order_by("id").values_list("id", flat=True))
    chosen = set(random.Random(18).sample(ids, 120))
    kinds = [
        with_current.exclude(current__indicative_review_date_raw="").filter(current__indicative_review_date=None),
        with_current.filter(current__text_partial=True),
        with_current.filter(current__nossoccode__source="catalogue"),
        with_current.exclude(current__original_urn=""),
        with_current.filter(versions__sequence=3),
        with_current.filter(urn_clash=True),
    ]
    for queryset in kinds:
        found = list(queryset.order_by("id").values_list("id", flat=True).distinct()[:10])
        assert found, queryset.query  # every kind exists in the real data
        chosen.update(found)
    for standard_id in sorted(chosen)[:5]:
        _with_welsh_and_derived_links(Standard.objects.select_related("current").get(id=standard_id))
    return list(Standard.objects.filter(id__in=chosen).select_related("current"))


def _as_json(data) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_show_json_reads_back_as_the_stored_version(load_reports):
    for standard in _sample():
        detail = _as_json(services.standard_detail(standard))
        assert document_from_json(detail).content_hash() == standard.current.to_document().content_hash(), standard.slug


def test_cli_api_and_page_twin_json_read_back(client, load_reports):
    standard = _with_welsh_and_derived_links(Standard.objects.filter(current__nossoccode__source="catalogue").first())
    expected = standard.current.to_document().content_hash()
    shown = CliRunner().invoke(main, ["show", standard.slug, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    api = client.get(f"/api/v1/nos/{standard.slug}")
    page = client.get(f"/nos/{standard.slug}.json")
    assert api.status_code == page.status_code == 200
    for data in (json.loads(shown.stdout), api.json(), page.json()):
        assert "slug" in data and "current" in data
        assert document_from_json(data).content_hash() == expected


def test_import_accepts_what_show_gives(tmp_path, load_reports):
    standard = _with_welsh_and_derived_links(Standard.objects.filter(current__nossoccode__source="catalogue").first())
    runner = CliRunner()
    shown = json.loads(runner.invoke(main, ["show", standard.slug, "--format", "json"]).stdout)
    versions = NosVersion.objects.count()

    same = tmp_path / "same.json"
    same.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["import", str(same), "--format", "json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)  # progress goes to stderr
    assert (report["read"], report["unchanged"], report["rejected"], report["created"]) == (1, 1, 0, 0), report
    assert NosVersion.objects.count() == versions  # the same content: no new version

    # Under a new URN it becomes a new standard whose version is the same NOS.
    shown["urn"] = shown["current"]["urn"] = "ZZROUNDTRIP1"
    other = tmp_path / "other.json"
    other.write_text(json.dumps([shown], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["import", str(other), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["created"] == 1
    (copy,) = services.find_standards("ZZROUNDTRIP1")
    original, imported = standard.current.to_document().content_dict(), copy.current.to_document().content_dict()
    assert {k: v for k, v in imported.items() if k != "urn"} == {k: v for k, v in original.items() if k != "urn"}
    assert copy.current.soc_codes.filter(nossoccode__source="catalogue").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d.update(current=None), "current"),
        (lambda d: d["current"].update(colour="red"), "current.colour"),
        (lambda d: d["current"].update(performance_criteria=[{"ref": "P1"}]), "current.performance_criteria[0]"),
        (lambda d: d["current"].update(version_number="two"), "current.version_number"),
        (lambda d: d["current"].update(date_approved="someday"), "current.date_approved"),
        (lambda d: d["current"].update(soc_codes=[{"code": "51x", "classification": "2010", "source": "catalogue"}]), "current.soc_codes[0].code"),
        (lambda d: d["current"]["welsh"].update(colour="coch"), "current.welsh.colour"),
        (lambda d: d.update(urn="OTHER1"), "urn"),
    ],
)
def test_bad_nos_hub_json_names_the_field(change, field, load_reports):
    detail = _as_json(services.standard_detail(Standard.objects.exclude(current=None).first()))
    change(detail)
    with pytest.raises(RecordRejected) as caught:
        document_from_json(detail)
    assert caught.value.field == field
