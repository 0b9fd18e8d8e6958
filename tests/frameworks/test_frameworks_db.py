"""The map of other standards systems on the loaded real data: build, links, map, gaps, pages,
exports, API and CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from noshub.catalogue import stamp
from noshub.cli import main
from noshub.core.errors import ImportRejected
from noshub.frameworks import building, services
from noshub.frameworks.models import SOC2020, ExternalOccupation, OccupationLink

pytestmark = pytest.mark.django_db

RELATIONS = {"exact", "close", "broad", "narrow", "related"}
PROVENANCE = {"crosswalk", "coding index", "text model"}


@pytest.fixture(scope="module")
def built(coded_catalogue, django_db_blocker):
    """`noshub frameworks build` on the loaded, SOC-coded catalogue; undone after this module."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        report = building.build()
        yield report
        transaction.set_rollback(True)


def _best(scheme: str, code: str, target: str = SOC2020) -> OccupationLink:
    return (
        OccupationLink.objects.filter(source__scheme=scheme, source__code=code, target_scheme=target)
        .order_by("-confidence")
        .first()
    )


def test_build_reads_every_system_and_types_every_link(built):
    assert built["occupations"]["ifate"] == 515 and built["occupations"]["onet"] == 1016 and built["occupations"]["esco"] > 3000
    assert built["soc_coder"] is True
    assert stamp.current().of("frameworks")[0][0] >= 1  # pages showing the map see the build at their next request
    assert set(OccupationLink.objects.values_list("relation", flat=True)) <= RELATIONS
    assert set(OccupationLink.objects.values_list("provenance", flat=True)) == PROVENANCE
    assert (
        not OccupationLink.objects.filter(confidence__lt=0).exists()
        and not OccupationLink.objects.filter(confidence__gt=1).exists()
    )
    # Every IfATE standard and O*NET occupation that any evidence places gets a SOC 2020 unit group.
    linked = OccupationLink.objects.filter(source__scheme="ifate", target_scheme=SOC2020).values("source").distinct().count()
    assert linked >= 500
    assert OccupationLink.objects.filter(source__scheme="isco08", target_scheme=SOC2020, provenance="coding index").exists()


def test_links_say_what_they_rest_on(built):
    secretary = ExternalOccupation.objects.get(scheme="esco", title="secretary of state")
    crosswalk = secretary.links.get(target_scheme="onet")
    assert crosswalk.target_code == "11-1011.00" and crosswalk.provenance == "crosswalk" and "row 2" in crosswalk.reason
    # An ESCO occupation the crosswalk lacks is ranked by the text model (and may inherit).
    lacking = OccupationLink.objects.filter(source__scheme="esco", target_scheme="onet", provenance="text model").first()
    assert (
        lacking is not None
        and "text model rank 1"
        in OccupationLink.objects.filter(source=lacking.source, provenance="text model").order_by("-confidence").first().reason
    )
    # IfATE standards are ranked by the learnt evidence ranker, their job titles hidden from it;
    # then job titles that lean to one unit group lead (the accident repair technician's: 5232,
    # vehicle body builders and repairers), and a unit group they name is marked so.
    repair = ExternalOccupation.objects.get(scheme="ifate", title="Accident repair technician")
    best = _best("ifate", repair.code)
    assert best.target_code == "5232" and best.provenance == "coding index" and "lean to 5232 in the coding index" in best.reason
    for link in repair.links.filter(target_scheme=SOC2020):
        assert (link.provenance == "coding index") == ("coding-index job titles of" in link.reason or "lean to" in link.reason)
    corroborated = OccupationLink.objects.filter(source__scheme="ifate", target_scheme=SOC2020, provenance="coding index")
    assert corroborated.exists() and "coding-index job titles of" in corroborated.first().reason


def test_group_map_and_nos_counterparts(built):
    chefs = services.group_map("5434")
    assert chefs["level"] == "unit" and chefs["nos"]["total"] > 0
    assert any("chef" in o["title"].lower() for o in chefs["ifate"]["items"])
    assert any("cook" in o["title"].lower() or "chef" in o["title"].lower() for o in chefs["esco"]["items"])
    assert any(o["code"].startswith("35-1011") for o in chefs["onet"]["items"])
    major = services.group_map("5")
    assert major["ifate"]["total"] >= chefs["ifate"]["total"] and {c["code"] for c in major["children"]} >= {"54"}
    urn = chefs["nos"]["items"][0]["urn"]
    mine = services.nos_map(urn)
    assert "5434" in {s["code"] for s in mine["soc2020"]}
    ifate = mine["systems"]["ifate"]["items"]
    assert ifate and ifate[0]["link"]["skos"].startswith("skos:") and "shared_words" in ifate[0]
    with pytest.raises(services.FrameworksNotFound):
        services.group_map("99x")
    with pytest.raises(services.FrameworksNotFound):
        services.nos_map("NO-SUCH-NOS-123")


def test_gaps_are_unit_groups_one_side_lacks(built):
    from noshub.soc.services import nos_in_group

    g = services.gaps(limit=1000)
    assert g["ifate_without_nos"]["total"] > 0 and g["nos_without_ifate"]["total"] > 0
    lacking = g["ifate_without_nos"]["items"][0]
    assert lacking["ifate"] and nos_in_group(lacking["code"])["total"] == 0
    covered = g["nos_without_ifate"]["items"][0]
    assert nos_in_group(covered["code"])["total"] == covered["nos_count"] > 0
    assert not {x["code"] for x in g["nos_without_ifate"]["items"]} & {x["code"] for x in g["ifate_without_nos"]["items"]}


def test_pages_twins_welsh_and_errors(built, client):
    page = client.get("/frameworks/")
    assert page.status_code == 200 and "Occupational standards systems on SOC 2020" in page.content.decode()
    assert client.get("/frameworks/index.json").json()["occupations"]["IfATE"] == 515
    group = client.get("/frameworks/soc/5434/")
    assert group.status_code == 200 and 'rel="alternate"' in group["Link"]
    twin = client.get("/frameworks/soc/5434.json").json()
    assert twin == json.loads(json.dumps(services.group_map("5434"), default=str))
    assert client.get("/frameworks/?soc=5434").status_code == 302
    urn = twin["nos"]["items"][0]["urn"]
    assert client.get(f"/frameworks/nos/{urn}/").status_code == 200
    assert client.get(f"/frameworks/nos/{urn}.json").json()["urn"] == urn
    assert client.get("/frameworks/gaps.json").json()["ifate_without_nos"]["total"] > 0
    assert client.get("/frameworks/soc/99x/").status_code == 404
    assert client.get("/frameworks/soc/99x.json").json()["error"]["code"] == "not_found"
    assert client.get("/frameworks/nos/NO-SUCH/").status_code == 404
    client.cookies["django_language"] = "cy"
    assert "Systemau safonau galwedigaethol ar SOC 2020" in client.get("/frameworks/").content.decode()
    assert "Cymheiriaid mewn systemau safonau eraill" in client.get(f"/frameworks/nos/{urn}/").content.decode()


def test_exports_neutralise_formulas_and_give_skos_mappings(built, client):
    o = ExternalOccupation.objects.create(scheme="esco", code="formula-test", title='=HYPERLINK("http://evil")')
    OccupationLink.objects.create(
        source=o,
        target_scheme=SOC2020,
        target_code="5434",
        relation="related",
        confidence=0.3,
        provenance="text model",
        reason="+1",
    )
    rows = list(csv.reader(io.StringIO(client.get("/frameworks/links.csv?scheme=esco").content.decode())))
    assert rows[0][:3] == ["source_scheme", "source_code", "source_title"]
    (row,) = [r for r in rows if r[1] == "formula-test"]
    assert row[2].startswith("'=") and row[-1].startswith("'+")
    assert {r[0] for r in rows[1:]} == {"esco"}
    doc = json.loads(client.get("/frameworks/links.jsonld?scheme=ifate").content)
    relations = {k for node in doc["@graph"] for k in node if k.endswith("Match")}
    assert relations and relations <= {f"skos:{r}Match" for r in RELATIONS}
    node = doc["@graph"][0]
    match = next(v for k, v in node.items() if k.endswith("Match"))[0]
    assert match["noshub:provenance"] in PROVENANCE and 0 <= match["noshub:confidence"] <= 1
    assert client.get("/frameworks/links.csv?scheme=nonsense").status_code == 400


def test_api(built, client):
    assert client.get("/api/v1/frameworks").json()["occupations"]["O*NET"] == 1016
    group = client.get("/api/v1/frameworks/soc2020/5434?limit=5").json()
    assert group["code"] == "5434" and len(group["esco"]["items"]) <= 5
    assert client.get("/api/v1/frameworks/soc2020/0000").status_code == 404
    assert client.get("/api/v1/frameworks/soc2020/5434?limit=0").json()["error"]["parameter"] == "limit"
    urn = group["nos"]["items"][0]["urn"]
    assert client.get(f"/api/v1/frameworks/nos/{urn}").json()["systems"]["esco"]["name"] == "ESCO"
    assert client.get("/api/v1/frameworks/nos/NO-SUCH").status_code == 404
    assert client.get("/api/v1/frameworks/gaps?limit=3").status_code == 200
    assert client.get("/api/v1/frameworks/links?format=csv&scheme=isco08").content.startswith(b"source_scheme")
    assert client.get("/api/v1/frameworks/links?format=xml").status_code == 400
    assert client.post("/api/v1/frameworks").status_code == 405
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/frameworks", "/frameworks/soc2020/{code}", "/frameworks/nos/{urn}", "/frameworks/gaps", "/frameworks/links"} <= set(
        spec["paths"]
    )


def test_cli(built):
    runner = CliRunner()
    shown = runner.invoke(main, ["frameworks", "map", "5434", "--format", "json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["code"] == "5434"
    text = runner.invoke(main, ["frameworks", "map", "5434"])
    assert "IfATE standards" in text.stdout
    assert runner.invoke(main, ["frameworks", "map", "99x"]).exit_code == 1
    assert runner.invoke(main, ["frameworks", "summary"]).exit_code == 0
    assert "IfATE standards but no NOS" in runner.invoke(main, ["frameworks", "gaps", "--limit", "2"]).stdout
    exported = runner.invoke(main, ["frameworks", "export", "--format", "jsonld", "--scheme", "isco08"])
    assert exported.exit_code == 0 and json.loads(exported.stdout)["@graph"]


def test_a_broken_file_is_refused_naming_it_and_nothing_changes(built, tmp_path, data_dir):
    import shutil

    for folder in ("esco", "onet", "crosswalks", "ifate"):
        shutil.copytree(data_dir / folder, tmp_path / folder)
    (tmp_path / "ifate" / "ifate_standards_2021.json").write_text('[{"larsCode": 1, "title": "Baker", "duties": "bake"}]')
    before = OccupationLink.objects.count()
    with pytest.raises(ImportRejected) as e:
        building.build(tmp_path)
    assert "ifate_standards_2021.json" in str(e.value) and "$[0].duties" in str(e.value)
    assert OccupationLink.objects.count() == before
    result = CliRunner().invoke(main, ["frameworks", "build", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "ifate_standards_2021.json" in result.output
