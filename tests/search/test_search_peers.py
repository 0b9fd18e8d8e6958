"""bench/search_peers.py holds NOS Hub's fitted weights out of each query's own fold, says when
it cannot, and states its verdict against the issue's target. No database needed."""

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(_BENCH))
_spec = importlib.util.spec_from_file_location("search_peers_bench", _BENCH / "search_peers.py")
peers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peers)
searcheval = peers.searcheval


@dataclasses.dataclass(frozen=True)
class FakeWeights:
    title: float = 1.0


QUERIES = [{"id": f"{kind}-{i}", "kind": kind} for kind in ("topic", "skill") for i in range(12)]


@pytest.fixture
def ranking(monkeypatch):
    monkeypatch.setattr(peers, "weights_api", lambda: (FakeWeights, lambda weights: None))


def test_each_query_gets_the_weights_fitted_without_its_own_fold(tmp_path, ranking):
    path = tmp_path / "weights.json"
    fitted = {str(k): {"title": float(k)} for k in range(5)}
    path.write_text(json.dumps({"folds": fitted, "all": {"title": 9.0}, "set": searcheval.fingerprint(QUERIES)}))
    label, weights, warning = peers.held_out_weights(path, QUERIES)
    assert label == "held-out (5 folds)" and warning == ""
    fold_of = searcheval.folds(QUERIES, 5)
    for mode in ("keyword", "hybrid"):
        assert {qid: w[mode].title for qid, w in weights.items()} == {qid: float(k) for qid, k in fold_of.items()}


def test_a_fold_may_hold_one_set_of_weights_per_mode(tmp_path, ranking):
    path = tmp_path / "weights.json"
    fitted = {str(k): {"keyword": {"title": float(k)}, "hybrid": {"title": 10.0 + k}} for k in range(3)}
    path.write_text(json.dumps({"folds": fitted, "set": searcheval.fingerprint(QUERIES)}))
    label, weights, _ = peers.held_out_weights(path, QUERIES)
    fold_of = searcheval.folds(QUERIES, 3)
    assert label == "held-out (3 folds)"
    assert all(w["keyword"].title == fold_of[q] and w["hybrid"].title == 10 + fold_of[q] for q, w in weights.items())


def test_weights_fitted_on_another_set_are_flagged(tmp_path, ranking):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"folds": {str(k): {} for k in range(5)}, "set": "0123456789abcdef"}))
    label, _, warning = peers.held_out_weights(path, QUERIES)
    assert label.startswith("held-out") and "another query set" in warning


def test_without_a_weights_file_or_complete_folds_or_the_api_the_rows_say_default(tmp_path, ranking, monkeypatch):
    label, weights, warning = peers.held_out_weights(tmp_path / "missing.json", QUERIES)
    assert (label, weights) == ("default weights (not held-out)", {}) and "no fitted weights" in warning
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"folds": {"0": {}, "2": {}}}))
    label, weights, warning = peers.held_out_weights(path, QUERIES)
    assert (label, weights) == ("default weights (not held-out)", {}) and "0..k-1" in warning
    monkeypatch.setattr(peers, "weights_api", lambda: None)
    path.write_text(json.dumps({"folds": {str(k): {} for k in range(5)}}))
    label, weights, warning = peers.held_out_weights(path, QUERIES)
    assert (label, weights) == ("default weights (not held-out)", {}) and "no RankingWeights" in warning


def _result(**by_kind):
    return {"summary": {kind: {"ndcg@10": v} for kind, v in by_kind.items()}}


def test_the_verdict_needs_five_points_overall_and_no_kind_below():
    peer_rows = [("tantivy", _result(topic=0.70, skill=0.50, all=0.60)), ("bm25s", _result(topic=0.60, skill=0.62, all=0.61))]
    met = peers.verdict("hybrid", _result(topic=0.75, skill=0.62, all=0.67), peer_rows, ["topic", "skill"])
    assert "overall +0.060 nDCG@10 vs best peer bm25s" in met and met.endswith("MET")
    below = peers.verdict("hybrid", _result(topic=0.90, skill=0.61, all=0.76), peer_rows, ["topic", "skill"])
    assert "skill -0.010 vs bm25s" in below and "NOT MET (below in: skill)" in below
