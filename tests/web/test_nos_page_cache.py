"""The NOS page's catalogue part (the standard, its detail, its presentation, the other NOS in its
suites) and its rendered sections are cached per catalogue generation, language and day: the
page is the same from the cache as computed afresh, a warm page reads no version again, and an
import, a change of language or of day shows at the next request."""

from __future__ import annotations

import json
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from noshub.catalogue.importers import import_json
from noshub.catalogue.models import Standard

pytestmark = pytest.mark.django_db

NOS = {
    "URN": "ZZCACHE1",
    "Title": "Serve a cached page",
    "Overview": "<p>About cached pages.</p>",
    "Performance_criteria": "<ol><li>serve the page again</li></ol>",
    "Validity": "Current",
    "Status": "Original",
    "NOSCategory": "Core",
    "Indicative_review_date": "2031-03-01",
}


def _sample(n: int = 4) -> list[str]:
    slugs = list(Standard.objects.exclude(current=None).order_by("slug").values_list("slug", flat=True))
    return random.Random(24).sample(slugs, n)


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def test_a_nos_page_from_the_cache_is_the_page_computed_afresh(load_reports):
    for slug in _sample():
        for path, language in ((f"/nos/{slug}/", "en"), (f"/nos/{slug}.json", "en"), (f"/nos/{slug}/", "cy"), (f"/nos/{slug}/summary/", "en")):
            client = _client(language)
            cache.clear()
            fresh = client.get(path)
            assert fresh.status_code == 200, path
            with CaptureQueriesContext(connection) as queries:
                warm = client.get(path)
            assert warm.content == fresh.content, path
            # From the cache: no version, suite or organisation is read again.
            read = " ".join(q["sql"] for q in queries.captured_queries)
            assert "catalogue_nosversion" not in read and "catalogue_suite" not in read and "catalogue_organisation" not in read


def test_the_welsh_page_is_not_served_the_english_one(load_reports):
    slug = _sample(1)[0]
    english = _client("en").get(f"/nos/{slug}/").content.decode()
    welsh = _client("cy").get(f"/nos/{slug}/").content.decode()
    assert '<html lang="cy"' in welsh and '<html lang="en"' in english
    assert "Hanes fersiynau" in welsh and "Version history" in english and "Version history" not in welsh


def test_an_import_shows_at_the_next_request(client, load_reports, tmp_path):
    path = tmp_path / "ZZCACHE1.json"
    path.write_text(json.dumps(NOS))
    assert import_json(path).created == 1
    assert "Serve a cached page" in client.get("/nos/ZZCACHE1/").content.decode()
    path.write_text(json.dumps({**NOS, "Title": "Serve the changed page", "Overview": "<p>Changed.</p>"}))
    import_json(path)
    html = client.get("/nos/ZZCACHE1/").content.decode()
    assert "Serve the changed page" in html and "Changed." in html
    assert "Serve a cached page" in html  # now in the version history only
    assert "<p>About cached pages.</p>" not in html


def test_a_review_falls_overdue_with_the_day_not_with_the_cache(client, load_reports, tmp_path, monkeypatch):
    path = tmp_path / "ZZCACHE1.json"
    path.write_text(json.dumps(NOS))
    import_json(path)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: timezone.datetime(2031, 2, 28).date())
    assert 'data-notice="review-overdue"' not in client.get("/nos/ZZCACHE1/").content.decode()
    assert not client.get("/nos/ZZCACHE1.json").json()["p"]["review_overdue"]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: timezone.datetime(2031, 3, 2).date())
    assert 'data-notice="review-overdue"' in client.get("/nos/ZZCACHE1/").content.decode()
    assert client.get("/nos/ZZCACHE1.json").json()["p"]["review_overdue"]
