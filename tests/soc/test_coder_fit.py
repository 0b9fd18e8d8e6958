"""The SOC coder is fitted by the jobs that change its data, never in a request: a request loads
this database's fit for its current data, or answers 503 naming the command to run.

Each test makes `SocCoder.fit` fail loudly where a fit must not happen."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.db import transaction
from django.test import Client

from noshub.catalogue.models import NosSocCode
from noshub.soc import services
from noshub.soc.coder import SocCoder

pytestmark = pytest.mark.django_db


class FitCalled(AssertionError):
    pass


@pytest.fixture
def no_fitting(monkeypatch, load_reports):
    """`SocCoder.fit` fails the test, and the coder in memory is forgotten, as in a new process."""

    def fit(*args, **kwargs):
        raise FitCalled("the SOC coder was fitted where it must only be loaded")

    monkeypatch.setattr(SocCoder, "fit", fit)
    monkeypatch.setattr(services, "_coder_cache", {})


def _suggest(**params):
    return Client().get("/soc/suggest.json", params)


def _assert_not_fitted(response):
    assert response.status_code == 503, response.content[:300]
    error = response.json()["error"]
    assert (error["status"], error["code"], error["command"]) == (503, "coder_not_fitted", "noshub soc fit")
    assert "noshub soc fit" in error["message"]


def test_the_load_job_leaves_a_fit_that_a_request_loads_without_fitting(no_fitting):
    response = _suggest(text="chef", top="3")
    assert response.status_code == 200, response.content[:300]
    assert "5434" in [s["code"] for s in response.json()["suggestions"]]
    fit = services.current_fit()
    assert fit is not None and fit.coded_nos > 10000
    assert (settings.SOC_CODER_DIR / f"{fit.key}.pickle").is_file()
    # the job again on the same data keeps the fit
    from noshub.loading import ensure_soc_coder

    assert ensure_soc_coder() == "SOC coder: the fit on this data is kept"
    assert services.current_fit() == fit


def test_a_request_with_no_fit_file_answers_503_and_never_fits(no_fitting, monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "SOC_CODER_DIR", tmp_path, raising=False)  # the fit's file is not there
    monkeypatch.setattr(settings, "NOSHUB_SOC_CODER_CACHE", tmp_path / "soc-coder.pickle", raising=False)
    _assert_not_fitted(_suggest(text="chef"))
    _assert_not_fitted(_suggest(urn="SKACHB10"))
    assert "cannot be read" in _suggest(text="chef").json()["error"]["message"]
    # bad input is still a 400 or 404 first
    assert _suggest(text="").status_code == 400
    assert _suggest(urn="NOPE-NOT-A-URN").status_code == 404
    # the command line says the same, and does not fit either
    from noshub.cli import main

    result = CliRunner().invoke(main, ["soc", "suggest", "--text", "chef"], catch_exceptions=False)
    assert result.exit_code == 1 and "noshub soc fit" in result.output
    # the review page shows the queue without evidence rather than fit
    assert services.ready_coder() is None and services.add_evidence([]) is False


def test_after_the_data_changed_a_request_uses_the_fit_it_has_says_so_and_never_fits(no_fitting, monkeypatch):
    fresh = _suggest(text="chef")
    assert fresh.status_code == 200 and fresh.json()["coder"]["data_changed_since"] is False
    # a coded NOS loses its catalogue code (as a publish or an edit changes the data): the coder
    # would learn something else now, but what it learnt before still serves, saying so
    NosSocCode.objects.filter(source="catalogue").order_by("id").first().delete()
    stale = _suggest(text="chef")
    assert stale.status_code == 200, stale.content[:300]
    assert stale.json()["coder"]["data_changed_since"] is True
    assert stale.json()["suggestions"] == fresh.json()["suggestions"]
    # a fit of other code is never loaded: 503 until a job refits
    monkeypatch.setattr(services, "_code_fingerprint", lambda: "other code")
    monkeypatch.setattr(services, "_coder_cache", {})
    response = _suggest(text="chef")
    _assert_not_fitted(response)
    assert "changed after its last fit" in response.json()["error"]["message"]


def test_a_fit_made_for_one_database_is_never_used_by_another(no_fitting, monkeypatch):
    """Database A (this one, fitted by the load) and database B (the same data, on the same
    machine, sharing the coder folder and the process) each use only their own fit."""
    assert _suggest(text="chef").status_code == 200
    from noshub.soc.models import CoderFit

    session_coder = services.ready_coder()
    a_fits = list(CoderFit.objects.all())
    [a] = a_fits
    # B: a database whose load has not fitted the coder yet (its own CoderFit table is empty),
    # although A's fit of the very same data is on disk and in memory
    CoderFit.objects.all().delete()
    _assert_not_fitted(_suggest(text="chef"))
    assert "never been fitted" in _suggest(text="chef").json()["error"]["message"]
    # B's job fits it (the fit itself is A's coder here, to keep the test quick): B's own file
    monkeypatch.setattr(SocCoder, "fit", lambda *args, **kwargs: session_coder)
    b, fitted = services.fit_coder()
    assert fitted and b.key != a.key
    assert (settings.SOC_CODER_DIR / f"{b.key}.pickle").is_file()
    assert (settings.SOC_CODER_DIR / f"{a.key}.pickle").is_file()  # A's file is untouched
    monkeypatch.setattr(services, "_coder_cache", {})
    assert _suggest(text="chef").status_code == 200  # B loads its own file
    # back to A: A's fit still loads (B neither overwrote nor removed it)
    CoderFit.objects.all().delete()
    CoderFit.objects.bulk_create(a_fits)
    monkeypatch.setattr(services, "_coder_cache", {})
    assert services.ready_coder() is not None
    assert _suggest(text="chef").status_code == 200


def test_a_refit_removes_the_replaced_file_only_once_committed(
    no_fitting, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    assert _suggest(text="chef").status_code == 200
    session_coder = services.ready_coder()
    old = services.current_fit()
    monkeypatch.setattr(SocCoder, "fit", lambda *args, **kwargs: session_coder)
    with transaction.atomic():
        new, fitted = services.fit_coder(refresh=True)
        assert fitted and services.current_fit() == new
        transaction.set_rollback(True)  # the job failed later and rolled back: the old fit stands
    assert services.current_fit() == old
    assert (settings.SOC_CODER_DIR / f"{old.key}.pickle").is_file()
    monkeypatch.setattr(services, "_coder_cache", {})
    assert _suggest(text="chef").status_code == 200
    # committed, a refit removes the file of the fit it replaces (in a folder of this test's own)
    monkeypatch.setattr(settings, "SOC_CODER_DIR", tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = services.fit_coder(refresh=True)
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = services.fit_coder(refresh=True)
    assert [p.name for p in tmp_path.iterdir()] == [f"{second.key}.pickle"]


def test_noshub_soc_fit_fits_after_a_change_and_keeps_a_fit_that_matches(no_fitting, monkeypatch):
    from noshub.cli import main

    session_coder = services.ready_coder()
    runner = CliRunner()
    kept = runner.invoke(main, ["soc", "fit"], catch_exceptions=False)
    assert kept.exit_code == 0 and "kept" in kept.output
    NosSocCode.objects.filter(source="catalogue").order_by("id").first().delete()
    assert _suggest(text="chef").json()["coder"]["data_changed_since"] is True
    learnt_from = []

    def fit(reference, labelled, **kwargs):  # the session's coder, to keep the test quick
        learnt_from.append(len(labelled))
        return session_coder

    monkeypatch.setattr(SocCoder, "fit", fit)
    done = runner.invoke(main, ["soc", "fit"], catch_exceptions=False)
    assert done.exit_code == 0 and "Fitted the SOC coder" in done.output, done.output
    assert learnt_from == [services.current_fit().coded_nos]
    refitted = _suggest(text="chef")
    assert refitted.status_code == 200 and refitted.json()["coder"]["data_changed_since"] is False
