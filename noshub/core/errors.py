"""The one hierarchy of errors NOS Hub raises on purpose.

Every error says what went wrong in words a user can act on. Each class carries the HTTP
status and the short machine code that the page contract (`noshub.pages.errors`) maps it to,
in one place, for JSON (``{"error": {"status", "code", "message", ...details}}``) and for the
branded error pages; the CLI prints the message and exits 1. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass


class NosHubError(Exception):
    """Base class for every error NOS Hub raises on purpose."""

    status: int = 400
    code: str = "error"

    def details(self) -> dict:
        """What the JSON error body carries besides status, code and message."""
        return {}


class NotFound(NosHubError, LookupError):
    """No such thing (a NOS, a suite, a group, a page)."""

    status = 404
    code = "not_found"


class InvalidParameter(NosHubError, ValueError):
    """A request or command parameter that cannot be used; names the parameter."""

    status = 400
    code = "invalid_parameter"

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"{name}: {message}")

    def details(self) -> dict:
        return {"parameter": self.name}


class Forbidden(NosHubError, PermissionError):
    """The user's role does not allow this."""

    status = 403
    code = "forbidden"


class RetryLater(NosHubError):
    """The request may be sent again after `retry_after` seconds (the Retry-After header)."""

    def __init__(self, message: str, retry_after: int = 30):
        self.retry_after = retry_after
        super().__init__(message)

    def details(self) -> dict:
        return {"retry_after": self.retry_after}


class ServiceBusy(RetryLater):
    """The database is held by a long write (an import) and the request could not wait for it;
    nothing was changed, and the same request can be sent again after `retry_after` seconds."""

    status = 503
    code = "busy"


class TooManyRequests(RetryLater):
    """Too many requests or failed sign-ins from one client: wait `retry_after` seconds."""

    status = 429
    code = "too_many_requests"


@dataclass(frozen=True)
class Rejection:
    """Why one row, document or field of an input file was not accepted."""

    file: str
    row: int | str | None
    field: str | None
    reason: str
    sheet: str | None = None  # the workbook's sheet, where a file has several

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f", sheet {self.sheet!r}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        data = {"file": self.file, "row": self.row, "field": self.field, "reason": self.reason}
        if self.sheet:
            data["sheet"] = self.sheet
        return data


class ImportRejected(NosHubError):
    """A whole input file was rejected; nothing from it was written."""

    code = "rejected"

    def __init__(
        self, file: str, reason: str, row: int | str | None = None, field: str | None = None, sheet: str | None = None
    ):
        self.rejection = Rejection(file=file, row=row, field=field, reason=reason, sheet=sheet)
        super().__init__(str(self.rejection))


class RecordRejected(NosHubError):
    """One record of a file is invalid; the importer records it and goes on."""

    code = "rejected"

    def __init__(self, field: str | None, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)
