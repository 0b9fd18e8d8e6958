"""Figures about the catalogue: what `noshub stats` and the home page report."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q

from .models import NosSocCode, NosVersion, Standard


def _counter(values) -> dict[str, int]:
    counts = Counter(v or "not stated" for v in values)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def catalogue_stats(today: date | None = None) -> dict:
    """Counts over the current version of every standard."""
    today = today or date.today()
    current = NosVersion.objects.filter(id__in=Standard.objects.values("current_id"))
    rows = list(current.values_list("validity", "category", "status", "developed_by__name", "indicative_review_date"))
    total = len(rows)
    suites = Counter(current.filter(suites__isnull=False).values_list("suites__name", flat=True))
    with_soc = current.filter(nossoccode__isnull=False).distinct().count()
    clashes = Standard.objects.values("urn_key").annotate(n=Count("id")).filter(n__gt=1)
    past_review = sum(1 for r in rows if r[0] == "current" and r[4] is not None and r[4] < today)
    no_review = sum(1 for r in rows if r[0] == "current" and r[4] is None)
    soc_by_source = Counter(NosSocCode.objects.filter(version__in=current).values_list("source", flat=True))
    return {
        "urns": Standard.objects.values("urn_key").distinct().count(),
        "urns_by_source": {
            kind: Standard.objects.filter(versions__source_kind=kind).values("urn_key").distinct().count()
            for kind in ("catalogue", "page", "json")
        },
        "standards": total,
        "versions": NosVersion.objects.count(),
        "urn_clashes": {
            "urns": clashes.count(),
            "standards": Standard.objects.filter(urn_clash=True).count(),
        },
        "by_validity": _counter(r[0] for r in rows),
        "by_category": _counter(r[1] for r in rows),
        "by_status": _counter(r[2] for r in rows),
        "by_developer": _counter(r[3] for r in rows),
        "by_suite": dict(sorted(suites.items(), key=lambda kv: (-kv[1], kv[0]))),
        "suites": len(suites),
        "with_soc_code": with_soc,
        "share_with_soc_code": round(with_soc / total, 4) if total else 0.0,
        "soc_links_by_source": dict(soc_by_source),
        "past_review_date": past_review,
        "current_without_review_date": no_review,
        "with_body_text": current.filter(~Q(performance_criteria=[])).count(),
        "with_welsh_text": current.exclude(title_cy="", overview_cy="").count(),
        "as_of": today.isoformat(),
    }
