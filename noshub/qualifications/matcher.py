"""Which NOS a qualification's unit is: by its code, then by its title in the context of the
qualification's other units. Works on plain data (no database), so the benchmark
(`bench/links_quality.py`) runs exactly what the service runs.

1. **Code**: the unit's developer code is the NOS URN (``PPLRES05``), or is once normalised
   (`loose_code`): ``&``/``_`` and spacing (`noshub.core.urns.normalise_urn`), a version suffix
   (``COSVR641 v2``), hyphens and dots (``SEMPEO2-04`` is ``SEMPEO204``), zero padding
   (``SUMHV4``/``SUMHV04``) and the trailing legacy letter (``LANCS20L``). A URN held by more
   than one standard is settled by the title.
2. **Title, context and time**: TF-IDF (words and character n-grams) of the unit's title
   against every NOS title gives candidates; the same title often exists under several URNs (a
   suite copied by another developer, a legacy NOS and its successor), so each candidate has
   features beyond its title: the share of the qualification's other units linked into its
   suites, to its developer, to its URN's prefix and to its batch (the day it entered the NOS
   database); its level; and time (`time_features`): whether it was legacy at the
   qualification's date (a NOS whose successor came after that date was current then; the
   successor did not exist yet) and whether it entered the NOS database after that date. The
   other units' NOS are their code links when they have codes, else their first-pass title
   matches. A logistic model learnt from the units whose codes settle their NOS (`settled`,
   their codes hidden; `fit_ranking`) weighs the features; without one, fixed weights (title
   plus context, less a legacy penalty).

Confidence is a logistic model of the match's features (title, margin over the runner-up,
context agreement), fitted on links the ranking made without having seen the unit's
qualification (`fit`: the ranking learnt on the other folds of qualifications); a link below
`REVIEW_BELOW` goes to the review queue.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from noshub.core.urns import normalise_urn

REVIEW_BELOW = 0.9  # links less sure than this wait for a person
MIN_TITLE_SCORE = 0.3  # below this a title match is no candidate at all
TOP_K = 25
# Context weights (tuned on folds of qualifications in bench/links_quality.py --tune).
W_SUITE, W_DEVELOPER, W_PREFIX, W_LEGACY, W_LEVEL = 0.10, 0.0, 0.10, 0.03, 0.0

#: The features of a unit's candidate NOS: title similarity; the share of the qualification's
#: other units its suite, developer, URN prefix and batch cover; the level its suite names
#: agreeing with the qualification's; legacy today; and time (`time_features`): legacy at the
#: qualification's date, entered the NOS database after it, and the readings of time tried
#: before (`TIME_FORMS`).
RANK_FEATURES = (
    "title",
    "suite",
    "developer",
    "prefix",
    "batch",
    "level",
    "legacy",
    *("legacy_then", "later", "later_any", "current_then", "replaced_then"),
)
#: The features every learnt ranking weighs, whatever it reads of time.
BASE_RANKED_ON = ("title", "suite", "developer", "prefix", "batch", "level")
#: The readings of time a learnt ranking can weigh (the features each adds to `BASE_RANKED_ON`),
#: simplest first: "none", legacy today; "flags", the first tried: legacy today, entered the
#: NOS database after the date (every NOS), and a legacy NOS current then / a NOS replaced by
#: then; "twice": legacy then and entered after the date for every NOS (a successor's late entry
#: counted in both); "once", shipped: legacy then, and entered after the date for a NOS with no
#: known predecessor (`time_features`). `bench/links_quality.py --nested` chooses among them on
#: training folds alone.
TIME_FORMS = {
    "none": ("legacy",),
    "once": ("legacy_then", "later"),
    "twice": ("legacy_then", "later_any"),
    "flags": ("legacy", "later_any", "current_then", "replaced_then"),
}
#: The reading of time `noshub qualifications link` learns with.
TIME_FORM = "once"


def ranked_on(form: str = TIME_FORM) -> tuple[str, ...]:
    """The features a learnt ranking weighs with the reading of time `form` (of `TIME_FORMS`)."""
    return BASE_RANKED_ON + TIME_FORMS[form]


#: Those a learnt ranking (`Matcher.fit_ranking`, measured beside the fixed weights) weighs by default.
RANKED_ON = ranked_on()
RANKING_C = 1.0  # the ranking model's inverse regularisation
FIT_FOLDS = 5  # folds of qualifications for the confidence of the learnt ranking (`Matcher.fit`)
#: The NOS database's first load: every NOS of its time was entered on 31 March or 23 April 2014,
#: so a creation date up to this one only says the NOS existed by then.
FIRST_LOAD = date(2014, 4, 30)
#: A NOS entered more than this after the qualification's date did not exist when it was written.
GRACE = timedelta(days=180)


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
    #: When the NOS database first held it (its earliest version's creation; NOS migrated at the
    #: database's first load carry that load's date, `FIRST_LOAD`, which only says "by then").
    created: date | None = None
    #: When a later standard that names it as its Original URN (its successor) was first held.
    replaced: date | None = None
    #: It names another NOS as its Original URN (it is that NOS's successor).
    successor: bool = False

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
    when: date | None = None  # the qualification's date (`qualification_date`): the NOS of its time


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
    rows: list[tuple[Nos, dict[str, float]]] = field(default_factory=list)  # every candidate's features, best first


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
        #: (feature names, logistic coefficients) of the learnt ranking (`fit_ranking`); None: fixed weights.
        self.ranking: tuple[tuple[str, ...], tuple[float, ...]] | None = None
        self.weights = {"suite": W_SUITE, "developer": W_DEVELOPER, "prefix": W_PREFIX, "legacy": W_LEGACY, "level": W_LEVEL}
        #: The fixed weights' legacy penalty reads the status a NOS had at the qualification's
        #: date (`time_features`); False: its status today (the linker before time).
        self.dated = True
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
        # The context of a qualification: how well its units are covered by each suite, developer,
        # URN prefix and batch (the day NOS entered the database together). A unit linked by
        # code counts 1 for its NOS's; a unit linked by title counts, for each suite (developer,
        # prefix, batch), its best title score among its candidates there, so a title held in
        # several suites votes for all of them and the suite that covers the most of the
        # qualification wins.
        kinds = ("suite", "developer", "prefix", "batch")
        support: dict[str, dict[str, Counter]] = {}
        own: dict[int, dict[str, dict[str, float]]] = {}
        sizes: Counter = Counter()

        def add(u: UnitIn, scored_nos: list[tuple[Nos, float]]) -> None:
            best: dict[str, dict[str, float]] = {kind: {} for kind in kinds}
            for nos, score in scored_nos:
                for kind, values in _context_keys(nos).items():
                    for value in values:
                        best[kind][value] = max(best[kind].get(value, 0.0), score)
            own[u.ref] = best
            qual = support.setdefault(u.qualification, {kind: Counter() for kind in kinds})
            for kind, values in best.items():
                qual[kind].update(values)
            sizes[u.qualification] += 1

        for u in units:
            if u.ref in matches and matches[u.ref].nos is not None:
                add(u, [(matches[u.ref].nos, 1.0)])
        for u, cand in zip(rest, cands, strict=True):
            add(u, [(self.catalogue[i], cos) for i, cos in cand if cos >= MIN_TITLE_SCORE])
        for u, cand in zip(rest, cands, strict=True):
            qual = support.get(u.qualification)
            others = sizes[u.qualification] - 1
            rows = []
            if self.ranking is not None:  # the learnt ranking knows only candidates close enough
                cand = [(i, cos) for i, cos in cand if cos >= MIN_TITLE_SCORE]
            for index, cos in cand:
                nos = self.catalogue[index]
                f = dict.fromkeys(RANK_FEATURES, 0.0)
                f["title"] = cos
                if context and others > 0 and qual is not None:
                    mine = own[u.ref]
                    for kind, values in _context_keys(nos).items():
                        f[kind] = max((qual[kind][v] - mine[kind].get(v, 0.0) for v in values), default=0.0) / others
                f["level"] = 0.0 if u.level is None or nos.level is None else (1.0 if nos.level == u.level else 0.0)
                f["legacy"] = float(nos.legacy)
                f.update(time_features(nos, u.when))
                rows.append((nos, f))
            scored = sorted(((self.score(f), nos, f) for nos, f in rows), key=lambda s: -s[0])
            if not scored or scored[0][2]["title"] < MIN_TITLE_SCORE:
                matches[u.ref] = Match(u.ref, None, "", reason="no NOS title is close enough to the unit's title")
                continue
            best_score, best_nos, f = scored[0]
            margin = best_score - (scored[1][0] if len(scored) > 1 else 0.0)
            feats = (f["title"], margin, f["suite"], f["developer"], f["prefix"], f["level"])
            parts = [f"title similarity {f['title']:.2f}"]
            if f["suite"]:
                parts.append(f"its suite covers {f['suite']:.0%} of the qualification's other units")
            if f["prefix"]:
                parts.append(f"its URN prefix {urn_prefix(best_nos.urn_key)} covers {f['prefix']:.0%} of them")
            if self.ranking is not None and "batch" in self.ranking[0] and f["batch"]:
                parts.append(f"NOS that entered the NOS database with it cover {f['batch']:.0%} of them")
            if self.dated and u.when is not None:
                parts.extend(time_reasons(best_nos, u.when))
            m = Match(
                u.ref,
                best_nos,
                "title",
                score=best_score,
                reason="; ".join(parts) + f"; ahead of the next NOS by {margin:.2f}",
                features=feats,
                candidates=[(s[1], round(s[0], 3)) for s in scored[:5]],
                rows=[(s[1], s[2]) for s in scored],
            )
            m.confidence = self.confidence(feats)
            matches[u.ref] = m
        return [matches[u.ref] for u in units]

    def score(self, f: dict[str, float]) -> float:
        """A candidate's score: the learnt ranking model's probability that it is the unit's NOS
        (`fit_ranking`) when there is one, else the title similarity plus the fixed context
        weights."""
        if self.ranking is not None:
            names, coef = self.ranking
            z = coef[0] + sum(c * f[name] for c, name in zip(coef[1:], names, strict=True))
            return 1.0 / (1.0 + math.exp(-z))
        w = self.weights
        return (
            f["title"]
            + w["suite"] * f["suite"]
            + w["developer"] * f["developer"]
            + w["prefix"] * f["prefix"]
            + w["level"] * f["level"]
            - w["legacy"] * (f["legacy_then"] if self.dated else f["legacy"])
        )

    # ------------------------------------------------------------------ the learnt ranking

    def settled(self, units: Sequence[UnitIn]) -> dict[int, int]:
        """Unit ref → standard id for the units whose code (exactly, or once normalised) names
        exactly one NOS: the truth the ranking and the confidence learn from (and the one
        `bench/links_quality.py` judges on)."""
        out = {}
        for u in units:
            found = self.code_candidates(u.code)
            if len(found) == 1:
                out[u.ref] = found[0].standard_id
        return out

    def fit_ranking(self, units: Sequence[UnitIn], truth: dict[int, int] | None = None, use: Sequence[str] = RANKED_ON) -> int:
        """Learn how to weigh a candidate's features (`use` of `RANK_FEATURES`) from units whose
        NOS is known (`truth`: unit ref → standard id; by default `settled`), linked with their
        codes hidden: a logistic model of "this candidate is the unit's NOS" over every candidate
        (title similarity at least `MIN_TITLE_SCORE`) of every known unit whose NOS is among
        them. The units' qualifications are the context, all of them as given. Returns how many
        units it learnt from (0: too few; the model is left as it was)."""
        truth = self.settled(units) if truth is None else truth
        hidden = [UnitIn(u.ref, u.qualification, u.title, "", u.level, u.when) for u in units]
        saved, self.ranking = self.ranking, None
        matches = self.link(hidden, use_codes=False)
        self.ranking = saved
        X, y, learnt = [], [], 0
        for m in matches:
            answer = truth.get(m.ref)
            rows = [(nos, f) for nos, f in m.rows if f["title"] >= MIN_TITLE_SCORE]
            if answer is None or not any(nos.standard_id == answer for nos, _ in rows):
                continue
            learnt += 1
            for nos, f in rows:
                X.append([f[name] for name in use])
                y.append(int(nos.standard_id == answer))
        if learnt < 50:
            return 0
        self.ranking = (tuple(use), fit_logistic(X, y, c=RANKING_C))
        return learnt

    def fit(self, units: Sequence[UnitIn], folds: int = FIT_FOLDS) -> tuple[int, int]:
        """What `link_units` does before linking: learn the ranking (`fit_ranking`) from the
        settled units, and the confidence from links the ranking made without having seen their
        qualification (the ranking learnt on the other folds of qualifications, the units' codes
        hidden), so it is not the ranking's view of its own training units. Falls back to the
        fixed weights (and `fit_calibration`) when too few units are settled. Returns (units the
        ranking learnt from, links the confidence learnt from)."""
        truth = self.settled(units)
        quals = sorted({u.qualification for u in units})
        hidden = [UnitIn(u.ref, u.qualification, u.title, "", u.level, u.when) for u in units]
        qual_of = {u.ref: u.qualification for u in units}
        self.ranking = None
        X, y = [], []
        for k in range(folds):
            fold = set(quals[k::folds])
            self.ranking = None
            if not self.fit_ranking(units, {r: t for r, t in truth.items() if qual_of[r] not in fold}):
                continue
            for m in self.link([u for u in hidden if u.qualification in fold], use_codes=False):
                if m.ref in truth and m.nos is not None:
                    X.append(m.features)
                    y.append(int(m.nos.standard_id == truth[m.ref]))
        self.ranking = None
        learnt = self.fit_ranking(units, truth)
        if not learnt or len(y) < 50 or len(set(y)) < 2:
            return learnt, self.fit_calibration(units, truth)
        self.calibration = fit_logistic(X, y)
        return learnt, len(y)

    # ------------------------------------------------------------------ confidence

    def confidence(self, feats: Sequence[float]) -> float:
        coef = self.calibration or DEFAULT_CALIBRATION
        z = coef[0] + sum(c * f for c, f in zip(coef[1:], feats, strict=False))
        return 1.0 / (1.0 + math.exp(-z))

    def fit_calibration(self, units: Sequence[UnitIn], truth: dict[int, int] | None = None) -> int:
        """Fit the confidence on units whose code settles their NOS (`truth`; by default those
        whose code is exactly a URN): link them with their codes hidden and learn how often a
        match with these features is right. Returns how many units it learnt from (0: too few,
        or all right or all wrong; the defaults stay)."""
        if truth is None:
            truth = {}
            for u in units:
                nos, method, _ = self.by_code(u.code, u.title)
                if nos is not None and method == "code":
                    truth[u.ref] = nos.standard_id
        known = [u for u in units if u.ref in truth]
        hidden = [UnitIn(u.ref, u.qualification, u.title, "", u.level, u.when) for u in units]
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


def fit_logistic(X: Sequence[Sequence[float]], y: Sequence[int], c: float = 1.0) -> tuple[float, ...]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000)
    model.fit(X, y)
    return (float(model.intercept_[0]), *(float(c) for c in model.coef_[0]))


# ----------------------------------------------------------------------------- time and batch


def _context_keys(nos: Nos) -> dict[str, set[str]]:
    """The values a NOS shares with the other units' NOS: suites, developer, URN prefix, and its
    batch (the day it entered the NOS database, for NOS entered after the first load)."""
    batch = {nos.created.isoformat()} if nos.created and nos.created > FIRST_LOAD else set()
    return {"suite": set(nos.suites), "developer": {nos.developer} - {""}, "prefix": {urn_prefix(nos.urn_key)}, "batch": batch}


def _after(day: date | None, when: date) -> bool:
    """`day` is after `when` by more than `GRACE`, and after the first load (before which a date
    says nothing)."""
    return day is not None and day > FIRST_LOAD and day > when + GRACE


def time_features(nos: Nos, when: date | None) -> dict[str, float]:
    """What the qualification's date says of a candidate NOS.

    `legacy_then`: the NOS was not the current one at that date. Its legacy status today is
    re-read where the catalogue knows its succession (a successor names it as its Original URN):
    a NOS whose successor entered the NOS database only after the date was current then, its
    successor did not exist yet (legacy then); a NOS whose successor was already there had been
    replaced. Elsewhere its status today stands. `later`: a NOS with no known predecessor entered
    the NOS database after the date (a weaker reading: many NOS in use were re-entered after the
    first load; a successor's entry is `legacy_then`'s, not counted twice). With no date,
    today's status and 0.

    The readings tried before (`TIME_FORMS`): `later_any`, entered after the date, successor or
    not; `current_then`, legacy today but its successor entered only after the date;
    `replaced_then`, its successor was already there."""
    if when is None:
        none = dict.fromkeys(("later", "later_any", "current_then", "replaced_then"), 0.0)
        return {"legacy_then": float(nos.legacy), **none, "replaced_then": float(nos.replaced is not None)}
    later = _after(nos.created, when)
    replaced_later = nos.replaced is not None and _after(nos.replaced, when)
    if nos.replaced is not None:
        legacy_then = not replaced_later
    elif nos.successor and later:
        legacy_then = True
    else:
        legacy_then = nos.legacy
    return {
        "legacy_then": float(legacy_then),
        "later": float(later and not nos.successor),
        "later_any": float(later),
        "current_then": float(nos.legacy and replaced_later),
        "replaced_then": float(nos.replaced is not None and not replaced_later),
    }


def time_reasons(nos: Nos, when: date) -> list[str]:
    """What the reason of a link says of time, where the qualification's date changed the NOS's
    status."""
    if nos.legacy and nos.replaced is not None and _after(nos.replaced, when):
        return [f"legacy now, but current at the qualification's date ({when:%d %B %Y}): its successor came in {nos.replaced:%Y}"]
    return []


def qualification_date(structure_approved: date | None, accredited_from: date | None) -> date | None:
    """The date a qualification's units were chosen: its structure's approval, else the start of
    its accreditation."""
    return structure_approved or accredited_from


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
