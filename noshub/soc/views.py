"""SOC 2020 alignment over HTTP: JSON endpoints and the review page. Reads are open; every
write (a review decision, a bulk acceptance) needs a signed-in user with the
``soc.review_soc`` permission, and Django's CSRF check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from noshub.catalogue import stamp as catalogue_stamp
from noshub.pages import Page, page_view
from noshub.pages.jsonbody import request_data

from . import services
from .permissions import may_review
from .schemas import SOC_ACCEPT, SOC_DECISION

# Errors are the services' (SocError 400, SocNotFound 404, NotAllowed 403) and the bodies'
# (InvalidBody 400, naming the JSON path; `schemas`): raised, and turned into the one JSON error
# shape by noshub.pages.errors.


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False}, safe=not isinstance(data, list))


def _int(request: HttpRequest, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise services.SocError(f"{name} must be a whole number") from None
    if not lo <= value <= hi:
        raise services.SocError(f"{name} must be from {lo} to {hi}")
    return value


def _check_reviewer(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise services.NotAllowed("sign in as a SOC reviewer to do this")
    if not may_review(request.user):
        raise services.NotAllowed("you do not have the permission to review SOC codes (soc.review_soc)")


@require_safe
def suggest_json(request: HttpRequest) -> JsonResponse:
    urn, text = request.GET.get("urn"), request.GET.get("text")
    top = _int(request, "top", 5, 1, 20)
    if (urn is None) == (text is None):
        raise services.SocError("give exactly one of urn or text")
    if urn is not None:
        standard, suggestions = services.suggest_for_standard(urn, top)
        subject = {"urn": standard.slug, "links": services.standard_links(standard)}
    else:
        suggestions = services.suggest_for_text(text, top)
        subject = {"text": text}
    return _json(
        subject | {"suggestions": [services.suggestion_dict(s) for s in suggestions], "coder": services.coder_status()}
    )


@require_safe
def queue_json(request: HttpRequest) -> JsonResponse:
    limit = _int(request, "limit", 50, 1, 1000)
    offset = _int(request, "offset", 0, 0, 10**7)
    below = request.GET.get("below")
    try:
        below_f = float(below) if below not in (None, "") else None
    except ValueError:
        raise services.SocError("below must be a number") from None
    return _json(services.review_queue(limit=limit, offset=offset, below=below_f))


@require_http_methods(["GET", "HEAD", "POST"])
def decisions_json(request: HttpRequest) -> JsonResponse:
    _check_reviewer(request)
    if request.method == "POST":
        body = request_data(request, SOC_DECISION)  # InvalidBody: a 400 naming the JSON path
        decision = services.decide(
            request.user, body.get("urn", ""), body.get("code", ""), body.get("action", ""), body.get("reason", "")
        )
        return JsonResponse(services.decision_dict(decision), status=201)
    return _json(
        services.decisions(
            limit=_int(request, "limit", 50, 1, 1000), offset=_int(request, "offset", 0, 0, 10**7), urn=request.GET.get("urn")
        )
    )


@require_http_methods(["POST"])
def accept_json(request: HttpRequest) -> JsonResponse:
    _check_reviewer(request)
    body = request_data(request, SOC_ACCEPT)
    result = services.accept_above(request.user, body.get("threshold", services.BULK_ACCEPT_THRESHOLD), body.get("reason", ""))
    return _json(result)


@require_safe
@page_view
def report(request: HttpRequest) -> Page:
    """The alignment report; its twin is /soc/report.json. Counted once until the catalogue stamp
    moves on (every change of a NOS's SOC codes reindexes it): ~2.3 s on the full catalogue."""
    return Page("soc/report.html", catalogue_stamp.cached("soc-alignment-report", (), services.alignment_report))


@require_safe
def group_json(request: HttpRequest, code: str) -> JsonResponse:
    return _json(
        services.nos_in_group(code, limit=_int(request, "limit", 100, 1, 100000), offset=_int(request, "offset", 0, 0, 10**7))
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """The review page: the queue, one form per NOS (confirm, reject or choose another code)."""
    if not request.user.is_authenticated:
        return redirect(f"/admin/login/?next={request.path}")
    if not may_review(request.user):
        return render(request, "soc/review.html", {"forbidden": True}, status=403)
    message, error = "", ""
    if request.method == "POST":
        try:
            d = services.decide(
                request.user,
                request.POST.get("urn", ""),
                request.POST.get("code", ""),
                request.POST.get("action", ""),
                request.POST.get("reason", ""),
            )
            message = f"Recorded: {d.action} {d.soc2020} for {d.standard.slug}."
        except (services.SocError, services.NotAllowed) as exc:
            error = str(exc)
    try:
        offset = _int(request, "offset", 0, 0, 10**7)
    except services.SocError:
        offset = 0
    queue = services.review_queue(limit=20, offset=offset)
    services.add_evidence(queue["items"])  # coded NOS like each, when the coder is fitted
    return render(
        request,
        "soc/review.html",
        {
            "queue": queue,
            "message": message,
            "error": error,
            "next_offset": offset + 20,
            "threshold": services.BULK_ACCEPT_THRESHOLD,
        },
        status=400 if error else 200,
    )
