"""The stop words of each job that reads text: one list per job, named for it.

The lists differ on purpose: each was tuned for what its reader does, and a word dropped by one
job may matter to another ("how" and "what" are noise to duplicate detection and to a search
query; "own" and "under" are noise in a title but not in a query).

* `SIMILARITY_STOP_WORDS`: dropped before NOS text is compared (duplicate detection,
  `noshub.core.textsim`).
* `SEARCH_STOP_WORDS`: words of a search query that need not all match (search).
* `TITLE_STOP_WORDS`: words ignored when two titles are checked for naming the same standard
  (`noshub.core.titles.same_standard`).
* `OCCUPATION_STOP_WORDS`: dropped by the SOC coder from NOS and ONS text: scikit-learn's English
  list (copied here, so that the coder reads text the same whatever scikit-learn does) and the
  words that say nothing of an occupation in the ONS reference ("related", "n.e.c.", "level").
"""

from __future__ import annotations

SIMILARITY_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "each",
        "either",
        "etc",
        "for",
        "from",
        "has",
        "have",
        "how",
        "if",
        "in",
        "including",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "must",
        "not",
        "of",
        "on",
        "or",
        "other",
        "others",
        "own",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "under",
        "up",
        "upon",
        "use",
        "used",
        "using",
        "via",
        "was",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
        "yourself",
        "e",
        "g",
        "ie",
        "eg",
        "i",
        "ii",
        "iii",
        "iv",
    ]
)

SEARCH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)

TITLE_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "with",
        "or",
        "by",
        "at",
        "from",
        "your",
        "their",
        "its",
        "as",
        "be",
        "is",
        "are",
        "under",
        "own",
    ]
)

#: scikit-learn's ``ENGLISH_STOP_WORDS`` (318 words), as the SOC coder was measured with it
_ENGLISH = """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand behind being
    below beside besides between beyond bill both bottom but by call can cannot cant co con could
    couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere
    empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
    fire first five for former formerly forty found four from front full further get give go had has
    hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least
    less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
    myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she should
    show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
    still such system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via
    was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
"""
OCCUPATION_STOP_WORDS = frozenset(_ENGLISH.split()) | {"nos", "occupations", "related", "nec", "and", "level", "suite"}
