"""Behaviours pages and their JSON twins; every view calls `services`, as the CLI does.

Pages: /behaviours/ (the catalogue; twin /behaviours/catalogue.json), /behaviours/<slug>/
(twin /behaviours/<slug>.json), /behaviours/suites/ and /behaviours/occupations/ (twins .json). Exports: /behaviours/catalogue.csv, /behaviours/catalogue.jsonld
(SKOS). Read: /behaviours/detect.json?text=… (GET, or POST {"statements": […]}).
Writes (POST /behaviours/<slug>/edit/): signed in, a nation reviewer or an administrator
(`services.can_edit`), with a CSRF token.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from noshub.catalogue import stamp as catalogue_stamp
from noshub.core.behaviours.reference import SCHEMES
from noshub.core.errors import InvalidParameter
from noshub.pages import Page, page_view
from noshub.pages.jsonbody import json_body, request_data

from . import services
from .schemas import DETECT, EDIT


@require_safe
@page_view
def index(request: HttpRequest) -> Page:
    """The catalogue: every behaviour, its definition and how many NOS show it."""
    data = services.catalogue_list(request.GET.get("q", "").strip())
    return Page("behaviours/index.html", data)


@require_safe
@page_view
def by_suite(request: HttpRequest) -> Page:
    """Each suite's behaviours (`?suite=<id>`: one suite's, all of them)."""
    return Page("behaviours/browse.html", services.by_suite(request.GET.get("suite", "").strip()))


@require_safe
@page_view
def by_occupation(request: HttpRequest) -> Page:
    """The behaviours of each SOC 2020 group (`?soc=<code>`: the groups one level below it)."""
    return Page("behaviours/browse.html", services.by_occupation(request.GET.get("soc", "").strip()))


@require_safe
@page_view
def detail(request: HttpRequest, slug: str) -> Page | HttpResponse:
    data = services.detail(slug)  # NotFound → 404 (noshub.pages.errors)
    if data["merged_into"] and request.page_format == "html":
        return redirect("behaviours:detail", slug=data["merged_into"])
    others = [b for b in services.catalogue_list()["behaviours"] if b["slug"] != slug] if services.can_edit(request.user) else []
    return Page(
        "behaviours/detail.html",
        {
            **data,
            "can_edit": services.can_edit(request.user),
            "others": others,
            "link_types": list(services.SKOS),
            "split_choices": services.statement_choices(slug) if others else [],
        },
    )


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(services.export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nos-behaviours.csv"'
    return response


@require_safe
def export_pdf(request: HttpRequest) -> HttpResponse:
    """The catalogue's PDF, made once per language until the catalogue stamp moves on (a build,
    merge, edit or any change of what it shows): making it takes ~5 s on the full catalogue, a
    worker's whole time while it runs."""
    language = get_language() or "en"
    made = catalogue_stamp.cached("behaviours-catalogue-pdf", (language,), lambda: services.export_pdf(language))
    response = HttpResponse(made, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="nos-behaviours.pdf"'
    return response


@require_safe
def export_jsonld(request: HttpRequest) -> HttpResponse:
    data = services.export_jsonld(request.build_absolute_uri("/").rstrip("/"))
    return HttpResponse(json.dumps(data, ensure_ascii=False, default=str), content_type="application/ld+json; charset=utf-8")


@csrf_exempt  # a read-only question: POST only carries many statements; it changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def detect(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        texts = json_body(request, DETECT)["statements"]  # InvalidBody: a 400 naming the JSON path
    else:
        texts = [t for t in request.GET.getlist("text") if t.strip()]
        if any(len(t) > 5000 for t in texts):
            raise InvalidParameter("text", "at most 5000 characters a statement")
    return JsonResponse({"statements": services.detect(texts), "threshold": services.detector().threshold})


@require_POST
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """A staff edit (form post from the behaviour page, or JSON valid against `schemas.EDIT`). CSRF-protected."""
    if request.content_type == "application/json":
        request.page_format = "json"  # its errors in the documented JSON shape (noshub.pages.errors)
    services._check(request.user)  # Forbidden → 403 before the body is read
    if request.content_type != "application/json" and "statements" in request.POST:
        # A form's ticked statements arrive as repeated fields.
        form = {k: v for k, v in request.POST.dict().items() if k != "csrfmiddlewaretoken"}
        data = EDIT.validate({**form, "statements": request.POST.getlist("statements")})
    else:
        data = request_data(request, EDIT)
    action, reason = data["action"], data.get("reason", "")
    if action == "rename":
        b = services.rename(request.user, slug, data.get("name", ""), data.get("definition"), reason)
    elif action == "confirm":
        b = services.confirm(request.user, slug, reason)
    elif action == "merge":
        b = services.merge(request.user, slug, data.get("into", ""), reason)
    elif action == "split":
        b = services.split(request.user, slug, data.get("name", ""), data.get("statements"), data.get("definition", ""), reason)
    else:
        if data.get("scheme") not in SCHEMES:
            raise InvalidParameter("scheme", f"expected one of {', '.join(SCHEMES)}")
        services.confirm_mapping(request.user, slug, data["scheme"], data.get("concept_id", ""), data.get("link_type"), reason)
        b = services.get(slug)
    if request.content_type == "application/json":
        return JsonResponse(services.detail(b.slug), status=200, json_dumps_params={"ensure_ascii": False})
    return redirect("behaviours:detail", slug=b.slug)
