"""Exceptions users of NOS Hub can catch."""

from __future__ import annotations

from dataclasses import dataclass


class NosHubError(Exception):
    """Base class for every error NOS Hub raises on purpose."""


@dataclass(frozen=True)
class Rejection:
    """Why one row, document or field of an input file was not accepted."""

    file: str
    row: int | str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


class ImportRejected(NosHubError):
    """A whole input file was rejected; nothing from it was written."""

    def __init__(self, file: str, reason: str, row: int | str | None = None, field: str | None = None):
        self.rejection = Rejection(file=file, row=row, field=field, reason=reason)
        super().__init__(str(self.rejection))


class RecordRejected(NosHubError):
    """One record of a file is invalid; the importer records it and goes on."""

    def __init__(self, field: str | None, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)
