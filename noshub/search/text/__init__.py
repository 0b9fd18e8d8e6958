"""The search app's text handling, free of Django: query parsing, spellings and synonyms, highlighting."""
