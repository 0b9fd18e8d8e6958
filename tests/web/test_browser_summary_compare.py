"""The generated summary and compare in a real browser (Playwright on Debian's Chromium, the
fixtures of test_browser.py), at a desktop width and a phone's 390 px: on screen, nothing wider
than the window, compare picked by search with the keyboard's Enter and no JavaScript needed.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARTIFACTS, _async_unsafe_allowed, browser, server  # noqa: F401 (fixtures)

WIDTHS = [1280, 390]


def _page(browser, width: int, language: str = "en", server_url: str = "", javascript: bool = True):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    if language != "en":
        context.add_cookies([{"name": "django_language", "value": language, "url": server_url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.js_errors = errors
    return context, page


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling


@pytest.mark.parametrize("width", WIDTHS)
def test_summary_is_generated_plain_english(browser, server, width):  # noqa: F811
    context, page = _page(browser, width)
    page.goto(server + "/nos/COGDO9/summary/")
    notice = page.locator('[data-notice="generated"]')
    assert notice.is_visible() and "generated automatically" in notice.inner_text()
    assert notice.get_by_role("link", name="Read the full standard").get_attribute("href") == "/nos/COGDO9/"
    assert page.get_by_role("heading", name="What the job function is").is_visible()
    assert page.locator('[data-summary="does"] li').count() == 5
    assert re.search(r"Reading ease score: [\d.]+ out of 100", page.locator('[data-summary="readability"]').inner_text())
    _fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"summary-{width}.png"), full_page=True)

    page.goto(server + "/nos/SFLDGV1/summary/")
    assert "does not hold this standard’s text" in page.locator('[data-summary="no-text"]').inner_text()
    assert page.locator('[data-notice="generated"]').is_visible()
    _fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"summary-no-text-{width}.png"), full_page=True)
    assert page.js_errors == []
    context.close()

    context, page = _page(browser, width, "cy", server)
    page.goto(server + "/nos/COGDO9/summary/")
    assert page.get_by_role("heading", name="Beth yw’r swyddogaeth swydd").is_visible()
    _fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"summary-cy-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_two_nos_picked_by_search(browser, server, width):  # noqa: F811
    context, page = _page(browser, width, javascript=False)  # the form works without JavaScript
    page.goto(server + "/compare/")
    page.get_by_label("Search for the first standard").fill("maintaining the safety of downstream operations")
    page.get_by_label("Search for the second standard").fill("COGDO1")
    page.get_by_label("Search for the second standard").press("Enter")  # Enter searches, no JavaScript
    page.wait_for_url(re.compile(r"qb=COGDO1"))
    first = page.get_by_role("group", name="Pick the first standard")
    first.get_by_role("radio", name=re.compile(r"^COGDO12\b")).check()
    page.get_by_role("group", name="Pick the second standard").get_by_role("radio", name=re.compile(r"^COGDO1\b")).check()
    page.screenshot(path=str(ARTIFACTS / f"compare-pick-{width}.png"), full_page=True)
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url(re.compile(r"b=COGDO1"))
    assert page.get_by_role("heading", name="COGDO12 and COGDO1 compared").is_visible()
    assert "They share 3 statements word for word and 6 more in similar words." in page.content()
    details = page.locator('[data-compare="details"]')
    assert details.locator("tbody tr").count() == details.locator('tbody th[scope="row"]').count() >= 8
    assert page.locator("del").count() >= 1 and page.locator("ins").count() >= 1
    # changed words are named, not only coloured: the struck-through words say "[removed:]"
    assert "[added:]" in page.locator('[data-compare="performance_criteria"] ins').first.text_content()
    labels = page.locator('[data-compare="performance_criteria"] tbody th[scope="row"]')
    assert labels.count() == page.locator('[data-compare="performance_criteria"] tbody tr').count() == 3 + 6 + 8 + 8
    _fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"compare-{width}.png"), full_page=True)

    page.goto(server + "/compare/?a=SFLDGV1&b=LANACT3")
    notice = page.locator('[data-notice="no-text"]')
    assert notice.is_visible() and "does not hold the text of SFLDGV1" in notice.inner_text()
    assert "They share" not in page.content()
    _fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"compare-no-text-{width}.png"), full_page=True)

    page.goto(server + "/compare/?a=LANACT3&b=LANACT3")
    assert "Both sides are the same standard" in page.locator(".govuk-error-summary").inner_text()
    assert page.js_errors == []
    context.close()
