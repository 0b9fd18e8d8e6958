"""Importers: read a file with a core reader, write it with the store, report what happened.

Each import of a file is one transaction, which takes the database's write lock when it
begins (the file itself is read before it, without the lock): a file that cannot be read, or
an import that fails for any other reason, leaves the database as it was, and every run,
failed or not, is kept as an `ImportRun`. Records that are individually invalid are rejected (with file, row, field and reason)
and the rest of the file is imported. Each importer is idempotent: a second run reports
0 created and 0 updated.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone as dj_timezone

from noshub.core.errors import ImportRejected, Rejection
from noshub.core.model import LIST_SECTIONS
from noshub.core.readers.catalogue import CatalogueRecord, read_catalogue
from noshub.core.readers.nosjson import read_json_documents
from noshub.pages.dblock import is_busy, lock_wait

from .models import ImportRun
from .store import Provenance, VersionWriter, precedence

log = logging.getLogger("noshub.import")


@dataclass
class ImportReport:
    kind: str
    file: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    failed: bool = False  # an error other than the file being rejected (e.g. the database stayed busy)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        self.rejections.append(rejection)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["rejections"] = [r.as_dict() for r in self.rejections]
        return data

    def summary(self) -> str:
        if self.error:
            text = f"{self.file}: {'FAILED' if self.failed else 'REJECTED'}, nothing written. {self.error}"
            return " ".join([text, *(f"({note})" for note in self.notes)])
        text = (
            f"{self.file}: read {self.read}, created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )
        if self.blank:
            text += f" (blank rows {self.blank})"
        return text


def run_import(kind: str, path: Path, body, read=None) -> ImportReport:
    """Run one file's import in one transaction and keep its report in `ImportRun`, whatever happens.

    `read(path, report)`, when given, reads the file first, outside the transaction (so without
    the database's write lock); `body(data, report)` then gets what it returned (without
    `read`, `body(path, report)` reads and writes). The transaction takes the write lock when it
    begins (SQLite waits up to NOSHUB_IMPORT_DB_WAIT seconds for it), so web writes can never
    make it fail half-way. Outcomes, each recorded as an `ImportRun` after the transaction:
    imported; rejected (the file cannot be read: `ImportRejected`); failed (any other error,
    e.g. the database stayed busy): the transaction is rolled back, nothing from the file is
    written, and the report's `error` says why.
    """
    path = Path(path)
    report = ImportReport(kind=kind, file=path.name)
    started = dj_timezone.now()
    outcome = "imported"
    try:
        with lock_wait(settings.IMPORT_DB_WAIT):
            data = read(path, report) if read is not None else path
            with transaction.atomic():
                body(data, report)
    except ImportRejected as exc:
        outcome = "rejected"
        report = ImportReport(kind=kind, file=path.name, error=str(exc), rejections=[exc.rejection], rejected=1)
    except Exception as exc:  # whatever went wrong, the run is rolled back, recorded and reported
        outcome = "failed"
        report = ImportReport(kind=kind, file=path.name, error=_failure_message(exc), failed=True)
        log.warning("import of %s failed: %s", path, report.error)
        log.debug("import of %s failed", path, exc_info=True)  # the traceback, for a developer
    _record_run(kind, path, started, outcome, report)
    return report


def _failure_message(exc: Exception) -> str:
    if is_busy(exc):
        return (
            f"the database stayed busy with another write for more than {settings.IMPORT_DB_WAIT:g} seconds "
            "(NOSHUB_IMPORT_DB_WAIT); run the import again"
        )
    return f"the import stopped with an error: {type(exc).__name__}: {exc}"


def _record_run(kind: str, path: Path, started, outcome: str, report: ImportReport) -> None:
    """Keep the run, in its own transaction (after a failed one was rolled back)."""
    try:
        with lock_wait(settings.IMPORT_DB_WAIT):
            ImportRun.objects.create(
                kind=kind,
                file=str(path),
                started_at=started,
                finished_at=dj_timezone.now(),
                outcome=outcome,
                message=report.error,
                counts={k: getattr(report, k) for k in ("read", "created", "updated", "unchanged", "rejected", "blank")},
                rejections=[r.as_dict() for r in report.rejections],
            )
    except DatabaseError as exc:  # the report still reaches the caller (and the CLI prints it)
        log.error("the import run of %s could not be recorded: %s", path, exc)
        report.notes.append(f"this run could not be recorded in the database: {exc}")


# The newer catalogue export wins a tie between records of equal validity and time.
_FILE_RANK = {"PublishedNos-old Details.xlsx": 0, "PublishedNos Details.xlsx": 1}


def _catalogue_order(record: CatalogueRecord) -> tuple:
    return _catalogue_identity_order(record) + (record.row,)


def _catalogue_identity_order(record: CatalogueRecord) -> tuple:
    """The order of records for deciding identity: by content and file, not by row."""
    modified = record.modified or datetime.min
    return precedence(record.document.validity, modified, _FILE_RANK.get(record.file, 2))


def import_catalogue(path: Path) -> ImportReport:
    path = Path(path)

    def read(path: Path, report: ImportReport):
        data = read_catalogue(path)
        report.read, report.blank = data.rows_read, data.blank_rows
        for rejection in data.rejections:
            report.reject(rejection)
        return data

    def body(data, report: ImportReport) -> None:
        writer = VersionWriter()
        # Lowest precedence first, so that each standard's versions are numbered in order.
        records = sorted(data.records, key=_catalogue_order)
        # Which standard each record belongs to is decided for the whole file at once.
        states = writer.assign([r.document for r in records], [_catalogue_identity_order(r) for r in records])
        for record, state in zip(records, states, strict=True):
            prov = Provenance(
                kind="catalogue",
                file=record.file,
                row=record.row,
                created=record.created,
                modified=record.modified,
                pdf_name=record.pdf_name,
                raw=record.raw,
            )
            outcome, _ = writer.save(record.document, prov, state)
            report.count(outcome)
        writer.flush()

    return run_import("catalogue", path, body, read=read)


def import_json(path: Path) -> ImportReport:
    path = Path(path)

    def read(path: Path, report: ImportReport):
        records, rejections = read_json_documents(path)
        report.read = len(records) + len(rejections)
        for rejection in rejections:
            report.reject(rejection)
        return records

    def body(records, report: ImportReport) -> None:
        writer = VersionWriter()
        documents = [record.document for record in records]
        states = writer.assign(documents, [_json_order(doc) for doc in documents])
        for record, state in zip(records, states, strict=True):
            prov = Provenance(kind="json", file=path.name, row=record.row, raw=record.raw)
            outcome, _ = writer.save(record.document, prov, state)
            report.count(outcome)
        writer.flush()

    return run_import("json", path, body, read=read)


def _json_order(doc) -> tuple:
    """The order of NOS JSON documents for deciding identity: legacy before current, then
    the version's own number and approval date."""
    return (doc.validity == "current", doc.version_number or 0, doc.date_approved or date.min)


# Sections a finder page excerpt can fill.
_PAGE_TEXT = ("overview", *LIST_SECTIONS)


def import_pages(path: Path) -> ImportReport:
    """Fill NOS text from finder page excerpts: a new version of the standard, marked partial.

    Each page version extends the best version that did not come from a page (so a page
    import gives the same versions however often it runs, and two pages of one NOS do not
    build on each other). It keeps that version's metadata; the page supplies body text, and
    approval date, suites and developer where the base has none. It takes effect at the
    page's approval date, or just after its base, so it becomes current.
    """
    from noshub.core.readers.nospages import read_pages

    path = Path(path)

    def read(path: Path, report: ImportReport):
        pages, rejections = read_pages(path)
        report.read = len(pages) + len(rejections)
        for rejection in rejections:
            report.reject(rejection)
        return pages

    def body(pages, report: ImportReport) -> None:
        writer = VersionWriter()
        states = writer.assign([page.document for page in pages], [(page.document.date_approved or date.min,) for page in pages])
        for page, state in zip(pages, states, strict=True):
            doc = page.document
            prov = Provenance(kind="page", file=path.name, row=page.line, raw={"url": page.url, "host_type": page.host_type})
            base = writer.current_document(state, exclude_kind="page")
            if base is not None:
                fill = {name: getattr(doc, name) for name in _PAGE_TEXT if getattr(doc, name)}
                for name in ("date_approved", "developed_by", "suites"):
                    if not getattr(base, name) and getattr(doc, name):
                        fill[name] = getattr(doc, name)
                doc = dataclasses.replace(base, text_partial=True, **fill)
                base_time = state.current(exclude_kind="page").effective_at
                approved = datetime.combine(doc.date_approved, time.min, tzinfo=timezone.utc) if doc.date_approved else base_time
                prov.effective_at = max(approved, base_time)
            outcome, _ = writer.save(doc, prov, state)
            report.count(outcome)
        writer.flush()

    return run_import("page", path, body, read=read)
