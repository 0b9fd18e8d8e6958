"""PostgreSQL: the full-text index moves to a narrow table of its own.

The weighted tsvector lived on search_searchdocument beside the body text (59 MB), so every
scan and ranking of a broad query read the wide rows. `search_pgfts` holds only the vectors
(~13 MB): `tsv` (title A, keywords B, context C, body D) for word search and `head` (title A,
keywords B) for the any-word fallback over titles and keywords, which before needed weight
labels in the query (a recheck of every candidate). SQLite is unchanged (FTS5 already keeps
its index apart).
"""

from django.db import migrations

FORWARD = [
    "CREATE TABLE search_pgfts (standard_id bigint PRIMARY KEY, tsv tsvector NOT NULL, head tsvector NOT NULL)",
    "INSERT INTO search_pgfts (standard_id, tsv, head) "
    "SELECT standard_id, tsv, setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', keywords), 'B') "
    "FROM search_searchdocument WHERE tsv IS NOT NULL",
    "CREATE INDEX search_pgfts_tsv ON search_pgfts USING GIN (tsv)",
    "CREATE INDEX search_pgfts_head ON search_pgfts USING GIN (head)",
    "ANALYZE search_pgfts",
    "DROP INDEX IF EXISTS search_searchdocument_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]
BACKWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector",
    "UPDATE search_searchdocument d SET tsv = f.tsv FROM search_pgfts f WHERE f.standard_id = d.standard_id",
    "CREATE INDEX search_searchdocument_tsv ON search_searchdocument USING GIN (tsv)",
    "DROP TABLE IF EXISTS search_pgfts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
