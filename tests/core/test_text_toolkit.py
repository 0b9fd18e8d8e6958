"""The text toolkit (`noshub.core.text`): properties that pin down how each function reads text
today, so that the readers built on it (duplicate detection, search, the SOC coder, the store's
title check) keep their results."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from noshub.core.text import (
    OCCUPATION_STOP_WORDS,
    SEARCH_STOP_WORDS,
    SIMILARITY_STOP_WORDS,
    TITLE_STOP_WORDS,
    clean_title,
    content_words,
    light_stem,
    prefix_stem,
    strip_tags,
    suffix_stem,
    title_content_key,
    title_match_key,
)

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=15)
PIECES = [*"ab <>/p&;'\"\n\t", "<p>", "</li>", "<br/>", "&amp;", "&lt;", "Work ", "safely"]
MARKUP = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
TAG = re.compile(r"<[^>]+>")


@given(WORDS)
def test_light_stem_never_lengthens_and_keeps_short_words(word):
    stemmed = light_stem(word)
    assert len(stemmed) <= len(word)
    if len(word) <= 3:
        assert stemmed == word


@given(WORDS)
def test_prefix_stem_is_a_prefix_of_at_least_four_letters(word):
    stemmed = prefix_stem(word)
    assert word.startswith(stemmed)
    assert len(stemmed) >= min(len(word), 4)
    assert prefix_stem(stemmed) == stemmed or len(stemmed) > 5


@given(WORDS)
def test_suffix_stem_never_lengthens(word):
    stemmed = suffix_stem(word)
    assert len(stemmed) <= len(word)
    if len(word) <= 3:
        assert stemmed == word


def test_the_stemmers_differ_so_each_reader_keeps_its_own():
    # the reason there are three: one stemmer for all would change search, duplicates and SOC codes
    assert (light_stem("nurses"), suffix_stem("nurses"), prefix_stem("nurses")) == ("nurse", "nurs", "nurs")
    assert (light_stem("organisation"), suffix_stem("organisation"), prefix_stem("organisation")) == (
        "organisation",
        "organis",
        "organisat",
    )
    assert light_stem("planning") == "plan" and light_stem("organizing") == "organis"
    assert suffix_stem("plasterer") == suffix_stem("plastering") == "plast"


def test_the_stemmers_and_clean_title_are_not_idempotent_today():
    # pinned as they are: stemming a stem again can cut more (no reader does it)
    assert light_stem("speeded") == "speed" and light_stem("speed") == "spe"
    assert suffix_stem("pleases") == "pleas" and suffix_stem("pleas") == "plea"
    assert clean_title("1 2 Work safely") == "2 Work safely" and clean_title("2 Work safely") == "Work safely"


@given(MARKUP)
def test_strip_tags_leaves_no_tag_and_no_stray_space(value):
    text = strip_tags(value)
    if "&" not in value:  # an entity may spell a tag ("&lt;p&gt;"): that is text, decoded
        assert not TAG.search(text)
    assert text == " ".join(text.split())


@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=40))
def test_strip_tags_only_normalises_the_spaces_of_plain_text(value):
    assert strip_tags(value) == " ".join(value.split())


@given(MARKUP)
def test_content_words_are_lower_case_words_without_similarity_stop_words_before_stemming(value):
    for word in content_words(value):
        assert word and word == word.lower() and " " not in word


@given(st.text(max_size=40))
def test_title_match_key_is_idempotent_and_has_no_punctuation_or_legacy(title):
    key = title_match_key(title)
    assert title_match_key(key) == key
    assert "legacy" not in key.split()
    assert not re.search(r"[^\w ]", key)


@given(st.text(max_size=40))
def test_title_content_key_is_the_content_words_of_the_clean_title(title):
    assert title_content_key(title) == " ".join(content_words(clean_title(title)))


def test_clean_title_drops_the_marks_of_catalogue_life():
    assert clean_title("3.1 Prepare fish dishes - Legacy") == "Prepare fish dishes"
    assert clean_title("Plan legacy fundraising") == "Plan legacy fundraising"
    assert title_match_key("Lift and handle goods (Legacy)") == "lift and handle goods"
    assert title_content_key("Planning customers' events Legacy") == "plan customer event"


def test_each_job_keeps_its_own_stop_words():
    assert "how" in SIMILARITY_STOP_WORDS and "how" in SEARCH_STOP_WORDS and "how" not in TITLE_STOP_WORDS
    assert "own" in TITLE_STOP_WORDS and "own" not in SEARCH_STOP_WORDS
    assert {"nos", "occupations", "related", "nec", "level", "suite"} <= OCCUPATION_STOP_WORDS


def test_the_soc_stop_words_are_scikit_learns_english_list_and_the_coders_own():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert frozenset(ENGLISH_STOP_WORDS) | {"nos", "occupations", "related", "nec", "and", "level", "suite"} == (
        OCCUPATION_STOP_WORDS
    )


def test_the_toolkit_imports_neither_django_nor_scikit_learn():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]  # this checkout's noshub, not an installed one
    code = "import sys, noshub.core.text; print(sorted(m for m in ('django', 'sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
