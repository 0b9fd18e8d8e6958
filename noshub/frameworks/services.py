"""The map of occupational standards systems on SOC 2020: what pages, the API and the CLI read.

* `group_map(code)`: for a SOC 2020 group at any level, its NOS, IfATE standards, ESCO and
  O*NET occupations;
* `nos_map(urn)`: a NOS's counterparts in each system, through its SOC 2020 codes, with the
  NOS's content beside theirs and the words they share;
* `gaps()`: unit groups with IfATE standards but no NOS, and with NOS but no IfATE standard;
* `summary()`: what is held.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Max

from noshub.catalogue.models import NosSocCode, Standard
from noshub.core.errors import NotFound
from noshub.core.readers.occupations import ESCO, IFATE, ISCO, ONET
from noshub.core.text import content_words
from noshub.core.text.plain import strip_tags
from noshub.soc import services as soc_services
from noshub.soc.models import SocGroup

from .models import SCHEME_CHOICES, SOC2020, ExternalOccupation, OccupationLink

SYSTEMS = (IFATE, ESCO, ONET)
SCHEME_NAMES = dict(SCHEME_CHOICES)
#: A link counts for the map and the gaps from this confidence.
MIN_CONFIDENCE = 0.2
LIMIT = 100


class FrameworksNotFound(NotFound):
    pass


def _occupation(o: ExternalOccupation) -> dict:
    return {"scheme": o.scheme, "code": o.code, "title": o.title, "uri": o.uri, "isco08": o.isco08}


def _link(link: OccupationLink) -> dict:
    return {
        "target_scheme": link.target_scheme,
        "target_code": link.target_code,
        "relation": link.relation,
        "skos": f"skos:{link.relation}Match",
        "confidence": round(link.confidence, 3),
        "provenance": link.provenance,
        "reason": link.reason,
    }


def summary() -> dict:
    counts = dict(ExternalOccupation.objects.values_list("scheme").annotate(n=Count("id")))
    links = [
        {"source": SCHEME_NAMES.get(s, s), "target": t, "provenance": p, "count": n}
        for s, t, p, n in OccupationLink.objects.values_list("source__scheme", "target_scheme", "provenance")
        .annotate(n=Count("id"))
        .order_by("source__scheme", "target_scheme", "provenance")
    ]
    g = gaps(limit=0)
    return {
        "occupations": {SCHEME_NAMES[s]: counts.get(s, 0) for s in (*SYSTEMS, ISCO)},
        "links": links,
        "built": bool(counts),
        "gaps": {k: g[k]["total"] for k in ("ifate_without_nos", "nos_without_ifate")},
    }


def _soc_links(prefix: str, scheme: str, limit: int) -> dict:
    """Occupations of `scheme` linked to SOC 2020 groups under `prefix`, best link first."""
    qs = (
        OccupationLink.objects.filter(
            target_scheme=SOC2020, target_code__startswith=prefix, source__scheme=scheme, confidence__gte=MIN_CONFIDENCE
        )
        .select_related("source")
        .order_by("-confidence", "source__title")
    )
    seen: dict[int, dict] = {}
    for link in qs:
        entry = seen.get(link.source_id)
        if entry is None:
            seen[link.source_id] = {**_occupation(link.source), "links": [_link(link)]}
        else:
            entry["links"].append(_link(link))
    items = list(seen.values())
    return {"total": len(items), "items": items[:limit]}


def get_group(code: str) -> SocGroup:
    group = SocGroup.objects.filter(code=(code or "").strip()[:8]).first()
    if group is None:
        raise FrameworksNotFound(f"{code!r} is not a SOC 2020 group")
    return group


def group_map(code: str, limit: int = LIMIT) -> dict:
    group = get_group(code)
    nos = soc_services.nos_in_group(group.code, limit=limit)
    return {
        "code": group.code,
        "title": group.title,
        "level": group.level,
        "parent": group.parent.code if group.parent_id else None,
        "children": list(group.children.order_by("code").values("code", "title")),
        "nos": {"total": nos["total"], "items": nos["items"]},
        **{scheme: _soc_links(group.code, scheme, limit) for scheme in SYSTEMS},
        "isco08": _soc_links(group.code, ISCO, limit),
    }


def _standard(urn: str) -> Standard:
    try:
        return soc_services.standard_for(urn)
    except NotFound as exc:
        raise FrameworksNotFound(str(exc)) from None


def _nos_content(version) -> dict:
    criteria = [s["text"] for s in (version.performance_criteria or [])[:8] if isinstance(s, dict)]
    return {
        "title": version.title,
        "overview": " ".join(strip_tags(version.overview or "").split())[:1200],
        "statements": criteria,
    }


def _their_content(o: ExternalOccupation) -> list[str]:
    d = o.detail or {}
    return list((d.get("duties") or d.get("tasks") or [])[:8])


def nos_map(urn: str, limit: int = 10) -> dict:
    """The NOS's SOC 2020 unit groups and, for each system, the occupations linked to them."""
    standard = _standard(urn)
    version = standard.current
    units = {link["code"]: link for link in soc_services.standard_links(standard)} if version else {}
    titles = dict(SocGroup.objects.filter(code__in=units).values_list("code", "title"))
    mine = _nos_content(version) if version else {"title": standard.urn, "overview": "", "statements": []}
    my_words = set(content_words(" ".join([mine["title"], mine["overview"], *mine["statements"]])))
    systems = {}
    for scheme in SYSTEMS:
        best: dict[int, dict] = {}
        qs = OccupationLink.objects.filter(
            target_scheme=SOC2020, target_code__in=units, source__scheme=scheme, confidence__gte=MIN_CONFIDENCE
        ).select_related("source")
        for link in qs:
            weight = link.confidence * (units[link.target_code].get("weight") or units[link.target_code].get("confidence") or 1.0)
            entry = best.get(link.source_id)
            if entry is None or weight > entry["score"]:
                o = link.source
                content = _their_content(o)
                words = set(content_words(" ".join([o.title, o.description[:1200], *content])))
                best[link.source_id] = {
                    **_occupation(o),
                    "score": round(weight, 3),
                    "via": link.target_code,
                    "link": _link(link),
                    "description": o.description[:600],
                    "content": content,
                    "shared_words": sorted(my_words & words)[:30],
                }
        items = sorted(best.values(), key=lambda x: (-x["score"], x["title"]))
        systems[scheme] = {"name": SCHEME_NAMES[scheme], "total": len(items), "items": items[:limit]}
    return {
        "urn": standard.slug,
        "title": mine["title"],
        "nos": mine,
        "soc2020": [{"code": c, "title": titles.get(c, ""), "source": link["source"]} for c, link in units.items()],
        "systems": systems,
    }


def _nos_per_unit() -> dict[str, int]:
    current = Standard.objects.exclude(current_id=None).values("current_id")
    rows = (
        NosSocCode.objects.filter(version_id__in=current, soc_code__classification="2020")
        .values_list("soc_code__code")
        .annotate(n=Count("version__standard", distinct=True))
    )
    return {code: n for code, n in rows if len(code) == 4}


def _ifate_per_unit() -> dict[str, list[str]]:
    """Unit group → IfATE standards whose best SOC 2020 link is to it."""
    best = dict(
        OccupationLink.objects.filter(source__scheme=IFATE, target_scheme=SOC2020)
        .values_list("source_id")
        .annotate(top=Max("confidence"))
    )
    out: dict[str, list[str]] = defaultdict(list)
    for sid, unit, conf, title in OccupationLink.objects.filter(source__scheme=IFATE, target_scheme=SOC2020).values_list(
        "source_id", "target_code", "confidence", "source__title"
    ):
        if conf == best.get(sid) and conf >= MIN_CONFIDENCE:
            out[unit].append(title)
    return out


def gaps(limit: int = LIMIT) -> dict:
    """SOC 2020 unit groups with IfATE standards (their best link) but no current NOS, and the reverse."""
    nos = _nos_per_unit()
    ifate = _ifate_per_unit()
    titles = dict(SocGroup.objects.filter(level="unit").values_list("code", "title"))
    without_nos = [{"code": u, "title": titles.get(u, ""), "ifate": sorted(ifate[u])} for u in sorted(ifate) if not nos.get(u)]
    without_ifate = [
        {"code": u, "title": titles.get(u, ""), "nos_count": n}
        for u, n in sorted(nos.items(), key=lambda kv: (-kv[1], kv[0]))
        if u not in ifate
    ]
    return {
        "ifate_without_nos": {"total": len(without_nos), "items": without_nos[:limit]},
        "nos_without_ifate": {"total": len(without_ifate), "items": without_ifate[:limit]},
        "built": ExternalOccupation.objects.exists(),
    }


def occupation(scheme: str, code: str) -> dict:
    o = ExternalOccupation.objects.filter(scheme=scheme, code=(code or "")[:64]).first()
    if o is None:
        raise FrameworksNotFound(f"no {SCHEME_NAMES.get(scheme, scheme)} occupation {code!r}")
    return {
        **_occupation(o),
        "description": o.description,
        "alt_titles": o.alt_titles,
        "detail": o.detail,
        "links": [_link(x) for x in o.links.all()],
    }
