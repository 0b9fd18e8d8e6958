"""Suggest SOC 2020 unit groups for a NOS, or for free text such as a job title.

Pure Python with numpy, scipy and scikit-learn: no Django, no network. Everything the coder
knows comes from what it is given to `SocCoder.fit`:

* the ONS reference (`SocReference`): each unit group's title, description, tasks and
  related job titles (SOC 2020 Volume 1), the 32,000 job titles of the coding index
  (Volume 2), and the SOC 2010 → SOC 2020 relationship table;
* the NOS that already carry codes (`Labelled`): their SOC 2010 codes, mapped through the
  relationship table, are a distribution over SOC 2020 unit groups.

How a suggestion is scored (each *signal* gives every unit group a score for one query):

* ``nos_full`` / ``nos_title``: a nearest-neighbour vote over the coded NOS (TF-IDF cosine of
  the whole record, and of the titles); ``centroid``: cosine with the label-weighted sum of
  the coded NOS's vectors per unit group (Rocchio);
* ``unit_full`` / ``unit_title`` / ``unit_context``: cosine of the record, of the title and of
  the occupations and suite names with each unit group's ONS text (title, description,
  tasks, related job titles and every coding-index title of the group);
* ``task``: a nearest-neighbour vote over the single tasks and descriptions of Volume 1;
* ``index``: a nearest-neighbour vote over the 32,000 job titles of the coding index;
* ``suite``, ``developer``, ``occupation``, ``keyword``: what the coded NOS that share the
  query's suite, developer, relevant occupations or keywords are coded to;
* ``bayes``: a multinomial naive Bayes over the title's words, learnt from the coded NOS
  titles and the coding-index titles and tasks (on titles of new suites the strongest single
  word signal); ``prior``: how often each unit group is right among the coded NOS;
* ``mates_*``: what the query's suite-mates *among the queries* look like (the mean of their
  ``nos_full``, ``centroid``, ``bayes``, ``sem_probe`` and ``unit_full``). A new suite
  arrives whole, and its NOS are coded together: a NOS titled "Work safely" is read with
  "Colour hair" and "Cut hair" beside it. Only the mates' text counts, never their codes;
* ``sem_*`` (optional: only with an ``encoder`` of sentence vectors, e.g. all-MiniLM-L6-v2
  through `noshub.core.search.vector_cache`): the title's nearest coded NOS titles
  (``sem_nos``), each unit group's nearest coding-index title (``sem_index``), the nearest
  Volume 1 tasks (``sem_task``), the unit group's title and description (``sem_unit``), and a
  ridge regression from sentence vectors to unit groups learnt from coded NOS titles, index
  titles and tasks (``sem_probe``). They see that "Prepare and cook fish dishes" is close to
  "fish cook" and "Drive a lorry" to "HGV driver". Without an encoder they are zero and the
  combiner learns to do without them.

The combiner (`_RankModel`) is gradient-boosted trees over each (query, candidate unit
group) pair: every signal's score and its share of the query's best on that signal, with
what kind of query it is (a full record whose suite already has coded NOS, a full record of
a new suite, a title alone, a job title) and how close its nearest
neighbours are. It learns on held-out queries made inside `fit`: coded NOS hidden at random;
whole suites hidden as `bench/soc_quality.py` hides them (suites dealt into five folds), each
with the full record and with the title alone; coding-index job titles without their own
index row. (Titles alone are learnt from the whole-suite folds only: free text rarely comes
with suite-mates already coded.) A logistic calibration per regime, fitted on held-out
queries whose suites the trees did not learn from, turns the trees' output into the
probability that the unit group is right, so
that a confidence of 0.8 means right about 8 times in 10 in that regime.
`bench/soc_quality.py` measures both.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from noshub.core.text import OCCUPATION_STOP_WORDS, clean_title, suffix_stem

__all__ = ["CodedNeighbour", "CoderText", "Labelled", "SocCoder", "SocReference", "Suggestion", "UnitGroup", "labels_from_soc2010"]


# --------------------------------------------------------------------------- inputs

#: Turns texts into L2-normalised sentence vectors, one row per text (see
#: `noshub.core.search.vector_cache.CachedEncoder`). Optional: without one the coder uses words only.
Encoder = Callable[[list[str]], np.ndarray]
#: How sharply the sentence-vector neighbours' votes favour the nearest (cosine ** power).
SEM_POWER = 8.0
#: The linear probe (sentence vector → unit groups): ridge penalty, and the weight of a
#: reference title or task against a coded NOS title.
PROBE_RIDGE = 3.0
PROBE_REFERENCE_WEIGHT = 3.0
#: The naive Bayes over title words: additive smoothing, and the weight of the reference's
#: index titles and tasks against coded NOS titles.
BAYES_ALPHA = 0.05
BAYES_REFERENCE_WEIGHT = 1.0


@dataclass(frozen=True)
class CoderText:
    """What the coder reads of a NOS. Free text is a `CoderText` with a title only."""

    key: str = ""
    title: str = ""
    overview: str = ""
    criteria: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()
    developer: str = ""

    @classmethod
    def free_text(cls, text: str) -> CoderText:
        return cls(title=text)

    def title_only(self) -> CoderText:
        return CoderText(key=self.key, title=self.title)

    @property
    def is_title_only(self) -> bool:
        return not (self.overview or self.criteria or self.occupations or self.keywords or self.suites or self.developer)


@dataclass(frozen=True)
class UnitGroup:
    code: str
    title: str
    description: str = ""
    tasks: tuple[str, ...] = ()
    job_titles: tuple[str, ...] = ()


@dataclass
class SocReference:
    units: dict[str, UnitGroup]
    index_titles: list[tuple[str, str]] = field(default_factory=list)  # (job title, SOC 2020 unit)
    crosswalk: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # SOC 2010 → [(SOC 2020, share)]

    def minor_of(self, unit: str) -> str:
        return unit[:3]


@dataclass(frozen=True)
class Labelled:
    """A coded NOS: its text and its SOC 2020 unit groups with weights summing to 1."""

    nos: CoderText
    labels: dict[str, float]


@dataclass(frozen=True)
class CodedNeighbour:
    """A coded NOS that carries a suggested unit group, with how alike its words are to the
    query's (cosine of TF-IDF vectors of the whole record): evidence a reviewer can read."""

    key: str
    title: str
    similarity: float


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    confidence: float
    #: the coded NOS most like the query among those coded to this unit group (`SocCoder.with_evidence`)
    similar: tuple[CodedNeighbour, ...] = ()


def labels_from_soc2010(codes: Iterable[str], crosswalk: dict[str, list[tuple[str, float]]]) -> dict[str, float]:
    """SOC 2010 codes → SOC 2020 weights: each valid code's shares, averaged over the codes.

    Invalid SOC 2010 codes (not in the relationship table) are ignored; no valid code gives {}."""
    valid = [c for c in dict.fromkeys(codes) if c in crosswalk]
    out: dict[str, float] = defaultdict(float)
    for code in valid:
        rows = crosswalk[code]
        total = sum(p for _, p in rows) or 1.0
        for unit, share in rows:
            out[unit] += share / total / len(valid)
    return dict(out)


# --------------------------------------------------------------------------- text

_WORD = re.compile(r"[a-z][a-z0-9]+")
_stem_cache: dict[str, str] = {}


def _tokens(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if w in OCCUPATION_STOP_WORDS:
            continue
        s = _stem_cache.get(w)
        if s is None:
            s = _stem_cache[w] = suffix_stem(w)
        out.append(s)
    return out


def _title(nos: CoderText) -> str:
    """The title as the coder reads it: without the marks of its catalogue life (`clean_title`:
    the status "… Legacy" that ends 843 coded NOS titles says nothing of the occupation and
    makes unrelated legacy NOS alike; a leading unit number)."""
    return clean_title(nos.title) or nos.title


def _first_word(text: str) -> str:
    words = _WORD.findall(text.lower())
    return words[0] if words else ""


def _analyzer(text: str) -> list[str]:
    toks = _tokens(text)
    return toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


def _full_text(nos: CoderText) -> str:
    title = _title(nos)
    parts = [title, title, nos.overview, " ".join(nos.criteria[:30])]
    parts += [" ; ".join(nos.occupations), " ; ".join(nos.keywords), " ; ".join(nos.suites), " ; ".join(nos.suites)]
    return " \n".join(p for p in parts if p)


def _context_text(nos: CoderText) -> str:
    """What a NOS says about its occupation besides its own wording: occupations and suites."""
    return " ; ".join((*nos.occupations, *nos.suites))


def _norm_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, min_df=1, dtype=np.float32)


def _row_normalise(m: np.ndarray) -> np.ndarray:
    s = m.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return m / s


def _topk_vote(sim: sparse.spmatrix, labels: np.ndarray, k: int, power: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the similarity-weighted vote of its k nearest labelled rows.

    Returns (votes normalised to sum 1, best similarity)."""
    sim = sparse.csr_matrix(sim)
    n = sim.shape[0]
    rows, cols, vals = [], [], []
    best = np.zeros(n, np.float32)
    indptr, indices, data = sim.indptr, sim.indices, sim.data
    for i in range(n):
        lo, hi = indptr[i], indptr[i + 1]
        if hi == lo:
            continue
        d = data[lo:hi]
        if hi - lo > k:  # the k largest (partitioning -d would copy every row first: 30% slower)
            top = np.argpartition(d, hi - lo - k)[hi - lo - k :]
        else:
            top = np.arange(hi - lo)
        rows.append(np.full(len(top), i))
        cols.append(indices[lo:hi][top])
        vals.append(d[top])
        best[i] = d[top].max()
    if not rows:
        return np.zeros((n, labels.shape[1]), np.float32), best
    w = sparse.csr_matrix(
        (np.clip(np.concatenate(vals), 0, None) ** power, (np.concatenate(rows), np.concatenate(cols))), shape=sim.shape
    )
    return _row_normalise(np.asarray(w @ labels, dtype=np.float32)), best


def _dense_topk_vote(sim: np.ndarray, labels: np.ndarray, k: int, power: float) -> tuple[np.ndarray, np.ndarray]:
    """`_topk_vote` for a dense similarity matrix (cosines of sentence vectors)."""
    n = sim.shape[0]
    k = min(k, sim.shape[1])
    if n == 0 or k == 0:
        return np.zeros((n, labels.shape[1]), np.float32), np.zeros(n, np.float32)
    m = sim.shape[1]
    top = np.argpartition(sim, m - k, axis=1)[:, m - k :]  # the k largest, without copying -sim
    vals = np.clip(np.take_along_axis(sim, top, axis=1), 0, None)
    w = sparse.csr_matrix((vals.ravel() ** power, (np.repeat(np.arange(n), k), top.ravel())), shape=sim.shape)
    return _row_normalise(np.asarray(w @ labels, dtype=np.float32)), vals.max(axis=1).astype(np.float32)


# --------------------------------------------------------------------------- signals

SIGNALS = (
    "nos_full",
    "nos_title",
    "centroid",
    "unit_full",
    "unit_title",
    "unit_context",
    "task",
    "index",
    "suite",
    "developer",
    "occupation",
    "keyword",
    "prior",
    "bayes",
    "mates_full",
    "mates_centroid",
    "mates_bayes",
    "mates_probe",
    "mates_unit",
    "sem_nos",
    "sem_index",
    "sem_task",
    "sem_unit",
    "sem_probe",
)
#: The signals that need sentence vectors (an ``encoder`` given to `SocCoder.fit`); without
#: one they are zero and the combiner gives them no weight.
SEMANTIC = ("sem_nos", "sem_index", "sem_task", "sem_unit", "sem_probe")
FIELDS = ("suite", "developer", "occupation", "keyword")
EXTRAS = (
    "mates",
    "nos_full_max",
    "nos_title_max",
    "index_max",
    "sem_nos_max",
    "sem_index_max",
    "suite_known",
    "title_only",
    "short",
)


def _field_values(nos: CoderText, name: str) -> set[str]:
    if name == "suite":
        return {_norm_key(s) for s in nos.suites if s.strip()}
    if name == "developer":
        return {_norm_key(nos.developer)} if nos.developer.strip() else set()
    if name == "occupation":
        return {_norm_key(s) for s in nos.occupations if s.strip()}
    return {_norm_key(s) for s in nos.keywords if s.strip()}


class _Signals:
    """Everything that does not need the combiner: vectorised texts and field statistics.

    ``pool`` is the boolean mask of the coded NOS that may speak for a query set; hiding a NOS
    or a suite is done by masking, so cross-validation inside `fit` re-uses the vectors."""

    def __init__(self, reference: SocReference, labelled: Sequence[Labelled], encoder: Encoder | None = None) -> None:
        self.units = sorted(reference.units)
        self.unit_index = {c: i for i, c in enumerate(self.units)}
        U = len(self.units)
        self.reference = reference
        self.labelled = list(labelled)
        self.rows_of_key: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(labelled):
            if item.nos.key:
                self.rows_of_key[item.nos.key].append(i)
        self.Y = np.zeros((len(labelled), U), np.float32)
        for i, item in enumerate(labelled):
            for code, w in item.labels.items():
                if code in self.unit_index:
                    self.Y[i, self.unit_index[code]] += w
        self.Y = _row_normalise(self.Y)

        unit_docs, index_docs, index_units = [], [], []
        by_unit: dict[str, list[str]] = defaultdict(list)
        for title, unit in reference.index_titles:
            if unit in self.unit_index:
                by_unit[unit].append(title)
                index_docs.append(title)
                index_units.append(self.unit_index[unit])
        for code in self.units:
            g = reference.units[code]
            titles = sorted(set(by_unit[code]))
            unit_docs.append(
                " \n".join(
                    [g.title, g.title, g.title, g.description, " ; ".join(g.tasks), " ; ".join(g.job_titles), " ; ".join(titles)]
                )
            )
        self.vec = _vectorizer()
        full_docs = [_full_text(x.nos) for x in labelled]
        fitted = self.vec.fit_transform(unit_docs + full_docs + index_docs).tocsr()  # each text read once
        self.unit_m = fitted[: len(unit_docs)]
        # each task and the description of each unit group, as separate sentences
        task_docs, task_units = [], []
        for code in self.units:
            g = reference.units[code]
            for sentence in (*g.tasks, g.description):
                if sentence.strip():
                    task_docs.append(sentence)
                    task_units.append(self.unit_index[code])
        self.task_m = self.vec.transform(task_docs)
        self.task_labels = np.zeros((len(task_docs), U), np.float32)
        self.task_labels[np.arange(len(task_docs)), task_units] = 1.0
        self.index_m = fitted[len(unit_docs) + len(full_docs) :]
        self.index_titles = index_docs
        self.index_labels = np.zeros((len(index_docs), U), np.float32)
        self.index_labels[np.arange(len(index_docs)), index_units] = 1.0
        self.nos_full_m = fitted[len(unit_docs) : len(unit_docs) + len(full_docs)]
        self.nos_title_m = self.vec.transform([_title(x.nos) for x in labelled])
        # naive Bayes word counts of the reference: coding-index titles and tasks per unit group
        self.bayes_reference = (
            BAYES_REFERENCE_WEIGHT
            * (
                sparse.csr_matrix(self.index_labels.T) @ self.index_m + sparse.csr_matrix(self.task_labels.T) @ self.task_m
            ).tocsr()
        )

        # sentence vectors (optional): NOS titles, coding-index titles, tasks, unit groups
        self.encoder = encoder
        if encoder is not None:
            self.sem_nos = encoder([_title(x.nos) for x in labelled])
            order = np.argsort(index_units, kind="stable")
            units_sorted = np.asarray(index_units)[order]
            self.sem_index_starts = np.flatnonzero(np.r_[True, units_sorted[1:] != units_sorted[:-1]])
            self.sem_index_units = units_sorted[self.sem_index_starts]
            self.sem_index_t = np.ascontiguousarray(encoder(index_docs)[order].T)
            self.sem_task = encoder(task_docs)
            # the linear probe's reference part: coding-index titles and tasks, each labelled
            # with its unit group, at a lower weight than a coded NOS
            ref_x = np.vstack([self.sem_index_t.T, self.sem_task])
            ref_y = np.vstack([self.index_labels[order], self.task_labels])
            self.probe_gram = PROBE_REFERENCE_WEIGHT * (ref_x.T @ ref_x)
            self.probe_cross = PROBE_REFERENCE_WEIGHT * (ref_x.T @ ref_y)
            self.sem_unit = encoder([f"{reference.units[c].title}. {reference.units[c].description}" for c in self.units])

        # words that begin NOS titles ("Prepare", "Install") but rarely a job title of the index:
        # a short text that starts with one is a NOS title, not a job title (see `_regimes`)
        nos_first = Counter(_first_word(x.nos.title) for x in labelled)
        index_first = Counter(_first_word(t) for t in index_docs)
        self.openers = frozenset(w for w, c in nos_first.items() if w and c > 2 * index_first[w])

        # field values (suite, developer, occupation, keyword) as incidence matrices
        self.field_vocab: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        self.field_m = {name: self._incidence(name, [x.nos for x in labelled], grow=True) for name in FIELDS}

    def is_job_title(self, q: CoderText) -> bool:
        """A short free text that does not begin as NOS titles do: a job title such as "head chef"
        (coded like the index's titles), not a short NOS title such as "Texturise hair"."""
        return q.is_title_only and len(_tokens(q.title)) <= 3 and _first_word(q.title) not in self.openers

    def _incidence(self, name: str, items: Sequence[CoderText], grow: bool = False) -> sparse.csr_matrix:
        vocab = self.field_vocab[name]
        rows, cols = [], []
        for i, nos in enumerate(items):
            for v in _field_values(nos, name):
                j = vocab.get(v)
                if j is None:
                    if not grow:
                        continue
                    j = vocab[v] = len(vocab)
                rows.append(i)
                cols.append(j)
        m = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(items), max(len(vocab), 1)))
        m.data[:] = 1.0
        return m

    def _field_tables(self, pool: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per field value: the summed labels of the pool NOS that carry it, shrunk by a
        pseudo-count of 2 (few NOS → less sure), and how many pool NOS carry it."""
        out = {}
        P = sparse.diags(pool.astype(np.float32))
        for name in FIELDS:
            F = (P @ self.field_m[name]).T.tocsr()  # values × labelled
            counts = np.asarray(F.sum(axis=1)).ravel()
            sums = np.asarray(F @ self.Y)
            out[name] = (sums / (counts[:, None] + 2.0), counts)
        return out

    def _bayes(self, pool_idx: np.ndarray, Yp: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
        """A multinomial naive Bayes over title words (TF-IDF weighted), learnt from the pool's
        NOS titles and the reference: log(1 + count/alpha) per (word, unit group), sparse, and
        each unit group's normaliser; a query's log-likelihood is q @ first + |q| * second."""
        counts = (sparse.csr_matrix(Yp.T) @ self.nos_title_m[pool_idx]).tocsr() + self.bayes_reference
        totals = np.asarray(counts.sum(axis=1)).ravel()
        logs = counts.copy()
        logs.data = np.log1p(logs.data / BAYES_ALPHA)
        norm = (math.log(BAYES_ALPHA) - np.log(totals + BAYES_ALPHA * counts.shape[1])).astype(np.float32)
        return logs.T.tocsr(), norm

    def compute(
        self,
        queries: Sequence[CoderText],
        pool: np.ndarray,
        batch: int = 2000,
        index_exclude: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Every signal for every query: {signal: (n_queries, n_units)} plus query-level extras.
        `index_exclude` names, per query, a coding-index row it may not see (-1: none); `rows`
        says which coded NOS each query is (while fitting), so its words are not read again."""
        n = len(queries)
        out = {s: np.zeros((n, len(self.units)), np.float32) for s in SIGNALS}
        extra = {k: np.zeros(n, np.float32) for k in EXTRAS}
        pool_idx = np.flatnonzero(pool)
        Yp = self.Y[pool_idx]
        full_p = self.nos_full_m[pool_idx].T.tocsr()
        title_p = self.nos_title_m[pool_idx].T.tocsr()
        index_t = self.index_m.T.tocsr()
        unit_t = self.unit_m.T.tocsr()
        task_t = self.task_m.T.tocsr()
        tables = self._field_tables(pool)
        # how often each unit group is right among the pool's coded NOS: for a title that says
        # little, the groups NOS are most often coded to are the best guess
        bayes_log, bayes_norm = self._bayes(pool_idx, Yp)
        prior = Yp.sum(axis=0)
        prior = (prior / max(prior.sum(), 1e-9)).astype(np.float32)
        # Rocchio: cosine with the (label-weighted) sum of the pool NOS's vectors, per unit group
        centroids = sparse.csr_matrix(Yp.T) @ self.nos_full_m[pool_idx]
        centroid_norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel()).astype(np.float32)
        centroid_norms[centroid_norms == 0] = 1.0
        centroids_t = centroids.T.tocsr()
        for start in range(0, n, batch):
            chunk = queries[start : start + batch]
            sl = slice(start, start + len(chunk))
            if rows is not None and all(q is self.labelled[r].nos for q, r in zip(chunk, rows[sl], strict=True)):
                qf = self.nos_full_m[rows[sl]]
            else:
                qf = self.vec.transform([_full_text(q) for q in chunk])
            qt = self.nos_title_m[rows[sl]] if rows is not None else self.vec.transform([_title(q) for q in chunk])
            sim_full = qf @ full_p
            out["nos_full"][sl], extra["nos_full_max"][sl] = _topk_vote(sim_full, Yp, 15)
            out["centroid"][sl] = (qf @ centroids_t).toarray() / centroid_norms
            out["nos_title"][sl], extra["nos_title_max"][sl] = _topk_vote(qt @ title_p, Yp, 15)
            out["unit_full"][sl] = (qf @ unit_t).toarray()
            out["unit_title"][sl] = (qt @ unit_t).toarray()
            qc = self.vec.transform([_context_text(q) for q in chunk])
            out["unit_context"][sl] = (qc @ unit_t).toarray()
            logit = np.asarray((qt @ bayes_log).todense()) + np.asarray(qt.sum(axis=1)) * bayes_norm[None, :]
            logit -= logit.max(axis=1, keepdims=True)
            out["bayes"][sl] = _row_normalise(np.exp(logit).astype(np.float32))
            out["task"][sl], _ = _topk_vote(qt @ task_t, self.task_labels, 5, power=3.0)
            sim_index = (qt @ index_t).tocsr()
            if index_exclude is not None:
                own = index_exclude[sl]
                rows = np.flatnonzero(own >= 0)
                if len(rows):
                    values = np.asarray(sim_index[rows, own[rows]]).ravel()
                    sim_index = sim_index - sparse.csr_matrix((values, (rows, own[rows])), shape=sim_index.shape)
                    sim_index.eliminate_zeros()
            out["index"][sl], extra["index_max"][sl] = _topk_vote(sim_index, self.index_labels, 20, power=3.0)
            for name in FIELDS:
                Q = self._incidence(name, chunk)
                table, counts = tables[name]
                known = Q.multiply((counts > 0)[None, :].astype(np.float32)).tocsr()
                n_known = np.asarray(known.sum(axis=1)).ravel()
                sig = np.asarray(known @ table, dtype=np.float32)
                out[name][sl] = sig / np.maximum(n_known, 1.0)[:, None]
                if name == "suite":
                    extra["suite_known"][sl] = (n_known > 0).astype(np.float32)
            out["prior"][sl] = prior
            extra["title_only"][sl] = np.array([1.0 if q.is_title_only else 0.0 for q in chunk], np.float32)
            extra["short"][sl] = np.array([1.0 if self.is_job_title(q) else 0.0 for q in chunk], np.float32)
        if self.encoder is not None:
            # they read the title only: a title-only query after its full record costs nothing
            key = (hash(tuple(q.title for q in queries)), hash(pool.tobytes()))
            memo = self._semantic_memo
            values = memo[1] if memo is not None and memo[0] == key else self._semantic(queries, pool_idx, Yp)
            if self.remember:
                self._semantic_memo = (key, values)
            for name, v in values.items():
                (out if name in out else extra)[name][:] = v
        self._mates(queries, out, extra)
        out.update(extra)
        return out

    @staticmethod
    def _mates(queries: Sequence[CoderText], out: dict[str, np.ndarray], extra: dict[str, np.ndarray]) -> None:
        """What the other queries of the same suite say: a new suite's NOS arrive together,
        and what most of them look like is the best guess for each (their text only)."""
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, q in enumerate(queries):
            for v in {_norm_key(s) for s in q.suites if s.strip()}:
                rows.append(i)
                cols.append(vocab.setdefault(v, len(vocab)))
        if not rows:
            return
        n = len(queries)
        Q = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, len(vocab)))
        M = (Q @ Q.T).tocsr()
        M.setdiag(0)
        M.eliminate_zeros()
        M.data[:] = 1.0
        count = np.asarray(M.sum(axis=1)).ravel()
        scale = sparse.diags(1.0 / np.maximum(count, 1.0))
        for name in ("full", "centroid", "bayes", "probe", "unit"):
            src = out[{"full": "nos_full", "probe": "sem_probe", "unit": "unit_full"}.get(name, name)]
            out[f"mates_{name}"][:] = scale @ (M @ src)
        extra["mates"][:] = np.log1p(count)

    _semantic_memo: tuple | None = None
    #: While fitting, `compute` keeps the last semantic signals for the next call.
    remember = False

    def forget(self) -> None:
        """Stop keeping the last semantic signals, and drop them."""
        self.remember = False
        self._semantic_memo = None

    def _semantic(self, chunk: Sequence[CoderText], pool_idx: np.ndarray, Yp: np.ndarray) -> dict[str, np.ndarray]:
        """The sentence-vector signals: the query's title against coded NOS titles, coding-index
        titles, Volume 1 tasks and unit groups."""
        assert self.encoder is not None
        n, U = len(chunk), len(self.units)
        out = {name: np.zeros((n, U), np.float32) for name in SEMANTIC}
        extra = out
        out["sem_nos_max"] = np.zeros(n, np.float32)
        out["sem_index_max"] = np.zeros(n, np.float32)
        sl = slice(0, n)
        Q = self.encoder([_title(q) for q in chunk])
        nos_p = self.sem_nos[pool_idx]
        # a ridge regression from sentence vectors to unit groups, learnt from the pool's NOS
        # titles and the reference's titles and tasks
        gram = self.probe_gram + nos_p.T @ nos_p + PROBE_RIDGE * np.eye(nos_p.shape[1], dtype=np.float32)
        probe = np.linalg.solve(gram, self.probe_cross + nos_p.T @ Yp).astype(np.float32)
        for start in range(0, len(chunk), 500):
            q = Q[start : start + 500]
            rows = slice(sl.start + start, sl.start + start + len(q))
            out["sem_nos"][rows], extra["sem_nos_max"][rows] = _dense_topk_vote(q @ nos_p.T, Yp, 15, SEM_POWER)
            # coding-index titles: each unit group's nearest title (the index is sorted by unit)
            best = np.maximum.reduceat(q @ self.sem_index_t, self.sem_index_starts, axis=1)
            by_unit = np.zeros((len(q), len(self.units)), np.float32)
            by_unit[:, self.sem_index_units] = np.clip(best, 0, None)
            extra["sem_index_max"][rows] = by_unit.max(axis=1)
            out["sem_index"][rows] = _row_normalise(by_unit**SEM_POWER)
            out["sem_task"][rows], _ = _dense_topk_vote(q @ self.sem_task.T, self.task_labels, 5, SEM_POWER)
            out["sem_unit"][rows] = np.clip(q @ self.sem_unit.T, 0, None) ** 2
            out["sem_probe"][rows] = np.clip(q @ probe, 0, None)
        return out


# --------------------------------------------------------------------------- combiner

_CANDIDATES_PER_SIGNAL = 6


def _candidates(sig: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The (query, unit group) pairs that any signal ranks in its top few, with a score > 0."""
    n, U = sig["nos_full"].shape
    k = min(_CANDIDATES_PER_SIGNAL, U)
    mask = np.zeros((n, U), bool)
    rows = np.arange(n)[:, None]
    for s in SIGNALS:
        if s == "prior":  # the same groups for every query: a feature, not a source of candidates
            continue
        top = np.argpartition(-sig[s], k - 1, axis=1)[:, :k]
        mask[rows, top] |= np.take_along_axis(sig[s], top, axis=1) > 0
    empty = ~mask.any(axis=1)
    if empty.any():  # nothing speaks (e.g. unknown words): fall back on the reference text
        top = np.argpartition(-sig["unit_full"][empty], k - 1, axis=1)[:, :k]
        sub = mask[empty]
        sub[np.arange(sub.shape[0])[:, None], top] = True
        mask[empty] = sub
    qi, ui = np.nonzero(mask)
    return qi, ui


#: Kinds of query, each with its own calibration (and a feature of the trees): a title alone
#: (free text), a full record whose suite has coded NOS, a full record of a new suite, and a
#: job title: a text of up to three words that does not begin as NOS titles begin
#: (`_Signals.is_job_title`; "Texturise hair" is a NOS title, "head chef" a job title).
REGIMES = ("title", "suite_known", "new_suite", "short_title")


def _regimes(sig: dict[str, np.ndarray]) -> np.ndarray:
    title = sig["title_only"] > 0
    known = sig["suite_known"] > 0
    short = sig["short"] > 0
    return np.where(short, 3, np.where(title, 0, np.where(known, 1, 2)))


def _one_thread():
    """The trees on one thread: their OpenMP threads wait for each other at every step, and on
    a machine whose cores are busy with anything else that made them ten times slower."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


class _RankModel:
    """Gradient-boosted trees over (query, candidate) features: each signal's score, its share
    of the query's best score on that signal and whether it is that signal's first choice, plus
    what kind of query it is (title alone, suite known, short, how close its nearest neighbours
    are). Trained on the held-out queries made inside `fit` to predict whether the candidate is
    right; a logistic calibration per regime, on queries the trees did not learn from, turns its
    output into the probability that the unit group is right."""

    #: every query-level extra of `_Signals.compute` is a feature of each of its candidates
    QUERY_FEATURES = EXTRAS

    def __init__(self) -> None:
        self.model = None
        self.calibration: dict[int, LogisticRegression] = {}

    @staticmethod
    def features(sig: dict[str, np.ndarray], qi: np.ndarray, ui: np.ndarray) -> np.ndarray:
        cols = []
        for s in SIGNALS:
            m = sig[s]
            v = m[qi, ui]
            best = m.max(axis=1)[qi]
            cols += [v, v / np.maximum(best, 1e-9)]
        for name in _RankModel.QUERY_FEATURES:
            cols.append(sig[name][qi])
        return np.stack(cols, axis=1).astype(np.float32)

    @staticmethod
    def consensus(F: np.ndarray) -> np.ndarray:
        """Per row of `features`: the mean over signals of the candidate's share of the best."""
        return F[:, 1 : 2 * len(SIGNALS) : 2].mean(axis=1)

    def fit(
        self, F: np.ndarray, y: np.ndarray, qid: np.ndarray, regime: np.ndarray, seed: int = 0, groups: np.ndarray | None = None
    ) -> None:
        """Learn from rows of `features`; `groups` (one per row, e.g. a suite) are kept whole
        when a quarter of them is held back for the calibration."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        rng = np.random.default_rng(seed)
        groups = qid if groups is None else groups
        kinds = np.unique(groups)
        cal = np.isin(groups, rng.choice(kinds, size=len(kinds) // 4, replace=False))
        # most candidates are wrong: the trees learn from every right one and a share of the
        # wrong ones, which ranks as well and is several times faster (the calibration below
        # sees every candidate of its queries, so the probabilities stay honest)
        learn = ~cal & ((y > 0) | (rng.random(len(y)) < NEGATIVE_SHARE))
        self.model = HistGradientBoostingClassifier(
            max_iter=80,
            learning_rate=0.15,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=seed,
        )
        with _one_thread():
            self.model.fit(F[learn], y[learn])
        if len(np.unique(y[cal])) < 2:  # too little data to hold queries back: calibrate in-sample
            cal = np.ones(len(y), bool)
        if len(np.unique(y[cal])) < 2:
            return
        with _one_thread():
            p = self.model.predict_proba(F[cal])[:, 1]
        G, yc, rc = self._calibration_features(p, qid[cal]), y[cal], regime[cal]
        for r in range(len(REGIMES)):
            m = rc == r
            if m.sum() < 50 or len(np.unique(yc[m])) < 2:
                m = np.ones(len(yc), bool)
            model = LogisticRegression(C=1.0, max_iter=500)
            model.fit(G[m], yc[m])
            self.calibration[r] = model

    @staticmethod
    def _calibration_features(p: np.ndarray, qid: np.ndarray) -> np.ndarray:
        """logit of the trees' probability, its gap to the query's best, and whether it is the
        best, alone and with the logit (the first suggestion's confidence is what matters
        most); rows sorted by query."""
        logit = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
        starts = np.flatnonzero(np.r_[True, qid[1:] != qid[:-1]]) if len(qid) else np.zeros(0, int)
        counts = np.diff(np.r_[starts, len(qid)])
        best = np.repeat(np.maximum.reduceat(logit, starts), counts) if len(qid) else logit
        top = (logit >= best).astype(np.float64)
        return np.stack([logit, logit - best, top, top * logit], axis=1)

    def predict(self, F: np.ndarray, qid: np.ndarray, regime: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self.model is not None
        # every core for prediction (rows are independent; only fitting waits at each step)
        p = self.model.predict_proba(F)[:, 1] if len(F) else np.zeros(0)
        G = self._calibration_features(p, qid)
        prob = p.copy() if not self.calibration else np.zeros(len(F))
        for r, model in self.calibration.items():
            m = regime == r
            if m.any():
                prob[m] = model.predict_proba(G[m])[:, 1]
        return p, prob


#: The fewest coded NOS the coder learns from: it holds some back to learn how to combine its signals.
MIN_CODED = 20
#: The share of wrong candidates the trees learn from.
NEGATIVE_SHARE = 0.2
#: How many of the first suggestions `SocCoder._diversify` may re-rank.
DIVERSIFY_DEPTH = 10
#: How much the chance of being right only with an earlier suggestion counts against a
#: candidate (1: exactly as estimated; more: the estimate from all coded NOS is too low for one
#: query, measured on whole suites held out: top-3 +0.3 points at 2 against 1).
DIVERSIFY_OVERLAP_WEIGHT = 2.0


# --------------------------------------------------------------------------- the coder


class SocCoder:
    """Fit once (`fit`), then `suggest` for one NOS or `suggest_many` for a catalogue."""

    def __init__(self, signals: _Signals, combiner: _RankModel) -> None:
        self._signals = signals
        self._combiner = combiner
        self._all = np.ones(len(signals.labelled), bool)
        # P(unit v right | unit u right) among the coded NOS: row u, column v
        right = (signals.Y > 0).astype(np.float32)
        counts = right.sum(axis=0)
        self._co_right: np.ndarray | None = (right.T @ right) / np.maximum(counts, 1.0)[:, None]
        np.fill_diagonal(self._co_right, 1.0)

    @property
    def units(self) -> list[str]:
        return self._signals.units

    @classmethod
    def fit(
        cls,
        reference: SocReference,
        labelled: Sequence[Labelled],
        seed: int = 0,
        stack_size: int = 1500,
        encoder: Encoder | None = None,
    ) -> SocCoder:
        """Learn from the reference and the coded NOS.

        The combiner is trained on held-out predictions: inside `fit`, coded NOS are hidden
        (at random, and by whole suites) and predicted from the rest, with the full record
        and with the title alone, so that its probabilities are honest for new NOS, for NOS
        of new suites and for free text."""
        labelled = [x for x in labelled if x.labels]
        if len(labelled) < MIN_CODED:
            raise ValueError(
                f"the SOC coder learns from NOS that carry codes: it needs at least {MIN_CODED}, and has {len(labelled)} "
                "(load the catalogue and run 'noshub soc migrate' first)"
            )
        signals = _Signals(reference, labelled, encoder)
        signals.remember = True
        combiner = _RankModel()
        rng = np.random.default_rng(seed)
        n = len(labelled)
        X_parts, y_parts, r_parts, q_parts, g_parts = [], [], [], [], []
        offset = 0
        suites = [frozenset(_norm_key(s) for s in x.nos.suites) for x in labelled]
        all_suites = sorted({s for ss in suites for s in ss})
        # the calibration holds back whole suites (`_RankModel.fit`): its queries' suite-mates
        # must not teach the trees, or the trees look surer on them than on a new suite
        suite_number = {s: k for k, s in enumerate(all_suites)}
        group_of = np.array([suite_number[min(ss)] if ss else len(all_suites) + i for i, ss in enumerate(suites)])
        size = min(stack_size, n // 4)
        splits: list[tuple[np.ndarray, np.ndarray]] = []
        for _ in range(1):  # random NOS hidden; their suite-mates keep their codes
            held = rng.choice(n, size=size, replace=False)
            splits.append((held, _pool_without(n, held)))
        # whole suites hidden as the benchmark does: suites dealt into five folds; a fold's
        # queries are the NOS whose suites all fall in it, and only NOS none of whose suites
        # falls in it speak (a fifth of all suites are new at once)
        fold_of = {s: f % 5 for f, s in enumerate(rng.permutation(all_suites))}
        keyed = [{fold_of[s] for s in ss} for ss in suites]
        for f in range(5):
            held = np.array([i for i, fs in enumerate(keyed) if fs == {f}], dtype=int)
            if len(held) > size:  # whole suites, so that each held NOS keeps its suite-mates
                groups: dict[str, list[int]] = defaultdict(list)
                for i in held:
                    groups[min(suites[i], default="")].append(int(i))
                chosen: list[int] = []
                for g in rng.permutation(sorted(groups)):
                    if len(chosen) >= size:
                        break
                    chosen += groups[g]
                held = np.sort(np.array(chosen, dtype=int))
            pool = np.array([f not in fs for fs in keyed]) & _pool_without(n, held)
            splits.append((held, pool))
        for k_split, (held, pool) in enumerate(splits):
            for title_only in (False,) if k_split == 0 else (False, True):
                queries = [labelled[i].nos.title_only() if title_only else labelled[i].nos for i in held]
                sig = signals.compute(queries, pool, rows=held)
                qi, ui = _candidates(sig)
                X_parts.append(combiner.features(sig, qi, ui))
                y_parts.append((signals.Y[held[qi], ui] > 0).astype(np.int8))
                r_parts.append(_regimes(sig)[qi])
                q_parts.append(qi + offset)
                g_parts.append(group_of[held[qi]])
                offset += len(held)
        # job titles of the coding index as free text, each without its own index row
        index_units = np.asarray(signals.index_labels.argmax(axis=1)).ravel()
        rows = rng.choice(len(index_units), size=min(size, len(index_units)), replace=False)
        queries = [CoderText(title=signals.index_titles[r]) for r in rows]
        sig = signals.compute(queries, np.ones(n, bool), index_exclude=rows)
        qi, ui = _candidates(sig)
        X_parts.append(combiner.features(sig, qi, ui))
        y_parts.append((ui == index_units[rows[qi]]).astype(np.int8))
        r_parts.append(_regimes(sig)[qi])
        q_parts.append(qi + offset)
        g_parts.append(len(all_suites) + n + rows[qi])
        signals.forget()
        combiner.fit(
            np.vstack(X_parts),
            np.concatenate(y_parts),
            np.concatenate(q_parts),
            np.concatenate(r_parts),
            groups=np.concatenate(g_parts),
        )
        return cls(signals, combiner)

    # -- prediction ---------------------------------------------------------------------
    def _scores(
        self, queries: Sequence[CoderText], pool: np.ndarray | None = None, batch: int = 4000
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        # a suite's NOS in one batch, so that each sees its suite-mates (`_Signals._mates`)
        order_q = sorted(range(len(queries)), key=lambda i: min((_norm_key(s) for s in queries[i].suites), default=""))
        queries = [queries[i] for i in order_q]
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for start in range(0, len(queries), batch):
            chunk = queries[start : start + batch]
            sig = self._signals.compute(chunk, self._all if pool is None else pool)
            qi, ui = _candidates(sig)
            F = self._combiner.features(sig, qi, ui)
            score, p = self._combiner.predict(F, qi, _regimes(sig)[qi])
            # the trees give many candidates the same score (a leaf is a step): among those,
            # the one the signals favour most (mean share of each signal's best) comes first
            order = np.lexsort((-_RankModel.consensus(F), -score, qi))
            qi, ui, p = qi[order], ui[order], p[order]
            bounds = np.searchsorted(qi, np.arange(len(chunk) + 1))
            for i in range(len(chunk)):
                lo, hi = bounds[i], bounds[i + 1]
                cand, prob = self._diversify(ui[lo:hi], p[lo:hi])
                # a lower-ranked code never shows a higher confidence
                out.append((cand, np.minimum.accumulate(prob) if hi > lo else prob))
        back: list = [None] * len(out)
        for pos, i in enumerate(order_q):
            back[i] = out[pos]
        return back

    def _diversify(self, cand: np.ndarray, prob: np.ndarray, depth: int = DIVERSIFY_DEPTH) -> tuple[np.ndarray, np.ndarray]:
        """Re-rank the first suggestions so that each adds the most chance of a right answer.

        Unit groups that are right together (the successors of one SOC 2010 group) are not
        worth two places: after the first, each place goes to the candidate with the largest
        probability less the chance it is right only when an earlier one is
        (p(v) - sum over earlier u of p(u) * P(v right | u right), learnt from the coded NOS)."""
        n = min(depth, len(cand))
        if n < 3 or self._co_right is None:
            return cand, prob
        head, rest = cand[:n], cand[n:]
        # plain Python floats: on ten candidates numpy's per-call cost is most of the time
        co = self._co_right[np.ix_(head, head)].tolist()
        p = prob[:n].tolist()
        chosen = [0]
        overlap = [p[0] * c for c in co[0]]
        left = list(range(1, n))
        while left:
            k = max(range(len(left)), key=lambda i: p[left[i]] - DIVERSIFY_OVERLAP_WEIGHT * overlap[left[i]])
            j = left.pop(k)
            chosen.append(j)
            overlap = [o + p[j] * c for o, c in zip(overlap, co[j], strict=True)]
        order = np.array(chosen)
        return np.r_[head[order], rest], np.r_[prob[:n][order], prob[n:]]

    def suggest_many(
        self,
        queries: Sequence[CoderText],
        top: int = 5,
        pool: np.ndarray | None = None,
        exclude_self: bool = False,
        context: Sequence[CoderText] = (),
    ) -> list[list[Suggestion]]:
        """Suggestions for each query. `pool` masks which coded NOS may speak; with
        `exclude_self`, a query whose key is a coded NOS is answered without that NOS.

        Queries of one suite are coded together: each reads what its suite-mates among the
        queries look like (their text, never their codes). `context` adds NOS that are read as
        suite-mates but not answered for, such as the other uncoded NOS of a NOS's suite."""
        units = self._signals.reference.units
        context = list(context)
        if exclude_self:
            scored = []
            for q in queries:
                own = self._signals.rows_of_key.get(q.key, []) if q.key else []
                mask = (self._all if pool is None else pool).copy()
                mask[own] = False
                scored += self._scores([q, *(c for c in context if c.key != q.key or not q.key)], mask)[:1]
        else:
            scored = self._scores([*queries, *context], pool)[: len(queries)]
        return [
            [
                Suggestion(self.units[c], units[self.units[c]].title, round(float(p), 4))
                for c, p in zip(cand[:top], probs[:top], strict=True)
            ]
            for cand, probs in scored
        ]

    def with_evidence(self, query: CoderText, suggestions: Sequence[Suggestion], k: int = 3) -> list[Suggestion]:
        """The suggestions, each with the `k` coded NOS most like the query among those coded to
        its unit group (never the query's own NOS): what a reviewer compares before confirming."""
        sig = self._signals
        if not suggestions or not len(sig.labelled):
            return list(suggestions)
        sims = np.asarray((sig.vec.transform([_full_text(query)]) @ sig.nos_full_m.T).todense()).ravel()
        if query.key:
            sims[sig.rows_of_key.get(query.key, [])] = -1.0
        out = []
        for s in suggestions:
            column = sig.unit_index.get(s.code)
            similar: list[CodedNeighbour] = []
            if column is not None:
                rows = np.flatnonzero((sig.Y[:, column] > 0) & (sims > 0))
                for r in rows[np.argsort(-sims[rows], kind="stable")][:k]:
                    nos = sig.labelled[r].nos
                    similar.append(CodedNeighbour(nos.key, nos.title, round(float(sims[r]), 3)))
            out.append(replace(s, similar=tuple(similar)))
        return out

    def suggest(self, query: CoderText | str, top: int = 5) -> list[Suggestion]:
        if isinstance(query, str):
            query = CoderText.free_text(query)
        if not (query.title.strip() or not query.is_title_only):
            raise ValueError("nothing to code: the text is empty")
        return self.suggest_many([query], top=top)[0]


def _pool_without(n: int, held: np.ndarray) -> np.ndarray:
    pool = np.ones(n, bool)
    pool[held] = False
    return pool


def minor_ranking(units: Sequence[str], probs: Sequence[float]) -> list[tuple[str, float]]:
    """Minor groups ranked by the summed probability of their unit groups (capped at 1)."""
    acc: dict[str, float] = defaultdict(float)
    for u, p in zip(units, probs, strict=True):
        acc[u[:3]] += p
    return sorted(((m, min(1.0, v)) for m, v in acc.items()), key=lambda kv: -kv[1])


def entropy(weights: dict[str, float]) -> float:
    return -sum(w * math.log(w) for w in weights.values() if w > 0)
