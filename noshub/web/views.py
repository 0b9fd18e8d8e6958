"""The public site's pages. Each view returns a `Page` (template + context); the same URL with
``.json`` serves that context (`noshub.pages`), so every page has a JSON twin by construction.

/                      home: search box and catalogue figures          /.json
/search/               results with facets, highlights, pages           /search.json
/nos/<URN>/            a NOS in the full common template                /nos/<URN>.json
/nos/<URN>/summary/    a generated plain-English summary (web.summary)   /nos/<URN>/summary.json
/nos/<URN>/print/      the print view (the PDF's HTML)                  /nos/<URN>/print.json, .pdf, .docx
/suites/, /suites/<id>/                                                 .json (+ .pdf, .docx per suite)
/developers/, /developers/<id>/                                         .json
/occupations/, /occupations/<SOC 2020 code>/                            .json
/compare/?a=<URN>&b=<URN>, ?qa=…&qb=… (pick from search results)      /compare.json
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
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from noshub.behaviours import services as behaviour_services
from noshub.catalogue import services
from noshub.catalogue.models import Standard
from noshub.cleansing.services import same_text_copies
from noshub.core.errors import InvalidParameter, NotFound
from noshub.core.model import LIST_SECTIONS
from noshub.pages import Page, page_view
from noshub.qualifications.services import qualifications_using
from noshub.search import evidence
from noshub.search.engine import SearchParams, SearchResult, search
from noshub.search.labels import current_labels
from noshub.search.params import MAX_QUERY, clean_text
from noshub.soc.models import SocGroup
from noshub.themes.services import class_label, reach_line, theme_name

from . import browse, downloads, exports
from .compare import compare as compare_nos
from .figures import home_figures
from .nos_view import label, present
from .page_cache import Stamp, cached, catalogue_stamp
from .summary import generate as generate_summary

FACET_NAMES = ("validity", "category", "reach", "theme", "behaviour", "developer", "suite", "soc", "year")


def _language() -> str:
    return "cy" if (get_language() or "").startswith("cy") else "en"


def _html(request: HttpRequest) -> bool:
    return getattr(request, "page_format", "html") == "html"


# -- home and results ---------------------------------------------------------------------------


@require_safe
@page_view
def home(request: HttpRequest) -> Page | HttpResponse:
    """The catalogue's figures (the twin's keys; cached until the catalogue changes), and a URN look-up."""
    context = home_figures()
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
    return path + ("?" + _encoded(merged) if merged else "")


def _option_urls(path: str, params: dict, name: str):
    """`value -> _query_url(path, params, **{name: value})` for the options of one facet (a filter:
    any page asked is dropped): what the options share (every other parameter, before and after
    `name`'s place) encoded once."""
    merged = {k: v for k, v in params.items() if v not in ("", None)}
    merged.pop("page", None)  # a new filter starts at page 1
    keys = list(merged)
    place = keys.index(name) if name in merged else len(keys)  # where it stands, else last
    before = _encoded({k: merged[k] for k in keys[:place]})
    after = _encoded({k: merged[k] for k in keys[place + 1 :]})

    def url(value) -> str:
        if value in ("", None):
            return _query_url(path, params, **{name: value})
        return path + "?" + "&".join(part for part in (before, _query_pair(name, str(value)), after) if part)

    return url


def _encoded(params: dict) -> str:
    """`urlencode(params)`, each `key=value` quoted once a process (`_query_pair`)."""
    return "&".join(_query_pair(str(k), str(v)) for k, v in params.items())


@lru_cache(maxsize=4096)
def _query_pair(key: str, value: str) -> str:
    """`key=value` as `urlencode` writes it: a results page's ~60 filter links repeat the same
    few parameters, each quoted once."""
    return urlencode({key: value})


def _facet_label(name: str, value) -> str:
    if name in ("validity", "category"):
        return _fixed_labels(get_language())[name].get(value, str(value))
    if name == "soc":
        title = _soc_titles().get(str(value), "")
        return f"{value} {title}".strip()
    if name == "provenance":
        return _provenance_labels().get(value, str(value))
    if name == "reach":
        return class_label(str(value))
    if name == "theme":
        return theme_name(str(value))
    if name == "behaviour":
        return current_labels().behaviour_names.get(str(value), str(value))
    return str(value)


def _provenance_labels() -> dict[str, str]:
    """Where a NOS's SOC 2020 code came from, in plain words (`noshub.search.evidence`)."""
    return {
        "confirmed": _("Confirmed by a reviewer"),
        "crosswalk": _("Crosswalked from the catalogue’s SOC 2010 code"),
        "suggested": _("Suggested by NOS Hub’s coder"),
    }


@lru_cache(maxsize=8)
def _fixed_labels(language: str) -> dict[str, dict[str, str]]:
    """The labels of validity and category values in the active language (`language`: the
    cache's key), looked up once a language, not once a facet option."""
    return {
        "validity": {"current": _("Current"), "legacy": _("Legacy"), "archive": _("Archive"), "not stated": _("Not stated")},
        "category": {"core": _("Core"), "generic": _("Generic"), "job_specific": _("Job specific"), "none": _("Not stated")},
    }


def _facet_heading(name: str) -> str:
    return _facet_headings(get_language())[name]


@lru_cache(maxsize=8)
def _facet_headings(language: str) -> dict[str, str]:
    """Every facet's heading in the active language (`language`: the cache's key)."""
    return {
        "validity": _("Validity"),
        "category": _("NOS category"),
        "developer": _("Developer"),
        "suite": _("Suite"),
        "soc": _("Occupation (SOC 2020)"),
        "year": _("Year approved"),
        "provenance": _("Where the code comes from"),
        "reach": _("Reach"),
        "theme": _("Pan-sector theme"),
        "behaviour": _("Work behaviour"),
    }


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
        for k in (
            *("q", "validity", "suite", "developer", "category", "soc", "year", "sort", "per_page", "copies", "group", "mode"),
            *("provenance", "min_confidence", "reach", "theme", "behaviour"),
        )
    }
    facets = []
    for name in facet_names:
        options = []
        option_url = _option_urls(path, raw, name)
        for f in result.facets.get(name, []):
            value = "" if (name == "validity" and f["value"] == "not stated") else f["value"]
            if (name == "validity" and not value) or (name == "provenance" and value == evidence.HIDDEN):
                continue
            selected = str(getattr(p, name) or "") == str(value)
            options.append(
                {
                    "label": _facet_label(name, f["value"]),
                    "count": f["count"],
                    "selected": selected,
                    "url": option_url(value),
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
        for name in ("suite", "developer", "category", "reach", "theme", "behaviour", "soc", "year", "provenance")
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
    # The page's body is rendered once per query string, language, day and catalogue stamp (the
    # template's cached fragment, beside the result the search keeps): what a repeated search gains.
    request.results_fragment_key = f"{catalogue_stamp().key()}:{_language()}:{timezone.localdate()}:{request.get_full_path()}"
    return Page("web/results.html", _results_context(request, result, reverse("web:results")))


# -- a NOS --------------------------------------------------------------------------------------


def _standard(slug: str) -> Standard:
    try:
        return services.get_standard(slug)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _detail(slug: str) -> dict:
    return services.standard_detail(_standard(slug))


def _nos_catalogue(slug: str, language: str) -> dict:
    """What a NOS's pages read from the catalogue alone (cached per catalogue generation by
    `_nos_parts`): the standard, its detail, `p` (the NOS presented in the page's language), the
    links and labels beside it, and the other NOS in its suites."""
    standard = _standard(slug)
    detail = services.standard_detail(standard)
    current = detail["current"] or {}
    suites = current.get("suites") or []
    suite_ids = browse.suite_ids(suites)
    p = present(detail, language)
    titles = _soc_titles()
    p["soc_codes"] = [{**c, "title": titles.get(c["code"], "") if c["classification"] == "2020" else ""} for c in p["soc_codes"]]
    page = {
        "p": p,
        "suite_links": [{"name": s, "id": suite_ids.get(s)} for s in suites],
        "developer_id": browse.developer_id(current["developed_by"]) if current.get("developed_by") else None,
        "labels": {k: label(k, language) for k in ("suites", "developed_by", "soc_codes", "original_urn", "validity")},
    }
    return {
        "standard": standard,
        "detail": detail,
        "page": page,
        "related": browse.related(detail, suite_ids),
        # What the other apps say of it, as of the same stamp (their builds and decisions move it on).
        "same_text_copies": same_text_copies(standard),
        "reach": reach_line(standard),
        "work_behaviours": behaviour_services.for_standard(standard),
    }


def _nos_parts(slug: str, stamp: Stamp | None = None) -> dict:
    """`_nos_catalogue` for the URN or slug asked, in the page's language, until the catalogue
    changes (`page_cache`: any change that alters what pages show moves the catalogue stamp on)
    or the day does (a NOS's review falls overdue)."""
    language = _language()
    return cached("web-nos", (slug, language, timezone.localdate()), lambda: _nos_catalogue(slug, language), stamp)


def _nos_context(parts: dict) -> dict:
    """The page's keys beside the NOS: the catalogue's part, and the other standards holding the
    same text (the cleansing app's latest duplicate groups)."""
    return {**parts["page"], "same_text_copies": parts["same_text_copies"]}


@require_safe
@page_view
def nos(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """A NOS in the full template; the twin is the NOS with every version's history."""
    stamp = catalogue_stamp()
    parts = _nos_parts(slug, stamp)
    standard, detail = parts["standard"], parts["detail"]
    if detail["slug"] != slug and _html(request):
        return redirect("web:nos", slug=detail["slug"])
    # The template's cached fragment (the NOS's sections, details and history), as long as `parts`.
    request.nos_fragment_key = f"{stamp.key()}:{detail['slug']}:{_language()}:{timezone.localdate()}"
    context = {**detail, **_nos_context(parts), "related": parts["related"], "reach": parts["reach"]}
    context["qualifications_using"] = qualifications_using(standard)  # the qualifications whose units are this NOS
    context["work_behaviours"] = parts["work_behaviours"]  # the catalogue's behaviours evidenced by this NOS (not its own Behaviours field)
    return Page("web/nos.html", context)


@require_safe
@page_view
def nos_summary(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """The plain-English summary, generated from the NOS's own fields (`web.summary`); the twin
    has it as `summary` beside the NOS's identity and links."""
    parts = _nos_parts(slug)
    detail = parts["detail"]
    if detail["slug"] != slug and _html(request):
        return redirect("web:nos-summary", slug=detail["slug"])
    nos_context = _nos_context(parts)
    p = nos_context["p"]
    context = {
        **{k: p[k] for k in ("slug", "urn", "title", "language", "text_partial", "finder_url")},
        "summary": generate_summary(detail, _soc_titles(), _language()),
        **nos_context,
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
    """Suites, filtered by words of their name (`q`), a developer (`developer`, an id) and a
    sector (`sector`, a SOC 2020 major group)."""
    q = " ".join(request.GET.get("q", "").split())
    if len(q) > browse.SUITE_TEXT_MAX:
        raise InvalidParameter("q", _("Search words must be at most %(n)d characters.") % {"n": browse.SUITE_TEXT_MAX})
    developer_options, sector_options = browse.suite_developers(), browse.sectors()
    developer = request.GET.get("developer", "").strip()
    if developer and (not developer.isdigit() or int(developer) not in {d["id"] for d in developer_options}):
        raise InvalidParameter("developer", _("No developer has the id %(id)s.") % {"id": developer[:20]})
    sector = request.GET.get("sector", "").strip()
    if sector and sector not in {s["code"] for s in sector_options}:
        raise InvalidParameter("sector", _("No sector has the code %(code)s.") % {"code": sector[:20]})
    rows, total = browse.suites_filtered(q, int(developer) if developer else None, sector)
    context = {
        "count": len(rows),
        "total": total,
        "filters": {"q": q, "developer": int(developer) if developer else None, "sector": sector},
        "developers": developer_options,
        "sectors": sector_options,
        "suites": rows,
    }
    return Page("web/suites.html", context)


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
    context = {
        "classification": "SOC 2020",
        "nos_counted": "current NOS",
        "min_confidence": browse.OCCUPATION_MIN_CONFIDENCE,  # suggested codes below it are not counted
        "groups": browse.soc_majors(),
    }
    return Page("web/occupations.html", context)


OCCUPATION_SORTS = ("evidence", "title")


def _evidence_text(e: dict) -> str:
    """A NOS's SOC evidence in plain words, with its confidence or ONS share."""
    values = {"unit": e["unit"], "confidence": f"{round(e['confidence'] * 100)}%"}
    if e["source"] == "confirmed":
        return _("%(unit)s: confirmed by a reviewer") % values
    if e["source"] == "crosswalk" and e["share"] is not None:
        values["share"] = f"{round(e['share'] * 100)}%"
        return _("%(unit)s: crosswalked from the catalogue’s SOC 2010 code (ONS share %(share)s)") % values
    if e["source"] == "crosswalk":
        return _("%(unit)s: crosswalked from the catalogue’s SOC 2010 code") % values
    return _("%(unit)s: suggested by NOS Hub’s coder, %(confidence)s confident, not yet checked by a person") % values


@require_safe
@page_view
def occupation(request: HttpRequest, code: str) -> Page:
    """A SOC 2020 group and its NOS, strongest evidence first (`noshub.search.evidence`):
    confirmed, then crosswalked by ONS share, then suggested by confidence; suggestions below
    browse.OCCUPATION_MIN_CONFIDENCE are hidden unless `min_confidence` says otherwise."""
    group = _get(browse.soc_group, code)
    params = _browse_params(request, soc=code)
    if not request.GET.get("validity"):
        params.validity = "current"
    if not request.GET.get("min_confidence"):
        params.min_confidence = browse.OCCUPATION_MIN_CONFIDENCE
    sort = params.sort if request.GET.get("sort") else "evidence"
    if sort not in OCCUPATION_SORTS:
        raise InvalidParameter("sort", f"must be one of {', '.join(OCCUPATION_SORTS)}")
    result = browse.nos_in(params, sort=sort)
    counts = {f["value"]: f["count"] for f in result.facets["soc"]}
    for child in group["children"]:
        child["nos"] = counts.get(child["code"], 0)
    path = reverse("web:occupation", args=[code])
    context = _listing(request, result, path, ("provenance", "validity", "developer", "suite"), **group)
    for row, hit in zip(context["nos"], result.hits, strict=True):
        e = hit.soc_evidence.as_dict() if hit.soc_evidence else None
        row["soc_evidence"] = {**e, "text": _evidence_text(e)} if e else None
    raw = dict(request.GET.items())
    provenance = {f["value"]: f["count"] for f in result.facets["provenance"]}
    context.update(
        sort=sort,
        min_confidence=params.min_confidence,
        default_min_confidence=f"{round(browse.OCCUPATION_MIN_CONFIDENCE * 100)}%",
        provenance_counts=provenance,
        hidden_suggestions=provenance.get(evidence.HIDDEN, 0),
        show_all_url=_query_url(path, raw, min_confidence="0"),
        hide_weak_url=_query_url(path, raw, min_confidence="") if params.min_confidence < browse.OCCUPATION_MIN_CONFIDENCE else "",
        sort_urls={s: _query_url(path, raw, sort="" if s == "evidence" else s) for s in OCCUPATION_SORTS},
    )
    return Page("web/occupation.html", context)


# -- compare ------------------------------------------------------------------------------------


COMPARE_CHOICES = 10  # search results offered to pick from, per side


def _compare_choices(q: str) -> list[dict]:
    """The NOS a search for `q` finds (every validity, every copy): what a side can pick from."""
    result = search(SearchParams(q=q, validity="all", copies="all", per_page=COMPARE_CHOICES), log=False)
    return [{"slug": h.slug, "urn": h.urn, "title": h.title, "validity": h.validity} for h in result.hits]


def _chosen(detail: dict | None) -> dict | None:
    return {"slug": detail["slug"], "urn": detail["urn"], "title": (detail["current"] or {}).get("title", "")} if detail else None


@require_safe
@page_view
def compare(request: HttpRequest) -> Page:
    """Two NOS side by side, each picked by URN or slug (`a`, `b`) or from the results of a search
    (`qa`, `qb`) offered as radio buttons in the same form, so that it works without JavaScript.
    `la`/`lb` are the searches the offered results came from: a pick stands while its search is
    unchanged; a changed search offers new results. The twin is the comparison (a, b, details,
    sections …), the choices, or an error naming the parameter."""
    language = _language()
    query = {k: request.GET.get(k, "").strip() for k in ("a", "b", "qa", "qb")}
    for k in ("qa", "qb"):
        if len(query[k]) > MAX_QUERY:
            raise InvalidParameter(k, f"must be at most {MAX_QUERY} characters, not {len(query[k])}")
    found: dict[str, dict] = {}
    choices: dict[str, list[dict]] = {"a": [], "b": []}
    errors: list[dict] = []
    for side in ("a", "b"):
        searched = query["q" + side]
        if query[side] and (not searched or searched == request.GET.get("l" + side, "").strip()):
            try:
                found[side] = services.standard_detail(services.get_standard(query[side]))
            except NotFound:
                message = _("No NOS has the URN %(urn)s. Search for it by title or check the URN.") % {"urn": query[side]}
                errors.append({"parameter": side, "code": "not_found", "status": 404, "message": message})
                query["q" + side] = searched = searched or query[side]  # offer what a search for it finds
        if searched:
            choices[side] = _compare_choices(clean_text(searched))
    if len(found) == 2 and found["a"]["slug"] == found["b"]["slug"]:
        message = _("Both sides are the same standard. Choose two different standards.")
        errors.append({"parameter": "b", "code": "invalid_parameter", "status": 400, "message": message})
        del found["b"]
    context = {
        "query": query,
        "errors": errors,
        "choices": choices,
        "chosen": {side: _chosen(found.get(side)) for side in ("a", "b")},
        "section_labels": {n: label(n, language) for n in LIST_SECTIONS},
    }
    if len(found) == 2:
        comparison = compare_nos(found["a"], found["b"])
        for row in comparison["details"]:
            row["label"] = label(row["name"], language)
        return Page("web/compare.html", {**comparison, **context})
    if errors:
        first = errors[0]
        context["error"] = {k: first[k] for k in ("status", "code", "message", "parameter")}
        return Page("web/compare.html", context, status=first["status"])
    if not _html(request) and not (choices["a"] or choices["b"]):
        context["error"] = {
            "status": 400,
            "code": "invalid_parameter",
            "message": "a, b: give the URNs of two NOS to compare (or qa, qb: words to search for them)",
            "parameter": "a" if not query["a"] else "b",
        }
        return Page("web/compare.html", context, status=400)
    return Page("web/compare.html", context)


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
