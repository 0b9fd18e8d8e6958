"""`{% nos_url slug name %}` gives the address `{% url name slug %}` gives, for every slug and every
NOS address the pages build with it."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from noshub.catalogue.templatetags.nos_links import nos_url

# The NOS addresses the templates build with `nos_url`.
NAMES = [
    "web:nos",
    "web:nos-json",
    "web:nos-pdf",
    "web:nos-docx",
    "web:nos-summary",
    "web:nos-print",
    "themes:reach",
    "lifecycle:diff",
    "frameworks:nos",
    "api:nos",
    "api:nos-jsonld",
]


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1, max_size=40), st.sampled_from(NAMES))
def test_any_slug_gets_the_address_reverse_gives(slug, name):
    try:
        expected = reverse(name, args=[slug])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            nos_url(slug, name)
        return
    assert nos_url(slug, name) == expected
    assert name != "web:nos" or nos_url(slug) == expected  # the NOS page: the default


@pytest.mark.django_db
def test_every_real_slug_gets_the_address_reverse_gives(load_reports):
    from noshub.catalogue.models import Standard

    slugs = list(Standard.objects.values_list("slug", flat=True))
    # real slugs hold "/" (PPL1FPC6/10), "~" (a URN's variants), "(" and characters beyond ASCII ("M³/HR", "’")
    assert len(slugs) > 20000 and all(any(c in s for s in slugs) for c in "/~(³’")
    for name in NAMES:
        assert [s for s in slugs if nos_url(s, name) != reverse(name, args=[s])] == [], name


def test_under_a_script_prefix_and_in_a_template():
    before = get_script_prefix()
    try:
        set_script_prefix("/hub/")
        assert nos_url("CFAM&LAA1") == reverse("web:nos", args=["CFAM&LAA1"]) == "/hub/nos/CFAM&LAA1/"
    finally:
        set_script_prefix(before)
    html = Template("{% load nos_links %}<a href=\"{% nos_url s %}\">").render(Context({"s": 'A"<b>'}))
    assert html == '<a href="/nos/A%22%3Cb%3E/">'  # quoted, so nothing to escape


def test_no_slug_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        nos_url("")
    with pytest.raises(NoReverseMatch):
        reverse("web:nos", args=[""])


def test_an_address_whose_slug_is_no_path_is_refused():
    """A behaviour's API address takes no "/" (`<str:slug>`): `nos_url` would give one it cannot serve."""
    with pytest.raises(NoReverseMatch):
        nos_url("listening", "api:behaviour")
    with pytest.raises(NoReverseMatch):
        nos_url("CFAM&LAA1", "web:no-such-page")
