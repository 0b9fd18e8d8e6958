"""Volume 1 of SOC 2020, "structure and descriptions of unit groups"
(``soc2020volume1structureanddescriptionofunitgroupsexcel*.xlsx``).

:func:`read_soc2020_structure` merges the sheet of descriptions (one row per group with
title, description, typical entry routes and qualifications, tasks and related job titles)
with the framework sheet (one row per group with the unit group's unique id and its change
history).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from noshub.core.errors import ImportRejected
from noshub.core.readers.workbook import Sheet, Source, cell, column, data_rows, find_sheet, opened, source_name

from .cells import bullet_items, checked_code, is_blank, one_line, optional_line, paragraphs
from .records import CODE_LENGTHS, LEVELS, SocGroupRecord

_LEVEL_COLUMNS = (
    column("major", "SOC 2020 Major Group", "Major Group", "SOC2020 Major Group"),
    column("sub_major", "SOC 2020 Sub-Major Group", "Sub-Major Group", "Sub Major Group"),
    column("minor", "SOC 2020 Minor Group", "Minor Group"),
    column("unit", "SOC 2020 Unit Group", "Unit Group"),
)
_TITLE = column("title", "SOC 2020 Group Title", "Group Title", "Title")

_DESCRIPTION_COLUMNS = (
    *_LEVEL_COLUMNS,
    _TITLE,
    column("description", "Group Description", "Description"),
    column(
        "entry_routes",
        "Typical Entry Routes And Associated Qualifications",
        "Typical Entry Routes",
        "Entry Routes",
        "Typical Entry Routes and Qualifications",
        required=False,
    ),
    column("tasks", "Tasks"),
    column("related", "Related Job Titles"),
    column("subgroups", "Groups Classified Within Sub-Groups", required=False),
)
_DESCRIPTION_ONLY = {"description", "entry_routes", "tasks", "related"}

_FRAMEWORK_COLUMNS = (
    column("unique_id", "Unique ID", required=False),
    *_LEVEL_COLUMNS,
    _TITLE,
    column("change", "Change", required=False),
    column("version", "VERSNO", "Version", required=False),
)

_LEVEL_NAMES = {"major": "major group", "sub_major": "sub-major group", "minor": "minor group", "unit": "unit group"}


def _group_code(values: Sequence[Any], number: int, sheet: Sheet, file: str) -> tuple[str, str]:
    """(level, code) of a structure row: the most specific code filled in."""
    filled: list[tuple[str, str]] = []
    for level in LEVELS:
        code = checked_code(
            cell(values, sheet.index[level]),
            CODE_LENGTHS[level],
            file=file,
            sheet=sheet,
            row=number,
            key=level,
            what=f"SOC 2020 {_LEVEL_NAMES[level]} code",
        )
        if code is not None:
            filled.append((level, code))
    if not filled:
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: row has content but no SOC 2020 group code",
            row=number,
            field=sheet.label("unit"),
        )
    level, code = filled[-1]
    for other_level, other in filled[:-1]:
        if not code.startswith(other):
            raise ImportRejected(
                file,
                f"sheet {sheet.name!r}: {_LEVEL_NAMES[level]} {code} does not belong to "
                f"{_LEVEL_NAMES[other_level]} {other} given on the same row",
                row=number,
                field=sheet.label(level),
            )
    return level, code


def read_soc2020_structure(path: Source) -> list[SocGroupRecord]:
    """All SOC 2020 groups (major, sub-major, minor, unit) of Volume 1, in workbook order.

    Reads the descriptions sheet (found by its columns: the four code columns, group
    title, group description, tasks, related job titles; "Typical Entry Routes And
    Associated Qualifications" is read if present) and the framework sheet (code
    columns and group title, without description columns; unique id, change and
    VERSNO if present), and merges them by code.  Titles and texts come from the
    descriptions sheet.  Both sheets must list the same codes, every code must have
    the right number of digits for its column and occur once, and every group's
    parent (its code minus the last digit) must exist; otherwise the file is
    rejected.  The 16 April 2025 edition has 9 + 26 + 104 + 412 = 551 groups.
    """
    file = source_name(path)
    with opened(path, file) as wb:
        desc = find_sheet(
            wb,
            file,
            what="SOC 2020 descriptions",
            columns=_DESCRIPTION_COLUMNS,
            accept=lambda keys: bool(keys & _DESCRIPTION_ONLY),
            anchor=_DESCRIPTION_COLUMNS[-3],  # Tasks
            name_hint="descriptions",
        )
        frame = find_sheet(
            wb,
            file,
            what="SOC 2020 framework",
            columns=_FRAMEWORK_COLUMNS,
            accept=lambda keys: not (keys & _DESCRIPTION_ONLY) and bool(keys & set(LEVELS)),
            anchor=_LEVEL_COLUMNS[-1],
            name_hint="framework",
            exclude=[desc.name],
        )

        described: dict[str, dict[str, Any]] = {}
        for number, values in data_rows(desc, file, is_blank):
            level, code = _group_code(values, number, desc, file)
            if code in described:
                raise ImportRejected(
                    file,
                    f"sheet {desc.name!r}: code {code} occurs twice (first on row {described[code]['row']})",
                    row=number,
                    field=desc.label(level),
                )
            title = one_line(cell(values, desc.index["title"]))
            if not title:
                raise ImportRejected(
                    file, f"sheet {desc.name!r}: group {code} has no title", row=number, field=desc.label("title")
                )
            described[code] = {
                "code": code,
                "level": level,
                "title": title,
                "description": paragraphs(cell(values, desc.index["description"])),
                "entry_routes": paragraphs(cell(values, desc.index.get("entry_routes"))),
                "tasks": bullet_items(cell(values, desc.index["tasks"])),
                "related_job_titles": bullet_items(cell(values, desc.index["related"])),
                "parent_code": code[:-1] or None,
                "sheet": desc.name,
                "row": number,
            }

        framework: dict[str, dict[str, Any]] = {}
        for number, values in data_rows(frame, file, is_blank):
            level, code = _group_code(values, number, frame, file)
            if code in framework:
                raise ImportRejected(
                    file,
                    f"sheet {frame.name!r}: code {code} occurs twice (first on row {framework[code]['framework_row']})",
                    row=number,
                    field=frame.label(level),
                )
            framework[code] = {
                "unique_id": optional_line(cell(values, frame.index.get("unique_id"))),
                "version": optional_line(cell(values, frame.index.get("version"))),
                "change": optional_line(cell(values, frame.index.get("change"))),
                "framework_sheet": frame.name,
                "framework_row": number,
            }

    if not described:
        raise ImportRejected(file, f"sheet {desc.name!r} has no groups below its header row", row=desc.header_row)
    for code, info in described.items():
        if code not in framework:
            raise ImportRejected(
                file,
                f"group {code} of sheet {desc.name!r} is missing from sheet {frame.name!r}",
                row=info["row"],
                field=desc.label(info["level"]),
            )
        parent = info["parent_code"]
        if parent is not None and parent not in described:
            raise ImportRejected(
                file,
                f"sheet {desc.name!r}: {_LEVEL_NAMES[info['level']]} {code} has no parent group {parent}",
                row=info["row"],
                field=desc.label(info["level"]),
            )
    for code, info in framework.items():
        if code not in described:
            raise ImportRejected(
                file,
                f"group {code} of sheet {frame.name!r} is missing from sheet {desc.name!r}",
                row=info["framework_row"],
                field=frame.label("unit"),
            )
    return [SocGroupRecord(**info, **framework[code]) for code, info in described.items()]
