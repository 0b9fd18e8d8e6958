"""Volume 2 of SOC 2020, "the coding index" (``soc2020volume2thecodingindexexcel*.xlsx``).

:func:`read_coding_index` reads the coding-index sheet (job title -> SOC 2020 unit group,
sub-unit group, SOC 2010, SOC 2000, SOC 90, ISCO-08).  The other sheets of that workbook
(information, file specification, framework, ISCO-08 framework, abbreviations) are not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from noshub.core.errors import ImportRejected
from noshub.core.readers.workbook import Sheet, Source, cell, column, data_rows, find_sheet, opened, source_name

from .cells import checked_code, is_blank, is_no_code_marker, one_line, optional_line, whole_number
from .records import CodingIndexRecord

_INDEXOCC = column("indexocc", "INDEXOCC")
_INDEX_COLUMNS = (
    column("unique_id", "UNIQUE ID", required=False),
    column("recno", "RECNO", required=False),
    column("default", "D", required=False),
    column("soc90", "SOC_90", "SOC90", required=False),
    column("soc2000", "SOC_2000", "SOC2000", required=False),
    column("soc2010", "SOC_2010", "SOC2010"),
    column("soc2020", "SOC_2020", "SOC2020"),
    column("soc2020_ext", "SOC_2020_ext", "SOC2020-ext", "SOC2020 ext", "SOC_2020_SUG"),
    _INDEXOCC,
    column("add", "ADD", required=False),
    column("ind", "IND", required=False),
    column("see", "SEE", required=False),
    column("isco08", "ISCO-08 code based on SOC2020", "ISCO-08", "ISCO08", "ISCO-08 code"),
    column("version", "VERSNO", required=False),
    column("change", "CHANGE", required=False),
    column("soc2010_title", "SOC2010_unit_group_title", "SOC2010 unit group title", required=False),
    column("soc2020_title", "SOC2020_unit_group_title", "SOC2020 unit group title", required=False),
    column("soc2020_ext_title", "SOC2020_ext_SUG_title", "SOC2020-ext group title", required=False),
    column("isco08_title", "ISCO08_unit_group_title", "ISCO08 unit group title", required=False),
    column("natural", "INDEXOCC_-_natural_word_order", "INDEXOCC - natural word order", required=False),
)


def _index_record(values: Sequence[Any], number: int, sheet: Sheet, file: str) -> CodingIndexRecord:
    """One coding-index row as a record (the row is known not to be blank)."""
    ix = sheet.index

    def value(key: str) -> Any:
        return cell(values, ix.get(key))

    def code(key: str, digits: int, what: str, zero_pad: bool = False) -> str | None:
        return checked_code(value(key), digits, file=file, sheet=sheet, row=number, key=key, what=what, zero_pad=zero_pad)

    def text(key: str) -> str | None:
        raw = value(key)
        return None if is_no_code_marker(raw) else optional_line(raw)

    index_title = one_line(value("indexocc"))
    title = one_line(value("natural")) or index_title
    if not title:
        raise ImportRejected(
            file, f"sheet {sheet.name!r}: index entry has no job title", row=number, field=sheet.label("indexocc")
        )
    if is_blank(value("soc2020")):
        raise ImportRejected(
            file, f"sheet {sheet.name!r}: entry {title!r} has no SOC 2020 code", row=number, field=sheet.label("soc2020")
        )
    unit = code("soc2020", 4, "SOC 2020 unit group code")

    issues: list[str] = []
    sub_unit: str | None = None
    raw_ext = value("soc2020_ext")
    if not is_no_code_marker(raw_ext) and not is_blank(raw_ext):
        sub_unit = str(raw_ext).strip()
        if not re.fullmatch(r"[0-9]{4}/[0-9]{2}", sub_unit):
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: malformed SOC 2020 sub-unit group code {sub_unit!r} (expected dddd/dd)",
                row=number,
                field=sheet.label("soc2020_ext"),
            )
        if unit is None or not sub_unit.startswith(unit + "/"):
            issues.append(
                f"{sheet.label('soc2020_ext')} {sub_unit} does not belong to "
                f"{sheet.label('soc2020')} {unit or '(none)'}; sub-unit dropped"
            )
            sub_unit = None

    return CodingIndexRecord(
        title,
        unit,
        sub_unit,
        code("soc2010", 4, "SOC 2010 unit group code"),
        code("isco08", 4, "ISCO-08 unit group code", zero_pad=True),
        sheet.name,
        number,
        index_title=index_title,
        additional_qualifier=text("add"),
        industry_qualifier=text("ind"),
        see=text("see"),
        default_entry=text("default"),
        soc2000=code("soc2000", 4, "SOC 2000 unit group code"),
        soc90=code("soc90", 3, "SOC 90 unit group code"),
        unique_id=text("unique_id"),
        recno=whole_number(value("recno")),
        version=text("version"),
        change=text("change"),
        soc2020_unit_title=None if unit is None else text("soc2020_title"),
        soc2020_sub_unit_title=None if sub_unit is None else text("soc2020_ext_title"),
        soc2010_unit_title=text("soc2010_title"),
        isco08_title=text("isco08_title"),
        issues=tuple(issues),
    )


def read_coding_index(path: Source) -> list[CodingIndexRecord]:
    """All entries of the SOC 2020 coding index (Volume 2), in workbook order.

    The coding-index sheet is the one whose header row has ``INDEXOCC`` (the sheet
    named like "coding index" is preferred should several have it).  Required
    columns: INDEXOCC, SOC_2020, SOC_2020_ext, SOC_2010, ISCO-08 code; the others
    (UNIQUE ID, RECNO, D, SOC_90, SOC_2000, ADD, IND, SEE, VERSNO, CHANGE, the titles,
    INDEXOCC natural word order) are read when present.  A SOC 2020 code that is
    neither 4 digits nor the ONS "no code" marker ``}}}}``, a sub-unit code not of
    the form ``dddd/dd``, a malformed SOC 2010/2000/90 or ISCO-08 code, or a row
    without a job title rejects the file.  The 16 April 2025 edition has 32,195
    entries (231 of them cross-references without a code).
    """
    file = source_name(path)
    with opened(path, file) as wb:
        sheet = find_sheet(
            wb,
            file,
            what="SOC 2020 coding index",
            columns=_INDEX_COLUMNS,
            accept=lambda keys: "indexocc" in keys,
            anchor=_INDEXOCC,
            name_hint="coding index",
        )
        records = [_index_record(values, number, sheet, file) for number, values in data_rows(sheet, file, is_blank)]
    if not records:
        raise ImportRejected(file, f"sheet {sheet.name!r} has no entries below its header row", row=sheet.header_row)
    return records
