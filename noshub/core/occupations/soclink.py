"""Link an occupation of another system (an IfATE standard, an ESCO or O*NET occupation) to SOC
2020 unit groups from its job titles (the ONS coding index) and its text (the SOC coder).

Evidence, each a distribution over unit groups that sums to at most 1:

* `job_titles`: the occupation's own job titles (IfATE typical job titles, ESCO alternative
  labels, O*NET reported titles) found in the coding index (`TitleIndex.votes`);
* `title`: its title found in the coding index;
* `text`: the SOC coder's probabilities for its title, description, duties and keywords.

The score of a unit group is the weighted sum (`WEIGHTS`, set by hand before any measuring, not
fitted on the judged set); the SKOS relation says what the evidence was: a unit group named by
the occupation's title or job titles is broader than the occupation (`broad`), one whose
title *is* the occupation's title an `exact` match, one found by text only `related` (or
`close` when the text is sure of it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from noshub.core.text.titlekeys import title_match_key

from .titles import TitleIndex

WEIGHTS = {"job_titles": 1.0, "title": 0.6, "text": 1.0}
#: A unit group found by text alone with at least this score is a close match.
CLOSE_TEXT = 0.6


@dataclass(frozen=True)
class SocLink:
    unit: str
    score: float
    confidence: float  # the score over the sum of the scores of every unit group found
    relation: str  # exact | close | broad | related
    provenance: str  # "coding index" | "text model"
    reason: str


def combine(
    title: str,
    job_titles: list[str],
    text_scores: dict[str, float],
    index: TitleIndex,
    unit_titles: dict[str, str],
    top: int = 3,
    text_source: str = "the SOC coder",
    text_provenance: str = "text model",
) -> list[SocLink]:
    """The best `top` unit groups for an occupation, with their relation and reason."""
    evidence = {
        "job_titles": index.votes(job_titles),
        "title": index.votes([title]),
        "text": text_scores,
    }
    scores: dict[str, float] = defaultdict(float)
    for name, dist in evidence.items():
        for unit, v in dist.items():
            scores[unit] += WEIGHTS[name] * v
    total = sum(scores.values()) or 1.0
    out = []
    key = title_match_key(title)
    for unit, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        by_titles = [name for name in ("job_titles", "title") if unit in evidence[name]]
        said = []
        if "title" in by_titles:
            said.append(f"the title {title!r} is a coding-index job title of {unit}")
        if "job_titles" in by_titles:
            named = [t for t in job_titles if unit in index.units(t)]
            said.append(f"job titles in the coding index under {unit}: {', '.join(named[:5])}")
        if unit in text_scores:
            said.append(f"{text_source} gives {unit} {text_scores[unit]:.2f}")
        if key and key == title_match_key(unit_titles.get(unit, "")):
            relation = "exact"
        elif by_titles:
            relation = "broad"
        elif text_scores.get(unit, 0.0) >= CLOSE_TEXT:
            relation = "close"
        else:
            relation = "related"
        out.append(
            SocLink(
                unit,
                round(score, 4),
                round(score / total, 4),
                relation,
                "coding index" if by_titles else text_provenance,
                "; ".join(said),
            )
        )
    return out
