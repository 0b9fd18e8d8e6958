"""The map's pages and their JSON twins; every view calls `services`, as the CLI and API do.

Pages: /frameworks/ (what is held, a SOC group finder, downloads), /frameworks/soc/<code>/ (a
SOC 2020 group's NOS, IfATE standards, ESCO and O*NET occupations), /frameworks/nos/<urn>/ (a
NOS's counterparts side by side), /frameworks/gaps/. Each has a `.json` twin. Exports:
/frameworks/links.csv, /frameworks/links.jsonld (SKOS), `?scheme=` for one system.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from noshub.core.errors import InvalidParameter
from noshub.pages import Page, page_view

from . import exports, services

SCHEMES = ("esco", "onet", "ifate", "isco08")


@require_safe
@page_view
def index(request: HttpRequest) -> Page | HttpResponse:
    code = request.GET.get("soc", "").strip()
    if code and request.page_format == "html":
        return redirect("frameworks:group", code=code[:8])
    return Page("frameworks/index.html", services.summary())


@require_safe
@page_view
def group(request: HttpRequest, code: str) -> Page:
    return Page("frameworks/group.html", services.group_map(code))


@require_safe
@page_view
def nos(request: HttpRequest, urn: str) -> Page:
    return Page("frameworks/nos.html", services.nos_map(urn))


@require_safe
@page_view
def gaps(request: HttpRequest) -> Page:
    return Page("frameworks/gaps.html", services.gaps())


def _scheme(request: HttpRequest) -> str | None:
    scheme = request.GET.get("scheme", "").strip() or None
    if scheme is not None and scheme not in SCHEMES:
        raise InvalidParameter("scheme", f"expected one of {', '.join(SCHEMES)}")
    return scheme


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.export_csv(_scheme(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nos-hub-occupation-links.csv"'
    return response


@require_safe
def export_jsonld(request: HttpRequest) -> HttpResponse:
    data = exports.export_jsonld(request.build_absolute_uri("/").rstrip("/"), _scheme(request))
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/ld+json; charset=utf-8")
