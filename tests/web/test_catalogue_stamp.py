"""One catalogue stamp behind every cache of what pages show (`noshub.catalogue.stamp`): read once a
request, moved on by every change, so no page and no search result is ever older than the
catalogue; search results kept for a repeated search are the results computed afresh."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from noshub.catalogue import stamp
from noshub.catalogue.importers import import_json
from noshub.search import engine

pytestmark = pytest.mark.django_db

NOS = {
    "URN": "ZZSTAMP1",
    "Title": "Groom zebrafinches for shows",
    "Overview": "<p>About zebrafinches.</p>",
    "Performance_criteria": "<ol><li>groom the zebrafinches</li></ol>",
    "Validity": "Current",
    "Status": "Original",
    "NOSCategory": "Core",
}

# Real queries of several kinds, with a filter, a second page and a Welsh query among them.
ASKED = [
    ("en", "q=forklift"),
    ("en", "q=hgv+driver&page=2"),
    ("en", "q=manage+budgets&validity=all&copies=all"),
    ("en", "q=chef"),
    ("en", "q=zzqxnothingmatches"),
    ("cy", "q=manage+budgets"),
    ("cy", "q=Trosolwg+gofal"),
]


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def _stamp_reads(queries) -> int:
    return sum("catalogue_cataloguestamp" in q["sql"] for q in queries.captured_queries)


def test_results_read_back_for_a_repeated_search_are_the_results_computed_afresh(load_reports, monkeypatch):
    computed = []
    compute = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a: computed.append(a) or compute(*a))
    for language, query in ASKED:
        for path in (f"/search/?{query}", f"/search.json?{query}", f"/api/v1/search?{query}"):
            cache.clear()
            caches["search"].clear()
            client = _client(language)
            fresh = client.get(path)
            assert fresh.status_code == 200, path
            before = len(computed)
            again = client.get(path)
            assert len(computed) == before, f"{path}: computed again"
            if "json" in path or "api" in path:
                a, b = fresh.json(), again.json()
                a.pop("took_ms", None), b.pop("took_ms", None)  # this request's time
                assert a == b and a["total"] == b["total"], path
            else:
                assert again.content == fresh.content, path
                assert f'<html lang="{language}"' in again.content.decode()


def test_the_stamp_is_read_once_a_request(load_reports):
    client = Client()
    client.get("/search/?q=forklift")  # warm: index, labels, templates
    for path in ("/search/?q=forklift", "/search/?q=care+plans&reach=pan_sector", "/nos/CFAMLD2/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert _stamp_reads(queries) == 1, path


def _titles(client: Client, q: str) -> list[str]:
    return [r["title"] for r in client.get(f"/search.json?q={q}").json()["results"]]


def test_an_import_shows_in_search_and_on_the_page_at_the_next_request(client, load_reports, tmp_path):
    path = tmp_path / "ZZSTAMP1.json"
    path.write_text(json.dumps(NOS))
    import_json(path)
    before = stamp.current().of("index")
    shows, competitions = "Groom <mark>zebrafinches</mark> for shows", "Groom <mark>zebrafinches</mark> for competitions"
    assert shows in client.get("/search/?q=zebrafinches").content.decode()  # (the query's words are marked)
    assert "Groom zebrafinches for shows" in _titles(client, "zebrafinches")  # (beside NOS close in meaning)
    assert "Groom zebrafinches for shows" in client.get("/nos/ZZSTAMP1/").content.decode()
    path.write_text(json.dumps({**NOS, "Title": "Groom zebrafinches for competitions"}))
    import_json(path)
    assert stamp.current().of("index") != before
    results = client.get("/search/?q=zebrafinches").content.decode()
    assert competitions in results and shows not in results
    titles = _titles(client, "zebrafinches")
    assert "Groom zebrafinches for competitions" in titles and "Groom zebrafinches for shows" not in titles
    assert "Groom zebrafinches for competitions" in client.get("/nos/ZZSTAMP1/").content.decode()


def test_a_rolled_back_change_leaves_no_cached_result_behind(load_reports, tmp_path):
    """A change rolled back frees its stamp number; the next change takes it, and must not find
    what was cached for the rolled-back one (the stamp holds the time of each change too)."""
    from django.db import transaction

    path = tmp_path / "ZZSTAMP1.json"
    path.write_text(json.dumps(NOS))
    with transaction.atomic():
        import_json(path)
        rolled_back = stamp.current()
        assert "Groom <mark>zebrafinches</mark> for shows" in Client().get("/search/?q=zebrafinches").content.decode()
        transaction.set_rollback(True)
    path.write_text(json.dumps({**NOS, "Title": "Groom zebrafinches for competitions"}))
    import_json(path)
    assert stamp.current().of("index")[0][0] == rolled_back.of("index")[0][0]
    assert stamp.current().key() != rolled_back.key()
    results = Client().get("/search/?q=zebrafinches").content.decode()
    assert "Groom <mark>zebrafinches</mark> for competitions" in results and "Groom <mark>zebrafinches</mark> for shows" not in results
