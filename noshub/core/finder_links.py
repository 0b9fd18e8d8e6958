"""Addresses of NOS on the official NOS finder (ukstandards.org.uk).

A NOS's page there is ``https://www.ukstandards.org.uk/en/nos-finder/<URN>/<slug of its title>``.
The slug rule, read off the 310 finder addresses held in ``nos-pages/nos_pages.jsonl``
(`tests/core/test_finder_links.py` checks it against every one):

* the title in lower case;
* every white-space character and every ``/`` becomes ``-``, one for one (``a  b`` gives
  ``a--b``; ``and/or`` gives ``and-or``);
* everything else is kept (commas, apostrophes, brackets, dots, hyphens) and percent-encoded
  in the address (``,`` is ``%2C``, ``’`` is ``%E2%80%99``); the URN is percent-encoded too
  (``EUS GNC005`` is ``EUS%20GNC005``, ``CFAM&LAA1`` is ``CFAM%26LAA1``).

Two things the rule cannot know: a title typed with spaces the catalogue no longer holds
(a trailing or doubled space gives a trailing or doubled ``-``), and a page whose address names
another wording of the title. Where NOS Hub holds the page itself, its own address is the one to use
(`official_page`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

FINDER_BASE = "https://www.ukstandards.org.uk/en/nos-finder/"
FINDER_HOSTS = ("www.ukstandards.org.uk", "ukstandards.org.uk")

_SEPARATORS = re.compile(r"[\s/]")
_SLUG_SAFE = "-()."


def title_slug(title: str) -> str:
    """The finder's slug of a title (unencoded): lower case, white space and ``/`` as ``-``."""
    return _SEPARATORS.sub("-", title.strip().lower())


def finder_url(urn: str, title: str) -> str:
    """The official NOS finder's address of the NOS with this URN and title."""
    return f"{FINDER_BASE}{quote(urn.strip(), safe='')}/{quote(title_slug(title), safe=_SLUG_SAFE)}"


def is_finder_url(url: str) -> bool:
    """Whether an address is a NOS page of the official NOS finder."""
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and parts.hostname in FINDER_HOSTS and "/nos-finder/" in parts.path


def finder_parts(url: str) -> tuple[str, str]:
    """(URN, slug) of a finder address, both decoded."""
    path = urlsplit(url).path.split("/nos-finder/", 1)[1]
    urn, _, slug = path.partition("/")
    return unquote(urn), unquote(slug)


def official_page(urn: str, title: str, held_urls: list[str] | tuple[str, ...] = ()) -> str:
    """The address to link: a held finder page of this NOS (on the canonical ``https://www.``
    host), else the address the slug rule gives."""
    for url in held_urls:
        if is_finder_url(url):
            parts = urlsplit(url)
            return f"https://www.ukstandards.org.uk{parts.path}"
    return finder_url(urn, title)
