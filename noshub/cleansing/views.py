"""Cleansing pages and their JSON twins. Every view calls `services` or `quality`, as the CLI does.

JSON (read): /cleansing/groups.json, /cleansing/groups/<key>.json, /cleansing/covered.json
(GET ?text= or POST a JSON draft: `schemas.COVERED_DRAFT`), /cleansing/quality.json (staff), /cleansing/decisions/<nos>.json.
Pages: /cleansing/groups/<key>/ (explanation, and the decision form for reviewers),
/cleansing/quality/ (staff). Writes (POST /cleansing/decisions/) need a signed-in user who may
decide (see `services.can_decide`) and a CSRF token.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from noshub.catalogue.services import NotFound as StandardNotFound
from noshub.catalogue.services import get_standard
from noshub.core.duplicates import KINDS
from noshub.pages import Page, page_view
from noshub.pages.errors import CODES, json_error
from noshub.pages.jsonbody import InvalidBody, json_body, request_data

from . import services
from .models import ACTION_CHOICES, REVERSE
from .quality import quality_report, summary
from .schemas import COVERED_DRAFT, DECISION


def _error(status: int, message: str) -> HttpResponse:
    """The one documented JSON error shape (noshub.pages.errors)."""
    return json_error(status, CODES.get(status, "error"), message)


def _int(request: HttpRequest, name: str, default: int, high: int) -> int:
    try:
        return max(0, min(int(request.GET.get(name, default)), high))
    except ValueError:
        return default


@require_safe
def groups_json(request: HttpRequest) -> JsonResponse:
    kind = request.GET.get("kind", "")
    if kind and kind not in KINDS:
        return _error(400, f"Unknown kind {kind!r}: expected one of {', '.join(KINDS)}.")
    data = services.group_list(
        kind=kind, nos=request.GET.get("nos", ""), limit=_int(request, "limit", 50, 500), offset=_int(request, "offset", 0, 10**6)
    )
    if data["run"] is None:
        return _error(404, "No duplicate detection has run yet: run `noshub duplicates`.")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
@page_view
def group_page(request: HttpRequest, key: str) -> Page:
    """A duplicate group explained; its twin /cleansing/groups/<key>.json is the explanation."""
    data = services.group_explanation(key)  # NotFound → 404 (noshub.pages.errors)
    actions = [[a, label] for a, label in ACTION_CHOICES if a != REVERSE]
    # The form offers the members this user may decide about (a developer: its organisation's).
    decidable = []
    if services.can_decide(request.user):
        decidable = [m for m in data["members"] if services.can_decide(request.user, get_standard(m["nos"]))]
    return Page("cleansing/group.html", {**data, "can_decide": bool(decidable), "decidable": decidable, "actions": actions})


@csrf_exempt  # a read-only query: POST only carries a long draft; it changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def covered_json(request: HttpRequest) -> JsonResponse:
    """Which existing NOS and statements already cover a draft. GET ?text=…, or POST JSON
    {"title": …, "overview": …, "statements": […], "keywords": […]} or {"text": …}."""
    if request.method == "POST":
        body = json_body(request, COVERED_DRAFT)  # InvalidBody: a 400 naming the JSON path
        draft = services.draft_from_text(
            text=body.get("text", ""),
            title=body.get("title", ""),
            statements=body.get("statements", []),
            overview=body.get("overview", ""),
            keywords=body.get("keywords", []),
        )
    else:
        draft = services.draft_from_text(text=request.GET.get("text", ""), title=request.GET.get("title", ""))
    if not draft.title and not draft.statements:
        return _error(400, "Give the draft's text (?text=…) or a title and statements.")
    limit = _int(request, "limit", 10, 100) or 10
    return JsonResponse(services.already_covered(draft, limit=limit), json_dumps_params={"ensure_ascii": False})


@staff_member_required
@require_safe
def quality_json(request: HttpRequest) -> JsonResponse:
    report = quality_report()
    check = request.GET.get("check", "")
    if check:
        if check not in report["checks"]:
            return _error(400, f"Unknown check {check!r}: expected one of {', '.join(report['checks'])}.")
        data = report["checks"][check]
        limit, offset = _int(request, "limit", 100, 100000), _int(request, "offset", 0, 10**6)
        return JsonResponse({**{k: v for k, v in data.items() if k != "items"}, "items": data["items"][offset : offset + limit]})
    return JsonResponse(summary(report), json_dumps_params={"ensure_ascii": False})


@staff_member_required
@require_safe
def quality_page(request: HttpRequest) -> HttpResponse:
    report = quality_report()
    checks = [
        {
            "name": name,
            **{k: v for k, v in check.items() if k != "items"},
            "items": check["items"][:50],
            "by_developer": list(check.get("by_developer", {}).items())[:10],
            "by_suite": list(check.get("by_suite", {}).items())[:10],
        }
        for name, check in report["checks"].items()
    ]
    return render(request, "cleansing/quality.html", {"report": report, "checks": checks})


@require_safe
def decisions_json(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        standard = get_standard(slug)
    except StandardNotFound as exc:
        return _error(404, str(exc))
    force = services.decision_in_force(standard)
    return JsonResponse(
        {
            "nos": standard.slug,
            "in_force": services.decision_dict(force) if force else None,
            "canonical": services.canonical_for(standard).slug,
            "history": services.decision_history(standard),
        }
    )


@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """Record or reverse a decision (form post from a group page, or JSON valid against
    `schemas.DECISION`). CSRF-protected. Who may decide about which NOS: `services.can_decide`."""
    if not request.user.is_authenticated:
        return _error(403, "Sign in to record decisions.")
    if not services.can_decide(request.user):
        return _error(403, "Only reviewers, administrators and standards developers may record decisions.")
    wants_json = request.content_type == "application/json"
    try:
        data = request_data(request, DECISION)
    except InvalidBody as exc:
        return json_error(exc.status, exc.code, str(exc), **exc.details())
    try:
        standard = get_standard(str(data.get("nos", "")))
        target = get_standard(str(data["target"])) if data.get("target") else None
        action = str(data.get("action", ""))
        reason = str(data.get("reason", ""))
        if action == REVERSE:
            decision = services.reverse_decision(request.user, standard, reason)
        else:
            decision = services.record_decision(request.user, standard, action, reason, target, str(data.get("group", "")))
    except StandardNotFound as exc:
        return _error(404, str(exc))
    except PermissionDenied as exc:
        return _error(403, str(exc))
    except ValidationError as exc:
        return _error(400, " ".join(exc.messages))
    if wants_json or not data.get("group"):
        return JsonResponse(services.decision_dict(decision), status=201)
    return redirect("cleansing:group", key=data["group"])
