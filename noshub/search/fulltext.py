"""The full-text engine: a tantivy index of the indexed NOS, built in memory.

One index per process and database, built by the index cache (`index_cache.IndexCache`) from
the search documents when the index changes, so that SQLite and PostgreSQL deployments search
with the same engine and the databases keep only the data. Every field goes through one
analyser (words, lower case, diacritics folded, English Snowball stems), and queries are built
as tantivy query objects from the parsed query's stems: nothing the user types is ever parsed
as query syntax.

`match(query, boosts, limit)` returns the NOS holding any of the query's words, by BM25 with
field boosts; `holding(stems, where)` tells which NOS hold any of some stems in their title or
anywhere (as a mask over the index's rows), so that scoring (`scoring.py`) can tell how much of
the query a NOS holds and where.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import tantivy

from noshub.core.text import SEARCH_STOP_WORDS

from .text.query import ParsedQuery, Term

FIELDS = ("title", "keywords", "context", "body")
_ANALYSER = "nos_english"
_LONGEST_WORD = 40


def analyser() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(_LONGEST_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@dataclass(frozen=True)
class QueryStems:
    """The query as stems: for each content word, the stems of any of its forms (its own,
    other spellings, synonyms, a correction); multi-word forms and phrases as stem tuples."""

    groups: tuple[frozenset[str], ...]
    multiword: tuple[tuple[tuple[str, ...], ...], ...]  # per group: its multi-word forms
    prefixes: tuple[tuple[str, ...], ...]  # per group: stems to match as prefixes
    phrases: tuple[tuple[str, ...], ...]
    ordered: tuple[str, ...]  # the query's own words' stems, in order

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.phrases


class FullTextIndex:
    """An in-memory tantivy index of (id, title, keywords, context, body) rows."""

    def __init__(self, rows: Iterable[tuple[int, str, str, str, str]]):
        self._analyser = analyser()
        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
        for name in FIELDS:
            builder.add_text_field(name, stored=False, tokenizer_name=_ANALYSER, index_option="position")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer(_ANALYSER, self._analyser)
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        self.ids: list[int] = []
        self.row_of: dict[int, int] = {}
        self.titles: list[tuple[str, ...]] = []  # each title's stems, in order
        title_postings: dict[str, list[int]] = defaultdict(list)
        any_postings: dict[str, list[int]] = defaultdict(list)
        for sid, title, keywords, context, body in rows:
            document = tantivy.Document()
            document.add_unsigned("id", sid)
            for name, text in zip(FIELDS, (title, keywords, context, body), strict=True):
                document.add_text(name, text or "")
            writer.add_document(document)
            row = len(self.ids)
            self.ids.append(sid)
            self.row_of[sid] = row
            title_stems = tuple(self.stems(title))
            self.titles.append(title_stems)
            for stem in set(title_stems):
                title_postings[stem].append(row)
            for stem in set(title_stems).union(*(self.stems(t) for t in (keywords, context, body) if t)):
                any_postings[stem].append(row)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        # One writer thread and one commit make one segment whose documents are numbered in the
        # order they were added; anything else is read back through the stored id.
        self._in_order = self.searcher.num_segments == 1 and self.searcher.num_docs == len(self.ids)
        stop = {s for w in SEARCH_STOP_WORDS for s in self.stems(w)}
        self.title_lengths = np.array([len(set(t) - stop) for t in self.titles], dtype=np.float64)  # content words
        self._postings = {
            "title": {k: np.array(v, dtype=np.int32) for k, v in title_postings.items()},
            "any": {k: np.array(v, dtype=np.int32) for k, v in any_postings.items()},
        }

    def holding(self, stems: Iterable[str], where: str, prefixes: Iterable[str] = ()) -> np.ndarray:
        """A mask over the rows: the NOS holding any of these stems (or a word starting with
        one of the prefixes) in their title (`where="title"`) or in any field (`"any"`)."""
        postings = self._postings[where]
        mask = np.zeros(len(self.ids), dtype=bool)
        for stem in stems:
            found = postings.get(stem)
            if found is not None:
                mask[found] = True
        for prefix in prefixes:
            for stem, found in postings.items():
                if stem.startswith(prefix):
                    mask[found] = True
        return mask

    def stems(self, text: str) -> list[str]:
        return self._analyser.analyze(text) if text else []

    def query_stems(self, query: ParsedQuery) -> QueryStems:
        groups, multiword, prefixes = [], [], []
        for term in query.required():
            single, multi, prefix = self._forms(term)
            if single or multi or prefix:
                groups.append(frozenset(single))
                multiword.append(tuple(multi))
                prefixes.append(tuple(prefix))
        phrases = tuple(tuple(s for w in p for s in self.stems(w)) for p in query.phrases)
        ordered = tuple(s for t in query.required() for s in self.stems(t.text))
        return QueryStems(tuple(groups), tuple(multiword), tuple(prefixes), tuple(p for p in phrases if len(p) > 1), ordered)

    def _forms(self, term: Term) -> tuple[set[str], list[tuple[str, ...]], list[str]]:
        single: set[str] = set()
        multi: list[tuple[str, ...]] = []
        prefix: list[str] = []
        for form in term.forms():
            stems = self.stems(form)
            if term.prefix and form == term.text and len(stems) == 1:
                # The prefix as typed (lower case, folded), not stemmed: "manag*" finds "management".
                prefix.extend(re.findall(r"[a-z0-9]+", form.lower())[:1])
            elif len(stems) == 1:
                single.add(stems[0])
            elif len(stems) > 1:
                multi.append(tuple(stems))
        return single, multi, prefix

    def match(self, stems: QueryStems, boosts: dict[str, float], limit: int) -> list[tuple[int, float]]:
        """NOS holding any of the query's words (or phrases), best BM25 first: (id, score)."""
        if stems.is_empty:
            return []
        clauses = []
        for group, multi, prefix in zip(stems.groups, stems.multiword, stems.prefixes, strict=True):
            clauses.append((tantivy.Occur.Should, self._group_query(group, multi, prefix, boosts)))
        for phrase in stems.phrases:
            clauses.append((tantivy.Occur.Should, self._fields_query([self._phrase(f, phrase) for f in FIELDS], boosts)))
        result = self.searcher.search(tantivy.Query.boolean_query(clauses), limit, count=False)
        if self._in_order:
            return [(self.ids[address.doc], score) for score, address in result.hits]
        return [(self.searcher.doc(address)["id"][0], score) for score, address in result.hits]

    def _group_query(self, group, multi, prefix, boosts) -> tantivy.Query:
        per_field = []
        for name in FIELDS:
            parts = [tantivy.Query.term_query(self.schema, name, stem) for stem in sorted(group)]
            parts += [self._phrase(name, words) for words in multi]
            parts += [tantivy.Query.regex_query(self.schema, name, re.escape(p) + "[a-z0-9]*") for p in prefix]
            per_field.append(parts[0] if len(parts) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts]))
        return self._fields_query(per_field, boosts)

    def _fields_query(self, per_field: list[tantivy.Query], boosts: dict[str, float]) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(q, boosts[name]))
                for name, q in zip(FIELDS, per_field, strict=True)
                if boosts.get(name, 0) > 0
            ]
        )

    def _phrase(self, name: str, words: tuple[str, ...]) -> tantivy.Query:
        return tantivy.Query.phrase_query(self.schema, name, list(words))
