"""The lifecycle's pages on the one page contract: each page's ``.json`` twin serves exactly the
context its HTML was rendered from, the HTML names its twin, and a twin checks the same
permission as its page."""

from __future__ import annotations

import pytest
from django.test import Client

from noshub.lifecycle import rules as lc
from noshub.lifecycle import services
from noshub.pages import contract

from .conftest import NOW, add_good_draft, comment, drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(people, org, load_reports):
    """The eight pages with twins, each with who may see it: (name, HTML URL, twin URL, user)."""
    from noshub.catalogue.models import Standard

    dev = people["developer"]
    review = services.create_project(dev, title="Animal therapies review", organisation=org, kind="review")
    review = drive(review, people, lc.DRAFTING, with_draft=False)
    draft = services.add_draft(dev, review, from_urn="LANACT3", today=NOW.date())
    pcs = list(draft.performance_criteria) + [{"ref": "P99", "text": "record each session with the owner"}]
    services.update_draft(dev, draft, performance_criteria=pcs)

    consulted = services.create_project(dev, title="Working sheepdogs", organisation=org)
    consulted = drive(consulted, people, lc.DRAFTING)
    add_good_draft(consulted, people, urn="ZZLIFE2")
    consulted = drive(consulted, people, lc.CONSULTATION)
    published = comment(consulted)
    services.moderate_comment(dev, published, "published")
    services.decide_comment(dev, published, "accepted", "P2 now says daily.")
    comment(consulted, text="What about K4?", item_ref="K4", ip="192.0.2.2")

    seqs = sorted(Standard.objects.get(urn_key="LANACT3").versions.values_list("sequence", flat=True))
    p, d = consulted.pk, draft.pk
    return [
        ("home", "/lifecycle/", "/lifecycle/projects.json", dev),
        ("project", f"/lifecycle/projects/{p}/", f"/lifecycle/projects/{p}.json", dev),
        ("draft", f"/lifecycle/drafts/{d}/", f"/lifecycle/drafts/{d}.json", dev),
        ("consultation", f"/lifecycle/projects/{p}/consultation/", f"/lifecycle/projects/{p}/consultation.json", None),
        ("comments", f"/lifecycle/projects/{p}/comments/", f"/lifecycle/projects/{p}/comments.json", dev),
        ("reviews", "/lifecycle/reviews/?within=30&developer=Lantra", "/lifecycle/reviews.json?within=30&developer=Lantra", None),
        (
            "diff",
            f"/lifecycle/nos/LANACT3/diff/?from={seqs[0]}&to={seqs[-1]}",
            f"/lifecycle/nos/LANACT3/diff.json?from={seqs[0]}&to={seqs[-1]}",
            None,
        ),
        ("audit", "/lifecycle/audit/", "/lifecycle/audit.json", people["admin"]),
    ]


def test_each_page_and_its_twin_share_one_context(pages, monkeypatch):
    rendered = []
    real_render = contract.render

    def spy(request, template, context, status=200):
        rendered.append(context)
        return real_render(request, template, context, status=status)

    monkeypatch.setattr(contract, "render", spy)
    for name, url, twin, user in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        rendered.clear()
        page = client.get(url)
        assert page.status_code == 200, (name, page.status_code)
        assert page["Link"] == f'<{twin}>; rel="alternate"; type="application/json"', name
        assert len(rendered) == 1, name
        data = client.get(twin)
        assert data.status_code == 200 and data["Content-Type"] == "application/json", name
        assert set(data.json()) == set(rendered[0]), name


def test_twins_keep_the_keys_they_had(pages):
    before = {
        "home": {"projects", "open_consultations"},
        "project": {"id", "title", "stage", "blockers", "approvals", "drafts", "comments", "nations", "audit"},
        "draft": {"id", "project", "urn", "title", "quality", "performance_criteria", "indicative_review_date", "diff_from_base"},
        "consultation": {"id", "title", "organisation", "open", "opens", "closes", "drafts", "comments"},
        "comments": {"project", "groups"},
        "reviews": {"as_of", "within_days", "filters", "overdue", "due", "count", "listed", "items", "by_developer", "by_suite"},
        "diff": {"slug", "urn", "from", "to", "diff"},
        "audit": {"entries"},
    }
    for name, _url, twin, user in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        data = client.get(twin).json()
        assert before[name] <= set(data), (name, before[name] - set(data))
        if name == "comments":
            assert isinstance(data["project"], int)
        if name == "reviews":
            assert data["listed"] == data["count"] == len(data["items"])  # the twin lists them all


def test_a_twin_checks_the_same_permission_as_its_page(pages, people):
    for name, url, twin, _user in pages:
        if name not in ("project", "draft", "comments", "audit"):
            continue
        anonymous = Client().get(twin)
        assert anonymous.status_code == 403, name
        assert anonymous.json()["error"]["code"] == "forbidden", name
        assert Client().get(url).status_code == 403, name
    outsider = Client()
    outsider.force_login(people["other_developer"])
    for name, url, twin, _user in pages:
        if name in ("project", "draft", "comments", "audit"):
            assert outsider.get(url).status_code == 403, name
            assert outsider.get(twin).status_code == 403, name


def test_a_twin_takes_no_comment(pages):
    twin = next(t for name, _u, t, _user in pages if name == "consultation")
    response = Client().post(twin, {"draft": 1, "text": "Hello"})
    assert response.status_code == 405


def test_a_twin_is_the_same_in_english_and_welsh(pages):
    """The page's own keys hold stored values; the template shows their labels in the page's language."""
    for name, _url, twin, user in pages:
        english, welsh = Client(), Client()
        welsh.cookies["django_language"] = "cy"
        for client in (english, welsh):
            if user is not None:
                client.force_login(user)
        assert english.get(twin).json() == welsh.get(twin).json(), name
