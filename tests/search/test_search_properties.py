"""Property tests: arbitrary text, FTS operators, quotes and unicode included, never causes a
server error and never changes data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noshub.catalogue.models import NosVersion, Standard
from noshub.search.fulltext import FullTextIndex
from noshub.search.models import SearchDocument
from noshub.search.text.query import parse_query

pytestmark = pytest.mark.django_db

OPERATORS = st.sampled_from(
    [
        '"',
        "*",
        "^",
        ":",
        "(",
        ")",
        "NEAR",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "&",
        "|",
        "!",
        "<->",
        "'",
        "\\",
        "\x00",
        "%",
        "_",
        ";",
        "--",
    ]
)
TEXT = st.lists(st.one_of(OPERATORS, st.text(max_size=12)), max_size=10).map(" ".join)


_SMALL_INDEX = None


def _small_index() -> FullTextIndex:
    global _SMALL_INDEX
    if _SMALL_INDEX is None:
        _SMALL_INDEX = FullTextIndex(
            [(1, "Weld NEAR joints", "and or not", "", ""), (2, "Café hygiene", "", "", "body text")]
        )
    return _SMALL_INDEX


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_makes_a_valid_query_that_finds_only_what_holds_its_words(text):
    index = _small_index()
    stems = index.query_stems(parse_query(text))
    found = index.match(stems, {"title": 2.0, "keywords": 1.0, "body": 0.5}, 10)
    words = {s for group in stems.groups for s in group} | {s for p in stems.phrases for s in p}
    words |= {s for multi in stems.multiword for form in multi for s in form}
    prefixes = [p for group in stems.prefixes for p in group]
    for sid, _ in found:
        held = {s for t in ("Weld NEAR joints and or not", "Café hygiene body text") for s in index.stems(t)}
        assert words & held or any(h.startswith(p) for h in held for p in prefixes), (text, sid)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=TEXT, suite=st.text(max_size=20), page=st.one_of(st.integers(-5, 20).map(str), st.text(max_size=4)))
def test_search_api_never_errors_and_never_writes_nos(client, load_reports, q, suite, page):
    before = (Standard.objects.count(), NosVersion.objects.count(), SearchDocument.objects.count())
    response = client.get("/api/v1/search", {"q": q, "suite": suite, "page": page, "mode": "keyword"})
    assert response.status_code in (200, 400), response.content[:300]
    body = response.json()
    assert ("results" in body) if response.status_code == 200 else body["error"]["code"] == "invalid_parameter"
    assert (Standard.objects.count(), NosVersion.objects.count(), SearchDocument.objects.count()) == before
