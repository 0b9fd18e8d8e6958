"""The public API, version 1: read-only, anonymous, JSON (and CSV where a list is exported).

Every response comes from the same service functions as the pages and the CLI. Every error
has one shape: {"error": {"status", "code", "message", "parameter"?}}.
"""

from __future__ import annotations

import html
import io
import re
from functools import wraps

from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt

from noshub.behaviours import services as behaviour_services
from noshub.catalogue import services
from noshub.catalogue.models import Organisation, Suite
from noshub.core.errors import InvalidParameter, NosHubError
from noshub.core.spreadsheet import SafeDictWriter
from noshub.frameworks import exports as framework_exports
from noshub.frameworks import services as frameworks
from noshub.pages import ratelimit
from noshub.pages.errors import error_response, json_error
from noshub.pages.jsonable import to_jsonable
from noshub.qualifications import services as qualifications
from noshub.search.engine import SearchParams, search, soc_counts
from noshub.search.models import SearchDocument
from noshub.soc.models import SocGroup
from noshub.themes import services as themes_services

from .jsonld import nos_jsonld
from .openapi import openapi_document

SAFE_METHODS = ("GET", "HEAD")


def error(status: int, code: str, message: str, parameter: str | None = None, headers: dict | None = None) -> HttpResponse:
    """The documented error shape (`noshub.pages.errors.json_error`), with headers."""
    response = json_error(status, code, message, **({"parameter": parameter} if parameter else {}))
    for k, v in (headers or {}).items():
        response[k] = v
    return response


def api_view(func):
    """Read-only, rate-limited, one error shape, CORS open for reading. A write method is a JSON
    405 naming the allowed ones (not Django's CSRF page: the API holds no session state)."""

    @csrf_exempt
    @wraps(func)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            response = error(405, "method_not_allowed", f"The API is read-only: {request.method} is not allowed; use GET.")
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        try:
            ratelimit.enforce(request)
            response = func(request, *args, **kwargs)
        except NosHubError as exc:
            return error_response(request, exc)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=not isinstance(data, list), json_dumps_params={"ensure_ascii": False})


def _csv(rows: list[dict], columns: list[str], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(request: HttpRequest, allowed=("json", "csv")) -> str:
    fmt = request.GET.get("format", "json").lower()
    if fmt not in allowed:
        raise InvalidParameter("format", f"must be one of {', '.join(allowed)}")
    return fmt


SEARCH_CSV = [
    "urn",
    "title",
    "score",
    "developer",
    "suites",
    "validity",
    "date_approved",
    "slug",
    "review_date",
    "review_status",
    "why",
    "snippet",
    "copies",
    "also_in_suites",
]
_SEARCH_KEYS = {
    "q",
    "validity",
    "suite",
    "developer",
    "category",
    "soc",
    "year",
    "sort",
    "page",
    "per_page",
    "mode",
    "format",
    "copies",
    "group",
    "provenance",
    "min_confidence",
    "reach",
    "theme",
    "behaviour",
}


@api_view
def search_view(request: HttpRequest):
    unknown = set(request.GET) - _SEARCH_KEYS
    if unknown:
        raise InvalidParameter(sorted(unknown)[0], "unknown parameter")
    fmt = _format(request)
    result = search(SearchParams.from_query_dict(request.GET))
    data = result.as_dict()
    for hit in data["results"]:  # a collapsed duplicate: the same search showing its every copy
        hit["copies_url"] = f"{request.path}?{hit['duplicates']['copies_query']}" if hit["duplicates"] else None
    if fmt == "csv":
        return _csv([_csv_row(h) for h in data["results"]], SEARCH_CSV, "nos-search.csv")
    return _json(data)


def _csv_row(hit: dict) -> dict:
    """A result as CSV cells: the reasons as sentences, the snippet as plain text, the copies by URN."""
    copies = (hit["duplicates"] or {}).get("copies", [])
    return {
        **hit,
        "why": [r["text"] for r in hit["why"]],
        "snippet": html.unescape(strip_tags(hit["snippet_html"])),
        "copies": [c["urn"] for c in copies],
        "also_in_suites": (hit["duplicates"] or {}).get("also_in_suites", []),
    }


@api_view
def nos_view(request: HttpRequest, urn: str):
    detail = services.standard_detail(services.get_standard(urn))
    return _json(detail)


@api_view
def nos_jsonld_view(request: HttpRequest, urn: str):
    detail = services.standard_detail(services.get_standard(urn))
    response = _json(nos_jsonld(detail, request.build_absolute_uri("/").rstrip("/")))
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@api_view
def suites_view(request: HttpRequest):
    fmt = _format(request)
    rows = (
        Suite.objects.filter(versions__standard__current_id=F("versions__id"))
        .annotate(nos=Count("versions", distinct=True))
        .order_by("name")
        .values("id", "name", "nos")
    )
    data = [{"name": r["name"], "nos": r["nos"], "url": f"/api/v1/suites/{r['id']}"} for r in rows]
    if fmt == "csv":
        return _csv(data, ["name", "nos", "url"], "nos-suites.csv")
    return _json({"count": len(data), "suites": data})


@api_view
def suite_view(request: HttpRequest, suite_id: int):
    fmt = _format(request)
    suite = Suite.objects.filter(id=suite_id).first()
    if suite is None:
        raise services.NotFound(f"No suite with id {suite_id}")
    docs = SearchDocument.objects.filter(standard__current__suites=suite).order_by("title")
    rows = [
        {
            "urn": d.urn_key,
            "slug": d.slug,
            "title": d.title,
            "validity": d.validity,
            "developer": d.developer,
            "date_approved": d.date_approved.isoformat() if d.date_approved else None,
        }
        for d in docs
    ]
    if fmt == "csv":
        return _csv(rows, ["urn", "title", "validity", "developer", "date_approved", "slug"], f"suite-{suite_id}.csv")
    return _json({"id": suite.id, "name": suite.name, "count": len(rows), "nos": rows})


@api_view
def behaviours_view(request: HttpRequest):
    """The catalogue of work behaviours (`noshub.behaviours`); CSV as its page's download."""
    fmt = _format(request)
    data = behaviour_services.catalogue_list(request.GET.get("q", "").strip())
    if fmt == "csv":
        response = HttpResponse(behaviour_services.export_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="nos-behaviours.csv"'
        return response
    return _json(to_jsonable(data))


@api_view
def behaviour_view(request: HttpRequest, slug: str):
    """One behaviour: definition, examples, evidencing NOS, links to other catalogues, history."""
    return _json(to_jsonable(behaviour_services.detail(slug)))


@api_view
def frameworks_view(request: HttpRequest):
    """What the map of other standards systems holds (`noshub.frameworks`)."""
    return _json(frameworks.summary())


def _limit(request: HttpRequest, default: int, most: int) -> int:
    raw = request.GET.get("limit", "")
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise InvalidParameter("limit", f"a whole number from 1 to {most}")
    return int(raw)


@api_view
def frameworks_group_view(request: HttpRequest, code: str):
    """A SOC 2020 group's NOS, IfATE standards, ESCO and O*NET occupations."""
    return _json(to_jsonable(frameworks.group_map(code, limit=_limit(request, 100, 1000))))


@api_view
def frameworks_nos_view(request: HttpRequest, urn: str):
    """A NOS's counterparts in IfATE, ESCO and O*NET through its SOC 2020 codes."""
    return _json(to_jsonable(frameworks.nos_map(urn, limit=_limit(request, 10, 100))))


@api_view
def frameworks_gaps_view(request: HttpRequest):
    return _json(frameworks.gaps(limit=_limit(request, 100, 1000)))


@api_view
def frameworks_links_view(request: HttpRequest):
    """Every link: JSON-LD (SKOS mapping relations) or CSV; `scheme` for one system's."""
    fmt = request.GET.get("format", "jsonld").lower()
    if fmt not in ("jsonld", "csv"):
        raise InvalidParameter("format", "must be one of jsonld, csv")
    scheme = request.GET.get("scheme", "") or None
    if scheme is not None and scheme not in ("esco", "onet", "ifate", "isco08"):
        raise InvalidParameter("scheme", "must be one of esco, onet, ifate, isco08")
    if fmt == "csv":
        response = HttpResponse(framework_exports.export_csv(scheme), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="nos-hub-occupation-links.csv"'
        return response
    data = framework_exports.export_jsonld(request.build_absolute_uri("/").rstrip("/"), scheme)
    return JsonResponse(data, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})


@api_view
def developers_view(request: HttpRequest):
    rows = (
        Organisation.objects.filter(versions__standard__current_id=F("versions__id"))
        .annotate(nos=Count("versions", distinct=True))
        .order_by("name")
        .values("name", "nos")
    )
    return _json({"count": len(rows), "developers": list(rows)})


def _soc_node(group: SocGroup, counts: dict[str, int], children: dict[str, list[SocGroup]], depth: int) -> dict:
    node = {"code": group.code, "level": group.level, "title": group.title, "nos": counts.get(group.code, 0)}
    if depth > 0:
        node["children"] = [_soc_node(c, counts, children, depth - 1) for c in children.get(group.code, [])]
    return node


@api_view
def soc_tree_view(request: HttpRequest):
    groups = list(SocGroup.objects.order_by("code"))
    children: dict[str, list[SocGroup]] = {}
    by_id = {g.id: g for g in groups}
    for g in groups:
        if g.parent_id:
            children.setdefault(by_id[g.parent_id].code, []).append(g)
    counts = soc_counts()
    return _json(
        {
            "classification": "SOC 2020",
            "nos_counted": "current NOS",
            "groups": [_soc_node(g, counts, children, 3) for g in groups if g.level == "major"],
        }
    )


@api_view
def soc_group_view(request: HttpRequest, code: str):
    group = SocGroup.objects.filter(code=code).first()
    if group is None:
        raise services.NotFound(f"No SOC 2020 group {code!r}")
    counts = soc_counts()
    data = {
        "code": group.code,
        "level": group.level,
        "title": group.title,
        "description": group.description,
        "tasks": group.tasks,
        "nos": counts.get(group.code, 0),
        "children": [{"code": c.code, "title": c.title, "nos": counts.get(c.code, 0)} for c in group.children.order_by("code")],
    }
    return _json(data)


@api_view
def themes_view(request: HttpRequest):
    """The five pan-sector themes with their counts, the reach classes and their agreement with NOSCategory."""
    return _json(themes_services.themes_overview())


@api_view
def theme_view(request: HttpRequest, slug: str):
    """One theme: reference NOS and the NOS embedding them (JSON, or CSV with ?format=csv)."""
    fmt = _format(request)
    if fmt == "csv":
        return _csv(themes_services.export_rows(slug), themes_services.EXPORT_COLUMNS, f"theme-{slug}.csv")
    return _json(themes_services.theme_detail(slug, extent=request.GET.get("extent", "")))


@api_view
def reach_view(request: HttpRequest, urn: str):
    """A NOS's reach: class in force, the computed class and confidence, evidence, history."""
    return _json(themes_services.reach_of(services.get_standard(urn)))


@api_view
def openapi_view(request: HttpRequest):
    return _json(openapi_document(request.build_absolute_uri("/").rstrip("/")))


@csrf_exempt
def not_found_view(request: HttpRequest, rest: str = ""):
    return error(404, "not_found", f"No API endpoint at {request.path}")


def _bounded(request: HttpRequest, name: str, default: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) > high:
        raise InvalidParameter(name, f"must be a whole number from 0 to {high}")
    return int(raw)


def _text(request: HttpRequest, name: str, longest: int) -> str:
    """A text parameter as the OpenAPI document bounds it: longer is refused, not cut."""
    value = request.GET.get(name, "")
    if len(value) > longest:
        raise InvalidParameter(name, f"at most {longest} characters")
    return value


def _choice(request: HttpRequest, name: str, allowed: tuple[str, ...]) -> str:
    value = request.GET.get(name, "")
    if value not in allowed:
        raise InvalidParameter(name, f"must be one of {', '.join(repr(a) for a in allowed)}")
    return value


def _known(request: HttpRequest, keys: set[str]) -> None:
    unknown = set(request.GET) - keys
    if unknown:
        raise InvalidParameter(sorted(unknown)[0], "unknown parameter")


@api_view
def qualifications_view(request: HttpRequest):
    _known(request, {"q", "structured", "limit", "offset"})
    return _json(
        qualifications.qualification_list(
            q=_text(request, "q", 200),
            limit=_bounded(request, "limit", 100, 1000),
            offset=_bounded(request, "offset", 0, 10**6),
            structured=_choice(request, "structured", ("", "0", "1")) == "1",
        )
    )


@api_view
def qualification_view(request: HttpRequest, code: str):
    _known(request, set())
    return _json(qualifications.qualification_detail(qualifications.get_qualification(code[:80])))


@api_view
def qualification_alerts_view(request: HttpRequest):
    _known(request, {"nos", "qualification", "limit", "offset"})
    return _json(
        qualifications.alert_list(
            limit=_bounded(request, "limit", 50, 1000),
            offset=_bounded(request, "offset", 0, 10**6),
            nos=_text(request, "nos", 300),
            qualification=_text(request, "qualification", 80),
        )
    )
