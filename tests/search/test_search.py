"""Search on the real catalogue: the same tests run on SQLite and PostgreSQL (one full-text engine, tantivy)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from noshub.search import querylog
from noshub.search.engine import InvalidParameter, SearchParams, search
from noshub.search.fulltext import FullTextIndex
from noshub.search.models import QueryLog
from noshub.search.text.query import parse_query

pytestmark = pytest.mark.django_db


def _slugs(q: str, **kw) -> list[str]:
    return [h.slug for h in search(SearchParams(q=q, per_page=kw.pop("per_page", 10), **kw), log=False).hits]


def _titles(q: str, **kw) -> list[str]:
    return [h.title.lower() for h in search(SearchParams(q=q, per_page=kw.pop("per_page", 10), **kw), log=False).hits]


def test_one_engine_on_every_database(load_reports):
    result = search(SearchParams(q="welding"), log=False)
    assert result.engine == "tantivy" and result.total > 50, connection.vendor


@pytest.mark.parametrize("urn", ["CFAM&LAA1", "cfam_laa1", "CFAM_LAA1", " cfam&laa1 "])
def test_urn_in_any_form_comes_first(load_reports, urn):
    assert _slugs(urn, mode="keyword")[0] == "CFAM_LAA1"


def test_title_words_rank_a_matching_title_first(load_reports):
    titles = _titles("prepare fish for basic dishes", mode="keyword")
    assert titles[0] == "prepare fish for basic dishes"


def test_phrase_and_prefix(load_reports):
    phrase = search(SearchParams(q='"health and safety"', mode="keyword", per_page=10), log=False)
    assert phrase.total > 100 and all("health and safety" in h.title.lower() for h in phrase.hits)
    prefix = search(SearchParams(q="weld*", mode="keyword", per_page=10), log=False)
    assert prefix.total > 50 and all("weld" in h.title.lower() for h in prefix.hits)
    both = search(SearchParams(q='"health and safety" weld*', mode="keyword", per_page=10), log=False)
    assert both.total > 0
    # A phrase ignores punctuation and stop words ("health, safety and welfare" holds it on PostgreSQL).
    assert all("weld" in h.title.lower() or {"health", "safety"} <= set(re.findall(r"\w+", h.title.lower())) for h in both.hits)


def test_stemming_finds_other_word_forms(load_reports):
    assert set(_slugs("welds", mode="keyword", per_page=20)) & set(_slugs("welding", mode="keyword", per_page=20))


def test_british_and_american_spellings_find_the_same_nos(load_reports):
    british = set(_slugs("organise events", mode="keyword", per_page=20))
    american = set(_slugs("organize events", mode="keyword", per_page=20))
    assert british and british == american


def test_a_misspelling_still_finds_forklift_nos_and_says_did_you_mean(load_reports):
    result = search(SearchParams(q="forklfit", mode="keyword", per_page=20), log=False)
    assert result.did_you_mean == "forklift"
    assert any("lift truck" in h.title.lower() or "forklift" in h.title.lower() for h in result.hits)


# What the first results of a job title must be about: the work the job does, judged by title
# words chosen for the job (not by the SOC codes or the crosswalk the engine reads).
_CHEF_WORK = r"\b(cook|food|kitchen|dish|menu|pastr|bread|sauce|meat|fish|griddl|vegetable|dough|cake|dessert|soup|poultry|cater|knife|knives|rice|pasta|egg)"
_DRIVER_WORK = r"\b(vehicle|driv|goods|tanker|load|deliver|haul|tachograph|lorr|fuel)"
_CARE_WORK = r"\b(care|individual|patient|support|health|personal|assist|wellbeing)"


@pytest.mark.parametrize(
    ("query", "unit", "work"),
    [("chef", "5434", _CHEF_WORK), ("hgv driver", "8211", _DRIVER_WORK), ("care assistant", "6135", _CARE_WORK), ("chefs", "5434", _CHEF_WORK)],
)
@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_job_titles_find_nos_of_that_work(load_reports, query, unit, work, mode):
    result = search(SearchParams(q=query, mode=mode), log=False)
    assert unit in {j["soc2020"] for j in result.job_titles}  # the ONS coding index names the occupation
    top = [h.title for h in result.hits[:5]]
    assert len(top) == 5 and all(re.search(work, t, re.I) for t in top), top
    assert not any(re.search(r"\b(bone|organ|transplant|surg)", h.title, re.I) for h in result.hits[:10])


def test_chef_finds_kitchen_nos_though_no_title_says_chef(load_reports):
    titles = _titles("chef", mode="keyword")
    assert not any("chef" in t for t in titles)
    assert sum(any(w in t for w in ("cook", "kitchen", "dish", "food")) for t in titles) >= 8


def test_filters_and_facets(load_reports):
    everything = search(SearchParams(q="customer service", mode="keyword", validity="all"), log=False)
    current = search(SearchParams(q="customer service", mode="keyword"), log=False)
    assert everything.total > current.total > 0
    suite = current.facets["suite"][0]
    narrowed = search(SearchParams(q="customer service", mode="keyword", suite=suite["value"]), log=False)
    assert narrowed.total == suite["count"]
    assert all(suite["value"] in h.suites for h in narrowed.hits)
    major = current.facets["soc"][0]["value"]
    by_soc = search(SearchParams(q="customer service", mode="keyword", soc=major), log=False)
    assert by_soc.total == current.facets["soc"][0]["count"]
    assert all(f["value"].startswith(major) and len(f["value"]) == 2 for f in by_soc.facets["soc"])
    developer = current.facets["developer"][0]
    assert (
        search(SearchParams(q="customer service", developer=developer["value"], mode="keyword"), log=False).total
        == developer["count"]
    )


def test_sort_and_pagination(load_reports):
    first = search(SearchParams(q="management", mode="keyword", sort="title", per_page=10), log=False)
    second = search(SearchParams(q="management", mode="keyword", sort="title", per_page=10, page=2), log=False)
    titles = [h.title.lower() for h in first.hits + second.hits]
    assert titles == sorted(titles) and first.pages == -(-first.total // 10)
    assert not {h.slug for h in first.hits} & {h.slug for h in second.hits}
    dated = search(SearchParams(q="management", mode="keyword", sort="date", validity="all"), log=False).hits
    dates = [h.date_approved for h in dated if h.date_approved]
    assert dates == sorted(dates, reverse=True)


def test_empty_query_browses_with_filters(load_reports):
    result = search(SearchParams(q="", suite="Journalism"), log=False)
    assert result.total > 5 and all("Journalism" in h.suites for h in result.hits)


def test_a_query_with_no_result_is_recorded(load_reports):
    asked = timezone.now()
    result = search(SearchParams(q="zzqqxx plorbnik"))
    assert result.total == 0
    # Kept off the request path: noted now, written later in one go (after a response).
    assert not QueryLog.objects.filter(query="zzqqxx plorbnik").exists()
    assert querylog.flush() >= 1
    logged = QueryLog.objects.get(query="zzqqxx plorbnik", results=0)
    assert asked <= logged.at <= asked + timedelta(seconds=5)  # when it was asked, not when written


def test_a_failed_query_log_write_keeps_the_queries_for_the_next_try(load_reports, monkeypatch):
    from django.db import OperationalError

    search(SearchParams(q="zzqqxx plorbnik zzkeptqq"))

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(QueryLog.objects, "bulk_create", locked)
        assert querylog.flush() == 0  # never raises
    assert querylog.waiting() >= 1
    assert querylog.flush() >= 1 and QueryLog.objects.filter(query="zzqqxx plorbnik zzkeptqq").exists()


def test_zero_result_pages_are_logged_after_the_response(client, load_reports, settings):
    settings.QUERY_LOG_FLUSH_SECONDS = 0
    querylog.flush()
    assert client.get("/search/", {"q": "zzqqxx plorbnik zzpageqq", "mode": "keyword"}).status_code == 200
    assert QueryLog.objects.filter(query="zzqqxx plorbnik zzpageqq").exists()


def test_bad_parameters_are_refused():
    for bad in (
        {"page": "0"},
        {"per_page": "1000"},
        {"sort": "random"},
        {"validity": "maybe"},
        {"soc": "12345"},
        {"year": "soon"},
    ):
        with pytest.raises(InvalidParameter):
            SearchParams.from_query_dict(bad)


def test_highlighting_escapes_and_marks(load_reports):
    hit = search(SearchParams(q="fish", mode="keyword"), log=False).hits[0]
    assert "<mark>" in hit.title_html.lower() and "<script" not in hit.title_html


@pytest.mark.skipif("not __import__('noshub.core.search.embeddings', fromlist=['x']).available()")
def test_hybrid_search_uses_meaning(load_reports):
    result = search(SearchParams(q="looking after horses", mode="hybrid"), log=False)
    assert result.semantic
    assert any("horse" in h.title.lower() or "equine" in h.title.lower() for h in result.hits[:5])



@pytest.mark.skipif("not __import__('noshub.core.search.embeddings', fromlist=['x']).available()")
def test_hybrid_finds_what_keywords_find_when_meaning_finds_nothing(load_reports):
    """A long query of numbers: no NOS holds most of the words and little is close in meaning;
    hybrid mode once found 0 where keyword mode's any-word fallback found 210."""
    q = "1 2 3 4 5 6 7 8 9 10"
    keyword = search(SearchParams(q=q, mode="keyword", per_page=100, copies="all"), log=False)
    hybrid = search(SearchParams(q=q, mode="hybrid", per_page=100, copies="all"), log=False)
    assert keyword.total > 20
    assert hybrid.semantic and hybrid.total >= keyword.total  # every NOS holding a word is still there
    assert sum("keywords" in h.channels for h in hybrid.hits) >= 50  # and words still lead


@pytest.mark.skipif("not __import__('noshub.core.search.embeddings', fromlist=['x']).available()")
def test_work_described_in_words_finds_the_occupation_by_its_soc_description(load_reports):
    from noshub.search.models import SearchDocument

    # Not job titles the coding index knows: the ONS descriptions of the unit groups name them.
    for query, unit in [("cuts and styles hair in a salon", "6221"), ("drives a heavy goods lorry", "8211")]:
        result = search(SearchParams(q=query, mode="hybrid"), log=False)
        assert unit in {j["soc2020"] for j in result.job_titles}
        assert {j["source"] for j in result.job_titles} == {"SOC description"}
        top = SearchDocument.objects.filter(slug__in=[h.slug for h in result.hits[:5]])
        assert any(unit in d.soc2020 for d in top)
        assert any("occupation" in h.channels for h in result.hits)
        # Words alone (keyword mode) do not use the descriptions.
        assert not search(SearchParams(q=query, mode="keyword"), log=False).job_titles
    # Indexed job titles keep the coding index; a topic far from every description names none.
    assert {j["source"] for j in search(SearchParams(q="chef", mode="hybrid"), log=False).job_titles} == {"coding index"}
    assert not search(SearchParams(q="team leading", mode="hybrid"), log=False).job_titles


# -- the query builders never emit syntax from user text ---------------------------------------


def test_query_syntax_typed_by_a_user_is_only_words():
    index = FullTextIndex(
        [(1, "Title x near b", "", "", ""), (2, "Unclosed y", "", "", ""), (3, "Something else", "", "", "")]
    )
    stems = index.query_stems(parse_query('title:x NEAR(a b) OR "unclosed * ^y'))
    found = {i for i, _ in index.match(stems, {"title": 1.0}, 10)}
    assert found == {1, 2}  # the operators were words: "title", "near", "unclosed", "y" matched as words


def test_a_copy_hidden_by_a_reviewer_leaves_search_and_returns_when_reversed(load_reports, django_user_model):
    from noshub.catalogue.services import get_standard
    from noshub.cleansing import services as cleansing

    admin = django_user_model.objects.create_superuser("reviewer", "r@example.org", "pw")
    copy, original = get_standard("PPL2PC3"), get_standard("LANACT3")
    assert "PPL2PC3" in _slugs("prepare fish for basic dishes", mode="keyword")
    cleansing.record_decision(admin, copy, "imported_copy_of", "test: pretend it is a copy", target=original)
    assert "PPL2PC3" not in _slugs("prepare fish for basic dishes", mode="keyword")
    hidden = search(SearchParams(q="prepare fish for basic dishes", mode="keyword", include_hidden=True), log=False)
    assert "PPL2PC3" in [h.slug for h in hidden.hits]
    cleansing.reverse_decision(admin, copy, "test: it is not a copy after all")
    assert "PPL2PC3" in _slugs("prepare fish for basic dishes", mode="keyword")


def test_a_query_over_500_characters_is_refused_not_cut(client, load_reports):
    long = "welding " * 70  # 560 characters
    data = client.get("/search.json", {"q": long})
    assert data.status_code == 400
    assert data.json()["error"] == {
        "status": 400,
        "code": "invalid_parameter",
        "message": "q: must be at most 500 characters, not 560",
        "parameter": "q",
    }
    page = client.get("/search/", {"q": "x" * 10_000})
    assert page.status_code == 400 and len(page.content) < 60_000
    assert client.get("/api/v1/search", {"q": long}).json()["error"]["parameter"] == "q"
    assert client.get("/search.json", {"q": "welding " * 62}).status_code == 200  # 496 characters


def test_a_rolled_back_reindex_leaves_no_stale_index_behind(load_reports, tmp_path):
    """A reindex inside a transaction that is rolled back frees its generation number; the next
    reindex takes the same number and must still be seen (the cache compares the build time too)."""
    import json

    from django.db import transaction

    from noshub.catalogue.importers import import_json

    def nos(urn: str, title: str) -> None:
        path = tmp_path / f"{urn}.json"
        doc = {"URN": urn, "Title": title, "Validity": "Current", "Status": "Original", "NOSCategory": "Core"}
        path.write_text(json.dumps(doc))
        assert import_json(path).created == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        nos("ZZROLL1", "Groom working sheepdogs")
        assert "ZZROLL1" in _slugs("ZZROLL1", mode="keyword")
        raise RuntimeError("roll back")
    nos("ZZROLL2", "Shear hill sheep")
    assert "ZZROLL2" in _slugs("ZZROLL2", mode="keyword")
    assert "ZZROLL1" not in _slugs("ZZROLL1", mode="keyword")
