"""The search service: one function, `search(params)`, behind the pages, the API and the CLI.

Ranking fuses up to four ranked lists with reciprocal rank fusion:
1. URN: a query that is a URN in any form puts that NOS first;
2. keywords: the full-text engine (FTS5 BM25 / PostgreSQL ts_rank), all words required,
   falling back to any word; each word also matches its British/American spelling, a few
   job-word synonyms, and, when it is not a word the catalogue uses, its closest spelling;
3. job titles: the query looked up in the ONS SOC 2020 coding index (32,000 job titles);
   NOS aligned to the SOC unit groups it names rank by how often the index names them;
   in hybrid mode, a query that is no indexed job title but describes work ("looks after
   young children in a nursery") names the unit groups whose ONS description it is closest
   to in meaning, at a lower weight;
4. meaning (hybrid mode, when the semantic extra is installed): cosine similarity of
   all-MiniLM-L6-v2 embeddings.
Filters, facet counts, sorting and pages are then computed over the fused list in Python,
from a per-process cache of the index that reloads when the index changes.

The steps live in their own modules: `params` (what is asked), `index_cache` (the cache),
`ranking` (the weights and ranked lists), `results` (what is returned); this module runs them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from noshub.core.search import embeddings
from noshub.core.urns import normalise_urn

from . import querylog
from .backends import get_backend
from .duplicates import DuplicateGroups, collapse, duplicate_groups
from .fusion import reciprocal_rank_fusion
from .index_cache import IndexCache, IndexedDoc, current_index, soc_counts
from .params import MAX_PER_PAGE, InvalidParameter, SearchParams, clean_text
from .ranking import (
    ANY_WORD_LIMIT,
    FALLBACK_MEANING,
    FEW_MATCHES,
    FUSION_WEIGHTS,
    OCCUPATION_FROM_WORDS,
    RARE_WORD,
    blend_meaning,
    corrections,
    job_title_ranking,
    job_title_units,
    meaning_of,
    occupation_units,
    semantic_weight,
)
from .reasons import reasons, review_status, snippet_of
from .results import Hit, SearchResult
from .text.highlight import highlight
from .text.query import ParsedQuery, parse_query, with_alternatives, words
from .text.spelling import SYNONYMS
from .welsh import WelshQuery, read_query

# The names other apps import from here.
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

    def note(self, ids, channel: str) -> None:
        self.channels.append((channel, set(ids)))

    def by_urn(self) -> set[int]:
        """The NOS the query names by URN: found whatever a reviewer decided about them."""
        return set().union(*(ids for name, ids in self.channels if name == "urn"))


def search(params: SearchParams, log: bool = True) -> SearchResult:
    params.validate()
    params.q = clean_text(params.q)
    started = time.perf_counter()
    cache = current_index()
    backend = get_backend()
    # A Welsh name ("Meini prawf perfformiad", "Trosolwg") is searched as what it names.
    welsh = read_query(params.q, cache.vocabulary, cache.welsh_text, RARE_WORD)
    q = welsh.name.english if welsh.name else params.q
    parsed = parse_query(q)
    hybrid = params.mode == "hybrid" and embeddings.available() and len(cache.embedding_ids) > 0
    if parsed.is_empty:
        ranked = _Ranked(ids=sorted(cache.docs, key=lambda i: cache.docs[i].title.lower()))
    else:
        ranked = _rank(q, parsed, cache, backend, hybrid)
    _add_welsh_text(welsh, params.q, cache, ranked)

    # Filters, duplicates collapsed, facets over what is shown, sort, page.
    docs = [cache.docs[i] for i in ranked.ids]
    by_urn = ranked.by_urn()
    if not params.include_hidden:  # copies a reviewer hid behind their original, unless asked for by URN
        docs = [d for d in docs if not d.hidden_behind or d.id in by_urn]
    filtered = _apply_filters(docs, params)
    groups = duplicate_groups(cache)
    if params.group:
        filtered = [d for d in filtered if groups.group_of.get(d.id) == params.group]
    copies: dict[int, list[IndexedDoc]] = {}
    if not params.shows_every_copy:
        filtered, copies = collapse(filtered, groups, by_urn)
    facets = _facets(filtered, copies, params)
    _sort(filtered, params, parsed)
    start = (params.page - 1) * params.per_page
    hits = _hits(filtered[start : start + params.per_page], ranked, parsed, copies, groups, welsh)
    result = SearchResult(
        params,
        len(filtered),
        hits,
        facets,
        ranked.did_you_mean,
        ranked.job_titles,
        backend.name,
        hybrid,
        (time.perf_counter() - started) * 1000,
        welsh,
    )
    if log and not parsed.is_empty and result.total == 0:
        _log_no_results(params, result)
    return result


def _add_welsh_text(welsh: WelshQuery, q: str, cache: IndexCache, ranked: _Ranked) -> None:
    """NOS whose Welsh text holds every word of a Welsh query, first (by title)."""
    if not welsh.nos_with_welsh_text:
        return
    holders = set.intersection(*(cache.welsh_text.get(w, set()) for w in words(q)))
    found = sorted((i for i in holders if i in cache.docs), key=lambda i: cache.docs[i].title.lower())
    ranked.note(found, "welsh text")
    ranked.ids = found + [i for i in ranked.ids if i not in holders]


def _rank(q: str, parsed: ParsedQuery, cache: IndexCache, backend, hybrid: bool) -> _Ranked:
    """Fuse the URN, keyword and job-title lists, then blend in meaning when it counts."""
    ranked = _Ranked()
    rankings: list[tuple[list[int], float]] = []
    urn_ids = cache.by_urn.get(normalise_urn(q), []) if len(q.split()) <= 2 else []
    if urn_ids:
        rankings.append((urn_ids, FUSION_WEIGHTS["urn"]))
        ranked.note(urn_ids, "urn")

    fixes = {} if urn_ids else corrections(parsed, cache)
    expanded = _expand(parsed, fixes)
    if fixes:
        ranked.did_you_mean = " ".join(fixes.get(w, w) for w in words(q))
    meaning_weight = semantic_weight(parsed) if hybrid else 0.0
    meaning = meaning_of(q, cache) if meaning_weight else None
    # A longer query's related NOS come from meaning rather than from any one of its words, but
    # only when meaning finds them: "1 2 3 … 10" is close to no NOS in meaning (it found 0).
    meaning_replaces_fallback = meaning_weight >= FALLBACK_MEANING and len(meaning.ids) >= FEW_MATCHES
    keyword_ids = _keyword_ids(expanded, backend, cache, meaning_replaces_fallback)
    rankings.append((keyword_ids, FUSION_WEIGHTS["keyword"]))
    ranked.note(keyword_ids, "keywords")

    _add_job_titles(q, parsed, cache, keyword_ids, hybrid and not urn_ids, rankings, ranked)

    fused = reciprocal_rank_fusion(rankings)
    if meaning is not None:
        fused = blend_meaning(fused, meaning, meaning_weight, cache, ranked.note)
    ranked.ids = [i for i, _ in fused if i in cache.docs]
    ranked.score = dict(fused)
    return ranked


def _expand(parsed: ParsedQuery, fixes: dict[str, str]) -> ParsedQuery:
    """The query with each word's synonyms, and each misspelt word's correction (and its synonyms)."""
    extra = {t.text: SYNONYMS.get(t.text, ()) for t in parsed.terms}
    for wrong, right in fixes.items():
        extra[wrong] = (*extra.get(wrong, ()), right, *SYNONYMS.get(right, ()))
    return with_alternatives(parsed, extra, fixes)


def _keyword_ids(expanded: ParsedQuery, backend, cache: IndexCache, meaning_replaces_fallback: bool) -> list[int]:
    """NOS holding every word, best first; with too few, those whose title or keywords hold some."""
    matched = backend.match(expanded, "all", limit=3000)
    # Too few NOS hold every word: add those whose title or keywords hold some of them,
    # unless meaning supplies the related NOS for this longer query.
    if len(matched) < FEW_MATCHES and len(expanded.terms) + len(expanded.phrases) > 1 and not meaning_replaces_fallback:
        seen = {i for i, _ in matched}
        # Any-word matches are a fallback: titles and keywords only, their best few hundred.
        matched += [(i, s) for i, s in backend.match(expanded, "any", limit=ANY_WORD_LIMIT, titles_only=True) if i not in seen]
    return [i for i, _ in matched if i in cache.docs]


def _add_job_titles(
    q: str,
    parsed: ParsedQuery,
    cache: IndexCache,
    keyword_ids: list[int],
    by_meaning: bool,
    rankings: list[tuple[list[int], float]],
    ranked: _Ranked,
) -> None:
    """The NOS of the SOC unit groups the query names as a job title (or, when `by_meaning`
    and it describes work, whose ONS description it is closest to), as one more ranked list."""
    units = job_title_units(parsed, cache)
    source, weight = "coding index", FUSION_WEIGHTS["jobtitle"]
    if units and " ".join(t.text for t in parsed.terms) in cache.job_titles:
        weight *= 2.0  # the whole query is a job title the ONS index knows: trust that more than words
    elif not units and by_meaning and len(parsed.required()) >= OCCUPATION_FROM_WORDS:
        units = occupation_units(q, cache)
        source, weight = "SOC description", FUSION_WEIGHTS["occupation"]
    if not units:
        return
    ordered = job_title_ranking(units, keyword_ids, cache)
    rankings.append((ordered, weight))
    ranked.note(ordered, "job title" if source == "coding index" else "occupation")
    ranked.job_titles = [
        {"soc2020": u, "title": cache.unit_titles.get(u, ""), "count": n if source == "coding index" else 0, "source": source}
        for u, n in units.most_common(3)
    ]


def _apply_filters(docs: list[IndexedDoc], p: SearchParams) -> list[IndexedDoc]:
    out = []
    for d in docs:
        if p.validity != "all" and d.validity != p.validity:
            continue
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
        out.append(d)
    return out


def _facets(docs: list[IndexedDoc], copies: dict[int, list[IndexedDoc]], p: SearchParams) -> dict[str, list[dict]]:
    """Counts over the results shown: a collapsed duplicate counts once for each value any of
    its shown copies has, which is what that value's filter then shows."""

    def top(counter: Counter, n: int = 20, key=None) -> list[dict]:
        items = counter.most_common() if key is None else sorted(counter.items(), key=key)
        return [{"value": v, "count": c} for v, c in items[:n]]

    # Results standing alone are counted as before; a collapsed one once per value of its copies.
    single = [d for d in docs if d.id not in copies] if copies else docs
    collapsed = [(d, *copies[d.id]) for d in docs if d.id in copies]

    def union(values) -> chain:
        return chain.from_iterable({v for member in members for v in values(member)} for members in collapsed)

    # Counts of SOC groups one level below the chosen group (major groups when none is chosen).
    level = min(len(p.soc) + 1, 4) if p.soc else 1
    soc = Counter(chain.from_iterable(d.soc_levels[level - 1] for d in single))
    soc.update(union(lambda d: d.soc_levels[level - 1]))
    if p.soc:
        soc = Counter({code: n for code, n in soc.items() if code.startswith(p.soc)})
    validity = Counter(d.validity or "not stated" for d in single)
    validity.update(union(lambda d: (d.validity or "not stated",)))
    suite = Counter(chain.from_iterable(d.suites for d in single))
    suite.update(union(lambda d: d.suites))
    developer = Counter(d.developer for d in single if d.developer)
    developer.update(union(lambda d: (d.developer,) if d.developer else ()))
    category = Counter(d.category or "none" for d in single)
    category.update(union(lambda d: (d.category or "none",)))
    year = Counter(d.year for d in single if d.year)
    year.update(union(lambda d: (d.year,) if d.year else ()))
    return {
        "validity": top(validity),
        "suite": top(suite),
        "developer": top(developer),
        "category": top(category),
        "soc": top(soc),
        "year": top(year, n=30, key=lambda kv: -kv[0]),
    }


def _sort(docs: list[IndexedDoc], params: SearchParams, parsed: ParsedQuery) -> None:
    """Sort in place by title or newest approval; relevance keeps the fused order (title without a query)."""
    if params.sort == "title" or (parsed.is_empty and params.sort == "relevance"):
        docs.sort(key=lambda d: d.title.lower())
    elif params.sort == "date":
        docs.sort(key=lambda d: (d.date_approved is None, -(d.date_approved.toordinal() if d.date_approved else 0)))


def _hits(
    page_docs: list[IndexedDoc],
    ranked: _Ranked,
    parsed: ParsedQuery,
    copies: dict[int, list[IndexedDoc]],
    groups: DuplicateGroups,
    welsh: WelshQuery,
) -> list[Hit]:
    """The NOS of one page, with the query's words (and corrections) marked in title and
    snippet, why each was found, its review status and its collapsed copies."""
    marks = parsed.all_words() + [c for c in (ranked.did_you_mean.split() if ranked.did_you_mean else [])]
    today = date.today()
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
                why=reasons(d, channels, marks, ranked.job_titles, welsh.welsh_words),
                group=groups.group_of.get(d.id, ""),
                copies=[{"slug": c.slug, "urn": c.urn_key, "title": c.title, "suites": list(c.suites)} for c in others],
                also_in_suites=sorted({s for c in others for s in c.suites} - set(d.suites)),
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
