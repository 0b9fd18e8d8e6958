"""The NOS lifecycle as a stage machine: pure rules, no database.

A development or review project moves through these stages, in this order, one at a time:

    proposal → part_b → drafting → consultation → draft_approval → final_approval
             → welsh_approval → published            (and, later, published → withdrawn)

The stages and the four-nation approvals follow the NOS system's own project fields
(``NOS data fields v1.2.xlsx``: "Part A", "Part B", "Draft Nos", "Final Nos" and
"Welsh Nos", each with every nation's Response, FeedBack and Approval):

- Part A (proposal): for each nation, rationale, employers/organisations, SSO involvement,
  timescale and UK NOS panel; then each nation responds.
- Part B: for each nation, findings, informed development, participation, specific issues;
  then each nation responds.
- Drafting: the new NOS and new versions of existing NOS are written as drafts.
- Consultation: drafts are open for public comment until a closing date.
- Draft approval and final approval: each nation responds.
- Welsh translation and approval: only Wales responds ("Wales Welsh Nos Response").

`blockers` says why a project cannot leave its stage; an empty list means it can. A stage
is never skipped: `check_advance` only ever allows the next stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from noshub.core.errors import NosHubError

# -- vocabulary ------------------------------------------------------------------------------

NATIONS: tuple[str, ...] = ("england", "northern_ireland", "scotland", "wales")
NATION_LABELS: dict[str, str] = {
    "england": "England",
    "northern_ireland": "Northern Ireland",
    "scotland": "Scotland",
    "wales": "Wales",
}

APPROVE, APPROVE_WITH_CHANGES, REJECT, NOT_APPLICABLE = "approve", "approve_with_changes", "reject", "not_applicable"
RESPONSES: tuple[str, ...] = (APPROVE, APPROVE_WITH_CHANGES, REJECT, NOT_APPLICABLE)
RESPONSE_LABELS: dict[str, str] = {
    APPROVE: "Approve",
    APPROVE_WITH_CHANGES: "Approve with changes",
    REJECT: "Reject",
    NOT_APPLICABLE: "Not applicable",
}
APPROVING = (APPROVE, APPROVE_WITH_CHANGES)

PROPOSAL = "proposal"
PART_B = "part_b"
DRAFTING = "drafting"
CONSULTATION = "consultation"
DRAFT_APPROVAL = "draft_approval"
FINAL_APPROVAL = "final_approval"
WELSH_APPROVAL = "welsh_approval"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"

STAGES: tuple[str, ...] = (PROPOSAL, PART_B, DRAFTING, CONSULTATION, DRAFT_APPROVAL, FINAL_APPROVAL, WELSH_APPROVAL, PUBLISHED)
STAGE_LABELS: dict[str, str] = {
    PROPOSAL: "Proposal (Part A)",
    PART_B: "Part B",
    DRAFTING: "Drafting",
    CONSULTATION: "Consultation",
    DRAFT_APPROVAL: "Draft approval",
    FINAL_APPROVAL: "Final approval",
    WELSH_APPROVAL: "Welsh translation and approval",
    PUBLISHED: "Published",
    WITHDRAWN: "Withdrawn to legacy",
}

# The approval held at each stage, named as in the NOS system ("England Part A Response" …).
PART_A, PART_B_APPROVAL, DRAFT, FINAL, WELSH = "part_a", "part_b", "draft", "final", "welsh"
APPROVALS: dict[str, str] = {
    PROPOSAL: PART_A,
    PART_B: PART_B_APPROVAL,
    DRAFT_APPROVAL: DRAFT,
    FINAL_APPROVAL: FINAL,
    WELSH_APPROVAL: WELSH,
}
APPROVAL_LABELS: dict[str, str] = {
    PART_A: "Part A",
    PART_B_APPROVAL: "Part B",
    DRAFT: "Draft NOS",
    FINAL: "Final NOS",
    WELSH: "Welsh NOS",
}
# Who responds to each approval. The Welsh NOS is approved by Wales alone.
APPROVAL_NATIONS: dict[str, tuple[str, ...]] = {
    PART_A: NATIONS,
    PART_B_APPROVAL: NATIONS,
    DRAFT: NATIONS,
    FINAL: NATIONS,
    WELSH: ("wales",),
}

# Per-nation project fields of Part A and Part B, with the NOS system's column names.
PART_A_FIELDS: dict[str, str] = {
    "rationale": "Rationale",
    "employers_organisations": "Employers/Organisations",
    "sso_involvement": "Ssc/Sso Involvement",
    "timescale": "Timescale",
    "uknos_panel": "UKNOS Panel",
}
PART_B_FIELDS: dict[str, str] = {
    "findings": "Findings",
    "informed_development": "Informed Development",
    "participation": "Participation",
    "specific_issues": "Specific Issues",
}
# What must be filled in, for each nation taking part, before the approval can pass.
PART_A_REQUIRED = ("rationale", "employers_organisations", "timescale")
PART_B_REQUIRED = ("findings", "participation")

# Stages in which drafts may be added and changed (planned from the proposal on; frozen for
# final approval). Welsh text may also be changed during final and Welsh approval.
DRAFT_EDITABLE_STAGES = (PROPOSAL, PART_B, DRAFTING, CONSULTATION, DRAFT_APPROVAL)
WELSH_EDITABLE_STAGES = (*DRAFT_EDITABLE_STAGES, FINAL_APPROVAL, WELSH_APPROVAL)
# Stages from which a project may be sent back to drafting (the later approvals start again).
SEND_BACK_STAGES = (CONSULTATION, DRAFT_APPROVAL, FINAL_APPROVAL, WELSH_APPROVAL)


class StageError(NosHubError):
    """A stage change that the rules do not allow; `reasons` says why, one line each."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


# -- a project as the rules see it -----------------------------------------------------------


@dataclass(frozen=True)
class Response:
    response: str
    feedback: str = ""
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class DraftFacts:
    """What the rules need to know about one draft NOS of the project."""

    urn: str
    quality_errors: int = 0
    has_welsh: bool = False  # Welsh title, performance criteria and knowledge items all present
    withdraw: bool = False  # a review that withdraws the NOS to legacy instead of revising it


@dataclass
class ProjectFacts:
    stage: str
    now: datetime
    nation_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # nation -> field -> text
    responses: dict[tuple[str, str], Response] = field(default_factory=dict)  # (approval, nation) -> response
    drafts: list[DraftFacts] = field(default_factory=list)
    consultation_closes: datetime | None = None
    comments_pending_moderation: int = 0
    comments_without_response: int = 0


def next_stage(stage: str) -> str | None:
    if stage == PUBLISHED:
        return WITHDRAWN
    if stage not in STAGES:
        return None
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def taking_part(facts: ProjectFacts, approval: str) -> list[str]:
    """The nations taking part: those that did not answer "not applicable" to Part A."""
    out = []
    for nation in APPROVAL_NATIONS[approval]:
        part_a = facts.responses.get((PART_A, nation))
        if part_a is not None and part_a.response == NOT_APPLICABLE:
            continue
        out.append(nation)
    return out


def approval_blockers(facts: ProjectFacts, approval: str) -> list[str]:
    """Every nation has responded; none rejects; at least one approves."""
    reasons = []
    label = APPROVAL_LABELS[approval]
    responses = {n: facts.responses.get((approval, n)) for n in APPROVAL_NATIONS[approval]}
    part_a_na = {n for n in NATIONS if (r := facts.responses.get((PART_A, n))) and r.response == NOT_APPLICABLE}
    for nation, response in responses.items():
        if response is None and not (approval != PART_A and nation in part_a_na):
            reasons.append(f"{label}: {NATION_LABELS[nation]} has not responded yet.")
        elif response is not None and response.response == REJECT:
            reasons.append(
                f"{label}: {NATION_LABELS[nation]} rejected it; revise and ask {NATION_LABELS[nation]} to respond again."
            )
    given = [r for r in responses.values() if r is not None]
    if not reasons and not any(r.response in APPROVING for r in given):
        reasons.append(f"{label}: no nation has approved it.")
    return reasons


def _nation_field_blockers(facts: ProjectFacts, part: str, required: tuple[str, ...], labels: dict[str, str]) -> list[str]:
    reasons = []
    approval = PART_A if part == "Part A" else PART_B_APPROVAL
    for nation in taking_part(facts, approval):
        values = facts.nation_fields.get(nation, {})
        missing = [labels[f] for f in required if not (values.get(f) or "").strip()]
        if missing:
            reasons.append(f"{part}: {NATION_LABELS[nation]} – fill in {', '.join(missing)}.")
    return reasons


def _quality_blockers(facts: ProjectFacts) -> list[str]:
    reasons = []
    if not facts.drafts:
        reasons.append("The project has no draft NOS yet.")
    for d in facts.drafts:
        if d.quality_errors and not d.withdraw:
            reasons.append(f"{d.urn}: fix the {d.quality_errors} quality check error(s) first.")
    return reasons


def blockers(facts: ProjectFacts) -> list[str]:
    """Why the project cannot move on from its stage; empty when it can."""
    stage = facts.stage
    if stage == PROPOSAL:
        return _nation_field_blockers(facts, "Part A", PART_A_REQUIRED, PART_A_FIELDS) + approval_blockers(facts, PART_A)
    if stage == PART_B:
        return _nation_field_blockers(facts, "Part B", PART_B_REQUIRED, PART_B_FIELDS) + approval_blockers(facts, PART_B_APPROVAL)
    if stage == DRAFTING:
        reasons = _quality_blockers(facts)
        if facts.consultation_closes is None:
            reasons.append("Set the closing date of the consultation.")
        elif facts.consultation_closes <= facts.now:
            reasons.append("The consultation closing date must be in the future.")
        return reasons
    if stage == CONSULTATION:
        reasons = []
        if facts.consultation_closes is None or facts.now < facts.consultation_closes:
            reasons.append("The consultation is still open; it can move on after its closing date.")
        if facts.comments_pending_moderation:
            reasons.append(f"{facts.comments_pending_moderation} comment(s) are waiting for moderation.")
        if facts.comments_without_response:
            reasons.append(
                f"{facts.comments_without_response} published comment(s) have no decision yet "
                "(accepted, rejected or noted, with a response)."
            )
        return reasons
    if stage in (DRAFT_APPROVAL, FINAL_APPROVAL):
        return _quality_blockers(facts) + approval_blockers(facts, APPROVALS[stage])
    if stage == WELSH_APPROVAL:
        reasons = approval_blockers(facts, WELSH)
        wales = facts.responses.get((WELSH, "wales"))
        if wales is None or wales.response != NOT_APPLICABLE:
            missing = [d.urn for d in facts.drafts if not d.has_welsh and not d.withdraw]
            if missing:
                reasons.append(
                    "Welsh text (title, performance criteria, knowledge and understanding) is missing for: "
                    + ", ".join(missing)
                    + "."
                )
        return reasons
    if stage == PUBLISHED:
        return []
    return [f"A project in stage {STAGE_LABELS.get(stage, stage)!r} cannot move on."]


def check_advance(facts: ProjectFacts, to_stage: str) -> None:
    """Raise `StageError` unless the project may move to `to_stage` now."""
    expected = next_stage(facts.stage)
    if to_stage != expected:
        if expected is None:
            raise StageError([f"A {STAGE_LABELS.get(facts.stage, facts.stage)} project cannot move on."])
        raise StageError(
            [
                f"A project in {STAGE_LABELS[facts.stage]} can only move to {STAGE_LABELS[expected]}, "
                f"not to {STAGE_LABELS.get(to_stage, to_stage)}: stages cannot be skipped."
            ]
        )
    reasons = blockers(facts)
    if reasons:
        raise StageError(reasons)


def check_send_back(stage: str) -> None:
    if stage not in SEND_BACK_STAGES:
        raise StageError([f"A project in {STAGE_LABELS.get(stage, stage)} cannot be sent back to drafting."])


def approvals_reset_by_send_back() -> tuple[str, ...]:
    """The approvals that start again when a project goes back to drafting."""
    return (DRAFT, FINAL, WELSH)


def check_response(stage: str, approval: str, nation: str, response: str, feedback: str) -> None:
    """A nation may respond to the approval of the project's current stage only."""
    reasons = []
    if APPROVALS.get(stage) != approval:
        reasons.append(
            f"{APPROVAL_LABELS.get(approval, approval)} is not open: the project is in {STAGE_LABELS.get(stage, stage)}."
        )
    if nation not in APPROVAL_NATIONS.get(approval, ()):
        reasons.append(f"{NATION_LABELS.get(nation, nation)} does not respond to {APPROVAL_LABELS.get(approval, approval)}.")
    if response not in RESPONSES:
        reasons.append(f"Unknown response {response!r}.")
    if response in (APPROVE_WITH_CHANGES, REJECT) and not feedback.strip():
        reasons.append("Say what must change: feedback is required with this response.")
    if reasons:
        raise StageError(reasons)
