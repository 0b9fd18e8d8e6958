"""Tests of the ONS SOC 2020 readers (noshub.soc.readers).

The first part reads the real ONS workbooks (NOSHUB_DATA_DIR, default
<repo>/../shared/data; skipped when absent).  The expected figures were counted by
hand in the workbooks (16 April 2025 editions): Volume 1 lists 9 major, 26 sub-major,
104 minor and 412 unit groups; Volume 2's FILE SPEC sheet says "Number of records in
the SOC2020 coding index: 32,195", 231 of which carry }}}} (no code) in every code
column; the relationship table has 369 "Total sample" rows (SOC 2010 groups) and 714
SOC 2020 rows below them, plus one empty row at the end.

The second part builds small workbooks with openpyxl in tmp_path to check layout
handling and every way a file is rejected.
"""

from __future__ import annotations

import io
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from noshub.core.errors import ImportRejected
from noshub.soc.readers import (
    CodingIndexRecord,
    SocGroupRecord,
    SocRelationshipRecord,
    read_coding_index,
    read_soc2010_to_2020,
    read_soc2020_structure,
)

DATA_DIR = Path(os.environ.get("NOSHUB_DATA_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
SOC_DIR = DATA_DIR / "soc2020"
VOLUME1 = SOC_DIR / "soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx"
VOLUME2 = SOC_DIR / "soc2020volume2thecodingindexexcel16042025.xlsx"
RELATIONSHIP = SOC_DIR / "ONS_SOC2010_SOC2020.xlsx"

needs_data = pytest.mark.skipif(
    not (VOLUME1.is_file() and VOLUME2.is_file() and RELATIONSHIP.is_file()),
    reason=f"ONS SOC 2020 workbooks not found under {SOC_DIR} (set NOSHUB_DATA_DIR)",
)


# =========================================================================== real files


@pytest.fixture(scope="module")
def structure() -> list[SocGroupRecord]:
    return read_soc2020_structure(VOLUME1)


@pytest.fixture(scope="module")
def by_code(structure) -> dict[str, SocGroupRecord]:
    return {r.code: r for r in structure}


@pytest.fixture(scope="module")
def timed_coding_index() -> tuple[list[CodingIndexRecord], float]:
    start = time.perf_counter()
    records = read_coding_index(VOLUME2)
    return records, time.perf_counter() - start


@pytest.fixture(scope="module")
def coding_index(timed_coding_index) -> list[CodingIndexRecord]:
    return timed_coding_index[0]


@pytest.fixture(scope="module")
def relationships() -> list[SocRelationshipRecord]:
    return read_soc2010_to_2020(RELATIONSHIP)


@needs_data
class TestRealStructure:
    def test_counts_per_level(self, structure):
        assert Counter(r.level for r in structure) == {"major": 9, "sub_major": 26, "minor": 104, "unit": 412}
        assert len(structure) == 551
        assert len({r.code for r in structure}) == 551

    def test_code_length_matches_level(self, structure):
        lengths = {"major": 1, "sub_major": 2, "minor": 3, "unit": 4}
        for r in structure:
            assert r.code.isdigit() and len(r.code) == lengths[r.level], r

    def test_chefs(self, by_code):
        chefs = by_code["5434"]
        assert chefs.level == "unit"
        assert chefs.title == "Chefs"
        assert chefs.parent_code == "543"
        assert chefs.description.startswith("Chefs plan menus")
        assert "Apprenticeships are also available" in chefs.entry_routes
        assert len(chefs.tasks) == 5
        assert chefs.tasks[0] == "requisitions or purchases and examines foodstuffs from suppliers to ensure quality"
        assert chefs.related_job_titles == ("Chef", "Chef-manager", "Food stylist", "Head chef", "Pastry chef")
        assert chefs.sheet == "SOC2020 descriptions" and chefs.row == 379
        assert chefs.unique_id == "soc-y2yq" and chefs.framework_row == 542

    def test_top_levels(self, by_code):
        major = by_code["1"]
        assert (major.level, major.title, major.parent_code) == ("major", "Managers, directors and senior officials", None)
        assert major.tasks == () and major.related_job_titles == () and major.entry_routes == ""
        assert major.row == 2
        assert by_code["11"].title == "Corporate managers and directors" and by_code["11"].parent_code == "1"
        assert by_code["111"].parent_code == "11"
        assert by_code["1111"].parent_code == "111"
        assert by_code["9269"].title == "Other elementary services occupations n.e.c."

    def test_parent_links_consistent(self, structure, by_code):
        below = {"sub_major": "major", "minor": "sub_major", "unit": "minor"}
        for r in structure:
            if r.level == "major":
                assert r.parent_code is None
            else:
                parent = by_code[r.parent_code]
                assert parent.level == below[r.level]
                assert r.code.startswith(parent.code)
        children = Counter(r.parent_code for r in structure if r.parent_code)
        assert all(children[r.code] > 0 for r in structure if r.level != "unit")

    def test_every_unit_group_is_described(self, structure):
        for r in structure:
            if r.level == "unit":
                assert r.title and r.description and r.entry_routes, r.code
                assert r.tasks and r.related_job_titles, r.code
                assert r.unique_id and r.unique_id.startswith("soc-"), r.code
            assert r.description, r.code

    def test_list_items_are_clean(self, structure):
        for r in structure:
            for item in r.tasks + r.related_job_titles:
                assert item and item == item.strip()
                assert "~" not in item and "\n" not in item and "\xa0" not in item and "\t" not in item
        assert sum(len(r.tasks) for r in structure) > 412 * 4

    def test_framework_change_history(self, by_code):
        nurses = by_code["2232"]
        assert nurses.title == "Registered community nurses"
        assert nurses.version == "V7" and nurses.change == "Unit group title was Community nurses"
        assert sum(1 for r in by_code.values() if r.change) == 15


@needs_data
class TestRealCodingIndex:
    def test_count(self, coding_index):
        assert len(coding_index) > 32000
        assert len(coding_index) == 32195
        assert {r.sheet for r in coding_index} == {"SOC2020 coding index"}
        assert coding_index[0].row == 2 and coding_index[-1].row == 32196

    def test_chef_maps_to_5434(self, coding_index):
        chef = [r for r in coding_index if r.title.lower() == "chef"]
        assert len(chef) == 1
        assert (chef[0].soc2020_unit, chef[0].soc2020_sub_unit, chef[0].soc2010, chef[0].isco08) == (
            "5434",
            "5434/00",
            "5434",
            "3434",
        )
        assert chef[0].soc2020_unit_title == "Chefs"
        head = [r for r in coding_index if r.title == "Head chef"]
        assert head and head[0].index_title == "Chef, head" and head[0].soc2020_unit == "5434"

    def test_codes_well_formed_and_known(self, coding_index, by_code):
        units = {c for c, r in by_code.items() if r.level == "unit"}
        coded = [r for r in coding_index if not r.is_cross_reference]
        assert len(coded) == 31964
        for r in coded:
            assert r.soc2020_unit in units, r
            assert r.soc2020_sub_unit is None or r.soc2020_sub_unit.startswith(r.soc2020_unit + "/")
            assert r.isco08 is None or (len(r.isco08) == 4 and r.isco08.isdigit())
            assert r.soc2010 is None or (len(r.soc2010) == 4 and r.soc2010.isdigit())
        assert {r.soc2020_unit for r in coded} == units

    def test_cross_references(self, coding_index):
        refs = [r for r in coding_index if r.is_cross_reference]
        assert len(refs) == 231
        assert all(r.see and r.see.lower().startswith("see") for r in refs)
        assert all(r.soc2020_sub_unit is None and r.soc2010 is None and r.isco08 is None for r in refs)
        advisor = next(r for r in refs if r.title == "Advisor")
        assert advisor.see == "see Adviser"

    def test_isco_leading_zero_kept(self, coding_index):
        assert Counter(r.isco08 for r in coding_index if r.isco08 and r.isco08[0] == "0") == {
            "0110": 63,
            "0310": 38,
            "0210": 21,
        }

    def test_inconsistent_sub_unit_reported(self, coding_index):
        flagged = [r for r in coding_index if r.issues]
        assert [(r.unique_id, r.row, r.soc2020_unit, r.soc2020_sub_unit) for r in flagged] == [("b1zb", 8179, "1132", None)]
        assert "1139/02" in flagged[0].issues[0]


@needs_data
class TestRealRelationship:
    def test_counts(self, relationships):
        assert len(relationships) == 714
        assert len({r.soc2010 for r in relationships}) == 369
        assert len({(r.soc2010, r.soc2020) for r in relationships}) == 714

    def test_known_links(self, relationships):
        first = relationships[0]
        assert (first.soc2010, first.soc2010_title, first.soc2020, first.soc2020_title) == (
            "1115",
            "Chief executives and senior officials",
            "1111",
            "Chief executives and senior officials",
        )
        assert (first.sheet, first.row, first.soc2010_row) == ("Sheet1", 3, 2)
        assert (first.men_census_base, first.women_census_base) == (808, 213)
        assert first.men_census_proportion == pytest.approx(0.9987623762376238)
        # pooled census share: (808 * 0.99876 + 213 * 0.99531) / 1021
        assert first.proportion == pytest.approx((808 * 0.9987623762376238 + 213 * 0.9953051643192489) / 1021)
        assert first.proportion_source == "census"
        purchasing = {r.soc2020: r for r in relationships if r.soc2010 == "1133"}
        assert set(purchasing) == {"1134", "1140", "1243", "3556"}
        assert purchasing["1134"].soc2020_title == "Purchasing managers and directors"

    def test_soc2020_codes_are_unit_groups(self, relationships, by_code):
        units = {c for c, r in by_code.items() if r.level == "unit"}
        assert {r.soc2020 for r in relationships} == units

    def test_proportions_are_fractions(self, relationships):
        totals: dict[str, float] = defaultdict(float)
        for r in relationships:
            assert r.proportion is not None and 0.0 <= r.proportion <= 1.0
            for share in (r.men_lfs_proportion, r.men_census_proportion, r.women_lfs_proportion, r.women_census_proportion):
                assert share is None or 0.0 <= share <= 1.0
            totals[r.soc2010] += r.proportion
        assert all(0.9 <= total <= 1.0 + 1e-9 for total in totals.values())

    def test_empty_samples_give_none(self, relationships):
        florists = [r for r in relationships if r.soc2010 == "5443"]
        assert [(r.soc2020, r.men_lfs_base, r.men_lfs_proportion) for r in florists] == [("5443", 0, None)]
        assert florists[0].women_lfs_proportion == 1.0


# =========================================================================== synthetic workbooks

DESC_HEADER = [
    "SOC\n2020 Major Group",
    "SOC\n2020 Sub-Major Group",
    "SOC\n2020 Minor Group",
    "SOC 2020 Unit Group",
    "SOC\n2020 \nGroup Title",
    "Groups Classified Within Sub-Groups ",
    "Group  Description",
    "Typical Entry Routes And Associated Qualifications",
    "Tasks",
    "Related Job Titles",
]
FRAME_HEADER = [
    "Unique ID",
    "SOC2020\nMajor Group",
    "SOC2020\nSub-Major Group",
    "SOC2020\nMinor Group",
    "SOC2020 Unit Group",
    "SOC2020 Group Title",
    "Change",
    "VERSNO",
]
GROUPS = [
    ("5", "Skilled trades occupations"),
    ("54", "Textiles, printing and other skilled trades"),
    ("543", "Food preparation and hospitality trades"),
    ("5434", "Chefs"),
    ("5435", "Cooks"),
]


def _desc_row(code, title, header=DESC_HEADER):
    row = {h: "<blank>" for h in header}
    row[DESC_HEADER[len(code) - 1]] = int(code)
    row[DESC_HEADER[4]] = title
    row[DESC_HEADER[6]] = f"{title} do things."
    if len(code) == 4:
        row[DESC_HEADER[7]] = "Training is\xa0provided on the job."
        row[DESC_HEADER[8]] = "~plans menus\n\n~cooks\tfood \n\n~  cleans up"
        row[DESC_HEADER[9]] = "~Head chef\n\n~Sous chef"
    return [row.get(h) for h in header]


def make_volume1(path, groups=GROUPS, *, drop=None, frame_groups=None, title_rows=2, framework=True):
    header = [h for h in DESC_HEADER if h != drop]
    wb = Workbook()
    ws = wb.active
    ws.title = "SOC2020 descriptions"
    for i in range(title_rows):
        ws.append([f"Title row {i + 1}"])
    ws.append(header)
    for code, title in groups:
        ws.append(_desc_row(code, title, header))
        ws.append([])  # blank row between groups
    if framework:
        fw = wb.create_sheet("SOC2020 Framework")
        fw.append(FRAME_HEADER)
        for code, title in groups if frame_groups is None else frame_groups:
            row = [None] * len(FRAME_HEADER)
            row[len(code)] = int(code)
            row[5] = title.upper() if len(code) < 3 else title
            if len(code) == 4:
                row[0] = f"soc-{code}"
            fw.append(row)
            fw.append([None] * len(FRAME_HEADER))
    wb.save(path)
    return path


INDEX_HEADER = [
    "UNIQUE ID",
    "RECNO",
    "D",
    "SOC_90",
    "SOC_2000",
    "SOC_2010",
    "SOC_2020",
    "SOC_2020_ext",
    "INDEXOCC",
    "ADD",
    "IND",
    "SEE",
    "ISCO-08 code based on SOC2020",
    "VERSNO",
    "CHANGE",
    "SOC90_unit_group_title",
    "SOC2000_unit_group_title",
    "SOC2010_unit_group_title",
    "SOC2020_unit_group_title",
    "SOC2020_ext_SUG_title",
    "ISCO08_unit_group_title",
    "INDEXOCC_-_natural_word_order",
]
INDEX_ROWS = [
    [
        "a7cl",
        1,
        "O",
        620,
        5434,
        5434,
        5434,
        "5434/00",
        "Chef",
        None,
        None,
        None,
        3434,
        None,
        None,
        "Cooks",
        "Chefs, cooks",
        "Chefs",
        "Chefs",
        "Chefs",
        "Chefs",
        "Chef",
    ],
    [
        "a7cm",
        2,
        None,
        620,
        5434,
        5434,
        5434,
        "5434/00",
        "Chef, head",
        None,
        "hotel",
        None,
        3434,
        "V12 new",
        None,
        "Cooks",
        "Chefs, cooks",
        "Chefs",
        "Chefs",
        "Chefs",
        "Chefs",
        "Head chef",
    ],
    [
        "a1pc",
        3,
        None,
        "}}}",
        "}}}}",
        "}}}}",
        "}}}}",
        "}}}}/}}",
        "Advisor",
        None,
        None,
        "see Adviser",
        "}}}}",
        None,
        None,
        "}}}",
        "}}}}",
        "}}}}",
        "}}}}",
        "}}}}/}}",
        "}}}}",
        "Advisor",
    ],
    [
        "z0aa",
        4,
        None,
        600,
        1171,
        1171,
        1161,
        "1161/00",
        "Officer, army",
        None,
        None,
        None,
        110,
        None,
        None,
        "Officers",
        "Officers",
        "Officers",
        "Officers",
        "Officers",
        "Commissioned Armed Forces Officers",
        "Army officer",
    ],
]


def make_index(path, rows=INDEX_ROWS, *, drop=None, sheet="SOC2020 coding index"):
    keep = [i for i, h in enumerate(INDEX_HEADER) if h != drop]
    wb = Workbook()
    info = wb.active
    info.title = "Information"
    info.append([None, "Version 12 Of The Standard Occupational Classification 2020 Index"])
    ws = wb.create_sheet(sheet)
    ws.append([INDEX_HEADER[i] for i in keep])
    for row in rows:
        ws.append([row[i] for i in keep])
    wb.save(path)
    return path


REL_HEADER = [
    "SOC2010",
    "SOC2020",
    "men_lfs_base_2010",
    "men_lfs_perc_2020",
    "men_census_base_2010",
    "men_census_perc_2020",
    "women_lfs_base_2010",
    "women_lfs_perc_2020",
    "women_census_base_2010",
    "women_census_perc_2020",
]
REL_ROWS = [
    ["1133: Purchasing managers and directors", "Total sample", 10, None, 100, None, 0, None, 300, None],
    [None, "1134: Purchasing managers and directors", None, 0.9, None, 0.5, None, 0, None, 0.1],
    [None, "1243: Managers in logistics", None, 0.1, None, 0.5, None, 0, None, 0.9],
    [None, None, None, None, None, None, None, None, None, None],
    ["5434: Chefs", "Total sample", 10, None, 0, None, 30, None, 0, None],
    [None, "5434: Chefs ", None, 1, None, 0, None, 0.5, None, 0],
]


def make_relationship(path, rows=REL_ROWS, *, drop=None):
    keep = [i for i, h in enumerate(REL_HEADER) if h != drop]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["SOC 2010 to SOC 2020 relationship table"])
    ws.append([])
    ws.append([REL_HEADER[i] for i in keep])
    for row in rows:
        ws.append([row[i] for i in keep])
    wb.save(path)
    return path


def rejected(excinfo) -> tuple:
    r = excinfo.value.rejection
    return r.file, r.row, r.field


# --------------------------------------------------------------------------- structure


def test_synthetic_structure_with_title_rows_and_blank_rows(tmp_path):
    records = read_soc2020_structure(make_volume1(tmp_path / "vol1.xlsx"))
    assert [(r.code, r.level, r.parent_code, r.row) for r in records] == [
        ("5", "major", None, 4),
        ("54", "sub_major", "5", 6),
        ("543", "minor", "54", 8),
        ("5434", "unit", "543", 10),
        ("5435", "unit", "543", 12),
    ]
    chefs = records[3]
    assert chefs.title == "Chefs" and chefs.sheet == "SOC2020 descriptions"
    assert chefs.tasks == ("plans menus", "cooks food", "cleans up")
    assert chefs.related_job_titles == ("Head chef", "Sous chef")
    assert chefs.entry_routes == "Training is provided on the job."
    assert chefs.unique_id == "soc-5434" and chefs.framework_row == 8
    assert records[0].entry_routes == "" and records[0].tasks == ()


def test_structure_missing_tasks_column(tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(make_volume1(tmp_path / "no-tasks.xlsx", drop="Tasks"))
    assert rejected(excinfo) == ("no-tasks.xlsx", 3, "Tasks")
    assert "required column" in str(excinfo.value)


def test_structure_missing_unit_column(tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", drop="SOC 2020 Unit Group"))
    assert rejected(excinfo)[0] == "v.xlsx"
    assert rejected(excinfo)[2] == "SOC 2020 Unit Group"


def test_structure_without_framework_sheet(tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", framework=False))
    assert "framework" in str(excinfo.value)


def test_structure_malformed_unit_code(tmp_path):
    from openpyxl import load_workbook

    path = make_volume1(tmp_path / "v.xlsx", groups=GROUPS[:4], frame_groups=GROUPS[:4])
    wb = load_workbook(path)
    ws = wb["SOC2020 descriptions"]
    ws.append(["<blank>", "<blank>", "<blank>", 54355, "Cooks", "<blank>", "Cooks cook.", "x", "~cooks", "~Cook"])
    wb.save(path)
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(path)
    assert rejected(excinfo) == ("v.xlsx", ws.max_row, "SOC 2020 Unit Group")
    assert "'54355'" in str(excinfo.value) and "4 digits" in str(excinfo.value)


def test_structure_missing_parent(tmp_path):
    groups = [g for g in GROUPS if g[0] != "543"]
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", groups=groups))
    assert "no parent group 543" in str(excinfo.value)
    assert rejected(excinfo) == ("v.xlsx", 8, "SOC 2020 Unit Group")


def test_structure_duplicate_code(tmp_path):
    with pytest.raises(ImportRejected, match="occurs twice"):
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", groups=[*GROUPS, ("5434", "Chefs again")]))


def test_structure_sheets_disagree(tmp_path):
    with pytest.raises(ImportRejected, match="missing from sheet 'SOC2020 Framework'"):
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", frame_groups=GROUPS[:4]))


def test_structure_group_without_title(tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(make_volume1(tmp_path / "v.xlsx", groups=[*GROUPS[:4], ("5435", "<blank>")]))
    assert rejected(excinfo) == ("v.xlsx", 12, "SOC 2020 Group Title")


# --------------------------------------------------------------------------- coding index


def test_synthetic_coding_index(tmp_path):
    records = read_coding_index(make_index(tmp_path / "vol2.xlsx"))
    assert [(r.title, r.soc2020_unit, r.soc2020_sub_unit, r.soc2010, r.isco08, r.row) for r in records] == [
        ("Chef", "5434", "5434/00", "5434", "3434", 2),
        ("Head chef", "5434", "5434/00", "5434", "3434", 3),
        ("Advisor", None, None, None, None, 4),
        ("Army officer", "1161", "1161/00", "1171", "0110", 5),  # ISCO-08 int 110 -> "0110"
    ]
    head = records[1]
    assert head.index_title == "Chef, head" and head.industry_qualifier == "hotel" and head.version == "V12 new"
    assert head.soc90 == "620" and head.soc2000 == "5434" and head.sheet == "SOC2020 coding index"
    assert records[2].is_cross_reference and records[2].see == "see Adviser" and records[2].soc2010_unit_title is None


@pytest.mark.parametrize("column", ["SOC_2020", "INDEXOCC", "ISCO-08 code based on SOC2020"])
def test_coding_index_missing_column(tmp_path, column):
    with pytest.raises(ImportRejected) as excinfo:
        read_coding_index(make_index(tmp_path / "index.xlsx", drop=column))
    file, _row, field = rejected(excinfo)
    assert (file, field) == ("index.xlsx", column)


def test_coding_index_natural_order_is_optional(tmp_path):
    records = read_coding_index(make_index(tmp_path / "i.xlsx", drop="INDEXOCC_-_natural_word_order"))
    assert records[1].title == "Chef, head"


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        (6, 54341, "SOC_2020"),
        (6, "chef", "SOC_2020"),
        (6, None, "SOC_2020"),
        (7, "5434-00", "SOC_2020_ext"),
        (5, 543, "SOC_2010"),
        (12, "34a4", "ISCO-08 code based on SOC2020"),
        (8, None, "INDEXOCC"),
    ],
)
def test_coding_index_malformed_codes(tmp_path, column, value, field):
    rows = [list(r) for r in INDEX_ROWS]
    rows[1][column] = value
    if column == 8:
        rows[1][21] = None
    with pytest.raises(ImportRejected) as excinfo:
        read_coding_index(make_index(tmp_path / "i.xlsx", rows=rows))
    assert rejected(excinfo) == ("i.xlsx", 3, field)


def test_coding_index_sheet_missing(tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        read_coding_index(make_volume1(tmp_path / "vol1.xlsx"))
    assert rejected(excinfo) == ("vol1.xlsx", None, "INDEXOCC")
    assert "no SOC 2020 coding index sheet" in str(excinfo.value)


def test_coding_index_found_on_any_sheet_name(tmp_path):
    records = read_coding_index(make_index(tmp_path / "i.xlsx", sheet="Index v13"))
    assert len(records) == 4 and records[0].sheet == "Index v13"


# --------------------------------------------------------------------------- relationship table


def test_synthetic_relationship(tmp_path):
    records = read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx"))
    assert [(r.soc2010, r.soc2020, r.row, r.soc2010_row) for r in records] == [
        ("1133", "1134", 5, 4),
        ("1133", "1243", 6, 4),
        ("5434", "5434", 9, 8),
    ]
    purchasing = records[0]
    assert purchasing.soc2020_title == "Purchasing managers and directors"
    assert purchasing.proportion == pytest.approx((100 * 0.5 + 300 * 0.1) / 400)
    assert purchasing.proportion_source == "census"
    assert purchasing.women_lfs_proportion is None  # empty sample, published as 0
    assert purchasing.men_lfs_proportion == pytest.approx(0.9)
    chefs = records[2]
    assert chefs.soc2020_title == "Chefs"
    assert chefs.proportion_source == "lfs"  # no census sample: LFS pooled
    assert chefs.proportion == pytest.approx((10 * 1 + 30 * 0.5) / 40)


def test_relationship_rejects_per_cent(tmp_path):
    rows = [list(r) for r in REL_ROWS]
    rows[1][5] = 50  # per cent where a fraction is expected
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", rows=rows))
    assert rejected(excinfo) == ("rel.xlsx", 5, "men_census_perc_2020")


@pytest.mark.parametrize("column", ["SOC2010", "SOC2020", "women_census_perc_2020", "men_census_base_2010"])
def test_relationship_missing_column(tmp_path, column):
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", drop=column))
    assert rejected(excinfo)[0] == "rel.xlsx"
    assert rejected(excinfo)[2] in {column, "SOC2010"}


def test_relationship_lfs_columns_optional(tmp_path):
    path = make_relationship(tmp_path / "rel.xlsx", drop="men_lfs_perc_2020")
    records = read_soc2010_to_2020(path)
    assert records[0].men_lfs_proportion is None and records[0].proportion == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("row_index", "column", "value", "message"),
    [
        (0, 0, "113: Purchasing", "malformed SOC 2010 group"),
        (1, 1, "11345: Purchasing", "malformed SOC 2020 group"),
        (0, 1, "1134: Purchasing", "Total sample"),
        (0, 4, None, "sample size"),
        (2, 1, "1134: Purchasing again", "occurs twice"),
        (4, 0, "1133: Purchasing managers and directors", "occurs twice"),
    ],
)
def test_relationship_malformed(tmp_path, row_index, column, value, message):
    rows = [list(r) for r in REL_ROWS]
    rows[row_index][column] = value
    with pytest.raises(ImportRejected, match=message) as excinfo:
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", rows=rows))
    assert rejected(excinfo)[0] == "rel.xlsx" and rejected(excinfo)[1] == row_index + 4


def test_relationship_pair_before_group(tmp_path):
    with pytest.raises(ImportRejected, match="before any SOC 2010 group"):
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", rows=REL_ROWS[1:]))


def test_relationship_group_without_pairs(tmp_path):
    with pytest.raises(ImportRejected, match="has no SOC 2020 rows"):
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", rows=REL_ROWS[:1] + REL_ROWS[4:]))


# --------------------------------------------------------------------------- unreadable files

READERS = [read_soc2020_structure, read_coding_index, read_soc2010_to_2020]


@needs_data
@pytest.mark.parametrize(("reader", "source"), list(zip(READERS, [VOLUME1, VOLUME2, RELATIONSHIP], strict=False)))
@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.5, 0.999])
def test_truncated_real_workbook(tmp_path, reader, source, fraction):
    data = source.read_bytes()
    target = tmp_path / f"truncated-{source.name}"
    target.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ImportRejected) as excinfo:
        reader(target)
    assert excinfo.value.rejection.file == target.name
    assert "not a readable xlsx workbook" in excinfo.value.rejection.reason


@pytest.mark.parametrize("reader", READERS)
def test_not_an_xlsx(tmp_path, reader):
    path = tmp_path / "notes.xlsx"
    path.write_text("SOC2010,SOC2020\n1115,1111\n")
    with pytest.raises(ImportRejected) as excinfo:
        reader(path)
    assert excinfo.value.rejection.file == "notes.xlsx"


@pytest.mark.parametrize("reader", READERS)
def test_missing_file(tmp_path, reader):
    with pytest.raises(ImportRejected, match="file not found"):
        reader(tmp_path / "absent.xlsx")


def test_reads_from_a_stream(tmp_path):
    path = make_relationship(tmp_path / "rel.xlsx")
    with path.open("rb") as stream:
        assert len(read_soc2010_to_2020(stream)) == 3
    with pytest.raises(ImportRejected) as excinfo, io.BytesIO(path.read_bytes()[:100]) as stream:
        read_soc2010_to_2020(stream)
    assert excinfo.value.rejection.file == "<stream>"


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    path = make_index(tmp_path_factory.mktemp("index") / "index.xlsx")
    return path.read_bytes(), read_coding_index(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_workbook_is_rejected_or_read_whole(tmp_path, small_index, data):
    """Any single damaged byte: either the same records (the byte did not matter) or ImportRejected."""
    original, expected = small_index
    position = data.draw(st.integers(0, len(original) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda b: b != original[position]))
    damaged = bytearray(original)
    damaged[position] = value
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    try:
        records = read_coding_index(path)
    except ImportRejected as exc:
        assert exc.rejection.file == "damaged.xlsx"
    else:
        assert records == expected


@pytest.mark.parametrize("value", ["n/a", -0.5, 1.5, True])
def test_proportion_must_be_a_fraction(tmp_path, value):
    rows = [list(r) for r in REL_ROWS]
    rows[1][3] = value
    with pytest.raises(ImportRejected, match="not a fraction") as excinfo:
        read_soc2010_to_2020(make_relationship(tmp_path / "rel.xlsx", rows=rows))
    assert rejected(excinfo) == ("rel.xlsx", 5, "men_lfs_perc_2020")


def test_framework_missing_unit_column(tmp_path):
    from openpyxl import load_workbook

    path = make_volume1(tmp_path / "v.xlsx")
    wb = load_workbook(path)
    wb["SOC2020 Framework"].delete_cols(5)
    wb.save(path)
    with pytest.raises(ImportRejected) as excinfo:
        read_soc2020_structure(path)
    assert rejected(excinfo) == ("v.xlsx", 1, "SOC 2020 Unit Group")
    assert "'SOC2020 Framework'" in str(excinfo.value)
