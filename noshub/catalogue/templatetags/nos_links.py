"""`{% nos_url slug %}`: the address of a NOS's page, as `{% url 'web:nos' slug %}` gives it, at a
fraction of its cost; `{% nos_url slug 'web:nos-pdf' %}` any other address of a NOS whose one
argument is its slug as a path (`<path:slug>`: its PDF, summary, differences, reach …). A NOS page links up to ~50 other NOS (its suites' other standards) and a
results page 20; Django's `reverse` matches the whole URLconf for each, about a tenth of a NOS
page's time. The page's address is worked out once per script prefix by `reverse` itself, around
a marker, and each slug is quoted into it as `reverse` quotes it (`tests/web/test_nos_links.py`
checks the two agree on every real slug and on generated ones)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import NoReverseMatch, get_script_prefix, reverse

register = template.Library()

_MARKER = "NOSHUBSLUGMARKER"
# What `reverse` leaves unquoted in a path (django.urls.resolvers: RFC 3986's sub-delimiters and "/~:@").
_SAFE = "!$&'()*+,;=" + "/~:@"


@lru_cache(maxsize=64)
def _around(script_prefix: str, name: str) -> tuple[str, str]:
    # Only an address whose argument is a path takes every slug as `reverse` would (a "/" in it too).
    reverse(name, args=["a/b"])
    before, after = reverse(name, args=[_MARKER]).split(_MARKER)
    return before, after


def nos_url(slug: str, name: str = "web:nos") -> str:
    slug = str(slug)
    if not slug or "\n" in slug:  # what the path converter's pattern (.+) refuses, reverse refuses
        raise NoReverseMatch(f"No NOS address for the slug {slug!r}")
    before, after = _around(get_script_prefix(), name)
    return before + quote(slug, safe=_SAFE) + after


register.simple_tag(nos_url, name="nos_url")
