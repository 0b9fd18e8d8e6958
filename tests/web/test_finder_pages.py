"""The NOS finder's pages on the real catalogue: results, a NOS for each audience, downloads,
browsing, compare, Welsh, and NOS text that cannot run script on any view."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from noshub.catalogue.models import Suite
from noshub.search.engine import SearchParams, search
from noshub.web import downloads

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# -- results -------------------------------------------------------------------------------------


def test_results_show_facets_highlights_counts_and_pages(client, load_reports):
    html = _html(client.get("/search/", {"q": "welding"}))
    total = search(SearchParams(q="welding"), log=False).total
    assert f"{total} standards found" in html
    assert "<mark>" in html.lower()
    for heading in ("Validity", "NOS category", "Developer", "Suite", "Occupation (SOC 2020)"):
        assert f">{heading}</h3>" in html
    assert 'class="govuk-pagination"' in html and "page=2" in html
    assert "Content-Security-Policy" in client.get("/search/").headers


def test_a_facet_link_filters_the_results(client, load_reports):
    html = _html(client.get("/search/", {"q": "welding"}))
    link = re.search(r'href="(/search/\?q=welding&amp;developer=[^"]+)"', html).group(1).replace("&amp;", "&")
    filtered = _html(client.get(link))
    assert "Remove filter Developer" in filtered
    developer = re.search(r"developer=([^&\"]+)", link).group(1)
    data = client.get(link.replace("/search/", "/search.json")).json()
    assert data["filters"]["developer"] and all(r["developer"] == data["filters"]["developer"] for r in data["results"])
    assert developer


def test_results_json_twin_is_the_search_service(client, load_reports):
    data = client.get("/search.json", {"q": "prepare fish", "mode": "keyword"}).json()
    expected = search(SearchParams(q="prepare fish", mode="keyword"), log=False).as_dict()
    data.pop("took_ms"), expected.pop("took_ms")
    # The page's own keys (links, pagination) sit beside the search result's.
    assert {k: data[k] for k in expected} == expected


def test_misspelling_offers_did_you_mean(client, load_reports):
    html = _html(client.get("/search/", {"q": "weldng"}))
    assert "Did you mean" in html and "q=welding" in html


def test_zero_results_page_helps(client, load_reports):
    html = _html(client.get("/search/", {"q": "qqzzxxnonsense"}))
    assert "0 standards found" in html and "check your spelling" in html
    assert "validity=all" in html and "/suites/" in html and "/occupations/" in html


def test_bad_search_option_is_a_400_with_an_error_summary(client, load_reports):
    response = client.get("/search/", {"validity": "sometimes"})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert client.get("/search.json", {"validity": "sometimes"}).json()["error"]["parameter"] == "validity"


# -- a NOS ---------------------------------------------------------------------------------------


def test_nos_page_links_suites_developer_soc_and_related(client, load_reports):
    html = _html(client.get("/nos/LANACT3/"))
    assert "govuk-summary-list" in html and "Version history" in html
    assert re.search(r'href="/suites/\d+/">Veterinary Para-professional Activities</a>', html)
    assert re.search(r'href="/developers/\d+/">Lantra</a>', html)
    assert "Other standards in Veterinary Para-professional Activities" in html
    assert 'href="/nos/LANACT3.pdf"' in html and 'href="/nos/LANACT3.docx"' in html


def test_nos_page_links_the_nos_it_was_imported_from(client, load_reports):
    from django.db.models import F

    from noshub.catalogue.models import Standard

    standard = (
        Standard.objects.filter(current__original_standard__isnull=False).exclude(current__original_standard=F("id")).first()
    )
    assert standard is not None
    original = client.get(f"/nos/{standard.slug}.json").json()["current"]["original_standard"]
    html = _html(client.get(f"/nos/{standard.slug}/"))
    assert "Imported from" in html and f'href="/nos/{original}/"' in html


def test_summary_is_short_plain_lists(client, load_reports):
    html = _html(client.get("/nos/LANACT3/summary/"))
    assert "The main things a person does" in html and "This summary was generated automatically." in html
    assert 'aria-current="page"' in html
    data = client.get("/nos/LANACT3/summary.json").json()
    assert data["summary"]["what_a_person_does"]["items"][0] in html


def test_print_view_is_the_document_alone(client, load_reports):
    html = _html(client.get("/nos/LANACT3/print/"))
    assert "Offer Reiki to animals" in html and "govuk-service-navigation" not in html and "P1" in html


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_pdf_and_docx_hold_the_nos_in_template_order(client, load_reports):
    pdf = client.get("/nos/LANACT3.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf.content).split())
    assert "Offer Reiki to animals" in text and "LANACT3" in text
    assert text.index("Overview") < text.index("Performance criteria") < text.index("Details")
    docx = client.get("/nos/LANACT3.docx")
    assert "wordprocessingml" in docx["Content-Type"]
    dtext = _docx_text(docx.content)
    assert "Offer Reiki to animals" in dtext and "Performance criteria" in dtext and "Lantra" in dtext


def test_suite_downloads_hold_every_nos_of_the_suite(client, load_reports):
    suites = client.get("/suites.json").json()["suites"]
    small = next(s for s in suites if 2 <= s["nos"] <= 4)
    listing = client.get(f"/suites/{small['id']}.json").json()
    suite = Suite.objects.get(id=small["id"])
    for kind in ("pdf", "docx"):  # built ahead, as `noshub exports build` does; then served from disk
        assert downloads.build(downloads.key_for(suite, "en", kind), "http://testserver/").status == "ready"
    text = " ".join(_pdf_text(b"".join(client.get(f"/suites/{small['id']}.pdf").streaming_content)).split())
    dtext = _docx_text(b"".join(client.get(f"/suites/{small['id']}.docx").streaming_content))
    for nos in listing["nos"]:
        assert nos["urn"] in text.replace(" ", "") or nos["title"].split()[0] in text
        assert nos["title"] in dtext


# -- browsing and compare -----------------------------------------------------------------------


def test_suite_and_developer_pages_list_their_nos(client, load_reports):
    suites = client.get("/suites.json").json()["suites"]
    assert suites and _html(client.get("/suites/")).count('href="/suites/') >= len(suites)
    big = max(suites, key=lambda s: s["nos"])
    html = _html(client.get(f"/suites/{big['id']}/"))
    data = client.get(f"/suites/{big['id']}.json").json()
    assert data["total"] == big["nos"] and data["nos"][0]["title"] in html.replace("&#x27;", "'")
    developers = client.get("/developers.json").json()["developers"]
    lantra = next(d for d in developers if d["name"] == "Lantra")
    html = _html(client.get(f"/developers/{lantra['id']}/"))
    assert "Lantra" in html and client.get(f"/developers/{lantra['id']}.json").json()["total"] == lantra["nos"]
    assert client.get("/suites/999999/").status_code == 404


def test_soc_browse_goes_from_major_group_to_unit_group(client, load_reports):
    majors = client.get("/occupations.json").json()["groups"]
    assert len(majors) == 9 and sum(g["nos"] for g in majors) > 0
    html = _html(client.get("/occupations/"))
    assert 'href="/occupations/5/"' in html
    major = client.get("/occupations/5.json").json()
    assert major["level"] == "major" and major["children"]
    code = major["children"][0]["code"]
    while True:
        group = client.get(f"/occupations/{code}.json").json()
        if not group["children"]:
            break
        code = max(group["children"], key=lambda c: c["nos"])["code"]
    assert group["level"] == "unit" and group["parents"][0]["code"] == "5"
    html = _html(client.get(f"/occupations/{code}/"))
    assert "govuk-breadcrumbs" in html and (group["total"] == 0 or 'class="noshub-result"' in html)
    assert client.get("/occupations/99999/").status_code == 404


def test_compare_shows_shared_and_different_statements(client, load_reports):
    data = client.get("/compare.json", {"a": "COGDO12", "b": "COGDO1"}).json()
    assert data["shared_statements"] > 0 and data["sections"][0]["only_a"]
    html = _html(client.get("/compare/", {"a": "COGDO12", "b": "COGDO1"}))
    assert "Their details" in html and "Only in COGDO1" in html
    missing = client.get("/compare/", {"a": "LANACT3", "b": "NOSUCH99"})
    assert missing.status_code == 404 and "govuk-error-summary" in missing.content.decode()


def test_compare_pairs_reworded_statements():
    from noshub.web.compare import compare_statements

    a = [{"ref": "P1", "text": "Check the equipment is safe"}, {"ref": "P2", "text": "Record the results"}]
    b = [
        {"ref": "P1", "text": "check the equipment is safe."},
        {"ref": "P2", "text": "Record all the results"},
        {"ref": "P3", "text": "Tidy up"},
    ]
    result = compare_statements(a, b)
    assert [r["a"]["ref"] for r in result["shared"]] == ["P1"]
    assert [(r["a"]["ref"], r["b"]["ref"]) for r in result["similar"]] == [("P2", "P2")]
    assert result["only_a"] == [] and [s["ref"] for s in result["only_b"]] == ["P3"]


# -- Welsh ---------------------------------------------------------------------------------------


def test_language_switch_sets_welsh_and_returns_to_the_page(client, load_reports):
    response = client.get("/language/cy/", {"next": "/nos/LANACT3/"})
    assert response.status_code == 302 and response.url == "/nos/LANACT3/"
    html = _html(client.get("/nos/LANACT3/"))
    assert '<html lang="cy"' in html and "Meini prawf perfformiad" in html and "Datblygwyd gan" in html
    assert "Nid yw’r safon hon ar gael yn Gymraeg" in html  # English text, with a notice
    assert 'lang="en"' in html  # the English sections are marked as English
    assert client.get("/language/en/", {"next": "https://evil.example/"}).url == "/"


def test_welsh_text_is_shown_where_the_nos_has_it(welsh_client, welsh_nos):
    html = _html(welsh_client.get(f"/nos/{welsh_nos}/"))
    assert "Mae’r safon hon yn ymwneud â chroesawu ymwelwyr." in html and "cyfarch ymwelwyr yn gwrtais" in html
    assert "This standard is about greeting visitors" not in html
    assert "Nid yw rhannau o’r safon hon ar gael yn Gymraeg" in html  # knowledge is English only
    summary = welsh_client.get(f"/nos/{welsh_nos}/summary.json").json()
    assert summary["language"] == "cy" and summary["summary"]["what_a_person_does"]["items"][0] == "cyfarch ymwelwyr yn gwrtais"
    dtext = _docx_text(welsh_client.get(f"/nos/{welsh_nos}.docx").content)
    assert "cyfarch ymwelwyr yn gwrtais" in dtext and "Meini prawf perfformiad" in dtext


@pytest.mark.parametrize(
    "url", ["/", "/search/?q=fish", "/nos/LANACT3/", "/nos/LANACT3/summary/", "/suites/", "/occupations/", "/compare/"]
)
def test_welsh_pages_have_no_english_interface_strings(welsh_client, load_reports, url):
    html = _html(welsh_client.get(url))
    for english in (
        "Skip to main content",
        "Search results",
        "Download this standard",
        "Suites of standards",
        "Compare two standards",
        "Version history",
    ):
        assert english not in html, (url, english)


def _po_entries(path: Path) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr…]) of a .po file, with continuation lines joined; the header skipped."""
    entries, key, current = [], None, {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            if m.group(1) == "msgid" and current:
                entries.append(current)
                current = {}
            key = m.group(1)
            current[key] = m.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    if current:
        entries.append(current)
    return [(e["msgid"], [v for k, v in e.items() if k.startswith("msgstr")]) for e in entries if e.get("msgid")]


def test_every_interface_string_has_a_welsh_translation():
    po = Path(__file__).resolve().parents[2] / "noshub" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po)
    assert len(entries) > 100
    untranslated = [msgid for msgid, strs in entries if not all(s.strip() for s in strs)]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split('msgid ""', 2)[-1]
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime - 1  # compiled after the last edit


def test_templates_mark_every_visible_string_for_translation():
    """A crude guard: no English text between tags in the finder's templates outside translate tags."""
    root = Path(__file__).resolve().parents[2] / "noshub"
    templates = root / "web" / "templates"
    files = [templates / "base.html", templates / "errors" / "error.html", *sorted((templates / "web").glob("*.html"))]
    allowed = {
        "NOS Hub",
        "JSON-LD",
        "SOC 2020",
        "English",
        "Cymraeg",
        "Change the language to",
        "Newid yr iaith i’r",
        "&ctdot",
        "·",
        "SOC",
    }
    for f in files:
        text = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", " ", f.read_text(), flags=re.S)
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        for chunk in re.findall(r">([^<>]+)<", text):
            words = chunk.strip(" \n–:;,.()!?“”")
            if words and re.search(r"[A-Za-z]{3,}", words) and words not in allowed:
                pytest.fail(f"{f.name}: untranslated text {words!r}")


# -- security ------------------------------------------------------------------------------------


class _LiveMarkup(HTMLParser):
    """Finds what a browser would run: script elements, event handlers, javascript: URLs,
    frames, SVG and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not re.fullmatch(r"/static/noshub/init\.[0-9a-f]{12}\.mjs", attrs.get("src") or ""):
            self.found.append("script")
        if tag in ("iframe", "svg", "style", "object", "embed") or (
            tag == "svg" and "pagination" not in (attrs.get("class") or "")
        ):
            self.found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")


def _live_markup(html: str) -> list[str]:
    html = re.sub(r'<svg class="govuk-pagination__icon.*?</svg>', "", html, flags=re.S)
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "view", ["/nos/{}/", "/nos/{}/summary/", "/nos/{}/print/", "/search/?q=ZZXSS2", "/compare/?a={}&b=LANACT3"]
)
def test_hostile_markup_renders_inert_on_every_view(client, hostile_nos, view):
    response = client.get(view.format(hostile_nos))
    html = _html(response)
    assert _live_markup(html) == [], view
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "/search/" in view  # the title is shown as text
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_hostile_markup_is_plain_text_in_pdf_and_docx(client, hostile_nos):
    pdf = client.get(f"/nos/{hostile_nos}.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content)
    assert 'alert("x")' not in text and "javascript:" not in text.lower()
    raw = pdf.content.lower()
    assert b"/javascript" not in raw and b"/js " not in raw and b"/launch" not in raw
    dtext = _docx_text(client.get(f"/nos/{hostile_nos}.docx").content)
    assert "check" in dtext and "bad()" not in dtext and "onmouseover" not in dtext and "javascript:" not in dtext


def test_a_urn_with_a_slash_has_every_view(client, load_reports):
    from noshub.catalogue.models import Standard

    slug = Standard.objects.filter(slug__contains="/").exclude(current=None).values_list("slug", flat=True).first()
    assert slug
    for suffix in ("/", "/summary/", "/print/", ".json", "/summary.json", ".docx"):
        assert client.get(f"/nos/{slug}{suffix}").status_code == 200, suffix
    assert client.get(f"/nos/{slug}.json").json()["slug"] == slug
    assert client.get("/nos/LANACT3/summary.json").json()["slug"] == "LANACT3"
