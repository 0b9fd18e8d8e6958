"""Standards that share a URN keep their own versions, on the real catalogue (loaded once by
conftest as `noshub load` loads it).

A revised workbook is made in each test from the real rows of the catalogue's clash URNs
(SFLMS147: "Process mail instructions Legacy" / "Follow mail instructions and separate mail for
processing"; SFL49, SFSCSH8 …), their titles and keywords edited as a revision words them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noshub.catalogue.importers import import_catalogue
from noshub.catalogue.models import NosVersion, Standard
from noshub.core.urns import normalise_urn

pytestmark = pytest.mark.django_db

WORKBOOKS = ("PublishedNos-old Details.xlsx", "PublishedNos Details.xlsx")


def _real_rows(data_dir: Path, keys: set[str]) -> tuple[list, list[list]]:
    """The header and every real row (of both workbooks) whose URN has one of `keys`."""
    rows: list[list] = []
    for name in WORKBOOKS:
        wb = openpyxl.load_workbook(data_dir / "nos-catalogue-2019" / name, read_only=True)
        sheet = wb.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = list(next(values))
        urn = header.index("URN")
        rows += [list(v) for v in values if v[urn] and normalise_urn(str(v[urn])) in keys]
        wb.close()
    return header, rows


def _write(path: Path, header: list, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _revise(header: list, row: list, title: str | None = None) -> list:
    row = list(row)
    t, k = header.index("NOS Title"), header.index("Keywords")
    row[t] = title or f"{row[t]} revised"
    row[k] = f"{row[k] or ''}; revised"
    return row


def _catalogue_titles(standard: Standard) -> set[str]:
    return set(standard.versions.filter(source_file__in=WORKBOOKS).values_list("title", flat=True))


def _clash_keys() -> set[str]:
    return set(Standard.objects.filter(urn_clash=True, versions__source_file__in=WORKBOOKS).values_list("urn_key", flat=True))


def test_a_revised_workbook_of_every_clash_urn_then_the_original_again(tmp_path, data_dir, load_reports):
    # Before: first-come matching put 18 of these revisions on the other standard of their URN
    # (SFLMS147, SFL49, SFLGDP2, COSVR97 …), and re-importing the original workbook then
    # added their original records again as new versions of the wrong standard.
    keys = _clash_keys()
    assert {"SFLMS147", "SFL49", "SFSCSH8"} <= keys and len(keys) > 90
    header, rows = _real_rows(data_dir, keys)
    standards_before = Standard.objects.count()
    versions_before = NosVersion.objects.count()

    revised = _write(tmp_path / "PublishedNos revised.xlsx", header, [_revise(header, r) for r in rows])
    report = import_catalogue(revised)
    assert (report.created, report.updated, report.rejected) == (0, len(rows), 0), report.summary()
    crossed = sorted(
        {
            v.standard.slug
            for v in NosVersion.objects.filter(source_file=revised.name).select_related("standard")
            if v.title.removesuffix(" revised") not in _catalogue_titles(v.standard)
        }
    )
    assert crossed == []
    assert Standard.objects.count() == standards_before

    # Re-importing the original workbook (and the revised one) changes nothing.
    copy = tmp_path / WORKBOOKS[0]
    shutil.copy(data_dir / "nos-catalogue-2019" / WORKBOOKS[0], copy)
    for path in (copy, revised):
        again = import_catalogue(path)
        assert (again.created, again.updated) == (0, 0), again.summary()
    assert NosVersion.objects.count() == versions_before + len(rows)
    # Each standard of SFLMS147 holds its own record and its own revision, nothing else.
    for standard in Standard.objects.filter(urn_key="SFLMS147"):
        (original,) = _catalogue_titles(standard)
        assert set(standard.versions.values_list("title", flat=True)) == {original, f"{original} revised"}


def test_one_workbook_with_revisions_of_both_standards_of_a_urn_gives_each_its_own(tmp_path, data_dir, load_reports):
    # SFL49: the legacy standard's revision also names the other standard (and resembles it
    # more); the other's revision names only its own. A best one-to-one assignment over the
    # file gives each its own; first-come gave both to one standard.
    header, rows = _real_rows(data_dir, {"SFL49"})
    by_title = {r[header.index("NOS Title")]: r for r in rows}
    legacy = by_title["Co-ordinate international road transport operations Legacy"]
    current = by_title["Co-ordinate international movement of loads by road"]
    new_titles = {
        "Co-ordinate international road movement of loads": legacy,
        "Co-ordinate the international movement of loads by road": current,
    }
    for order in (1, -1):
        with transaction.atomic():
            path = _write(
                tmp_path / "SFL49 revised.xlsx", header, [_revise(header, r, t) for t, r in list(new_titles.items())[::order]]
            )
            report = import_catalogue(path)
            assert (report.created, report.updated) == (0, 2), report.summary()
            for title, row in new_titles.items():
                standard = NosVersion.objects.get(source_file=path.name, title=title).standard
                assert _catalogue_titles(standard) == {row[header.index("NOS Title")]}
            transaction.set_rollback(True)


@st.composite
def _splits(draw, count: int):
    order = draw(st.permutations(range(count)))
    cuts = sorted(draw(st.lists(st.integers(0, count), max_size=2)))
    parts = [order[a:b] for a, b in zip([0, *cuts], [*cuts, count], strict=True)]
    return [p for p in parts if p]


@pytest.fixture(scope="module")
def clash_rows(data_dir):
    return _real_rows(data_dir, {"SFLMS147", "SFL49", "SFSCSH8", "CFAM_LEB4"})


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_revisions_split_into_files_in_any_order_land_on_their_standards(tmp_path, clash_rows, load_reports, data):
    header, rows = clash_rows
    revised = [_revise(header, r) for r in rows]
    parts = data.draw(_splits(len(revised)))
    versions_before = NosVersion.objects.count()
    with transaction.atomic():
        paths = [_write(tmp_path / f"part {i}.xlsx", header, [revised[j] for j in part]) for i, part in enumerate(parts)]
        for path in paths:
            import_catalogue(path)
        for v in NosVersion.objects.filter(source_file__startswith="part ").select_related("standard"):
            assert v.title.removesuffix(" revised") in _catalogue_titles(v.standard), v.title
        assert NosVersion.objects.count() == versions_before + len(rows)
        for path in paths:
            again = import_catalogue(path)
            assert (again.created, again.updated) == (0, 0), again.summary()
        transaction.set_rollback(True)
