"""The SOC coder is fitted once per session on the real data (about 20 s), by the load that
tests/conftest.py runs, as `noshub load` fits it; its file goes to a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def soc_coder(django_db_setup, django_db_blocker):
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from noshub.soc import services

    with django_db_blocker.unblock():
        coder = services.ready_coder()  # loaded, never fitted here
    assert coder is not None, "the load should have fitted the SOC coder"
    return coder


@pytest.fixture
def reviewer(db):
    from django.contrib.auth.models import User

    from noshub.soc.permissions import add_reviewer

    user = User.objects.create_user("rhian", password="pw-rhian-123")
    add_reviewer(user)
    return user


@pytest.fixture
def outsider(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("oscar", password="pw-oscar-123")


@pytest.fixture(scope="module")
def crosswalked(django_db_setup, django_db_blocker):
    """The catalogue after `noshub soc crosswalk`, made once per module and undone after it; gives
    that run's report. A run writes about 30,000 links and CrosswalkSource rows and rebuilds the
    search index of every standard: run in each test, it was most of the time tests/soc took.
    Each test still runs in a transaction of its own inside this one, rolled back after it."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from django.db import transaction

    from noshub.soc import services

    with django_db_blocker.unblock(), transaction.atomic():
        yield services.migrate_crosswalk()
        transaction.set_rollback(True)
