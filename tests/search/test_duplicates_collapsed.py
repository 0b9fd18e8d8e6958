"""Duplicates collapsed (issue 16): one result per duplicate group, its copies one click away,
every copy on request, totals and facet counts that match what is shown."""

from __future__ import annotations

import csv
import io

import pytest

from noshub.catalogue import stamp
from noshub.search.engine import InvalidParameter, SearchParams, search

pytestmark = pytest.mark.django_db

BUDGET = "manage a budget"


def _all(q: str, **kw) -> list:
    """Every hit of a search, page by page."""
    hits, page = [], 1
    while True:
        result = search(SearchParams(q=q, mode="keyword", per_page=100, page=page, **kw), log=False)
        hits += result.hits
        if page >= result.pages:
            return hits
        page += 1


def test_manage_a_budget_is_one_result_with_its_copies(detection_run):
    result = search(SearchParams(q=BUDGET, mode="keyword", per_page=10), log=False)
    same = [h for h in result.hits if h.title.lower() == BUDGET]
    assert len(same) == 1  # six identical "Manage a budget" NOS in the top eight before
    hit = same[0]
    assert hit.group and len(hit.copies) >= 5
    assert all(c["title"].lower().startswith("manage") for c in hit.copies)
    assert hit.also_in_suites and not set(hit.also_in_suites) & set(hit.suites)
    assert stamp.current().of("duplicates")[0][0] >= 1  # the run moved the stamp on: results kept before it are not used


def test_every_copy_on_request_and_the_group_filter(detection_run):
    collapsed = _all(BUDGET)
    every = _all(BUDGET, copies="all")
    # Totals agree: every copy shown = the results plus the copies folded into them.
    assert len(every) == len(collapsed) + sum(len(h.copies) for h in collapsed)
    assert {h.slug for h in every} == {h.slug for h in collapsed} | {c["slug"] for h in collapsed for c in h.copies}
    assert sum(1 for h in every[:20] if h.title.lower() == BUDGET) >= 5
    hit = next(h for h in collapsed if h.title.lower() == BUDGET)
    # A collapsed group stands at the rank of its best-ranked member.
    order = [h.slug for h in every]
    members = [hit.slug, *(c["slug"] for c in hit.copies)]
    best = min(order.index(s) for s in members)
    assert [h.slug for h in collapsed].index(hit.slug) <= best
    group = search(SearchParams(q=BUDGET, mode="keyword", group=hit.group, per_page=100), log=False)
    assert group.total == 1 + len(hit.copies)
    assert {h.slug for h in group.hits} == set(members)


def test_facet_counts_match_what_their_filter_shows(detection_run):
    result = search(SearchParams(q=BUDGET, mode="keyword"), log=False)
    assert result.total == len(_all(BUDGET)) < search(SearchParams(q=BUDGET, mode="keyword", copies="all"), log=False).total
    for name in ("suite", "developer"):
        for facet in result.facets[name][:4]:
            filtered = search(SearchParams(q=BUDGET, mode="keyword", **{name: facet["value"]}), log=False)
            assert filtered.total == facet["count"], (name, facet)


def test_copies_parameters_are_checked(detection_run):
    with pytest.raises(InvalidParameter):
        search(SearchParams(q=BUDGET, copies="some"), log=False)
    with pytest.raises(InvalidParameter):
        search(SearchParams(q=BUDGET, group="not-a-key"), log=False)


def test_results_page_links_the_copies(client, detection_run):
    page = client.get("/search/", {"q": BUDGET, "mode": "keyword"}).content.decode()
    assert "See the " in page and "copies=all" in page and "Also in " in page
    assert 'name="copies"' in page  # the "show every copy" checkbox
    twin = client.get("/search.json", {"q": BUDGET, "mode": "keyword"}).json()
    hit = next(h for h in twin["results"] if h["title"].lower() == BUDGET)
    assert hit["duplicates"]["copies"] and "copies=all" in hit["duplicates"]["copies_query"]
    assert f'href="?{hit["duplicates"]["copies_query"].replace("&", "&amp;")}"' in page
    copies = client.get("/search.json?" + hit["duplicates"]["copies_query"]).json()
    assert copies["total"] == 1 + len(hit["duplicates"]["copies"])
    assert sum(1 for h in twin["results"] if h["title"].lower() == BUDGET) == 1


def test_api_collapses_and_exports_the_copies(client, detection_run):
    data = client.get("/api/v1/search", {"q": BUDGET, "mode": "keyword"}).json()
    hit = next(h for h in data["results"] if h["title"].lower() == BUDGET)
    assert hit["duplicates"]["copies"] and "/api/v1/search?" in hit["copies_url"]
    every = client.get("/api/v1/search", {"q": BUDGET, "mode": "keyword", "copies": "all"}).json()
    assert every["total"] > data["total"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/search", {"q": BUDGET, "format": "csv"}).content.decode())))
    row = next(r for r in rows if r["title"].lower() == BUDGET)
    assert row["copies"] and row["why"]
    assert client.get("/api/v1/search", {"q": BUDGET, "copies": "x"}).status_code == 400
