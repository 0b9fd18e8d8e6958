"""Themes pages and their JSON twins; every view calls `services`, as the CLI and the API do.

Pages: /themes/ (the five themes, the classes; twin /themes/index.json), /themes/<slug>/
(reference NOS and the NOS embedding them; twin .json, CSV /themes/<slug>.csv),
/themes/reach/<NOS>/ (a NOS's reach, its evidence and history; the form to confirm or change
the class for those who may). Writes: POST /themes/reach/<NOS>/decide (CSRF; roles checked by
`services.can_decide`).
"""

from __future__ import annotations

import io
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from noshub.catalogue.services import NotFound as StandardNotFound
from noshub.catalogue.services import get_standard
from noshub.cleansing import services as cleansing_services
from noshub.core.errors import Forbidden, InvalidParameter, NosHubError, NotFound
from noshub.core.spreadsheet import SafeDictWriter
from noshub.pages import Page, page_view
from noshub.pages.errors import json_error
from noshub.pages.jsonbody import request_data

from . import mapedit, maps, maps_text, services
from .placement import KINDS
from .reach import CLASSES
from .schemas import MAP_EDIT, OUTLINE, PLACEMENT, REACH_DECISION


def _standard(slug: str):
    try:
        return get_standard(slug)
    except StandardNotFound as exc:
        raise NotFound(str(exc)) from None


@require_safe
@page_view
def index(request: HttpRequest) -> Page:
    return Page("themes/index.html", services.themes_overview())


@require_safe
@page_view
def theme(request: HttpRequest, slug: str) -> Page:
    extent = request.GET.get("extent", "")
    return Page("themes/theme.html", services.theme_detail(slug, extent=extent))


@require_safe
def theme_csv(request: HttpRequest, slug: str) -> HttpResponse:
    rows = services.export_rows(slug)
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=services.EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="theme-{slug}.csv"'
    return response


@require_safe
@page_view
def reach_page(request: HttpRequest, slug: str) -> Page:
    standard = _standard(slug)
    data = services.reach_of(standard)
    data["can_decide"] = services.can_decide(request.user, standard)
    data["classes"] = [{"value": c, "label": services.class_label(c)} for c in CLASSES]
    return Page("themes/reach.html", data)


def _json_errors(view):
    """A write sent as JSON gets its errors as JSON (the documented shape); a form post gets the
    branded error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NosHubError as exc:
            if request.content_type == "application/json":
                return json_error(exc.status, exc.code, str(exc), **exc.details())
            raise

    return wrapper


@require_POST
@_json_errors
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm or change a NOS's class: a form post (CSRF) or JSON `REACH_DECISION`."""
    standard = _standard(slug)
    if not services.can_decide(request.user, standard):
        raise Forbidden("Only reviewers, administrators and the developers of this NOS may confirm or change its reach.")
    data = request_data(request, REACH_DECISION)  # InvalidBody: a 400 naming the field or JSON path
    try:
        d = services.decide_reach(request.user, standard, str(data.get("reach_class", "")), str(data.get("reason", "")))
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None
    except ValidationError as exc:
        raise InvalidParameter("reach_class" if "class" in " ".join(exc.messages) else "reason", " ".join(exc.messages)) from None
    if request.content_type == "application/json":
        return JsonResponse(services.decision_dict(d), status=201)
    return redirect("themes:reach", slug=standard.slug)


# -- functional maps ------------------------------------------------------------------------



@require_safe
@page_view
def maps_index(request: HttpRequest) -> Page:
    return Page("themes/maps.html", {"maps": maps.map_list()})


@require_safe
@page_view
def map_page(request: HttpRequest, slug: str) -> Page:
    version = request.GET.get("version", "")
    if version and not version.isdigit():
        raise InvalidParameter("version", "must be a whole number")
    data = maps.map_detail(maps.get_map(slug, int(version) if version else None))
    data["can_edit"] = data["latest"] and mapedit.can_edit(request.user)
    data["kind_labels"] = {k: maps_text.kind_label(k) for k in KINDS}
    data["edit_actions"] = [{"value": a, "label": maps_text.edit_label(a)} for a in mapedit.EDITS]
    return Page("themes/map.html", data)


@require_POST
@_json_errors
def map_import(request: HttpRequest) -> HttpResponse:
    """Import an outline as a new map version (staff: reviewers and administrators). CSRF."""
    if not cleansing_services.is_reviewer(request.user):
        raise Forbidden("Only reviewers and administrators may import functional maps.")
    data = request_data(request, OUTLINE)
    fmap = maps.import_outline(
        data["outline"], data["format"], slug=data.get("slug", ""), user=request.user, file="posted outline"
    )
    return JsonResponse({"slug": fmap.slug, "version": fmap.version, "url": f"/themes/maps/{fmap.slug}/"}, status=201)




def _as_forbidden(call):
    try:
        return call()
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None


@require_safe
@page_view
def map_function(request: HttpRequest, slug: str, code: str) -> Page:
    version = request.GET.get("version", "")
    if version and not version.isdigit():
        raise InvalidParameter("version", "must be a whole number")
    data = maps.function_detail(maps.get_map(slug, int(version) if version else None), code)
    data["can_edit"] = data["latest"] and mapedit.can_edit(request.user)
    data["kind_choices"] = [{"value": k, "label": maps_text.kind_label(k)} for k in KINDS]
    for row in data["nos"]:
        row["kind_label"] = maps_text.kind_label(row["kind"])
        row["kind_reason_text"] = maps_text.kind_reason(row["kind_reason"])
    return Page("themes/map_function.html", data)


@require_POST
@_json_errors
def map_place(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm, move or remove a placement on a map's latest version (reviewers, administrators). CSRF."""
    if not mapedit.can_edit(request.user):
        raise Forbidden("Only reviewers and administrators may change functional maps.")
    data = request_data(request, PLACEMENT)
    standard = _standard(data["urn"])
    decision = _as_forbidden(
        lambda: mapedit.decide_placement(
            request.user,
            slug,
            standard,
            data["function"],
            data["action"],
            to_function=data.get("to_function", ""),
            kind=data.get("kind", ""),
            reason=data["reason"],
        )
    )
    if request.content_type == "application/json":
        return JsonResponse({"slug": slug, "decision": mapedit.decisions(slug, limit=1)[0]}, status=201)
    return redirect("themes:map-function", slug=slug, code=decision.to_function or decision.function)


@require_POST
@_json_errors
def map_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """One change to a map's outline, as a new version (reviewers, administrators). CSRF."""
    if not mapedit.can_edit(request.user):
        raise Forbidden("Only reviewers and administrators may change functional maps.")
    data = request_data(request, MAP_EDIT)
    fmap = _as_forbidden(
        lambda: mapedit.edit_map(
            request.user,
            slug,
            data["action"],
            data["reason"],
            code=data.get("code", ""),
            title=data.get("title", ""),
            parent=data.get("parent", ""),
        )
    )
    if request.content_type == "application/json":
        return JsonResponse({"slug": fmap.slug, "version": fmap.version, "url": f"/themes/maps/{fmap.slug}/"}, status=201)
    return redirect("themes:map", slug=fmap.slug)


@require_safe
@page_view
def suggested(request: HttpRequest) -> Page:
    """Suggested further cross-cutting themes (staff: reviewers and administrators)."""
    if not cleansing_services.is_reviewer(request.user):
        raise Forbidden("Only reviewers and administrators may see suggested themes.")

    def number(name: str, default: int) -> int:
        raw = request.GET.get(name, "")
        if raw and not raw.isdigit():
            raise InvalidParameter(name, "must be a whole number")
        return int(raw) if raw else default

    return Page("themes/suggested.html", services.suggested_themes(number("min_developers", 8), number("limit", 20)))
