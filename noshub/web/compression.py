"""Pages compressed for the browsers that take gzip: Django's GZipMiddleware, leaving alone what
is compressed already (PDF, DOCX, images), which gzip would only spend time on.

BREACH (a secret in a compressed page guessed from its length while the attacker's text is
reflected beside it): Django masks the CSRF token anew in every response, GZipMiddleware pads
every response with a random number of bytes (Heal The Breach), and no other secret is in a page's
body (the session is a cookie), so pages that echo a query are compressed safely.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = ("application/pdf", "application/vnd.openxmlformats", "application/zip", "image/", "font/")


class PageCompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
