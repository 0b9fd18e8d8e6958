"""SOC evidence of a NOS under a group (`noshub.search.evidence`): order, filters, counts, and
the parameters that ask for them. Plain objects: no database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from noshub.core.errors import InvalidParameter
from noshub.search import evidence
from noshub.search.params import SearchParams


def _doc(title: str, units: dict[str, tuple]) -> SimpleNamespace:
    """units: code → (source, confidence[, ONS share]), as the index holds them."""
    return SimpleNamespace(
        title=title,
        soc_source={u: v[0] for u, v in units.items()},
        soc_confidence={u: v[1] for u, v in units.items()},
        soc_share={u: v[2] for u, v in units.items() if len(v) > 2},
    )


DOCS = [
    _doc("A weak guess", {"6135": ("suggested", 0.2)}),
    _doc("Crosswalked, small share", {"6135": ("crosswalk", 1.0, 0.1)}),
    _doc("Confirmed", {"6135": ("confirmed", 1.0)}),
    _doc("A strong guess", {"6135": ("suggested", 0.8)}),
    _doc("Crosswalked, share unknown", {"6135": ("crosswalk", 1.0)}),
    _doc("Crosswalked, large share", {"6135": ("crosswalk", 1.0, 0.9), "6136": ("crosswalk", 1.0, 0.1)}),
]


def test_confirmed_then_crosswalked_by_share_then_suggested_by_confidence():
    ordered = sorted(DOCS, key=evidence.sort_key("6135"))
    assert [d.title for d in ordered] == [
        "Confirmed",
        "Crosswalked, large share",
        "Crosswalked, small share",
        "Crosswalked, share unknown",
        "A strong guess",
        "A weak guess",
    ]


def test_best_evidence_is_the_strongest_unit_under_the_prefix():
    doc = DOCS[5]
    assert evidence.best(doc, "6136") == evidence.Evidence("6136", "crosswalk", 1.0, 0.1)
    assert evidence.best(doc, "613").unit == "6135"
    assert evidence.best(doc, "5") is None


def test_filter_and_count_hides_weak_suggestions_and_counts_each_provenance():
    kept, facet = evidence.filter_and_count(DOCS, "6135", "", 0.5)
    assert "A weak guess" not in [d.title for d in kept] and len(kept) == 5
    assert facet == [
        {"value": "confirmed", "count": 1},
        {"value": "crosswalk", "count": 3},
        {"value": "suggested", "count": 1},
        {"value": evidence.HIDDEN, "count": 1},
    ]
    kept, facet = evidence.filter_and_count(DOCS, "6135", "suggested", 0.0)
    assert [d.title for d in kept] == ["A weak guess", "A strong guess"]
    assert {"value": "crosswalk", "count": 3} in facet  # counts whatever provenance is asked for


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"provenance": "guessed"}, "provenance"),
        ({"min_confidence": "high"}, "min_confidence"),
        ({"min_confidence": "1.5"}, "min_confidence"),
        ({"min_confidence": "nan"}, "min_confidence"),
        ({"sort": "strength"}, "sort"),
    ],
)
def test_bad_evidence_parameters_are_named(query, name):
    with pytest.raises(InvalidParameter) as err:
        SearchParams.from_query_dict(query)
    assert err.value.details()["parameter"] == name


def test_evidence_parameters_are_read_and_kept_in_links():
    p = SearchParams.from_query_dict({"soc": "6135", "provenance": "Crosswalk", "min_confidence": "0.5", "sort": "evidence"})
    assert (p.provenance, p.min_confidence, p.sort) == ("crosswalk", 0.5, "evidence")
    assert p.filters() == {"validity": "current", "soc": "6135", "provenance": "crosswalk", "min_confidence": 0.5}
    assert "provenance=crosswalk" in p.query_string() and "min_confidence=0.5" in p.query_string()
