"""The readers of ESCO, O*NET, the crosswalk and IfATE (real files and broken ones) and the pure
linking pieces: coding-index title look-up, the SOC combiner, the ranker, the crosswalk resolver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from noshub.core.errors import ImportRejected
from noshub.core.occupations.ranker import FEATURES, OccupationRanker
from noshub.core.occupations.soclink import combine
from noshub.core.occupations.socrank import EvidenceRanker
from noshub.core.occupations.titles import TitleIndex
from noshub.core.readers import occupations as readers
from noshub.core.readers.occupations import CrosswalkRow, OccupationRecord
from noshub.frameworks.linking import (
    Reference,
    fit_soc_ranker,
    ifate_soc_links,
    isco_soc_links,
    isco_soc_shares,
    job_titles_lead,
    job_titles_lean,
    ranked_soc_links,
    resolve_onet,
    soc_labels,
)

# -- real files --------------------------------------------------------------------------------------


def test_real_files_read(data_dir: Path):
    esco = readers.read_esco_occupations(data_dir / readers.ESCO_OCCUPATIONS)
    assert len(esco) > 3000
    director = next(e for e in esco if e.title == "technical director")
    assert director.isco08 == "2654" and "head of technical" in director.alt_titles
    onet = {o.code: o for o in readers.read_onet(data_dir / readers.ONET_DIR)}
    ceo = onet["11-1011.00"]
    assert ceo.title == "Chief Executives" and ceo.detail["job_zone"] == 5 and ceo.detail["tasks"]
    assert "CEO (Chief Executive Officer)" in ceo.alt_titles
    rows = readers.read_crosswalk(data_dir / readers.CROSSWALK)
    assert len(rows) == 1680 and rows[0].esco_label == "secretary of state" and rows[0].row == 2
    ifate = {r.code: r for r in readers.read_ifate(data_dir / readers.IFATE_STANDARDS)}
    assert len(ifate) == 515
    catering = ifate["479"]
    assert "Commercial catering equipment engineer" in catering.alt_titles
    assert catering.detail["duties"] and catering.detail["behaviours"] and catering.detail["level"] == 3
    assert "&lt;" not in catering.description and "<p>" not in catering.description


# -- broken files ------------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_esco_bad_isco_names_row_and_field(tmp_path):
    f = _write(
        tmp_path / "occ.csv",
        "conceptUri,iscoGroup,preferredLabel,altLabels,description,code\n"
        "http://x/occupation/1,2654,director,,d,2654.1\n"
        "http://x/occupation/2,26x4,welder,,d,1\n",
    )
    with pytest.raises(ImportRejected) as e:
        readers.read_esco_occupations(f)
    assert e.value.rejection.row == 3 and e.value.rejection.field == "iscoGroup" and "occ.csv" in str(e.value)


def test_esco_missing_column(tmp_path):
    f = _write(tmp_path / "occ.csv", "conceptUri,preferredLabel\nhttp://x/1,director\n")
    with pytest.raises(ImportRejected, match="no column"):
        readers.read_esco_occupations(f)


def test_onet_bad_code_and_job_zone(tmp_path):
    d = tmp_path / "onet"
    _write(d / readers.ONET_OCCUPATIONS, "O*NET-SOC Code\tTitle\tDescription\n11-1011.00\tChief Executives\tRun things\n")
    _write(d / readers.ONET_TASKS, "O*NET-SOC Code\tTask\tTask Type\n11-1011\tPlan\tCore\n")
    _write(d / readers.ONET_ZONES, "O*NET-SOC Code\tJob Zone\n11-1011.00\t5\n")
    _write(d / readers.ONET_TITLES, "O*NET-SOC Code\tReported Job Title\n11-1011.00\tCEO\n")
    with pytest.raises(ImportRejected) as e:
        readers.read_onet(d)
    assert e.value.rejection.file == readers.ONET_TASKS and e.value.rejection.row == 2
    _write(d / readers.ONET_TASKS, "O*NET-SOC Code\tTask\tTask Type\n11-1011.00\tPlan\tCore\n")
    _write(d / readers.ONET_ZONES, "O*NET-SOC Code\tJob Zone\n11-1011.00\t9\n")
    with pytest.raises(ImportRejected, match="job zone"):
        readers.read_onet(d)


def test_crosswalk_bad_number(tmp_path):
    f = _write(
        tmp_path / "cw.csv",
        "id,esco_occupation,isco_code,onet_code,onet_occupation,matching_job_titles,semantic_similarity,confidence,concept_uri\n"
        "1,mayor,1111,11-1011.00,chief executives,[],0.8,high,http://x/1\n",
    )
    with pytest.raises(ImportRejected) as e:
        readers.read_crosswalk(f)
    assert e.value.rejection.field == "confidence" and e.value.rejection.row == 2


def test_ifate_bad_shapes(tmp_path):
    f = _write(tmp_path / "ifate.json", json.dumps([{"larsCode": 1, "title": "Baker", "typicalJobTitles": "baker"}]))
    with pytest.raises(ImportRejected) as e:
        readers.read_ifate(f)
    assert e.value.rejection.field == "$[0].typicalJobTitles"
    _write(f, json.dumps([{"larsCode": 1, "title": ""}]))
    with pytest.raises(ImportRejected, match="title"):
        readers.read_ifate(f)
    _write(f, "{not json")
    with pytest.raises(ImportRejected, match="JSON"):
        readers.read_ifate(f)


# -- linking pieces ----------------------------------------------------------------------------------


def test_title_index_votes_and_ambiguity():
    index = TitleIndex([("Baker", "5432"), ("Chef", "5434"), ("Chef", "5434"), ("Chef", "1222"), ("Cook", "5435")])
    assert index.votes(["BAKER", "unknown"]) == {"5432": 1.0}
    votes = index.votes(["chef"])
    assert votes["5434"] == pytest.approx(2 / 3) and votes["1222"] == pytest.approx(1 / 3)
    assert index.unambiguous(["baker", "nothing"]) == "5432"
    assert index.unambiguous(["chef"]) is None
    assert index.unambiguous(["baker", "cook"]) is None
    assert index.unambiguous(["nothing"]) is None


def test_combine_types_links():
    index = TitleIndex([("Baker", "5432"), ("Bakery operative", "8111")])
    titles = {"5432": "Bakers and flour confectioners", "8111": "Food operatives"}
    links = combine("Baker", ["bakery operative"], {"5432": 0.7, "9999": 0.1}, index, titles)
    by_unit = {link.unit: link for link in links}
    assert links[0].unit == "5432" and by_unit["5432"].relation == "broad" and by_unit["5432"].provenance == "coding index"
    assert "Baker" in by_unit["5432"].reason and "SOC coder" in by_unit["5432"].reason
    assert by_unit["9999"].provenance == "text model" and by_unit["9999"].relation == "related"
    assert sum(link.confidence for link in links) == pytest.approx(1.0, abs=1e-3)
    exact = combine("Food operatives", [], {}, TitleIndex([("Food operatives", "8111")]), titles)
    assert exact[0].relation == "exact"
    assert combine("Nothing known", [], {}, index, titles) == []


def test_isco_relations():
    entries = [
        ("a", "1111", "1000"),
        ("b", "1111", "1000"),
        ("c", "2222", "2000"),
        ("d", "2223", "2000"),
        ("e", "3333", "3000"),
        ("f", "3333", "3001"),
    ]
    shares = isco_soc_shares(entries)
    assert shares["2000"] == {"2222": 0.5, "2223": 0.5}
    ref = Reference([], [OccupationRecord("isco08", c, c) for c in ("1000", "2000", "3000", "3001")], {}, [], [], [])
    rel = {(link.code, link.target_code): link.relation for link in isco_soc_links(ref, shares)}
    assert rel[("1000", "1111")] == "exact"
    assert rel[("2000", "2222")] == "narrow"
    assert rel[("3000", "3333")] == "broad"


def test_resolve_onet_codes():
    onet = {
        "11-3012.00": OccupationRecord("onet", "11-3012.00", "Administrative Services Managers"),
        "11-3031.00": OccupationRecord("onet", "11-3031.00", "Financial Managers"),
    }
    by_title = {"administrative service manager": "11-3012.00"}
    from noshub.core.text.titlekeys import title_content_key

    by_title = {title_content_key(o.title): o.code for o in onet.values()}

    def row(code, title):
        return CrosswalkRow(2, "u", "x", "1211", code, title, 1.0, 0.8)

    assert resolve_onet(row("11-3031.00", "financial managers"), onet, by_title) == ("11-3031.00", "")
    code, note = resolve_onet(row("11-3011.00", "administrative services managers"), onet, by_title)
    assert code == "11-3012.00" and "same title" in note
    code, note = resolve_onet(row("11-3031.02", "financial managers, branch or department"), onet, by_title)
    assert code == "11-3031.00" and "base" in note
    assert resolve_onet(row("99-9999.01", "nobody"), onet, by_title)[0] is None


def test_ranker_learns_from_known_pairs():
    targets = [
        OccupationRecord(
            "onet",
            "1",
            "Bakers",
            "Mix and bake ingredients to produce breads, rolls, cookies and cakes.",
            detail={"tasks": ["Bake bread"]},
        ),
        OccupationRecord(
            "onet", "2", "Welders", "Use hand-welding equipment to weld metal components.", detail={"tasks": ["Weld metal parts"]}
        ),
        OccupationRecord(
            "onet",
            "3",
            "Nurses",
            "Assess patient health problems and needs and administer nursing care.",
            detail={"tasks": ["Care for patients"]},
        ),
    ]
    queries = [
        OccupationRecord("esco", "a", "baker", "Bakers make bread and cakes.", isco08="7512"),
        OccupationRecord("esco", "b", "welder", "Welders join metal parts.", isco08="7212"),
        OccupationRecord("esco", "c", "nurse", "Nurses care for patients.", isco08="2221"),
        OccupationRecord("esco", "d", "pastry baker", "Pastry bakers bake cakes and breads.", isco08="7512"),
    ]
    ranker = OccupationRanker(targets).fit(queries, ["1", "2", "3", "1"])
    ranked = ranker.rank([OccupationRecord("esco", "e", "bread maker", "They bake bread and rolls.", isco08="7512")], top=3)
    assert ranked[0][0].code == "1" and ranked[0][0].confidence > ranked[0][1].confidence


def test_ranker_ablation_and_own_vote():
    """A signal left out is zero for every query; while fitting, a known pair's own vote is left
    out of its ISCO-08 signal (as for an occupation never seen)."""
    targets = [
        OccupationRecord("onet", "1", "Chefs", "Direct the preparation of food.", detail={"tasks": ["Plan menus"]}),
        OccupationRecord("onet", "2", "Cooks", "Prepare food in restaurants.", detail={"tasks": ["Cook meals"]}),
    ]
    known = [
        OccupationRecord("esco", "a", "head chef", "", isco08="3434"),
        OccupationRecord("esco", "b", "pastry chef", "", isco08="3434"),
        OccupationRecord("esco", "c", "cook", "", isco08="5120"),
    ]
    isco4 = FEATURES.index("isco4")
    ranker = OccupationRanker(targets, remember=True).fit(known, ["1", "1", "2"])
    assert ranker.signals(known[:1])[0, 0, isco4] == 1.0
    assert ranker.signals(known[:1], own=[0])[0, 0, isco4] == 1.0  # the pastry chef's vote remains
    assert not ranker.signals(known[2:], own=[1])[0, :, isco4].any()  # the cook's own vote was the only one
    ranker.without = [isco4]
    assert not ranker.signals(known)[..., isco4].any()


def test_evidence_ranker_learns_which_evidence_to_trust():
    """Of two kinds of evidence, the model learns to follow the one that was right, and the
    route's prior leans to the unit groups its known standards have."""
    evidences, routes, answers = [], [], []
    for i in range(40):
        right, wrong = f"{1000 + i % 7}", f"{2000 + i % 5}"
        evidences.append({"good": {right: 0.6, wrong: 0.3}, "bad": {wrong: 0.9, right: 0.1}})
        routes.append("Catering")
        answers.append(right)
    model = EvidenceRanker(["good", "bad"]).fit(evidences, routes, answers)
    ranked = model.rank({"good": {"5434": 0.5, "9999": 0.4}, "bad": {"9999": 0.95}}, "Catering")
    assert ranked[0].unit == "5434" and ranked[0].confidence > ranked[1].confidence
    assert abs(sum(r.confidence for r in ranked) - 1) < 0.01
    assert EvidenceRanker(["good"]).rank({"good": {"1000": 1.0}}) == []  # not fitted: nothing to say


def test_ifate_links_learn_from_standards_whose_job_titles_lean():
    """`frameworks build`'s IfATE path: standards whose job titles lean to one unit group label
    the model's training; every standard is then ranked from its evidence alone (job titles
    only corroborate: relation and provenance), and a standard with no evidence the model weighs
    falls back to the fixed weights."""
    index = TitleIndex([("Baker", "5432"), ("Cook", "5435"), ("Chef", "5434"), ("Chef", "5435"), ("Waiter", "9264")])
    titles = {"5432": "Bakers and flour confectioners", "5434": "Chefs", "5435": "Cooks"}
    records, evidence = [], []
    for i in range(30):
        right, wrong = ("5432", "5435") if i % 2 else ("5435", "5432")
        records.append(OccupationRecord("ifate", f"ST{i:04}", f"Standard {i}", "", alt_titles=("baker" if i % 2 else "cook",)))
        evidence.append({"coder_text": {right: 0.6, wrong: 0.3}, "sem_title": {wrong: 0.9, right: 0.5}})
    assert soc_labels(records, index)[1] == "5432" and len(soc_labels(records, index)) == 30
    assert soc_labels([OccupationRecord("ifate", "x", "x", "", alt_titles=("waiter", "baker", "cook"))], index) == {}
    ranker = fit_soc_ranker(evidence, sorted(soc_labels(records, index).items()))
    links = ranked_soc_links("ifate", records[:2], evidence[:2], ranker, index, titles)
    best = {link.code: link for link in reversed(links)}
    assert best["ST0001"].target_code == "5432" and best["ST0001"].relation == "broad"
    assert best["ST0001"].provenance == "coding index" and "Baker" not in best["ST0001"].reason  # its job title is "baker"
    assert "baker" in best["ST0001"].reason and "text model rank 1" in best["ST0001"].reason
    assert best["ST0000"].target_code == "5435"
    unknown = OccupationRecord("ifate", "ST9999", "Cook", "")
    fallback = ranked_soc_links("ifate", [unknown], [{}], ranker, index, titles)
    assert fallback[0].target_code == "5435" and fallback[0].relation == "broad"  # its title is an index title
    assert len(ifate_soc_links(records, evidence, index, titles)) == 2 * len(records)  # two candidates each
    assert fit_soc_ranker(evidence, []) is None


def test_job_titles_that_lean_to_one_unit_group_lead_the_build_s_links():
    """In the build (not in the bench, which hides them), a standard's own job titles lead where
    they lean to one unit group; confidences are the mixture of both readings."""
    from noshub.frameworks.linking import Link

    index = TitleIndex([("Baker", "5432"), ("Cook", "5435"), ("Chef", "5434"), ("Chef", "5435")])
    titles = {"5432": "Bakers and flour confectioners", "5434": "Chefs", "5435": "Cooks"}
    leaning = OccupationRecord("ifate", "ST1", "Bakery operative", "", alt_titles=("baker",))
    torn = OccupationRecord("ifate", "ST2", "Kitchen standard", "", alt_titles=("chef",))  # half 5434, half 5435
    ranked = [
        Link("ifate", "ST1", "soc2020", "5435", "related", 0.7, "text model", "text model rank 1"),
        Link("ifate", "ST1", "soc2020", "5432", "related", 0.2, "text model", "text model rank 2"),
        Link("ifate", "ST2", "soc2020", "5434", "close", 0.6, "text model", "text model rank 1"),
    ]
    out = job_titles_lead([leaning, torn], ranked, index, titles)
    st1 = [x for x in out if x.code == "ST1"]
    assert [x.target_code for x in st1] == ["5432", "5435"]
    assert st1[0].provenance == "coding index" and st1[0].relation == "broad" and st1[0].confidence == 1.0
    assert "baker" in st1[0].reason and "text model rank 2" in st1[0].reason and st1[1].confidence == 0.0
    assert [x for x in out if x.code == "ST2"] == ranked[2:]  # no unit group has more than half: the model's word stands
    assert sum(x.confidence for x in st1) <= 1.0


def test_one_rule_for_job_titles_that_lean_ties_lean_nowhere_and_the_title_does_not_count():
    """The training labels and the build's lead read the job titles by one rule
    (`job_titles_lean`): a 50/50 tie leans nowhere (no unit code breaks it), and the standard's
    own title, the model's evidence, is no vote."""
    from noshub.frameworks.linking import Link

    index = TitleIndex([("Baker", "5432"), ("Cook", "5435"), ("Chef", "5434"), ("Chef", "5435")])
    titles = {"5432": "Bakers and flour confectioners", "5434": "Chefs", "5435": "Cooks"}
    tie = OccupationRecord("ifate", "ST1", "Kitchen standard", "", alt_titles=("baker", "cook"))
    titled = OccupationRecord("ifate", "ST2", "Baker", "", alt_titles=("cook",))  # its title names 5432
    split = OccupationRecord("ifate", "ST3", "Cook", "", alt_titles=("baker",))
    assert job_titles_lean(tie, index) is None
    assert job_titles_lean(titled, index) == ("5435", 1.0) and job_titles_lean(split, index) == ("5432", 1.0)
    assert soc_labels([tie, titled, split], index) == {1: "5435", 2: "5432"}  # not {0: "5435", ...}
    ranked = [
        Link("ifate", "ST1", "soc2020", "5434", "related", 0.5, "text model", "text model rank 1"),
        Link("ifate", "ST2", "soc2020", "5432", "related", 0.6, "text model", "text model rank 1"),
        Link("ifate", "ST3", "soc2020", "5435", "related", 0.6, "text model", "text model rank 1"),
    ]
    out = job_titles_lead([tie, titled, split], ranked, index, titles)
    lead = {x.code: x for x in reversed(out)}
    assert lead["ST1"] == ranked[0]  # the tie leaves the model's word
    assert lead["ST2"].target_code == "5435" and lead["ST2"].provenance == "coding index"
    assert lead["ST3"].target_code == "5432" and "Cook" not in lead["ST3"].reason.split(": ")[1]
