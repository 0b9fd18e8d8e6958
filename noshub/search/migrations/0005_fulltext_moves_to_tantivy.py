"""The full-text index leaves the database: search uses tantivy, built in memory by each
process from the search documents (noshub/search/fulltext.py), on SQLite and PostgreSQL alike.
The FTS5 table (SQLite) and the tsvector table (PostgreSQL) go; going back recreates them
empty (`noshub index` on the older code fills them again)."""

from django.db import migrations

FORWARD = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],
    "postgresql": ["DROP TABLE IF EXISTS search_pgfts"],
}
BACKWARD = {
    "sqlite": [
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, keywords, context, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    ],
    "postgresql": [
        "CREATE TABLE search_pgfts (standard_id bigint PRIMARY KEY, tsv tsvector NOT NULL, head tsvector NOT NULL)",
        "CREATE INDEX search_pgfts_tsv ON search_pgfts USING GIN (tsv)",
        "CREATE INDEX search_pgfts_head ON search_pgfts USING GIN (head)",
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_querylog_at_when_asked")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
