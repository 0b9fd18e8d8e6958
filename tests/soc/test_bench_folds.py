"""The SOC benchmark's folds hold out what they say they hold out (bench/soc_quality.py)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parents[2] / "bench" / "soc_quality.py"
_spec = importlib.util.spec_from_file_location("soc_quality_bench", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

SUITES = [
    frozenset(s) for s in (["hair"], ["hair"], ["hair", "beauty"], ["beauty"], ["care"], ["care", "retail"], ["retail"], [])
]


@pytest.mark.parametrize("reused_known", [False, True])
def test_each_fold_tests_whole_new_suites_and_learns_from_none_of_their_own_nos(reused_known):
    folds = bench.suite_folds(SUITES, 2, seed=3, reused_known=reused_known)
    tested = np.concatenate([test for _, test in folds])
    assert len(tested) == len(set(tested.tolist()))  # each NOS tested at most once
    for train, test in folds:
        assert not set(train.tolist()) & set(test.tolist())
        test_suites = set().union(*(SUITES[i] for i in test))
        for j in train:
            if reused_known:  # an old NOS the new suite reuses: it has an older suite too
                assert not SUITES[j] & test_suites or SUITES[j] - test_suites
            else:
                assert not SUITES[j] & test_suites


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=3), min_size=2, max_size=30),
    st.integers(min_value=2, max_value=4),
    st.integers(min_value=0, max_value=50),
)
def test_reused_nos_are_learnt_from_only_when_asked(suites, k, seed):
    strict = bench.suite_folds(suites, k, seed)
    reused = bench.suite_folds(suites, k, seed, reused_known=True)
    for (s_train, s_test), (r_train, r_test) in zip(strict, reused, strict=True):
        assert s_test.tolist() == r_test.tolist()  # the same NOS tested
        assert set(s_train.tolist()) <= set(r_train.tolist())
        extra = set(r_train.tolist()) - set(s_train.tolist())
        # what the looser reading adds is exactly the NOS the strict one sets aside (in a new
        # suite and an older one): every NOS not tested is learnt from
        assert extra == set(range(len(suites))) - set(s_train.tolist()) - set(s_test.tolist())
        for i in extra:
            assert len(suites[i]) >= 2


def test_the_nos_shared_by_a_new_and_an_older_suite_are_set_aside_or_learnt_from():
    # seed 3 deals "hair" and "care" into one fold, "beauty" and "retail" into the other, so
    # NOS 2 (hair and beauty) and NOS 5 (care and retail) straddle the two folds
    strict = bench.suite_folds(SUITES, 2, seed=3)
    reused = bench.suite_folds(SUITES, 2, seed=3, reused_known=True)
    assert [(tr.tolist(), te.tolist()) for tr, te in strict] == [([0, 1, 4], [3, 6, 7]), ([3, 6, 7], [0, 1, 4])]
    assert [(tr.tolist(), te.tolist()) for tr, te in reused] == [([0, 1, 2, 4, 5], [3, 6, 7]), ([2, 3, 5, 6, 7], [0, 1, 4])]
