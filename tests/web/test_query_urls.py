"""A results page's links (filters, pages, sorts) are written by `views._query_url`, which quotes
each parameter once a process: the same address as `urlencode` of the merged parameters gives,
for any parameters and any change (hypothesis), page links and filters alike."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from noshub.web.views import _query_url

NAMES = st.sampled_from(["q", "suite", "developer", "page", "soc", "year", "sort", "min_confidence", "copies", "group", "a b", "é&="])
VALUES = st.one_of(st.text(max_size=30), st.integers(-5, 3000), st.sampled_from(["", None, "all", "0", "&", "=", "+", "%20", "ŵ"]))


def _reference(path: str, params: dict, **changes) -> str:
    merged = {k: v for k, v in params.items() if v not in ("", None)}
    for key, value in changes.items():
        if value in ("", None):
            merged.pop(key, None)
        else:
            merged[key] = value
    if "page" not in changes:
        merged.pop("page", None)
    return path + ("?" + urlencode(merged) if merged else "")


@given(st.dictionaries(NAMES, VALUES, max_size=8), st.dictionaries(NAMES, VALUES, max_size=3))
def test_the_address_is_urlencodes(params, changes):
    assert _query_url("/search/", params, **changes) == _reference("/search/", params, **changes)


def test_a_value_is_read_back_as_given():
    url = _query_url("/search/", {"q": "care & support = 100%", "page": "3", "suite": ""}, soc="6135")
    assert url.startswith("/search/?")
    assert dict(parse_qsl(url.split("?", 1)[1])) == {"q": "care & support = 100%", "soc": "6135"}
    assert _query_url("/search/", {"q": "", "page": "2"}) == "/search/"
    assert _query_url("/search/", {"q": "chef"}, page=2) == "/search/?q=chef&page=2"
