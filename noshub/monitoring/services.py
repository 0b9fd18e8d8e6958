"""Measures computed and kept as a time series; what the dashboard shows."""

from __future__ import annotations

import datetime as dt
import inspect

from django.db import transaction
from django.utils import timezone

from noshub.catalogue.models import Standard
from noshub.core.errors import NotFound

from . import measures as m
from .models import Measure, MeasureValue

USAGE_WINDOW_DAYS = 28  # usage and process measures on the dashboard: the 28 days up to the day measured


def declared(key: str) -> m.Declared:
    try:
        return m.REGISTRY[key]
    except KeyError:
        raise NotFound(f"No measure {key!r}") from None


@transaction.atomic
def sync() -> list[Measure]:
    """A `Measure` row for every registered measure: made with the code's words, target and owner;
    on later runs the words, unit, objective and source follow the code, and a target or owner
    changed here (the admin) is kept."""
    out = []
    for d in m.REGISTRY.values():
        row, made = Measure.objects.get_or_create(
            key=d.key,
            defaults={
                "name": d.name,
                "definition": d.definition,
                "unit": d.unit,
                "target": d.target,
                "direction": d.direction,
                "source": d.source,
                "owner": d.owner,
                "objective": d.objective,
            },
        )
        if not made:
            changed = {
                "name": d.name,
                "definition": d.definition,
                "unit": d.unit,
                "direction": d.direction,
                "source": d.source,
                "objective": d.objective,
            }
            if any(getattr(row, k) != v for k, v in changed.items()):
                for k, v in changed.items():
                    setattr(row, k, v)
                row.save()
        out.append(row)
    return out


def window(as_of: dt.date, days: int = USAGE_WINDOW_DAYS) -> tuple[dt.date, dt.date]:
    return as_of - dt.timedelta(days=days - 1), as_of


def compute(key: str, start: dt.date, end: dt.date) -> m.Result:
    return declared(key).fn(start, end)


def query_text(key: str) -> str:
    """The query behind a measure, as code: its function's source."""
    return inspect.getsource(declared(key).fn)


def record(as_of: dt.date | None = None, keys: list[str] | None = None) -> list[MeasureValue]:
    """Compute every measure (or `keys`) for `as_of` (default today) and keep the values, one per
    measure and day (a second run that day replaces the first)."""
    as_of = as_of or timezone.localdate()
    start, end = window(as_of)
    rows = {r.key: r for r in sync()}
    out = []
    for key in keys or list(m.REGISTRY):
        result = compute(key, start, end)
        with transaction.atomic():
            value, _ = MeasureValue.objects.update_or_create(
                measure=rows[key],
                as_of=as_of,
                defaults={
                    "value": result.value,
                    "numerator": result.numerator,
                    "denominator": result.denominator,
                    "breakdown": result.breakdown,
                    "no_data": result.value is None,
                    "computed_at": timezone.now(),
                },
            )
        out.append(value)
    return out


def describe(row: Measure) -> dict:
    d = m.REGISTRY.get(row.key)
    return {
        "key": row.key,
        "name": row.name,
        "definition": row.definition,
        "unit": row.unit,
        "target": row.target,
        "direction": row.direction,
        "source": row.source,
        "owner": row.owner,
        "objective": row.objective,
        "registered": d is not None,
    }


def met(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None or direction not in ("up", "down"):
        return None
    return value >= target if direction == "up" else value <= target


def series(row: Measure) -> list[dict]:
    return [
        {
            "as_of": v.as_of,
            "value": v.value,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "no_data": v.no_data,
            "breakdown": v.breakdown,
        }
        for v in row.values.order_by("as_of")
    ]


def nos_rows(ids: list[int], limit: int) -> list[dict]:
    """The standards behind a figure, in the figure's order: URN, title, slug."""
    chosen = ids[:limit]
    found = {
        s["id"]: s
        for s in Standard.objects.filter(id__in=chosen).values(
            "id", "urn", "slug", "current__title", "current__developed_by__name", "current__indicative_review_date"
        )
    }
    return [
        {
            "urn": found[i]["urn"],
            "slug": found[i]["slug"],
            "title": found[i]["current__title"],
            "developer": found[i]["current__developed_by__name"] or "",
            "review_date": found[i]["current__indicative_review_date"],
        }
        for i in chosen
        if i in found
    ]
