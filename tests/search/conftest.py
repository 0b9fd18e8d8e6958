"""A duplicate detection run over the real catalogue, made once for the modules that ask for it
(committed outside the tests' transactions, deleted after the module)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def detection_run(django_db_setup, django_db_blocker):
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from noshub.cleansing.services import run_detection

    with django_db_blocker.unblock():
        run, _ = run_detection()
    yield run
    with django_db_blocker.unblock():
        run.delete()
