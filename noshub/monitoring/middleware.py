"""`UsageMiddleware`: counts each request as `usage.count` says, after the response is made.
Listed in settings.MIDDLEWARE, so no app below imports this one."""

from __future__ import annotations

import logging

from . import usage

log = logging.getLogger("noshub.monitoring")


class UsageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            usage.count(request, response)
        except Exception:  # counting never fails a request
            log.exception("usage not counted")
        return response
