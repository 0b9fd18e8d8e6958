"""The public site's pages. Each view returns a `Page` (template + context); the same URL with
``.json`` serves that context (`noshub.pages`), so every page has a JSON twin by construction.

/                      home: search box and catalogue figures          /.json
/search/               results with facets, highlights, pages           /search.json
/nos/<URN>/            a NOS in the full common template                /nos/<URN>.json
/nos/<URN>/summary/    the bite-sized summary for employers, learners   /nos/<URN>/summary.json
/nos/<URN>/print/      the print view (the PDF's HTML)                  /nos/<URN>/print.json, .pdf, .docx
/suites/, /suites/<id>/                                                 .json (+ .pdf, .docx per suite)
/developers/, /developers/<id>/                                         .json
/occupations/, /occupations/<SOC 2020 code>/                            .json
/compare/?a=<URN>&b=<URN>                                               /compare.json
/language/<en|cy>/?next=…  the language switch (a cookie; works without JavaScript)

A twin keeps the keys its page had as JSON before the contract (a search twin is the search
result: query, total, results, facets …); the page's own keys (links, labels, pagination) sit
beside them.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from noshub.catalogue import services
from noshub.catalogue.models import Standard
from noshub.catalogue.stats import catalogue_stats
from noshub.cleansing.services import same_text_copies
from noshub.core.errors import InvalidParameter, NotFound
from noshub.core.model import LIST_SECTIONS
from noshub.pages import Page, page_view
from noshub.search.engine import SearchParams, SearchResult, search
from noshub.soc.models import SocGroup

from . import browse, downloads, exports
from .compare import compare as compare_nos
from .nos_view import label, present, summary_dict

FACET_NAMES = ("validity", "category", "developer", "suite", "soc", "year")


def _language() -> str:
    return "cy" if (get_language() or "").startswith("cy") else "en"


def _html(request: HttpRequest) -> bool:
    return getattr(request, "page_format", "html") == "html"


# -- home and results ---------------------------------------------------------------------------


@require_safe
@page_view
def home(request: HttpRequest) -> Page | HttpResponse:
    """The catalogue's figures (the twin's keys), and a URN look-up."""
    context = catalogue_stats()
    urn = request.GET.get("urn", "").strip()
    if not urn:
        return Page("web/home.html", context)
    found = services.find_standards(urn)
    if len(found) == 1 and _html(request):
        return redirect("web:nos", slug=found[0].slug)
    context.update(urn=urn, matches=[{"slug": s.slug, "urn": s.urn} for s in found])
    return Page("web/home.html", context, status=200 if found else 404)


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
        k: request.GET.get(k, "")
        for k in ("q", "validity", "suite", "developer", "category", "soc", "year", "sort", "per_page", "copies", "group", "mode")
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
        **result.as_dict(),
        "params": p,
        "facet_groups": facets,
        "active_filters": active,
        "pagination": _page_links(path, raw, p.page, result.pages),
        "first": (p.page - 1) * p.per_page + 1 if result.total else 0,
        "last": min(p.page * p.per_page, result.total),
        "did_you_mean_url": _query_url(path, raw, q=result.did_you_mean) if result.did_you_mean else "",
        "widen_url": _query_url(path, raw, validity="all") if p.validity != "all" else "",
        "clear_filters_url": _query_url(path, {"q": p.q}),
        "every_copy_url": _query_url(path, raw, copies="" if p.copies == "all" else "all", group=""),
        "group_url": reverse("cleansing:group", args=[p.group]) if p.group else "",
        "welsh_text_notice": result.welsh.is_welsh and not result.welsh.nos_with_welsh_text,
        "job_title_links": [{**j, "url": _query_url(path, raw, soc=j["soc2020"])} for j in result.job_titles],
        "hidden_fields": [[k, v] for k, v in raw.items() if v and k not in ("sort", "q")],
        "sorts": [["relevance", _("Relevance")], ["title", _("Title")], ["date", _("Date approved (newest first)")]],
    }


@require_safe
@page_view
def results(request: HttpRequest) -> Page:
    """Search results; the twin is the search result (query, total, results, facets …)."""
    try:
        params = SearchParams.from_query_dict(request.GET)
    except InvalidParameter as exc:
        error = {"status": exc.status, "code": exc.code, "message": str(exc), **exc.details()}
        return Page("web/results.html", {"error": error, "params": SearchParams()}, status=400)
    result = search(params)
    return Page("web/results.html", _results_context(request, result, reverse("web:results")))


# -- a NOS --------------------------------------------------------------------------------------


def _standard(slug: str) -> Standard:
    try:
        return services.get_standard(slug)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _detail(slug: str) -> dict:
    return services.standard_detail(_standard(slug))


def _nos_context(standard: Standard, detail: dict) -> dict:
    """The page's keys beside the NOS: `p`, the NOS presented in the page's language, links, and
    the other standards holding the same text (the cleansing app's latest duplicate groups)."""
    language = _language()
    current = detail["current"] or {}
    suite_ids = browse.suite_ids(current.get("suites") or [])
    p = present(detail, language)
    titles = _soc_titles()
    p["soc_codes"] = [{**c, "title": titles.get(c["code"], "") if c["classification"] == "2020" else ""} for c in p["soc_codes"]]
    return {
        "p": p,
        "suite_links": [{"name": s, "id": suite_ids.get(s)} for s in current.get("suites") or []],
        "developer_id": browse.developer_id(current["developed_by"]) if current.get("developed_by") else None,
        "labels": {k: label(k, language) for k in ("suites", "developed_by", "soc_codes", "original_urn", "validity")},
        "same_text_copies": same_text_copies(standard),
    }


@require_safe
@page_view
def nos(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """A NOS in the full template; the twin is the NOS with every version's history."""
    standard = _standard(slug)
    detail = services.standard_detail(standard)
    if detail["slug"] != slug and _html(request):
        return redirect("web:nos", slug=detail["slug"])
    context = {**detail, **_nos_context(standard, detail), "related": browse.related(detail)}
    return Page("web/nos.html", context)


@require_safe
@page_view
def nos_summary(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """The bite-sized summary; the twin's keys are the summary's."""
    standard = _standard(slug)
    detail = services.standard_detail(standard)
    if detail["slug"] != slug and _html(request):
        return redirect("web:nos-summary", slug=detail["slug"])
    context = {
        **summary_dict(detail, _language()),
        **_nos_context(standard, detail),
        "urn_clash": detail["urn_clash"],
        "other_standards_with_this_urn": detail["other_standards_with_this_urn"],
    }
    return Page("web/nos_summary.html", context)


@require_safe
@page_view
def nos_print(request: HttpRequest, slug: str) -> Page:
    p = present(_detail(slug), _language())
    context = {
        "title": p["title"],
        "documents": [p],
        "language": p["language"],
        "for_web": True,
        "back_url": reverse("web:nos", args=[p["slug"]]),
    }
    return Page("web/nos_document.html", context)


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
@page_view
def suites(request: HttpRequest) -> Page:
    rows = browse.suites()
    return Page("web/suites.html", {"count": len(rows), "suites": rows})


def _browse_params(request: HttpRequest, **fixed) -> SearchParams:
    params = SearchParams.from_query_dict(request.GET)
    if not request.GET.get("validity"):
        params.validity = "all"
    if not request.GET.get("per_page"):
        params.per_page = 50
    if not request.GET.get("copies"):
        params.copies = "all"  # a suite, developer or occupation lists every NOS it holds
    for key, value in fixed.items():
        setattr(params, key, value)
    return params


def _get(getter, *args):
    try:
        return getter(*args)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _listing(request: HttpRequest, result: SearchResult, path: str, facet_names, **extra) -> dict:
    """A list of NOS under a suite, developer or SOC group: the twin's keys (id or code, name,
    total, page, pages, nos, facets) and the page's (filters, pagination)."""
    data = result.as_dict()
    page = _results_context(request, result, path, facet_names)
    for key in data:  # the search's own keys are not this listing's
        page.pop(key, None)
    return {
        **extra,
        "total": data["total"],
        "page": data["page"],
        "pages": data["pages"],
        "nos": [{k: h[k] for k in ("slug", "urn", "title", "validity", "developer", "date_approved")} for h in data["results"]],
        "facets": data["facets"],
        **page,
    }


@require_safe
@page_view
def suite(request: HttpRequest, suite_id: int) -> Page:
    s = _get(browse.get_suite, suite_id)
    result = browse.nos_in(_browse_params(request, suite=s.name))
    context = _listing(
        request,
        result,
        reverse("web:suite", args=[suite_id]),
        ("validity", "developer", "category"),
        id=s.id,
        name=s.name,
        api_url=reverse("api:suite", args=[suite_id]),
    )
    return Page("web/suite.html", context)


@require_safe
def suite_pdf(request: HttpRequest, suite_id: int) -> HttpResponse:
    return _suite_download(request, suite_id, "pdf")


@require_safe
def suite_docx(request: HttpRequest, suite_id: int) -> HttpResponse:
    return _suite_download(request, suite_id, "docx")


CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_TYPE}


def _suite_download(request: HttpRequest, suite_id: int, kind: str) -> HttpResponse:
    """A suite's document from the cache (`downloads`): the file when its current build is
    there (304 when the reader has it), else 202 and a page that refreshes itself while it is
    built in the background (its twin with ``?format=json`` or Accept: application/json)."""
    if request.GET.get("format") == "json":
        request.page_format = "json"  # `page_view` honours it
    s = _get(browse.get_suite, suite_id)
    language = _language()
    key = downloads.key_for(s, language, kind)
    state = None
    if not key.path.exists():
        state = downloads.ensure(key, request.build_absolute_uri("/"), retry=request.GET.get("retry") == "1")
    if state is None or state.status == "ready":  # ready, or finished by another just now
        response = _cached_file(request, key, _filename(f"suite-{suite_id}", language, kind))
    else:
        response = _download_progress(request, s, state)
        response["Retry-After"] = str(REFRESH_SECONDS)
        if response.has_header("Link"):  # its twin is this URL with ?format=json
            response["Link"] = f'<{request.path}?format=json>; rel="alternate"; type="application/json"'
    patch_vary_headers(response, ["Accept", "Cookie"])
    return response


def _cached_file(request: HttpRequest, key, filename: str) -> HttpResponse:
    etag = f'"{key.language}-{key.fingerprint}"'
    try:
        stat = key.path.stat()
        handle = key.path.open("rb")
    except FileNotFoundError:  # removed by a newer build since: the reader asks again
        return redirect(request.path)
    modified = stat.st_mtime
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(modified))
    if not_modified is not None:
        handle.close()
        return not_modified
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[key.kind])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return response


@page_view
def _download_progress(request: HttpRequest, s, state) -> Page:
    """Building (202, refreshing every few seconds) or failed (503, with a link to try again)."""
    kind_label = _("PDF") if state.key.kind == "pdf" else _("Word document (DOCX)")
    url = request.path
    context = {
        "status": state.status,
        "suite_id": s.id,
        "suite": s.name,
        "kind": state.key.kind,
        "kind_label": kind_label,
        "language": state.key.language,
        "started": _when(state.started),
        "failed": _when(state.failed),
        "url": url,
        "retry_url": f"{url}?retry=1" if state.status == "failed" else "",
        "refresh_seconds": REFRESH_SECONDS,
        "suite_url": reverse("web:suite", args=[s.id]),
    }
    return Page("web/download_progress.html", context, status=202 if state.status == "building" else 503)


REFRESH_SECONDS = 3


def _when(iso: str) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


@require_safe
@page_view
def developers(request: HttpRequest) -> Page:
    rows = browse.developers()
    return Page("web/developers.html", {"count": len(rows), "developers": rows})


@require_safe
@page_view
def developer(request: HttpRequest, developer_id: int) -> Page:
    org = _get(browse.get_developer, developer_id)
    result = browse.nos_in(_browse_params(request, developer=org.name))
    context = _listing(
        request,
        result,
        reverse("web:developer", args=[developer_id]),
        ("validity", "suite", "category"),
        id=org.id,
        name=org.name,
    )
    return Page("web/developer.html", context)


# -- SOC 2020 -----------------------------------------------------------------------------------


@require_safe
@page_view
def occupations(request: HttpRequest) -> Page:
    context = {"classification": "SOC 2020", "nos_counted": "current NOS", "groups": browse.soc_majors()}
    return Page("web/occupations.html", context)


@require_safe
@page_view
def occupation(request: HttpRequest, code: str) -> Page:
    group = _get(browse.soc_group, code)
    params = _browse_params(request, soc=code)
    if not request.GET.get("validity"):
        params.validity = "current"
    result = browse.nos_in(params)
    counts = {f["value"]: f["count"] for f in result.facets["soc"]}
    for child in group["children"]:
        child["nos"] = counts.get(child["code"], 0)
    context = _listing(request, result, reverse("web:occupation", args=[code]), ("validity", "developer", "suite"), **group)
    return Page("web/occupation.html", context)


# -- compare ------------------------------------------------------------------------------------


@require_safe
@page_view
def compare(request: HttpRequest) -> Page:
    """Two NOS side by side; the twin is the comparison (a, b, sections …), or an error."""
    a, b = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    found, errors = {}, []
    for key, urn in (("a", a), ("b", b)):
        if not urn:
            continue
        try:
            found[key] = services.standard_detail(services.get_standard(urn))
        except NotFound:
            errors.append(key)
    language = _language()
    context = {
        "query": {"a": request.GET.get("a", ""), "b": request.GET.get("b", "")},
        "errors": errors,
        "section_labels": {n: label(n, language) for n in LIST_SECTIONS},
    }
    if len(found) == 2:
        return Page("web/compare.html", {**compare_nos(found["a"], found["b"]), **context})
    status = 404 if errors else 200
    if errors or not _html(request):
        which = errors[0] if errors else ("a" if not a else "b")
        status = 404 if errors else 400
        context["error"] = {
            "status": status,
            "code": "not_found" if errors else "invalid_parameter",
            "message": f"{which}: no NOS with that URN",
            "parameter": which,
        }
    return Page("web/compare.html", context, status=status)


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
