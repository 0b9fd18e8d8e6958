"""The plain-English summary (generated from a NOS's own fields) and compare (picked by search,
changed words marked, no-text said plainly), on the real catalogue: HTML and JSON twins, Welsh,
bad input."""

from __future__ import annotations

import re

import pytest

from noshub.core.html import plain_text
from noshub.lifecycle.readability import band, flesch_reading_ease, sentence_count
from noshub.web.compare import word_diff
from noshub.web.summary import PICKED, STATEMENT_WORDS, shorten, spread

pytestmark = pytest.mark.django_db

WITH_TEXT = "COGDO9"  # Prepare for maintenance in downstream operations: 16 criteria, 5 knowledge held
NO_TEXT = "SFLDGV1"  # Prepare the goods vehicle for driving: catalogue details only
EXCERPT = "SFHCHS11"  # a finder page's cut excerpt
SAME_TEXT = ("CFAM&LAA1", "PROHBC1")  # "Manage yourself" twice, the same (no) text: details only
REWORDED = ("COGDO12", "COGDO1")  # safety of downstream operations: 3 statements shared, 6 reworded


def _html(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    return response.content.decode()


def _nos(client, urn: str) -> dict:
    return client.get(f"/nos/{urn}.json").json()


# -- the rules ----------------------------------------------------------------------------------


def test_spread_takes_the_first_the_last_and_evenly_between():
    assert spread(list(range(10)), 5) == [0, 2, 4, 7, 9]
    assert spread(list(range(3)), 5) == [0, 1, 2]
    assert spread(list(range(7)), 1) == [0]
    assert shorten("one two three", 2) == "one two …" and shorten("one two", 2) == "one two"


def test_word_diff_marks_the_changed_words_only():
    left, right = word_diff("Record the results", "Record all the results")
    assert left == [{"text": "Record the results", "change": "same"}]
    assert right == [
        {"text": "Record", "change": "same"},
        {"text": "all", "change": "ins"},
        {"text": "the results", "change": "same"},
    ]
    left, right = word_diff("check the kit", "inspect the kit")
    assert [p["change"] for p in left] == ["del", "same"] and [p["change"] for p in right] == ["ins", "same"]


# -- the summary --------------------------------------------------------------------------------


def test_summary_of_a_nos_with_text_is_generated_plain_and_short(client, load_reports):
    nos = _nos(client, WITH_TEXT)["current"]
    data = client.get(f"/nos/{WITH_TEXT}/summary.json").json()
    s = data["summary"]
    assert s["generated"] is True and s["has_text"] is True
    assert s["job_function"]["title"] == "Prepare for maintenance in downstream operations"
    assert s["job_function"]["overview"] == "This standard is about your competence in preparing plant for others to maintain."
    criteria = nos["performance_criteria"]
    assert len(criteria) > PICKED
    expected = [shorten(c["text"]) for c in spread(criteria)]
    assert s["what_a_person_does"]["items"] == expected and s["what_a_person_does"]["of"] == len(criteria)
    assert all(len(i.split()) <= STATEMENT_WORDS + 1 for i in expected)
    assert s["what_a_person_knows"]["items"][0] == shorten(nos["knowledge_and_understanding"][0]["text"])
    assert s["who_it_is_for"]["suites"] == nos["suites"]
    score = s["readability"]["score"]
    assert isinstance(score, float) and 0 < score < 100 and s["readability"]["measured_on"] == "text"
    assert data["finder_url"].startswith(f"https://www.ukstandards.org.uk/en/nos-finder/{WITH_TEXT}/")

    html = _html(client.get(f"/nos/{WITH_TEXT}/summary/"))
    assert 'data-notice="generated"' in html and "This summary was generated automatically." in html
    assert f'href="/nos/{WITH_TEXT}/"' in html and f'href="{data["finder_url"]}"' in html
    assert "What the job function is" in html and "Who it is for" in html
    assert "The main things a person does" in html and "The main things a person knows" in html
    assert f"Reading ease score: {score} out of 100" in html
    does = re.search(r'data-summary="does"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert does.count("<li>") == PICKED
    # the full statements are not repeated: the summary is shorter than the criteria
    assert len(" ".join(expected)) < len(" ".join(c["text"] for c in criteria))


def test_summary_of_a_nos_without_text_uses_its_catalogue_details(client, load_reports):
    nos = _nos(client, NO_TEXT)["current"]
    assert not nos["performance_criteria"] and not nos["knowledge_and_understanding"]
    s = client.get(f"/nos/{NO_TEXT}/summary.json").json()["summary"]
    assert s["has_text"] is False and s["what_a_person_does"]["items"] == []
    assert s["job_function"]["title"] == "Prepare the goods vehicle for driving"
    assert s["who_it_is_for"]["occupations"] == nos["relevant_occupations"]
    assert s["keywords"]["items"] == nos["keywords"][:12]
    html = _html(client.get(f"/nos/{NO_TEXT}/summary/"))
    assert "There is no text to summarise" not in html
    assert 'data-summary="no-text"' in html and "NOS Hub does not hold this standard’s text" in html
    assert "Prepare the goods vehicle for driving" in html
    if s["readability"]["score"] is None:
        assert "No score: NOS Hub holds no text of this standard to measure." in html


def test_summary_readability_is_the_flesch_score_of_the_english_text(client, load_reports):
    nos = _nos(client, WITH_TEXT)["current"]
    s = client.get(f"/nos/{WITH_TEXT}/summary.json").json()["summary"]
    statements = [x["text"] for n in ("performance_criteria", "knowledge_and_understanding") for x in nos[n]]
    overview = plain_text(nos["overview"])
    expected = flesch_reading_ease("\n".join([overview, *statements]), sentences=len(statements) + sentence_count(overview))
    assert s["readability"]["score"] == expected
    assert s["readability"]["band"] == band(expected) and s["readability"]["band_label"]


def test_summary_of_an_excerpt_says_it_is_one(client, load_reports):
    html = _html(client.get(f"/nos/{EXCERPT}/summary/"))
    assert 'data-notice="excerpt"' in html and 'data-notice="generated"' in html
    data = client.get(f"/nos/{EXCERPT}/summary.json").json()
    criteria = _nos(client, EXCERPT)["current"]["performance_criteria"]
    assert data["text_partial"] is True and criteria[-1]["text"].endswith("using appropriate techn")
    does = data["summary"]["what_a_person_does"]
    assert does["of"] == len(criteria) and does["items"] == [shorten(c["text"]) for c in spread(criteria[:-1])]
    assert not any("techn" in i.split()[-1] for i in does["items"])  # the cut statement is never picked


def test_summary_in_welsh_uses_the_welsh_text_and_labels(welsh_client, welsh_nos):
    s = welsh_client.get(f"/nos/{welsh_nos}/summary.json").json()["summary"]
    assert s["what_a_person_does"] == {"items": ["cyfarch ymwelwyr yn gwrtais", "cofnodi pob ymweliad"], "of": 2, "lang": "cy"}
    assert s["what_a_person_knows"]["lang"] == "en"  # no Welsh knowledge held: English, marked
    assert s["job_function"]["overview"] == "Mae’r safon hon yn ymwneud â chroesawu ymwelwyr."
    html = _html(welsh_client.get(f"/nos/{welsh_nos}/summary/"))
    assert "Beth yw’r swyddogaeth swydd" in html and "Cafodd y crynodeb hwn ei gynhyrchu’n awtomatig." in html
    assert 'data-summary="knows" lang="en"' in html and 'data-summary="does">' in html


def test_summary_of_an_unknown_nos_is_a_404(client, load_reports):
    assert client.get("/nos/NOSUCH99/summary/").status_code == 404
    assert client.get("/nos/NOSUCH99/summary.json").json()["error"]["code"] == "not_found"


# -- compare ------------------------------------------------------------------------------------


def test_compare_a_same_text_pair_without_text_compares_their_details(client, load_reports):
    a, b = SAME_TEXT
    data = client.get("/compare.json", {"a": a, "b": b}).json()
    assert data["text_compared"] is False and not data["has_text_a"] and not data["has_text_b"]
    assert data["shared_statements"] is None and data["sections"] == []
    rows = {r["name"]: r for r in data["details"]}
    assert rows["title"]["same"] and rows["title"]["a"] == "Manage yourself"
    html = _html(client.get("/compare/", {"a": a, "b": b}))
    assert "NOS Hub does not hold the text of CFAM&amp;LAA1 or of PROHBC1" in html and "They share" not in html


def test_compare_reworded_statements_marks_changed_words_and_labels_every_row(client, load_reports):
    a, b = REWORDED
    data = client.get("/compare.json", {"a": a, "b": b}).json()
    assert data["text_compared"] is True and (data["shared_statements"], data["similar_statements"]) == (3, 6)
    row = next(r for r in data["sections"][0]["similar"] if "identification of safety hazards" in r["a"]["text"])
    assert [p for p in row["diff_b"] if p["change"] == "ins"] == [{"text": "the", "change": "ins"}]
    assert all(p["change"] == "same" for p in row["diff_a"])
    html = _html(client.get("/compare/", {"a": a, "b": b}))
    assert "They share 3 statements word for word and 6 more in similar words." in html
    assert '<ins><span class="govuk-visually-hidden">[added:] </span>the</ins>' in html
    assert '<del><span class="govuk-visually-hidden">[removed:] </span>' in html
    assert "Worded differently (96.7% alike)" in html and f"Only in {b}" in html
    rows = {r["name"]: r for r in data["details"]}
    assert rows["title"]["marked"] and rows["title"]["diff_a"][0] == {"text": "Maintaining", "change": "del"}
    assert not rows["developed_by"]["marked"]  # the same: nothing to mark
    tables = re.findall(r'<table class="govuk-table noshub-compare".*?</table>', html, re.S)
    assert len(tables) == 2  # the details and the performance criteria
    for table in tables:
        rows = re.findall(r'<tr class="govuk-table__row">.*?</tr>', table.split("<tbody", 1)[1], re.S)
        assert rows and all('<th scope="row"' in r for r in rows)  # every row has its label


def test_compare_with_a_nos_without_text_says_so_and_compares_details(client, load_reports):
    data = client.get("/compare.json", {"a": NO_TEXT, "b": WITH_TEXT}).json()
    assert data["text_compared"] is False and data["has_text_a"] is False and data["has_text_b"] is True
    assert data["shared_statements"] is None and data["sections"] == []
    developer = next(r for r in data["details"] if r["name"] == "developed_by")
    assert (developer["a"], developer["b"]) == ("Skills for Logistics", "Cogent")
    assert not developer["same"] and not developer["marked"]  # no word in common: shown as is, not all struck through
    html = _html(client.get("/compare/", {"a": NO_TEXT, "b": WITH_TEXT}))
    assert "share 0" not in html and "They share" not in html
    assert f"NOS Hub does not hold the text of {NO_TEXT}" in html and 'data-notice="no-text"' in html
    assert 'data-compare="details"' in html


def test_compare_picks_each_nos_from_a_search(client, load_reports):
    qa, qb = "prepare for maintenance in downstream operations", "prepare the goods vehicle for driving"
    html = _html(client.get("/compare/", {"qa": qa, "qb": qb}))
    assert 'role="search"' in html and 'data-compare="details"' not in html
    radios_a = re.findall(r'name="a" type="radio" value="([^"]+)"( checked)?', html)
    radios_b = re.findall(r'name="b" type="radio" value="([^"]+)"( checked)?', html)
    assert radios_a[0] == (WITH_TEXT, " checked") and radios_b[0] == (NO_TEXT, " checked")  # the best match is picked
    assert f'name="la" value="{qa}"' in html
    data = client.get("/compare.json", {"qa": qa}).json()
    assert data["choices"]["a"][0]["urn"] == WITH_TEXT and "details" not in data
    # Submitting the form as it stands (the picks and the searches they came from) compares them.
    picked = {"qa": qa, "la": qa, "a": WITH_TEXT, "qb": qb, "lb": qb, "b": NO_TEXT}
    html = _html(client.get("/compare/", picked))
    assert 'data-chosen="a"' in html and 'data-chosen="b"' in html and 'data-compare="details"' in html
    assert f'value="{WITH_TEXT}" checked' in html
    # A changed search offers new results instead of keeping the old pick.
    html = _html(client.get("/compare/", {**picked, "qb": "offer reiki to animals"}))
    assert 'data-chosen="b"' not in html and 'data-compare="details"' not in html


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"a": WITH_TEXT, "b": "NOSUCH99"}, 404, "No NOS has the URN NOSUCH99"),
        ({"a": WITH_TEXT, "b": WITH_TEXT}, 400, "Both sides are the same standard"),
        ({"a": WITH_TEXT, "b": WITH_TEXT.lower()}, 400, "Both sides are the same standard"),
    ],
)
def test_compare_bad_input_is_a_clear_message(client, load_reports, params, status, words):
    html = _html(client.get("/compare/", params), status)
    assert "govuk-error-summary" in html and words in html
    error = client.get("/compare.json", params).json()["error"]
    assert error["status"] == status and error["parameter"] == "b" and words in error["message"]


def test_compare_with_nothing_asked_is_the_form_and_a_400_twin(client, load_reports):
    html = _html(client.get("/compare/"))
    assert 'id="qa"' in html and 'id="qb"' in html and "govuk-error-summary" not in html
    twin = client.get("/compare.json")
    assert twin.status_code == 400 and twin.json()["error"]["code"] == "invalid_parameter"
    assert client.get("/compare/", {"qa": "x" * 501}).status_code == 400
    html = _html(client.get("/compare/", {"qa": "qqzzxxnonsense"}))
    assert 'data-no-choices="a"' in html


def test_compare_in_welsh(welsh_client, load_reports):
    html = _html(welsh_client.get("/compare/", {"a": NO_TEXT, "b": WITH_TEXT}))
    assert "Eu manylion" in html and f"Nid yw NOS Hub yn dal testun {NO_TEXT}" in html
    html = _html(welsh_client.get("/compare/", {"a": WITH_TEXT, "b": WITH_TEXT}), 400)
    assert "Dewiswch ddwy safon wahanol" in html
