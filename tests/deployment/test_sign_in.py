"""Sign-in throttling (django-axes): wrong passwords for one user name from one address are
refused after AXES_FAILURE_LIMIT tries, on the lifecycle's sign-in page and the admin's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual pass phrase 7"


@pytest.fixture
def user(db):
    return User.objects.create_user("reviewer-throttle", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize("url", ["/lifecycle/sign-in/", "/admin/login/"])
def test_wrong_passwords_are_throttled_then_refused(client, user, url):
    statuses = [client.post(url, {"username": user.username, "password": f"guess {n}"}).status_code for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit:]) == {429}, statuses
    # Locked out: even the right password is refused until the cool-off ends, on a branded page.
    locked = client.post(url, {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_for_that_user_name_only(client, user):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/lifecycle/sign-in/", {"username": "someone-else", "password": f"guess {n}"})
    response = client.post("/lifecycle/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_a_success_clears_the_count(client, user):
    for _ in range(2):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            assert client.post("/lifecycle/sign-in/", {"username": user.username, "password": f"guess {n}"}).status_code == 200
        assert client.post("/lifecycle/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
        client.logout()
