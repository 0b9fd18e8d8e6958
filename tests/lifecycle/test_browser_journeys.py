"""Issue 19, "what it must show": the two projects of the issue walked end to end in a real
browser (Playwright on Debian's Chromium), each person signed in as themselves.

- A review of CFAM&LAA1 by its owner: Wales answers "not applicable" to Part A (and is asked for
  nothing more: no dead end at the Welsh approval); one person sends a comment on every
  statement in one submission; Scotland rejects the draft, the developer edits it, the other
  nations' approvals go stale and everyone approves again; the published version keeps the
  SOC 2020 codes.
- A brand-new NOS through every stage with all four nations, Welsh text and Wales's approval.

The site is served in a thread on this test's own database connection, so everything the
browser writes is rolled back with the test (no other test sees it)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from noshub.lifecycle import rules as lc

from ..web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _async_unsafe_allowed, sync_api  # noqa: F401
from .conftest import GOOD_DRAFT, NOW, WELSH

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(db, django_db_setup, settings):
    """NOS Hub served by waitress in a thread that uses this test's database connection (one
    request at a time, under `site.lock`), so the browser's writes stay in the test's transaction."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    import waitress
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections, connections

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    shared = connections["default"]
    shared.inc_thread_sharing()
    # Closing "old" connections after a request would close the test's own, inside its transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    wsgi = get_wsgi_application()
    lock = threading.RLock()

    def app(environ, start_response):
        with lock:
            connections["default"] = shared
            response = wsgi(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()

    srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()

    class Site:
        url = f"http://127.0.0.1:{srv.effective_port}"

    Site.lock = lock
    try:
        yield Site
    finally:
        srv.close()
        with lock:  # no request still using the test's connection
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            shared.dec_thread_sharing()


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed):  # noqa: F811
    """Chromium, started before each test's database transaction: Playwright's sync API runs the
    test in a context of its own, and Django's connections are per context; started after the
    transaction, the test would write through a second connection (on SQLite: "table is locked")."""
    from django.db import connections

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The tests' connection lives in Playwright's context, which nothing else closes: left
        # open, it kept the test database from being dropped at the end of the session.
        connections.close_all()


class People:
    """One signed-in browser window per person, opened when first needed."""

    def __init__(self, browser, site):
        self.browser, self.site, self.pages = browser, site, {}

    def __call__(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(60_000)
            if username != "public":
                page.goto(self.site.url + "/lifecycle/sign-in/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(re.compile(r"/lifecycle/$"))
            self.pages[username] = page
        return self.pages[username]

    def open(self, username: str, path: str):
        page = self(username)
        page.goto(self.site.url + path)
        return page

    def close(self):
        for page in self.pages.values():
            page.context.close()


def _make_user(username, group, organisation=None, nation=""):
    from django.contrib.auth.models import Group, User

    from noshub.lifecycle.models import Profile

    user = User.objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    if organisation or nation:
        Profile.objects.create(user=user, organisation=organisation, nation=nation)
    return user


@pytest.fixture
def people(browser, site):
    from noshub.catalogue.models import Organisation, Standard

    owner = Standard.objects.select_related("current__developed_by").get(urn_key="CFAM_LAA1").current.developed_by
    lantra = Organisation.objects.get_or_create(name="Lantra")[0]
    _make_user("cfa_dev", "standards developer", organisation=owner)
    _make_user("lantra_dev", "standards developer", organisation=lantra)
    for nation in lc.NATIONS:
        _make_user(f"rev_{nation}", "nation reviewer", nation=nation)
    out = People(browser, site)
    yield out
    out.close()


def _submit(page, button) -> None:
    """Click a submit button and wait for the page it leads to (even when it is the same URL)."""
    with page.expect_navigation():
        button.click()


def _project_id(page) -> int:
    return int(re.search(r"/projects/(\d+)/", page.url).group(1))


def _start_project(people, developer, title, kind):
    page = people.open(developer, "/lifecycle/")
    page.get_by_role("link", name="Start a project").click()
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", kind)
    _submit(page, page.get_by_role("button", name="Start project"))
    return _project_id(page)


def _fill_part(people, developer, pk, nation, values):
    page = people.open(developer, f"/lifecycle/projects/{pk}/nations/{nation}/")
    for name, value in values.items():
        page.fill(f"textarea[name={name}]", value)
    _submit(page, page.get_by_role("button", name="Save", exact=True))
    assert re.search(rf"/projects/{pk}/$", page.url), page.url


def _respond(people, nation, pk, response, feedback=""):
    """The nation's approver finds the project in "waiting for your response" and answers."""
    page = people.open(f"rev_{nation}", "/lifecycle/")
    waiting = page.locator(f'.govuk-notification-banner a[href^="/lifecycle/projects/{pk}/respond/"]')
    assert waiting.count() == 1, f"{nation} is not asked to respond to project {pk}"
    _submit(page, waiting)
    page.check(f"input[name=response][value={response}]")
    if feedback:
        page.fill("textarea[name=feedback]", feedback)
    _submit(page, page.get_by_role("button", name="Send response"))
    assert re.search(rf"/projects/{pk}/$", page.url), page.locator("main").inner_text()[:2000]


def _advance(people, developer, pk, to_stage):
    page = people.open(developer, f"/lifecycle/projects/{pk}/")
    button = page.locator(f'form[action$="/advance/"]:has(input[value={to_stage}]) button')
    assert button.count() == 1, page.locator(".govuk-inset-text").all_inner_texts()
    _submit(page, button)
    assert page.locator("[aria-current=step]").inner_text().strip() == lc.STAGE_LABELS[to_stage], page.content()[:3000]
    return page


def _blockers(people, developer, pk) -> str:
    return " ".join(people.open(developer, f"/lifecycle/projects/{pk}/").locator(".govuk-inset-text").all_inner_texts())


def _edit_draft(people, developer, draft_id, values):
    page = people.open(developer, f"/lifecycle/drafts/{draft_id}/edit/")
    for name, value in values.items():
        page.fill(f"[name={name}]", value)
    _submit(page, page.get_by_role("button", name="Save draft"))
    assert re.search(rf"/drafts/{draft_id}/$", page.url), page.locator("main").inner_text()[:2000]
    return page


def _open_consultation(people, developer, pk, site):
    page = people.open(developer, f"/lifecycle/projects/{pk}/edit/")
    page.fill("input[name=consultation_closes]", (NOW + timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    _submit(page, page.get_by_role("button", name="Save", exact=True))
    assert re.search(rf"/projects/{pk}/$", page.url), page.locator("main").inner_text()[:2000]
    _advance(people, developer, pk, lc.CONSULTATION)


def _close_consultation(site, pk):
    """Time passes: the consultation closes."""
    from noshub.lifecycle.models import Project

    with site.lock:
        Project.objects.filter(pk=pk).update(
            consultation_opens=NOW - timedelta(days=31), consultation_closes=NOW - timedelta(minutes=1)
        )


def _moderate_and_answer(people, developer, pk):
    page = people.open(developer, f"/lifecycle/projects/{pk}/comments/")
    for box in page.locator("input[name=ids]").all():
        box.check()
    _submit(page, page.get_by_role("button", name="Publish the ticked comments"))
    assert page.locator("input[name=ids]").count() == 0
    while (forms := page.locator('form[action$="/decide/"]:not(:has(input[checked]))')).count():
        form = forms.first
        form.locator("input[value=accepted]").check()
        form.locator("textarea[name=response]").fill("Thank you: we have made this change.")
        _submit(page, form.get_by_role("button", name="Save decision"))


def test_a_review_with_wales_not_applicable_a_rejection_and_a_full_consultation(people, site):
    from noshub.catalogue.models import NosSocCode, SocCode, Standard
    from noshub.lifecycle.models import Approval, Comment, Draft

    standard = Standard.objects.select_related("current").get(urn_key="CFAM_LAA1")
    old = standard.current
    for position, code in enumerate(("1139", "1135", "1259")):  # as `noshub soc crosswalk` links them
        soc = SocCode.objects.get_or_create(classification="2020", code=code)[0]
        NosSocCode.objects.get_or_create(version=old, soc_code=soc, source="crosswalk", defaults={"position": position})
    dev = "cfa_dev"
    taking_part = ("england", "northern_ireland", "scotland")

    # Part A: three nations write and approve; Wales answers "not applicable" and is asked for nothing more.
    pk = _start_project(people, dev, "Review of Manage yourself", "review")
    for nation in taking_part:
        _fill_part(people, dev, pk, nation, {"rationale": "Due for review.", "employers_organisations": "Employers", "timescale": "Nine months"})
    _respond(people, "wales", pk, lc.NOT_APPLICABLE)
    for nation in taking_part:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.PART_B)
    for nation in taking_part:
        _fill_part(people, dev, pk, nation, {"findings": "Still needed.", "participation": "Ten employers."})
    assert people.open("rev_wales", "/lifecycle/").locator(f'a[href^="/lifecycle/projects/{pk}/respond/"]').count() == 0
    for nation in taking_part:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.DRAFTING)

    # Drafting: a new version of CFAM&LAA1, starting from the current one.
    page = people.open(dev, f"/lifecycle/projects/{pk}/drafts/new/")
    page.fill("input[name=from_urn]", "CFAM&LAA1")
    _submit(page, page.get_by_role("button", name="Add", exact=True))
    draft_id = int(re.search(r"/drafts/(\d+)/", page.url).group(1))
    page = people.open(dev, f"/lifecycle/drafts/{draft_id}/edit/")
    assert set(page.input_value("textarea[name=soc_codes]").split()) >= {"1139", "1135", "1259"}  # shown for review
    _edit_draft(
        people,
        dev,
        draft_id,
        {
            "overview": "<p>This standard is about managing yourself at work: your objectives, your time and feedback.</p>",
            "performance_criteria": "set yourself objectives that fit your role\nplan your time to meet your objectives\n"
            "ask for feedback on your work from the people you work with",
            "knowledge_and_understanding": "how to set objectives that fit your role\nhow to plan your time\n"
            "why feedback from other people helps you to improve",
        },
    )
    _open_consultation(people, dev, pk, site)

    # Consultation: one person comments on the whole NOS and on every statement, in one submission.
    page = people.open("public", f"/lifecycle/projects/{pk}/consultation/")
    page.locator("summary", has_text="Comment on CFAM&LAA1").click()
    boxes = page.locator("textarea[name^=comment_]")
    refs = [name.removeprefix("comment_") for name in (boxes.nth(i).get_attribute("name") for i in range(boxes.count()))]
    assert refs == ["P1", "P2", "P3", "K1", "K2", "K3"]
    page.fill("textarea[name=text]", "Clear and useful for team leaders.")
    for ref in refs:
        page.fill(f"textarea[name=comment_{ref}]", f"{ref} should give an example from a small business.")
    page.fill("input[name=name]", "Rhian")
    page.select_option("select[name=respondent_nation]", "scotland")
    page.fill("input[name=sector]", "Retail")
    page.select_option("select[name=organisation_size]", "small")
    _submit(page, page.get_by_role("button", name="Send my comments"))
    assert page.get_by_text("Thank you", exact=True).is_visible(), page.locator("main").inner_text()[:2000]
    with site.lock:
        sent = list(Comment.objects.filter(project_id=pk))
    assert sorted(c.item_ref for c in sent) == sorted(["", *refs])
    assert len({c.submission for c in sent}) == 1 and {c.respondent_nation for c in sent} == {"scotland"}
    _moderate_and_answer(people, dev, pk)
    assert "Retail: 1" in people.open(dev, f"/lifecycle/projects/{pk}/comments/").locator(".govuk-summary-list").inner_text()
    _close_consultation(site, pk)
    _advance(people, dev, pk, lc.DRAFT_APPROVAL)

    # Draft approval: Scotland rejects; the developer edits; the others' approvals go stale; all approve again.
    _respond(people, "england", pk, lc.APPROVE)
    _respond(people, "northern_ireland", pk, lc.APPROVE)
    _respond(people, "scotland", pk, lc.REJECT, "P2 must mention working hours regulations.")
    assert "rejected" in _blockers(people, dev, pk)
    _edit_draft(
        people,
        dev,
        draft_id,
        {
            "performance_criteria": "set yourself objectives that fit your role\n"
            "plan your time to meet your objectives within the working hours regulations\n"
            "ask for feedback on your work from the people you work with"
        },
    )
    page = people.open(dev, f"/lifecycle/projects/{pk}/")
    draft_table = page.locator("table", has=page.locator("caption", has_text="Draft NOS"))
    for nation in ("England", "Northern Ireland"):  # approved the text before the edit: no longer counts
        assert "text changed since" in draft_table.locator("tr", has_text=nation).inner_text()
    for nation in taking_part:
        _respond(people, nation, pk, lc.APPROVE)
    with site.lock:
        history = list(Approval.objects.filter(project_id=pk, approval=lc.DRAFT, nation="scotland").order_by("id"))
    assert [(a.response, a.current) for a in history] == [(lc.REJECT, False), (lc.APPROVE, True)]
    _advance(people, dev, pk, lc.FINAL_APPROVAL)
    for nation in taking_part:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.WELSH_APPROVAL)
    # Wales took no part: no Welsh text and no Welsh approval are asked for.
    blockers = _blockers(people, dev, pk)
    assert "Before it can move on" not in blockers and "ready to move on" in blockers, blockers
    page = _advance(people, dev, pk, lc.PUBLISHED)
    page.screenshot(path=str(ARTIFACTS / "lifecycle-review-published.png"), full_page=True)

    # Published: a new current version that keeps the SOC 2020 codes, shown on the NOS page.
    with site.lock:
        standard.refresh_from_db()
        new = standard.current
        links = set(new.nossoccode_set.filter(soc_code__classification="2020").values_list("soc_code__code", "source"))
        published = Draft.objects.get(pk=draft_id).published_version_id
    assert new.pk != old.pk and new.pk == published and new.version_number == 2
    assert links == {("1139", "crosswalk"), ("1135", "crosswalk"), ("1259", "crosswalk")}
    page = people.open("public", f"/nos/{standard.slug}/")
    assert "within the working hours regulations" in page.content()
    assert all(code in page.content() for code in ("1139", "1135", "1259"))


def test_a_new_nos_through_every_stage_with_the_four_nations_and_welsh(people, site):
    from noshub.catalogue.models import Standard

    dev = "lantra_dev"
    pk = _start_project(people, dev, "Working sheepdogs", "development")
    for nation in lc.NATIONS:
        _fill_part(people, dev, pk, nation, {"rationale": "Employers asked for it.", "employers_organisations": "Farm employers", "timescale": "Six months"})
    for nation in lc.NATIONS:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.PART_B)
    for nation in lc.NATIONS:
        _fill_part(people, dev, pk, nation, {"findings": "Employers agree.", "participation": "Twelve employers."})
    for nation in lc.NATIONS:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.DRAFTING)

    page = people.open(dev, f"/lifecycle/projects/{pk}/drafts/new/")
    page.fill("input[name=urn]", "ZZLIFE9")
    page.fill("input[name=title]", GOOD_DRAFT["title"])
    _submit(page, page.get_by_role("button", name="Add", exact=True))
    draft_id = int(re.search(r"/drafts/(\d+)/", page.url).group(1))
    lines = lambda items: "\n".join(i["text"] for i in items)  # noqa: E731
    page = _edit_draft(
        people,
        dev,
        draft_id,
        {
            "overview": GOOD_DRAFT["overview"],
            "performance_criteria": lines(GOOD_DRAFT["performance_criteria"]),
            "knowledge_and_understanding": lines(GOOD_DRAFT["knowledge_and_understanding"]),
            "suites": "\n".join(GOOD_DRAFT["suites"]),
        },
    )
    assert "0 error(s)" in people.open(dev, f"/lifecycle/projects/{pk}/").content()
    _open_consultation(people, dev, pk, site)
    _close_consultation(site, pk)
    _advance(people, dev, pk, lc.DRAFT_APPROVAL)
    for nation in lc.NATIONS:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.FINAL_APPROVAL)
    for nation in lc.NATIONS:
        _respond(people, nation, pk, lc.APPROVE)
    _advance(people, dev, pk, lc.WELSH_APPROVAL)
    assert "Welsh" in _blockers(people, dev, pk)
    _edit_draft(
        people,
        dev,
        draft_id,
        {
            "title_cy": WELSH["title_cy"],
            "performance_criteria_cy": lines(WELSH["performance_criteria_cy"]),
            "knowledge_and_understanding_cy": lines(WELSH["knowledge_and_understanding_cy"]),
        },
    )
    _respond(people, "wales", pk, lc.APPROVE)
    for nation in ("england", "scotland"):  # the Welsh NOS is Wales's alone to approve
        assert people.open(f"rev_{nation}", "/lifecycle/").locator(f'a[href^="/lifecycle/projects/{pk}/respond/"]').count() == 0
    _advance(people, dev, pk, lc.PUBLISHED)

    with site.lock:
        current = Standard.objects.get(urn_key="ZZLIFE9").current
        suggested = list(current.nossoccode_set.filter(source="suggested", soc_code__classification="2020"))
    assert current.version_number == 1 and current.status == "original" and suggested
    page = people.open("public", "/nos/ZZLIFE9/")
    assert page.locator("h1").inner_text() == GOOD_DRAFT["title"]
