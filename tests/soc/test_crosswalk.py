"""SOC 2010 → SOC 2020 migration on the real catalogue."""

from __future__ import annotations

from collections import defaultdict

import pytest

from noshub.catalogue.models import NosSocCode, NosVersion
from noshub.soc.models import CrosswalkSource
from noshub.soc.services import migrate_crosswalk

pytestmark = pytest.mark.django_db


def test_migrate_links_each_nos_to_soc2020_with_weights_summing_to_one(crosswalked):
    report = crosswalked
    assert report.migrated > 12000 and report.created >= report.migrated and report.deleted == 0
    links = NosSocCode.objects.filter(source="crosswalk").values_list("version_id", "weight")
    per_version = defaultdict(float)
    for vid, weight in links:
        per_version[vid] += weight
    assert len(per_version) == report.migrated
    assert all(abs(total - 1.0) < 1e-3 for total in per_version.values())


def test_chefs_5434_migrate_to_5434_with_its_provenance(crosswalked):
    version_id = NosSocCode.objects.filter(source="catalogue", soc_code__code="5434").values_list("version_id", flat=True).first()
    links = NosSocCode.objects.filter(version_id=version_id, source="crosswalk").select_related("soc_code")
    by_code = {link.soc_code.code: link for link in links}
    assert "5434" in by_code
    sources = CrosswalkSource.objects.filter(link=by_code["5434"])
    assert ("5434", 1.0) in [(s.soc2010, round(s.proportion, 6)) for s in sources]


def test_shares_of_each_soc2010_code_are_kept_as_published(crosswalked):
    """The ONS shares of one SOC 2010 group add up to 1 (0.95 for a few, as published)."""
    per_code = defaultdict(float)
    seen = set()
    for link_id, code, share in CrosswalkSource.objects.values_list("link__version_id", "soc2010", "proportion"):
        per_code[(link_id, code)] += share
        seen.add(code)
    assert len(seen) > 200
    assert all(0.95 <= v <= 1.0 + 1e-6 for v in per_code.values())


def test_invalid_soc2010_codes_are_reported(crosswalked):
    report = crosswalked
    invalid = {row["soc2010"]: row for row in report.invalid_codes}
    assert "1170" in invalid and invalid["1170"]["nos"] >= 90
    assert invalid["1170"]["examples"]
    assert report.only_invalid > 0


def test_second_migration_changes_nothing(crosswalked):
    assert crosswalked.created > 12000  # the first run of this module made the links
    again = migrate_crosswalk()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged > 20000


def test_crosswalk_links_leave_the_catalogue_document_unchanged(crosswalked):
    """A crosswalked version's document hashes the same with and without its crosswalk links."""
    linked = NosSocCode.objects.filter(source="crosswalk").values("version_id")
    versions = NosVersion.objects.filter(id__in=linked).order_by("id")[:: max(1, crosswalked.migrated // 40)]
    assert len(versions) >= 40
    with_links = [v.to_document().content_hash() for v in versions]
    NosSocCode.objects.filter(source="crosswalk", version__in=versions).delete()
    assert [NosVersion.objects.get(id=v.id).to_document().content_hash() for v in versions] == with_links


def test_the_coder_learns_only_the_successors_with_five_percent_of_workers_in_some_ons_sample(load_reports):
    from noshub.soc import data
    from noshub.soc.coder import labels_from_soc2010

    successors = data.successor_table()
    crosswalk = data.crosswalk_table()
    # 1172 → 1111: 6.7% of women (census), 1.4% pooled: a right code; 1116 → 1111: 1.0% of
    # men (census) and nothing elsewhere: mapped, but not a right code
    assert "1111" in dict(successors["1172"]) and "1111" in dict(crosswalk["1116"])
    assert "1111" not in dict(successors["1116"])
    assert sum(len(v) for v in successors.values()) == 531 and sum(len(v) for v in crosswalk.values()) == 714
    labels = labels_from_soc2010(["1116"], data.soc_reference().crosswalk)
    assert labels and "1111" not in labels and abs(sum(labels.values()) - 1.0) < 1e-9
