"""The ONS SOC 2010 -> SOC 2020 relationship table (``ONS_SOC2010_SOC2020.xlsx``):
:func:`read_soc2010_to_2020`, the source of the crosswalk from SOC 2010 codes to SOC 2020.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from noshub.core.errors import ImportRejected
from noshub.core.readers.workbook import Sheet, Source, cell, column, data_rows, find_sheet, opened, source_name

from .cells import code_text, is_blank, one_line, whole_number
from .records import SocRelationshipRecord

_REL_SOC2010 = column("soc2010", "SOC2010", "SOC 2010")
_REL_SOC2020 = column("soc2020", "SOC2020", "SOC 2020")
_SAMPLES = ("men_lfs", "men_census", "women_lfs", "women_census")
_REL_COLUMNS = (
    _REL_SOC2010,
    _REL_SOC2020,
    *(
        col
        for sample in _SAMPLES
        for col in (
            column(f"{sample}_base", f"{sample}_base_2010", required="census" in sample),
            column(f"{sample}_perc", f"{sample}_perc_2020", required="census" in sample),
        )
    ),
)

_CODE_AND_TITLE = re.compile(r"\s*([0-9A-Za-z}]+)\s*:\s*(.*)", re.DOTALL)


def _code_and_title(value: Any, number: int, sheet: Sheet, key: str, what: str, file: str) -> tuple[str, str]:
    """Split "1115: Chief executives and senior officials" into code and title."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        code, title = code_text(value) or "", ""
    else:
        text = str(value).strip()
        match = _CODE_AND_TITLE.fullmatch(text)
        code, title = (match.group(1), match.group(2)) if match else (text, "")
    if not re.fullmatch(r"[0-9]{4}", code):
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: malformed {what} {str(value).strip()!r} (expected 'dddd: title')",
            row=number,
            field=sheet.label(key),
        )
    return code, one_line(title)


def _base(value: Any, number: int, sheet: Sheet, key: str, file: str) -> int | None:
    if sheet.index.get(key) is None:
        return None
    base = whole_number(value)
    if base is None or base < 0:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: sample size {value!r} is not a whole number >= 0",
            row=number,
            field=sheet.label(key),
        )
    return base


def _fraction(value: Any, number: int, sheet: Sheet, key: str, file: str) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        number_value = math.nan
    elif isinstance(value, (int, float)):
        number_value = float(value)
    else:
        try:
            number_value = float(str(value).strip())
        except ValueError:
            number_value = math.nan
    if not math.isfinite(number_value) or not -1e-9 <= number_value <= 1 + 1e-9:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: proportion {value!r} is not a fraction between 0 and 1",
            row=number,
            field=sheet.label(key),
        )
    return min(max(number_value, 0.0), 1.0)


def _pooled(parts: Sequence[tuple[int | None, float | None]]) -> float | None:
    """Men and women pooled, weighted by sample size; None without a sample."""
    total = sum(base for base, _ in parts if base)
    if not total or any(base and share is None for base, share in parts):
        return None
    return sum(base * share for base, share in parts if base and share is not None) / total


def read_soc2010_to_2020(path: Source) -> list[SocRelationshipRecord]:
    """The ONS SOC 2010 -> SOC 2020 relationship table, one record per (SOC 2010, SOC 2020) pair.

    The sheet is the one whose header row has the columns SOC2010 and SOC2020;
    ``men_census_base_2010``, ``men_census_perc_2020``, ``women_census_base_2010`` and
    ``women_census_perc_2020`` are required, the LFS columns are read when present.
    Layout: a row with "dddd: SOC 2010 title" and "Total sample" opens a SOC 2010
    group and gives its sample sizes; the rows below it (SOC 2010 cell empty) give
    "dddd: SOC 2020 title" and the shares.  Proportions are fractions (see
    :class:`SocRelationshipRecord`).  The file is rejected if a code is malformed, a
    share is outside 0..1, a sample size is missing or negative, a SOC 2020 row comes
    before any SOC 2010 group, a SOC 2010 group occurs twice or has no SOC 2020 row,
    or a SOC 2020 group occurs twice within one SOC 2010 group.  The published table
    (ONS_SOC2010_SOC2020.xlsx) has 369 SOC 2010 groups and 714 pairs.
    """
    file = source_name(path)
    records: list[SocRelationshipRecord] = []
    with opened(path, file) as wb:
        sheet = find_sheet(
            wb,
            file,
            what="SOC 2010 -> SOC 2020 relationship",
            columns=_REL_COLUMNS,
            accept=lambda keys: {"soc2010", "soc2020"} <= keys,
            anchor=_REL_SOC2010,
            name_hint="soc2010",
        )
        ix = sheet.index
        group: dict[str, Any] | None = None
        seen_groups: dict[str, int] = {}

        def close_group() -> None:
            if group is not None and not group["pairs"]:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2010 group {group['code']} has no SOC 2020 rows",
                    row=group["row"],
                    field=sheet.label("soc2010"),
                )

        for number, values in data_rows(sheet, file, is_blank):
            raw2010 = cell(values, ix["soc2010"])
            raw2020 = cell(values, ix["soc2020"])
            if not is_blank(raw2010):
                close_group()
                code, title = _code_and_title(raw2010, number, sheet, "soc2010", "SOC 2010 group", file)
                if one_line(raw2020).lower() != "total sample":
                    raise ImportRejected(
                        file,
                        f"sheet {sheet.name!r}: the row opening SOC 2010 group {code} should say 'Total sample' "
                        f"in this column, found {raw2020!r}",
                        row=number,
                        field=sheet.label("soc2020"),
                    )
                if code in seen_groups:
                    raise ImportRejected(
                        file,
                        f"sheet {sheet.name!r}: SOC 2010 group {code} occurs twice (first on row {seen_groups[code]})",
                        row=number,
                        field=sheet.label("soc2010"),
                    )
                seen_groups[code] = number
                group = {
                    "code": code,
                    "title": title,
                    "row": number,
                    "pairs": set(),
                    "bases": {
                        sample: _base(cell(values, ix.get(f"{sample}_base")), number, sheet, f"{sample}_base", file)
                        for sample in _SAMPLES
                    },
                }
                continue
            if is_blank(raw2020):
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: row has figures but no SOC 2020 group",
                    row=number,
                    field=sheet.label("soc2020"),
                )
            code2020, title2020 = _code_and_title(raw2020, number, sheet, "soc2020", "SOC 2020 group", file)
            if group is None:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2020 group {code2020} comes before any SOC 2010 group",
                    row=number,
                    field=sheet.label("soc2010"),
                )
            if code2020 in group["pairs"]:
                raise ImportRejected(
                    file,
                    f"sheet {sheet.name!r}: SOC 2020 group {code2020} occurs twice under SOC 2010 group {group['code']}",
                    row=number,
                    field=sheet.label("soc2020"),
                )
            group["pairs"].add(code2020)
            bases = group["bases"]
            shares: dict[str, float | None] = {}
            for sample in _SAMPLES:
                share = _fraction(cell(values, ix.get(f"{sample}_perc")), number, sheet, f"{sample}_perc", file)
                # The workbook writes 0 where the sample is empty: that is "no data".
                shares[sample] = share if bases[sample] else None
            census = _pooled([(bases["men_census"], shares["men_census"]), (bases["women_census"], shares["women_census"])])
            lfs = _pooled([(bases["men_lfs"], shares["men_lfs"]), (bases["women_lfs"], shares["women_lfs"])])
            proportion, source = (census, "census") if census is not None else (lfs, "lfs" if lfs is not None else None)
            records.append(
                SocRelationshipRecord(
                    group["code"],
                    group["title"],
                    code2020,
                    title2020,
                    proportion,
                    sheet.name,
                    number,
                    proportion_source=source,
                    men_lfs_proportion=shares["men_lfs"],
                    men_census_proportion=shares["men_census"],
                    women_lfs_proportion=shares["women_lfs"],
                    women_census_proportion=shares["women_census"],
                    men_lfs_base=bases["men_lfs"],
                    men_census_base=bases["men_census"],
                    women_lfs_base=bases["women_lfs"],
                    women_census_base=bases["women_census"],
                    soc2010_row=group["row"],
                )
            )
        close_group()
    if not records:
        raise ImportRejected(file, f"sheet {sheet.name!r} has no rows below its header row", row=sheet.header_row)
    return records
