"""Shared fixtures. The real data is loaded once per test session into the test database
(SQLite by default; PostgreSQL when DATABASE_URL is set), and each test runs in a
transaction that is rolled back."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

DATA_DIR = Path(os.environ.get("NOSHUB_DATA_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA_DIR.is_dir():
        pytest.skip(f"real data not found at {DATA_DIR}")
    return DATA_DIR


@pytest.fixture(scope="session", autouse=True)
def _static_files_collected():
    """Pages link static files by their hashed names, read from the manifest collectstatic
    writes (var/static): collected when missing or older than a source file."""
    from noshub.web.staticfiles import collect_if_stale

    collect_if_stale()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings) -> str:
    """pytest-django's fixture, run before it makes the test databases; gives the name of the
    database the settings point at, so that `django_db_setup` can tell whether it was replaced."""
    from django.db import connections

    return connections["default"].settings_dict["NAME"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_modify_db_settings, tmp_path_factory):
    """Load the whole real data directory once, as `noshub load` does (which fits the SOC
    coder, saved in a folder of this session's own); keep the reports.

    pytest-django makes a test database only when a collected test is marked ``django_db``; a
    session of unmarked tests that read the loaded data through a live server (the browser tests
    run alone) got none, and this loaded into the settings' own database. Then it is made here."""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from noshub.loading import load_all

    settings.SOC_CODER_DIR = tmp_path_factory.mktemp("soc-coder")
    # The fine-tuned ESCO mapper takes minutes to train on a fresh machine: the tests read the base
    # model, and tests/behaviours trains a tiny one to test the fine-tuned path.
    settings.BEHAVIOURS_TUNED_MAPPER = False
    # Likewise the SOC coder's fine-tuned sentence model: tests/soc trains a tiny one.
    settings.SOC_TUNED_ENCODER = False
    if not DATA_DIR.is_dir():
        yield None
        return
    made_here = None
    with django_db_blocker.unblock():
        if connections["default"].settings_dict["NAME"] == django_db_modify_db_settings:
            made_here = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connections["default"].settings_dict["NAME"] != django_db_modify_db_settings, "never load into a real database"
        reports = load_all(DATA_DIR)
    yield reports
    if made_here is not None:
        with django_db_blocker.unblock():
            teardown_databases(made_here, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _exports_dir(tmp_path_factory):
    """Suite downloads built by the tests go to a folder of this session's own, not var/."""
    from django.conf import settings

    settings.EXPORTS_DIR = tmp_path_factory.mktemp("exports")


@pytest.fixture
def load_reports(django_db_setup):
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    return {r.file: r for r in django_db_setup}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no requests counted against the per-client limit of the API and
    the JSON twins: the whole suite is one client (127.0.0.1) and would otherwise reach it."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["search"].clear()  # search results kept by an earlier test's catalogue


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a Welsh request through the test client leaves
    Welsh active in the thread, and a test that renders without the middleware would inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def coded_catalogue(django_db_setup, django_db_blocker):
    """The catalogue as `noshub load` then `noshub soc crosswalk` and `noshub soc code` leave it:
    SOC 2020 crosswalk links, and the coder's suggestions (with their confidence) for every
    NOS without one; the index rebuilt from them. Undone after this module; gives the two runs'
    reports (`crosswalk`, `coded`). Each test runs in a transaction of its own inside this one."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from types import SimpleNamespace

    from django.db import transaction

    from noshub.soc import services

    with django_db_blocker.unblock(), transaction.atomic():
        crosswalk = services.migrate_crosswalk()
        with _suggestions_reused():
            coded = services.code_catalogue()
        yield SimpleNamespace(crosswalk=crosswalk, coded=coded)
        transaction.set_rollback(True)


#: The SOC coder's answers, kept for the test session: (coder, top, what it read) → suggestions.
_suggested: dict = {}


@contextmanager
def _suggestions_reused():
    """While `code_catalogue` runs for a module: the same fitted coder asked the same texts (every
    module's `coded_catalogue` starts from the loaded catalogue) answers as it did the first time,
    not again (about 50 s a module on 2 cores); what is saved is still written for each module. The
    coder is kept in the key itself, so no other fit is ever taken for it; any other question
    (a pool, a text not seen) is asked of the coder."""
    from noshub.soc.coder import SocCoder

    asked = SocCoder.suggest_many

    def suggest_many(self, queries, top=5, pool=None, exclude_self=False, context=()):
        if pool is not None:
            return asked(self, queries, top, pool, exclude_self, context)
        key = (self, top, exclude_self, tuple(queries), tuple(context))
        if key not in _suggested:
            _suggested[key] = asked(self, queries, top, pool, exclude_self, context)
        return [list(s) for s in _suggested[key]]

    SocCoder.suggest_many = suggest_many
    try:
        yield
    finally:
        SocCoder.suggest_many = asked


_themes_computed: dict = {}


@pytest.fixture(scope="module")
def themes_built(django_db_setup, django_db_blocker):
    """`noshub themes build` as this module's database has it, saved in a transaction undone
    after the module. The computation (about 30 s) is made once per test session and reused by
    every module while what it reads is unchanged (`themes.services.fingerprint`: current
    versions, SOC links, the latest duplicate run); only the save (a few seconds) is per module."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from django.db import transaction

    from noshub.themes import services

    with django_db_blocker.unblock(), transaction.atomic():
        stamp = services.fingerprint()
        computed = _themes_computed.get(stamp)
        if computed is None:
            computed = _themes_computed[stamp] = services.compute()
        yield services.save(computed)
        transaction.set_rollback(True)
