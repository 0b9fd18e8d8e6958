"""Staff pages: the measures of success with their trends and targets, each measure with the NOS
behind it; each page with its JSON twin (the page contract)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from noshub.catalogue.roles import ADMINISTRATOR, roles
from noshub.core.errors import Forbidden, InvalidParameter
from noshub.pages import Page, page_view

from . import charts, services
from .objectives import OBJECTIVES

DRILL_LIMIT = 100
DRILL_MAX = 25_000


def require_staff(request: HttpRequest) -> None:
    """Staff (Django's staff flag) or an administrator; anyone else, signed in or not, is a 403."""
    user = request.user
    if not (user.is_authenticated and (user.is_staff or ADMINISTRATOR in roles(user))):
        raise Forbidden(_("Only NOS Hub staff can see the measures of success."))


def _value(result) -> dict:
    return {
        "value": result.value,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "breakdown": result.breakdown,
        "no_data": result.no_data,
    }


@require_safe
@page_view
def dashboard(request: HttpRequest) -> Page:
    """Every measure: its value now (computed on demand), its target, whether met, its trend."""
    require_staff(request)
    as_of = timezone.localdate()
    start, end = services.window(as_of)
    html = request.page_format == "html"
    rows = []
    for row in services.sync():
        result = services.compute(row.key, start, end)
        points = [(v["as_of"], v["value"]) for v in services.series(row)]
        chart = charts.trend(points, title=_(row.name), unit=row.unit, target=row.target) if html else None
        rows.append(
            {
                **services.describe(row),
                "now": _value(result),
                "met": services.met(result.value, row.target, row.direction),
                "series": [{"as_of": d, "value": v} for d, v in points],
                "chart": {"uri": chart["uri"], "alt": chart["alt"]} if chart else None,
            }
        )
    objectives = [
        {"number": n, "title": o["title"], "short": str(o["short"]), "measures": [r for r in rows if r["objective"] == n]}
        for n, o in OBJECTIVES.items()
    ]
    return Page("monitoring/dashboard.html", {"as_of": as_of, "window": {"start": start, "end": end}, "objectives": objectives})


def _int(request: HttpRequest, name: str, default: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(name, "a whole number") from None
    if not 0 <= value <= high:
        raise InvalidParameter(name, f"from 0 to {high}")
    return value


@require_safe
@page_view
def measure(request: HttpRequest, key: str) -> Page:
    """One measure: its definition and query, its series and trend, and the NOS behind its value."""
    require_staff(request)
    services.declared(key)  # NotFound: 404
    row = next(r for r in services.sync() if r.key == key)
    as_of = timezone.localdate()
    start, end = services.window(as_of)
    result = services.compute(key, start, end)
    limit = _int(request, "limit", DRILL_LIMIT, DRILL_MAX)
    ids = result.nos or []
    points = [(v["as_of"], v["value"]) for v in services.series(row)]
    chart = charts.trend(points, title=_(row.name), unit=row.unit, target=row.target) if request.page_format == "html" else None
    return Page(
        "monitoring/measure.html",
        {
            "measure": services.describe(row),
            "query": services.query_text(key),
            "as_of": as_of,
            "window": {"start": start, "end": end},
            "now": _value(result),
            "met": services.met(result.value, row.target, row.direction),
            "series": services.series(row),
            "chart": {"uri": chart["uri"], "alt": chart["alt"]} if chart else None,
            "nos_total": len(ids),
            "nos": services.nos_rows(ids, limit),
        },
    )
