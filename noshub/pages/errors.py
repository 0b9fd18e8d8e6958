"""Errors become responses here and nowhere else.

JSON (a ``.json`` URL, the API, or ``Accept: application/json``) gets the documented shape::

    {"error": {"status": 404, "code": "not_found", "message": "…", …details}}

HTML gets a branded GOV.UK error page in the interface language (English or Welsh). The
exceptions are the core's hierarchy (`noshub.core.errors`), Django's Http404,
PermissionDenied, BadRequest/SuspiciousOperation, the database being held by another writer
(503 "busy" with Retry-After, wherever it is raised: a view or a middleware such as the
session's), and anything else (500, without details).
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from noshub.core.errors import NosHubError, RetryLater, ServiceBusy, TooManyRequests

from .contract import json_response, wants_json
from .dblock import is_busy

log = logging.getLogger("noshub.errors")

TITLES = {
    400: _("There is a problem with your request"),
    403: _("You do not have permission to see this page"),
    404: _("Page not found"),
    405: _("This page cannot do that"),
    429: _("Too many attempts"),
    500: _("Sorry, there is a problem with the service"),
    503: _("Sorry, the service is busy"),
}
CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
    500: "server_error",
    503: "busy",
}
BUSY_RETRY_AFTER = 30  # seconds: an import holds the database for a few seconds to a minute


def busy_error() -> ServiceBusy:
    return ServiceBusy(
        str(_("The service is busy updating its data. Nothing was changed. Please try again in a minute.")),
        retry_after=BUSY_RETRY_AFTER,
    )


def describe(request: HttpRequest, exc: BaseException | None, status: int | None = None) -> tuple[int, str, str, dict]:
    """(status, code, message, details) of an exception, in one place."""
    if isinstance(exc, NosHubError):
        return exc.status, exc.code, str(exc), exc.details()
    if isinstance(exc, Resolver404) or (isinstance(exc, Http404) and not (exc.args and isinstance(exc.args[0], str))):
        return 404, "not_found", f"No page at {request.path}", {}
    if isinstance(exc, Http404):
        return 404, "not_found", str(exc), {}
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden", str(exc) or "Your role does not allow this.", {}
    if isinstance(exc, BadRequest | SuspiciousOperation):
        return 400, "bad_request", str(exc) or "The request cannot be read.", {}
    status = status or 500
    return status, CODES.get(status, "error"), str(TITLES.get(status, TITLES[500])), {}


def json_error(status: int, code: str, message: str, **details) -> HttpResponse:
    return json_response({"error": {"status": status, "code": code, "message": message, **details}}, status)


def error_response(request: HttpRequest, exc: BaseException | None = None, status: int | None = None) -> HttpResponse:
    """The response for an error: JSON in the documented shape, or the branded error page."""
    if is_busy(exc):
        log.warning("database busy: %s %s answered 503", request.method, request.path)
        exc = busy_error()
    status, code, message, details = describe(request, exc, status)
    response = _error_body(request, status, code, message, details)
    if isinstance(exc, RetryLater):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _error_body(request: HttpRequest, status: int, code: str, message: str, details: dict) -> HttpResponse:
    if request.path.startswith("/api/") or wants_json(request):
        response = json_error(status, code, message, **details)
    else:
        response = HttpResponse(_error_page(request, status, message), status=status)
    return response


def _error_page(request: HttpRequest, status: int, message: str) -> str:
    context = {"status": status, "title": TITLES.get(status, TITLES[500]), "message": message if status != 500 else ""}
    try:
        html = render_to_string("errors/error.html", context, request=request)
    except Exception:  # the error page must never fail: a plain page if the template cannot render
        log.exception("error page failed to render")
        html = f"<!DOCTYPE html><title>{status}</title><h1>{context['title']}</h1>"
    return html


class ErrorMiddleware:
    """Turns the core's errors raised by any view into the mapped response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NosHubError) or is_busy(exception):
            return error_response(request, exception)
        return None


# Django's handlers (named in noshub.urls) for what no view answers itself.
def bad_request(request, exception=None):
    return error_response(request, exception, 400)


def permission_denied(request, exception=None):
    return error_response(request, exception, 403)


def page_not_found(request, exception=None):
    return error_response(request, exception, 404)


def server_error(request):
    # Django calls this while it handles the exception: a busy database (even in a middleware,
    # e.g. saving the session) is a 503 the client can retry, not a fault.
    exc = sys.exc_info()[1]
    return error_response(request, exc if is_busy(exc) else None, 500)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in from a user name and address with too many failed
    attempts (settings.AXES_LOCKOUT_CALLABLE): the branded 429 page, or JSON, with Retry-After."""
    from django.conf import settings

    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    message = ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return error_response(request, TooManyRequests(message, retry_after=minutes * 60))
