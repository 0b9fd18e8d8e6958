"""The coder's optional semantic signals and its calibration, on a small made-up reference
(fast, no database) and on the real coder."""

from __future__ import annotations

import numpy as np
import pytest

from noshub.core.search import vector_cache
from noshub.soc.coder import SEMANTIC, CoderText, Labelled, SocCoder, SocReference, UnitGroup

# Four unit groups; the made-up encoder knows that "cook" and "chef", "kitchen" and "catering",
# "vehicle" and "lorry", "haulage" and "driver" mean the same, which the words alone cannot see.
_CONCEPTS = {
    "cook": 0, "chef": 0, "kitchen": 1, "catering": 1, "dish": 1, "dishes": 1,
    "lorry": 2, "vehicle": 2, "haulage": 3, "driver": 3, "drive": 3,
    "hair": 4, "hairdresser": 4, "salon": 5, "colour": 5,
    "weld": 6, "welder": 6, "steel": 7, "metal": 7,
}  # fmt: skip


def fake_encoder(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), 8), np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            if word in _CONCEPTS:
                out[i, _CONCEPTS[word]] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _reference() -> SocReference:
    units = {
        "5434": UnitGroup("5434", "Chefs", "Plan menus and prepare food", ("prepare meals",)),
        "8211": UnitGroup("8211", "Large goods vehicle drivers", "Drive large goods vehicles", ("load goods",)),
        "6221": UnitGroup("6221", "Hairdressers and barbers", "Cut and style hair", ("wash hair",)),
        "5213": UnitGroup("5213", "Welding trades", "Join metal parts by welding", ("weld joints",)),
    }
    index = [("sous chef", "5434"), ("lorry driver", "8211"), ("barber", "6221"), ("welder", "5213")]
    return SocReference(units=units, index_titles=index)


def _labelled() -> list[Labelled]:
    rows = []
    for i in range(12):
        rows.append(Labelled(CoderText(key=f"c{i}", title=f"Cook dishes {i}", suites=(f"Food {i % 3}",)), {"5434": 1.0}))
        rows.append(Labelled(CoderText(key=f"d{i}", title=f"Drive vehicle {i}", suites=(f"Haulage {i % 3}",)), {"8211": 1.0}))
        rows.append(Labelled(CoderText(key=f"h{i}", title=f"Colour hair {i}", suites=(f"Salon {i % 3}",)), {"6221": 1.0}))
        rows.append(Labelled(CoderText(key=f"w{i}", title=f"Weld steel {i}", suites=(f"Metal {i % 3}",)), {"5213": 1.0}))
    return rows


def test_the_coder_works_without_an_encoder_and_its_semantic_signals_are_silent():
    coder = SocCoder.fit(_reference(), _labelled())
    signals = coder._signals.compute([CoderText.free_text("Cook dishes")], np.ones(48, bool))
    assert all(not signals[name].any() for name in SEMANTIC)
    assert coder.suggest("Cook dishes", top=1)[0].code == "5434"


def test_the_semantic_signals_find_a_unit_group_that_shares_no_word_with_the_query():
    # "kitchen catering" appears nowhere in the reference or the coded NOS; the made-up
    # encoder puts it next to "Cook dishes".
    query = CoderText.free_text("kitchen catering")
    words_only = SocCoder.fit(_reference(), _labelled())
    with_vectors = SocCoder.fit(_reference(), _labelled(), encoder=fake_encoder)
    off = words_only._signals.compute([query], np.ones(48, bool))
    on = with_vectors._signals.compute([query], np.ones(48, bool))
    chefs = with_vectors.units.index("5434")
    assert off["sem_nos"][0].sum() == 0
    assert on["sem_nos"][0].argmax() == chefs
    assert with_vectors.suggest(query, top=1)[0].code == "5434"


def test_confidence_grows_with_the_combined_score_in_every_regime():
    coder = SocCoder.fit(_reference(), _labelled(), encoder=fake_encoder)
    combiner = coder._combiner
    for model in getattr(combiner, "calibration", {}).values():
        model = model[0] if isinstance(model, tuple) else model
        assert model.coef_[0][0] > 0


def test_cached_encoder_encodes_each_text_once(tmp_path, monkeypatch):
    calls: list[list[str]] = []

    def encode(texts, batch_size=64):
        calls.append(list(texts))
        return fake_encoder(texts)

    monkeypatch.setattr(vector_cache.embeddings, "encode", encode)
    monkeypatch.setattr(vector_cache.embeddings, "DIMENSIONS", 8)
    encoder = vector_cache.CachedEncoder(tmp_path)
    first = encoder(["lorry driver", "chef", "lorry driver"])
    assert calls == [["lorry driver", "chef"]]
    again = vector_cache.CachedEncoder(tmp_path)(["chef", "lorry driver"])
    assert len(calls) == 1  # read back from the file
    np.testing.assert_allclose(again, first[[1, 0]])
    assert (tmp_path / vector_cache.FILE_NAME).exists()
    # lookup says how many texts the file already held (what `noshub load` reports as cached)
    progress: list[tuple[int, int]] = []
    vectors, cached = vector_cache.CachedEncoder(tmp_path).lookup(
        ["chef", "waiter", "chef"], lambda done, total: progress.append((done, total))
    )
    assert cached == 2 and calls[-1] == ["waiter"] and progress == [(1, 1)]
    np.testing.assert_allclose(vectors[0], vectors[2])
    assert vector_cache.CachedEncoder(tmp_path).lookup([])[1] == 0


def test_without_the_semantic_extra_services_give_no_encoder(monkeypatch):
    from noshub.soc import services

    monkeypatch.setenv("NOSHUB_SEMANTIC", "0")
    assert services.encoder() is None


@pytest.mark.django_db
@pytest.mark.skipif(not vector_cache.available(), reason="the semantic extra is not installed")
def test_the_real_coder_uses_sentence_vectors_when_the_extra_is_installed(soc_coder):
    assert soc_coder._signals.encoder is not None
    codes = [s.code for s in soc_coder.suggest("Prepare and cook fish dishes", top=3)]
    assert {"5434", "5435"} & set(codes), codes


def test_units_that_are_right_together_do_not_take_two_of_the_first_places():
    coder = SocCoder.fit(_reference(), _labelled())
    a, b, c = 0, 1, 2
    co = np.eye(len(coder.units), dtype=np.float32)
    co[a, b] = co[b, a] = 1.0  # a and b are always right together (one SOC 2010 group's successors)
    coder._co_right = co
    cand, prob = coder._diversify(np.array([a, b, c, 3]), np.array([0.6, 0.5, 0.4, 0.1]))
    # b adds nothing once a is suggested: it is right only when a is
    assert cand.tolist() == [a, c, 3, b]
    assert prob.tolist() == [0.6, 0.4, 0.1, 0.5]  # each keeps its own probability
    coder._co_right = np.eye(len(coder.units), dtype=np.float32)  # independent: order unchanged
    assert coder._diversify(np.array([a, b, c, 3]), np.array([0.6, 0.5, 0.4, 0.1]))[0].tolist() == [a, b, c, 3]


def test_a_single_free_text_query_is_not_written_to_the_cache_file(tmp_path, monkeypatch):
    # (a free text's vector is the exact one, as the coder's batches are: never the search's 8-bit copy)
    monkeypatch.setattr(vector_cache.embeddings, "exact_query", lambda text: fake_encoder([text])[0])
    monkeypatch.setattr(vector_cache.embeddings, "encode_query", lambda text: pytest.fail("the search's 8-bit vector was asked"))
    monkeypatch.setattr(vector_cache.embeddings, "DIMENSIONS", 8)
    vector = vector_cache.CachedEncoder(tmp_path)(["lorry driver"])
    assert vector.shape == (1, 8) and vector[0, 2] > 0
    assert not (tmp_path / vector_cache.FILE_NAME).exists()


def test_a_new_suites_nos_read_what_their_suite_mates_look_like():
    coder = SocCoder.fit(_reference(), _labelled())
    pool = np.ones(48, bool)
    new_suite = ("Barbering 2026",)
    queries = [
        CoderText(key="q1", title="Work safely", suites=new_suite),  # says nothing of the trade
        CoderText(key="q2", title="Colour hair", suites=new_suite),
        CoderText(key="q3", title="Colour hair with foils", suites=new_suite),
        CoderText(key="q4", title="Work safely", suites=("Another suite",)),  # no mates
    ]
    signals = coder._signals.compute(queries, pool)
    hair = coder.units.index("6221")
    # the mates' signals are the mean of the other queries' of the same suite, never its own
    np.testing.assert_allclose(signals["mates_full"][0], signals["nos_full"][1:3].mean(axis=0), rtol=1e-5)
    assert signals["mates_full"][0].argmax() == hair
    assert not signals["mates_full"][3].any() and signals["mates"][3] == 0
    assert signals["mates"][0] == pytest.approx(np.log1p(2))
    # context is read as suite-mates but not answered for, and changes only what mates say
    alone = coder._signals.compute(queries[:1], pool)
    assert not alone["mates_full"].any()
    assert len(coder.suggest_many(queries[:1], context=queries[1:3])) == 1
    with_context = coder._signals.compute([queries[0], *queries[1:3]], pool)
    np.testing.assert_allclose(with_context["mates_full"][0], signals["mates_full"][0], rtol=1e-5)


def test_the_word_bayes_signal_is_a_distribution_over_unit_groups():
    coder = SocCoder.fit(_reference(), _labelled())
    pool = np.ones(48, bool)
    pool[12:] = False  # only the first twelve coded NOS (three of each group) speak
    signals = coder._signals.compute([CoderText.free_text("barber colour"), CoderText.free_text("zzz")], pool)
    np.testing.assert_allclose(signals["bayes"].sum(axis=1), 1.0, rtol=1e-5)
    assert signals["bayes"][0].argmax() == coder.units.index("6221")  # "barber" is an index title of 6221


def test_a_signal_left_out_is_silent_and_an_unknown_one_is_an_error():
    coder = SocCoder.fit(_reference(), _labelled(), without=frozenset({"bayes", "trees"}))
    signals = coder._signals.compute([CoderText.free_text("barber colour")], np.ones(48, bool))
    assert signals["bayes"].sum() == 0 and signals["nos_title"].sum() > 0
    left_out = SocCoder.fit(_reference(), _labelled(), without=frozenset({"nos_title"}))
    silent = left_out._signals.compute([CoderText.free_text("barber colour")], np.ones(48, bool))
    assert not silent["nos_title"].any() and silent["nos_title_max"][0] == 0  # how near its nearest is, too
    assert coder.suggest("barber colour", top=1)  # without trees, the signals' consensus ranks
    with pytest.raises(ValueError, match="no such signal: prior"):
        SocCoder.fit(_reference(), _labelled(), without=frozenset({"prior"}))


def test_evidence_names_the_coded_nos_most_like_the_query_among_those_carrying_each_code():
    from noshub.soc.coder import Suggestion

    fish = Labelled(CoderText(key="fish", title="Cook fish dishes", suites=("Seafood",)), {"5434": 1.0})
    coder = SocCoder.fit(_reference(), [*_labelled(), fish])
    query = CoderText(key="c3", title="Cook fish dishes", suites=("Food 0",))
    given = [Suggestion("5434", "Chefs", 0.9), Suggestion("8211", "Large goods vehicle drivers", 0.1)]
    chefs, drivers = coder.with_evidence(query, given, k=3)
    assert (chefs.code, chefs.confidence, drivers.code) == ("5434", 0.9, "8211")  # the suggestions are kept
    keys = [x.key for x in chefs.similar]
    assert len(keys) == 3 and all(k == "fish" or k.startswith("c") for k in keys)  # only NOS coded 5434
    assert "c3" not in keys  # never the query's own NOS
    sims = [x.similarity for x in chefs.similar]
    assert sims == sorted(sims, reverse=True) and 0 < sims[-1] <= sims[0] <= 1
    assert keys[0] == "fish"  # the one that also speaks of fish comes first
    assert drivers.similar == ()  # no driving NOS shares a word with the query
    assert coder.with_evidence(query, []) == []
    unknown = coder.with_evidence(query, [Suggestion("9999", "Not a coded group", 0.0)])
    assert unknown[0].similar == ()
