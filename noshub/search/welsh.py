"""Welsh in search: which query words are Welsh (never "corrected" into English), the Welsh
names of the NOS template's sections and of the interface (searched as what they name), and
whether a Welsh query finds any Welsh NOS text.

Welsh words: the Bangor Pronouncing Dictionary (Geiriadur Ynganu Bangor, about 29,000 Welsh
words, Bangor University's Language Technologies Unit), shipped offline inside the PyPI
package `techiaith-g2p`; with the words of the Welsh names below and of the Welsh NOS text the
catalogue holds (`IndexCache.welsh_text`). No other PyPI package ships a kept Welsh word list
without a server or native library (checked: `cymraeg-mcp` bundles hunspell cy_GB inside an
MCP server; `spacy-cymraeg` is a spaCy model).

Welsh names: the section names of the NOS template (`noshub.core.model.SECTION_LABELS`) and
the short entries of the Welsh interface catalogue (`noshub/locale/cy/LC_MESSAGES/django.mo`).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from noshub.core.model import SECTION_LABELS

from .text.query import words

_BANGOR = ("data", "geiriadur-ynganu-bangor", "bangordict.dict")
_LOCALE = Path(__file__).resolve().parents[1] / "locale"
MAX_TERM_WORDS = 5  # interface entries of more words are sentences, not terms


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The Welsh words of the Bangor Pronouncing Dictionary, lower case."""
    try:
        root = resources.files("techiaith.g2p")
    except ModuleNotFoundError:  # the package is a dependency; without it only the names below count
        return frozenset()
    path = root.joinpath(*_BANGOR)
    found = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            head = line.split(" ", 1)[0].strip().lstrip("'").lower()
            if head and not head.startswith("#"):
                found.update(words(head))
    return frozenset(found)


@dataclass(frozen=True)
class WelshName:
    """A Welsh name and what it names: an English interface term, or a section of the template."""

    welsh: str
    english: str
    section: str = ""  # the template field it names, for a section name


@lru_cache(maxsize=1)
def welsh_names() -> dict[tuple[str, ...], WelshName]:
    """Folded words of each Welsh name → the name; section names win over interface terms."""
    names: dict[tuple[str, ...], WelshName] = {}
    for english, welsh in _interface_terms():
        key = tuple(words(welsh))
        if key and len(key) <= MAX_TERM_WORDS and tuple(words(english)) != key:
            names.setdefault(key, WelshName(welsh, english))
    for section, (english, welsh) in SECTION_LABELS.items():
        key = tuple(words(welsh))
        if key:
            names[key] = WelshName(welsh, english, section)
    return names


def _interface_terms() -> list[tuple[str, str]]:
    """(English, Welsh) of the interface catalogue's short entries: no placeholders, no markup."""
    try:
        catalogue = gettext.translation("django", str(_LOCALE), languages=["cy"])
    except OSError:
        return []
    # GNUTranslations has no public way to list its entries; `_catalog` is the parsed .mo.
    entries = catalogue._catalog  # type: ignore[attr-defined]
    out = []
    for msgid, msgstr in entries.items():
        if not isinstance(msgid, str) or not msgid or not msgstr:
            continue
        if any(c in msgid + msgstr for c in "%{}<>\n") or len(msgid.split()) > MAX_TERM_WORDS:
            continue
        out.append((msgid.strip(" :.?"), msgstr.strip(" :.?")))
    return out


def welsh_vocabulary() -> frozenset[str]:
    """Every word known to be Welsh: the dictionary's and those of the Welsh names."""
    return _vocabulary()


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    named = {w for key in welsh_names() for w in key}
    return dictionary_words() | named


@dataclass
class WelshQuery:
    """What search makes of a query's Welsh: the Welsh name it is (if any), its Welsh words, and
    how many NOS hold it in their Welsh text."""

    name: WelshName | None = None
    welsh_words: list[str] = field(default_factory=list)
    is_welsh: bool = False
    nos_with_welsh_text: int = 0

    def as_dict(self) -> dict:
        return {
            "is_welsh": self.is_welsh,
            "words": self.welsh_words,
            "name": {"welsh": self.name.welsh, "english": self.name.english, "section": self.name.section or None}
            if self.name
            else None,
            "nos_with_welsh_text": self.nos_with_welsh_text,
            "welsh_text_held": self.nos_with_welsh_text > 0,
        }


def read_query(q: str, english_vocabulary, welsh_text: dict[str, set[int]], rare: int) -> WelshQuery:
    """The Welsh in a query. A word is Welsh when it is a Welsh word the English catalogue uses
    at most `rare` times; the query is Welsh when at least half its words are. A query that is a
    Welsh name, or the first two or more words of one ("Meini prawf"), names what it names."""
    folded = words(q)
    out = WelshQuery()
    if not folded:
        return out
    vocabulary = welsh_vocabulary()
    out.welsh_words = [w for w in folded if w in vocabulary and english_vocabulary.get(w, 0) <= rare]
    out.name = _name_of(tuple(folded)) if out.welsh_words else None  # an English query is no Welsh name
    out.is_welsh = bool(out.name) or (bool(out.welsh_words) and 2 * len(out.welsh_words) >= len(folded))
    if out.is_welsh:
        holders = [welsh_text.get(w, set()) for w in folded]
        out.nos_with_welsh_text = len(set.intersection(*holders)) if holders else 0
    return out


def _name_of(key: tuple[str, ...]) -> WelshName | None:
    names = welsh_names()
    if key in names:
        return names[key]
    if len(key) < 2:
        return None
    starting = [k for k in names if len(k) > len(key) and k[: len(key)] == key]
    return names[min(starting, key=lambda k: (len(k), k))] if starting else None


def is_welsh_word(word: str) -> bool:
    return word in welsh_vocabulary()
