"""A per-client rate limit for machine-readable answers: the public API (`noshub.api`) and the
pages' JSON twins (`contract.page_view`), which share one budget per client
(settings.API_RATE_LIMIT_PER_MINUTE, NOSHUB_API_RATE_LIMIT), in fixed one-minute windows in
Django's cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext

from noshub.core.errors import TooManyRequests


def client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def check(request) -> int | None:
    """None when the request may go ahead, else the seconds until the client may try again."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if not limit:
        return None
    window = int(time.time() // 60)
    key = f"api-rate:{client_key(request)}:{window}"
    if cache.add(key, 1, timeout=70):
        return None
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        return None
    return None if count <= limit else 60 - int(time.time() % 60)


def enforce(request) -> None:
    """Raise `TooManyRequests` (429 with Retry-After, in the one error shape) past the limit."""
    retry = check(request)
    if retry is not None:
        raise TooManyRequests(gettext("Too many requests; try again later."), retry_after=retry)
