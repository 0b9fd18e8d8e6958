"""Suggested further cross-cutting themes: what recurs across many developers among the NOS
that reach beyond one sector but belong to none of the five themes. No Django.

The pan-sector NOS project means to "explore where additional cross-cutting themes may exist"
(health and safety, equality …). Method, every step explainable:

1. Candidates: NOS classed pan- or multi-sector that are neither a theme's reference NOS nor
   embed one.
2. Topic words: the content words of their titles, less the words that mostly open a title (a
   NOS title opens with its verb: "Manage", "Carry out", "Develop"; a word that is a title's
   first word in at least `Settings.verb_share` of the catalogue titles holding it is a verb,
   not a topic), the particles of phrasal verbs ("carry out") and adverbs ("safely").
3. A word is a seed when the candidates holding it come from at least `min_developers`
   developers. Seeds whose NOS overlap (the shared NOS are at least `overlap` of the smaller
   set: "health" and "safety") are merged into one suggestion.
4. Each suggestion: its words, its NOS, developers, suites and SOC major groups, the developers
   carrying most, and example titles; ranked by developers, then NOS.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from noshub.core.text import clean_title, content_words

#: Words of a phrasal verb ("carry out", "set up") and adverbs ("safely") name no topic.
PARTICLES = frozenset({"out", "off", "down", "over", "back", "own"})


@dataclass(frozen=True)
class Settings:
    min_developers: int = 8
    verb_share: float = 0.3
    overlap: float = 0.6
    limit: int = 20
    examples: int = 6


@dataclass(frozen=True)
class Candidate:
    key: str
    urn: str
    title: str
    developer: str
    suites: tuple[str, ...] = ()
    majors: tuple[str, ...] = ()


@dataclass
class Suggestion:
    words: list[str]
    nos: list[str]
    developers: int
    suites: int
    majors: list[str]
    top_developers: list[tuple[str, int]] = field(default_factory=list)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, urn, title)

    @property
    def name(self) -> str:
        return " and ".join(self.words[:3])

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "words": self.words,
            "nos_count": len(self.nos),
            "developers": self.developers,
            "suites": self.suites,
            "soc_major_groups": self.majors,
            "top_developers": [{"developer": d, "count": n} for d, n in self.top_developers],
            "examples": [{"slug": k, "urn": u, "title": t} for k, u, t in self.examples],
            "nos": self.nos,
        }


def verbs(titles: Iterable[str], share: float) -> set[str]:
    """Words that open at least `share` of the titles holding them."""
    first: Counter = Counter()
    held: Counter = Counter()
    for title in titles:
        words = content_words(clean_title(title))
        if not words:
            continue
        first[words[0]] += 1
        held.update(set(words))
    return {w for w, n in held.items() if first[w] / n >= share}


def suggest(candidates: list[Candidate], all_titles: Iterable[str], settings: Settings | None = None) -> list[Suggestion]:
    s = settings or Settings()
    stop = verbs(all_titles, s.verb_share)
    holders: dict[str, set[int]] = defaultdict(set)
    for i, c in enumerate(candidates):
        for w in set(content_words(clean_title(c.title))) - stop:
            if len(w) > 2 and not w.isdigit() and w not in PARTICLES and not w.endswith("ly"):
                holders[w].add(i)

    def devs(rows: set[int]) -> int:
        return len({candidates[i].developer for i in rows if candidates[i].developer})

    seeds = sorted(
        ((w, rows) for w, rows in holders.items() if devs(rows) >= s.min_developers),
        key=lambda wr: (-devs(wr[1]), -len(wr[1]), wr[0]),
    )
    groups: list[tuple[list[str], set[int]]] = []
    for word, rows in seeds:
        for words, members in groups:
            if len(rows & members) >= s.overlap * min(len(rows), len(members)):
                words.append(word)
                members |= rows
                break
        else:
            groups.append(([word], set(rows)))
    out = []
    for words, rows in groups:
        members = sorted(rows, key=lambda i: candidates[i].urn)
        by_dev = Counter(candidates[i].developer for i in members if candidates[i].developer)
        seen_titles: set[str] = set()
        examples = []
        for i in sorted(members, key=lambda i: (candidates[i].developer, candidates[i].urn)):
            key = clean_title(candidates[i].title).lower()
            if key not in seen_titles and len(examples) < s.examples:
                seen_titles.add(key)
                examples.append((candidates[i].key, candidates[i].urn, candidates[i].title))
        out.append(
            Suggestion(
                words=words,
                nos=[candidates[i].key for i in members],
                developers=len(by_dev),
                suites=len({x for i in members for x in candidates[i].suites}),
                majors=sorted({m for i in members for m in candidates[i].majors}),
                top_developers=by_dev.most_common(5),
                examples=examples,
            )
        )
    out.sort(key=lambda g: (-g.developers, -len(g.nos), g.words))
    return out[: s.limit]
