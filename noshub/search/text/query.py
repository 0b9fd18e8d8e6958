"""Turning what a user typed into a safe full-text query.

Users type words, "quoted phrases", prefixes (``weld*``), URNs and misspellings; some paste
query operators (``NEAR``, ``AND``, ``:``, ``^``) by accident or on purpose. Nothing the user
types reaches the search engine as syntax: the query becomes a list of words and phrases, and
the engine (`noshub.search.fulltext`) builds its query objects from their stems, so an
arbitrary string can never cause a query error or change the query's structure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from noshub.core.text import OCCUPATION_STOP_WORDS, SEARCH_STOP_WORDS, suffix_stem

from .spelling import spelling_variants

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*\*?", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
MAX_TERMS = 12  # longer queries are cut: a query is not a document


def fold(text: str) -> str:
    """Lower case without diacritics: the form in which words are compared."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def words(text: str) -> list[str]:
    """The words of a text, folded, apostrophes removed (``employer's`` → ``employers``)."""
    return [w.replace("'", "") for w in re.findall(r"[^\W_]+(?:'[^\W_]+)*", fold(text))]


def occupation_words(text: str) -> set[str]:
    """The content words of a text stemmed as the SOC coder stems them, so that NOS wording and
    ONS occupation wording meet ("nursing care" and "Nurses" share "nurs")."""
    return {suffix_stem(w) for w in words(text) if w not in OCCUPATION_STOP_WORDS and not w.isdigit()}


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    alternatives: tuple[str, ...] = ()  # other spellings, synonyms, corrections: any may match

    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    def required(self) -> tuple[Term, ...]:
        """Terms that must all match (stop words only count when there is nothing else)."""
        content = tuple(t for t in self.terms if t.text not in SEARCH_STOP_WORDS)
        return content or self.terms

    def all_words(self) -> list[str]:
        found = [t.text for t in self.terms] + [w for p in self.phrases for w in p]
        return list(dict.fromkeys(found))


def parse_query(raw: str) -> ParsedQuery:
    raw = (raw or "")[:500]
    phrases = []
    for match in _PHRASE.findall(raw):
        phrase = tuple(words(match))
        if len(phrase) > 1:
            phrases.append(phrase)
        # a one-word "phrase" is just a word
    rest = _PHRASE.sub(" ", raw) + " " + " ".join(" ".join(words(m)) for m in _PHRASE.findall(raw) if len(words(m)) == 1)
    terms: list[Term] = []
    seen: set[str] = set()
    for token in _WORD.findall(fold(rest)):
        prefix = token.endswith("*")
        text = token.rstrip("*").replace("'", "")
        if not text or text in seen:
            continue
        seen.add(text)
        terms.append(Term(text=text, prefix=prefix and len(text) >= 2, alternatives=spelling_variants(text)))
        if len(terms) >= MAX_TERMS:
            break
    return ParsedQuery(raw=raw, terms=tuple(terms), phrases=tuple(phrases[:4]))


def with_alternatives(query: ParsedQuery, extra: dict[str, tuple[str, ...]], corrections: dict[str, str]) -> ParsedQuery:
    """The query with more alternatives per term (synonyms, spelling corrections)."""
    terms = []
    for term in query.terms:
        more = tuple(a for a in extra.get(term.text, ()) if a not in term.forms())
        terms.append(Term(term.text, term.prefix, term.alternatives + more))
    return ParsedQuery(raw=query.raw, terms=tuple(terms), phrases=query.phrases, corrections=corrections)
