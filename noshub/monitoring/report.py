"""The annual report: the strategy's objectives as chapters, every figure computed from NOS Hub's
data (each with its definition and query in the JSON twin), charts as SVG with text
alternatives, a one-page infographic; HTML, tagged PDF (PDF/UA-1, as the NOS PDFs) and JSON.

Reproducible: the report of a year is computed as of 31 December of that year (usage and
process measures count that year's days), carries no time of making, and its charts and PDF
are made without dates or random ids, so the same data gives the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from noshub.core import pdf as core_pdf

from . import charts, services
from . import measures as m
from .objectives import OBJECTIVES

LANGUAGES = ("en", "cy")
# The infographic's figures, in order.
INFOGRAPHIC = (
    "nos_current",
    "nos_past_review",
    "soc2020_coverage",
    "duplicates_resolved",
    "nos_page_views",
    "downloads",
    "search_success",
    "welsh_coverage",
)
# Chart titles, translated for the Welsh report (noshub/locale/cy); the charts' text alternatives
# are made with them.
LABELS = {  # marked with N_: made in English, shown through gettext in the Welsh report
    "by_validity": N_("Standards by validity"),
    "by_provenance": N_("Current NOS by where their SOC 2020 code comes from"),
    "groups_by_kind": N_("Duplicate groups by kind"),
    "by_format": N_("Downloads by format"),
    "by_developer": N_("NOS page views by developer (top 10)"),
    "by_suite": N_("NOS page views by suite (top 10)"),
    "past_review": N_("Current NOS and their review dates"),
    "by_decision": N_("Duplicate decisions in force"),
    "by_endpoint": N_("API calls by endpoint"),
}
# The codes some breakdowns count by, as words on the bars (translated in the Welsh report).
BAR_LABELS = {
    "current": N_("Current"),
    "legacy": N_("Legacy"),
    "archive": N_("Archive"),
    "not_stated": N_("Not stated"),
    "confirmed": N_("Confirmed"),
    "crosswalk": N_("Crosswalked"),
    "suggested": N_("Suggested"),
    "none": N_("None"),
    "past": N_("Past"),
    "not_past": N_("Not past"),
    "no_real_date": N_("No real date"),
    "same_text": N_("Same text"),
    "imported_copy": N_("Imported copy"),
    "near_duplicate": N_("Near-duplicate"),
    "variant": N_("Variant"),
    "keep_both": N_("Keep both"),
    "imported_copy_of": N_("Imported copy of"),
    "merge_into": N_("Merge into"),
    "retire_legacy": N_("Retire as legacy"),
}
CODED = {"by_validity", "by_provenance", "past_review", "groups_by_kind", "by_decision"}  # bars labelled by code


def formatted(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return text + ("%" if unit == "percent" else "")


def _breakdown_chart(key: str, result: m.Result) -> dict | None:
    b = result.breakdown
    if key == "nos_past_review" and b:
        items, name = [("past", b["past"]), ("not_past", b["not_past"]), ("no_real_date", b["no_real_date"])], "past_review"
    elif key == "soc2020_coverage" and b:
        items, name = [*b["by_provenance"].items(), ("none", b["none"])], "by_provenance"
    else:
        for name in ("by_validity", "groups_by_kind", "by_format", "by_developer", "by_decision"):
            if b.get(name):
                items = sorted(b[name].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
                break
        else:
            return None
    items = [(str(k), v) for k, v in items]
    chart = charts.bars(_labelled(name, items), title=translation.gettext(LABELS[name]))
    return {"name": name, "title": LABELS[name], "uri": chart["uri"], "alt": chart["alt"], "items": items}


def _labelled(name: str, items: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A breakdown's bars with their codes as words in the active language (data, such as a
    developer's name, as it is)."""
    if name not in CODED:
        return items
    return [(translation.gettext(BAR_LABELS[k]) if k in BAR_LABELS else k, v) for k, v in items]


def _chart_in(chart: dict | None, language: str) -> dict | None:
    """A breakdown chart with its title and bars (and so its text alternative) in `language`."""
    if chart is None or language == "en":
        return chart
    title = translation.gettext(chart["title"])
    made = charts.bars(_labelled(chart["name"], chart["items"]), title=title)
    return {**chart, "title": title, "uri": made["uri"], "alt": made["alt"]}


def _trend_in(trend: dict | None, language: str) -> dict | None:
    """A trend chart with its title, legend and text alternative in `language`."""
    if trend is None or language == "en":
        return trend
    made = charts.trend(trend["points"], title=translation.gettext(trend["title"]), unit=trend["unit"], target=trend["target"])
    return {**trend, "uri": made["uri"], "alt": made["alt"]}


def figures(year: int) -> dict[str, dict]:
    """Every measure for the year: value, words, target, definition and the query that made it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = {r.key: r for r in services.sync()}
    out = {}
    for key, d in m.REGISTRY.items():
        row = rows[key]
        result = d.fn(start, end)
        out[key] = {
            "key": key,
            "name": row.name,
            "objective": row.objective,
            "value": result.value,
            "formatted": formatted(result.value, row.unit),
            "unit": row.unit,
            "numerator": result.numerator,
            "denominator": result.denominator,
            "breakdown": result.breakdown,
            "nos_count": len(result.nos) if result.nos is not None else None,
            "no_data": result.no_data,
            "target": row.target,
            "direction": row.direction,
            "met": services.met(result.value, row.target, row.direction),
            "owner": row.owner,
            "definition": row.definition,
            "source": row.source,
            "query": services.query_text(key),
            "period": {"start": start, "end": end},
            "_result": result,
        }
    return out


def _trend(key: str, figure: dict, year: int) -> dict | None:
    row = next((r for r in services.sync() if r.key == key), None)
    points = (
        [(v["as_of"], v["value"]) for v in services.series(row) if v["as_of"].year == year and v["value"] is not None]
        if row
        else []
    )
    if len(points) < 2:
        return None
    chart = charts.trend(points, title=figure["name"], unit=figure["unit"], target=figure["target"])
    return {
        "uri": chart["uri"],
        "alt": chart["alt"],
        "points": points,
        "title": figure["name"],
        "unit": figure["unit"],
        "target": figure["target"],
    }


def build(year: int) -> dict:
    """The report's context (language-free): figures, chapters with their charts (made in
    English; `html` remakes them for another language), infographic."""
    with translation.override("en"):
        return _build(year)


def _build(year: int) -> dict:
    figs = figures(year)
    chapters = []
    for number, objective in OBJECTIVES.items():
        items = []
        for key, f in figs.items():
            if f["objective"] != number:
                continue
            item = {k: v for k, v in f.items() if k not in ("_result", "query")}
            item["chart"] = _breakdown_chart(key, f["_result"])
            item["trend"] = _trend(key, f, year)
            items.append(item)
        chapters.append({"number": number, "title": objective["title"], "short": objective["short"], "figures": items})
    return {
        "year": year,
        "as_of": dt.date(year, 12, 31),
        "chapters": chapters,
        "infographic": [{k: figs[key][k] for k in ("key", "name", "formatted", "unit", "no_data")} for key in INFOGRAPHIC],
        "figures": {k: {kk: vv for kk, vv in f.items() if kk != "_result"} for k, f in figs.items()},
    }


def _words(figure: dict, language: str) -> dict:
    """A figure's name, definition and no-data reason in `language` where the catalogue of
    translations has them (`name_lang`, `definition_lang`, `no_data_lang`: the language each is
    shown in); its numbers untouched, so the figures read the same in both languages."""
    out = dict(figure)
    for field in ("name", "definition", "no_data"):
        text = figure.get(field) or ""
        shown = translation.gettext(text) if text else text
        out[field] = shown
        out[f"{field}_lang"] = language if (shown != text or language == "en") else "en"
    return out


def html(report: dict, language: str) -> str:
    with translation.override(language):
        chapters = [
            {
                **c,
                "short": str(c["short"]),
                "figures": [
                    {**_words(f, language), "chart": _chart_in(f["chart"], language), "trend": _trend_in(f["trend"], language)}
                    for f in c["figures"]
                ],
            }
            for c in report["chapters"]
        ]
        infographic = [_words(f, language) for f in report["infographic"]]
        figs = {k: _words(f, language) for k, f in report["figures"].items()}
        context = {**report, "chapters": chapters, "infographic": infographic, "figures": figs, "language": language}
        return render_to_string("monitoring/report.html", context)


def pdf(page: str) -> bytes:
    return core_pdf.write(page)


def twin(report: dict) -> dict:
    """The JSON twin: every figure with its definition, source and query; the chapters by figure key."""
    return {
        "year": report["year"],
        "as_of": report["as_of"].isoformat(),
        "figures": report["figures"],
        "chapters": [
            {"number": c["number"], "title": c["title"], "figures": [f["key"] for f in c["figures"]]} for c in report["chapters"]
        ],
        "infographic": [f["key"] for f in report["infographic"]],
    }


def _json_default(o):
    if isinstance(o, dt.date):
        return o.isoformat()
    raise TypeError(f"not JSON: {type(o).__name__}")


def write(year: int, out: Path, languages: tuple[str, ...] = LANGUAGES, with_pdf: bool = True) -> list[Path]:
    """Write annual-report-<year>[-cy].html and .pdf and annual-report-<year>.json into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    report = build(year)
    written = []
    for language in languages:
        stem = f"annual-report-{year}" + ("" if language == "en" else f"-{language}")
        page = html(report, language)
        (out / f"{stem}.html").write_text(page, encoding="utf-8")
        written.append(out / f"{stem}.html")
        if with_pdf:
            (out / f"{stem}.pdf").write_bytes(pdf(page))
            written.append(out / f"{stem}.pdf")
    path = out / f"annual-report-{year}.json"
    path.write_text(
        json.dumps(twin(report), default=_json_default, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    written.append(path)
    return written
