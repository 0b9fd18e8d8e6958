"""Importing qualification files: each file in one transaction (`run_import`), idempotent.

A structure replaces the qualification's groups and units only when its content changed (so
links and people's decisions stay); the listing and the frameworks fill in what a structure
did not give. After the files, `noshub load` links the units (`services.link_units`)."""

from __future__ import annotations

from pathlib import Path

from noshub.catalogue.importers import ImportReport, run_import
from noshub.core.readers import qualifications as reader

from .models import Framework, Qualification, Unit, UnitGroup

QUALIFICATIONS_DIR = "qualifications-svq"
LISTING_FILE = "qual_listing_svq.xls"
FRAMEWORKS_FILE = "Frameworks_SVQs.xlsx"

_FIELDS = (
    "code",
    "title",
    "awarding_body",
    "developer",
    "qualification_type",
    "category",
    "level",
    "level_raw",
    "credit",
    "credit_min",
    "credit_max",
    "structure_approved",
    "accredited_from",
    "accreditation_end",
    "certification_end",
)


def import_qualifications_file(path: Path) -> ImportReport:
    """Import one qualifications file, its kind told by its name (`reader.kind_of_file`)."""
    kind = reader.kind_of_file(path)
    if kind == reader.LISTING:
        return import_listing(path)
    if kind == reader.FRAMEWORKS:
        return import_frameworks(path)
    return import_structure(path)


def import_structure(path: Path) -> ImportReport:
    def read(path: Path, report: ImportReport):
        record = reader.read_structure(path)
        report.read = 1
        return record

    def body(record: reader.QualificationRecord, report: ImportReport) -> None:
        report.count(write_structure(record, report))

    return run_import("qualification structure", Path(path), body, read=read)


def write_structure(record: reader.QualificationRecord, report: ImportReport | None = None) -> str:
    """created / updated / unchanged. A CSV saved from a workbook already imported is the same
    structure: the workbook's is kept."""
    digest = record.content_hash()
    q = Qualification.objects.filter(key=record.key).first()
    if q is not None and q.structure_hash == digest:
        return "unchanged"
    from_workbook = q is not None and q.structure_file.lower().endswith(".xlsx") and q.structure_file != record.file
    if from_workbook and record.file.lower().endswith(".csv"):
        if report is not None:
            report.notes.append(f"{record.file}: the structure of {q.code or q.key} was read from {q.structure_file}; kept that")
        return "unchanged"
    outcome = "created" if q is None else "updated"
    if q is None:
        q = Qualification(key=record.key)
    for name in _FIELDS:
        value = getattr(record, name)
        if value not in (None, "") or name in ("title",):
            setattr(q, name, value)
    q.structure_rule = record.structure_rule
    q.structure_file, q.structure_sheet, q.structure_hash = record.file, record.sheet, digest
    q.save()
    q.groups.all().delete()  # units, and their links, go with their groups; decisions are kept apart
    for gpos, g in enumerate(record.groups, start=1):
        group = UnitGroup.objects.create(
            qualification=q, position=gpos, title=g.title[:255], rule=g.rule, kind=g.kind, source_row=g.row
        )
        Unit.objects.bulk_create(
            [
                Unit(
                    qualification=q,
                    group=group,
                    position=upos,
                    code=u.code[:64],
                    accred_code=u.accred_code[:32],
                    title=u.title[:500],
                    kind=u.kind,
                    level=u.level,
                    credit=u.credit,
                    approved=u.approved,
                    imported_from=u.imported_from[:255],
                    source_row=u.row,
                )
                for upos, u in enumerate(g.units, start=1)
            ]
        )
    return outcome


def _fill(q: Qualification, record: reader.QualificationRecord, overwrite: bool) -> bool:
    """Copy the record's fields the qualification lacks (all of them with `overwrite`)."""
    changed = False
    for name in _FIELDS:
        value = getattr(record, name)
        if value in (None, ""):
            continue
        current = getattr(q, name)
        if (overwrite or current in (None, "")) and current != value:
            setattr(q, name, value)
            changed = True
    return changed


def _records(read_file):
    """A `run_import` reader: the file's records through `read_file`, counted in the report."""

    def read(path: Path, report: ImportReport) -> list[reader.QualificationRecord]:
        records = read_file(path)
        report.read = len(records)
        return records

    return read


def _created(existing: dict[str, Qualification], record: reader.QualificationRecord, **fields) -> Qualification:
    """A new qualification with all of the record's fields (and `fields`), saved and kept in `existing`."""
    q = Qualification(key=record.key, **fields)
    _fill(q, record, overwrite=True)
    q.save()
    existing[q.key] = q
    return q


def import_listing(path: Path) -> ImportReport:
    def body(records: list[reader.QualificationRecord], report: ImportReport) -> None:
        existing = {q.key: q for q in Qualification.objects.all()}
        for record in records:
            q = existing.get(record.key)
            if q is None:
                _created(existing, record, listing_file=record.file)
                report.count("created")
                continue
            # A structure's own fields win; the listing fills the rest.
            changed = _fill(q, record, overwrite=not q.structure_file)
            if q.listing_file != record.file:
                q.listing_file, changed = record.file, True
            if changed:
                q.save()
            report.count("updated" if changed else "unchanged")

    return run_import("qualification listing", Path(path), body, read=_records(reader.read_listing))


def import_frameworks(path: Path) -> ImportReport:
    def body(records: list[reader.QualificationRecord], report: ImportReport) -> None:
        existing = {q.key: q for q in Qualification.objects.all()}
        frameworks = {f.name: f for f in Framework.objects.all()}
        held = set(Qualification.frameworks.through.objects.values_list("qualification_id", "framework_id"))
        for record in records:
            q = existing.get(record.key)
            outcome = "unchanged"
            if q is None:
                q = _created(existing, record)
                outcome = "created"
            elif _fill(q, record, overwrite=False):
                q.save()
                outcome = "updated"
            for name in record.frameworks:
                f = frameworks.get(name)
                if f is None:
                    f = frameworks[name] = Framework.objects.create(name=name[:255])
                if (q.pk, f.pk) not in held:
                    q.frameworks.add(f)
                    held.add((q.pk, f.pk))
                    outcome = "updated" if outcome == "unchanged" else outcome
            report.count(outcome)

    return run_import("qualification frameworks", Path(path), body, read=_records(reader.read_frameworks))


def qualification_files(data_dir: Path) -> list[Path]:
    """The files `noshub load` imports, in order: structures (workbooks, then CSVs), the
    listing, the frameworks. None when the folder is missing."""
    folder = Path(data_dir) / QUALIFICATIONS_DIR
    if not folder.is_dir():
        return []
    files = reader.structure_files(folder)
    for name in (LISTING_FILE, FRAMEWORKS_FILE):
        if (folder / name).is_file():
            files.append(folder / name)
    return files
