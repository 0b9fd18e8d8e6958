"""The peers and baselines NOS Hub's search is measured against (issue 16), over the current NOS.

Each ranker indexes the same fields of the current NOS (`searcheval.current_nos()`): title,
keywords, suites and occupations, weighted 10, 3, 1 and 1, and answers any of the query's
words (no word is required). None has a tuned parameter: each runs as its library's
documentation sets it up.

* `Fts5Baseline`: a plain SQLite FTS5 table in memory (porter tokenizer), the words OR-ed,
  ranked by bm25() with the column weights.
* `Bm25sRanker`: bm25s (Lucene BM25, English stop words, Snowball stemmer from PyStemmer),
  one index per field, scores summed with the field weights (as FTS5's bm25() and tantivy's
  boosts do).
* `TantivyRanker`: a tantivy index in memory, English stemming tokenizer `en_stem`, the
  query's words parsed over the four fields with the weights as field boosts.
* `MeaningRanker`: cosine of the query's all-MiniLM-L6-v2 vector with the NOS vectors already
  stored in NOS Hub's search index (needs Django and the semantic extra).

`ranker.search(query, k)` returns the slugs of the top k NOS, best first.
"""

from __future__ import annotations

import re
import sqlite3

import numpy as np

FIELDS = ("title", "keywords", "suites", "occupations")
WEIGHTS = {"title": 10.0, "keywords": 3.0, "suites": 1.0, "occupations": 1.0}
_WORD = re.compile(r"\w+", re.UNICODE)


def words(query: str) -> list[str]:
    """The query's words, lower case, in order, each once (punctuation and query syntax dropped)."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))


def field_text(nos: dict, field: str) -> str:
    value = nos[field]
    return " ; ".join(value) if isinstance(value, list) else value


class Fts5Baseline:
    name = "FTS5 any-word"

    def __init__(self, nos: list[dict]):
        self.slugs = [n["slug"] for n in nos]
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        columns = ", ".join(FIELDS)
        self.db.execute(f"CREATE VIRTUAL TABLE nos USING fts5({columns}, tokenize='porter unicode61 remove_diacritics 2')")
        self.db.executemany(
            f"INSERT INTO nos(rowid, {columns}) VALUES (?, {', '.join('?' for _ in FIELDS)})",
            [(i, *(field_text(n, f) for f in FIELDS)) for i, n in enumerate(nos)],
        )
        weights = ", ".join(str(WEIGHTS[f]) for f in FIELDS)
        self._sql = f"SELECT rowid FROM nos WHERE nos MATCH ? ORDER BY bm25(nos, {weights}) LIMIT ?"

    def search(self, query: str, k: int = 100) -> list[str]:
        terms = words(query)
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)  # \w+ words hold no double quote
        return [self.slugs[r[0]] for r in self.db.execute(self._sql, (match, k))]


class Bm25sRanker:
    name = "bm25s"

    def __init__(self, nos: list[dict]):
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("english")
        self.slugs = [n["slug"] for n in nos]
        self.indexes = {}
        for field in FIELDS:
            tokens = bm25s.tokenize(
                [field_text(n, field) for n in nos], stopwords="en", stemmer=self.stemmer, show_progress=False
            )
            if not tokens.vocab:  # a field no current NOS fills
                continue
            index = bm25s.BM25()
            index.index(tokens, show_progress=False)
            self.indexes[field] = index

    def search(self, query: str, k: int = 100) -> list[str]:
        tokens = self._bm25s.tokenize(query, stopwords="en", stemmer=self.stemmer, return_ids=False, show_progress=False)[0]
        scores = np.zeros(len(self.slugs), dtype=np.float32)
        for field, index in self.indexes.items():
            known = [t for t in tokens if t in index.vocab_dict]
            if known:
                scores += WEIGHTS[field] * index.get_scores(known)
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return []
        top = hits[np.argsort(-scores[hits], kind="stable")[:k]]
        return [self.slugs[i] for i in top]


class TantivyRanker:
    name = "tantivy"

    def __init__(self, nos: list[dict]):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("row", stored=True, indexed=False)
        for field in FIELDS:
            builder.add_text_field(field, stored=False, tokenizer_name="en_stem")
        self.index = tantivy.Index(builder.build())
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        for i, n in enumerate(nos):
            writer.add_document(tantivy.Document(row=i, **{f: field_text(n, f) for f in FIELDS}))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.slugs = [n["slug"] for n in nos]

    def search(self, query: str, k: int = 100) -> list[str]:
        terms = words(query)
        if not terms:
            return []
        parsed = self.index.parse_query(" ".join(terms), list(FIELDS), field_boosts=WEIGHTS)
        hits = self.searcher.search(parsed, k).hits
        return [self.slugs[self.searcher.doc(address)["row"][0]] for _, address in hits]


class MeaningRanker:
    name = "meaning (MiniLM)"

    def __init__(self, nos: list[dict]):
        from noshub.core.search import embeddings
        from noshub.search.semantic import load_matrix

        self._encode = lambda text: embeddings.encode([text])[0]  # uncached: each query timed as new
        ids, matrix = load_matrix()
        row = {sid: i for i, sid in enumerate(ids)}
        held = [n for n in nos if n["standard_id"] in row]
        self.missing = len(nos) - len(held)
        self.slugs = [n["slug"] for n in held]
        self.matrix = matrix[[row[n["standard_id"]] for n in held]] if held else matrix[:0]

    def search(self, query: str, k: int = 100) -> list[str]:
        if not query.strip() or not len(self.slugs):
            return []
        scores = self.matrix @ self._encode(query)
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        return [self.slugs[i] for i in top[np.argsort(-scores[top], kind="stable")]]


LEXICAL = {"fts5": Fts5Baseline, "bm25s": Bm25sRanker, "tantivy": TantivyRanker}
