"""Search logic that knows nothing of databases: query parsing, spelling, fusion, embeddings."""
