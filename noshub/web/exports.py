"""Downloads of a NOS and of a whole suite in the NOS template layout: PDF and DOCX.

Both start from `nos_view.present`, the same presentation the pages use. The PDF is the print
view's HTML rendered by WeasyPrint, which is allowed to fetch nothing; it is tagged PDF/UA-1
(structure tree, the document's language, its title shown), with bookmarks made from the
headings. The DOCX is built with python-docx from the same sections, the HTML sections turned
into paragraphs and bullets, each NOS title a Heading 1 and each section a Heading 2.

A suite's documents (`cover` given) open with a cover (suite, developers, number of NOS, date,
link) and a contents page: page numbers in the PDF, a Word contents field in the DOCX.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "static" / "noshub" / "print.css"
#: What the documents' layout is made of: a change to any of these is a new suite build.
LAYOUT_FILES = (HERE / "exports.py", HERE / "nos_view.py", HERE / "templates" / "web" / "nos_document.html", PRINT_CSS)
PDF_VARIANT = "pdf/ua-1"  # tagged, accessible PDF (WeasyPrint checks the variant's needs)
MAX_SUITE_NOS = 400  # a suite download holds at most this many NOS


class FetchRefused(ValueError):
    pass


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint may not load anything: NOS text cannot make the server fetch a URL."""
    raise FetchRefused(f"not fetched: {url[:80]}")


def pdf(title: str, documents: list[dict], language: str, cover: dict | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of one or more presented NOS (`nos_view.present`); with `cover`
    (`title`, `developers`, `count`, `date`, `url`), a suite's cover and contents first."""
    from weasyprint import CSS, HTML

    context = {"title": title, "documents": documents, "language": language, "cover": cover}
    if cover:
        context.update(level=2, section_level=3)  # the suite's title is the one h1
    html = render_to_string("web/nos_document.html", context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant=PDF_VARIANT
    )


class _Blocks(HTMLParser):
    """Sanitised NOS HTML as a list of (kind, text): paragraphs, bullets and numbered items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._lists: list[str] = []
        self._buf: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            kind = "paragraph"
            if self._lists:
                kind = "number" if self._lists[-1] == "ol" else "bullet"
            self.blocks.append((kind, text))
        self._buf = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li", "br", "tr", "h3", "h4", "h5", "h6", "blockquote"):
            self._flush()
        elif tag in ("td", "th"):
            self._buf.append(" ")
        if tag in ("ul", "ol"):
            self._flush()
            self._lists.append(tag)

    def handle_endtag(self, tag):
        if tag in ("p", "li", "tr", "h3", "h4", "h5", "h6", "blockquote"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()

    def handle_data(self, data):
        self._buf.append(data)

    def close(self):
        super().close()
        self._flush()


def html_blocks(html: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def docx(title: str, documents: list[dict], language: str, cover: dict | None = None) -> bytes:
    """A DOCX of one or more presented NOS, in the template's order; with `cover` (as `pdf`),
    a suite's cover and contents first."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = language
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    if cover:
        _cover(doc, cover)
        _contents(doc, documents)
    for n, p in enumerate(documents):
        if n or cover:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph(p["urn"], style="Subtitle")
        doc.add_heading(p["title"], level=1)
        if p.get("english_only_notice"):
            doc.add_paragraph(_("This standard is not available in Welsh. Its text is shown in English."))
        if p["text_notice"]:
            doc.add_paragraph(p["text_notice"])
        if p.get("review_overdue"):
            doc.add_paragraph(
                _("This standard was due for review by %(date)s. It may be out of date.") % {"date": p["review_date"]}
            )
        _finder_link(doc.add_paragraph(), p)
        for section in p["sections"]:
            doc.add_heading(section["label"], level=2)
            if section["is_list"]:
                for item in section["items"]:
                    para = doc.add_paragraph()
                    para.add_run(item["ref"] + "  ").bold = True
                    para.add_run(item["text"])
            else:
                for kind, text in html_blocks(section["html"]):
                    style = {"bullet": "List Bullet", "number": "List Number"}.get(kind)
                    doc.add_paragraph(text, style=style)
        doc.add_heading(_("Details"), level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in p["details"] + _extra_rows(p):
            cells = table.add_row().cells
            cells[0].text = row["label"]
            cells[1].text = row["value"]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cover(doc, cover: dict) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph(_("National Occupational Standards: suite"), style="Subtitle")
    doc.add_paragraph(cover["title"], style="Title")
    facts = (
        (_("Developer"), "; ".join(cover["developers"]) or _("None")),
        (_("Standards"), str(cover["count"])),
        (_("Made on"), cover["date"]),
        (_("On NOS Hub"), cover["url"]),
    )
    for label, value in facts:
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        para.add_run(value)
    para.add_run().add_break(WD_BREAK.PAGE)


def _contents(doc, documents: list[dict]) -> None:
    """"Contents": a Word TOC field over Heading 1 (the NOS titles) whose shown result, until
    Word updates it (it asks on opening), lists every NOS by URN and title."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_char(paragraph, kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    doc.add_paragraph(_("Contents"), style="TOC Heading")
    first = doc.add_paragraph()
    field_char(first, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-1" \\h \\z \\u '
    first.add_run()._r.append(instruction)
    field_char(first, "separate")
    paragraphs = [first] + [doc.add_paragraph() for _p in documents[1:]]
    for para, p in zip(paragraphs, documents, strict=False):
        para.add_run(f"{p['urn']}  {p['title']}")
    field_char(paragraphs[-1] if documents else first, "end")
    update = OxmlElement("w:updateFields")  # Word offers to fill in the page numbers on opening
    update.set(qn("w:val"), "true")
    doc.settings.element.insert_element_before(update, *_AFTER_UPDATE_FIELDS)


# The elements that follow w:updateFields in w:settings (its schema's order; Word checks it).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


def _extra_rows(p: dict) -> list[dict]:
    return [
        {"label": p["labels"]["suites"], "value": "; ".join(p["suites"]) or _("None")},
        {
            "label": p["labels"]["soc_codes"],
            "value": "; ".join(f"{c['code']} (SOC {c['classification']})" for c in p["soc_codes"]) or _("None"),
        },
        {"label": p["labels"]["original_urn"], "value": p["original_urn"] or _("None")},
        {"label": _("Official NOS finder"), "value": p["finder_url"]},
    ]


def _finder_link(paragraph, p: dict) -> None:
    """"Read the full standard on the official NOS finder: <address>", the address a live link."""
    from docx.enum.dml import MSO_THEME_COLOR_INDEX
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run(f"{p['finder_link_text']}: ")
    rel = paragraph.part.relate_to(p["finder_url"], RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = paragraph.add_run(p["finder_url"])
    run.font.color.theme_color = MSO_THEME_COLOR_INDEX.HYPERLINK
    run.font.underline = True
    link.append(run._r)
    paragraph._p.append(link)
