"""The qualification readers on the real SQA files, and on broken ones: every rejection names
the file, the sheet, the row and the column. Pure Python: no database."""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pytest

from noshub.core.errors import ImportRejected
from noshub.core.readers import qualifications as q


@pytest.fixture(scope="module")
def folder(data_dir):
    return data_dir / "qualifications-svq"


def test_a_structure_workbook_gives_the_qualification_its_groups_and_units(folder):
    r = q.read_structure(folder / "201.02.26 SVQ2 Signal and Telecoms.xlsx")
    assert (r.key, r.code, r.awarding_body, r.level, r.credit) == ("GK56", "GK56 22", "EAL", 5, "83 - 109")
    assert (r.credit_min, r.credit_max, r.accredited_from) == (83, 109, date(2015, 2, 26))
    assert r.title.startswith("SVQ 2 Rail Engineering: Signalling and Telecoms")
    assert [g.title for g in r.groups][:2] == ["Mandatory Group 1", "Mandatory Group 2"]
    first = r.groups[0].units[0]
    assert (first.code, first.kind, first.level, first.credit) == ("PPLRES05", "mandatory", 5, 29)
    assert "candidates must complete 1 of the following mandatory groupings" in r.groups[0].rule


def test_the_csv_saved_from_a_sheet_reads_as_the_workbook_does(folder):
    book = q.read_structure(folder / "201.02.26 SVQ2 Signal and Telecoms.xlsx")
    sheet = q.read_structure(folder / "201.02.26 SVQ2 Signal and Telecoms - Tab 7 Structure.csv")
    assert sheet.sheet == "Tab 7 Structure" and sheet.key == book.key
    assert [(u.code, u.title, u.level, u.credit) for u in sheet.units()] == [
        (u.code, u.title, u.level, u.credit) for u in book.units()
    ]


def test_every_structure_file_of_the_data_reads(folder):
    records = [q.read_structure(p) for p in q.structure_files(folder)]
    assert len(records) > 80 and all(r.units() for r in records)
    # SQA's own unit codes in a "Codes" column are not taken for the developer's codes.
    gd0d = next(r for r in records if r.key == "GD0D")
    assert gd0d.units()[0].accred_code == "FP2R 04" and not gd0d.units()[0].code
    # Mandatory and optional units with no heading between them are two groups.
    bus = next(r for r in records if r.key == "GE5L")
    assert [g.kind for g in bus.groups] == ["mandatory", "optional"]


def test_the_listing_and_the_frameworks_read(folder):
    listing = q.read_listing(folder / "qual_listing_svq.xls")
    assert len(listing) > 900 and {r.sheet for r in listing} == {"All Qualifications", "Core Skills"}
    assert listing[0].accredited_from.year >= 2000 and listing[0].awarding_body
    frameworks = q.read_frameworks(folder / "Frameworks_SVQs.xlsx")
    assert len(frameworks) > 300 and frameworks[0].frameworks and frameworks[0].level == 10


def _broken_copy(folder, tmp_path, row: int, column: int, value):
    name = "GK42 22  Land-based Engineering (ArboricultureForestry) 1.xlsx"
    path = tmp_path / name
    shutil.copy(folder / name, path)
    wb = openpyxl.load_workbook(path)
    wb["Level 2"].cell(row=row, column=column, value=value)
    wb.save(path)
    return path


def test_a_bad_number_is_rejected_naming_file_sheet_row_and_column(folder, tmp_path):
    path = _broken_copy(folder, tmp_path, 13, 5, "five")  # the first unit's SCQF level
    with pytest.raises(ImportRejected) as exc:
        q.read_structure(path)
    r = exc.value.rejection
    assert (r.file, r.sheet, r.row, r.field) == (path.name, "Level 2", 13, "SCQF Level")
    assert "'five' is not a number" in str(exc.value) and "sheet 'Level 2'" in str(exc.value)


def test_a_bad_unit_kind_and_a_credit_out_of_range_are_rejected(folder, tmp_path):
    with pytest.raises(ImportRejected, match="not mandatory, optional or additional") as exc:
        q.read_structure(_broken_copy(folder, tmp_path, 14, 3, "Maybe"))
    assert exc.value.rejection.field == "Mandatory/ Optional/ Additional Unit"
    with pytest.raises(ImportRejected, match="whole number from 0 to 1000") as exc:
        q.read_structure(_broken_copy(folder, tmp_path, 14, 6, 5000))
    assert (exc.value.rejection.row, exc.value.rejection.field) == (14, "SCQF Credit")


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.xlsx", b"", "not a readable xlsx workbook"),
        ("notes - Sheet1.csv", b"just,some\nwords,here\n", "no table of units"),
        ("binary - Sheet1.csv", b"\x00\x01\x02", "binary"),
        ("qual_listing_svq.xls", b"not an xls file", "not a readable .xls workbook"),
    ],
)
def test_files_that_are_not_qualifications_are_rejected(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    reader = q.read_listing if name.endswith(".xls") else q.read_structure
    with pytest.raises(ImportRejected, match=message) as exc:
        reader(path)
    assert exc.value.rejection.file == name


def test_a_workbook_without_a_unit_table_is_rejected(tmp_path):
    path = tmp_path / "no units.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Qualification Title", None, None, "Something"])
    wb.save(path)
    with pytest.raises(ImportRejected, match="no structure sheet found") as exc:
        q.read_structure(path)
    assert exc.value.rejection.field == "Unit Title"


def test_qualification_keys_join_the_files():
    assert q.qualification_key("GK56 22") == q.qualification_key("GK5622") == q.qualification_key("GK56") == "GK56"
    assert q.qualification_key("", "SVQ 2 in Surveying") == "T-svq-2-in-surveying"


def test_time_features_read_a_nos_status_at_the_qualification_s_date():
    """The real pair SUMHV04 (legacy, in the NOS database since its first load) and BSEHV04 (its
    successor, entered 1 April 2019): for a qualification of 2015 the legacy one was current and
    its successor did not exist; for one of 2020, as today."""
    from datetime import date

    from noshub.qualifications.matcher import Nos, time_features

    def shipped(nos, when):
        f = time_features(nos, when)
        return {"legacy_then": f["legacy_then"], "later": f["later"]}

    old = Nos(
        1, "SUMHV04", "SUMHV04", "Install and test … Legacy", legacy=True, created=date(2014, 3, 31), replaced=date(2019, 4, 1)
    )
    new = Nos(2, "BSEHV04", "BSEHV04", "Install and test …", created=date(2019, 4, 1), successor=True)
    assert shipped(old, date(2015, 6, 10)) == {"legacy_then": 0.0, "later": 0.0}
    assert shipped(new, date(2015, 6, 10)) == {"legacy_then": 1.0, "later": 0.0}  # counted once, as legacy then
    assert (
        time_features(old, date(2020, 1, 1))["legacy_then"] == 1.0 and time_features(new, date(2020, 1, 1))["legacy_then"] == 0.0
    )
    assert time_features(old, None)["legacy_then"] == 1.0 and shipped(new, None) == {"legacy_then": 0.0, "later": 0.0}
    # The readings tried before (`TIME_FORMS`): the successor's late entry counted again
    # ("twice"), and the legacy NOS current then / replaced by then ("flags").
    assert time_features(new, date(2015, 6, 10))["later_any"] == 1.0
    assert time_features(old, date(2015, 6, 10))["current_then"] == 1.0
    assert time_features(old, date(2015, 6, 10))["replaced_then"] == 0.0
    assert time_features(old, date(2020, 1, 1))["current_then"] == 0.0
    assert time_features(old, date(2020, 1, 1))["replaced_then"] == 1.0
    # A date before the first load says nothing of a NOS the first load carried.
    assert time_features(Nos(3, "X1", "X1", "x", created=date(2014, 3, 31)), date(2010, 1, 1))["later"] == 0.0
    assert time_features(Nos(4, "X2", "X2", "x", created=date(2016, 2, 26)), date(2014, 1, 22))["later"] == 1.0


def test_each_reading_of_time_is_a_set_of_ranking_features():
    """The learnt ranking's readings of time (`TIME_FORMS`, chosen among by the nested bench)
    are features the matcher computes; the shipped one is `RANKED_ON`; without time, legacy
    today."""
    from datetime import date

    from noshub.qualifications.matcher import (
        BASE_RANKED_ON,
        RANK_FEATURES,
        RANKED_ON,
        TIME_FORM,
        TIME_FORMS,
        Nos,
        ranked_on,
        time_features,
    )

    assert RANKED_ON == ranked_on(TIME_FORM) == (*BASE_RANKED_ON, "legacy_then", "later")
    assert ranked_on("none") == (*BASE_RANKED_ON, "legacy")
    computed = set(time_features(Nos(1, "X", "X", "x"), date(2015, 1, 1))) | {"legacy", *BASE_RANKED_ON}
    for form in TIME_FORMS:
        assert set(ranked_on(form)) <= set(RANK_FEATURES) and set(ranked_on(form)) <= computed, form
