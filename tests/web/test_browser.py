"""The finder in a real browser: Playwright driving Debian's Chromium against a live server on
the loaded catalogue. A user journey (search → filter → NOS → Welsh → PDF and DOCX), keyboard-only
use, and axe-core accessibility checks (WCAG 2.2 AA) on the main pages. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# HTML_CodeSniffer: the rules pa11y runs (its default runner), WCAG 2 AA; errors only, as pa11y fails on.
HTMLCS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
HTMLCS_RUN = """() => new Promise(resolve => HTMLCS.process('WCAG2AA', document, () => resolve(
    HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR).map(m => ({
        code: m.code, msg: m.msg, element: (m.element.outerHTML || m.element.nodeName || '').slice(0, 200)})))))"""
CHROMIUM = os.environ.get("NOSHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not installed at {CHROMIUM} (scripts/setup test installs it)", allow_module_level=True)


@pytest.fixture(scope="module", autouse=True)
def _async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread; Django's ORM is only used by
    fixtures. Allowed for this module's tests only (set at import, it leaked into every later
    test and the processes they start, e.g. `check --deploy` then failed with async.E001)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Chromium, started once the real data is loaded (not beside a load of minutes)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """NOS Hub served by waitress in a thread, on the session's loaded test database.

    Not pytest-django's live_server: that one asks for transactional_db, whose teardown empties
    every table, and the real data is loaded once per session."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    import threading

    import waitress
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    site = get_wsgi_application()  # static files too, by their hashed names (noshub.web.staticfiles)

    def app(environ, start_response):
        # Each server thread closes its database connection after a request, so that none is
        # left open on the test database when the session drops it.
        response = site(environ, start_response)
        try:
            return list(response)
        finally:
            response.close()  # Django's request_finished, file handles
            connections.close_all()

    with django_db_blocker.unblock():
        srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{srv.effective_port}"
        srv.close()


@pytest.fixture
def page(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    # The site's own Content Security Policy applies: GOV.UK Frontend's JS must run under it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base = server
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def axe_page(browser, server):
    """A page that lets axe-core in: injecting a script needs the CSP bypassed (tests only)."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.base = server
    yield page
    context.close()


def test_search_filter_open_welsh_and_download(page, tmp_path):
    page.goto(page.base + "/")
    page.get_by_label("Search National Occupational Standards").fill("reiki")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q=reiki"))
    heading = page.locator("#results-heading").inner_text()
    total = int(heading.split()[0])
    assert total >= 1 and page.locator("mark").count() >= 1

    page.locator(".noshub-facet", has_text="Developer").get_by_role("link", name="Lantra").click()
    page.wait_for_url(re.compile(r"developer=Lantra"))
    assert "Remove filter Developer: Lantra" in page.content()
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")  # GOV.UK JS ran
    page.get_by_role("link", name="Offer Reiki to animals").click()
    page.wait_for_url(re.compile(r"/nos/LANACT3/$"))
    assert page.locator("h1").inner_text() == "Offer Reiki to animals"
    page.screenshot(path=str(ARTIFACTS / "nos.png"), full_page=True)

    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(re.compile(r"/nos/LANACT3/$"))
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", name="Meini prawf perfformiad").count() == 1
    assert "Nid yw’r safon hon ar gael yn Gymraeg" in page.content()
    page.screenshot(path=str(ARTIFACTS / "nos-cy.png"), full_page=True)

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile("^PDF")).first.click()
    pdf_path = tmp_path / "nos.pdf"
    pdf_download.value.save_as(pdf_path)
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert "Offer Reiki to animals" in text and "Meini prawf perfformiad" in " ".join(text.split())
    shutil.copy(pdf_path, ARTIFACTS / "LANACT3-cy.pdf")

    with page.expect_download() as docx_download:
        page.get_by_role("link", name=re.compile("^Dogfen Word")).first.click()
    docx_path = tmp_path / "nos.docx"
    docx_download.value.save_as(docx_path)
    from docx import Document

    doc = Document(io.BytesIO(docx_path.read_bytes()))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Offer Reiki to animals" in paragraphs and "Meini prawf perfformiad" in paragraphs
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_nos_page_warns_links_the_finder_and_keeps_provenance_in_a_disclosure(browser, server, width):
    """SFLDGV1 (no text held, past its review date of 2023-01-31), in English and Welsh: the
    warning and the link to the official NOS finder are on screen at the top; provenance is
    behind a details disclosure that opens."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server + "/nos/SFLDGV1/")
    warning = page.locator('[data-notice="review-overdue"]')
    assert warning.is_visible() and "due for review by 2023-01-31" in warning.inner_text()
    finder = page.locator('[data-notice="no-text"] a')
    assert finder.get_attribute("href") == (
        "https://www.ukstandards.org.uk/en/nos-finder/SFLDGV1/prepare-the-goods-vehicle-for-driving"
    )
    box = finder.bounding_box()
    assert box["y"] + box["height"] <= 900 * 1.5 and box["x"] + box["width"] <= width  # near the top, on screen
    disclosure = page.locator("details.govuk-details")
    provenance = disclosure.locator(".govuk-details__text")
    assert not provenance.is_visible()
    disclosure.locator("summary").click()
    assert provenance.is_visible() and "Row 357 of the catalogue spreadsheet" in provenance.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"nos-notices-{width}.png"), full_page=True)
    context.add_cookies([{"name": "django_language", "value": "cy", "url": server}])
    page.goto(server + "/nos/SFLDGV1/")
    assert "Roedd disgwyl adolygu’r safon hon erbyn 2023-01-31" in page.locator('[data-notice="review-overdue"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / f"nos-notices-cy-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_suites_filter_by_words_developer_and_sector(browser, server, width):
    """The suites page's filters at desktop and phone widths: words (a source's spelling finds
    the name shown), then a developer and a sector chosen from their lists; the form stays on
    screen and the table lists only what matches."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server + "/suites/")
    total = len(page.locator("tbody tr").all())
    page.get_by_label("Words in the suite's name").fill("Accident Repair – Joining")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=Accident"))
    assert page.get_by_role("link", name="Accident Repair - Joining").count() == 1
    page.screenshot(path=str(ARTIFACTS / f"suites-words-{width}.png"), full_page=True)

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(server + "/suites/")
    page.get_by_label("Developer").select_option(label="IMI")
    page.get_by_label("Sector (SOC 2020 major group)").select_option(value="5")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"developer=\d+&sector=5"))
    rows = page.locator("tbody tr")
    assert 0 < rows.count() < total
    assert all("IMI" in rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count()))
    assert re.search(r"\d+ of \d+ suites match", page.locator("[role=status]").inner_text())
    for field in ("#suite-q", "#suite-developer", "#suite-sector"):
        box = page.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, field  # on screen, not cut off
    page.screenshot(path=str(ARTIFACTS / f"suites-filtered-{width}.png"), full_page=True)
    context.close()


def test_keyboard_only_search_and_open_a_nos(page):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type("prepare fish")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=prepare"))
    seen = []
    for _ in range(200):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || document.activeElement.tagName")
        seen.append(href)
        if href.startswith("/nos/"):
            break
    else:
        pytest.fail(f"no result link can be reached with Tab: {page.url} {seen[:40]}")
    # The focused element is visible: GOV.UK's yellow focus state.
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == "rgb(255, 221, 0)"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nos/[^/]+/$"))
    assert page.locator("h1").count() == 1


def _axe(page, url: str) -> list[dict]:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(result["passes"]) > 10  # axe ran its rules
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


AXE_PAGES = [
    ("home", "/"),
    ("results", "/search/?q=welding"),
    ("results-filtered", "/search/?q=welding&developer=Semta"),
    ("results-none", "/search/?q=qqzzxxnonsense"),
    ("nos", "/nos/LANACT3/"),
    ("nos-summary", "/nos/LANACT3/summary/"),
    ("suites", "/suites/"),
    ("suite", None),
    ("developers", "/developers/"),
    ("occupations", "/occupations/"),
    ("occupation", "/occupations/5434/"),
    ("occupation-by-evidence", "/occupations/6135/?min_confidence=0"),
    ("occupation-filtered", "/occupations/6135/?provenance=crosswalk"),
    ("compare", "/compare/?a=LANACT3&b=LANACT2"),
    ("behaviours", "/behaviours/"),
    ("themes", "/themes/"),
]


def _html_codesniffer(page) -> list[dict]:
    """The WCAG 2 AA errors HTML_CodeSniffer finds on the page already open (pa11y's rules)."""
    page.add_script_tag(path=str(HTMLCS))
    return page.evaluate(HTMLCS_RUN)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_axe_and_html_codesniffer_find_no_wcag_errors(axe_page, language):
    """Issue 17: axe-core and pa11y's HTML_CodeSniffer, zero errors on 16 pages in both languages
    (each page loaded once, both checkers run on it)."""
    page = axe_page
    if not AXE.exists() or not HTMLCS.exists():
        pytest.skip("axe-core or html_codesniffer not installed (scripts/setup runs npm ci)")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base}])
    suite_id = page.request.get(page.base + "/suites.json").json()["suites"][0]["id"]
    axe_report, htmlcs_report = {}, {}
    assert len(AXE_PAGES) == 16
    for name, path in AXE_PAGES:
        url = page.base + (path or f"/suites/{suite_id}/")
        axe_report[name] = _axe(page, url)
        assert page.evaluate("document.documentElement.lang") == language, url
        htmlcs_report[name] = _html_codesniffer(page)
    (ARTIFACTS / f"axe-{language}.json").write_text(json.dumps(axe_report, indent=2))
    (ARTIFACTS / f"htmlcs-{language}.json").write_text(json.dumps(htmlcs_report, indent=2))
    assert {k: v for k, v in axe_report.items() if v} == {}
    assert {k: v for k, v in htmlcs_report.items() if v} == {}


def test_html_codesniffer_reports_a_real_error(axe_page):
    """The checker can fail: an image without alternative text is one of its WCAG 2 AA errors."""
    if not HTMLCS.exists():
        pytest.skip("html_codesniffer not installed (scripts/setup runs npm ci)")
    page = axe_page
    page.goto(page.base + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/x.png\">')")
    errors = _html_codesniffer(page)
    assert any("H37" in e["code"] for e in errors), errors


# -- small screens (issue 17, item 8) and SOC group pages (item 6) -------------------------------

def _context(browser, width: int, **options):
    context = browser.new_context(viewport={"width": width, "height": 844 if width == 390 else 900}, **options)
    context.set_default_timeout(30_000)
    return context


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _open_at(browser, url: str, width: int):
    """A new page at `url` in a window `width` px wide, checked for sideways scrolling."""
    context = _context(browser, width)
    page = context.new_page()
    page.goto(url)
    _no_sideways_scroll(page, width)
    return context, page


@pytest.mark.parametrize("width", [1280, 390])
def test_results_put_the_first_result_on_the_first_screen_filters_behind_a_button(browser, server, width):
    context, page = _open_at(browser, server + "/search/?q=care", width)
    first = page.locator(".noshub-result").first.bounding_box()
    toggle = page.locator(".noshub-filters-toggle")
    filters = page.locator("#filters")
    if width == 390:
        assert first["y"] < 844, first  # was ~1,200 px down, below the filters
        assert toggle.is_visible() and not filters.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        page.screenshot(path=str(ARTIFACTS / "results-390.png"), full_page=False)
        toggle.click()
        assert filters.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        page.locator(".noshub-facet", has_text="Developer").get_by_role("link").first.click()
        page.wait_for_url(re.compile(r"developer="))
        assert "(1 selected)" in page.locator(".noshub-filters-toggle").inner_text()
        page.screenshot(path=str(ARTIFACTS / "results-390-filters.png"), full_page=False)
    else:
        assert first["y"] < 900 and not toggle.is_visible() and filters.is_visible()
        # "Skip to results" is there for the keyboard: hidden until focused, then it moves focus on.
        skip = page.locator(".noshub-skip-results")
        skip.focus()
        assert skip.is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#results-heading"
        page.screenshot(path=str(ARTIFACTS / "results-1280.png"), full_page=False)
    context.close()


def test_results_without_javascript_show_filters_after_a_skip_to_results_link(browser, server):
    context = _context(browser, 390, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/search/?q=care")
    _no_sideways_scroll(page, 390)
    assert page.locator("#filters").is_visible() and not page.locator(".noshub-filters-toggle").is_visible()
    skip = page.get_by_role("link", name="Skip to results")
    assert skip.bounding_box()["y"] < 844
    skip.click()
    assert page.evaluate("location.hash") == "#results-heading"
    heading = page.locator("#results-heading").bounding_box()
    assert 0 <= heading["y"] < 844 / 2  # scrolled to the results
    page.screenshot(path=str(ARTIFACTS / "results-390-no-js.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_nos_page_does_not_scroll_sideways_and_downloads_come_first_on_a_phone(browser, server, width, language):
    context = _context(browser, width)
    context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    page = context.new_page()
    page.goto(server + "/nos/LANACT3/")
    _no_sideways_scroll(page, width)
    region = page.locator(".noshub-table-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-labelledby") == "version-history"
    assert region.bounding_box()["width"] <= width
    pdf = page.get_by_role("link", name=re.compile("^PDF"))
    assert pdf.count() == 1  # one copy in the accessibility tree at each width
    box = pdf.bounding_box()
    if width == 390:
        assert box["y"] < 844 * 1.5, box  # near the top, not below the whole standard
    else:
        assert box["x"] > 1280 / 2  # in the side column
    page.screenshot(path=str(ARTIFACTS / f"nos-{width}-{language}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_soc_group_page_shows_where_each_code_comes_from(browser, server, width):
    context, page = _open_at(browser, server + "/occupations/6135/", width)
    assert page.locator("#evidence-notes").inner_text().startswith("Strongest evidence first")
    first = page.locator(".noshub-result").first
    assert first.locator(".noshub-evidence").is_visible()
    assert "6135:" in first.locator(".noshub-evidence").inner_text()
    if width == 390:
        assert not page.locator("#filters").is_visible()
        page.locator(".noshub-filters-toggle").click()
    page.locator(".noshub-facet", has_text="Where the code comes from").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"provenance="))
    sources = {e.get_attribute("data-provenance") for e in page.locator(".noshub-evidence").all()}
    assert len(sources) == 1
    page.screenshot(path=str(ARTIFACTS / f"occupation-6135-{width}.png"), full_page=width == 1280)
    context.close()


AXE_SMALL_SCREEN_PAGES = [
    ("results", "/search/?q=care"),
    ("nos", "/nos/LANACT3/"),
    ("occupation", "/occupations/6135/?min_confidence=0"),
    ("occupation-filtered", "/occupations/6135/?provenance=crosswalk&sort=title"),
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_axe_finds_no_wcag_violations_on_a_phone(browser, server, language):
    if not AXE.exists():
        pytest.skip("axe-core not installed (scripts/setup runs npm ci)")
    context = _context(browser, 390, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    page = context.new_page()
    report = {name: _axe(page, server + path) for name, path in AXE_SMALL_SCREEN_PAGES}
    page.goto(server + "/search/?q=care")
    page.locator(".noshub-filters-toggle").click()  # the filters, opened
    page.add_script_tag(path=str(AXE))
    opened = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    report["results-filters-open"] = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in opened["violations"]]
    (ARTIFACTS / f"axe-390-{language}.json").write_text(json.dumps(report, indent=2))
    context.close()
    assert {k: v for k, v in report.items() if v} == {}
