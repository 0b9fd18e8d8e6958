"""The links of the map, computed from the records read and the SOC 2020 reference data.

* ISCO-08 → SOC 2020: the ONS coding index files every job title under a SOC 2020 unit group
  and an ISCO-08 unit group; the share of an ISCO group's index titles under each SOC group.
* ESCO → O*NET: the crosswalk (its O*NET 2010-taxonomy codes resolved to O*NET 29.3 by code,
  title or base code); an occupation the crosswalk lacks inherits its broader ESCO occupation's
  match and is ranked by the text model (`noshub.core.occupations.ranker`).
* ESCO → SOC 2020: its labels found in the coding index, with its ISCO group's SOC shares.
* O*NET → SOC 2020: title and reported titles in the coding index, and the SOC coder on its text
  (`noshub.core.occupations.soclink`).
* IfATE → SOC 2020: each standard's evidence from its text (`building.soc_evidence` with the job
  titles hidden: the SOC coder, sentence vectors) weighed by a model
  (`noshub.core.occupations.socrank.EvidenceRanker`) learnt from the standards whose typical job
  titles lean, in the coding index, to one unit group (`soc_labels`); the job titles label the
  training standards and corroborate a link, they are never the model's evidence, so
  `bench/links_quality.py` measures this very code on standards held out of the training.

Every link: (source scheme, source code, target scheme, target code, relation, confidence,
provenance, reason). NOS reach the other systems through their own SOC 2020 codes.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from noshub.core.occupations.ranker import OccupationRanker
from noshub.core.occupations.soclink import CLOSE_TEXT, combine
from noshub.core.occupations.socrank import EvidenceRanker
from noshub.core.occupations.titles import TitleIndex
from noshub.core.progress import ProgressCallback, tell
from noshub.core.readers.occupations import ESCO, IFATE, ISCO, ONET, CrosswalkRow, OccupationRecord
from noshub.core.text.titlekeys import title_content_key, title_match_key

from .models import BROAD, CLOSE, CODING_INDEX, CROSSWALK, EXACT, NARROW, RELATED, SOC2020, TEXT_MODEL

CROSSWALK_CONFIDENCE = {2.0: 0.95, 1.0: 0.85, 0.5: 0.6}
#: ESCO → O*NET links the text model adds for an occupation the crosswalk lacks.
TEXT_LINKS = 3
SOC_LINKS = 3
#: The evidence the IfATE linker weighs (each earned at least half a point of top-1 in the
#: bench's ablation; the others, offered one at a time, were never chosen by inner folds).
IFATE_EVIDENCE = ("coder_text", "sem_overview", "sem_title")
#: A standard trains the IfATE linker when at least this share of its job titles' coding-index
#: votes name one unit group (that unit group is its label).
LABEL_SHARE = 0.5


@dataclass(frozen=True)
class Link:
    scheme: str
    code: str
    target_scheme: str
    target_code: str
    relation: str
    confidence: float
    provenance: str
    reason: str


@dataclass
class Reference:
    """Everything the links are made from."""

    esco: list[OccupationRecord]
    isco: list[OccupationRecord]
    broader: dict[str, str]  # ESCO occupation URI → broader occupation URI
    onet: list[OccupationRecord]
    crosswalk: list[CrosswalkRow]
    ifate: list[OccupationRecord]


# -- the crosswalk ----------------------------------------------------------------------------------


def resolve_onet(row: CrosswalkRow, onet: dict[str, OccupationRecord], by_title: dict[str, str]) -> tuple[str | None, str]:
    """The O*NET 29.3 code a crosswalk row means, and how it was found ('' when as written)."""
    if row.onet_code in onet:
        return row.onet_code, ""
    code = by_title.get(title_content_key(row.onet_title))
    if code:
        return code, f"O*NET code {row.onet_code} ({row.onet_title}) is {code} in O*NET 29.3 (same title)"
    base = row.onet_code[:7] + ".00"
    if base in onet:
        return base, f"O*NET code {row.onet_code} is not in O*NET 29.3: its base occupation {base}"
    return None, f"O*NET code {row.onet_code} ({row.onet_title}) is not in O*NET 29.3"


def crosswalk_answers(ref: Reference) -> tuple[dict[str, tuple[str, CrosswalkRow, str]], list[CrosswalkRow]]:
    """ESCO URI → (O*NET 29.3 code, row, note); and the rows whose code could not be resolved."""
    onet = {o.code: o for o in ref.onet}
    by_title = {title_content_key(o.title): o.code for o in ref.onet}
    answers, unresolved = {}, []
    for row in ref.crosswalk:
        code, note = resolve_onet(row, onet, by_title)
        if code is None:
            unresolved.append(row)
        else:
            answers[row.esco_uri] = (code, row, note)
    return answers, unresolved


def _same_title(a: str, b: str) -> bool:
    return title_content_key(a) == title_content_key(b)


def esco_onet_links(ref: Reference, encoder=None, progress: ProgressCallback | None = None) -> list[Link]:
    answers, _ = crosswalk_answers(ref)
    onet = {o.code: o for o in ref.onet}
    sharing = Counter(code for code, _, _ in answers.values())
    out: list[Link] = []
    for e in ref.esco:
        if e.uri not in answers:
            continue
        code, row, note = answers[e.uri]
        relation = EXACT if _same_title(e.title, onet[code].title) else BROAD if sharing[code] > 1 else CLOSE
        reason = f"ESCO–O*NET crosswalk (Nesta, 2020) row {row.row}, confidence level {row.confidence:g}"
        out.append(
            Link(
                ESCO,
                e.code,
                ONET,
                code,
                relation,
                CROSSWALK_CONFIDENCE.get(row.confidence, 0.6),
                CROSSWALK,
                f"{reason}. {note}".strip(". ") if note else reason,
            )
        )
    # Occupations the crosswalk lacks: their broader occupation's match, and the text model.
    missing = [e for e in ref.esco if e.uri not in answers]
    by_uri = {e.uri: e for e in ref.esco}
    tell(progress, "Ranking O*NET occupations for ESCO occupations", 0, len(missing))
    ranker = OccupationRanker(ref.onet, encoder)
    known = [(by_uri[u], a[0]) for u, a in answers.items() if u in by_uri]
    ranker.fit([q for q, _ in known], [a for _, a in known])
    ranked = ranker.rank(missing, top=TEXT_LINKS)
    tell(progress, "Ranking O*NET occupations for ESCO occupations", len(missing), len(missing))
    for e, found in zip(missing, ranked, strict=True):
        links: dict[str, Link] = {}
        uri, hops = ref.broader.get(e.uri), 1
        while uri and uri not in answers and hops < 5:
            uri, hops = ref.broader.get(uri), hops + 1
        if uri in answers:
            code = answers[uri][0]
            parent = by_uri.get(uri)
            links[code] = Link(
                ESCO,
                e.code,
                ONET,
                code,
                BROAD,
                round(0.8 - 0.1 * (hops - 1), 2),
                CROSSWALK,
                f"inherited from the broader ESCO occupation {parent.title if parent else uri} (crosswalk row {answers[uri][1].row})",
            )
        for rank, r in enumerate(found):
            if r.code in links:
                continue
            relation = CLOSE if rank == 0 and r.score >= 0.5 else RELATED
            links[r.code] = Link(
                ESCO,
                e.code,
                ONET,
                r.code,
                relation,
                r.confidence,
                TEXT_MODEL,
                f"text model rank {rank + 1} (probability {r.score:.2f}): titles, description, tasks and ISCO-08 group",
            )
        out.extend(links.values())
    return out


# -- SOC 2020 ---------------------------------------------------------------------------------------


def isco_soc_shares(index_entries: list[tuple[str, str, str]]) -> dict[str, dict[str, float]]:
    """ISCO-08 unit group → {SOC 2020 unit group: share of the ISCO group's coding-index titles}."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for _, unit, isco in index_entries:
        if isco and unit:
            counts[isco][unit] += 1
    return {isco: {u: n / sum(c.values()) for u, n in c.items()} for isco, c in counts.items()}


def isco_soc_links(ref: Reference, shares: dict[str, dict[str, float]]) -> list[Link]:
    """An ISCO-08 group's SOC 2020 unit groups. exact: they name each other only; broad: the SOC
    group takes in several ISCO groups and this one only there; narrow: this ISCO group spreads
    over several SOC groups, the SOC group only this one; related otherwise."""
    soc_iscos: dict[str, set[str]] = defaultdict(set)
    for isco, units in shares.items():
        for u in units:
            soc_iscos[u].add(isco)
    codes = {r.code for r in ref.isco}
    out = []
    for isco, units in sorted(shares.items()):
        if isco not in codes:
            continue
        for unit, share in sorted(units.items(), key=lambda kv: -kv[1]):
            one_soc, one_isco = len(units) == 1, len(soc_iscos[unit]) == 1
            relation = EXACT if one_soc and one_isco else BROAD if one_soc else NARROW if one_isco else RELATED
            out.append(
                Link(
                    ISCO,
                    isco,
                    SOC2020,
                    unit,
                    relation,
                    round(share, 4),
                    CODING_INDEX,
                    f"{share:.0%} of the ONS coding-index titles of ISCO-08 {isco} are in SOC 2020 {unit}",
                )
            )
    return out


def soc_links(
    scheme: str,
    records: list[OccupationRecord],
    index: TitleIndex,
    unit_titles: dict[str, str],
    text_scores: Callable[[list[OccupationRecord]], list[dict[str, float]]] | None,
    text_source: str,
    text_provenance: str = TEXT_MODEL,
) -> list[Link]:
    scores = text_scores(records) if text_scores else [{} for _ in records]
    out = []
    for r, text in zip(records, scores, strict=True):
        for s in combine(r.title, list(r.alt_titles), text, index, unit_titles, SOC_LINKS, text_source, text_provenance):
            out.append(Link(scheme, r.code, SOC2020, s.unit, s.relation, s.confidence, s.provenance, s.reason))
    return out


# -- IfATE → SOC 2020: evidence weighed by a learnt model -------------------------------------------


def job_titles_lean(record: OccupationRecord, index: TitleIndex, share: float = LABEL_SHARE) -> tuple[str, float] | None:
    """The unit group a standard's typical job titles lean to in the coding index, with its share
    of their votes (`TitleIndex.votes`): at least `share`, and no other unit group as many (a tie
    leans nowhere: no unit code breaks it). None when they do not lean.

    The one rule for both readings: the labels the learnt ranker trains on (`soc_labels`) and the
    lead the build gives the job titles (`job_titles_lead`). Only the job-title fields count, not
    the standard's title: the title is the ranker's own evidence (the SOC coder and the sentence
    vectors read it), so a label made from it would partly be the model's input; and the judged
    truth of `bench/links_quality.py` is the job titles alone (the issue's "typical job titles
    name one unit group"), with which the labels must agree: a title filed elsewhere in the index
    would split a judged standard's votes into a tie and drop it from the training."""
    votes = index.votes(list(record.alt_titles))
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    unit, top = ranked[0]
    if top < share - 1e-9 or (len(ranked) > 1 and math.isclose(ranked[1][1], top, abs_tol=1e-9)):
        return None
    return unit, top


def soc_labels(records: list[OccupationRecord], index: TitleIndex, share: float = LABEL_SHARE) -> dict[int, str]:
    """Record position → the unit group its job titles lean to (`job_titles_lean`); records whose
    job titles do not lean, ties included, are left out."""
    out = {}
    for i, r in enumerate(records):
        lean = job_titles_lean(r, index, share)
        if lean is not None:
            out[i] = lean[0]
    return out


def fit_soc_ranker(
    evidence: list[dict[str, dict[str, float]]],
    labelled: list[tuple[int, str]],
    use: tuple[str, ...] | list[str] = IFATE_EVIDENCE,
    learner: str = "logistic",
) -> EvidenceRanker | None:
    """The model weighing `use` evidence, learnt from (record position, unit group) pairs
    (None when no labelled record has any of that evidence)."""
    train = [(i, u) for i, u in labelled if any(evidence[i].get(name) for name in use)]
    if not train:
        return None
    return EvidenceRanker(list(use), learner, prior=False).fit(
        [evidence[i] for i, _ in train], [""] * len(train), [u for _, u in train]
    )


def ranked_soc_links(
    scheme: str,
    records: list[OccupationRecord],
    evidence: list[dict[str, dict[str, float]]],
    ranker: EvidenceRanker | None,
    index: TitleIndex,
    unit_titles: dict[str, str],
    top: int = SOC_LINKS,
) -> list[Link]:
    """Each record's `top` unit groups by the learnt model (the fixed weights of
    `soclink.combine` for a record the model has nothing to say about). Relation: exact when the
    unit group's title is the record's title, broad when its title or job titles are coding-index
    titles of it, close when the model is sure, related otherwise; provenance: coding index when
    its titles corroborate the link, the text model otherwise."""
    out = []
    for r, ev in zip(records, evidence, strict=True):
        ranked = ranker.rank(ev, top=top) if ranker is not None else []
        if not ranked:
            for s in combine(r.title, list(r.alt_titles), ev.get("coder_text", {}), index, unit_titles, top):
                out.append(Link(scheme, r.code, SOC2020, s.unit, s.relation, s.confidence, s.provenance, s.reason))
            continue
        key = title_match_key(r.title)
        for rank, x in enumerate(ranked):
            named = [t for t in (r.title, *r.alt_titles) if x.unit in index.units(t)]
            said = [
                f"text model rank {rank + 1} (probability {x.probability:.2f}): the SOC coder and sentence vectors on its title, overview and duties"
            ]
            if named:
                said.append(f"coding-index job titles of {x.unit}: {', '.join(named[:5])}")
            if key and key == title_match_key(unit_titles.get(x.unit, "")):
                relation = EXACT
            elif named:
                relation = BROAD
            elif rank == 0 and x.probability >= CLOSE_TEXT:
                relation = CLOSE
            else:
                relation = RELATED
            out.append(
                Link(
                    scheme,
                    r.code,
                    SOC2020,
                    x.unit,
                    relation,
                    x.confidence,
                    CODING_INDEX if named else TEXT_MODEL,
                    "; ".join(said),
                )
            )
    return out


def ifate_soc_links(
    records: list[OccupationRecord],
    evidence: list[dict[str, dict[str, float]]],
    index: TitleIndex,
    unit_titles: dict[str, str],
) -> list[Link]:
    """IfATE → SOC 2020 as `frameworks build` links it: the model learnt from every standard
    whose job titles lean to one unit group, every standard ranked by it, then the job titles
    given their say (`job_titles_lead`)."""
    labels = soc_labels(records, index)
    ranker = fit_soc_ranker(evidence, sorted(labels.items()))
    return job_titles_lead(records, ranked_soc_links(IFATE, records, evidence, ranker, index, unit_titles), index, unit_titles)


def job_titles_lead(
    records: list[OccupationRecord], links: list[Link], index: TitleIndex, unit_titles: dict[str, str]
) -> list[Link]:
    """What a standard's own typical job titles say, where they lean to one unit group
    (`job_titles_lean`, the rule the training labels follow): the strongest evidence NOS Hub has,
    so that unit group leads. Confidence is the mixture of the two readings: the job titles' share of votes
    `s` for their unit group, and the text model's confidences scaled by 1 - s (so a unit group
    both name gains both). The figure `bench/links_quality.py` reports is the text model's alone,
    the job titles hidden, as the issue asks; this step is what a person would do with them."""
    by_code: dict[str, list[Link]] = {}
    for link in links:
        by_code.setdefault(link.code, []).append(link)
    out: list[Link] = []
    for r in records:
        own = by_code.pop(r.code, [])
        lean = job_titles_lean(r, index)
        if lean is None:  # no lean, or a tie: the model's word stands
            out += own
            continue
        unit, share = lean
        named = [t for t in r.alt_titles if unit in index.units(t)]
        ranked = next((x for x in own if x.target_code == unit), None)
        key = title_match_key(r.title)
        lead = Link(
            IFATE,
            r.code,
            SOC2020,
            unit,
            EXACT if key and key == title_match_key(unit_titles.get(unit, "")) else BROAD,
            round(share + (1 - share) * (ranked.confidence if ranked else 0.0), 4),
            CODING_INDEX,
            f"its typical job titles lean to {unit} in the coding index ({share:.0%} of their votes: "
            f"{', '.join(named[:5])})" + (f"; {ranked.reason}" if ranked else ""),
        )
        others = [dataclasses.replace(x, confidence=round((1 - share) * x.confidence, 4)) for x in own if x.target_code != unit]
        out += [lead, *others[: SOC_LINKS - 1]]
    for rest in by_code.values():
        out += rest
    return out


def all_links(
    ref: Reference,
    index_entries: list[tuple[str, str, str]],
    unit_titles: dict[str, str],
    coder_scores: Callable[[list[OccupationRecord]], list[dict[str, float]]] | None,
    encoder=None,
    progress: ProgressCallback | None = None,
    ifate_evidence: list[dict[str, dict[str, float]]] | None = None,
) -> list[Link]:
    """Every link of the map. `index_entries`: (job title, SOC 2020 unit, ISCO-08) of the coding
    index; `coder_scores`: the SOC coder's unit-group probabilities for records (None: no coder);
    `ifate_evidence`: each IfATE standard's evidence with its job titles hidden
    (`building.soc_evidence`; None: the fixed weights of `soclink.combine`)."""
    index = TitleIndex((t, u) for t, u, _ in index_entries)
    shares = isco_soc_shares(index_entries)
    tell(progress, "Linking ISCO-08 and ESCO to SOC 2020")
    links = isco_soc_links(ref, shares)
    links += soc_links(
        ESCO,
        ref.esco,
        index,
        unit_titles,
        lambda rs: [shares.get(r.isco08, {}) for r in rs],
        "its ISCO-08 group's coding-index share",
        CODING_INDEX,
    )
    tell(progress, "Linking O*NET occupations and IfATE standards to SOC 2020")
    links += soc_links(ONET, ref.onet, index, unit_titles, coder_scores, "the SOC coder")
    if ifate_evidence is not None:
        links += ifate_soc_links(ref.ifate, ifate_evidence, index, unit_titles)
    else:
        links += soc_links(IFATE, ref.ifate, index, unit_titles, coder_scores, "the SOC coder")
    links += esco_onet_links(ref, encoder, progress)
    return links
