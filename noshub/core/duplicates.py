"""Finding duplicate NOS: whole standards and single statements. Pure Python (numpy/scipy).

How it works (and why it beats MinHash LSH at Jaccard 0.8, see bench/duplicates_quality.py):

1. **Fields, not one bag of words.** Each NOS is compared field by field: title, keywords,
   overview, statements (performance criteria and knowledge items), scope/range. A field
   counts only when both NOS have it, so a metadata-only NOS (most of the 2019 catalogue)
   compares with a NOS with body text on what they share. The score is the weighted mean
   of the field similarities (`WEIGHTS`).
2. **Exact candidates, no sampling.** Field vectors are TF-IDF rows; every pair above a
   floor is found by a blocked sparse matrix product. Recall near the threshold is a
   property of the score, not of hashing luck (LSH misses ~half the pairs at its threshold).
3. **Boilerplate counts for little.** A statement's weight is 1 / (number of NOS holding a
   near-identical statement). Copies of one NOS keep a full score (all their statements
   share the same weight), while "identify and minimise hazards and risk in the workplace",
   held by 15 otherwise unrelated NOS, barely moves theirs.
4. **Groups that do not chain.** Groups are complete-linkage clusters of the pair graph: every
   member of a group scores at least the threshold with *every* other member. Connected
   components (what LSH grouping gives) join A–B–C–… through one shared phrase at a time.
5. **Kinds from evidence.** A pair is an *imported copy* when Original URN links the two;
   *same text* when every text field both hold is identical; a *variant* (same function at
   another level or in another context) when the titles differ only by a level, a role verb
   (carry out / supervise / manage …) or a trailing context phrase; else a *near duplicate*.

Versions of one standard are one `NosText` (its current version): they are never compared.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from noshub.core.text import SIMILARITY_STOP_WORDS, clean_title, content_words, light_stem, strip_tags, title_content_key
from noshub.core.textsim import Vectoriser, features, row_dots, similar_pairs
from noshub.core.urns import normalise_urn

SAME_TEXT = "same_text"
IMPORTED_COPY = "imported_copy"
NEAR_DUPLICATE = "near_duplicate"
VARIANT = "variant"
KINDS = {
    SAME_TEXT: "Same text under two URNs",
    IMPORTED_COPY: "Imported or tailored copy (Original URN)",
    NEAR_DUPLICATE: "Near-duplicate",
    VARIANT: "Same function at another level or in another context",
}
_KIND_PRIORITY = (IMPORTED_COPY, SAME_TEXT, NEAR_DUPLICATE, VARIANT)

VARIANT_DISCOUNT = 0.9  # another level or context: the same function, not the same standard
VERB_PENALTY = 0.8  # titles starting with different verbs: "Install …" / "Overhaul …"
KNOWLEDGE_PENALTY = 0.7  # "Understand how to X" is the companion of "X", not its copy
WEIGHTS = {"title": 0.6, "keywords": 0.1, "overview": 0.15, "statements": 0.4, "scope": 0.1}


@dataclass(frozen=True)
class NosText:
    """What duplicate detection reads of one standard (its current version)."""

    key: str  # stable id: the standard's slug
    urn: str
    title: str
    overview: str = ""
    statements: tuple[tuple[str, str], ...] = ()  # (ref, text): performance criteria, knowledge items
    scope: str = ""  # scope/range sections and the other free-text sections, as plain text
    keywords: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    original_urn: str = ""
    status: str = ""
    validity: str = ""
    developer: str = ""
    suites: tuple[str, ...] = ()
    date: str = ""  # ISO date the version was approved or created: older is likelier the original

    @property
    def has_body(self) -> bool:
        return bool(self.statements or self.overview)


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.8  # pair score to join a group (complete linkage: with every member)
    link_threshold: float = 0.55  # lower bar when Original URN links the two
    title_floor: float = 0.45  # candidate floor on title cosine
    body_floor: float = 0.35  # candidate floor on overview cosine
    statement_threshold: float = 0.7  # two statements match at this cosine
    boilerplate_similarity: float = 0.9  # statements this close count as one for their weight


@dataclass
class Pair:
    a: str
    b: str
    score: float
    kind: str
    fields: dict[str, float]
    linked: bool = False

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "kind": self.kind, "fields": self.fields}


@dataclass
class Group:
    members: list[str]
    canonical: str
    kind: str
    score: float  # mean pair score inside the group
    min_score: float
    pairs: list[Pair] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "+".join(sorted(self.members))

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "score": round(self.score, 4),
            "min_score": round(self.min_score, 4),
            "canonical": self.canonical,
            "members": self.members,
            "pairs": [p.as_dict() for p in self.pairs],
        }


@dataclass
class StatementHit:
    key: str  # the NOS
    ref: str
    text: str
    score: float
    nos_count: int  # how many NOS hold this statement (near-identical): >1 means shared, high means boilerplate


@dataclass
class Result:
    groups: list[Group]
    pairs: list[Pair]  # every scored candidate pair at or above the link threshold
    partial_overlaps: list[dict]  # NOS pairs sharing statements but not grouped
    repeated_statements: list[dict]  # statements held by several NOS
    stats: dict


# -- titles: level, role and context ------------------------------------------------------

_LEVEL = re.compile(
    r"\b(?:at\s+)?(?:level|scqf level|nvq level)\s*(?:\d+|one|two|three|four|five|six|seven|eight)\b"
    r"|\b(?:basic|simple|complex|intermediate|advanced|foundation|senior|junior|entry|routine)\b",
    re.I,
)
_ROLE = re.compile(
    r"^(?:carry out|undertake|perform|conduct|contribute to|assist (?:with|in|to)|assist|support|supervise|lead|"
    r"manage|co-?ordinate|oversee|help to|help)\b\s*(?:the\s+)?",
    re.I,
)
# A trailing context phrase: "... in a retail environment", "... within health and social care".
_CONTEXT = re.compile(r"\s+(?:in|within|across|for)\s+(?:a|an|the\s+)?\s*\S.*$", re.I)


_KNOWLEDGE = re.compile(r"^(?:understand|understanding|know|knowledge of|principles of|the principles of)\b", re.I)


def is_knowledge_unit(title: str) -> bool:
    """ "Understand how to …" / "Principles of …": the knowledge companion of a performance standard."""
    return bool(_KNOWLEDGE.match(clean_title(title)))


def lead_verbs(title: str) -> frozenset[str]:
    """The verbs a title starts with: "Prepare, cook and finish soups" -> {prepare, cook, finish}."""
    text = clean_title(title).lower()
    tokens = [t for t in re.findall(r"[a-z]+|,|&", text) if t not in SIMILARITY_STOP_WORDS or t in ("and", "or")]
    out = []
    for k, tok in enumerate(tokens):
        if tok in (",", "&", "and", "or"):
            continue
        out.append(light_stem(tok))
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        if nxt not in (",", "&", "and", "or"):
            break
    return frozenset(out)


def core_title(title: str) -> str:
    """The function a title names, without its level, role verb or trailing context phrase."""
    text = clean_title(title).lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = _LEVEL.sub(" ", text)
    text = " ".join(text.split())
    for _ in range(2):
        text = _ROLE.sub("", text).strip()
    text = re.sub(r"\brole\b", " ", text)
    stripped = _CONTEXT.sub("", text)
    if len(content_words(stripped)) >= 3:  # "work in a team" keeps its context: "work" alone names no function
        text = stripped
    return title_content_key(text)


def _variant_reason(a: str, b: str) -> str:
    """Why two titles name the same function at another level or in another context ("" if not)."""
    la, lb = sorted(m.group(0).lower() for m in _LEVEL.finditer(a)), sorted(m.group(0).lower() for m in _LEVEL.finditer(b))
    if la != lb:
        return "level"
    ra = _ROLE.match(strip_tags(a).lower().strip())
    rb = _ROLE.match(strip_tags(b).lower().strip())
    if (ra.group(0).strip() if ra else "") != (rb.group(0).strip() if rb else ""):
        return "role"
    ca = _CONTEXT.search(strip_tags(a).lower())
    cb = _CONTEXT.search(strip_tags(b).lower())
    if (ca.group(0).strip() if ca else "") != (cb.group(0).strip() if cb else ""):
        return "context"
    return ""


# -- the finder ---------------------------------------------------------------------------


_URN_LIKE = re.compile(r"^[A-Z][A-Z0-9_.\-/]*\d[A-Z0-9_.\-/]*$")


def plausible_urn(value: str) -> bool:
    """Does an Original URN look like a URN? ("IMP", "N/A", "[ORIGINURN]", "2" do not.)"""
    key = normalise_urn(value or "")
    return len(key) >= 3 and bool(_URN_LIKE.match(key))


def _original_key(doc: NosText) -> str:
    """The normalised Original URN when it names another NOS ("" for none, itself or junk)."""
    if not plausible_urn(doc.original_urn):
        return ""
    key = normalise_urn(doc.original_urn)
    return "" if key == normalise_urn(doc.urn) else key


class DuplicateFinder:
    """Vectors of a corpus of NOS, built once; `find()` groups the whole corpus, `covering()`
    answers "which existing NOS and statements already cover this draft?"."""

    def __init__(self, docs: Sequence[NosText], settings: Settings | None = None) -> None:
        self.docs = list(docs)
        self.settings = settings or Settings()
        self.index = {d.key: i for i, d in enumerate(self.docs)}
        s = self.settings
        self.content_key = [title_content_key(d.title) for d in self.docs]
        self.core_key = [core_title(d.title) for d in self.docs]
        self.title_vec = Vectoriser()
        self.T = self.title_vec.fit_transform([features(clean_title(d.title)) for d in self.docs])
        self.core_vec = Vectoriser()
        self.C = self.core_vec.fit_transform([features(k) for k in self.core_key])
        self.kw_vec = Vectoriser()
        self.K = self.kw_vec.fit_transform([self._keyword_features(d) for d in self.docs])
        self.ov_vec = Vectoriser()
        self.O = self.ov_vec.fit_transform([features(d.overview) for d in self.docs])
        self.sc_vec = Vectoriser()
        self.S = self.sc_vec.fit_transform([features(d.scope) for d in self.docs])
        # statements
        self.stmt_doc: list[int] = []
        self.stmt_ref: list[str] = []
        self.stmt_text: list[str] = []
        for i, d in enumerate(self.docs):
            for ref, text in d.statements:
                if content_words(text):
                    self.stmt_doc.append(i)
                    self.stmt_ref.append(ref)
                    self.stmt_text.append(text)
        self.stmt_vec = Vectoriser()
        self.P = self.stmt_vec.fit_transform([features(t) for t in self.stmt_text])
        self.stmt_doc_arr = np.array(self.stmt_doc, dtype=np.int64)
        si, sj, sv = similar_pairs(self.P, threshold=s.statement_threshold)
        cross = self.stmt_doc_arr[si] != self.stmt_doc_arr[sj] if len(si) else np.zeros(0, dtype=bool)
        self.stmt_pairs = (si[cross], sj[cross], sv[cross])
        # statement weight: 1 / number of NOS that hold a near-identical statement
        holders: list[set[int]] = [{d} for d in self.stmt_doc]
        close = self.stmt_pairs[2] >= s.boilerplate_similarity
        for x, y in zip(self.stmt_pairs[0][close], self.stmt_pairs[1][close], strict=True):
            holders[x].add(self.stmt_doc[y])
            holders[y].add(self.stmt_doc[x])
        self.stmt_nos_count = np.array([len(h) for h in holders], dtype=np.int64)
        self.stmt_weight = 1.0 / np.maximum(self.stmt_nos_count, 1)
        self.doc_stmt_weight = np.zeros(len(self.docs))
        np.add.at(self.doc_stmt_weight, self.stmt_doc_arr, self.stmt_weight) if len(self.stmt_doc) else None
        self.lead = [lead_verbs(d.title) for d in self.docs]
        first = Counter(min(v) for v in self.lead if len(v) == 1)
        self.verbs = frozenset(v for v, n in first.items() if n >= 10)
        self.knowledge = [is_knowledge_unit(d.title) for d in self.docs]
        self.original_key = [_original_key(d) for d in self.docs]
        self.urn_key = [normalise_urn(d.urn) for d in self.docs]

    @staticmethod
    def _keyword_features(doc: NosText) -> list[str]:
        out: list[str] = []
        for kw in doc.keywords:
            out += features(kw)
        return out

    # -- candidates -----------------------------------------------------------------------
    def _candidates(self) -> tuple[np.ndarray, np.ndarray]:
        s = self.settings
        found: list[tuple[np.ndarray, np.ndarray]] = []
        i, j, _ = similar_pairs(self.T, threshold=s.title_floor)
        found.append((i, j))
        i, j, _ = similar_pairs(self.C, threshold=0.9)
        found.append((i, j))
        body = np.flatnonzero(self.O.getnnz(axis=1))
        if len(body):
            i, j, _ = similar_pairs(self.O[body], threshold=s.body_floor)
            found.append((body[i], body[j]))
        si, sj, _ = self.stmt_pairs
        if len(si):
            found.append((self.stmt_doc_arr[si], self.stmt_doc_arr[sj]))
        links = self._link_pairs()
        if links:
            arr = np.array(links, dtype=np.int64)
            found.append((arr[:, 0], arr[:, 1]))
        a = np.concatenate([f[0] for f in found])
        b = np.concatenate([f[1] for f in found])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keep = lo != hi
        code = np.unique(lo[keep] * len(self.docs) + hi[keep])
        return code // len(self.docs), code % len(self.docs)

    def _link_pairs(self) -> list[tuple[int, int]]:
        """Pairs joined by Original URN: a copy and its original, or two copies of one original."""
        by_urn: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.urn_key):
            by_urn[key].append(i)
        by_original: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.original_key):
            if key:
                by_original[key].append(i)
        pairs = []
        for key, copies in by_original.items():
            members = copies + by_urn.get(key, [])
            if len(members) > 40:  # an "original" copied that often is a placeholder, not a link
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.append((members[x], members[y]))
        return pairs

    def _linked(self, i: int, j: int) -> bool:
        oi, oj = self.original_key[i], self.original_key[j]
        return bool((oi and (oi == self.urn_key[j] or oi == oj)) or (oj and oj == self.urn_key[i]))

    # -- scoring --------------------------------------------------------------------------
    def _statement_matches(self, rows_a: np.ndarray, rows_b: np.ndarray, sims: np.ndarray) -> list[tuple[int, int, float]]:
        """Greedy one-to-one matching of statements, best first."""
        order = np.argsort(-sims, kind="stable")
        used_a: set[int] = set()
        used_b: set[int] = set()
        out = []
        for k in order:
            x, y = int(rows_a[k]), int(rows_b[k])
            if x in used_a or y in used_b:
                continue
            used_a.add(x)
            used_b.add(y)
            out.append((x, y, float(sims[k])))
        return out

    def _statement_index(self) -> dict[tuple[int, int], list[tuple[int, int, float]]]:
        si, sj, sv = self.stmt_pairs
        by_pair: dict[tuple[int, int], list[tuple[int, int, float]]] = defaultdict(list)
        for x, y, v in zip(si.tolist(), sj.tolist(), sv.tolist(), strict=True):
            dx, dy = self.stmt_doc[x], self.stmt_doc[y]
            if dx < dy:
                by_pair[(dx, dy)].append((x, y, v))
            else:
                by_pair[(dy, dx)].append((y, x, v))
        return by_pair

    def _statement_similarity(self, i: int, j: int, raw: list[tuple[int, int, float]]) -> float:
        if not raw:
            return 0.0
        arr = np.array(raw)
        matches = self._statement_matches(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2])
        w = self.stmt_weight
        matched = sum(v * (w[x] + w[y]) / 2 for x, y, v in matches)
        total = (self.doc_stmt_weight[i] + self.doc_stmt_weight[j]) / 2
        return float(min(matched / total, 1.0)) if total else 0.0

    def score_pairs(self, a: np.ndarray, b: np.ndarray) -> list[Pair]:
        """Score candidate pairs field by field (vectorised), then name each pair's kind."""
        s = self.settings
        title = row_dots(self.T, a, b)
        core = row_dots(self.C, a, b)
        kw = row_dots(self.K, a, b)
        ov = row_dots(self.O, a, b)
        sc = row_dots(self.S, a, b)
        has_kw = self.K.getnnz(axis=1) > 0
        has_ov = self.O.getnnz(axis=1) > 0
        has_sc = self.S.getnnz(axis=1) > 0
        has_st = self.doc_stmt_weight > 0
        stmt_index = self._statement_index()
        pairs = []
        for k in range(len(a)):
            i, j = int(a[k]), int(b[k])
            di, dj = self.docs[i], self.docs[j]
            fields_ = {"title": round(float(title[k]), 4)}
            variant = ""
            if self.content_key[i] != self.content_key[j] and self.core_key[i] and self.core_key[i] == self.core_key[j]:
                variant = _variant_reason(di.title, dj.title)
                if variant == "context" and set(di.suites) & set(dj.suites):
                    variant = ""  # siblings in one suite, told apart by their context, are distinct standards
            title_sim = self._title_similarity(
                float(title[k]), float(core[k]), variant, (self.lead[i], self.knowledge[i]), (self.lead[j], self.knowledge[j])
            )
            if title_sim != float(title[k]):
                fields_["title_adjusted"] = round(title_sim, 4)
            parts = [(WEIGHTS["title"], title_sim)]
            if has_kw[i] and has_kw[j]:
                fields_["keywords"] = round(float(kw[k]), 4)
                parts.append((WEIGHTS["keywords"], float(kw[k])))
            if has_ov[i] and has_ov[j]:
                fields_["overview"] = round(float(ov[k]), 4)
                parts.append((WEIGHTS["overview"], float(ov[k])))
            if has_st[i] and has_st[j]:
                st = self._statement_similarity(i, j, stmt_index.get((min(i, j), max(i, j)), []))
                fields_["statements"] = round(st, 4)
                parts.append((WEIGHTS["statements"], st))
            if has_sc[i] and has_sc[j]:
                fields_["scope"] = round(float(sc[k]), 4)
                parts.append((WEIGHTS["scope"], float(sc[k])))
            score = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
            linked = self._linked(i, j)
            if score < s.link_threshold:
                continue
            if linked:
                kind = IMPORTED_COPY
            elif (
                self.content_key[i] == self.content_key[j]
                and fields_.get("statements", 1.0) >= 0.98
                and fields_.get("overview", 1.0) >= 0.98
                and fields_.get("scope", 1.0) >= 0.98
            ):
                kind = SAME_TEXT
            elif variant:
                kind = VARIANT
                fields_["variant"] = variant  # type: ignore[assignment]
            else:
                kind = NEAR_DUPLICATE
            pairs.append(Pair(di.key, dj.key, score, kind, fields_, linked))
        return pairs

    def _title_similarity(self, title: float, core: float, variant: str, a: tuple, b: tuple) -> float:
        """Title cosine, adjusted: a variant compares on the function it names; two titles that
        start with different verbs ("Install …" / "Maintain …") or pair a knowledge unit
        ("Understand how to …") with its performance unit name different standards."""
        if variant:
            return max(title, core * VARIANT_DISCOUNT)
        (lead_a, know_a), (lead_b, know_b) = a, b
        if lead_a and lead_b and not (lead_a & lead_b) and lead_a <= self.verbs and lead_b <= self.verbs:
            title *= VERB_PENALTY
        if know_a != know_b:
            title *= KNOWLEDGE_PENALTY
        return title

    # -- grouping -------------------------------------------------------------------------
    def _admitted(self, p: Pair) -> bool:
        return p.score >= self.settings.threshold or (p.linked and p.score >= self.settings.link_threshold)

    def find(self) -> Result:
        """Every group of duplicates in the corpus, with partial (statement) overlaps."""
        a, b = self._candidates()
        pairs = self.score_pairs(a, b)
        edges = [p for p in pairs if self._admitted(p)]
        groups = self._groups(edges)
        grouped = {m: g for g in groups for m in g.members}
        partial = self._partial_overlaps(grouped)
        repeated = self._repeated_statements()
        stats = {
            "nos": len(self.docs),
            "nos_with_statements": int((self.doc_stmt_weight > 0).sum()),
            "statements": len(self.stmt_text),
            "candidate_pairs": int(len(a)),
            "scored_pairs": len(pairs),
            "edges": len(edges),
            "groups": len(groups),
            "nos_in_groups": len(grouped),
            "largest_group": max((len(g.members) for g in groups), default=0),
            "by_kind": dict(Counter(g.kind for g in groups)),
            "settings": self.settings.__dict__,
        }
        return Result(groups, pairs, partial, repeated, stats)

    def _groups(self, edges: list[Pair]) -> list[Group]:
        t = self.settings.threshold
        if not edges:
            return []
        idx = self.index
        n = len(self.docs)
        ea = np.array([idx[p.a] for p in edges])
        eb = np.array([idx[p.b] for p in edges])
        graph = sparse.coo_matrix((np.ones(len(edges)), (ea, eb)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        by_component: dict[int, list[Pair]] = defaultdict(list)
        for p, x in zip(edges, ea.tolist(), strict=True):
            by_component[int(labels[x])].append(p)
        groups = []
        for comp_edges in by_component.values():
            members = sorted({p.a for p in comp_edges} | {p.b for p in comp_edges})
            pos = {m: k for k, m in enumerate(members)}
            if len(members) == 2:
                clusters = [members]
            else:
                sim = np.zeros((len(members), len(members)))
                for p in comp_edges:
                    # Original URN is evidence beyond the text: a linked pair joins before its neighbours do
                    v = max(p.score, (1.0 + t) / 2) if p.linked else p.score
                    sim[pos[p.a], pos[p.b]] = sim[pos[p.b], pos[p.a]] = v
                dist = np.clip(1.0 - sim, 0.0, 1.0)
                np.fill_diagonal(dist, 0.0)
                z = linkage(squareform(dist, checks=False), method="complete")
                labels_ = fcluster(z, t=1.0 - t + 1e-9, criterion="distance")
                clusters_d: dict[int, list[str]] = defaultdict(list)
                for m, lab in zip(members, labels_, strict=True):
                    clusters_d[int(lab)].append(m)
                clusters = [c for c in clusters_d.values() if len(c) > 1]
            pair_of = {(p.a, p.b): p for p in comp_edges}
            for cluster in clusters:
                cset = set(cluster)
                inner = [p for (x, y), p in pair_of.items() if x in cset and y in cset]
                groups.append(self._make_group(sorted(cluster), inner))
        groups.sort(key=lambda g: (-len(g.members), -g.score, g.key))
        return groups

    def _make_group(self, members: list[str], pairs: list[Pair]) -> Group:
        kinds = Counter(p.kind for p in pairs)
        kind = max(kinds, key=lambda k: (kinds[k], -_KIND_PRIORITY.index(k)))
        scores = [p.score for p in pairs]
        return Group(
            members=members,
            canonical=self.canonical(members),
            kind=kind,
            score=float(np.mean(scores)),
            min_score=float(min(scores)),
            pairs=sorted(pairs, key=lambda p: -p.score),
        )

    def canonical(self, members: Sequence[str]) -> str:
        """The NOS to keep: the one the others name as Original URN, then an original (not
        tailored) and current one, then the one with body text, the oldest, the lowest URN."""
        docs = [self.docs[self.index[m]] for m in members]
        named = Counter(self.original_key[self.index[m]] for m in members)

        def rank(d: NosText) -> tuple:
            return (
                -named.get(normalise_urn(d.urn), 0),
                0 if not _original_key(d) else 1,
                {"original": 0, "": 1}.get(d.status, 2),
                {"current": 0, "": 1, "legacy": 2}.get(d.validity, 3),
                0 if d.has_body else 1,
                d.date or "9999",
                d.urn,
            )

        return min(docs, key=rank).key

    # -- statements -----------------------------------------------------------------------
    def _partial_overlaps(self, grouped: dict[str, Group]) -> list[dict]:
        out = []
        for (i, j), raw in self._statement_index().items():
            ki, kj = self.docs[i].key, self.docs[j].key
            if ki in grouped and grouped[ki] is grouped.get(kj):
                continue
            arr = np.array(raw)
            matches = self._statement_matches(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2])
            own = [(x, y, v) for x, y, v in matches if self.stmt_nos_count[x] <= 3 and self.stmt_nos_count[y] <= 3]
            if not own:
                continue
            n_i = int((self.stmt_doc_arr == i).sum())
            n_j = int((self.stmt_doc_arr == j).sum())
            out.append(
                {
                    "a": ki,
                    "b": kj,
                    "shared_statements": len(own),
                    "shared_boilerplate": len(matches) - len(own),
                    "share_of_smaller": round(len(own) / max(min(n_i, n_j), 1), 3),
                    "statements": [
                        {"a_ref": self.stmt_ref[x], "b_ref": self.stmt_ref[y], "score": round(v, 3)} for x, y, v in own
                    ],
                }
            )
        out.sort(key=lambda r: (-r["shared_statements"], r["a"], r["b"]))
        return out

    def _repeated_statements(self) -> list[dict]:
        """Statements held (near-identically) by several NOS, most widely held first."""
        seen: set[int] = set()
        out = []
        order = np.argsort(-self.stmt_nos_count, kind="stable")
        si, sj, sv = self.stmt_pairs
        close = sv >= self.settings.boilerplate_similarity
        neighbours: dict[int, set[int]] = defaultdict(set)
        for x, y in zip(si[close].tolist(), sj[close].tolist(), strict=True):
            neighbours[x].add(y)
            neighbours[y].add(x)
        for x in order.tolist():
            if self.stmt_nos_count[x] < 3 or x in seen:
                continue
            family = {x} | neighbours[x]
            seen |= family
            out.append(
                {
                    "text": self.stmt_text[x],
                    "nos_count": int(self.stmt_nos_count[x]),
                    "held_by": sorted({f"{self.docs[self.stmt_doc[y]].key} {self.stmt_ref[y]}" for y in family}),
                }
            )
        return out

    # -- already covered ------------------------------------------------------------------
    def covering(self, draft: NosText, limit: int = 10, floor: float = 0.4) -> dict:
        """Existing NOS and statements that already cover a draft NOS, best first, with scores."""
        s = self.settings
        q_title = self.title_vec.transform([features(clean_title(draft.title))])
        q_core = self.core_vec.transform([features(core_title(draft.title))])
        q_kw = self.kw_vec.transform([self._keyword_features(draft)])
        q_ov = self.ov_vec.transform([features(draft.overview)])
        q_sc = self.sc_vec.transform([features(draft.scope)])
        title = np.asarray((self.T @ q_title.T).todense()).ravel()
        core = np.asarray((self.C @ q_core.T).todense()).ravel()
        ov = np.asarray((self.O @ q_ov.T).todense()).ravel() if q_ov.nnz else np.zeros(len(self.docs))
        # statements of the draft against every statement held
        q_texts = [t for _, t in draft.statements if content_words(t)]
        q_refs = [r for r, t in draft.statements if content_words(t)]
        stmt_hits: list[dict] = []
        doc_stmt: dict[int, float] = defaultdict(float)
        if q_texts and self.P.shape[0]:
            Q = self.stmt_vec.transform([features(t) for t in q_texts])
            sims = (Q @ self.P.T).tocsr()
            per_doc: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
            for q in range(len(q_texts)):
                row = sims.getrow(q)
                best = sorted(zip(row.indices.tolist(), row.data.tolist(), strict=True), key=lambda t: -t[1])
                hits = [(x, v) for x, v in best if v >= s.statement_threshold * 0.8][:5]
                for x, v in hits:
                    per_doc[self.stmt_doc[x]].append((q, x, v))
                stmt_hits.append(
                    {
                        "ref": q_refs[q],
                        "text": q_texts[q],
                        "covered_by": [
                            {
                                "nos": self.docs[self.stmt_doc[x]].key,
                                "urn": self.docs[self.stmt_doc[x]].urn,
                                "ref": self.stmt_ref[x],
                                "text": self.stmt_text[x],
                                "score": round(v, 3),
                                "nos_count": int(self.stmt_nos_count[x]),
                            }
                            for x, v in hits
                        ],
                    }
                )
            q_weight = len(q_texts)
            for d, raw in per_doc.items():
                arr = np.array(raw)
                matches = self._statement_matches(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2])
                # how much of the draft this NOS already covers
                doc_stmt[d] = min(sum(v for _, _, v in matches) / q_weight, 1.0)
        candidates = set(np.flatnonzero(np.maximum(title, core) >= floor * 0.8).tolist()) | set(doc_stmt)
        candidates |= set(np.flatnonzero(ov >= s.body_floor).tolist())
        results = []
        for d in candidates:
            doc = self.docs[d]
            variant = ""
            ck = core_title(draft.title)
            if title_content_key(draft.title) != self.content_key[d] and ck and ck == self.core_key[d]:
                variant = _variant_reason(draft.title, doc.title)
            t = self._title_similarity(
                float(title[d]),
                float(core[d]),
                variant,
                (lead_verbs(draft.title), is_knowledge_unit(draft.title)),
                (self.lead[d], self.knowledge[d]),
            )
            parts = [(WEIGHTS["title"], float(t))] if draft.title else []
            fields_ = {"title": round(float(title[d]), 4)} if draft.title else {}
            if q_kw.nnz and self.K[d].nnz:
                v = float((self.K[d] @ q_kw.T).sum())
                parts.append((WEIGHTS["keywords"], v))
                fields_["keywords"] = round(v, 4)
            if q_ov.nnz and self.O[d].nnz:
                parts.append((WEIGHTS["overview"], float(ov[d])))
                fields_["overview"] = round(float(ov[d]), 4)
            if q_texts and self.doc_stmt_weight[d] > 0:
                parts.append((WEIGHTS["statements"], doc_stmt.get(d, 0.0)))
                fields_["statements"] = round(doc_stmt.get(d, 0.0), 4)
            if q_sc.nnz and self.S[d].nnz:
                v = float((self.S[d] @ q_sc.T).sum())
                parts.append((WEIGHTS["scope"], v))
                fields_["scope"] = round(v, 4)
            if not parts:
                continue
            score = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
            if score >= floor:
                results.append(
                    {
                        "nos": doc.key,
                        "urn": doc.urn,
                        "title": doc.title,
                        "score": round(score, 4),
                        "fields": fields_,
                        "kind": VARIANT if variant else (SAME_TEXT if score >= 0.98 else NEAR_DUPLICATE),
                    }
                )
        results.sort(key=lambda r: (-r["score"], r["urn"]))
        return {"nos": results[:limit], "statements": stmt_hits}


# -- explanation --------------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")


def diff_words(a: str, b: str) -> list[dict]:
    """Word-level differences between two texts: segments marked equal / delete / insert / replace."""
    wa, wb = _TOKEN.findall(strip_tags(a)), _TOKEN.findall(strip_tags(b))
    ka = [w.lower().strip(".,;:()") for w in wa]
    kb = [w.lower().strip(".,;:()") for w in wb]
    out = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        out.append({"op": op, "a": " ".join(wa[a0:a1]), "b": " ".join(wb[b0:b1])})
    return out


def _bag_similarity(a: str, b: str) -> float:
    fa, fb = Counter(features(a)), Counter(features(b))
    if not fa or not fb:
        return 0.0
    shared = sum((fa & fb).values())
    return 2 * shared / (sum(fa.values()) + sum(fb.values()))


def explain_pair(a: NosText, b: NosText, statement_counts: dict[str, int] | None = None, threshold: float = 0.6) -> dict:
    """The shared statements of two NOS side by side with their differences marked, the
    statements only one holds, and the title and keyword differences."""
    counts = statement_counts or {}
    sims = []
    for x, (_ra, ta) in enumerate(a.statements):
        for y, (_rb, tb) in enumerate(b.statements):
            v = _bag_similarity(ta, tb)
            if v >= threshold:
                sims.append((v, x, y))
    sims.sort(key=lambda t: -t[0])
    used_a: set[int] = set()
    used_b: set[int] = set()
    shared = []
    for v, x, y in sims:
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        ra, ta = a.statements[x]
        rb, tb = b.statements[y]
        n = max(counts.get(" ".join(content_words(ta)), 1), counts.get(" ".join(content_words(tb)), 1))
        shared.append(
            {
                "a_ref": ra,
                "a_text": ta,
                "b_ref": rb,
                "b_text": tb,
                "score": round(v, 3),
                "identical": title_content_key(ta) == title_content_key(tb),
                "nos_count": n,
                "boilerplate": n >= 5,
                "diff": diff_words(ta, tb),
            }
        )
    shared.sort(key=lambda s: (s["a_ref"][:1], _ref_number(s["a_ref"])))
    ka = {k.lower(): k for k in a.keywords}
    kb = {k.lower(): k for k in b.keywords}
    return {
        "a": a.key,
        "b": b.key,
        "title": {
            "a": a.title,
            "b": b.title,
            "identical": title_content_key(a.title) == title_content_key(b.title),
            "diff": diff_words(a.title, b.title),
        },
        "variant": _variant_reason(a.title, b.title) if core_title(a.title) == core_title(b.title) else "",
        "overview": {"score": round(_bag_similarity(a.overview, b.overview), 3), "diff": diff_words(a.overview, b.overview)}
        if a.overview and b.overview
        else None,
        "shared_statements": shared,
        "only_in_a": [{"ref": r, "text": t} for k, (r, t) in enumerate(a.statements) if k not in used_a],
        "only_in_b": [{"ref": r, "text": t} for k, (r, t) in enumerate(b.statements) if k not in used_b],
        "keywords": {
            "shared": sorted(ka[k] for k in ka.keys() & kb.keys()),
            "only_in_a": sorted(ka[k] for k in ka.keys() - kb.keys()),
            "only_in_b": sorted(kb[k] for k in kb.keys() - ka.keys()),
        },
        "original_urn": {"a": a.original_urn, "b": b.original_urn},
        "body_text_compared": a.has_body and b.has_body,
    }


def _ref_number(ref: str) -> int:
    m = re.search(r"\d+", ref)
    return int(m.group(0)) if m else 0
