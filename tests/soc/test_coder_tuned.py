"""The SOC coder's sentence model fine-tuned on the ONS reference: what it is trained on, how a
fit that reads it is saved and read back, and the setting that turns it off (a tiny model, trained
in seconds, stands for the real one)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from noshub.core.search import vector_cache
from noshub.soc.coder import SocReference, UnitGroup
from noshub.soc.coder import tuned as soc_tuned

pytestmark = pytest.mark.skipif(not vector_cache.available(), reason="the semantic extra is not installed")

TINY = {"epochs": 1, "batch_size": 4, "max_length": 16, "seed": 0, "train_layers": 1}


def _reference() -> SocReference:
    units = {
        "5434": UnitGroup("5434", "Chefs", "Chefs plan menus and cook food", ("prepare meals", "order supplies")),
        "8211": UnitGroup("8211", "Large goods vehicle drivers", "", ("load goods",), ("HGV driver",)),
    }
    index = [("sous chef", "5434"), ("head chef", "5434"), ("pastry chef", "5434"), ("lorry driver", "8211")]
    index += [("head chef", "5434"), ("ghost", "9999"), ("  ", "5434")]  # a duplicate, an unknown group, an empty title
    return SocReference(units=units, index_titles=index)


def test_the_pairs_are_reference_titles_and_tasks_beside_their_unit_group():
    anchors, positives = soc_tuned.tuning_pairs(_reference())
    pairs = set(zip(anchors, positives, strict=True))
    chefs, drivers = "Chefs. Chefs plan menus and cook food", "Large goods vehicle drivers"
    assert pairs == {
        ("head chef", chefs), ("pastry chef", chefs), ("sous chef", chefs), ("prepare meals", chefs), ("order supplies", chefs),
        ("HGV driver", drivers), ("lorry driver", drivers), ("load goods", drivers),
    }  # fmt: skip
    assert len(anchors) == len(pairs)  # each once
    capped, _ = soc_tuned.tuning_pairs(_reference(), per_unit=2)
    assert sum(a.endswith("chef") for a in capped) == 2 and "prepare meals" in capped  # tasks are never capped
    assert capped == soc_tuned.tuning_pairs(_reference(), per_unit=2)[0]  # drawn with a seed


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from noshub.core import tuning

    folder = tmp_path_factory.mktemp("cache")
    anchors, positives = soc_tuned.tuning_pairs(_reference())
    model, key = tuning.cached_pairs_model(folder, anchors, positives, **TINY)
    return folder, model, key


def test_an_encoder_of_the_tuned_model_pickles_as_the_folder_of_its_weights(tiny_model):
    from noshub.core import tuning

    folder, model, key = tiny_model
    texts = ["sous chef", "Prepare and cook fish dishes"]
    with pytest.raises(TypeError):
        pickle.dumps(vector_cache.CachedEncoder(folder, model=model, name=key))
    encoder = vector_cache.CachedEncoder(folder, model=model, name=key, path=folder / tuning.FOLDER / key)
    first = encoder(texts)
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy.model is None and copy.tuned and copy.name == key
    assert np.allclose(copy.lookup(texts)[0], first)  # read back from the vector cache
    assert copy.model is None  # nothing needed encoding: the weights were never read
    fresh = ["a text never seen"]
    assert np.allclose(copy(fresh), tuning.encoder_of(model)(fresh), atol=1e-5)  # the weights, read back
    assert copy.model is not None
    base = vector_cache.CachedEncoder(folder)(texts)
    assert not np.allclose(base, first, atol=1e-4)  # not the base model's vectors


def test_the_setting_chooses_the_model_and_only_a_fit_trains_it(settings, tmp_path, monkeypatch):
    from noshub.core import tuning
    from noshub.soc import services

    settings.CACHE_DIR = tmp_path
    monkeypatch.setattr(services.data, "soc_reference", _reference)
    monkeypatch.setattr(soc_tuned, "TUNE_SETTINGS", TINY)
    monkeypatch.setattr(tuning, "_kept", {})
    settings.SOC_TUNED_ENCODER = False
    assert not services.encoder(train=True).tuned and not (tmp_path / tuning.FOLDER).exists()
    settings.SOC_TUNED_ENCODER = True
    # a request never trains: the base model until a fit has trained the tuned one, nothing written
    assert not services.encoder().tuned and not (tmp_path / tuning.FOLDER).exists()
    heard = []
    tuned = services.encoder(train=True, progress=lambda stage, done=0, total=0: heard.append((stage, done, total)))
    assert tuned.tuned and tuned.name.startswith("tuned-pairs-") and (tuned.path / "modules.json").exists()
    assert heard and "Fine-tuning" in heard[-1][0] and heard[-1][1] == heard[-1][2] > 0
    monkeypatch.setattr(tuning, "_kept", {})  # another process: reads the kept weights, trains nothing
    heard.clear()
    again = services.encoder(train=True, progress=lambda stage, done=0, total=0: heard.append((stage, done, total)))
    assert again.tuned and again.name == tuned.name and heard == []  # nothing said of a fine-tune
    assert np.allclose(again(["head chef", "load goods"]), tuned(["head chef", "load goods"]), atol=1e-5)
