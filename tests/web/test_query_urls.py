"""A results page's links (filters, pages, sorts) are written by `views._query_url`, which merges
the change into the page's parameters and encodes them with `_encoded`: each `key=value` quoted
once a process, the same string as `urlencode` gives for any parameters (hypothesis)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from noshub.web.views import _encoded, _option_urls, _query_url

NAMES = st.one_of(st.sampled_from(["q", "suite", "page", "soc", "a b", "é&="]), st.text(max_size=10))
VALUES = st.one_of(st.text(max_size=30), st.integers(-5, 3000), st.sampled_from(["all", "0", "&", "=", "+", "%20", "ŵ"]))


@given(st.dictionaries(NAMES, VALUES, max_size=8))
def test_the_encoding_is_urlencodes(params):
    assert _encoded(params) == urlencode(params)


def test_a_change_is_merged_and_read_back_as_given():
    url = _query_url("/search/", {"q": "care & support = 100%", "page": "3", "suite": ""}, soc="6135")
    assert url.startswith("/search/?")
    assert parse_qsl(url.split("?", 1)[1]) == [("q", "care & support = 100%"), ("soc", "6135")]  # a new filter: page 1
    assert _query_url("/search/", {"q": "", "page": "2"}) == "/search/"
    assert _query_url("/search/", {"q": "chef"}, page=2) == "/search/?q=chef&page=2"
    assert _query_url("/search/", {"q": "chef", "suite": "A"}, suite="") == "/search/?q=chef"  # a filter removed
    assert _query_url("/search/", {"q": "chef", "suite": "A", "year": "2010"}, suite="B") == "/search/?q=chef&suite=B&year=2010"  # in place


@given(
    st.dictionaries(st.sampled_from(["q", "suite", "page", "soc", "year", "validity", "a b"]), VALUES, max_size=6),
    st.sampled_from(["suite", "soc", "year", "validity", "new"]),  # filters (pages are not options)
    st.lists(st.one_of(VALUES, st.none()), max_size=5),
)
def test_a_facets_option_links_are_query_urls(params, name, values):
    """The options of a facet share everything but their value: `_option_urls` encodes that once,
    and writes each option's link as `_query_url` would."""
    url = _option_urls("/search/", params, name)
    for value in values:
        assert url(value) == _query_url("/search/", params, **{name: value})
