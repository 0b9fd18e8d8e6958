"""The coder and the coding run on the real data."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from noshub.catalogue.models import NosVersion, Standard
from noshub.soc import services
from noshub.soc.coder import CoderText

pytestmark = pytest.mark.django_db


def test_suggest_for_chef_has_chefs_5434_in_top_three(soc_coder):
    suggestions = services.suggest_for_text("chef", top=3)
    assert "5434" in [s.code for s in suggestions]
    assert suggestions[0].title and 0.0 <= suggestions[0].confidence <= 1.0


@pytest.mark.parametrize(
    "text, code",
    [
        ("Shampoo and condition hair", "6221"),
        ("Plasterer", "5321"),
        ("nurse", "22"),
        ("welder", "5213"),
        ("software developer", "2134"),
    ],
)
def test_suggest_free_text(soc_coder, text, code):
    codes = [s.code for s in services.suggest_for_text(text, top=3)]
    assert any(c.startswith(code) for c in codes), codes


def test_suggestions_are_ranked_by_confidence(soc_coder):
    confidences = [s.confidence for s in services.suggest_for_text("Drive a bus on a scheduled route", top=10)]
    assert confidences == sorted(confidences, reverse=True)


def test_suggest_for_a_coded_nos_does_not_see_its_own_codes(soc_coder):
    standard, suggestions = services.suggest_for_standard("SKACHB10", top=3)
    assert standard.slug == "SKACHB10"
    assert suggestions[0].code == "6221"
    # a NOS query without the exclusion finds itself among the coded NOS: the answer may only be as good
    item = CoderText(key="SKACHB10", title="Shampoo and condition hair")
    assert soc_coder.suggest_many([item], top=1, exclude_self=True)[0][0].code == "6221"


def test_each_suggestion_names_coded_nos_like_it_that_carry_the_code(soc_coder):
    from noshub.soc import data

    _, suggestions = services.suggest_for_standard("SKACHB10", top=3)
    first = suggestions[0]
    assert first.code == "6221" and len(first.similar) == 3
    urns = [x.key for x in first.similar]
    assert "SKACHB10" not in urns  # never the NOS itself
    crosswalk = data.crosswalk_table()
    by_urn = {it.slug: it for it in data.catalogue_nos(list(Standard.objects.filter(slug__in=urns).values_list("id", flat=True)))}
    for urn in urns:  # each carries 6221 through its catalogue SOC 2010 codes
        assert "6221" in {u for c in by_urn[urn].soc2010 for u, share in crosswalk.get(c, []) if share > 0}, urn
    assert all("hair" in x.title.lower() for x in first.similar), first.similar
    # the same evidence in the JSON of the API and the CLI, for free text too
    as_json = services.suggestion_dict(first)["similar_nos"]
    assert [x["urn"] for x in as_json] == urns and all(0 < x["similarity"] <= 1 for x in as_json)
    chef = services.suggest_for_text("Prepare and cook fish dishes", top=1)[0]
    assert chef.code == "5434" and any("fish" in x.title.lower() for x in chef.similar)


@pytest.mark.parametrize("urn", ["NOPE-NOT-A-URN", "", "   "])
def test_unknown_urn_is_refused(soc_coder, urn):
    with pytest.raises(services.SocError):
        services.suggest_for_standard(urn)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_text_is_refused(soc_coder, text):
    with pytest.raises(services.SocError):
        services.suggest_for_text(text)


@pytest.mark.parametrize("top", [0, -1, 21, "3", True])
def test_bad_top_is_refused(soc_coder, top):
    with pytest.raises(services.SocError):
        services.suggest_for_text("chef", top=top)


def test_every_current_nos_has_a_soc2020_code_after_migrate_and_coding_run(soc_coder, coded_catalogue):
    from noshub.loading import load_all

    run = coded_catalogue.coded  # the module's `noshub soc crosswalk` and `noshub soc code`
    assert run.coded > 7000 and run.suggestions >= run.coded
    report = services.alignment_report()
    current = report["current_nos"]
    assert current["by_best_source"]["none"] == 0
    assert current["by_best_source"]["crosswalk"] > 11000
    assert current["by_best_source"]["suggested"] > 7000
    assert report["all_standards"]["by_best_source"]["none"] == 0
    assert current["share_with_any_code"] == 1.0
    # every suggestion carries its confidence
    assert not NosVersion.objects.filter(nossoccode__source="suggested", nossoccode__confidence__isnull=True).exists()
    # gaps and crowded groups are reported
    assert report["unit_groups"] == 412
    assert all(
        g["nos"] == 0 for g in report["gaps"] for g in report["groups"] if g["code"] in {x["code"] for x in report["gaps"]}
    )
    assert report["crowded"] and all(g["nos"] > report["crowded_threshold"] for g in report["crowded"])
    # NOS Hub's own links never change a NOS's content: loading again creates and updates nothing
    again = load_all()
    assert all(r.created == 0 and r.updated == 0 for r in again if r.kind in ("catalogue", "page")), [r.summary() for r in again]


def test_browse_nos_under_a_group(soc_coder, coded_catalogue):
    minor = services.nos_in_group("543")
    assert minor["total"] > 0 and minor["level"] == "minor"
    assert all(any(link["code"].startswith("543") for link in r["links"]) for r in minor["items"])
    with pytest.raises(services.SocError):
        services.nos_in_group("99999")


@pytest.mark.parametrize("catalogue_codes", ["none", "only invalid"])
def test_suggest_for_an_uncoded_nos_reads_its_uncoded_suite_mates_as_a_coding_run_does(
    soc_coder, coded_catalogue, catalogue_codes
):
    from noshub.catalogue.models import NosSocCode

    settled = NosSocCode.objects.filter(source__in=("crosswalk", "confirmed")).values("version_id")
    uncoded = Standard.objects.exclude(current_id=None).exclude(current_id__in=settled).exclude(current__suites=None)
    # a NOS whose catalogue SOC 2010 codes are all invalid has no crosswalked code either
    with_2010 = NosSocCode.objects.filter(source="catalogue").values("version_id")
    if catalogue_codes == "none":
        uncoded = uncoded.exclude(current_id__in=with_2010)
    else:
        uncoded = uncoded.filter(current_id__in=with_2010)
    standard = next(s for s in uncoded.order_by("slug") if len(services._uncoded_suite_mates(s)) >= 3)
    mates = Standard.objects.filter(id__in=services._uncoded_suite_mates(standard))
    suites = set(standard.current.suites.values_list("id", flat=True))
    for mate in mates:
        assert mate.id != standard.id
        assert suites & set(mate.current.suites.values_list("id", flat=True))
        assert not mate.current.nossoccode_set.filter(source__in=("crosswalk", "confirmed")).exists()
    # a coding run of the NOS with its mates stores what suggest shows for the NOS alone
    services.code_catalogue(standard_ids=[standard.id, *mates.values_list("id", flat=True)])
    stored = list(
        standard.current.nossoccode_set.filter(source="suggested").order_by("position").values_list("soc_code__code", flat=True)
    )
    _, suggestions = services.suggest_for_standard(standard.slug, top=3)
    assert [s.code for s in suggestions] == stored[:3]


def _run(args):
    from noshub.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_cli_suggest_json(soc_coder):
    result = _run(["soc", "suggest", "--text", "chef", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["code"] for s in data["suggestions"]][:3].count("5434") == 1
    assert {"code", "title", "confidence", "similar_nos"} <= set(data["suggestions"][0])


def test_cli_suggest_text_prints_code_title_confidence(soc_coder):
    result = _run(["soc", "suggest", "--text", "chef", "--top", "2"])
    assert result.exit_code == 0
    first = result.output.splitlines()[0].split()
    assert first[0] == "5434" and 0 <= float(first[1]) <= 1 and first[2] == "Chefs"
    # then the coded NOS most like the text among those coded 5434, one a line
    assert result.output.splitlines()[1].strip().startswith("like ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--urn", "NOPE-NOT-A-URN"], "no NOS has the URN"),
        (["--text", "  "], "empty"),
        (["--text", "chef", "--top", "0"], "--top"),
        ([], "exactly one"),
        (["--urn", "SKACHB10", "--text", "chef"], "exactly one"),
    ],
)
def test_cli_suggest_bad_input(soc_coder, args, message):
    result = _run(["soc", "suggest", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_cli_crosswalk_and_report_json(soc_coder, load_reports):
    result = _run(["soc", "crosswalk", "--format", "json"])
    assert result.exit_code == 0
    assert any(row["soc2010"] == "1170" for row in json.loads(result.stdout)["invalid_codes"])  # progress: stderr
    result = _run(["soc", "report", "--format", "json"])
    data = json.loads(result.output)
    assert data["current_nos"]["by_best_source"]["crosswalk"] > 11000
    assert Standard.objects.count() == data["all_standards"]["nos"]


def test_cli_soc_migrate_is_kept_as_an_alias_of_crosswalk(soc_coder, load_reports):
    result = _run(["soc", "migrate", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "'noshub soc migrate' is deprecated and will be removed in the next release: use 'noshub soc crosswalk'."
    )
    assert "invalid_codes" in json.loads(result.stdout)


@pytest.mark.parametrize("text", ["head chef", "Plasterer", "software developer", "HGV driver"])
def test_a_short_job_title_is_coded_as_a_job_title(soc_coder, text):
    assert soc_coder._signals.is_job_title(CoderText.free_text(text))


@pytest.mark.parametrize("text", ["Texturise hair", "Assemble components", "Supervise the funeral", "Cut hair"])
def test_a_short_nos_title_is_not_taken_for_a_job_title(soc_coder, text):
    # on whole suites held out, NOS titles of up to three words calibrated as job titles were
    # right first 28% of the time at a mean confidence of 45%
    assert not soc_coder._signals.is_job_title(CoderText.free_text(text))


def test_coding_run_with_too_few_coded_nos_is_refused_and_writes_nothing(monkeypatch):
    from noshub.catalogue.models import NosSocCode
    from noshub.soc.models import CodingRun

    # a database with only a few coded NOS: the coder learns from five of the catalogue's
    labelled_from = services.data.labelled_from
    monkeypatch.setattr(services.data, "labelled_from", lambda items, crosswalk: labelled_from(items, crosswalk)[:5])
    runs, links = CodingRun.objects.filter(kind="code").count(), NosSocCode.objects.filter(source="suggested").count()
    result = _run(["soc", "code", "--refit"])
    assert result.exit_code == 1
    assert "needs at least 20, and has 5" in result.output
    assert CodingRun.objects.filter(kind="code").count() == runs  # no unfinished run left behind
    assert NosSocCode.objects.filter(source="suggested").count() == links

