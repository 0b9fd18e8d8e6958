"""A search query's sentence vector from ONNX Runtime over an 8-bit copy of the model: close to
torch's vector (cosine at least 0.98 on real queries, 0.95 on any text), exported and quantised
once into the folder it is given, and torch again whenever the copy cannot be trusted; a text
that must be exact (`exact_query`, the SOC coder's free text) gets torch's vector itself."""

from __future__ import annotations

import importlib.util
import logging

import numpy as np
import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from noshub.core.search import embeddings

pytestmark = pytest.mark.skipif(
    not embeddings.available() or importlib.util.find_spec("onnxruntime") is None,
    reason="the semantic extra (with onnxruntime) is not installed",
)

QUERIES = [
    "care worker",
    "weldng",  # a misspelling: word pieces
    "Paratoi a choginio pysgod",  # Welsh
    "CFAM&LAA1",
    "Manage the installation of complex electrical systems in commercial buildings " * 40,  # past 256 tokens: cut as torch cuts it
]


@pytest.fixture(scope="module")
def onnx_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("query-model")
    embeddings.use_folder(folder)
    yield folder
    embeddings.use_folder(settings.CACHE_DIR)


def test_queries_are_encoded_by_onnxruntime_from_an_exported_copy(onnx_folder):
    assert embeddings.query_runtime() == "onnxruntime"
    assert embeddings.onnx_path(onnx_folder).exists()
    assert not list(onnx_folder.glob("*.part")), "no half-written file is left beside the copy"


def test_the_copy_holds_8_bit_weights(onnx_folder):
    import onnx

    model = onnx.load(str(embeddings.onnx_path(onnx_folder)))
    kinds = {node.op_type for node in model.graph.node}
    assert "DynamicQuantizeLinear" in kinds and "MatMulInteger" in kinds
    assert embeddings.onnx_path(onnx_folder).stat().st_size < 40 * 2**20  # 23 MB, not the 90 MB of 32-bit weights


@pytest.mark.parametrize("query", QUERIES)
def test_the_vector_is_close_to_torchs(onnx_folder, query):
    got, want = embeddings.encode_query(query), embeddings.encode([query])[0]
    assert got.dtype == np.float32 and got.shape == (embeddings.DIMENSIONS,)
    assert abs(float(np.linalg.norm(got)) - 1.0) < 1e-5
    assert float(got @ want) >= embeddings.AGREEMENT
    assert not np.allclose(got, want, atol=1e-5), "the 8-bit copy is used, not torch"
    assert not got.flags.writeable, "a remembered vector cannot be changed by a caller"


@pytest.mark.parametrize("query", QUERIES)
def test_an_exact_vector_is_torchs(onnx_folder, query):
    got = embeddings.exact_query(query)
    np.testing.assert_allclose(got, embeddings.encode([query])[0], atol=1e-6)
    assert not got.flags.writeable


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80))
def test_any_text_gets_a_vector_close_to_torchs(onnx_folder, text):
    got, want = embeddings.encode_query(text), embeddings.encode([text])[0]
    assert float(got @ want) > 0.95  # (seen: 0.971 at the least over 300 random texts)


def test_torch_when_asked(onnx_folder, monkeypatch):
    monkeypatch.setenv("NOSHUB_QUERY_RUNTIME", "torch")
    embeddings.use_folder(onnx_folder)
    try:
        assert embeddings.query_runtime() == "torch"
        np.testing.assert_allclose(embeddings.encode_query("chef"), embeddings.encode(["chef"])[0], atol=1e-6)
    finally:
        monkeypatch.delenv("NOSHUB_QUERY_RUNTIME")
        embeddings.use_folder(onnx_folder)


def test_a_broken_copy_falls_back_to_torch_and_says_so(tmp_path, caplog):
    embeddings.use_folder(tmp_path)
    embeddings.onnx_path(tmp_path).write_bytes(b"not a model")
    try:
        with caplog.at_level(logging.WARNING, logger="noshub.core.search.embeddings"):
            assert embeddings.query_runtime() == "torch"
        assert "could not be used" in caplog.text
        np.testing.assert_allclose(embeddings.encode_query("plumber"), embeddings.encode(["plumber"])[0], atol=1e-6)
    finally:
        embeddings.use_folder(settings.CACHE_DIR)


def test_a_copy_that_gives_another_vector_is_not_used(onnx_folder, monkeypatch, caplog):
    embeddings.use_folder(onnx_folder)
    real = embeddings._run_session
    monkeypatch.setattr(embeddings, "_run_session", lambda session, texts: -real(session, texts))
    try:
        with caplog.at_level(logging.WARNING, logger="noshub.core.search.embeddings"):
            assert embeddings.query_runtime() == "torch"
        assert "another vector" in caplog.text
    finally:
        monkeypatch.undo()
        embeddings.use_folder(onnx_folder)
