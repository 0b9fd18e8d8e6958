"""The ranking's weights and its scoring rule (noshub/search/scoring.py). No database needed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from noshub.search import scoring
from noshub.search.scoring import FEATURES, RankingWeights


def test_the_shipped_weights_are_read_for_both_modes_and_differ_from_the_defaults():
    fitted = scoring._fitted()
    assert set(fitted) == {"keyword", "hybrid"}
    assert fitted["hybrid"] != RankingWeights()


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"keyword": {}}), json.dumps({"keyword": {"titel": 1}, "hybrid": {}}), json.dumps({"keyword": {"title": "x"}, "hybrid": {}})],
)
def test_a_weights_file_that_is_not_weights_is_an_error_naming_it(tmp_path, content):
    path = tmp_path / "ranking_weights.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="ranking_weights.json"):
        scoring._fitted(path)


def test_no_weights_file_means_the_defaults(tmp_path):
    assert scoring._fitted(tmp_path / "absent.json") == {}


def test_a_title_that_is_the_query_comes_first_whatever_the_weights():
    rows = np.zeros((3, len(FEATURES)))
    rows[0, FEATURES.index("bm25")] = 1.0  # the best words
    rows[1, FEATURES.index("meaning_short")] = 1.0  # the closest meaning
    rows[2, FEATURES.index("title_match")] = 1.0  # the title is the query
    for weights in (RankingWeights(), RankingWeights(title_match=0.0, bm25=12.0, meaning_short=12.0)):
        assert int(np.argmax(scoring.scores(rows, weights.vector()))) == 2
