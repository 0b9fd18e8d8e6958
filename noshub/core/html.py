"""NOS text arrives as HTML. Sanitise it with a real sanitiser and pull out list structure."""

from __future__ import annotations

import html as _html
import re
from html.parser import HTMLParser

import nh3

from noshub.core.model import Statement

# What NOS text needs: paragraphs, lists, emphasis, tables (glossaries), links.
ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start", "type"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitise(raw: str | None) -> str:
    """Safe HTML: no scripts, styles, event handlers or javascript: links; text kept."""
    if not raw:
        return ""
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
    if "<" not in text:
        # Plain text: escape it, keep paragraph breaks.
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(f"<p>{_html.escape(p).replace(chr(10), '<br>')}</p>" for p in paras)
    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


class _ListItems(HTMLParser):
    """Collects the text of top-level ``<li>`` items, or of paragraphs when there is no list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.paragraphs: list[str] = []
        self._depth = 0
        self._current: list[str] | None = None
        self._para: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._current is not None:
            self._current.append(" ")  # nested items and line breaks separate words
        if tag == "li":
            self._depth += 1
            if self._depth == 1:
                self._current = []
        elif tag in ("p", "br") and self._depth == 0:
            self._flush_para()

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._depth:
            self._depth -= 1
            if self._depth == 0 and self._current is not None:
                self.items.append(" ".join("".join(self._current).split()))
                self._current = None
        elif tag == "p" and self._depth == 0:
            self._flush_para()

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)
        else:
            self._para.append(data)

    def _flush_para(self) -> None:
        text = " ".join("".join(self._para).split())
        if text:
            self.paragraphs.append(text)
        self._para = []

    def close(self) -> None:
        super().close()
        self._flush_para()


_LEADING_NUMBER = re.compile(r"^\s*(?:[PK]?\d+[.)]?|[•\-\u2022])\s+", re.IGNORECASE)


def statements(raw_html: str | None, prefix: str) -> tuple[Statement, ...]:
    """The numbered statements of a list section: ``P1``, ``P2`` … or ``K1``, ``K2`` ….

    The order is the order of the source list; each statement keeps its number.
    """
    if not raw_html:
        return ()
    parser = _ListItems()
    parser.feed(sanitise(raw_html))
    parser.close()
    texts = parser.items or parser.paragraphs
    cleaned = [_LEADING_NUMBER.sub("", t).strip() for t in texts]
    return tuple(Statement(ref=f"{prefix}{i}", text=t) for i, t in enumerate((c for c in cleaned if c), start=1))


def plain_text(html_text: str) -> str:
    """The words of some HTML, for search and comparison."""
    parser = _ListItems()
    parser.feed(html_text or "")
    parser.close()
    return " ".join(parser.paragraphs + parser.items)
