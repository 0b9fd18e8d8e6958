"""Whether these settings may serve: the one check behind `noshub serve` and noshub/wsgi.py."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_can_serve(host: str | None = None) -> None:
    """Raise ImproperlyConfigured when these settings must not serve (on `host`, when known)."""
    from django.conf import settings

    if settings.LOCAL_ONLY and host is not None and host not in LOOPBACK:
        raise ImproperlyConfigured(
            f"NOSHUB_LOCAL_ONLY=1 serves this machine only (--host 127.0.0.1), not {host}; "
            "to serve other machines, unset it and set NOSHUB_SECRET_KEY."
        )
    if settings.SECRET_KEY_IS_LOCAL and not (settings.LOCAL_ONLY or settings.DEBUG):
        raise ImproperlyConfigured(
            "NOS Hub will not serve without NOSHUB_SECRET_KEY. Set NOSHUB_SECRET_KEY to a long random secret "
            "for a deployment (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "NOSHUB_LOCAL_ONLY=1 to serve this machine only (127.0.0.1) with this install's own key."
        )
