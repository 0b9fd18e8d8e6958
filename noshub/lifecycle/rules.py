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
is never skipped: `check_advance` only ever allows the next stage. Each reason is a
`messages.Reason`, a code and its values; the words are in `noshub.lifecycle.messages`, as
are the labels of nations, stages, approvals, responses and Part A/B fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from noshub.core.errors import NosHubError
from noshub.lifecycle import messages
from noshub.lifecycle.messages import Reason

# -- vocabulary ------------------------------------------------------------------------------

# The English labels (models, the CLI and the JSON use them) are the catalogue's, in messages.py.
NATION_LABELS = messages.NATION_LABELS
STAGE_LABELS = messages.STAGE_LABELS
APPROVAL_LABELS = messages.APPROVAL_LABELS
RESPONSE_LABELS = messages.RESPONSE_LABELS
PART_A_FIELDS = messages.PART_A_FIELDS
PART_B_FIELDS = messages.PART_B_FIELDS

NATIONS: tuple[str, ...] = ("england", "northern_ireland", "scotland", "wales")

APPROVE, APPROVE_WITH_CHANGES, REJECT, NOT_APPLICABLE = "approve", "approve_with_changes", "reject", "not_applicable"
RESPONSES: tuple[str, ...] = (APPROVE, APPROVE_WITH_CHANGES, REJECT, NOT_APPLICABLE)
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
ABANDONED = "abandoned"  # stopped before publishing (with a reason); nothing more happens to it

STAGES: tuple[str, ...] = (PROPOSAL, PART_B, DRAFTING, CONSULTATION, DRAFT_APPROVAL, FINAL_APPROVAL, WELSH_APPROVAL, PUBLISHED)

# The approval held at each stage, named as in the NOS system ("England Part A Response" …).
PART_A, PART_B_APPROVAL, DRAFT, FINAL, WELSH = "part_a", "part_b", "draft", "final", "welsh"
APPROVALS: dict[str, str] = {
    PROPOSAL: PART_A,
    PART_B: PART_B_APPROVAL,
    DRAFT_APPROVAL: DRAFT,
    FINAL_APPROVAL: FINAL,
    WELSH_APPROVAL: WELSH,
}
# Who responds to each approval. The Welsh NOS is approved by Wales alone.
APPROVAL_NATIONS: dict[str, tuple[str, ...]] = {
    PART_A: NATIONS,
    PART_B_APPROVAL: NATIONS,
    DRAFT: NATIONS,
    FINAL: NATIONS,
    WELSH: ("wales",),
}

# Sign-offs beyond the four nations, chosen per project (`Project.sign_offs`): the project
# steering group approves the drafts before they go out to consultation and the final NOS; the
# Standards and Frameworks Panel approves the final NOS. A sign-off must approve (there is no
# "not applicable"); a rejection or a change of text holds the project as a nation's does.
STEERING_GROUP, PANEL = "steering_group", "sfp"
SIGN_OFFS: tuple[str, ...] = (STEERING_GROUP, PANEL)
RESPONDER_LABELS = messages.RESPONDER_LABELS
FOR_CONSULTATION = "for_consultation"  # the drafts as they go out to consultation (steering group only)
APPROVAL_NATIONS[FOR_CONSULTATION] = ()
SIGN_OFF_APPROVALS: dict[str, tuple[str, ...]] = {STEERING_GROUP: (FOR_CONSULTATION, FINAL), PANEL: (FINAL,)}


def open_approval(stage: str, sign_offs=()) -> str | None:
    """The approval open at a stage: the nations' (APPROVALS), or in drafting the steering
    group's approval of the drafts for consultation when the project has a steering group."""
    if stage == DRAFTING and STEERING_GROUP in sign_offs:
        return FOR_CONSULTATION
    return APPROVALS.get(stage)


def responders(approval: str | None, sign_offs=()) -> tuple[str, ...]:
    """Who responds to an approval: its nations and the project's sign-offs that approve it."""
    if approval is None:
        return ()
    bodies = tuple(b for b in SIGN_OFFS if b in sign_offs and approval in SIGN_OFF_APPROVALS[b])
    return APPROVAL_NATIONS.get(approval, ()) + bodies


# Per-nation project fields of Part A and Part B: PART_A_FIELDS and PART_B_FIELDS (messages.py),
# labelled with the NOS system's column names.
# What must be filled in, for each nation taking part, before the approval can pass.
PART_A_REQUIRED = ("rationale", "employers_organisations", "timescale")
PART_B_REQUIRED = ("findings", "participation")

# Stages in which drafts may be added and changed (planned from the proposal on; frozen for
# final approval). Welsh text may also be changed during final and Welsh approval.
DRAFT_EDITABLE_STAGES = (PROPOSAL, PART_B, DRAFTING, CONSULTATION, DRAFT_APPROVAL)
WELSH_EDITABLE_STAGES = (*DRAFT_EDITABLE_STAGES, FINAL_APPROVAL, WELSH_APPROVAL)
# Stages from which a project may be sent back to drafting (the later approvals start again).
SEND_BACK_STAGES = (CONSULTATION, DRAFT_APPROVAL, FINAL_APPROVAL, WELSH_APPROVAL)
# Stages from which a project may be abandoned (with a reason): any before publishing.
ABANDON_STAGES = STAGES[:-1]


class StageError(NosHubError):
    """A stage change that the rules do not allow; `reasons` says why, one `Reason` each."""

    status = 400
    code = "stage_rule"

    def __init__(self, reasons: list[Reason]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))

    def details(self) -> dict:
        return {"reasons": [str(r) for r in self.reasons]}


# -- a project as the rules see it -----------------------------------------------------------


@dataclass(frozen=True)
class Response:
    response: str
    feedback: str = ""
    by: str = ""
    at: datetime | None = None
    stale: bool = False  # the text it responded to has changed since: it no longer counts


@dataclass(frozen=True)
class DraftFacts:
    """What the rules need to know about one draft NOS of the project."""

    urn: str
    check_errors: int = 0  # errors the draft checks found
    has_welsh: bool = False  # Welsh title, performance criteria and knowledge items all present
    withdraw: bool = False  # a review that withdraws the NOS to legacy instead of revising it
    welsh_problems: tuple[Reason, ...] = ()  # Welsh statements missing or placeholder text (draft_checks.check_welsh)
    unjustified_duplicate: Reason | None = None  # a near-identical NOS exists and no justification is recorded


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
    sign_offs: tuple[str, ...] = ()  # the project's sign-offs beyond the nations (SIGN_OFFS)


def next_stage(stage: str) -> str | None:
    if stage == PUBLISHED:
        return None  # withdrawal is its own confirmed action (check_withdraw), never "the next stage"
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


def approval_blockers(facts: ProjectFacts, approval: str) -> list[Reason]:
    """Every nation taking part has responded to the text as it is now; none rejects; at least
    one approves. A nation that answered "not applicable" to Part A takes no further part: when
    none takes part (Wales alone approves the Welsh NOS), the approval is not needed."""
    reasons = []
    responses = {n: facts.responses.get((approval, n)) for n in APPROVAL_NATIONS[approval]}
    part_a_na = {n for n in NATIONS if (r := facts.responses.get((PART_A, n))) and r.response == NOT_APPLICABLE}
    if approval != PART_A:
        responses = {n: r for n, r in responses.items() if n not in part_a_na}
        if not responses:
            return []
    for nation, response in responses.items():
        if response is None:
            reasons.append(Reason("not_responded", approval=approval, nation=nation))
        elif response.stale and response.response != NOT_APPLICABLE:
            reasons.append(Reason("response_stale", approval=approval, nation=nation))
        elif response.response == REJECT:
            reasons.append(Reason("rejected", approval=approval, nation=nation))
    given = [r for r in responses.values() if r is not None]
    if not reasons and not any(r.response in APPROVING for r in given):
        reasons.append(Reason("none_approved", approval=approval))
    return reasons


def sign_off_blockers(facts: ProjectFacts, approval: str) -> list[Reason]:
    """Each of the project's sign-offs that approves `approval` has approved the text as it is now."""
    reasons = []
    for body in responders(approval, facts.sign_offs):
        if body not in SIGN_OFFS:
            continue
        response = facts.responses.get((approval, body))
        if response is None:
            reasons.append(Reason("not_responded", approval=approval, nation=body))
        elif response.stale:
            reasons.append(Reason("response_stale", approval=approval, nation=body))
        elif response.response not in APPROVING:
            reasons.append(Reason("rejected", approval=approval, nation=body))
    return reasons


def wales_taking_part(facts: ProjectFacts) -> bool:
    part_a = facts.responses.get((PART_A, "wales"))
    return part_a is None or part_a.response != NOT_APPLICABLE


def _nation_field_blockers(facts: ProjectFacts, approval: str, required: tuple[str, ...]) -> list[Reason]:
    reasons = []
    for nation in taking_part(facts, approval):
        values = facts.nation_fields.get(nation, {})
        missing = [f for f in required if not (values.get(f) or "").strip()]
        if missing:
            reasons.append(Reason("fields_missing", part=approval, nation=nation, fields=missing))
    return reasons


def _draft_check_blockers(facts: ProjectFacts) -> list[Reason]:
    reasons = []
    if not facts.drafts:
        reasons.append(Reason("no_drafts"))
    for d in facts.drafts:
        if d.check_errors and not d.withdraw:
            reasons.append(Reason("draft_check_errors", urn=d.urn, n=d.check_errors))
    return reasons


def blockers(facts: ProjectFacts) -> list[Reason]:
    """Why the project cannot move on from its stage; empty when it can."""
    stage = facts.stage
    if stage == PROPOSAL:
        return _nation_field_blockers(facts, PART_A, PART_A_REQUIRED) + approval_blockers(facts, PART_A)
    if stage == PART_B:
        return _nation_field_blockers(facts, PART_B_APPROVAL, PART_B_REQUIRED) + approval_blockers(facts, PART_B_APPROVAL)
    if stage == DRAFTING:
        reasons = _draft_check_blockers(facts) + sign_off_blockers(facts, FOR_CONSULTATION)
        if facts.consultation_closes is None:
            reasons.append(Reason("closing_date_unset"))
        elif facts.consultation_closes <= facts.now:
            reasons.append(Reason("closing_date_past"))
        return reasons
    if stage == CONSULTATION:
        reasons = []
        if facts.consultation_closes is None or facts.now < facts.consultation_closes:
            reasons.append(Reason("consultation_open"))
        if facts.comments_pending_moderation:
            reasons.append(Reason("comments_pending", n=facts.comments_pending_moderation))
        if facts.comments_without_response:
            reasons.append(Reason("comments_undecided", n=facts.comments_without_response))
        return reasons
    if stage in (DRAFT_APPROVAL, FINAL_APPROVAL):
        approval = APPROVALS[stage]
        return _draft_check_blockers(facts) + approval_blockers(facts, approval) + sign_off_blockers(facts, approval)
    if stage == WELSH_APPROVAL:
        # publishing over a NOS that already covers the same ground needs a recorded justification
        reasons = [d.unjustified_duplicate for d in facts.drafts if d.unjustified_duplicate and not d.withdraw]
        if not wales_taking_part(facts):
            return reasons  # Wales takes no part: no Welsh NOS to approve
        reasons += approval_blockers(facts, WELSH)
        wales = facts.responses.get((WELSH, "wales"))
        if wales is None or wales.response != NOT_APPLICABLE:
            missing = [d.urn for d in facts.drafts if not d.has_welsh and not d.withdraw]
            if missing:
                reasons.append(Reason("welsh_missing", urns=missing))
            reasons += [r for d in facts.drafts if not d.withdraw for r in d.welsh_problems]
        return reasons
    if stage in (PUBLISHED, ABANDONED):
        return []
    return [Reason("stage_unknown", stage=stage)]


def check_advance(facts: ProjectFacts, to_stage: str) -> None:
    """Raise `StageError` unless the project may move to `to_stage` now. Withdrawal is not a
    step forward: it has its own confirmed, reasoned request, approved by an administrator
    (`services.request_withdrawal`, `approve_withdrawal`)."""
    if to_stage == WITHDRAWN and facts.stage == PUBLISHED:
        raise StageError([Reason("withdraw_needs_confirmation")])
    expected = next_stage(facts.stage)
    if expected is None:
        raise StageError([Reason("stage_last", stage=facts.stage)])
    if to_stage != expected:
        raise StageError([Reason("stage_skipped", stage=facts.stage, to=expected, other=to_stage)])
    reasons = blockers(facts)
    if reasons:
        raise StageError(reasons)


def check_abandon(stage: str, reason: str) -> None:
    reasons = []
    if stage not in ABANDON_STAGES:
        reasons.append(Reason("abandon_refused", stage=stage))
    if not (reason or "").strip():
        reasons.append(Reason("abandon_reason_missing"))
    if reasons:
        raise StageError(reasons)


def check_withdraw(stage: str, reason: str, confirmed: bool) -> None:
    reasons = []
    if stage != PUBLISHED:
        reasons.append(Reason("withdraw_refused", stage=stage))
    if not (reason or "").strip():
        reasons.append(Reason("withdraw_reason_missing"))
    if not confirmed:
        reasons.append(Reason("withdraw_not_confirmed"))
    if reasons:
        raise StageError(reasons)


def check_withdrawal_request(stage: str, reason: str, confirmed: bool, pending: bool) -> None:
    """Withdrawal is asked for once, confirmed and with a reason, on a published project."""
    check_withdraw(stage, reason, confirmed)
    if pending:
        raise StageError([Reason("withdrawal_already_requested")])


def check_withdrawal_decision(pending: bool, own_request: bool, refusal_reason: str | None = None) -> None:
    """An approval or refusal needs a request waiting, made by someone else; a refusal needs a reason."""
    reasons = []
    if not pending:
        reasons.append(Reason("withdrawal_not_requested"))
    elif own_request:
        reasons.append(Reason("withdrawal_own_request"))
    if refusal_reason is not None and not refusal_reason.strip():
        reasons.append(Reason("withdrawal_refusal_reason_missing"))
    if reasons:
        raise StageError(reasons)


def check_send_back(stage: str) -> None:
    if stage not in SEND_BACK_STAGES:
        raise StageError([Reason("send_back_refused", stage=stage)])


def approvals_reset_by_send_back() -> tuple[str, ...]:
    """The approvals that start again when a project goes back to drafting."""
    return (FOR_CONSULTATION, DRAFT, FINAL, WELSH)


def check_response(stage: str, approval: str, nation: str, response: str, feedback: str, sign_offs=()) -> None:
    """A nation (or one of the project's sign-offs) may respond to the approval of the
    project's current stage only; a sign-off cannot answer "not applicable"."""
    reasons = []
    if open_approval(stage, sign_offs) != approval:
        reasons.append(Reason("approval_not_open", approval=approval, stage=stage))
    if nation not in responders(approval, sign_offs):
        reasons.append(Reason("nation_not_responding", nation=nation, approval=approval))
    if response not in RESPONSES:
        reasons.append(Reason("response_unknown", response=repr(response)))
    elif response == NOT_APPLICABLE and nation in SIGN_OFFS:
        reasons.append(Reason("sign_off_not_applicable", nation=nation))
    if response in (APPROVE_WITH_CHANGES, REJECT) and not feedback.strip():
        reasons.append(Reason("feedback_required"))
    if reasons:
        raise StageError(reasons)
