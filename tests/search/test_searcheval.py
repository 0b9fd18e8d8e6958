"""The judged search set's library (bench/searcheval.py): format checks, the relevance rule,
the metrics with the repeated-title rule, and the folds. No database needed."""

import importlib.util
import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parents[2] / "bench" / "searcheval.py"
_spec = importlib.util.spec_from_file_location("searcheval_bench", _PATH)
searcheval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(searcheval)


def _query(qid="topic-stock", kind="topic", **rule):
    return {
        "id": qid,
        "query": "stock control",
        "intent": "standards on keeping stock",
        "relevant": {"title": [], "title_all": [], "title_not": [], "urns": [], **rule},
        "pool_check": "",
    }


def _write(directory: Path, kind: str, queries: list[dict], method="by hand") -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{kind}.json").write_text(json.dumps({"kind": kind, "method": method, "queries": queries}))


def _nos(slug, title, urn=None):
    return {"slug": slug, "urn": urn or slug.upper(), "urn_key": (urn or slug).upper(), "title": title}


CATALOGUE = [
    _nos("a1", "Control stock in a warehouse"),
    _nos("a2", "Maintain inventories of goods"),
    _nos("a3", "Manage financial stock records"),
    _nos("a4", "Drive a forklift truck", urn="SKLFT1"),
    _nos("a5", "Stock up on courage"),
]


# --- loading ---------------------------------------------------------------------------------


def test_a_well_formed_set_loads_with_kind_file_and_compiled_rules(tmp_path):
    _write(tmp_path, "topic", [_query(title=[r"\bstock\b"], urns=["sk lft1"])])
    _write(tmp_path, "misspelt", [_query("misspelt-stok", "misspelt", title=[r"\bstock\b"])])
    queries = searcheval.load_queries(tmp_path)
    assert [q["id"] for q in queries] == ["misspelt-stok", "topic-stock"]
    topic = queries[1]
    assert topic["kind"] == "topic" and topic["file"] == "topic.json"
    assert topic["patterns"]["title"][0].search("STOCK control")  # case-insensitive
    assert topic["urn_keys"] == {"SKLFT1"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (_query(title=["(unclosed"]), r"topic\.json: query 'topic-stock': relevant\.title: bad regex '\(unclosed'"),
        (_query(title_all=[r"\bx\b"]), "topic-stock.*at least one 'title' pattern or one URN"),
        (_query(urns=["X1"], title_not=["y"]), "topic-stock.*title_all / title_not narrow"),
        ({**_query(title=["x"]), "relevance": {}}, "topic-stock.*unknown key"),
        (_query(title=["x"], titles=["y"]), "topic-stock.*'relevant' has unknown key"),
        (_query(title="x"), r"topic-stock.*relevant\.title must be a list"),
        ({**_query(title=["x"]), "query": " "}, "topic-stock.*'query' must be a non-empty string"),
        (_query("job_title-carer", title=["x"]), r"topic\.json: query #1: id 'job_title-carer'"),
    ],
)
def test_a_bad_query_is_refused_naming_its_file_and_id(tmp_path, query, message):
    _write(tmp_path, "topic", [query])
    with pytest.raises(searcheval.JudgedSetError, match=message):
        searcheval.load_queries(tmp_path)


def test_ids_are_unique_across_files_and_files_are_named_by_kind(tmp_path):
    _write(tmp_path, "topic", [_query(title=["x"]), _query(title=["y"])])
    with pytest.raises(searcheval.JudgedSetError, match="topic-stock.*also used"):
        searcheval.load_queries(tmp_path)
    (tmp_path / "topic.json").unlink()
    (tmp_path / "topics.json").write_text(json.dumps({"kind": "topic", "method": "", "queries": []}))
    with pytest.raises(searcheval.JudgedSetError, match="must be named topic.json"):
        searcheval.load_queries(tmp_path)
    (tmp_path / "topics.json").write_text("{not json")
    with pytest.raises(searcheval.JudgedSetError, match="topics.json: cannot read it as JSON"):
        searcheval.load_queries(tmp_path)


def test_the_committed_judged_set_keeps_the_format():
    if not searcheval.QUERY_DIR.is_dir():
        pytest.skip("no judged set committed yet")
    queries = searcheval.load_queries()
    assert {q["kind"] for q in queries} <= set(searcheval.KINDS)


# --- the rule --------------------------------------------------------------------------------


def _loaded(tmp_path, **rule):
    _write(tmp_path, "topic", [_query(**rule)])
    return searcheval.load_queries(tmp_path)[0]


def test_the_rule_is_any_title_and_all_title_all_and_no_title_not_or_a_listed_urn(tmp_path):
    q = _loaded(tmp_path, title=[r"\bstock\b", r"\binventor(y|ies)\b"], title_not=[r"\bfinancial\b"])
    assert searcheval.relevant(q, CATALOGUE) == {"a1", "a2", "a5"}
    q = _loaded(tmp_path, title=[r"\bstock\b"], title_all=[r"control|warehouse"], urns=["sklft1"])
    assert searcheval.relevant(q, CATALOGUE) == {"a1", "a4"}  # the URN counts whatever its title
    q = _loaded(tmp_path, urns=["SKLFT1", "GONE9"])
    assert searcheval.relevant(q, CATALOGUE) == {"a4"}
    assert searcheval.unknown_urns(q, CATALOGUE) == {"GONE9"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abc ", max_size=8), min_size=1, max_size=12), st.sampled_from(["a", "b", "c"]))
def test_title_not_only_ever_removes_and_title_all_only_ever_narrows(titles, letter):
    nos = [_nos(f"s{i}", t) for i, t in enumerate(titles)]
    base = {"id": "topic-x", "kind": "topic", "urn_keys": frozenset()}

    def rule(**patterns):
        full = {"title": [re.compile("a")], "title_all": [], "title_not": [], **patterns}
        return {**base, "patterns": full}

    everything = searcheval.relevant(rule(), nos)
    assert searcheval.relevant(rule(title_not=[re.compile(letter)]), nos) <= everything
    assert searcheval.relevant(rule(title_all=[re.compile(letter)]), nos) <= everything
    assert everything == {n["slug"] for n in nos if "a" in n["title"]}


# --- metrics ---------------------------------------------------------------------------------

TITLES = {f"r{i}": f"Relevant standard {i}" for i in range(20)} | {f"n{i}": f"Other standard {i}" for i in range(20)}


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 20), st.integers(0, 20))
def test_an_ideal_ranking_scores_one_and_nothing_relevant_scores_zero(n_relevant, n_other):
    relevant = {f"r{i}" for i in range(n_relevant)}
    ideal = [f"r{i}" for i in range(n_relevant)] + [f"n{i}" for i in range(n_other)]
    assert searcheval.metrics(ideal, relevant, TITLES) == {"ndcg@10": pytest.approx(1.0), "mrr": 1.0, "success@10": 1.0}
    none = [f"n{i}" for i in range(n_other)]
    assert searcheval.metrics(none, relevant, TITLES) == {"ndcg@10": 0.0, "mrr": 0.0, "success@10": 0.0}


@settings(max_examples=100, deadline=None)
@given(st.permutations([f"r{i}" for i in range(5)] + [f"n{i}" for i in range(10)]))
def test_metrics_stay_in_range_and_moving_a_relevant_nos_up_never_hurts(ranking):
    relevant = {f"r{i}" for i in range(5)}
    before = searcheval.metrics(ranking, relevant, TITLES)
    assert all(0.0 <= v <= 1.0 for v in before.values())
    movable = [i for i in range(1, len(ranking)) if ranking[i] in relevant and ranking[i - 1] not in relevant]
    if movable:
        i = movable[0]
        swapped = [*ranking[: i - 1], ranking[i], ranking[i - 1], *ranking[i + 1 :]]
        after = searcheval.metrics(swapped, relevant, TITLES)
        assert all(after[m] >= before[m] for m in searcheval.METRICS)
        assert after["ndcg@10"] > before["ndcg@10"] or i >= 10


def test_repeated_titles_count_as_not_relevant_and_the_ideal_counts_distinct_titles():
    titles = {"b1": "Manage a budget", "b2": "Manage a  Budget.", "b3": "manage a budget", "c": "Control costs"}
    relevant = {"b1", "b2", "b3", "c"}
    # two distinct relevant titles: the ideal is two relevant NOS first
    assert searcheval.metrics(["b1", "c"], relevant, titles)["ndcg@10"] == pytest.approx(1.0)
    repeated = searcheval.metrics(["b1", "b2", "b3", "c"], relevant, titles)
    assert searcheval.gains(["b1", "b2", "b3", "c"], relevant, titles) == [1, 0, 0, 1]
    assert repeated["ndcg@10"] == pytest.approx((1 + 1 / math.log2(5)) / (1 + 1 / math.log2(3)))
    assert repeated["ndcg@10"] < 1.0
    # a copy of an irrelevant title shown first still makes the relevant copy a repeat
    assert searcheval.gains(["x", "b1"], {"b1"}, {"x": "Manage a budget!", "b1": "Manage a budget"}) == [0, 0]


def test_mrr_looks_at_the_top_hundred_and_success_at_the_top_ten():
    ranking = [f"n{i % 20}x{i}" for i in range(150)]
    titles = {s: s for s in ranking} | {"r0": "Relevant"}
    late = ranking[:10] + ["r0"]
    assert searcheval.metrics(late, {"r0"}, titles) == {"ndcg@10": 0.0, "mrr": pytest.approx(1 / 11), "success@10": 0.0}
    too_late = ranking[:100] + ["r0"]
    assert searcheval.metrics(too_late, {"r0"}, titles)["mrr"] == 0.0


# --- folds and summaries ---------------------------------------------------------------------

ids = st.lists(st.text(alphabet="abcdefgh-", min_size=1, max_size=10), min_size=1, max_size=60, unique=True)


@settings(max_examples=100, deadline=None)
@given(ids, ids, st.integers(2, 7))
def test_folds_partition_the_set_stratified_by_kind_and_ignore_order(topic_ids, skill_ids, k):
    queries = [{"id": f"topic-{i}", "kind": "topic"} for i in topic_ids] + [
        {"id": f"skill-{i}", "kind": "skill"} for i in skill_ids
    ]
    folds = searcheval.folds(queries, k)
    assert set(folds) == {q["id"] for q in queries} and set(folds.values()) <= set(range(k))
    for kind in ("topic", "skill"):
        sizes = [sum(1 for q in queries if q["kind"] == kind and folds[q["id"]] == f) for f in range(k)]
        assert max(sizes) - min(sizes) <= 1
    assert searcheval.folds(list(reversed(queries)), k) == folds
    # a kind's folds depend only on its own queries
    assert {i: f for i, f in searcheval.folds(queries[: len(topic_ids)], k).items()} == {
        q["id"]: folds[q["id"]] for q in queries[: len(topic_ids)]
    }


def test_summaries_average_by_kind_and_overall():
    rows = [
        {"kind": "topic", "ndcg@10": 1.0, "mrr": 1.0, "success@10": 1.0},
        {"kind": "topic", "ndcg@10": 0.0, "mrr": 0.5, "success@10": 1.0},
        {"kind": "skill", "ndcg@10": 0.5, "mrr": 0.0, "success@10": 0.0},
    ]
    summary = searcheval.summarise(rows)
    assert list(summary) == ["topic", "skill", "all"]
    assert summary["topic"] == {"n": 2, "ndcg@10": 0.5, "mrr": 0.75, "success@10": 1.0}
    assert summary["all"]["n"] == 3 and summary["all"]["ndcg@10"] == pytest.approx(0.5)
