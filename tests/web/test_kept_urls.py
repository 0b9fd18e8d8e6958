"""`{% url %}` with its addresses kept (`noshub/catalogue/templatetags/kept_urls.py`) gives what
Django's own tag gives: every form of the tag, under a script prefix, and what it refuses."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Template
from django.template.defaulttags import URLNode
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from noshub.catalogue.templatetags import kept_urls


def both(source: str, context: dict | None = None) -> tuple[str, str]:
    """The template rendered with the site's tag (a builtin) and with Django's own."""
    kept = Template(source).render(Context(context or {}))
    with mock.patch.object(kept_urls, "KeptURLNode", URLNode):  # the tag as Django makes it
        plain = Template(source).render(Context(context or {}))
    return kept, plain


def test_the_site_templates_use_the_kept_tag():
    node = Template("{% url 'web:home' %}").nodelist[0]
    assert isinstance(node, kept_urls.KeptURLNode)


@pytest.mark.parametrize(
    "source, context",
    [
        ("{% url 'web:home' %}", {}),
        ("{% url 'web:suite' 12 %}", {}),
        ("{% url 'web:suite' suite_id=n %}", {"n": 7}),
        ("{% url 'web:occupation' code %}", {"code": "6135"}),
        ("{% url 'web:nos' slug %}", {"slug": 'A"<b>&c'}),  # escaped as Django escapes it
        ("{% url 'web:language' 'cy' %}?next=/", {}),
        ("{% url name slug %}", {"name": "web:nos-pdf", "slug": "PPL1FPC6/10"}),
        ("{% url 'web:nos' slug as link %}[{{ link }}]", {"slug": "CFAM&LAA1"}),
        ("{% url 'web:nos' obj %}", {"obj": 3.5}),  # not a string or number: reversed, not kept
        ("{% url 'web:suite' one %}{% url 'web:nos' yes %}", {"one": 1, "yes": True}),  # True is not 1
        ("{% url 'no:such' as link %}[{{ link }}]", {}),  # refused quietly with `as`, as Django does
        ("{% autoescape off %}{% url 'web:nos' slug %}{% endautoescape %}", {"slug": "A&B"}),
    ],
)
def test_same_output_as_djangos_tag(source, context):
    kept, plain = both(source, context)
    assert kept == plain


def test_refused_as_django_refuses():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no:such' %}").render(Context({}))
    with pytest.raises(NoReverseMatch):
        Template("{% url 'web:nos' '' %}").render(Context({}))


def test_under_a_script_prefix_and_the_current_app():
    before = get_script_prefix()
    try:
        Template("{% url 'web:suites' %}").render(Context({}))  # kept under the prefix "/"
        set_script_prefix("/hub/")
        assert Template("{% url 'web:suites' %}").render(Context({})) == reverse("web:suites") == "/hub/suites/"
    finally:
        set_script_prefix(before)
    request = RequestFactory().get("/")
    request.current_app = "web"
    assert Template("{% url 'web:suites' %}").render(Context({"request": request})) == reverse("web:suites")


def test_an_address_is_worked_out_once():
    kept_urls._kept.cache_clear()
    with mock.patch.object(kept_urls, "reverse", wraps=reverse) as counted:
        for _ in range(3):
            Template("{% url 'web:developers' %}{% url 'web:suite' 5 %}").render(Context({}))
    assert counted.call_count == 2


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_any_slug_as_reverse_gives_it(slug):
    try:
        reverse("web:nos", args=[slug])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            Template("{% url 'web:nos' s %}").render(Context({"s": slug}))
        return
    kept, plain = both("{% url 'web:nos' s %}", {"s": slug})
    assert kept == plain
