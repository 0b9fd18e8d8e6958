"""One page contract: a view returns a template and a context; HTML and JSON come from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import patch_vary_headers

from . import ratelimit
from .jsonable import to_jsonable

JSON_TYPE = "application/json"


@dataclass
class Page:
    """What a page view returns: the template for HTML, the context for both HTML and JSON."""

    template: str
    context: dict = field(default_factory=dict)
    status: int = 200


def wants_json(request: HttpRequest) -> bool:
    """The JSON twin was asked for: a ``.json`` URL, or an Accept header that puts JSON first."""
    if getattr(request, "page_format", None) == "json" or request.path.endswith(".json"):
        return True
    accept = request.headers.get("Accept", "")
    first = accept.split(",")[0].split(";")[0].strip().lower()
    return first == JSON_TYPE


def json_twin_url(request: HttpRequest) -> str:
    """The ``.json`` URL of an HTML page: the URL named ``<name>-json`` with the same arguments
    (``/search/?q=x`` → ``/search.json?q=x``, ``/soc/`` → ``/soc/report.json``); else the path
    with ``.json`` (``/`` → ``/.json``)."""
    match = request.resolver_match
    try:
        base = reverse(f"{match.view_name}-json", args=match.args, kwargs={k: v for k, v in match.kwargs.items() if k != "format"})
    except (AttributeError, NoReverseMatch):
        base = (request.path[:-1] if request.path.endswith("/") else request.path) or "/"
        base += ".json"
    query = request.META.get("QUERY_STRING", "")
    return base + (f"?{query}" if query else "")


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(to_jsonable(data), status=status, safe=isinstance(data, dict), json_dumps_params={"ensure_ascii": False})


def page_view(view):
    """Decorate a view that returns a `Page` (or any HttpResponse: redirects, downloads).

    The view may read ``request.page_format`` ("html" or "json") to skip work only HTML needs.
    The JSON twin counts against the client's API rate limit (`ratelimit`): HTTP 429 past it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, format: str = "html", **kwargs) -> HttpResponse:
        request.page_format = "json" if format == "json" or wants_json(request) else "html"
        if request.page_format == "json":
            ratelimit.enforce(request)  # TooManyRequests: ErrorMiddleware answers 429
        result = view(request, *args, **kwargs)
        if not isinstance(result, Page):
            return result
        request.page_context = result.context  # read after the response by usage counting (noshub.monitoring)
        if request.page_format == "json":
            response = json_response(result.context, result.status)
        else:
            response = render(request, result.template, result.context, status=result.status)
            response["Link"] = f'<{json_twin_url(request)}>; rel="alternate"; type="{JSON_TYPE}"'
        patch_vary_headers(response, ["Accept", "Cookie"])  # JSON or HTML; the language cookie
        return response

    wrapper.is_page_view = True
    return wrapper


def page_path(route: str, view, name: str) -> list:
    """The two URLs of a page: ``route`` for HTML and its ``.json`` twin (named ``name-json``)."""
    json_route = (route[:-1] if route.endswith("/") else route) + ".json"
    return [path(route, view, name=name), path(json_route, view, {"format": "json"}, name=f"{name}-json")]
