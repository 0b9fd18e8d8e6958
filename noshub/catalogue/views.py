"""Pages of the NOS finder, each with a JSON twin from the same service function.

/                      home: search box and catalogue figures          /.json
/search/               results with facets, highlights, pages           /search.json
/nos/<URN>/            a NOS in the full common template                /nos/<URN>.json
/nos/<URN>/summary/    the bite-sized summary for employers, learners   /nos/<URN>/summary.json
/nos/<URN>/print/      the print view (the PDF's HTML)                  /nos/<URN>.pdf, .docx
/suites/, /suites/<id>/                                                 .json (+ .pdf, .docx per suite)
/developers/, /developers/<id>/                                         .json
/occupations/, /occupations/<SOC 2020 code>/                            .json
/compare/?a=<URN>&b=<URN>                                               /compare.json
/language/<en|cy>/?next=…  the language switch (a cookie; works without JavaScript)
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from noshub.search.engine import MAX_PER_PAGE, InvalidParameter, SearchParams, SearchResult, search
from noshub.soc.models import SocGroup
from noshub.web import browse, exports
from noshub.web.compare import compare as compare_nos
from noshub.web.nos_view import label, present, summary_dict

from . import services
from .stats import catalogue_stats

FACET_NAMES = ("validity", "category", "developer", "suite", "soc", "year")


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=True, json_dumps_params={"ensure_ascii": False})


def _language() -> str:
    return "cy" if (get_language() or "").startswith("cy") else "en"


# -- home and results ---------------------------------------------------------------------------


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


@lru_cache(maxsize=1)
def _soc_titles() -> dict[str, str]:
    return dict(SocGroup.objects.values_list("code", "title"))


def _query_url(path: str, params: dict, **changes) -> str:
    merged = {k: v for k, v in params.items() if v not in ("", None)}
    for key, value in changes.items():
        if value in ("", None):
            merged.pop(key, None)
        else:
            merged[key] = value
    if "page" not in changes:
        merged.pop("page", None)  # a new filter starts at page 1
    return path + ("?" + urlencode(merged) if merged else "")


def _facet_label(name: str, value) -> str:
    if name == "validity":
        return {"current": _("Current"), "legacy": _("Legacy"), "archive": _("Archive"), "not stated": _("Not stated")}.get(
            value, str(value)
        )
    if name == "category":
        return {"core": _("Core"), "generic": _("Generic"), "job_specific": _("Job specific"), "none": _("Not stated")}.get(
            value, str(value)
        )
    if name == "soc":
        title = _soc_titles().get(str(value), "")
        return f"{value} {title}".strip()
    return str(value)


def _facet_heading(name: str) -> str:
    return {
        "validity": _("Validity"),
        "category": _("NOS category"),
        "developer": _("Developer"),
        "suite": _("Suite"),
        "soc": _("Occupation (SOC 2020)"),
        "year": _("Year approved"),
    }[name]


def _page_links(path: str, raw: dict, page: int, pages: int) -> dict:
    """GOV.UK pagination: previous, next and a window of page numbers with ellipses."""
    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items, last = [], 0
    for n in numbers:
        if n - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "url": _query_url(path, raw, page=n), "current": n == page})
        last = n
    return {
        "items": items if pages > 1 else [],
        "previous": _query_url(path, raw, page=page - 1) if page > 1 else "",
        "next": _query_url(path, raw, page=page + 1) if page < pages else "",
    }


def _results_context(request: HttpRequest, result: SearchResult, path: str, facet_names=FACET_NAMES) -> dict:
    p = result.params
    raw = {
        k: request.GET.get(k, "") for k in ("q", "validity", "suite", "developer", "category", "soc", "year", "sort", "per_page")
    }
    facets = []
    for name in facet_names:
        options = []
        for f in result.facets.get(name, []):
            value = "" if (name == "validity" and f["value"] == "not stated") else f["value"]
            if name == "validity" and not value:
                continue
            selected = str(getattr(p, name) or "") == str(value)
            options.append(
                {
                    "label": _facet_label(name, f["value"]),
                    "count": f["count"],
                    "selected": selected,
                    "url": _query_url(path, raw, **{name: value}),
                }
            )
        if name == "validity":
            # Validity is always one of four; "all" widens the search.
            options.append(
                {"label": _("All"), "count": None, "selected": p.validity == "all", "url": _query_url(path, raw, validity="all")}
            )
        if options:
            facets.append({"name": name, "heading": _facet_heading(name), "options": options})
    active = [
        {
            "heading": _facet_heading(name),
            "label": _facet_label(name, getattr(p, name)),
            "remove_url": _query_url(path, raw, **{name: ""}),
        }
        for name in ("suite", "developer", "category", "soc", "year")
        if getattr(p, name)
    ]
    return {
        "result": result,
        "params": p,
        "facets": facets,
        "active_filters": active,
        "pagination": _page_links(path, raw, p.page, result.pages),
        "first": (p.page - 1) * p.per_page + 1 if result.total else 0,
        "last": min(p.page * p.per_page, result.total),
        "did_you_mean_url": _query_url(path, raw, q=result.did_you_mean) if result.did_you_mean else "",
        "widen_url": _query_url(path, raw, validity="all") if p.validity != "all" else "",
        "clear_filters_url": _query_url(path, {"q": p.q}),
        "job_title_links": [{**j, "url": _query_url(path, raw, soc=j["soc2020"])} for j in result.job_titles],
        "hidden_fields": [(k, v) for k, v in raw.items() if v and k not in ("sort", "q")],
        "sorts": [("relevance", _("Relevance")), ("title", _("Title")), ("date", _("Date approved (newest first)"))],
    }


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    try:
        params = SearchParams.from_query_dict(request.GET)
    except InvalidParameter as exc:
        return render(request, "catalogue/results.html", {"error": exc, "params": SearchParams()}, status=400)
    result = search(params)
    context = _results_context(request, result, reverse("catalogue:results"))
    return render(request, "catalogue/results.html", context)


@require_safe
def results_json(request: HttpRequest) -> JsonResponse:
    try:
        params = SearchParams.from_query_dict(request.GET)
    except InvalidParameter as exc:
        return _json({"error": {"status": 400, "code": "invalid_parameter", "message": str(exc), "parameter": exc.name}}, 400)
    return _json(search(params).as_dict())


# -- a NOS --------------------------------------------------------------------------------------


def _detail(slug: str) -> dict:
    try:
        return services.standard_detail(services.get_standard(slug))
    except services.NotFound as exc:
        raise Http404(str(exc)) from None


def _nos_context(detail: dict) -> dict:
    language = _language()
    v = detail["current"] or {}
    suite_ids = browse.suite_ids(v.get("suites") or [])
    p = present(detail, language)
    titles = _soc_titles()
    p["soc_codes"] = [{**c, "title": titles.get(c["code"], "") if c["classification"] == "2020" else ""} for c in p["soc_codes"]]
    return {
        "nos": detail,
        "v": v,
        "p": p,
        "suite_links": [{"name": s, "id": suite_ids.get(s)} for s in v.get("suites") or []],
        "developer_id": browse.developer_id(v["developed_by"]) if v.get("developed_by") else None,
        "labels": {k: label(k, language) for k in ("suites", "developed_by", "soc_codes", "original_urn", "validity")},
    }


@require_safe
def nos(request: HttpRequest, slug: str) -> HttpResponse:
    detail = _detail(slug)
    if detail["slug"] != slug:
        return redirect("catalogue:nos", slug=detail["slug"])
    context = _nos_context(detail)
    context["related"] = browse.related(detail)
    return render(request, "catalogue/nos.html", context)


@require_safe
def nos_json(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(_detail(slug), json_dumps_params={"ensure_ascii": False})


@require_safe
def nos_summary(request: HttpRequest, slug: str) -> HttpResponse:
    detail = _detail(slug)
    if detail["slug"] != slug:
        return redirect("catalogue:nos-summary", slug=detail["slug"])
    return render(request, "catalogue/nos_summary.html", _nos_context(detail))


@require_safe
def nos_summary_json(request: HttpRequest, slug: str) -> JsonResponse:
    return _json(summary_dict(_detail(slug), _language()))


@require_safe
def nos_print(request: HttpRequest, slug: str) -> HttpResponse:
    p = present(_detail(slug), _language())
    return render(
        request,
        "catalogue/nos_document.html",
        {
            "title": p["title"],
            "documents": [p],
            "language": p["language"],
            "for_web": True,
            "back_url": reverse("catalogue:nos", args=[p["slug"]]),
        },
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filename(name: str, language: str, ext: str) -> str:
    base = slugify(name.replace("&", "_")) or "nos"
    return f"{base}{'-cy' if language == 'cy' else ''}.{ext}"


@require_safe
def nos_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    p = present(_detail(slug), _language())
    return _download(exports.pdf(p["title"], [p], p["language"]), "application/pdf", _filename(p["slug"], p["language"], "pdf"))


@require_safe
def nos_docx(request: HttpRequest, slug: str) -> HttpResponse:
    p = present(_detail(slug), _language())
    return _download(exports.docx(p["title"], [p], p["language"]), DOCX_TYPE, _filename(p["slug"], p["language"], "docx"))


# -- suites and developers ----------------------------------------------------------------------


@require_safe
def suites(request: HttpRequest) -> HttpResponse:
    rows = browse.suites()
    return render(request, "catalogue/suites.html", {"suites": rows})


@require_safe
def suites_json(request: HttpRequest) -> JsonResponse:
    rows = browse.suites()
    return _json({"count": len(rows), "suites": rows})


def _browse_params(request: HttpRequest, **fixed) -> SearchParams:
    try:
        params = SearchParams.from_query_dict(request.GET)
    except InvalidParameter as exc:
        raise Http404(str(exc)) from None
    if not request.GET.get("validity"):
        params.validity = "all"
    if not request.GET.get("per_page"):
        params.per_page = 50
    for key, value in fixed.items():
        setattr(params, key, value)
    return params


def _get(getter, *args):
    try:
        return getter(*args)
    except services.NotFound as exc:
        raise Http404(str(exc)) from None


def _suite_result(request: HttpRequest, suite_id: int):
    suite = _get(browse.get_suite, suite_id)
    return suite, browse.nos_in(_browse_params(request, suite=suite.name))


@require_safe
def suite(request: HttpRequest, suite_id: int) -> HttpResponse:
    s, result = _suite_result(request, suite_id)
    context = _results_context(
        request, result, reverse("catalogue:suite", args=[suite_id]), facet_names=("validity", "developer", "category")
    )
    context.update({"suite": s, "api_url": reverse("api:suite", args=[suite_id])})
    return render(request, "catalogue/suite.html", context)


def _listing(result: SearchResult, **extra) -> dict:
    data = result.as_dict()
    return {
        **extra,
        "total": data["total"],
        "page": data["page"],
        "pages": data["pages"],
        "nos": [{k: h[k] for k in ("slug", "urn", "title", "validity", "developer", "date_approved")} for h in data["results"]],
        "facets": data["facets"],
    }


@require_safe
def suite_json(request: HttpRequest, suite_id: int) -> JsonResponse:
    s, result = _suite_result(request, suite_id)
    return _json(_listing(result, id=s.id, name=s.name))


def _suite_documents(suite_id: int) -> tuple[str, list[dict], str]:
    s = _get(browse.get_suite, suite_id)
    language = _language()
    result = browse.nos_in(SearchParams(validity="all", suite=s.name, per_page=MAX_PER_PAGE))
    slugs = [h.slug for h in result.hits]
    page = 2
    while len(slugs) < min(result.total, exports.MAX_SUITE_NOS):
        more = browse.nos_in(SearchParams(validity="all", suite=s.name, per_page=MAX_PER_PAGE, page=page))
        slugs += [h.slug for h in more.hits]
        page += 1
    docs = [present(services.standard_detail(services.get_standard(slug)), language) for slug in slugs[: exports.MAX_SUITE_NOS]]
    return s.name, docs, language


@require_safe
def suite_pdf(request: HttpRequest, suite_id: int) -> HttpResponse:
    name, docs, language = _suite_documents(suite_id)
    return _download(exports.pdf(name, docs, language), "application/pdf", _filename(f"suite-{suite_id}", language, "pdf"))


@require_safe
def suite_docx(request: HttpRequest, suite_id: int) -> HttpResponse:
    name, docs, language = _suite_documents(suite_id)
    return _download(exports.docx(name, docs, language), DOCX_TYPE, _filename(f"suite-{suite_id}", language, "docx"))


@require_safe
def developers(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/developers.html", {"developers": browse.developers()})


@require_safe
def developers_json(request: HttpRequest) -> JsonResponse:
    rows = browse.developers()
    return _json({"count": len(rows), "developers": rows})


def _developer_result(request: HttpRequest, developer_id: int):
    org = _get(browse.get_developer, developer_id)
    return org, browse.nos_in(_browse_params(request, developer=org.name))


@require_safe
def developer(request: HttpRequest, developer_id: int) -> HttpResponse:
    org, result = _developer_result(request, developer_id)
    context = _results_context(
        request, result, reverse("catalogue:developer", args=[developer_id]), facet_names=("validity", "suite", "category")
    )
    context["developer"] = org
    return render(request, "catalogue/developer.html", context)


@require_safe
def developer_json(request: HttpRequest, developer_id: int) -> JsonResponse:
    org, result = _developer_result(request, developer_id)
    return _json(_listing(result, id=org.id, name=org.name))


# -- SOC 2020 -----------------------------------------------------------------------------------


@require_safe
def occupations(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/occupations.html", {"groups": browse.soc_majors()})


@require_safe
def occupations_json(request: HttpRequest) -> JsonResponse:
    return _json({"classification": "SOC 2020", "nos_counted": "current NOS", "groups": browse.soc_majors()})


def _occupation(request: HttpRequest, code: str):
    group = _get(browse.soc_group, code)
    params = _browse_params(request, soc=code)
    if not request.GET.get("validity"):
        params.validity = "current"
    result = browse.nos_in(params)
    counts = {f["value"]: f["count"] for f in result.facets["soc"]}
    for child in group["children"]:
        child["nos"] = counts.get(child["code"], 0)
    return group, result


@require_safe
def occupation(request: HttpRequest, code: str) -> HttpResponse:
    group, result = _occupation(request, code)
    context = _results_context(
        request, result, reverse("catalogue:occupation", args=[code]), facet_names=("validity", "developer", "suite")
    )
    context["group"] = group
    return render(request, "catalogue/occupation.html", context)


@require_safe
def occupation_json(request: HttpRequest, code: str) -> JsonResponse:
    group, result = _occupation(request, code)
    return _json(_listing(result, **group))


# -- compare ------------------------------------------------------------------------------------


def _comparison(request: HttpRequest) -> tuple[dict | None, list[str]]:
    a, b = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    errors = []
    found = {}
    for key, urn in (("a", a), ("b", b)):
        if not urn:
            continue
        try:
            found[key] = services.standard_detail(services.get_standard(urn))
        except services.NotFound:
            errors.append(key)
    if len(found) == 2:
        return compare_nos(found["a"], found["b"]), errors
    return None, errors


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    comparison, errors = _comparison(request)
    language = _language()
    context = {
        "comparison": comparison,
        "errors": errors,
        "a": request.GET.get("a", ""),
        "b": request.GET.get("b", ""),
        "section_labels": {n: label(n, language) for n in ("performance_criteria", "knowledge_and_understanding")},
    }
    return render(request, "catalogue/compare.html", context, status=404 if errors else 200)


@require_safe
def compare_json(request: HttpRequest) -> JsonResponse:
    comparison, errors = _comparison(request)
    if errors or comparison is None:
        which = errors[0] if errors else ("a" if not request.GET.get("a") else "b")
        return _json(
            {
                "error": {
                    "status": 404 if errors else 400,
                    "code": "not_found" if errors else "invalid_parameter",
                    "message": f"{which}: no NOS with that URN",
                    "parameter": which,
                }
            },
            404 if errors else 400,
        )
    return _json(comparison)


# -- language -----------------------------------------------------------------------------------


@require_safe
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the interface language with a plain link, and come back to the same page."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("Unknown language")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=False
    )
    return response
