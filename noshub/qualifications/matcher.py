"""Which NOS a qualification's unit is: by its code, then by its title in the context of the
qualification's other units. Works on plain data (no database), so the benchmark
(`bench/links_quality.py`) runs exactly what the service runs.

1. **Code**: the unit's developer code is the NOS URN (``PPLRES05``), or is once normalised
   (`loose_code`): ``&``/``_`` and spacing (`noshub.core.urns.normalise_urn`), a version suffix
   (``COSVR641 v2``), hyphens and dots (``SEMPEO2-04`` is ``SEMPEO204``), zero padding
   (``SUMHV4``/``SUMHV04``) and the trailing legacy letter (``LANCS20L``). A URN held by more
   than one standard is settled by the title.
2. **Title and context**: TF-IDF (words and character n-grams) of the unit's title against every
   NOS title gives candidates; the same title often exists under several URNs (a suite copied
   by another developer), so each candidate gains from the qualification's other units: the
   share of them linked into the candidate's suites, to its developer and to its URN's prefix.
   The other units' NOS are their code links when they have codes, else their first-pass
   title matches.

Confidence is a logistic model of the match's features (score, margin over the runner-up,
context agreement), fitted on the units whose codes settle the truth, with their codes hidden
(`fit_calibration`); a link below `REVIEW_BELOW` goes to the review queue.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from noshub.core.urns import normalise_urn

REVIEW_BELOW = 0.9  # links less sure than this wait for a person
MIN_TITLE_SCORE = 0.3  # below this a title match is no candidate at all
TOP_K = 25
# Context weights (tuned on folds of qualifications in bench/links_quality.py --tune).
W_SUITE, W_DEVELOPER, W_PREFIX, W_LEGACY, W_LEVEL = 0.10, 0.0, 0.10, 0.03, 0.0


@dataclass(frozen=True)
class Nos:
    standard_id: int
    slug: str
    urn_key: str
    title: str
    suites: tuple[str, ...] = ()
    developer: str = ""
    legacy: bool = False
    version_id: int | None = None

    @property
    def level(self) -> int | None:
        return nos_level(self.suites, self.urn_key)


@dataclass
class UnitIn:
    ref: int  # the caller's id of the unit
    qualification: str
    title: str
    code: str = ""
    level: int | None = None  # the qualification's SVQ level (`svq_level`), which suites follow


@dataclass
class Match:
    ref: int
    nos: Nos | None
    method: str  # code / normalised code / title / "" (none)
    score: float = 0.0
    confidence: float = 0.0
    reason: str = ""
    features: tuple[float, ...] = ()
    candidates: list[tuple[Nos, float]] = field(default_factory=list)


# ----------------------------------------------------------------------------- codes

_VERSION = re.compile(r"\s*\(?\bv(?:ersion)?\s*\.?\s*\d+\)?\s*$", re.I)
_CODE_TOKEN = re.compile(r"[A-Z&_]{2,}[A-Z0-9&_.\-]*\d[A-Z0-9&_.\-]*")
_ZEROS = re.compile(r"(?<!\d)0+(\d)")


def loose_code(raw: str) -> str:
    """A code reduced for matching: normalised as a URN, no version suffix, letters and digits
    only, no zero padding."""
    s = _VERSION.sub("", raw or "")
    s = normalise_urn(s)
    s = re.sub(r"[^A-Z0-9]", "", s)
    return _ZEROS.sub(r"\1", s)


def _legacy_stripped(loose: str) -> str | None:
    return loose[:-1] if re.search(r"\dL$", loose) else None


def urn_prefix(urn_key: str) -> str:
    """The letters a URN starts with (its developer's and suite's mark), with the suite's level
    digit where the URN has one: ``PPLRES`` of ``PPLRES05``, ``SEMFWE3`` of ``SEMFWE3-04`` and
    ``SEMBIT4`` of ``SEMBIT405``."""
    m = re.match(r"([A-Z_&]+)(\d(?=-|\d{2}))?", urn_key.upper())
    return (m.group(1).rstrip("_") + (m.group(2) or "")) if m else ""


_TITLE_NOISE = re.compile(r"\s+legacy\s*$", re.I)


def clean_title(title: str) -> str:
    return _TITLE_NOISE.sub("", " ".join((title or "").split()))


# ----------------------------------------------------------------------------- the matcher


class Matcher:
    def __init__(self, catalogue: Sequence[Nos]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.catalogue = list(catalogue)
        self.exact: dict[str, list[Nos]] = {}
        self.loose: dict[str, list[Nos]] = {}
        for nos in self.catalogue:
            self.exact.setdefault(nos.urn_key, []).append(nos)
            lc = loose_code(nos.urn_key)
            self.loose.setdefault(lc, []).append(nos)
            stripped = _legacy_stripped(lc)
            if stripped:
                self.loose.setdefault(stripped, []).append(nos)
        titles = [clean_title(n.title).lower() for n in self.catalogue]
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
        self.word_matrix = self.words.fit_transform(titles)
        self.char_matrix = self.chars.fit_transform(titles)
        self.calibration: tuple[float, ...] | None = None
        self.weights = {"suite": W_SUITE, "developer": W_DEVELOPER, "prefix": W_PREFIX, "legacy": W_LEGACY, "level": W_LEVEL}
        self._cache: dict[str, list[tuple[int, float]]] = {}  # a title's candidates, worked out once

    # ------------------------------------------------------------------ by code

    def code_candidates(self, code: str) -> list[Nos]:
        """Every standard a unit code can name, exactly or once normalised (for judging truth)."""
        out: list[Nos] = []
        for token in code.replace("/", " ").split() if code else ():
            for nos in self.exact.get(normalise_urn(token), []) + self.loose.get(loose_code(token), []):
                if nos not in out:
                    out.append(nos)
        return out

    def by_code(self, code: str, title: str) -> tuple[Nos | None, str, str]:
        """(NOS, method, reason) for a unit code, or (None, "", "") when no URN matches."""
        if not code:
            return None, "", ""
        tokens = [
            t
            for t in re.sub(r"\(.*?\)|\bunit\s+\d+", " ", code, flags=re.I).replace("/", " ").split()
            if _CODE_TOKEN.fullmatch(t.upper())
        ]
        if len(tokens) != 1 or tokens[0] != code.strip():  # several codes in a cell, or a code and notes
            if not tokens:
                return None, "", ""
            for token in tokens:
                nos, method, reason = self.by_code(token, title)
                if nos is not None:
                    return nos, "normalised code", reason
            return None, "", ""
        key = normalise_urn(code)
        found = self.exact.get(key)
        method = "code"
        if not found:
            found = self.exact.get(normalise_urn(_VERSION.sub("", code)))
            method = "normalised code"
        if not found:
            lc = loose_code(code)
            found = self.loose.get(lc) or self.loose.get(_legacy_stripped(lc) or "\0")
        if not found:
            return None, "", ""
        best = max(found, key=lambda n: (title_similarity(title, n.title), not n.legacy))
        reason = (
            f"unit code {code!r} is the URN {best.urn_key}"
            if method == "code"
            else f"unit code {code!r} matches the URN {best.urn_key} once normalised"
        )
        if len(found) > 1:
            reason += f" ({len(found)} standards share it: the closest title chosen)"
        return best, method, reason

    # ------------------------------------------------------------------ by title

    def title_candidates(self, titles: Sequence[str], k: int = TOP_K) -> list[list[tuple[int, float]]]:
        """For each title, the k NOS (index into the catalogue) with the highest blended cosine."""
        import numpy as np

        cleaned = [clean_title(t).lower() for t in titles]
        todo = sorted({t for t in cleaned if t not in self._cache})
        if todo:
            words, chars = self.words.transform(todo), self.chars.transform(todo)
            for start in range(0, len(todo), 256):
                block = slice(start, start + 256)
                sims = (0.5 * (words[block] @ self.word_matrix.T) + 0.5 * (chars[block] @ self.char_matrix.T)).toarray()
                top = np.argpartition(-sims, min(k, sims.shape[1] - 1), axis=1)[:, :k]
                for i, title in enumerate(todo[block]):
                    row = [(int(j), float(sims[i, j])) for j in top[i] if sims[i, j] > 0]
                    self._cache[title] = sorted(row, key=lambda c: -c[1])
        return [self._cache[t] for t in cleaned]

    def link(self, units: Sequence[UnitIn], use_codes: bool = True, context: bool = True) -> list[Match]:
        """Link every unit: by code where it has one that matches (with `use_codes`), else by
        title with the qualification's other units as context."""
        matches: dict[int, Match] = {}
        for u in units:
            if use_codes and u.code:
                nos, method, reason = self.by_code(u.code, u.title)
                if nos is not None:
                    sim = title_similarity(u.title, nos.title)
                    m = Match(u.ref, nos, method, score=1.0, reason=reason)
                    m.confidence = 0.99 if sim >= 0.5 else 0.6
                    if sim < 0.5:
                        m.reason += f"; but the titles differ (similarity {sim:.2f})"
                    matches[u.ref] = m
        rest = [u for u in units if u.ref not in matches]
        cands = self.title_candidates([u.title for u in rest])
        # The context of a qualification: how well its units are covered by each suite, developer
        # and URN prefix. A unit linked by code counts 1 for its NOS's; a unit linked by title
        # counts, for each suite (developer, prefix), its best title score among its candidates
        # there, so a title held in several suites votes for all of them and the suite that
        # covers the most of the qualification wins.
        support: dict[str, dict[str, Counter]] = {}
        own: dict[int, dict[str, dict[str, float]]] = {}
        sizes: Counter = Counter()

        def add(u: UnitIn, scored_nos: list[tuple[Nos, float]]) -> None:
            best: dict[str, dict[str, float]] = {"suite": {}, "developer": {}, "prefix": {}}
            for nos, score in scored_nos:
                keys = {"suite": set(nos.suites), "developer": {nos.developer} - {""}, "prefix": {urn_prefix(nos.urn_key)}}
                for kind, values in keys.items():
                    for value in values:
                        best[kind][value] = max(best[kind].get(value, 0.0), score)
            own[u.ref] = best
            qual = support.setdefault(u.qualification, {"suite": Counter(), "developer": Counter(), "prefix": Counter()})
            for kind, values in best.items():
                qual[kind].update(values)
            sizes[u.qualification] += 1

        for u in units:
            if u.ref in matches and matches[u.ref].nos is not None:
                add(u, [(matches[u.ref].nos, 1.0)])
        for u, cand in zip(rest, cands, strict=True):
            add(u, [(self.catalogue[i], cos) for i, cos in cand if cos >= MIN_TITLE_SCORE])
        w = self.weights
        for u, cand in zip(rest, cands, strict=True):
            qual = support.get(u.qualification)
            others = sizes[u.qualification] - 1
            scored = []
            for index, cos in cand:
                nos = self.catalogue[index]
                f = {"suite": 0.0, "developer": 0.0, "prefix": 0.0}
                if context and others > 0 and qual is not None:
                    mine = own[u.ref]
                    f["suite"] = max((qual["suite"][s] - mine["suite"].get(s, 0.0) for s in nos.suites), default=0.0) / others
                    if nos.developer:
                        f["developer"] = (qual["developer"][nos.developer] - mine["developer"].get(nos.developer, 0.0)) / others
                    prefix = urn_prefix(nos.urn_key)
                    f["prefix"] = (qual["prefix"][prefix] - mine["prefix"].get(prefix, 0.0)) / others
                f_level = 0.0 if u.level is None or nos.level is None else (1.0 if nos.level == u.level else 0.0)
                score = (
                    cos
                    + w["suite"] * f["suite"]
                    + w["developer"] * f["developer"]
                    + w["prefix"] * f["prefix"]
                    + w["level"] * f_level
                    - w["legacy"] * nos.legacy
                )
                scored.append((score, cos, f["suite"], f["developer"], f["prefix"], nos, f_level))
            scored.sort(key=lambda s: -s[0])
            if not scored or scored[0][1] < MIN_TITLE_SCORE:
                matches[u.ref] = Match(u.ref, None, "", reason="no NOS title is close enough to the unit's title")
                continue
            best = scored[0]
            margin = best[0] - (scored[1][0] if len(scored) > 1 else 0.0)
            feats = (best[1], margin, best[2], best[3], best[4], best[6])
            parts = [f"title similarity {best[1]:.2f}"]
            if best[2]:
                parts.append(f"its suite covers {best[2]:.0%} of the qualification's other units")
            if best[4]:
                parts.append(f"its URN prefix {urn_prefix(best[5].urn_key)} covers {best[4]:.0%} of them")
            m = Match(
                u.ref,
                best[5],
                "title",
                score=best[0],
                reason="; ".join(parts) + f"; ahead of the next NOS by {margin:.2f}",
                features=feats,
                candidates=[(s[5], round(s[0], 3)) for s in scored[:5]],
            )
            m.confidence = self.confidence(feats)
            matches[u.ref] = m
        return [matches[u.ref] for u in units]

    # ------------------------------------------------------------------ confidence

    def confidence(self, feats: Sequence[float]) -> float:
        coef = self.calibration or DEFAULT_CALIBRATION
        z = coef[0] + sum(c * f for c, f in zip(coef[1:], feats, strict=False))
        return 1.0 / (1.0 + math.exp(-z))

    def fit_calibration(self, units: Sequence[UnitIn]) -> int:
        """Fit the confidence on units whose code settles their NOS: link them with their codes
        hidden and learn how often a match with these features is right. Returns how many
        units it learnt from (0: too few, or all right or all wrong; the defaults stay)."""
        truth = {}
        for u in units:
            nos, method, _ = self.by_code(u.code, u.title)
            if nos is not None and method == "code":
                truth[u.ref] = nos.standard_id
        known = [u for u in units if u.ref in truth]
        hidden = [UnitIn(u.ref, u.qualification, u.title) for u in units]
        matches = {m.ref: m for m in self.link(hidden, use_codes=False)}
        X, y = [], []
        for u in known:
            m = matches[u.ref]
            if m.nos is None:
                continue
            X.append(m.features)
            y.append(int(m.nos.standard_id == truth[u.ref]))
        if len(y) < 50 or len(set(y)) < 2:
            return 0
        self.calibration = fit_logistic(X, y)
        return len(y)


# Fitted on the real data's code-settled units (bench/links_quality.py prints a fresh fit).
DEFAULT_CALIBRATION = (-4.0, 6.0, 12.0, 1.0, 0.5, 1.0, 0.5)


def fit_logistic(X: Sequence[Sequence[float]], y: Sequence[int]) -> tuple[float, ...]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(X, y)
    return (float(model.intercept_[0]), *(float(c) for c in model.coef_[0]))


_SUITE_LEVEL = re.compile(r"\b(?:suite|level)\s*(\d)\b", re.I)
_URN_LEVEL = re.compile(r"^[A-Z]{4,}(\d)-\d")


def nos_level(suites: Sequence[str], urn_key: str) -> int | None:
    """The level a NOS's suite names ("Fabrication and Welding Engineering Suite 3") or its URN
    (``SEMFWE3-08``) give it, if any."""
    for name in suites:
        m = _SUITE_LEVEL.search(name)
        if m:
            return int(m.group(1))
    m = _URN_LEVEL.match(urn_key)
    return int(m.group(1)) if m else None


_SCQF_TO_SVQ = {3: 1, 4: 1, 5: 2, 6: 3, 7: 3, 8: 4, 9: 4, 10: 5, 11: 5}


def svq_level(code: str, scqf_level: int | None) -> int | None:
    """A qualification's SVQ level: the group award code's suffix 2N says N (``GK56 22``: 2);
    else from its SCQF level."""
    m = re.search(r"2([1-5])$", re.sub(r"\s", "", code or ""))
    if m and len(re.sub(r"\s", "", code)) == 6:
        return int(m.group(1))
    return _SCQF_TO_SVQ.get(scqf_level) if scqf_level else None


_WORD = re.compile(r"[a-z0-9]+")


def title_similarity(a: str, b: str) -> float:
    """Share of words in common (Jaccard) of two titles, case and "Legacy" ignored."""
    wa, wb = set(_WORD.findall(clean_title(a).lower())), set(_WORD.findall(clean_title(b).lower()))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
