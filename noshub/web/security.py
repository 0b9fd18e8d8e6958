"""HTTP security headers that Django does not set itself."""

from __future__ import annotations

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


class ContentSecurityPolicyMiddleware:
    """NOS text is sanitised; the policy makes any script that slipped through inert too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        return response
