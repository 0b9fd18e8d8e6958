"""Results say why (issue 16): a snippet (text where held, else overview or keywords), validity,
review status (past due shown; the 1905 placeholder is no date) and what matched, in the
engine's results, the page and its JSON twin, the API (JSON and CSV) and the CLI's JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from noshub.catalogue.models import NosVersion
from noshub.search.engine import SearchParams, search

pytestmark = pytest.mark.django_db

CHANNEL_REASONS = {
    "urn": {"urn"},
    "keywords": {"title", "keywords", "text", "context", "words"},
    "job title": {"job_title"},
    "occupation": {"occupation"},
    "meaning": {"meaning"},
    "welsh text": {"welsh_text"},
}


def test_every_channel_that_found_a_nos_gives_a_reason(load_reports):
    for q in ("manage a budget", "chef", "CFAM&LAA1", "looks after young children in a nursery"):
        for hit in search(SearchParams(q=q, per_page=20), log=False).hits:
            codes = {r["code"] for r in hit.why}
            for channel in hit.channels:
                assert codes & CHANNEL_REASONS[channel], (q, hit.urn, channel, hit.why)
            assert all(r["text"] for r in hit.why)


def test_words_matched_are_named(load_reports):
    hit = search(SearchParams(q="manage a budget", mode="keyword"), log=False).hits[0]
    title = next(r for r in hit.why if r["code"] == "title")
    assert {"manage", "budget"} <= set(title["words"]) and "a" not in title["words"]
    assert "manage" in title["text"] and "budget" in title["text"]


def test_snippet_from_text_else_keywords(load_reports):
    with_text = search(SearchParams(q="offer reiki to animals", mode="keyword"), log=False).hits[0]
    assert with_text.urn == "LANACT3" and with_text.snippet_source == "text"
    assert "<mark>" in with_text.snippet_html and "reiki" in with_text.snippet_html.lower()
    keywords_only = [h for h in search(SearchParams(q="manage a budget", mode="keyword"), log=False).hits if h.snippet_source]
    assert keywords_only and all(h.snippet_html for h in keywords_only)
    assert "keywords" in {h.snippet_source for h in keywords_only}


def test_review_status_past_due_and_placeholder(load_reports):
    today = date.today()
    past = NosVersion.objects.filter(
        standard__current_id__isnull=False, validity="current", indicative_review_date__lt=today
    ).select_related("standard")
    version = next(v for v in past[:50] if v.standard.current_id == v.id)
    hit = search(SearchParams(q=version.standard.urn_key, mode="keyword", per_page=1), log=False).hits[0]
    assert hit.review_status == "past_due" and hit.review_date == version.indicative_review_date
    placeholder = NosVersion.objects.filter(indicative_review_date_raw__startswith="1905-03-1", validity="current")
    version = next(v for v in placeholder.select_related("standard")[:50] if v.standard.current_id == v.id)
    hit = search(SearchParams(q=version.standard.urn_key, mode="keyword", per_page=1, validity="all"), log=False).hits[0]
    assert hit.review_status == "not_set" and hit.review_date is None


def test_page_twin_api_and_cli_say_why(client, load_reports):
    page = client.get("/search/", {"q": "manage a budget", "mode": "keyword"}).content.decode()
    assert "Why this was found" in page and "Your words in its title:" in page
    assert "noshub-snippet" in page and "Current" in page and ("Review past due" in page or "Review due" in page)
    client.cookies["django_language"] = "cy"
    assert "Eich geiriau yn ei theitl:" in client.get("/search/", {"q": "manage a budget"}).content.decode()
    client.cookies["django_language"] = "en"
    for url in ("/search.json", "/api/v1/search"):
        hit = client.get(url, {"q": "manage a budget", "mode": "keyword"}).json()["results"][0]
        assert hit["why"] and hit["why"][0]["text"] and hit["snippet_html"] and hit["snippet_source"]
        assert hit["validity"] == "current" and hit["review_status"] in ("past_due", "scheduled", "not_set")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/v1/search", {"q": "manage a budget", "format": "csv"}).content.decode()))
    )
    assert rows[0]["why"].startswith("Your words") and rows[0]["review_status"] and rows[0]["snippet"]
    from noshub.cli import main

    out = CliRunner().invoke(main, ["search", "manage a budget", "--mode", "keyword", "--format", "json"], catch_exceptions=False)
    hit = json.loads(out.output)["results"][0]
    assert hit["why"] and "review_status" in hit and hit["snippet_source"]
