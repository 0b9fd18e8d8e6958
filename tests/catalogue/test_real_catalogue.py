"""The real 2019 catalogue, loaded once by conftest exactly as `noshub load` loads it."""

from __future__ import annotations

from datetime import date

import pytest

from noshub.catalogue import services
from noshub.catalogue.models import NosVersion, Standard
from noshub.catalogue.stats import catalogue_stats

pytestmark = pytest.mark.django_db


def test_every_unique_urn_of_both_workbooks_is_held(load_reports):
    stats = catalogue_stats()
    # Hand count: 20,907 distinct raw URN strings in the two files; normalising case, spaces and
    # "&"/"_" leaves 20,699 (16 rows of the newer file have no URN and are rejected).
    assert stats["urns_by_source"]["catalogue"] == 20699
    # The finder pages (2025) add standards the 2019 catalogue did not have.
    page_only = Standard.objects.filter(versions__source_kind="page").exclude(versions__source_kind="catalogue")
    assert (
        stats["urns"]
        == 20699
        + page_only.exclude(urn_key__in=Standard.objects.filter(versions__source_kind="catalogue").values("urn_key"))
        .values("urn_key")
        .distinct()
        .count()
    )
    # URNs reused for another standard become extra, distinguishable standards.
    assert stats["standards"] == stats["urns"] + stats["urn_clashes"]["standards"] - stats["urn_clashes"]["urns"]
    assert sum(stats["by_validity"].values()) == stats["standards"]


def test_load_reports_count_every_row(load_reports):
    old = load_reports["PublishedNos-old Details.xlsx"]
    new = load_reports["PublishedNos Details.xlsx"]
    assert old.read == 20872 and new.read == 1221
    for report in (old, new):
        assert report.created + report.updated + report.unchanged + report.rejected == report.read
    # The 16 rows of the newer export with no URN, each named by row and field.
    assert new.rejected == 16
    assert {r.field for r in new.rejections} == {"URN"}
    assert all(r.file == "PublishedNos Details.xlsx" and isinstance(r.row, int) for r in new.rejections)
    assert NosVersion.objects.filter(source_kind="catalogue").count() == sum(r.created + r.updated for r in (old, new))


def test_a_second_load_changes_nothing(load_reports):
    from noshub.loading import load_all
    from tests.conftest import DATA_DIR

    before = NosVersion.objects.count()
    for report in load_all(DATA_DIR):
        assert (report.created, report.updated, report.error) == (0, 0, ""), report.summary()
    assert NosVersion.objects.count() == before


def test_a_record_from_the_newer_workbook_keeps_every_field(load_reports):
    v = services.get_standard("SKSJ29").current
    assert v.title == "Edit audio and video material for journalistic use"
    assert v.developed_by.name == "Creative Skillset"
    assert [s.name for s in v.suites.all()] == ["Journalism"]
    assert sorted(o.name for o in v.occupations.all()) == ["Arts, Media and Publishing"]
    assert sorted(k.key for k in v.keywords.all()) == ["audio", "edit", "journalism", "material", "video"]
    assert [(link.soc_code.classification, link.soc_code.code, link.source) for link in v.nossoccode_set.all()] == [
        ("2010", "2471", "catalogue")
    ]
    assert (v.validity, v.status, v.category) == ("current", "original", "job_specific")
    assert v.indicative_review_date == date(2022, 3, 31)
    assert v.source_file == "PublishedNos Details.xlsx" and v.source_row == 2


def test_placeholder_review_dates_become_empty_and_the_raw_value_is_kept(load_reports):
    placeholder = NosVersion.objects.filter(indicative_review_date_raw__startswith="1905-03-1")
    assert placeholder.count() > 10000
    assert not placeholder.exclude(indicative_review_date=None).exists()


def test_vocabulary_variants_are_normalised(load_reports):
    assert set(NosVersion.objects.values_list("validity", flat=True)) <= {"current", "legacy", "archive", ""}
    assert set(NosVersion.objects.values_list("category", flat=True)) == {"core", "generic", "job_specific", ""}
    # LEGACY / legacy / Legacy rows of the old file all read as legacy: 2302 + 302 + 2.
    assert NosVersion.objects.filter(validity="legacy", source_kind="catalogue").count() == 2606


def test_urn_in_any_form_finds_the_same_standard(load_reports):
    forms = ["CFAM&LBB4", "cfam_lbb4", "CFAM & LBB4", " cfam&lbb4 "]
    found = {tuple(s.slug for s in services.find_standards(f)) for f in forms}
    assert len(found) == 1 and found != {()}


def test_a_urn_used_for_two_different_standards_is_kept_apart_and_flagged(load_reports):
    standards = services.find_standards("SFSCSH8")
    titles = {s.current.title for s in standards}
    assert titles == {"Reconcile cash and coin", "Lift and handle goods safely"}
    assert all(s.urn_clash for s in standards)
    assert sorted(s.slug for s in standards) == ["SFSCSH8", "SFSCSH8~2"]


def test_a_legacy_and_a_current_record_are_two_versions_of_one_standard(load_reports):
    (standard,) = services.find_standards("SFLWS33")
    versions = list(standard.versions.order_by("sequence"))
    assert [v.validity for v in versions] == ["legacy", "current"]
    assert standard.current == versions[-1]
    assert versions[0].pdf_name == "SFLWS33L.pdf"  # the legacy version stays readable


def test_when_both_workbooks_hold_a_urn_the_later_modified_current_record_wins(load_reports):
    # EUSWT10: newer file modified 2018-11-22, older file modified 2019-03-22, both Current.
    standard = services.get_standard("EUSWT10")
    assert standard.versions.count() == 2
    assert standard.current.source_file == "PublishedNos-old Details.xlsx"


def test_original_urn_links_to_the_standard_it_names(load_reports):
    linked = NosVersion.objects.exclude(original_standard=None).select_related("original_standard", "standard")
    assert linked.count() > 100
    for v in linked[:50]:
        assert v.original_standard.urn_key != v.standard.urn_key
        assert services.find_standards(v.original_urn)[0] == v.original_standard


def test_past_review_date_counts_current_nos_only(load_reports):
    stats = catalogue_stats(today=date(2019, 6, 30))
    by_hand = sum(
        1
        for s in Standard.objects.select_related("current")
        if s.current.validity == "current"
        and s.current.indicative_review_date
        and s.current.indicative_review_date < date(2019, 6, 30)
    )
    assert stats["past_review_date"] == by_hand > 0
