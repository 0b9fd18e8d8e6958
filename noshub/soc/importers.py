"""Importers of the ONS SOC reference workbooks. Reference rows are keyed by their natural key;
a second run of the same file reports everything unchanged. Each workbook is read before its
transaction (`run_import`), so the database's write lock is held only while it is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from noshub.catalogue.importers import ImportReport, run_import
from noshub.soc.readers import read_coding_index, read_soc2010_to_2020, read_soc2020_structure

from .models import CodingIndexEntry, SocGroup, SocRelationship


def _sync(model, key_fields: tuple[str, ...], rows: list[dict], report: ImportReport) -> None:
    """Create missing rows, update changed ones, count the rest as unchanged. Never deletes."""
    fields = [f for f in rows[0] if f not in key_fields] if rows else []
    existing = {tuple(getattr(o, k) for k in key_fields): o for o in model.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        key = tuple(row[k] for k in key_fields)
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**row))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            to_update.append(obj)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=2000)
    report.created += len(to_create)
    report.updated += len(to_update)


def import_structure(path: Path) -> ImportReport:
    def read(path: Path, report: ImportReport) -> list:
        records = read_soc2020_structure(path)
        report.read = len(records)
        return records

    def body(records: list, report: ImportReport) -> None:
        rows = [
            dict(
                code=r.code,
                level=r.level,
                title=r.title,
                description=r.description or "",
                entry_routes=r.entry_routes or "",
                tasks=list(r.tasks),
                related_job_titles=list(r.related_job_titles),
            )
            for r in sorted(records, key=lambda r: (len(r.code), r.code))
        ]
        _sync(SocGroup, ("code",), rows, report)
        ids = dict(SocGroup.objects.values_list("code", "id"))
        parents = {r.code: r.parent_code for r in records}
        changed = []
        for group in SocGroup.objects.filter(code__in=parents):
            parent_id = ids.get(parents[group.code]) if parents[group.code] else None
            if group.parent_id != parent_id:
                group.parent_id = parent_id
                changed.append(group)
        SocGroup.objects.bulk_update(changed, ["parent"], batch_size=1000)

    return run_import("soc_structure", path, body, read=read)


_INDEX_CORE = {"title", "soc2020_unit", "soc2020_sub_unit", "soc2010", "isco08", "sheet", "row"}


def import_coding_index(path: Path) -> ImportReport:
    def read(path: Path, report: ImportReport) -> list:
        records = read_coding_index(path)
        report.read = len(records)
        return records

    def body(records: list, report: ImportReport) -> None:
        rows = []
        for r in records:
            extra = {k: v for k, v in dataclasses.asdict(r).items() if k not in _INDEX_CORE and v not in (None, "", ())}
            rows.append(
                dict(
                    sheet=r.sheet,
                    row=r.row,
                    title=r.title,
                    soc2020_unit=r.soc2020_unit or "",
                    soc2020_sub_unit=r.soc2020_sub_unit or "",
                    soc2010=r.soc2010 or "",
                    isco08=r.isco08 or "",
                    detail={k: list(v) if isinstance(v, tuple) else v for k, v in extra.items()},
                )
            )
        _sync(CodingIndexEntry, ("sheet", "row"), rows, report)

    return run_import("soc_coding_index", path, body, read=read)


def _largest(*shares: float | None) -> float | None:
    known = [s for s in shares if s is not None]
    return max(known) if known else None


def import_relationships(path: Path) -> ImportReport:
    def read(path: Path, report: ImportReport) -> list:
        records = read_soc2010_to_2020(path)
        report.read = len(records)
        return records

    def body(records: list, report: ImportReport) -> None:
        rows = [
            dict(
                soc2010=r.soc2010,
                soc2020=r.soc2020,
                soc2010_title=r.soc2010_title or "",
                soc2020_title=r.soc2020_title or "",
                proportion=r.proportion,
                max_proportion=_largest(
                    r.men_lfs_proportion, r.men_census_proportion, r.women_lfs_proportion, r.women_census_proportion
                ),
            )
            for r in records
        ]
        _sync(SocRelationship, ("soc2010", "soc2020"), rows, report)

    return run_import("soc_relationships", path, body, read=read)
