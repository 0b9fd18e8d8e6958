"""No English interface text on a Welsh page (issue 17, item 11).

The finder's main pages are rendered with the Welsh locale; every visible text node (and every
aria-label, title, alt and placeholder) outside the NOS text is checked against the English
msgids of the Welsh catalogue (noshub/locale/cy/LC_MESSAGES/django.po): a msgid rendered as
it is, untranslated, is a failure. NOS text (and other catalogue data in English) is marked
by the pages with ``lang="en"`` (or ``data-nos-text``), and is skipped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from noshub.catalogue.models import Suite

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "noshub" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]")


def _po_english() -> list[str]:
    """The English forms (msgid, msgid_plural) of every entry whose Welsh differs from them."""
    entries, current, key = [], {}, None
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#") or not line.strip():
            if current.get("msgid"):
                entries.append(current)
            current, key = ({}, None) if not line.strip() else (current, key)
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            key = m.group(1)
            current[key] = m.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    forms = []
    for e in entries:
        welsh = [v for k, v in e.items() if k.startswith("msgstr")]
        for english in (e.get("msgid"), e.get("msgid_plural")):
            if english and english not in welsh:
                forms.append(english.replace('\\"', '"'))
    return forms


class _English:
    """Finds English msgids in a text: a whole text equal to one, or a phrase of three or more
    words (placeholders filled with anything) inside it."""

    def __init__(self, forms: list[str]) -> None:
        self.whole: set[str] = set()
        self.phrases: list[tuple[str, re.Pattern]] = []
        for form in forms:
            text = " ".join(form.split())
            if not re.search(r"[A-Za-z]{3,}", _PLACEHOLDER.sub("", text)):
                continue  # nothing English in it ("%(n)s", "PDF")
            if not _PLACEHOLDER.search(text):
                self.whole.add(text)
            if len(_PLACEHOLDER.sub("", text).split()) >= 3:
                parts = [re.escape(p) for p in _PLACEHOLDER.split(text)]
                self.phrases.append((text, re.compile(r"(?<![\w’'])" + ".+?".join(parts) + r"(?![\w’'])")))

    def find(self, text: str) -> str | None:
        if text in self.whole:
            return text
        for form, pattern in self.phrases:
            if pattern.search(text):
                return form
        return None


class _VisibleText(HTMLParser):
    """Visible text nodes and readable attributes, outside script/style and outside any element
    marked as not Welsh (``lang`` other than cy, or ``data-nos-text``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skip = (
            self._skipping()
            or tag in ("script", "style", "template")
            or "data-nos-text" in attrs
            or (lang is not None and not lang.startswith("cy"))
        )
        if not skip:
            for name in ("aria-label", "title", "alt", "placeholder"):
                if attrs.get(name):
                    self.texts.append(" ".join(attrs[name].split()))
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping():
            self.texts.append(text)


def english_left(html: str, english: _English) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        form = english.find(text)
        if form:
            found.append(f"{form!r} in {text!r}")
    return found


@pytest.fixture(scope="module")
def english() -> _English:
    return _English(_po_english())


def test_the_check_finds_english_and_skips_nos_text(english):
    """The check itself: an untranslated label, a phrase inside a longer text, a placeholder
    sentence are found; the same words inside lang="en" or data-nos-text are not."""
    assert english_left('<p lang="cy">Fersiwn</p><th>Version history</th>', english) == ["'Version history' in 'Version history'"]
    assert english_left("<p>Testun. Download this standard</p>", english)
    assert english_left("<p>Standards with URN CFAM&amp;LAA1</p>", english)  # "Standards with URN %(urn)s"
    assert english_left("<td>Current</td>", english)
    assert english_left('<section lang="en"><h2>Version history</h2><p>Current</p></section>', english) == []
    assert english_left('<div data-nos-text><p>Download this standard</p><br><img alt="x"></div><p>Fersiwn</p>', english) == []
    assert english_left('<a aria-label="Views of this standard">x</a>', english)


def _suite_id(name: str) -> int:
    return Suite.objects.get(name=name).id


@pytest.fixture
def welsh_urls(load_reports) -> list[str]:
    return [
        "/",
        "/nos/LANACT3/",
        "/nos/LANACT3/summary/",
        "/nos/LANACT3/print/",
        "/nos/SFHCHS11/",
        "/nos/SFLDGV1/",
        "/nos/CFAM_LAA1/",  # CFAM&LAA1
        "/nos/CFAM_LAA1/summary/",
        "/suites/",
        f"/suites/{_suite_id('Veterinary Para-professional Activities')}/",
        "/developers/",
        "/occupations/",
        "/occupations/6/",
        "/occupations/6135/",
        "/compare/?a=PPL2PC3&b=PPL3PC2",
    ]


def test_welsh_pages_hold_no_english_interface_text(welsh_client, welsh_urls, english):
    from noshub.cleansing.services import run_detection

    run_detection()  # the same-text warnings are part of a NOS page
    leaks = {}
    for url in welsh_urls:
        response = welsh_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="cy"' in html, url
        found = english_left(html, english)
        if found:
            leaks[url] = found
    assert leaks == {}
