"""Pages of the catalogue: the home page and the NOS page, each with a JSON twin."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from noshub.core.model import SECTION_LABELS

from . import services
from .stats import catalogue_stats


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    urn = request.GET.get("urn", "").strip()
    if urn:
        found = services.find_standards(urn)
        if len(found) == 1:
            return redirect("catalogue:nos", slug=found[0].slug)
        return render(
            request,
            "catalogue/home.html",
            {"stats": catalogue_stats(), "urn": urn, "matches": found},
            status=200 if found else 404,
        )
    return render(request, "catalogue/home.html", {"stats": catalogue_stats()})


@require_safe
def home_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(catalogue_stats())


def _detail(slug: str) -> dict:
    try:
        return services.standard_detail(services.get_standard(slug))
    except services.NotFound as exc:
        raise Http404(str(exc)) from None


@require_safe
def nos(request: HttpRequest, slug: str) -> HttpResponse:
    detail = _detail(slug)
    if detail["slug"] != slug:
        return redirect("catalogue:nos", slug=detail["slug"])
    sections = []
    current = detail["current"]
    for name in (
        "overview",
        "performance_criteria",
        "knowledge_and_understanding",
        "scope_range",
        "scope_range_performance_criteria",
        "scope_range_knowledge_and_understanding",
        "values",
        "behaviours",
        "skills",
        "glossary",
        "links_to_other_nos",
        "external_links",
    ):
        value = current[name] if current else None
        if value:
            sections.append({"name": name, "label": SECTION_LABELS[name][0], "value": value, "is_list": isinstance(value, list)})
    return render(request, "catalogue/nos.html", {"nos": detail, "v": current, "sections": sections})


@require_safe
def nos_json(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(_detail(slug), json_dumps_params={"ensure_ascii": False})
