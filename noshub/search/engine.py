"""The search service: one function, `search(params)`, behind the pages, the API and the CLI.

Candidates come from up to four sources, and are scored together (`scoring`):
1. URN: a query that is a URN in any form puts that NOS first;
2. words: the full-text engine (tantivy, BM25 over any of the words, field boosts); each word
   also matches its British/American spelling, a few job-word synonyms, and, when it is not a
   word the catalogue uses, its closest spelling;
3. job titles: the query looked up in the ONS SOC 2020 coding index (32,000 job titles); the
   NOS of the SOC unit groups it names, by their evidence; in hybrid mode, a query that is no
   indexed job title but describes work ("looks after young children in a nursery") names the
   unit groups whose ONS description it is closest to in meaning;
4. meaning (hybrid mode, when the semantic extra is installed): the NOS closest to the query
   by cosine similarity of all-MiniLM-L6-v2 embeddings.
Each candidate's score is a weighted sum of plain features (BM25, how much of the query it
holds and where, how nearly its title is the query, meaning, job-title evidence), with weights
fitted by cross-validation on the judged query set. Filters, facet counts, sorting and pages
are then computed over the ranked list in Python, from a per-process cache of the index that
reloads when the index changes.

The steps live in their own modules: `params` (what is asked), `index_cache` (the cache),
`ranking` (candidates besides words), `scoring` (features and weights), `results` (what is returned); this module runs them.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import attrgetter

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.names import shown_name
from noshub.core.search import embeddings
from noshub.core.urns import normalise_urn

from . import evidence, querylog
from .duplicates import DuplicateGroups, collapse, duplicate_groups
from .index_cache import IndexCache, IndexedDoc, current_index, soc_counts
from .labels import Labels, current_labels
from .params import MAX_PER_PAGE, InvalidParameter, SearchParams, clean_text
from .ranking import (
    FEW_MATCHES,
    OCCUPATION_FROM_WORDS,
    RARE_WORD,
    corrections,
    job_title_ranking,
    job_title_units,
    meaning_of,
    occupation_units,
)
from .reasons import reasons, review_status, snippet_of, word_stems
from .results import Hit, SearchResult
from .scoring import FEATURES, feature_matrix, weights_for
from .scoring import scores as score_rows
from .text.highlight import highlight
from .text.query import ParsedQuery, parse_query, with_alternatives, words
from .text.spelling import SYNONYMS
from .welsh import WelshQuery, read_query

# The names other apps import from here.
ENGINE = "tantivy"
CANDIDATES = 2000  # NOS taken from the full-text engine, best BM25 first
SHOWN_ANYWAY = 100  # the best-scored NOS are shown whatever share of the query's words they hold
JOB_TITLE_SPREAD = 20.0  # a job title's k-th NOS scores 1 / (1 + k / this)

__all__ = ["MAX_PER_PAGE", "InvalidParameter", "SearchParams", "SearchResult", "search", "soc_counts"]


@dataclass
class _Ranked:
    """The fused ranking of a query: NOS ids best first, their scores, which list found
    which NOS (for "matched_by", in the order the lists were made), and what to suggest."""

    ids: list[int] = field(default_factory=list)
    score: dict[int, float] = field(default_factory=dict)
    channels: list[tuple[str, set[int]]] = field(default_factory=list)
    did_you_mean: str = ""
    job_titles: list[dict] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)  # every candidate, in the order of `features`' rows
    features: np.ndarray | None = None  # one row of scoring.FEATURES per candidate (for the tuner)
    all_ids: list[int] = field(default_factory=list)  # every candidate, best first, shown or not (for the tuner)
    cache: IndexCache | None = None

    def note(self, ids, channel: str) -> None:
        self.channels.append((channel, set(ids)))

    def by_urn(self) -> set[int]:
        """The NOS the query names by URN: found whatever a reviewer decided about them."""
        return set().union(*(ids for name, ids in self.channels if name == "urn"))


def search(params: SearchParams, log: bool = True) -> SearchResult:
    """The results of `params` (which it cleans in place: the query's text, the names of a suite
    or developer filter). A result is kept, per process, until the catalogue changes (its stamp,
    `noshub.catalogue.stamp`), the day does (a NOS's review falls due) or it is among the least
    recently used of `RESULTS_KEPT`: the same search (words, filters, page, language) again is
    read back, not computed again. Only a repeated search gains; every answer is the same."""
    started = time.perf_counter()
    key = _result_key(params)
    kept = results_cache().get(key)
    if kept is not None:
        result, empty_query = kept
        vars(params).update(vars(result.params))  # cleaned as the first time
        result.params = params
        result.took_ms = (time.perf_counter() - started) * 1000
    else:
        result, empty_query = _search(params, started)
        results_cache().set(key, (result, empty_query), RESULTS_SECONDS)
    if log and not empty_query and result.total == 0:
        _log_no_results(params, result)
    return result


RESULTS_SECONDS = 24 * 3600
RESULTS_KEPT = "search"  # the Django cache that keeps results (settings.CACHES: bounded, per process)


def results_cache():
    """Where search results are kept (settings.CACHES["search"], else the default cache)."""
    return caches[RESULTS_KEPT] if RESULTS_KEPT in settings.CACHES else caches["default"]


def _result_key(params: SearchParams) -> str:
    """What makes a search's result: its parameters, the language (reasons are worded in it),
    the day (review status) and where the catalogue stands."""
    stamp = catalogue_stamp.current().key()
    asked = repr((sorted(vars(params).items()), get_language(), date.today().isoformat(), embeddings.available(), stamp))
    return "search-result:" + hashlib.sha256(asked.encode()).hexdigest()


def _search(params: SearchParams, started: float) -> tuple[SearchResult, bool]:
    # A suite or developer filter may be a spelling the sources used (a link made before the
    # names were merged): it filters by the name shown (`noshub.catalogue.names`).
    if params.suite:
        params.suite = shown_name("suite", params.suite)
    if params.developer:
        params.developer = shown_name("developer", params.developer)
    ranked, filtered, parsed, hybrid, welsh = _ranked_and_filtered(params)
    cache = ranked.cache
    groups = duplicate_groups(cache)
    if params.group:
        filtered = [d for d in filtered if groups.group_of.get(d.id) == params.group]
    copies: dict[int, list[IndexedDoc]] = {}
    if not params.shows_every_copy:
        filtered, copies = collapse(filtered, groups, ranked.by_urn())
    provenance: list[dict] = []  # counted only where there is a SOC group or an evidence filter
    if params.soc or params.provenance or params.min_confidence:
        filtered, provenance = evidence.filter_and_count(filtered, params.soc, params.provenance, params.min_confidence)
    facets = {
        **_facets(filtered, copies, params, cache.facet_pairs),
        **_label_facets(filtered, copies, current_labels()),
        "provenance": provenance,
    }
    _sort(filtered, params, parsed)
    start = (params.page - 1) * params.per_page
    hits = _hits(filtered[start : start + params.per_page], ranked, parsed, copies, groups, welsh, params.soc)
    result = SearchResult(
        params,
        len(filtered),
        hits,
        facets,
        ranked.did_you_mean,
        ranked.job_titles,
        ENGINE,
        hybrid,
        (time.perf_counter() - started) * 1000,
        welsh,
    )
    return result, parsed.is_empty


def scored_candidates(params: SearchParams) -> tuple[list[str], np.ndarray]:
    """Every candidate NOS of these parameters that passes the filters, shown or not (slugs, best
    first), with each one's row of `scoring.FEATURES`: what the tuner re-weighs to fit the
    ranking's weights. Its first SHOWN_ANYWAY are the first results the search shows (before
    duplicates are collapsed: the judged set's metrics count a repeated title as not relevant)."""
    ranked, _, _, _, _ = _ranked_and_filtered(params)
    filtered = _visible([ranked.cache.docs[i] for i in ranked.all_ids], ranked, params)
    if ranked.features is None:  # an empty query: nothing scored
        return [d.slug for d in filtered], np.zeros((len(filtered), len(FEATURES)))
    row = {i: r for r, i in enumerate(ranked.candidates)}
    return [d.slug for d in filtered], ranked.features[[row[d.id] for d in filtered]].reshape(len(filtered), len(FEATURES))


def _ranked_and_filtered(params: SearchParams) -> tuple[_Ranked, list[IndexedDoc], ParsedQuery, bool, WelshQuery]:
    """The ranking of the query and the NOS of it that pass the filters, in ranked order."""
    params.validate()
    params.q = clean_text(params.q)
    cache = current_index()
    # A Welsh name ("Meini prawf perfformiad", "Trosolwg") is searched as what it names.
    welsh = read_query(params.q, cache.vocabulary, cache.welsh_text, RARE_WORD)
    q = welsh.name.english if welsh.name else params.q
    parsed = parse_query(q)
    hybrid = params.mode == "hybrid" and embeddings.available() and len(cache.vectors) > 0
    if parsed.is_empty:
        ranked = _Ranked(ids=sorted(cache.docs, key=lambda i: cache.docs[i].title.lower()))
    else:
        ranked = _rank(q, parsed, cache, hybrid)
    _add_welsh_text(welsh, params.q, cache, ranked)
    ranked.cache = cache
    return ranked, _visible(list(map(cache.docs.__getitem__, ranked.ids)), ranked, params), parsed, hybrid, welsh


def _visible(docs: list[IndexedDoc], ranked: _Ranked, params: SearchParams) -> list[IndexedDoc]:
    """The NOS that pass the filters and are not hidden by a reviewer's decision."""
    if not params.include_hidden:  # copies a reviewer hid behind their original, unless asked for by URN
        by_urn = ranked.by_urn()
        docs = [d for d in docs if not d.hidden_behind or d.id in by_urn]
    return _apply_filters(docs, params, current_labels() if params.reach or params.theme or params.behaviour else None)


def _add_welsh_text(welsh: WelshQuery, q: str, cache: IndexCache, ranked: _Ranked) -> None:
    """NOS whose Welsh text holds every word of a Welsh query, first (by title)."""
    if not welsh.nos_with_welsh_text:
        return
    holders = set.intersection(*(cache.welsh_text.get(w, set()) for w in words(q)))
    found = sorted((i for i in holders if i in cache.docs), key=lambda i: cache.docs[i].title.lower())
    ranked.note(found, "welsh text")
    ranked.ids = found + [i for i in ranked.ids if i not in holders]
    ranked.all_ids = found + [i for i in ranked.all_ids if i not in holders]


def _rank(q: str, parsed: ParsedQuery, cache: IndexCache, hybrid: bool) -> _Ranked:
    """Score every candidate by the fitted weights (`scoring`); a NOS the query names by URN first."""
    ranked = _Ranked()
    weights = weights_for("hybrid" if hybrid else "keyword")
    urn_ids = cache.by_urn.get(normalise_urn(q), []) if len(q.split()) <= 2 else []
    if urn_ids:
        ranked.note(urn_ids, "urn")

    fixes = {} if urn_ids else corrections(parsed, cache)
    expanded = _expand(parsed, fixes)
    if fixes:
        ranked.did_you_mean = " ".join(fixes.get(w, w) for w in words(q))
    stems = cache.fulltext.query_stems(expanded)
    matches = cache.fulltext.match(stems, weights.boosts(), CANDIDATES)  # the full-text index holds exactly cache.docs
    bm25 = dict(matches)
    meaning = meaning_of(q, cache) if hybrid and not urn_ids else None  # a URN means that NOS, not its neighbours
    job_ids = _add_job_titles(q, parsed, cache, [i for i, _ in matches], hybrid and not urn_ids, ranked)

    # (a vector may outlive its NOS until vectors are rebuilt: only indexed NOS are candidates)
    candidates = [i for i in dict.fromkeys([*(i for i, _ in matches), *(meaning.ids if meaning else ()), *job_ids]) if i in cache.docs]
    cosine = meaning.cosines(candidates) if meaning is not None else {}
    job_score = {i: 1.0 / (1.0 + r / JOB_TITLE_SPREAD) for r, i in enumerate(job_ids)}
    features = feature_matrix(candidates, bm25, stems, cache.fulltext, cosine, job_score)
    scores = score_rows(features, weights.vector())

    order = np.argsort(-scores, kind="stable")
    # Shown: the best-scored NOS, then any others holding most of the query's words or found
    # by meaning or a job title; with too few holding most of the words, every NOS holding any.
    coverage = features[:, FEATURES.index("coverage")]
    n_words = len(stems.groups) + len(stems.phrases)
    enough = n_words // 2 + 1 if n_words else 0
    holding_most = coverage * n_words >= enough - 1e-9
    all_ids = [candidates[r] for r in order.tolist()]  # (Python ints and floats: no numpy scalar per candidate)
    score = dict(zip(all_ids, scores[order].tolist(), strict=True))
    if int(holding_most.sum()) < FEW_MATCHES:
        ids = list(all_ids)
    else:
        found_otherwise = set(meaning.ids if meaning else ()) | set(job_ids)
        most = holding_most[order].tolist()
        ids = [i for n, i in enumerate(all_ids) if n < SHOWN_ANYWAY or most[n] or i in found_otherwise]
    ranked.note([i for i in ids if i in bm25], "keywords")
    if meaning is not None:
        ranked.note(meaning.ids, "meaning")
    if urn_ids:  # the NOS the query names come first
        score.update(dict.fromkeys(urn_ids, max(score.values(), default=0.0) + 1.0))
        named = set(urn_ids)
        ids = [*urn_ids, *(i for i in ids if i not in named)]
        all_ids = [*urn_ids, *(i for i in all_ids if i not in named)]
    ranked.ids = ids
    ranked.all_ids = all_ids
    ranked.score = score
    ranked.candidates, ranked.features = candidates, features
    return ranked


def _expand(parsed: ParsedQuery, fixes: dict[str, str]) -> ParsedQuery:
    """The query with each word's synonyms, and each misspelt word's correction (and its synonyms)."""
    extra = {t.text: SYNONYMS.get(t.text, ()) for t in parsed.terms}
    for wrong, right in fixes.items():
        extra[wrong] = (*extra.get(wrong, ()), right, *SYNONYMS.get(right, ()))
    return with_alternatives(parsed, extra, fixes)


def _add_job_titles(q: str, parsed: ParsedQuery, cache: IndexCache, keyword_ids: list[int], by_meaning: bool, ranked: _Ranked) -> list[int]:
    """The NOS of the SOC unit groups the query names as a job title (or, when `by_meaning`
    and it describes work, whose ONS description it is closest to), by evidence and closeness
    to the title and its occupation, in meaning when `by_meaning` (`ranking.job_title_ranking`)."""
    units = job_title_units(parsed, cache)
    source = "coding index"
    if not units and by_meaning and len(parsed.required()) >= OCCUPATION_FROM_WORDS:
        units = occupation_units(q, cache)
        source = "SOC description"
    if not units:
        return []
    query_vector = embeddings.encode_query(q) if by_meaning else None
    ordered = job_title_ranking(units, parsed, keyword_ids, cache, query_vector)
    ranked.note(ordered, "job title" if source == "coding index" else "occupation")
    ranked.job_titles = [
        {"soc2020": u, "title": cache.unit_titles.get(u, ""), "count": n if source == "coding index" else 0, "source": source}
        for u, n in units.most_common(3)
    ]
    return ordered


def _apply_filters(docs: list[IndexedDoc], p: SearchParams, labels: Labels | None) -> list[IndexedDoc]:
    """The NOS passing the filters (`labels`: needed only for the reach, theme and behaviour filters)."""
    # Validity first, in one comprehension: every search filters by it (unless "all"), most by nothing else.
    if p.validity != "all":
        docs = [d for d in docs if d.validity == p.validity]
    if labels is None and not (p.suite or p.developer or p.category or p.soc or p.year):
        return docs
    out = []
    for d in docs:
        if p.suite and p.suite not in d.suites:
            continue
        if p.developer and d.developer != p.developer:
            continue
        if p.category and d.category != ("" if p.category == "none" else p.category):
            continue
        if p.soc and p.soc not in d.soc:
            continue
        if p.year and d.year != p.year:
            continue
        if labels is None:
            out.append(d)
            continue
        if p.reach and labels.reach_of(d.id) != p.reach:
            continue
        if p.theme and p.theme not in labels.themes_of(d.id):
            continue
        if p.behaviour and p.behaviour not in labels.behaviours_of(d.id):
            continue
        out.append(d)
    return out


def _facets(
    docs: list[IndexedDoc], copies: dict[int, list[IndexedDoc]], p: SearchParams, pairs: list[tuple[str, object]]
) -> dict[str, list[dict]]:
    """Counts over the results shown: a collapsed duplicate counts once for each value any of
    its shown copies has, which is what that value's filter then shows. Every facet is counted
    in one pass over the results (`IndexedDoc.facet_codes`, numbers of `pairs`); a value's place
    among values of the same count is where it was first met, results standing alone before
    collapsed ones."""

    def top(counter: Counter, n: int = 20, key=None) -> list[dict]:
        items = counter.most_common() if key is None else sorted(counter.items(), key=key)
        return [{"value": v, "count": c} for v, c in items[:n]]

    # Results standing alone are counted as they are; a collapsed one once per value of its copies.
    single = [d for d in docs if d.id not in copies] if copies else docs
    collapsed = [(d, *copies[d.id]) for d in docs if d.id in copies]
    counted = Counter(chain.from_iterable(map(attrgetter("facet_codes"), single)))
    counted.update(chain.from_iterable(dict.fromkeys(chain.from_iterable(m.facet_codes for m in members)) for members in collapsed))
    by_facet: dict[str, Counter] = {name: Counter() for name in ("validity", "suite", "developer", "category", "year", "soc")}
    for code, n in counted.items():
        name, value = pairs[code]
        by_facet[name][value] = n
    if p.soc:  # SOC groups one level below the chosen one (major groups when none is chosen)
        level = min(len(p.soc) + 1, 4)
        soc = Counter(chain.from_iterable(d.soc_levels[level - 1] for d in single))
        soc.update(chain.from_iterable(dict.fromkeys(c for m in members for c in m.soc_levels[level - 1]) for members in collapsed))
        by_facet["soc"] = Counter({code: n for code, n in soc.items() if code.startswith(p.soc)})
    return {
        "validity": top(by_facet["validity"]),
        "suite": top(by_facet["suite"]),
        "developer": top(by_facet["developer"]),
        "category": top(by_facet["category"]),
        "soc": top(by_facet["soc"]),
        "year": top(by_facet["year"], n=30, key=lambda kv: -kv[0]),
    }


def _label_facets(docs: list[IndexedDoc], copies: dict[int, list[IndexedDoc]], labels: Labels) -> dict[str, list[dict]]:
    """Reach class, theme and work behaviour, counted as `_facets` counts (a collapsed
    duplicate once for each value any of its shown copies has)."""
    reach: Counter = Counter()
    theme: Counter = Counter()
    behaviour: Counter = Counter()
    if labels.reach or labels.themes or labels.behaviours:
        # Results standing alone (most of them) counted in one go: most NOS hold no label at all.
        alone = [d.id for d in docs if d.id not in copies]
        reach.update(filter(None, map(labels.reach.get, alone)))
        theme.update(chain.from_iterable(filter(None, map(labels.themes.get, alone))))
        behaviour.update(chain.from_iterable(filter(None, map(labels.behaviours.get, alone))))
        for members in ((d, *copies[d.id]) for d in docs if d.id in copies):
            reach.update({labels.reach_of(m.id) for m in members} - {""})
            theme.update({t for m in members for t in labels.themes_of(m.id)})
            behaviour.update({b for m in members for b in labels.behaviours_of(m.id)})
    return {
        "reach": [{"value": v, "count": reach[v]} for v in ("pan_sector", "multi_sector", "job_specific") if reach[v]],
        "theme": [{"value": v, "count": c} for v, c in sorted(theme.items(), key=lambda kv: (-kv[1], kv[0]))],
        "behaviour": [
            {"value": v, "count": c, "name": labels.behaviour_names.get(v, v)}
            for v, c in sorted(behaviour.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
        ],
    }


def _sort(docs: list[IndexedDoc], params: SearchParams, parsed: ParsedQuery) -> None:
    """Sort in place by title, newest approval or SOC evidence under `soc` (strongest first);
    relevance keeps the fused order (title without a query)."""
    if params.sort == "title" or (parsed.is_empty and params.sort == "relevance"):
        docs.sort(key=lambda d: d.title.lower())
    elif params.sort == "evidence":
        docs.sort(key=evidence.sort_key(params.soc))
    elif params.sort == "date":
        docs.sort(key=lambda d: (d.date_approved is None, -(d.date_approved.toordinal() if d.date_approved else 0)))


def _hits(
    page_docs: list[IndexedDoc],
    ranked: _Ranked,
    parsed: ParsedQuery,
    copies: dict[int, list[IndexedDoc]],
    groups: DuplicateGroups,
    welsh: WelshQuery,
    soc: str = "",
) -> list[Hit]:
    """The NOS of one page, with the query's words (and corrections) marked in title and
    snippet, why each was found, its review status, its collapsed copies and, under a SOC
    group `soc`, its evidence there."""
    marks = parsed.all_words() + [c for c in (ranked.did_you_mean.split() if ranked.did_you_mean else [])]
    today = date.today()
    stems = word_stems(marks)
    hits = []
    for d in page_docs:
        channels = [name for name, ids in ranked.channels if d.id in ids]
        text, source = snippet_of(d, marks)
        others = copies.get(d.id, [])
        hits.append(
            Hit(
                d.id,
                d.slug,
                d.urn_key,
                d.title,
                ranked.score.get(d.id, 0.0),
                highlight(d.title, marks),
                highlight(text, marks),
                d.developer,
                list(d.suites),
                d.validity,
                d.date_approved,
                channels,
                d.hidden_behind,
                snippet_source=source,
                review_date=d.review_date,
                review_status=review_status(d.review_date, today),
                why=reasons(d, channels, stems, ranked.job_titles, welsh.welsh_words),
                group=groups.group_of.get(d.id, ""),
                copies=[{"slug": c.slug, "urn": c.urn_key, "title": c.title, "suites": list(c.suites)} for c in others],
                also_in_suites=sorted({s for c in others for s in c.suites} - set(d.suites)),
                soc_evidence=evidence.best(d, soc) if soc else None,
            )
        )
    return hits


def _log_no_results(params: SearchParams, result: SearchResult) -> None:
    """Queries that find nothing are kept, so the catalogue's gaps can be read from them; they
    are only noted here and written later in one go, off the request path (`querylog`)."""
    querylog.note(
        query=params.q[:500],
        filters=params.filters(),
        results=0,
        mode=params.mode,
        engine=result.engine,
        duration_ms=result.took_ms,
    )
