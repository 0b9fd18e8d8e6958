"""Hostile JSON request bodies for the endpoints that take one (noshub.pages.jsonbody), and the
check that a refused body is a 400 in the one error shape naming the JSON path."""

from __future__ import annotations

import json

from hypothesis import strategies as st

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "ASTH302", "6221", "published", "wales", "approve", "merge_into", "reverse", "0.99", "1e9"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def bodies(keys: list[str]):
    """Bodies of every kind as bytes: random JSON; objects with the endpoint's own keys holding
    random values; texts that are not JSON; deep nesting."""
    keyed = st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))
    deep = st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n)
    return st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()),
        keyed.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=40),
        st.sampled_from([b"NaN", b'{"a": Infinity}', b"{", b"\xff\xfe", b'{"x": 1}{', b"1" * 5000, b'"\\ud800"']),
        deep,
    )


def assert_invalid_body(response, path: str, extra_keys: frozenset = frozenset()) -> dict:
    """A 400 in the documented error shape whose message and details name the JSON path."""
    assert response.status_code == 400, response.content[:500]
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "parameter", "path"} | extra_keys, error
    assert error["status"] == 400 and error["code"] == "invalid_body"
    assert error["path"] == error["parameter"] == path, error
    assert error["message"].startswith(f"{path}: "), error
    return error
