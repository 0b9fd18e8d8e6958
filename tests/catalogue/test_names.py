"""Suite and developer names on the loaded catalogue: variants merged with their spellings kept
as aliases, the `names` commands, a reviewer undoing a merge, and a database loaded before the rule."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from noshub.catalogue import names
from noshub.catalogue.importers import import_json
from noshub.catalogue.models import NameAlias, NosVersion, Organisation, Standard, Suite
from noshub.cli import main
from noshub.core.errors import InvalidParameter, NotFound
from noshub.core.names import name_key

pytestmark = pytest.mark.django_db


def test_no_two_suites_or_developers_share_a_key(load_reports):
    for model in (Suite, Organisation):
        keys = Counter(name_key(n) for n in model.objects.values_list("name", flat=True))
        assert [k for k, n in keys.items() if n > 1] == [], model.__name__
        assert "" not in keys


def test_the_catalogues_variants_are_merged_with_their_spellings_kept(load_reports):
    for dropped in (
        "&nbsp",
        "(Inc Change June 2007)",
        "Achieving Excellence in Sports Performance&nbsp",
        "Accident Repair – Joining",
    ):
        assert not Suite.objects.filter(name=dropped).exists(), dropped
    sports = Suite.objects.get(name="Achieving Excellence in Sports Performance")
    assert {"Achieving Excellence in Sports Performance&nbsp; (Inc Change June 2007)"} <= set(
        sports.aliases.values_list("spelling", flat=True)
    )
    joining = NameAlias.objects.get(kind="suite", spelling="Accident Repair – Joining")
    assert (joining.suite.name, joining.rule) == ("Accident Repair - Joining", "cleaned")
    # "Local Government Skills;&nbsp; Cultural and Heritage Venue Management" names two suites.
    cultural = NameAlias.objects.get(kind="suite", spelling="&nbsp; Cultural and Heritage Venue Management")
    assert name_key(cultural.suite.name) == name_key("Cultural and Heritage Venue Management")
    # LANACT3 is in 'Veterinary paraprofessional activities' (11 records), shown in the spelling most used (53).
    vet = NameAlias.objects.get(kind="suite", spelling="Veterinary paraprofessional activities")
    assert (vet.suite.name, vet.rule) == ("Veterinary Para-professional Activities", "merged")
    for shown, spelling in (
        ("OPITO", "Opito"),
        ("Construction Skills", "ConstructionSkills"),
        ("Skills for Justice", "Skills for justice"),
    ):
        alias = NameAlias.objects.get(kind="developer", spelling=spelling)
        assert (alias.organisation.name, alias.rule) == (shown, "merged")
        assert not Organisation.objects.filter(name=spelling).exists()
    opito = NosVersion.objects.filter(source_names__developed_by="Opito")
    assert opito.count() == 30 and {v.developed_by.name for v in opito} == {"OPITO"}


def test_the_developers_page_lists_each_developer_once(client, load_reports):
    names_shown = [d["name"] for d in client.get("/developers.json").json()["developers"]]
    assert "OPITO" in names_shown and "Opito" not in names_shown and "ConstructionSkills" not in names_shown
    assert len({name_key(n) for n in names_shown}) == len(names_shown)


def test_names_list_command(load_reports):
    result = CliRunner().invoke(main, ["names", "list", "--kind", "developer", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["spelling"]: r for r in json.loads(result.stdout)}
    assert rows["Opito"]["name"] == "OPITO" and rows["Opito"]["rule"] == "merged"
    text = CliRunner().invoke(main, ["names", "list"])
    assert "'Accident Repair – Joining' -> 'Accident Repair - Joining'" in text.output


def test_a_reviewer_undoes_a_merge_and_later_imports_follow(tmp_path, load_reports):
    before = NosVersion.objects.count()
    row = names.decide("developer", "Opito", "Opito", by="reviewer1", reason="a different body")
    assert (row["name"], row["rule"], row["decided_by"]) == ("Opito", "reviewer", "reviewer1")
    moved = NosVersion.objects.filter(source_names__developed_by="Opito")
    assert {v.developed_by.name for v in moved} == {"Opito"}
    assert Organisation.objects.get(name="OPITO").versions.exists()
    # The versions' fingerprints follow the names shown: their source imports unchanged.
    version = moved.select_related("standard").first()
    assert version.content_hash == version.to_document().content_hash()
    # A new NOS spelling its developer "Opito" follows the decision; its suite follows the rule.
    path = tmp_path / "new.json"
    path.write_text(
        json.dumps(
            [
                {
                    "URN": "ZZNAMES1",
                    "Title": "Check the lifeboat",
                    "Validity": "Current",
                    "Status": "Original",
                    "NOSCategory": "Core",
                    "Developed_by": "Opito",
                    "Suite": ["Accident Repair – Joining"],
                }
            ]
        )
    )
    report = import_json(path)
    assert report.created == 1, report.summary()
    new = Standard.objects.get(urn_key="ZZNAMES1").current
    assert new.developed_by.name == "Opito" and [s.name for s in new.suites.all()] == ["Accident Repair - Joining"]
    assert new.source_names == {"suites": ["Accident Repair – Joining"]}
    assert import_json(path).unchanged == 1
    assert NosVersion.objects.count() == before + 1
    # Merging it back: the separate name goes, its versions return.
    names.decide("developer", "Opito", "OPITO", by="reviewer1")
    assert not Organisation.objects.filter(name="Opito").exists()
    assert Standard.objects.get(urn_key="ZZNAMES1").current.developed_by.name == "OPITO"


def test_decide_refuses_what_it_cannot_do(load_reports):
    with pytest.raises(NotFound):
        names.decide("suite", "No such suite spelt so", "X", by="r")
    with pytest.raises(InvalidParameter):
        names.decide("colour", "Opito", "X", by="r")
    with pytest.raises(InvalidParameter):
        names.decide("developer", "Opito", "  ", by="r")
    with pytest.raises(InvalidParameter):
        names.decide("developer", "Opito", "OPITO", by="")
    result = CliRunner().invoke(main, ["names", "decide", "suite", "No such suite spelt so", "--name", "X", "--user", "r"])
    assert result.exit_code == 1 and "no suite is spelt" in result.output


def test_apply_rule_merges_names_held_from_before(load_reports):
    """A database loaded before the rule held variants as separate names: `apply_rule` (run by
    `noshub load`) merges them in one go, keeps each spelling, and a second run does nothing."""
    versions = list(NosVersion.objects.filter(standard__current_id__isnull=False).order_by("id")[:3])
    old = [
        Suite.objects.create(name=n)
        for n in ("Fish  Filleting &amp; Curing", "Fish Filleting and Curing", "fish filleting & curing")
    ]
    for version, suite in zip(versions, old, strict=True):
        version.suites.add(suite)
    dev = Organisation.objects.create(name="Seafish&nbsp")
    NosVersion.objects.filter(id=versions[0].id).update(developed_by=dev)

    done = names.apply_rule()
    assert done["suite"] >= 3 and done["developer"] >= 1
    (merged,) = Suite.objects.filter(name__in=["Fish Filleting & Curing", "Fish Filleting and Curing"])
    assert set(merged.versions.values_list("id", flat=True)) == {v.id for v in versions}
    assert {"Fish  Filleting &amp; Curing", "fish filleting & curing"} <= set(merged.aliases.values_list("spelling", flat=True))
    assert NosVersion.objects.get(id=versions[0].id).developed_by.name == "Seafish"
    assert NosVersion.objects.get(id=versions[0].id).source_names["developed_by"] == "Seafish&nbsp"
    assert names.apply_rule() == {"suite": 0, "developer": 0}


def test_a_search_filter_spelt_as_a_source_spelt_it_finds_the_name_shown(load_reports):
    from noshub.search.engine import SearchParams, search

    by_alias = search(SearchParams(developer="Opito", validity="all", per_page=1), log=False)
    shown = search(SearchParams(developer="OPITO", validity="all", per_page=1), log=False)
    assert by_alias.total == shown.total > 0 and by_alias.params.developer == "OPITO"
    suite = search(SearchParams(suite="Accident Repair – Joining", validity="all", per_page=1), log=False)
    assert suite.total >= 1


def test_the_staff_names_page_checks_roles_and_csrf(client, django_user_model, load_reports):
    from django.test import Client

    assert client.get("/catalogue/names/").status_code == 302  # sign in first
    someone = django_user_model.objects.create_user("someone", password="pw-someone-1")
    client.force_login(someone)
    assert client.get("/catalogue/names/").status_code == 403
    assert client.post("/catalogue/names/", {"kind": "developer", "spelling": "Opito", "name": "Opito"}).status_code == 403
    assert Organisation.objects.filter(name="Opito").exists() is False

    admin = django_user_model.objects.create_superuser("names-admin", password="pw-admin-1")
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(admin)
    page = guarded.get("/catalogue/names/", {"kind": "developer"})
    html = page.content.decode()
    assert page.status_code == 200 and "developer: Opito" in html and "suite: " not in html
    assert guarded.post("/catalogue/names/", {"kind": "developer", "spelling": "Opito", "name": "Opito"}).status_code == 403
    token = guarded.cookies["csrftoken"].value
    done = guarded.post(
        "/catalogue/names/", {"kind": "developer", "spelling": "Opito", "name": "Opito", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 200 and "is shown as “Opito”" in done.content.decode()
    alias = NameAlias.objects.get(kind="developer", spelling="Opito")
    assert (alias.organisation.name, alias.rule, alias.decided_by) == ("Opito", "reviewer", "names-admin")
    bad = guarded.post("/catalogue/names/", {"kind": "suite", "spelling": "nope", "name": "X", "csrfmiddlewaretoken": token})
    assert bad.status_code == 400 and "no suite is spelt" in bad.content.decode()
