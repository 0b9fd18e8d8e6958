"""The SOC coder is fitted once per session on the real data (about 20 s) and kept in memory;
its cache file goes to a temporary folder, never to the checkout's var/."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def soc_coder(django_db_setup, django_db_blocker, tmp_path_factory):
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    from noshub.soc import services

    cache = tmp_path_factory.mktemp("soc") / "coder.pickle"
    original = services._cache_file
    services._cache_file = lambda: cache
    with django_db_blocker.unblock():
        coder = services.get_coder()
    yield coder
    services._cache_file = original


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
