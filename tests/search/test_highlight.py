"""Marking a query's words in titles and snippets: the text comes back whole and escaped, and
exactly the words that start like a query word are marked."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from noshub.core.text import prefix_stem
from noshub.search.text.highlight import highlight
from noshub.search.text.query import fold

TEXTS = st.text(alphabet=st.sampled_from(list("abcdeéfgrstu ABC_1'’\"&<>;-.\n\t")), max_size=80)
WORDS = st.lists(st.text(alphabet=st.sampled_from(list("abcdeéfgrstuABC1")), min_size=1, max_size=6), max_size=4)


@settings(max_examples=400, deadline=None)
@given(TEXTS, WORDS)
def test_the_text_comes_back_escaped_with_exactly_the_words_starting_like_the_query_marked(text, words):
    out = highlight(text, words)
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == text
    assert "<" not in re.sub(r"</?mark>", "", out) and ">" not in re.sub(r"</?mark>", "", out)
    stems = {prefix_stem(fold(w)) for w in words if len(w) > 1}
    marked = re.findall(r"<mark>(.*?)</mark>", out)
    every_word = re.findall(r"\w+", text)
    assert marked == [w for w in every_word if stems and fold(w).startswith(tuple(stems))]


def test_examples():
    assert highlight("Prepare fish & shellfish <dishes>", ["fish"]) == "Prepare <mark>fish</mark> &amp; shellfish &lt;dishes&gt;"
    assert highlight("Welding: weld joints", ["welding"]) == "<mark>Welding</mark>: <mark>weld</mark> joints"
    assert highlight("Café staff", ["cafe"]) == "<mark>Café</mark> staff"
    assert highlight("a \"quoted\" word", []) == "a &quot;quoted&quot; word"
