"""Review scheduling: current NOS due or past their indicative review date, by developer and suite.

A NOS is *overdue* when its review date has passed, *due* when it falls within the next
`within_days` days. Only current versions whose validity is "current" count; the
catalogue's placeholder date (1905-03-14) is read as "no date" on import and so is not
listed here (`noshub stats` counts NOS with no review date). A NOS already in an open
lifecycle project is marked with that project.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import Prefetch

from noshub.lifecycle import rules as lc

DEFAULT_WITHIN_DAYS = 90


def due_versions(today: date, within_days: int = DEFAULT_WITHIN_DAYS):
    """The current versions whose review date falls before `today` + `within_days` (a queryset)."""
    from noshub.catalogue.models import NosVersion, Standard

    return NosVersion.objects.filter(
        id__in=Standard.objects.values("current_id"),
        validity="current",
        indicative_review_date__isnull=False,
        indicative_review_date__lte=today + timedelta(days=within_days),
    )


def review_due(
    today: date,
    within_days: int = DEFAULT_WITHIN_DAYS,
    developer: str = "",
    suite: str = "",
    limit: int | None = None,
) -> dict:
    """The reminder list; `limit` caps the items listed (the counts are always complete)."""
    from noshub.catalogue.models import Suite

    from .models import Draft

    qs = (
        due_versions(today, within_days)
        .select_related("developed_by", "standard")
        .prefetch_related(Prefetch("suites", queryset=Suite.objects.only("name")))
        .order_by("indicative_review_date", "urn")
    )
    if developer:
        qs = qs.filter(developed_by__name__iexact=developer)
    if suite:
        qs = qs.filter(suites__name__iexact=suite).distinct()
    in_projects = {
        sid: (pid, title)
        for sid, pid, title in Draft.objects.exclude(project__stage__in=(lc.PUBLISHED, lc.WITHDRAWN))
        .filter(standard__isnull=False)
        .values_list("standard_id", "project_id", "project__title")
    }
    items = []
    total = 0
    by_developer: Counter[str] = Counter()
    by_suite: Counter[str] = Counter()
    overdue = 0
    for v in qs.iterator(chunk_size=2000):
        total += 1
        suites = sorted(s.name for s in v.suites.all())
        dev = v.developed_by.name if v.developed_by_id else "not stated"
        late = v.indicative_review_date < today
        overdue += late
        by_developer[dev] += 1
        for s in suites or ["no suite"]:
            by_suite[s] += 1
        if limit is not None and len(items) >= limit:
            continue
        project = in_projects.get(v.standard_id)
        items.append(
            {
                "slug": v.standard.slug,
                "urn": v.urn,
                "title": v.title,
                "developer": dev,
                "suites": suites,
                "indicative_review_date": v.indicative_review_date.isoformat(),
                "days": (v.indicative_review_date - today).days,
                "status": "overdue" if late else "due",
                "project": {"id": project[0], "title": project[1]} if project else None,
            }
        )
    return {
        "as_of": today.isoformat(),
        "within_days": within_days,
        "filters": {"developer": developer, "suite": suite},
        "count": total,
        "overdue": overdue,
        "due": total - overdue,
        "listed": len(items),
        "by_developer": dict(sorted(by_developer.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_suite": dict(sorted(by_suite.items(), key=lambda kv: (-kv[1], kv[0]))),
        "items": items,
    }
