"""The signals: for one set of queries, every unit group's score on each signal (see the
package's docstring), computed from vectors built once per fit."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .reading import _context_text, _first_word, _full_text, _norm_key, _title, _tokens, _vectorizer
from .records import CoderText, Encoder, Labelled, SocReference
from .votes import _dense_topk_vote, _row_normalise, _topk_vote

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


SIGNALS = (
    "nos_full",
    "nos_title",
    "centroid",
    "unit_full",
    "unit_title",
    "unit_context",
    "suite",
    "developer",
    "occupation",
    "keyword",
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

    def __init__(
        self,
        reference: SocReference,
        labelled: Sequence[Labelled],
        encoder: Encoder | None = None,
        without: frozenset[str] = frozenset(),
    ) -> None:
        unknown = set(without) - set(SIGNALS)
        if unknown:
            raise ValueError(f"no such signal: {', '.join(sorted(unknown))}")
        #: signals left out (zero for every query): the bench's ablation
        self.without = frozenset(without)
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
        rows: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Every signal for every query: {signal: (n_queries, n_units)} plus query-level extras.
        `rows` says which coded NOS each query is (while fitting), so its words are not read again."""
        n = len(queries)
        out = {s: np.zeros((n, len(self.units)), np.float32) for s in SIGNALS}
        extra = {k: np.zeros(n, np.float32) for k in EXTRAS}
        pool_idx = np.flatnonzero(pool)
        Yp = self.Y[pool_idx]
        full_p = self.nos_full_m[pool_idx].T.tocsr()
        title_p = self.nos_title_m[pool_idx].T.tocsr()
        unit_t = self.unit_m.T.tocsr()
        tables = self._field_tables(pool)
        bayes_log, bayes_norm = self._bayes(pool_idx, Yp)
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
            for name in FIELDS:
                Q = self._incidence(name, chunk)
                table, counts = tables[name]
                known = Q.multiply((counts > 0)[None, :].astype(np.float32)).tocsr()
                n_known = np.asarray(known.sum(axis=1)).ravel()
                sig = np.asarray(known @ table, dtype=np.float32)
                out[name][sl] = sig / np.maximum(n_known, 1.0)[:, None]
                if name == "suite":
                    extra["suite_known"][sl] = (n_known > 0).astype(np.float32)
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
        for name in self.without:
            out[name][:] = 0.0
            if f"{name}_max" in extra:  # how near its nearest neighbour is, too
                extra[f"{name}_max"][:] = 0.0
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
