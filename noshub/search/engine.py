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
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

import numpy as np
from django.db import connection

from noshub.core.search import embeddings
from noshub.core.search.fusion import reciprocal_rank_fusion
from noshub.core.search.highlight import highlight, snippet
from noshub.core.search.query import ParsedQuery, parse_query, with_alternatives, words
from noshub.core.search.spelling import SYNONYMS
from noshub.core.text import SEARCH_STOP_WORDS as STOPWORDS
from noshub.core.urns import normalise_urn

from .backends import get_backend
from .models import IndexState, QueryLog, SearchDocument

VALIDITY_FILTERS = ("current", "legacy", "archive", "all")
SORTS = ("relevance", "title", "date")
MODES = ("hybrid", "keyword")
MAX_PER_PAGE = 100
RARE_WORD = 3  # words in this many NOS or fewer may be misspellings
FUSION_WEIGHTS = {"urn": 10.0, "keyword": 1.0, "jobtitle": 0.7, "occupation": 0.2}
SEMANTIC_WEIGHT = 0.7  # tuned on bench/data/search_judgements.json (see README)
SEMANTIC_FROM_WORDS = 2  # queries of this many content words or fewer rank by words alone
SEMANTIC_FULL_AT = 6  # … and meaning reaches its full weight this many words later
KEYWORD_POOL = 200  # word matches re-scored by meaning
SEMANTIC_POOL = 100  # closest NOS by meaning considered
ANY_WORD_LIMIT = 500  # NOS taken from an any-word fallback query
FALLBACK_MEANING = 0.5  # from this meaning weight (7+ content words) meaning replaces the any-word fallback
MEANING_FLOOR = 0.35  # below this cosine similarity a NOS found by meaning alone is not shown
OCCUPATION_FLOOR = 0.55  # a query this close in meaning to a SOC unit group's description names it
OCCUPATION_MARGIN = 0.03  # … and so does a second group this close behind the first
OCCUPATION_FROM_WORDS = 3  # work is described in a sentence; one or two words are a title or a topic


def _clean_text(text: str) -> str:
    """User text without control characters (PostgreSQL refuses NUL), at most 500 characters."""
    return "".join(c if c.isprintable() else " " for c in text)[:500]


class InvalidParameter(ValueError):
    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"{name}: {message}")


@dataclass
class SearchParams:
    q: str = ""
    validity: str = "current"
    suite: str = ""
    developer: str = ""
    category: str = ""
    soc: str = ""
    year: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    mode: str = "hybrid"
    include_hidden: bool = False

    @classmethod
    def from_query_dict(cls, data) -> SearchParams:
        """Parameters from a GET query dict, validated; bad values raise InvalidParameter."""

        def integer(name: str, default: int | None, low: int, high: int) -> int | None:
            raw = (data.get(name) or "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise InvalidParameter(name, f"must be a whole number, not {raw[:40]!r}") from None
            if not low <= value <= high:
                raise InvalidParameter(name, f"must be between {low} and {high}")
            return value

        params = cls(
            q=_clean_text(data.get("q") or ""),
            validity=(data.get("validity") or "current").strip().lower(),
            suite=_clean_text(data.get("suite") or "").strip(),
            developer=_clean_text(data.get("developer") or "").strip(),
            category=(data.get("category") or "").strip().lower(),
            soc=(data.get("soc") or "").strip(),
            year=integer("year", None, 1900, 2100),
            sort=(data.get("sort") or "relevance").strip().lower(),
            page=integer("page", 1, 1, 10_000),
            per_page=integer("per_page", 20, 1, MAX_PER_PAGE),
            mode=(data.get("mode") or "hybrid").strip().lower(),
        )
        params.validate()
        return params

    def validate(self) -> None:
        if self.validity not in VALIDITY_FILTERS:
            raise InvalidParameter("validity", f"must be one of {', '.join(VALIDITY_FILTERS)}")
        if self.sort not in SORTS:
            raise InvalidParameter("sort", f"must be one of {', '.join(SORTS)}")
        if self.mode not in MODES:
            raise InvalidParameter("mode", f"must be one of {', '.join(MODES)}")
        if self.category and self.category not in ("core", "generic", "job_specific", "none"):
            raise InvalidParameter("category", "must be core, generic, job_specific or none")
        if self.soc and not (self.soc.isdigit() and 1 <= len(self.soc) <= 4):
            raise InvalidParameter("soc", "must be a SOC 2020 code of 1 to 4 digits")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidParameter("page", f"page must be 1 or more and per_page 1 to {MAX_PER_PAGE}")

    def filters(self) -> dict:
        found = {k: getattr(self, k) for k in ("validity", "suite", "developer", "category", "soc", "year") if getattr(self, k)}
        return found


@dataclass
class Hit:
    standard_id: int
    slug: str
    urn: str
    title: str
    score: float
    title_html: str
    snippet_html: str
    developer: str
    suites: list[str]
    validity: str
    date_approved: date | None
    channels: list[str]

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "urn": self.urn,
            "title": self.title,
            "score": round(self.score, 6),
            "title_html": self.title_html,
            "snippet_html": self.snippet_html,
            "developer": self.developer,
            "suites": self.suites,
            "validity": self.validity,
            "date_approved": self.date_approved.isoformat() if self.date_approved else None,
            "matched_by": self.channels,
        }


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    did_you_mean: str = ""
    job_titles: list[dict] = field(default_factory=list)
    engine: str = ""
    semantic: bool = False
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    def as_dict(self) -> dict:
        return {
            "query": self.params.q,
            "filters": self.params.filters(),
            "sort": self.params.sort,
            "mode": self.params.mode,
            "page": self.params.page,
            "per_page": self.params.per_page,
            "pages": self.pages,
            "total": self.total,
            "did_you_mean": self.did_you_mean or None,
            "job_titles": self.job_titles,
            "engine": self.engine,
            "semantic": self.semantic,
            "took_ms": round(self.took_ms, 2),
            "results": [h.as_dict() for h in self.hits],
            "facets": self.facets,
        }


# -- the per-process cache of the index ---------------------------------------------------------


@dataclass
class _Doc:
    id: int
    slug: str
    urn_key: str
    title: str
    validity: str
    category: str
    developer: str
    suites: tuple[str, ...]
    soc: frozenset[str]
    year: int | None
    date_approved: date | None
    hidden_behind: str
    body: str
    soc_levels: tuple[tuple[str, ...], ...] = ()  # codes of each level, major first


class _IndexCache:
    def __init__(self, generation: int):
        self.generation = generation
        self.docs: dict[int, _Doc] = {}
        self.by_urn: dict[str, list[int]] = {}
        self.by_unit: dict[str, list[int]] = {}
        self.vocabulary: Counter[str] = Counter()
        fields = (
            "standard_id",
            "slug",
            "urn_key",
            "title",
            "validity",
            "category",
            "developer",
            "suites",
            "soc2020",
            "approval_year",
            "date_approved",
            "hidden_behind",
            "body",
            "keywords",
            "context",
        )
        for row in SearchDocument.objects.values_list(*fields).iterator(chunk_size=5000):
            levels = tuple(tuple(c for c in row[8] if len(c) == n) for n in (1, 2, 3, 4))
            doc = _Doc(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                tuple(row[7]),
                frozenset(row[8]),
                row[9],
                row[10],
                row[11],
                row[12],
                levels,
            )
            self.docs[doc.id] = doc
            self.by_urn.setdefault(doc.urn_key, []).append(doc.id)
            for code in doc.soc:
                if len(code) == 4:
                    self.by_unit.setdefault(code, []).append(doc.id)
            self.vocabulary.update(set(words(f"{row[3]} {row[13]} {row[14]} {row[12]}")))
        self.vocab_list = [w for w in self.vocabulary if len(w) > 2 and not w.isdigit()]
        self.job_titles = _job_title_index()
        from noshub.soc.models import SocGroup

        self.unit_titles = dict(SocGroup.objects.filter(level="unit").values_list("code", "title"))
        self.embedding_ids: list[int] = []
        self.embedding_position: dict[int, int] = {}
        self.current_soc_counts: Counter | None = None  # made on first use by soc_counts()
        self.matrix = np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        if embeddings.available():
            from .semantic import load_matrix

            self.embedding_ids, self.matrix = load_matrix()
        self.embedding_position = {i: j for j, i in enumerate(self.embedding_ids)}
        self.unit_codes: list[str] = []
        self.unit_matrix = np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        if len(self.embedding_ids):
            from .semantic import unit_group_matrix

            self.unit_codes, self.unit_matrix = unit_group_matrix()


def soc_counts() -> Counter:
    """How many current NOS each SOC 2020 group holds, at every level (from the index cache)."""
    cache = _index()
    if cache.current_soc_counts is None:
        cache.current_soc_counts = Counter(code for d in cache.docs.values() if d.validity == "current" for code in d.soc)
    return cache.current_soc_counts


def _job_title_index() -> dict[str, Counter]:
    """Folded job title → how often the coding index puts it in each SOC 2020 unit group."""
    from noshub.soc.models import CodingIndexEntry

    index: dict[str, Counter] = {}
    for title, unit, detail in CodingIndexEntry.objects.exclude(soc2020_unit="").values_list("title", "soc2020_unit", "detail"):
        for form in {title, detail.get("index_title", "")}:
            key = " ".join(words(form.replace(",", " ")))
            if key:
                index.setdefault(key, Counter())[unit] += 1
    return index


_cache_lock = threading.Lock()
_caches: dict[str, _IndexCache] = {}


def _index() -> _IndexCache:
    generation = IndexState.objects.filter(id=1).values_list("generation", flat=True).first() or 0
    key = connection.settings_dict["NAME"]
    cache = _caches.get(key)
    if cache is None or cache.generation != generation:
        with _cache_lock:
            cache = _caches.get(key)
            if cache is None or cache.generation != generation:
                cache = _IndexCache(generation)
                _caches[key] = cache
    return cache


# -- query understanding ------------------------------------------------------------------------


def _corrections(query: ParsedQuery, cache: _IndexCache) -> dict[str, str]:
    """Closest catalogue word for each query word the catalogue never uses."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = {}
    for term in query.terms:
        word = term.text
        if term.prefix or len(word) < 4 or any(c.isdigit() for c in word) or word in STOPWORDS:
            continue
        frequency = max(cache.vocabulary.get(f, 0) for f in term.forms())
        if frequency > RARE_WORD:
            continue
        limit = 1 if len(word) < 6 else 2
        matches = process.extract(word, cache.vocab_list, scorer=Levenshtein.distance, score_cutoff=limit, limit=10)
        # A word the catalogue never uses takes its closest word; a rare one (itself perhaps a
        # misspelling in some NOS) only a far more common word one edit away.
        if frequency:
            matches = [m for m in matches if m[1] == 1 and cache.vocabulary[m[0]] >= 50 * frequency]
        if matches:
            best = min(matches, key=lambda m: (m[1], -cache.vocabulary[m[0]]))
            found[word] = best[0]
    return found


def _job_title_units(query: ParsedQuery, cache: _IndexCache) -> Counter:
    key = " ".join(t.text for t in query.terms)
    units = Counter(cache.job_titles.get(key, Counter()))
    if not units and query.terms:
        # Plural or spelling forms of a job title: "chefs", "care assistants".
        singular = " ".join(t.text[:-1] if t.text.endswith("s") and len(t.text) > 3 else t.text for t in query.terms)
        units = Counter(cache.job_titles.get(singular, Counter()))
    return units


def _occupation_units(query: str, cache: _IndexCache) -> Counter:
    """SOC unit groups whose ONS description (with title and job titles) the query is
    closest to in meaning: the best above OCCUPATION_FLOOR, and one more close behind it."""
    if not len(cache.unit_codes):
        return Counter()
    similarity = cache.unit_matrix @ embeddings.encode_query(query)
    order = np.argsort(-similarity)[:2]
    best = float(similarity[order[0]])
    if best < OCCUPATION_FLOOR:
        return Counter()
    return Counter({cache.unit_codes[j]: 1 for j in order if similarity[j] >= best - OCCUPATION_MARGIN})


def _job_title_ranking(units: Counter, keyword_ids: list[int], cache: _IndexCache) -> list[int]:
    """NOS aligned to the unit groups a job title names, most typical first.

    A NOS ranks by its rank among the word matches, then by the share of the job title's
    index entries its unit groups take (divided among the groups it is aligned to: a NOS
    aligned to one occupation is more typical of it than one aligned to many). Ranking first
    by how many title words a NOS shares with the job title and its unit group was tried and
    measured worse on the judged job titles (nDCG@10 0.899 → 0.884).
    """
    candidates = {i for u in units for i in cache.by_unit.get(u, [])}
    if not candidates:
        return []
    keyword_rank = {i: r for r, i in enumerate(keyword_ids)}
    total = sum(units.values())

    def key(i: int) -> tuple:
        doc = cache.docs[i]
        doc_units = doc.soc_levels[3]
        share = sum(units.get(u, 0) for u in doc_units) / total / max(1, len(doc_units)) ** 0.5
        return (keyword_rank.get(i, 10**6), -share, doc.title)

    return sorted(candidates, key=key)[:500]


def semantic_weight(parsed: ParsedQuery) -> float:
    """How much meaning counts: little for a few keywords (the words themselves are the best
    evidence), more for a sentence-like query that describes work in its own words."""
    content = len(parsed.required())
    return SEMANTIC_WEIGHT * min(1.0, max(0.0, (content - SEMANTIC_FROM_WORDS) / SEMANTIC_FULL_AT))


def _blend_meaning(
    fused: list[tuple[int, float]], query: str, weight: float, cache: _IndexCache, note
) -> list[tuple[int, float]]:
    """Hybrid ranking: the word-based fused score (scaled to 0..1) plus SEMANTIC_WEIGHT times
    the cosine similarity of the query and NOS embeddings, over the top word matches and the
    closest NOS by meaning. Words keep the lead; meaning reorders near-ties and adds NOS that
    say the same thing in other words."""
    vector = embeddings.encode_query(query)
    cosine = cache.matrix @ vector
    position = cache.embedding_position
    top_meaning = np.argpartition(-cosine, min(SEMANTIC_POOL, len(cosine) - 1))[:SEMANTIC_POOL]
    meaning_ids = [cache.embedding_ids[j] for j in top_meaning if cosine[j] > MEANING_FLOOR]
    note(meaning_ids, "meaning")
    best = fused[0][1] if fused else 1.0
    head = fused[:KEYWORD_POOL]
    pool = {i for i, _ in head} | set(meaning_ids)
    word_score = dict(head)
    blended = []
    for i in pool:
        j = position.get(i)
        similarity = float(cosine[j]) if j is not None else 0.0
        blended.append((i, word_score.get(i, 0.0) / best + weight * similarity))
    blended.sort(key=lambda kv: -kv[1])
    tail = [(i, s / best) for i, s in fused[KEYWORD_POOL:] if i not in pool]
    return blended + tail


# -- the search --------------------------------------------------------------------------------


def search(params: SearchParams, log: bool = True) -> SearchResult:
    params.validate()
    params.q = _clean_text(params.q)
    started = time.perf_counter()
    cache = _index()
    backend = get_backend()
    parsed = parse_query(params.q)
    hybrid = params.mode == "hybrid" and embeddings.available() and len(cache.embedding_ids) > 0
    rankings: list[tuple[list[int], float]] = []
    channel_sets: list[tuple[str, set[int]]] = []  # which channel found which NOS, for "matched_by"
    did_you_mean = ""
    job_titles: list[dict] = []

    def note(ids, channel):
        channel_sets.append((channel, set(ids)))

    if not parsed.is_empty:
        urn_ids = cache.by_urn.get(normalise_urn(params.q), []) if len(params.q.split()) <= 2 else []
        if urn_ids:
            rankings.append((urn_ids, FUSION_WEIGHTS["urn"]))
            note(urn_ids, "urn")
        corrections = {} if urn_ids else _corrections(parsed, cache)
        extra = {t.text: SYNONYMS.get(t.text, ()) for t in parsed.terms}
        for wrong, right in corrections.items():
            extra[wrong] = (*extra.get(wrong, ()), right, *SYNONYMS.get(right, ()))
        expanded = with_alternatives(parsed, extra, corrections)
        if corrections:
            did_you_mean = " ".join(corrections.get(w, w) for w in words(params.q))
        matched = backend.match(expanded, "all", limit=3000)
        meaning_weight = semantic_weight(parsed) if hybrid else 0.0
        # Too few NOS hold every word: add those whose title or keywords hold some of them,
        # unless meaning is about to supply the related NOS for this longer query.
        if len(matched) < 20 and len(expanded.terms) + len(expanded.phrases) > 1 and not meaning_weight >= FALLBACK_MEANING:
            seen = {i for i, _ in matched}
            # Any-word matches are a fallback: titles and keywords only, their best few hundred.
            matched += [
                (i, s) for i, s in backend.match(expanded, "any", limit=ANY_WORD_LIMIT, titles_only=True) if i not in seen
            ]
        keyword_ids = [i for i, _ in matched if i in cache.docs]
        rankings.append((keyword_ids, FUSION_WEIGHTS["keyword"]))
        note(keyword_ids, "keywords")

        units = _job_title_units(parsed, cache)
        source, weight = "coding index", FUSION_WEIGHTS["jobtitle"]
        if units and " ".join(t.text for t in parsed.terms) in cache.job_titles:
            weight *= 2.0  # the whole query is a job title the ONS index knows: trust that more than words
        elif not units and hybrid and not urn_ids and len(parsed.required()) >= OCCUPATION_FROM_WORDS:
            units = _occupation_units(params.q, cache)
            source, weight = "SOC description", FUSION_WEIGHTS["occupation"]
        if units:
            ordered = _job_title_ranking(units, keyword_ids, cache)
            rankings.append((ordered, weight))
            note(ordered, "job title" if source == "coding index" else "occupation")
            job_titles = [
                {"soc2020": u, "title": cache.unit_titles.get(u, ""), "count": n if source == "coding index" else 0, "source": source}
                for u, n in units.most_common(3)
            ]

        fused = reciprocal_rank_fusion(rankings)
        if meaning_weight:
            fused = _blend_meaning(fused, params.q, meaning_weight, cache, note)
        ordered_ids = [i for i, _ in fused if i in cache.docs]
        score_of = dict(fused)
    else:
        ordered_ids = sorted(cache.docs, key=lambda i: cache.docs[i].title.lower())
        score_of = {}

    # Filters, facets over the filtered list, sort, page.
    docs = [cache.docs[i] for i in ordered_ids]
    if not params.include_hidden:  # copies a reviewer hid behind their original
        docs = [d for d in docs if not d.hidden_behind]
    filtered = _apply_filters(docs, params)
    facets = _facets(filtered, params)
    if params.sort == "title" or (parsed.is_empty and params.sort == "relevance"):
        filtered.sort(key=lambda d: d.title.lower())
    elif params.sort == "date":
        filtered.sort(key=lambda d: (d.date_approved is None, -(d.date_approved.toordinal() if d.date_approved else 0)))
    start = (params.page - 1) * params.per_page
    page_docs = filtered[start : start + params.per_page]
    marks = parsed.all_words() + [c for c in (did_you_mean.split() if did_you_mean else [])]
    hits = [
        Hit(
            d.id,
            d.slug,
            d.urn_key,
            d.title,
            score_of.get(d.id, 0.0),
            highlight(d.title, marks),
            highlight(snippet(d.body, marks), marks),
            d.developer,
            list(d.suites),
            d.validity,
            d.date_approved,
            [name for name, ids in channel_sets if d.id in ids],
        )
        for d in page_docs
    ]
    result = SearchResult(
        params,
        len(filtered),
        hits,
        facets,
        did_you_mean,
        job_titles,
        backend.name,
        hybrid,
        (time.perf_counter() - started) * 1000,
    )
    if log and not parsed.is_empty and result.total == 0:
        QueryLog.objects.create(
            query=params.q[:500],
            filters=params.filters(),
            results=0,
            mode=params.mode,
            engine=backend.name,
            duration_ms=result.took_ms,
        )
    return result


def _apply_filters(docs: list[_Doc], p: SearchParams) -> list[_Doc]:
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


def _facets(docs: list[_Doc], p: SearchParams) -> dict[str, list[dict]]:
    def top(counter: Counter, n: int = 20, key=None) -> list[dict]:
        items = counter.most_common() if key is None else sorted(counter.items(), key=key)
        return [{"value": v, "count": c} for v, c in items[:n]]

    # Counts of SOC groups one level below the chosen group (major groups when none is chosen).
    level = min(len(p.soc) + 1, 4) if p.soc else 1
    soc = Counter(chain.from_iterable(d.soc_levels[level - 1] for d in docs))
    if p.soc:
        soc = Counter({code: n for code, n in soc.items() if code.startswith(p.soc)})
    return {
        "validity": top(Counter(d.validity or "not stated" for d in docs)),
        "suite": top(Counter(chain.from_iterable(d.suites for d in docs))),
        "developer": top(Counter(d.developer for d in docs if d.developer)),
        "category": top(Counter(d.category or "none" for d in docs)),
        "soc": top(soc),
        "year": top(Counter(d.year for d in docs if d.year), n=30, key=lambda kv: -kv[0]),
    }
