"""The text toolkit: stop words, stemmers, plain text and title keys, for every reader of text.

Pure Python, no Django. Where two jobs need different behaviour (the stop words of a search
query and of similarity; the stemmer of highlighting and of the SOC coder) each variant is
here under a name that says which job it serves; see the modules:

* `stopwords`: `SIMILARITY_STOP_WORDS`, `SEARCH_STOP_WORDS`, `TITLE_STOP_WORDS`, `OCCUPATION_STOP_WORDS`;
* `stemming`: `light_stem`, `prefix_stem`, `suffix_stem`;
* `plain`: `strip_tags`, `content_words`;
* `titlekeys`: `clean_title`, `title_match_key`, `title_content_key`.
"""

from .plain import content_words, strip_tags
from .stemming import light_stem, prefix_stem, suffix_stem
from .stopwords import OCCUPATION_STOP_WORDS, SEARCH_STOP_WORDS, SIMILARITY_STOP_WORDS, TITLE_STOP_WORDS
from .titlekeys import clean_title, title_content_key, title_match_key

__all__ = [
    "OCCUPATION_STOP_WORDS",
    "SEARCH_STOP_WORDS",
    "SIMILARITY_STOP_WORDS",
    "TITLE_STOP_WORDS",
    "clean_title",
    "content_words",
    "light_stem",
    "prefix_stem",
    "strip_tags",
    "suffix_stem",
    "title_content_key",
    "title_match_key",
]
