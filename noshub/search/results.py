"""What a search returns: `SearchResult` (totals, facets, suggestions) holding one `Hit` per NOS shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .evidence import Evidence
from .params import SearchParams
from .welsh import WelshQuery


@dataclass
class Hit:
    standard_id: int
    slug: str
    urn: str
    title: str
    score: float
    title_html: str
    snippet_html: str
    developer: str
    suites: list[str]
    validity: str
    date_approved: date | None
    channels: list[str]
    hidden_behind: str = ""  # a reviewer's decision hides it: the slug shown instead, or "retired"
    snippet_source: str = ""  # "text" (the passage holding the words), "overview", "keywords", or "" (none)
    review_date: date | None = None  # indicative review date (None: none, or the placeholder)
    review_status: str = "not_set"  # "past_due", "scheduled" or "not_set" (noshub.search.reasons)
    why: list[dict] = field(default_factory=list)  # the reasons it was found: {"code", details…, "text"}
    group: str = ""  # its duplicate group's key (noshub.search.duplicates)
    copies: list[dict] = field(default_factory=list)  # the copies collapsed into this result
    also_in_suites: list[str] = field(default_factory=list)  # the copies' suites it is not in itself
    soc_evidence: Evidence | None = None  # under a SOC group filter: its best evidence there

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "urn": self.urn,
            "title": self.title,
            "score": round(self.score, 6),
            "title_html": self.title_html,
            "snippet_html": self.snippet_html,
            "developer": self.developer,
            "suites": self.suites,
            "validity": self.validity,
            "date_approved": self.date_approved.isoformat() if self.date_approved else None,
            "matched_by": self.channels,
            "hidden_behind": self.hidden_behind or None,
            "snippet_source": self.snippet_source or None,
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "review_status": self.review_status,
            "why": self.why,
            "duplicates": {"group": self.group, "copies": self.copies, "also_in_suites": self.also_in_suites}
            if self.group
            else None,
            "soc_evidence": self.soc_evidence.as_dict() if self.soc_evidence else None,
        }


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    did_you_mean: str = ""
    job_titles: list[dict] = field(default_factory=list)
    engine: str = ""
    semantic: bool = False
    took_ms: float = 0.0
    welsh: WelshQuery = field(default_factory=WelshQuery)

    def _with_copies_query(self, hit: dict) -> dict:
        """A collapsed duplicate's copies are this search with `group=KEY&copies=all`."""
        if hit["duplicates"]:
            hit["duplicates"]["copies_query"] = self.params.query_string(group=hit["duplicates"]["group"], copies="all")
        return hit

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    def as_dict(self) -> dict:
        return {
            "query": self.params.q,
            "filters": self.params.filters(),
            "sort": self.params.sort,
            "mode": self.params.mode,
            "page": self.params.page,
            "per_page": self.params.per_page,
            "pages": self.pages,
            "total": self.total,
            "did_you_mean": self.did_you_mean or None,
            "job_titles": self.job_titles,
            "engine": self.engine,
            "semantic": self.semantic,
            "took_ms": round(self.took_ms, 2),
            "welsh": self.welsh.as_dict(),
            "results": [self._with_copies_query(h.as_dict()) for h in self.hits],
            "facets": self.facets,
        }
