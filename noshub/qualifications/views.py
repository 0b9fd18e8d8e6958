"""Qualification pages and their JSON twins. Every view calls `services`, as the CLI does.

Pages: /qualifications/ (list and reuse figures), /qualifications/<id>/ (structure, each unit's
NOS, coverage, alerts), /qualifications/reuse/ (suites no qualification uses),
/qualifications/alerts/ (and the Atom feed /qualifications/alerts.atom), /qualifications/review/
(the review queue: signed-in reviewers). Writes (POST /qualifications/review/<unit>/) need a
person who may review links (`services.can_review`) and a CSRF token; each is recorded.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from noshub.core.errors import Forbidden, InvalidParameter
from noshub.pages import Page, page_view
from noshub.pages.jsonbody import request_data

from . import services
from .schemas import LINK_DECISION


def _int(request: HttpRequest, name: str, default: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(name, "expected a whole number") from None
    if not 0 <= value <= high:
        raise InvalidParameter(name, f"expected a whole number from 0 to {high}")
    return value


@require_safe
@page_view
def qualification_list(request: HttpRequest) -> Page:
    q = request.GET.get("q", "")[:200]
    data = services.qualification_list(
        q=q,
        limit=_int(request, "limit", 100, 1000),
        offset=_int(request, "offset", 0, 10**6),
        structured=request.GET.get("structured") == "1",
    )
    return Page("qualifications/list.html", data)


@require_safe
@page_view
def qualification_detail(request: HttpRequest, pk: int) -> Page:
    data = services.qualification_detail(services.get_qualification(pk))  # NotFound: 404
    return Page("qualifications/detail.html", data)


@require_safe
@page_view
def reuse(request: HttpRequest) -> Page:
    return Page(
        "qualifications/reuse.html", {"figures": services.reuse_figures(), "unused_suites": services.unused_suites(limit=2000)}
    )


@require_safe
@page_view
def alerts(request: HttpRequest) -> Page:
    data = services.alert_list(
        limit=_int(request, "limit", 50, 1000),
        offset=_int(request, "offset", 0, 10**6),
        nos=request.GET.get("nos", "")[:300],
        qualification=request.GET.get("qualification", "")[:80],
    )
    return Page("qualifications/alerts.html", data)


@require_safe
@page_view
def review_queue(request: HttpRequest) -> Page:
    if not services.can_review(request.user):
        raise Forbidden("Only administrators, reviewers, standards developers and staff may review links.")
    data = services.review_queue(limit=_int(request, "limit", 50, 500), offset=_int(request, "offset", 0, 10**6))
    return Page("qualifications/review.html", {**data, "decisions": services.decisions(limit=20)})


@require_POST
def decide(request: HttpRequest, unit: int) -> HttpResponse:
    """Confirm, correct or say "no NOS" for a unit's link (a form from the review page, or JSON
    valid against `schemas.LINK_DECISION`). CSRF-protected; the role is checked in `services.decide`."""
    if not services.can_review(request.user):
        raise Forbidden("Only administrators, reviewers, standards developers and staff may review links.")
    data = request_data(request, LINK_DECISION)  # InvalidBody: 400 naming the field
    link = services.decide(request.user, unit, data["action"], nos=data.get("nos", ""), note=data.get("note", ""))
    if request.content_type == "application/json":
        return JsonResponse(services.link_dict(link), status=201)
    target = data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "qualifications:review")
