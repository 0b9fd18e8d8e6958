"""Bad input: each gives a clear error or a recorded rejection, and nothing is half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from noshub.catalogue import services
from noshub.catalogue.importers import import_catalogue, import_json
from noshub.catalogue.models import ImportRun, Keyword, NosVersion, Standard, Suite
from noshub.core.readers.catalogue import REQUIRED_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = [
    "Developed By",
    "NOS Title",
    "Suite",
    "SuiteMetadata",
    "Occupations",
    "OccupationsMetadata",
    "Name",
    "Validity",
    "Indicative Review Date",
    "NOS Document Status",
    "URN",
    "SOC Code",
    "NOSCategory",
    "Keywords",
    "Original URN",
    "Created",
    "Modified",
    "Item Type",
    "Path",
]


def _row(urn: str, title: str, **values) -> list:
    row = dict.fromkeys(HEADER)
    row.update(
        {
            "Developed By": "Test Skills",
            "NOS Title": title,
            "Suite": "ZZ Test suite",
            "Validity": "Current",
            "NOS Document Status": "Original",
            "URN": urn,
            "NOSCategory": "Core",
            "Keywords": "zzkeyword",
        }
    )
    row.update(values)
    return [row[h] for h in HEADER]


def _workbook(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _counts() -> tuple[int, int, int, int]:
    return Standard.objects.count(), NosVersion.objects.count(), Suite.objects.count(), Keyword.objects.count()


def test_corrupt_workbook_is_rejected_and_nothing_written(tmp_path):
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    before = _counts()
    report = import_catalogue(path)
    assert "corrupt.xlsx" in report.error and "not a readable .xlsx" in report.error
    assert _counts() == before
    assert ImportRun.objects.filter(file=str(path), outcome="rejected").exists()


def test_truncated_workbook_is_rejected(tmp_path, data_dir):
    real = (data_dir / "nos-catalogue-2019" / "PublishedNos Details.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(real[: len(real) // 2])
    before = _counts()
    report = import_catalogue(path)
    assert report.error.startswith("truncated.xlsx")
    assert _counts() == before


@pytest.mark.parametrize("column", ["URN", "NOS Title", "Validity"])
def test_workbook_without_a_required_column_is_rejected_naming_it(tmp_path, column):
    header = [h for h in HEADER if h != column]
    path = _workbook(tmp_path / "missing.xlsx", [[1] * len(header)], header)
    before = _counts()
    report = import_catalogue(path)
    assert f"missing column(s): {column}" in report.error
    assert report.rejections[0].field == column and report.rejections[0].row == 1
    assert _counts() == before


def test_every_required_column_is_checked():
    assert set(REQUIRED_COLUMNS) <= set(HEADER)


def test_unknown_vocabulary_value_is_a_recorded_rejection_and_other_rows_import(tmp_path):
    path = _workbook(
        tmp_path / "vocab.xlsx",
        [
            _row("ZZVOC1", "Operate a test machine"),
            _row("ZZVOC2", "Clean a test machine", Validity="Sometimes"),
            _row("ZZVOC3", "Mend a test machine", NOSCategory="Occasional"),
        ],
    )
    report = import_catalogue(path)
    assert (report.created, report.rejected) == (1, 2)
    assert [(r.row, r.field) for r in report.rejections] == [(3, "Validity"), (4, "NOSCategory")]
    assert "unknown value 'Sometimes'" in report.rejections[0].reason
    assert services.find_standards("ZZVOC1") and not services.find_standards("ZZVOC2")


def test_an_import_that_fails_midway_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    from noshub.catalogue import store

    path = _workbook(tmp_path / "midway.xlsx", [_row(f"ZZMID{i}", f"Do test task {i}") for i in range(50)])
    before = _counts()

    def explode(self):
        raise RuntimeError("disk full")

    original_flush = store.VersionWriter.flush

    def flush_then_fail(self):
        original_flush(self)  # everything is written …
        explode(self)  # … then the import fails

    monkeypatch.setattr(store.VersionWriter, "flush", flush_then_fail)
    report = import_catalogue(path)
    assert _counts() == before
    assert report.failed and report.error == "the import stopped with an error: RuntimeError: disk full"
    assert ImportRun.objects.get(file=str(path)).outcome == "failed"


def test_reimporting_a_workbook_changes_nothing(tmp_path):
    path = _workbook(tmp_path / "again.xlsx", [_row("ZZAGAIN1", "Check a test thing")])
    first, second = import_catalogue(path), import_catalogue(path)
    assert (first.created, second.created, second.updated, second.unchanged) == (1, 0, 0, 1)


def test_a_changed_record_is_a_new_version_and_the_old_stays_readable(tmp_path):
    import_catalogue(_workbook(tmp_path / "v1.xlsx", [_row("ZZVER1", "Inspect test equipment", Keywords="one")]))
    report = import_catalogue(_workbook(tmp_path / "v2.xlsx", [_row("ZZVER1", "Inspect test equipment", Keywords="one; two")]))
    assert report.updated == 1
    standard = services.get_standard("ZZVER1")
    first, second = standard.versions.order_by("sequence")
    assert [k.text for k in first.keywords.all()] == ["one"]
    assert sorted(k.text for k in second.keywords.all()) == ["one", "two"]
    assert standard.current == second


# -- JSON documents -----------------------------------------------------------------------


def _doc(**values) -> dict:
    doc = {
        "URN": "ZZJSON1",
        "Title": "Prepare test dishes",
        "Validity": "Current",
        "Status": "Original",
        "NOSCategory": "Job-specific",
        "Performance_criteria": "<ol><li>check the recipe</li><li>weigh the ingredients</li></ol>",
    }
    doc.update(values)
    return doc


def _json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_malformed_json_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"URN": "ZZ1",\n "Title": }', encoding="utf-8")
    before = _counts()
    report = import_json(path)
    assert "broken.json" in report.error and "malformed JSON" in report.error and "line 2" in report.error
    assert _counts() == before


def test_json_document_html_is_sanitised_and_lists_keep_their_numbers(tmp_path):
    doc = _doc(
        Overview='<p onclick="steal()">Safe <b>text</b></p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">link</a><img src=x onerror="alert(1)">',
        Knowledge_and_understanding="<ul><li>food safety law</li><li>allergens<ul><li>nuts</li></ul></li></ul>",
    )
    report = import_json(_json(tmp_path / "doc.json", doc))
    assert report.created == 1, report.summary()
    v = services.get_standard("ZZJSON1").current
    for bad in ("script", "alert", "onclick", "onerror", "javascript:", "<style", "<img"):
        assert bad not in v.overview
    assert "Safe <b>text</b>" in v.overview
    assert v.performance_criteria == [{"ref": "P1", "text": "check the recipe"}, {"ref": "P2", "text": "weigh the ingredients"}]
    assert [k["ref"] for k in v.knowledge_and_understanding] == ["K1", "K2"]


def test_welsh_text_with_diacritics_round_trips(tmp_path):
    welsh = "Mae’r safon hon yn ymwneud â pharatoi bwyd; ŵyn, ŷd, cân, côr, ïe"
    doc = _doc(
        URN="ZZJSON2",
        Trosolwg=f"<p>{welsh}</p>",
        **{"Meini prawf perfformiad": "<ol><li>gwirio’r rysáit</li></ol>", "Teitl": "Paratoi prydau prawf"},
    )
    report = import_json(_json(tmp_path / "cy.json", doc))
    assert report.created == 1, report.summary()
    v = services.get_standard("ZZJSON2").current
    assert v.overview_cy == f"<p>{welsh}</p>"
    assert v.performance_criteria_cy == [{"ref": "P1", "text": "gwirio’r rysáit"}]
    assert v.title_cy == "Paratoi prydau prawf"


def test_json_rejections_name_document_and_field(tmp_path):
    docs = [
        _doc(URN="ZZJSON3"),
        _doc(URN="ZZJSON4", Validity="Maybe"),
        _doc(URN="ZZJSON5", Colour="blue"),
        "not an object",
        _doc(URN="ZZJSON6", Version_number="two"),
    ]
    report = import_json(_json(tmp_path / "many.json", docs))
    assert report.created == 1
    assert [(r.row, r.field) for r in report.rejections] == [(2, "Validity"), (3, "Colour"), (4, None), (5, "Version_number")]


def test_json_import_is_idempotent_and_a_change_makes_a_version(tmp_path):
    path = _json(tmp_path / "one.json", _doc(URN="ZZJSON7"))
    assert import_json(path).created == 1
    again = import_json(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = import_json(_json(tmp_path / "two.json", _doc(URN="ZZJSON7", Version_number=2)))
    assert changed.updated == 1
    assert services.get_standard("ZZJSON7").versions.count() == 2


def test_unreadable_text_encoding_is_rejected(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"URN": "ZZ", "Title": "caf\xe9"}'.encode("latin-1"))
    assert "not UTF-8" in import_json(path).error


def test_copying_a_real_workbook_under_another_name_imports_unchanged(tmp_path, data_dir, load_reports):
    copy = tmp_path / "PublishedNos Details.xlsx"
    shutil.copy(data_dir / "nos-catalogue-2019" / "PublishedNos Details.xlsx", copy)
    report = import_catalogue(copy)
    assert (report.created, report.updated) == (0, 0)


def test_a_version_published_through_nos_hub_is_current_even_when_it_withdraws(tmp_path):
    from datetime import datetime, timezone

    from noshub.catalogue.store import Provenance, VersionWriter, precedence

    import_catalogue(_workbook(tmp_path / "w.xlsx", [_row("ZZWD1", "Withdraw a test standard")]))
    standard = services.get_standard("ZZWD1")
    writer = VersionWriter()
    state = writer.standard_for("ZZWD1", "Withdraw a test standard")
    import dataclasses

    legacy = dataclasses.replace(writer.current_document(state), validity="legacy")
    writer.save(legacy, Provenance(kind="edit", effective_at=datetime(2030, 1, 1, tzinfo=timezone.utc)), state)
    writer.flush()
    standard.refresh_from_db()
    assert standard.current.validity == "legacy" and standard.current.source_kind == "edit"
    # An imported record never outranks a version published through the workflow.
    later = datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert precedence("current", later, 9, "catalogue") < precedence(
        "legacy", datetime(2030, 1, 1, tzinfo=timezone.utc), 2, "edit"
    )


def test_an_original_urn_imported_before_its_original_links_once_the_original_arrives(tmp_path):
    import_catalogue(_workbook(tmp_path / "copy.xlsx", [_row("ZZCOPY1", "Greet test visitors", **{"Original URN": "ZZORIG1"})]))
    assert services.get_standard("ZZCOPY1").current.original_standard is None
    import_catalogue(_workbook(tmp_path / "orig.xlsx", [_row("ZZORIG1", "Welcome test visitors")]))
    copy = services.get_standard("ZZCOPY1").current
    assert copy.original_standard == services.get_standard("ZZORIG1")
    # A later version of the copy keeps the link (only the new version is looked at).
    import_catalogue(
        _workbook(
            tmp_path / "copy2.xlsx", [_row("ZZCOPY1", "Greet test visitors", Keywords="new", **{"Original URN": "ZZORIG1"})]
        )
    )
    assert services.get_standard("ZZCOPY1").current.original_standard == services.get_standard("ZZORIG1")


# -- records the database could not hold: rejected by the reader, the rest of the file imports --


def test_a_urn_that_is_a_variant_slug_is_a_rejection_and_the_rest_imports(tmp_path, load_reports):
    # CFAM_LEB4 holds four standards (slugs CFAM_LEB4, CFAM_LEB4~2 …). A URN written
    # "CFAM_LEB4~2" was stored as a new standard with that slug: IntegrityError, and the
    # whole file, its valid rows too, was lost with no ImportRun.
    taken = Standard.objects.get(slug="CFAM_LEB4~2")
    versions = taken.versions.count()
    path = _workbook(
        tmp_path / "slugs.xlsx",
        [
            _row("ZZSLUG1", "Check a test slug"),
            _row("CFAM_LEB4~2", "Continuously develop your practice"),
            _row("ZZSLUG2~1", "Check another test slug"),
            _row("ZZ" + "L" * 300, "Check a long test URN"),
            _row("ZZSLUG3", "Check a third test slug"),
        ],
    )
    report = import_catalogue(path)
    assert (report.created, report.rejected) == (2, 3), report.summary()
    assert [(r.file, r.row, r.field) for r in report.rejections] == [("slugs.xlsx", n, "URN") for n in (3, 4, 5)]
    assert "'~'" in report.rejections[0].reason and "longer than 255" in report.rejections[2].reason
    assert services.find_standards("ZZSLUG1") and services.find_standards("ZZSLUG3")
    assert taken.versions.count() == versions
    run = ImportRun.objects.get(file=str(path))
    assert run.outcome == "imported" and [r["row"] for r in run.rejections] == [3, 4, 5]


def test_numbers_dates_and_names_out_of_range_are_rejections_naming_the_field(tmp_path, load_reports):
    # Version_number 10**30 raised OverflowError (SQLite) or DataError (PostgreSQL) and lost
    # the whole file; a year-1 date cannot be shown in the site's time zone; a name longer
    # than its column fails on PostgreSQL; PostgreSQL refuses U+0000.
    docs = [
        _doc(URN="ZZRANGE1"),
        _doc(URN="ZZRANGE2", Version_number=10**30),
        _doc(URN="ZZRANGE3", Version_number=-1),
        _doc(URN="ZZRANGE4", Date_approved="01 01 0001"),
        _doc(URN="ZZRANGE5", Indicative_review_date="31/12/9999"),
        _doc(URN="ZZRANGE6", Developed_by="Test " * 60),
        _doc(URN="ZZRANGE7", Title="Prepare \x00 test dishes"),
        _doc(URN="ZZRANGE8", Suite=["Test suite " * 30]),
        _doc(URN="ZZRANGE9", Version_number=2_147_483_647, Date_approved="2019-03-01"),
    ]
    path = _json(tmp_path / "ranges.json", docs)
    report = import_json(path)
    assert (report.created, report.rejected) == (2, 7), report.summary()
    assert [(r.file, r.row, r.field) for r in report.rejections] == [
        ("ranges.json", 2, "Version_number"),
        ("ranges.json", 3, "Version_number"),
        ("ranges.json", 4, "Date_approved"),
        ("ranges.json", 5, "Indicative_review_date"),
        ("ranges.json", 6, "Developed_by"),
        ("ranges.json", 7, "Title"),
        ("ranges.json", 8, "Suite"),
    ]
    assert "out of range" in report.rejections[0].reason and "2,147,483,647" in report.rejections[0].reason
    assert services.get_standard("ZZRANGE9").current.version_number == 2_147_483_647
    assert ImportRun.objects.get(file=str(path)).outcome == "imported"


def test_a_catalogue_time_out_of_range_is_a_rejection(tmp_path):
    from datetime import datetime

    path = _workbook(
        tmp_path / "times.xlsx",
        [_row("ZZTIME1", "Time a test"), _row("ZZTIME2", "Time another test", Modified=datetime(3001, 1, 1))],
    )
    report = import_catalogue(path)
    assert (report.created, [(r.row, r.field) for r in report.rejections]) == (1, [(3, "Modified")]), report.summary()
