"""Two full-text engines behind one small contract: `reindex(ids)` and `match(query, mode, limit, titles_only)`.

SQLite: an FTS5 table (porter stemming) ranked by BM25 with column weights.
PostgreSQL: weighted tsvectors (English stemming) in a narrow table with GIN indexes, ranked by ts_rank_cd (ts_rank for the any-word fallback).
Both receive the query only as bound parameters built by `noshub.search.text.query`.
"""

from __future__ import annotations

from django.db import connection

from noshub.search.text.query import ParsedQuery, to_fts5, to_tsquery_terms

# Title first, then keywords, then suites/occupations/developer/SOC titles, then body text.
WEIGHTS = {"title": 10.0, "keywords": 4.0, "context": 2.0, "body": 1.0}


class SqliteBackend:
    name = "sqlite"

    def reindex(self, ids: set[int] | None) -> None:
        with connection.cursor() as cursor:
            if ids is None:
                cursor.execute("DELETE FROM search_fts")
                cursor.execute(
                    "INSERT INTO search_fts(rowid, title, keywords, context, body) "
                    "SELECT standard_id, title, keywords, context, body FROM search_searchdocument"
                )
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                return
            id_list = sorted(ids)
            for start in range(0, len(id_list), 500):
                chunk = id_list[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)
                cursor.execute(
                    "INSERT INTO search_fts(rowid, title, keywords, context, body) "
                    f"SELECT standard_id, title, keywords, context, body FROM search_searchdocument WHERE standard_id IN ({marks})",
                    chunk,
                )

    def match(
        self, query: ParsedQuery, mode: str = "all", limit: int = 2000, titles_only: bool = False
    ) -> list[tuple[int, float]]:
        expression = to_fts5(query, mode, ("title", "keywords") if titles_only else ())
        if not expression:
            return []
        w = WEIGHTS
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(search_fts, %s, %s, %s, %s) FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT %s",
                [w["title"], w["keywords"], w["context"], w["body"], expression, limit],
            )
            return cursor.fetchall()


class PostgresBackend:
    """The vectors live in their own narrow table, `search_pgfts` (migration 0003): `tsv` for
    word search over every field, `head` (title and keywords) for the any-word fallback.
    Ranking uses field weights (title 1.0, keywords 0.4, context 0.2, body 0.1)."""

    name = "postgresql"
    _VECTORS = (
        "SELECT standard_id, "
        "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', keywords), 'B') || "
        "setweight(to_tsvector('english', context), 'C') || setweight(to_tsvector('english', body), 'D'), "
        "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', keywords), 'B') "
        "FROM search_searchdocument"
    )

    def reindex(self, ids: set[int] | None) -> None:
        insert = "INSERT INTO search_pgfts (standard_id, tsv, head) " + self._VECTORS
        with connection.cursor() as cursor:
            if ids is None:
                cursor.execute("DELETE FROM search_pgfts")
                cursor.execute(insert)
                cursor.execute("ANALYZE search_pgfts")  # fresh statistics for the planner
            elif ids:
                id_list = sorted(ids)
                cursor.execute("DELETE FROM search_pgfts WHERE standard_id = ANY(%s)", [id_list])
                cursor.execute(insert + " WHERE standard_id = ANY(%s)", [id_list])

    def match(
        self, query: ParsedQuery, mode: str = "all", limit: int = 2000, titles_only: bool = False
    ) -> list[tuple[int, float]]:
        groups = to_tsquery_terms(query, mode)
        if not groups:
            return []
        # Each fragment goes through to_tsquery('english', %s) as a parameter (so it is
        # stemmed like the documents); fragments hold only bare words and <-> / :* that
        # noshub.search.text.query added.
        params: list[str] = []
        group_sql = []
        for forms in groups:
            parts = []
            for form in forms:
                parts.append("to_tsquery('english', %s)")
                params.append(form)
            group_sql.append("(" + " || ".join(parts) + ")")
        joiner = " && " if mode == "all" else " || "
        tsquery = joiner.join(group_sql)
        column = "head" if titles_only else "tsv"
        # Cover density rewards the words standing together (a title that is the query);
        # over many-word OR queries it costs too much, so the any-word fallback uses ts_rank.
        rank = "ts_rank_cd" if mode == "all" else "ts_rank"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT standard_id, {rank}('{{0.1, 0.2, 0.4, 1.0}}', {column}, q, 1) "
                f"FROM search_pgfts, ({'SELECT ' + tsquery}) AS t(q) "
                f"WHERE {column} @@ q ORDER BY 2 DESC, standard_id LIMIT %s",
                [*params, limit],
            )
            return cursor.fetchall()


def get_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
