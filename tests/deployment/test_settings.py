"""Deployment settings: no guessable secret key, no serving with the install's own key except
locally, HTTPS settings from the environment that satisfy `manage.py check --deploy`, and
Django's password validators. Each settings check runs in a fresh process with its own
environment, as a deployment would."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_WARNINGS = ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test's environment without any key or flag, on a throwaway SQLite file, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOSHUB_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(NOSHUB_DB=str(tmp_path / "serve.sqlite3"), **extra)
    if "NOSHUB_DATA_DIR" in os.environ:
        env["NOSHUB_DATA_DIR"] = os.environ["NOSHUB_DATA_DIR"]
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args} was still running after {timeout}s (it served instead of refusing)")


def test_the_local_key_is_random_per_install_and_kept(tmp_path):
    from django.conf import settings

    from noshub.settings import BASE_DIR, local_secret_key

    # The old default was derived from the checkout's path, so anyone could work it out.
    assert str(BASE_DIR) not in settings.SECRET_KEY and len(settings.SECRET_KEY) >= 50
    first, second = local_secret_key(tmp_path / "a" / "secret_key"), local_secret_key(tmp_path / "b" / "secret_key")
    assert first != second and len(first) >= 50
    assert local_secret_key(tmp_path / "a" / "secret_key") == first  # kept across restarts
    assert stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode) == 0o600


def test_wsgi_refuses_to_start_without_a_key_unless_local_or_debug(tmp_path):
    refused = _run(["-c", "import noshub.wsgi"], _env(tmp_path))
    assert refused.returncode != 0
    assert "will not serve without NOSHUB_SECRET_KEY" in refused.stderr
    for flag in ("NOSHUB_LOCAL_ONLY", "NOSHUB_DEBUG"):
        started = _run(["-c", "import noshub.wsgi"], _env(tmp_path, **{flag: "1"}))
        assert started.returncode == 0, started.stderr
    keyed = _run(["-c", "import noshub.wsgi"], _env(tmp_path, NOSHUB_SECRET_KEY=secrets.token_urlsafe(50)))
    assert keyed.returncode == 0, keyed.stderr


def test_serve_refuses_without_a_key_and_local_only_binds_only_loopback(tmp_path):
    refused = _run(["-m", "noshub.cli", "serve", "--port", "0"], _env(tmp_path))
    assert refused.returncode != 0 and "will not serve without NOSHUB_SECRET_KEY" in refused.stderr
    public = _run(["-m", "noshub.cli", "serve", "--host", "0.0.0.0", "--port", "0"], _env(tmp_path, NOSHUB_LOCAL_ONLY="1"))
    assert public.returncode != 0 and "serves this machine only" in public.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # refused before touching the database


def test_scripts_start_serves_a_local_instance_without_a_key():
    start = (ROOT / "scripts" / "start").read_text()
    assert '[ -n "${NOSHUB_SECRET_KEY:-}" ] || export NOSHUB_LOCAL_ONLY=1' in start
    assert start.index("NOSHUB_LOCAL_ONLY=1") < start.index("noshub serve")


def test_check_deploy_is_clean_with_the_https_settings(tmp_path):
    https = {
        "NOSHUB_SECRET_KEY": secrets.token_urlsafe(50),
        "NOSHUB_SECURE_COOKIES": "1",
        "NOSHUB_HSTS_SECONDS": "31536000",
        "NOSHUB_HSTS_INCLUDE_SUBDOMAINS": "1",
        "NOSHUB_SSL_REDIRECT": "1",
        "NOSHUB_ALLOWED_HOSTS": "nos.example.org",
    }
    checked = _run(["manage.py", "check", "--deploy"], _env(tmp_path, **https))
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert not [code for code in DEPLOY_WARNINGS if code in output], output
    # The same check without them names each warning: the settings, not the check, made the difference.
    plain = _run(["manage.py", "check", "--deploy"], _env(tmp_path, NOSHUB_SECRET_KEY=https["NOSHUB_SECRET_KEY"]))
    assert [code for code in DEPLOY_WARNINGS if code in plain.stdout + plain.stderr] == [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]


@pytest.mark.parametrize("weak", ["password", "12345678", "short1", "nosmith-nosmith"])
def test_weak_passwords_are_refused(weak):
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(weak, User(username="nosmith-nosmith"))
    validate_password("correct horse battery staple 42", User(username="nosmith"))
