"""The behaviours methods on their own (no database): the detector's context features, the
detector reading a statement in its document, and group names weighing statements above titles."""

from __future__ import annotations

import numpy as np
import pytest

from noshub.behaviours import services
from noshub.core.behaviours import reference

# -- the methods, on their own -----------------------------------------------------------------------


def test_context_features_read_the_document_not_the_labels():

    from noshub.core.behaviours.detector import context_features

    a, b, c = np.eye(3, dtype=np.float32)
    vectors = np.stack([a, a, a, b, c])  # document 1: three alike statements; document 2: two
    titles = np.stack([a, a, a, c, c])
    out = context_features(vectors, [1, 1, 1, 2, 2], titles)
    assert out[:3, 0].tolist() == pytest.approx([1, 1, 1]) and out[3, 0] == pytest.approx(0)
    assert out[3, 1] == pytest.approx(0) and out[4, 1] == pytest.approx(1)
    assert out[3, 3] == 0 and out[4, 3] == 1  # ranks within the document


def test_the_detector_reads_a_statement_in_its_document_when_given_one(data_dir):
    from noshub.core.behaviours.detector import BehaviourDetector

    rows = reference.ifate_statements(data_dir / "ifate" / "ifate_standards_2021.json")[:900]
    det = BehaviourDetector(services.encoder()).fit(
        [r.text for r in rows], [r.kind for r in rows], [r.standard for r in rows], [r.standard_title for r in rows]
    )
    if det.encoder is None:
        pytest.skip("sentence vectors not installed")
    texts = [r.text for r in rows[:40]]
    alone = det.confidence(texts)
    in_context = det.confidence(texts, ["d"] * 40, [rows[0].standard_title] * 40)
    assert alone.shape == in_context.shape == (40,) and not np.allclose(alone, in_context)
    # A document of fewer than MIN_CONTEXT statements is read statement by statement.
    assert det.confidence(texts[:2], ["d", "d"], ["t", "t"]) == pytest.approx(alone[:2])
    with pytest.raises(ValueError, match="document and a title"):
        det.confidence(texts, ["d"], ["t"])


def test_group_names_weigh_statements_above_titles():

    from noshub.core.behaviours import grouping

    vectors = np.ones((4, 2), dtype=np.float32) / np.sqrt(2)
    scores = np.array([[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.0, 1.0]])  # three titles vote "0", a statement "1"
    plain = grouping.group(["t1", "t2", "t3", "s"], vectors, lambda m: scores[m], ["creative", "teamwork"], limit=1)
    weighted = grouping.group(
        ["t1", "t2", "t3", "s"], vectors, lambda m: scores[m], ["creative", "teamwork"], limit=1, weights=[0.25, 0.25, 0.25, 1]
    )
    assert plain[0].key == "creative" and weighted[0].key == "teamwork"
