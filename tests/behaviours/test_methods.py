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


# -- the fine-tuned sentence model (a tiny fine-tune: the real one takes minutes) ---------------------


@pytest.fixture
def tiny_tune(monkeypatch):
    """One epoch on twelve ESCO pairs, the top layer only, six ESCO concepts to map to: seconds, not minutes."""
    from noshub.core.search.vector_cache import available

    if not available():
        pytest.skip("sentence vectors not installed")
    monkeypatch.setattr(services, "TUNE_SETTINGS", {"epochs": 1, "batch_size": 4, "max_length": 16, "train_layers": 1})
    full = services.esco_pairs

    def twelve():
        anchors, positives = full()
        return anchors[:12], positives[:12]

    monkeypatch.setattr(services, "esco_pairs", twelve)
    catalogues = services.reference()
    monkeypatch.setattr(services, "reference", lambda: {**catalogues, reference.ESCO: catalogues[reference.ESCO][:6]})
    from noshub.core import tuning

    monkeypatch.setattr(tuning, "_kept", {})
    services.mapper.cache_clear()
    yield
    services.mapper.cache_clear()


def test_a_fine_tuned_model_is_trained_once_and_read_back(tmp_path, tiny_tune):
    from noshub.core import tuning

    anchors, positives = services.esco_pairs()
    settings = {"epochs": 1, "batch_size": 4, "max_length": 16, "train_layers": 1}
    model, key = tuning.cached_pairs_model(tmp_path, anchors, positives, **settings)
    assert (tmp_path / tuning.FOLDER / key / "modules.json").exists()
    again, same = tuning.cached_pairs_model(tmp_path, anchors, positives, **settings)
    assert same == key
    texts = ["work in a team", "show initiative"]
    assert np.allclose(tuning.encoder_of(model)(texts), tuning.encoder_of(again)(texts), atol=1e-5)
    # Other pairs or other settings are another model.
    assert tuning.pairs_key(anchors[:-1], positives[:-1], **settings) != key
    assert tuning.pairs_key(anchors, positives, **{**settings, "epochs": 2}) != key
    base = tuning.encoder_of(tuning.base_model())(texts)
    assert not np.allclose(base, tuning.encoder_of(model)(texts), atol=1e-4)  # it did learn something


def test_the_esco_mapper_reads_the_fine_tuned_model_when_set(settings, tmp_path, tiny_tune):
    settings.CACHE_DIR = tmp_path
    settings.BEHAVIOURS_TUNED_MAPPER = False
    assert services.mapper(reference.ESCO).encoder.name == "all-MiniLM-L6-v2"
    services.mapper.cache_clear()
    settings.BEHAVIOURS_TUNED_MAPPER = True
    # Outside a build (a staff split in a web request) nothing is trained: the base model, nothing written.
    assert services.mapper(reference.ESCO).encoder.name == "all-MiniLM-L6-v2" and not (tmp_path / "tuned-models").exists()
    services.mapper.cache_clear()
    heard = []
    services.esco_encoder(lambda stage, done, total: heard.append((stage, done, total)), train=True)
    esco = services.mapper(reference.ESCO)
    assert esco.encoder.name.startswith("tuned-pairs-") and heard and heard[-1][1] == heard[-1][2] > 0
    assert (esco.w_mean, esco.w_stems) == (services.TUNED_WEIGHTS["w_mean"], services.TUNED_WEIGHTS["w_stems"])
    assert services.mapper(reference.ONET).encoder.name == "all-MiniLM-L6-v2"  # the other catalogues: the base model
    vectors, cached = esco.encoder.lookup(["work in a team", "show initiative"])
    assert vectors.shape == (2, 384) and esco.encoder.lookup(["work in a team"])[1] == 1  # its vectors are cached too
    assert esco.map(["work well with other people"])[0][0].concept.scheme == reference.ESCO
    # another process reads the kept weights back: nothing is said of a fine-tune
    from noshub.core import tuning

    tuning._kept.clear()
    heard.clear()
    assert services.esco_encoder(lambda stage, done, total: heard.append((stage, done, total)), train=True).name == esco.encoder.name
    assert heard == []
