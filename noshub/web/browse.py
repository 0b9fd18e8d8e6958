"""Browsing the catalogue: suites, developers, SOC 2020 groups, and the NOS related to a NOS.

The lists of NOS under a suite, a developer or a SOC group come from the search service with a
filter and no query, so the finder, these pages and the API count the same NOS.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

from django.db.models import Count, F

from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import NameAlias, NosVersion, Organisation, Suite
from noshub.catalogue.prepared import Prepared
from noshub.catalogue.services import NotFound
from noshub.core.names import name_key
from noshub.search.engine import SearchParams, SearchResult, search
from noshub.search.index_cache import current_index
from noshub.soc.models import SocGroup

RELATED_PER_SUITE = 10


def suites() -> list[dict]:
    """Every suite that holds a current version of some NOS, with its number of NOS."""
    rows = (
        Suite.objects.filter(versions__standard__current_id=F("versions__id"))
        .annotate(nos=Count("versions", distinct=True))
        .order_by("name")
        .values("id", "name", "nos")
    )
    return [{"id": r["id"], "name": r["name"], "nos": r["nos"]} for r in rows]


SUITE_TEXT_MAX = 200


def suites_filtered(q: str = "", developer: int | None = None, sector: str = "") -> tuple[list[dict], int]:
    """The suites of `suites()` that match: `q` in the name or a spelling a source used for it
    (without case or punctuation), a NOS developed by `developer` (an id), a NOS in the SOC 2020
    major group `sector` (the template has no sector field: a suite's sectors are the major
    groups its NOS are aligned to, as the search index holds them, so `/suites/<id>/?soc=5`
    lists those NOS). Each row also names its developers and sectors. Returns the rows and the
    number of suites before filtering."""
    org_ids = dict(Organisation.objects.values_list("name", "id"))
    developers_of, sectors_of = _suite_facts(current_index())
    aliases: dict[int, list[str]] = {}
    for suite_id, spelling in NameAlias.objects.filter(suite__isnull=False).values_list("suite_id", "spelling"):
        aliases.setdefault(suite_id, []).append(spelling)
    wanted = _key(q) if q else ""
    words = q.casefold().split()
    out = []
    every = suites()
    for row in every:
        devs = sorted((name, org_ids[name]) for name in developers_of.get(row["name"], ()) if name in org_ids)
        if developer is not None and developer not in {i for _, i in devs}:
            continue
        codes = sorted(sectors_of.get(row["name"], ()))
        if sector and sector not in codes:
            continue
        if q:
            spellings = [row["name"], *aliases.get(row["id"], [])]
            text = " ".join(spellings).casefold()
            if not (all(w in text for w in words) or any(wanted in _key(s) for s in spellings)):
                continue
        out.append({**row, "developers": [{"id": i, "name": n} for n, i in devs], "sectors": codes})
    return out, len(every)


_key = lru_cache(maxsize=16384)(name_key)
_facts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _suite_facts(index) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Each suite's developers and SOC 2020 major groups, from the search index's documents;
    worked out once for each build of the index."""
    if index not in _facts:
        developers_of: dict[str, set[str]] = {}
        sectors_of: dict[str, set[str]] = {}
        for doc in index.docs.values():
            majors = doc.soc_levels[0] if doc.soc_levels else ()
            for suite in doc.suites:
                if doc.developer:
                    developers_of.setdefault(suite, set()).add(doc.developer)
                sectors_of.setdefault(suite, set()).update(majors)
        _facts[index] = (developers_of, sectors_of)
    return _facts[index]


def suite_developers() -> list[dict]:
    """The developers a suite can be filtered by (those with a current NOS in some suite)."""
    return [{"id": d["id"], "name": d["name"]} for d in developers()]


def sectors() -> list[dict]:
    """The sectors a suite can be filtered by: the SOC 2020 major groups."""
    return [{"code": g.code, "title": g.title} for g in SocGroup.objects.filter(level="major").order_by("code")]


def developers() -> list[dict]:
    rows = (
        Organisation.objects.filter(versions__standard__current_id=F("versions__id"))
        .annotate(nos=Count("versions", distinct=True))
        .order_by("name")
        .values("id", "name", "nos")
    )
    return [{"id": r["id"], "name": r["name"], "nos": r["nos"]} for r in rows]


def get_suite(suite_id: int) -> Suite:
    suite = Suite.objects.filter(id=suite_id).first()
    if suite is None:
        raise NotFound(f"No suite with id {suite_id}")
    return suite


def get_developer(developer_id: int) -> Organisation:
    org = Organisation.objects.filter(id=developer_id).first()
    if org is None:
        raise NotFound(f"No developer with id {developer_id}")
    return org


def nos_in(params: SearchParams, sort: str = "title") -> SearchResult:
    """The NOS a browse page lists: a filtered search with no query, by title (or `sort`)."""
    params.q = ""
    params.sort = sort
    return search(params, log=False)


def suite_ids(names: list[str]) -> dict[str, int]:
    """The suites' ids by name, in the database's order of names (kept until the catalogue stamp
    moves on: NOS of one suite ask the same)."""
    return catalogue_stamp.cached(
        "web-suite-ids", tuple(names), lambda: dict(Suite.objects.filter(name__in=names).values_list("name", "id"))
    )


def developer_id(name: str) -> int | None:
    found = catalogue_stamp.cached(
        "web-developer-id", (name,), lambda: Organisation.objects.filter(name=name).values_list("id", flat=True).first() or 0
    )
    return found or None


# A suite's current NOS by title (one prepared query; kept until the catalogue stamp moves on:
# every NOS of a suite lists the same others).
_SUITE_MEMBERS = Prepared(
    lambda suite_id: (
        NosVersion.objects.filter(suites=suite_id, standard__current_id=F("id"))
        .order_by("title")
        .values_list("standard__slug", "urn", "title")
    )
)


def suite_members(suite_id: int) -> list[tuple[str, str, str]]:
    """A suite's current NOS (slug, URN, title), by title."""
    return catalogue_stamp.cached("web-suite-members", (suite_id,), lambda: _SUITE_MEMBERS(suite_id))


def related(detail: dict, ids: dict[str, int] | None = None) -> list[dict]:
    """Other NOS in each suite of this NOS (current versions, by title), with each suite's size.
    `ids`: the suites' ids by name as `suite_ids` gives them (in the database's order of names),
    if already looked up."""
    v = detail["current"] or {}
    if ids is None:
        ids = suite_ids(v.get("suites") or [])
    out = []
    for name, suite_id in ids.items():
        members = [m for m in suite_members(suite_id) if m[0] != detail["slug"]]
        out.append(
            {
                "suite_id": suite_id,
                "suite": name,
                "others": len(members),
                "nos": [{"slug": s, "urn": u, "title": t} for s, u, t in members[:RELATED_PER_SUITE]],
            }
        )
    return out


# -- SOC 2020 ---------------------------------------------------------------------------------

LEVEL_ORDER = ("major", "sub_major", "minor", "unit")

# Suggestions the coder is less sure of than this are left off a SOC group's page and its
# counts unless asked for (`min_confidence=0`): more likely wrong than right ("Administer
# sedation…" was listed under 6135 Care workers and home carers).
OCCUPATION_MIN_CONFIDENCE = 0.5


def soc_majors() -> list[dict]:
    """The nine major groups with the number of current NOS aligned to each (as their pages
    count them: suggestions below OCCUPATION_MIN_CONFIDENCE left out)."""
    params = SearchParams(validity="current", per_page=1, min_confidence=OCCUPATION_MIN_CONFIDENCE)
    counts = {f["value"]: f["count"] for f in search(params, log=False).facets["soc"]}
    return [
        {"code": g.code, "title": g.title, "nos": counts.get(g.code, 0)}
        for g in SocGroup.objects.filter(level="major").order_by("code")
    ]


def soc_group(code: str) -> dict:
    group = SocGroup.objects.filter(code=code).first()
    if group is None:
        raise NotFound(f"No SOC 2020 group {code!r}")
    chain = []
    parent = group.parent
    while parent is not None:
        chain.insert(0, {"code": parent.code, "title": parent.title, "level": parent.level})
        parent = parent.parent
    return {
        "code": group.code,
        "title": group.title,
        "level": group.level,
        "description": group.description,
        "tasks": group.tasks or [],
        "related_job_titles": (group.related_job_titles or [])[:20],
        "parents": chain,
        "children": [{"code": c.code, "title": c.title, "level": c.level} for c in group.children.order_by("code")],
    }
