"""Property tests: arbitrary text, FTS operators, quotes and unicode included, never causes a
server error and never changes data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noshub.catalogue.models import NosVersion, Standard
from noshub.search.models import SearchDocument
from noshub.search.text.query import parse_query, to_fts5

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


@given(TEXT)
def test_parse_query_never_fails_and_quotes_everything(text):
    expression = to_fts5(parse_query(text))
    for group in expression.split(" AND "):
        assert not group or group[0] in '"('


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=TEXT, suite=st.text(max_size=20), page=st.one_of(st.integers(-5, 20).map(str), st.text(max_size=4)))
def test_search_api_never_errors_and_never_writes_nos(client, load_reports, q, suite, page):
    before = (Standard.objects.count(), NosVersion.objects.count(), SearchDocument.objects.count())
    response = client.get("/api/v1/search", {"q": q, "suite": suite, "page": page, "mode": "keyword"})
    assert response.status_code in (200, 400), response.content[:300]
    body = response.json()
    assert ("results" in body) if response.status_code == 200 else body["error"]["code"] == "invalid_parameter"
    assert (Standard.objects.count(), NosVersion.objects.count(), SearchDocument.objects.count()) == before
