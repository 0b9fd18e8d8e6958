"""The lifecycle's one catalogue of words: the labels of its stored values and every message its
rules, draft checks, services and audit log give, each under a code.

Rules do not write sentences: they return a `Reason` (a code and its values), such as
``Reason("not_responded", approval="part_a", nation="wales")``. A `Reason` is a `str` whose value
is the English sentence built from the template of its code ("Part A: Wales has not responded
yet."): the JSON API, the CLI, error messages and the audit log give exactly that, and tests may
compare it with English text. Pages show it in their language with `Reason.translated(gettext)`
(see `display.message`), which translates the template and every label in it.

A value whose name is in `PARAM_TABLES` is a stored value (a nation, a stage, a field …) shown by
its label from `TABLES`; a list is joined with ", "; other values (URNs, titles, numbers) are shown
as they are. A new message is one entry in `MESSAGES` (and its Welsh in the catalogue of
translations); a new label is one entry in its table.

Pure Python: no Django. `gettext_noop` below only marks a string for ``makemessages``, as
Django's function of that name does.
"""

from __future__ import annotations

from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (``makemessages`` collects it)."""
    return message


# -- labels of stored values -------------------------------------------------------------------

NATION_LABELS = {
    "england": gettext_noop("England"),
    "northern_ireland": gettext_noop("Northern Ireland"),
    "scotland": gettext_noop("Scotland"),
    "wales": gettext_noop("Wales"),
}
# Who responds to an approval: a nation, or one of a project's sign-offs (rules.SIGN_OFFS).
SIGN_OFF_LABELS = {
    "steering_group": gettext_noop("Project steering group"),
    "sfp": gettext_noop("Standards and Frameworks Panel"),
}
RESPONDER_LABELS = {**NATION_LABELS, **SIGN_OFF_LABELS}
STAGE_LABELS = {
    "proposal": gettext_noop("Proposal (Part A)"),
    "part_b": gettext_noop("Part B"),
    "drafting": gettext_noop("Drafting"),
    "consultation": gettext_noop("Consultation"),
    "draft_approval": gettext_noop("Draft approval"),
    "final_approval": gettext_noop("Final approval"),
    "welsh_approval": gettext_noop("Welsh translation and approval"),
    "published": gettext_noop("Published"),
    "withdrawn": gettext_noop("Withdrawn to legacy"),
    "abandoned": gettext_noop("Abandoned"),
}
APPROVAL_LABELS = {
    "part_a": gettext_noop("Part A"),
    "part_b": gettext_noop("Part B"),
    "for_consultation": gettext_noop("Draft for consultation"),
    "draft": gettext_noop("Draft NOS"),
    "final": gettext_noop("Final NOS"),
    "welsh": gettext_noop("Welsh NOS"),
}
RESPONSE_LABELS = {
    "approve": gettext_noop("Approve"),
    "approve_with_changes": gettext_noop("Approve with changes"),
    "reject": gettext_noop("Reject"),
    "not_applicable": gettext_noop("Not applicable"),
}
PART_A_FIELDS = {
    "rationale": gettext_noop("Rationale"),
    "employers_organisations": gettext_noop("Employers/Organisations"),
    "sso_involvement": gettext_noop("Ssc/Sso Involvement"),
    "timescale": gettext_noop("Timescale"),
    "uknos_panel": gettext_noop("UKNOS Panel"),
}
PART_B_FIELDS = {
    "findings": gettext_noop("Findings"),
    "informed_development": gettext_noop("Informed Development"),
    "participation": gettext_noop("Participation"),
    "specific_issues": gettext_noop("Specific Issues"),
}
KIND_LABELS = {"development": gettext_noop("Development of new NOS"), "review": gettext_noop("Review of existing NOS")}
ACTION_LABELS = {
    "new": gettext_noop("New NOS"),
    "revise": gettext_noop("New version of an existing NOS"),
    "withdraw": gettext_noop("Withdraw to legacy"),
}
MODERATION_LABELS = {
    "pending": gettext_noop("pending"),
    "published": gettext_noop("published"),
    "rejected": gettext_noop("rejected"),
}
DECISION_LABELS = {"accepted": gettext_noop("Accepted"), "rejected": gettext_noop("Rejected"), "noted": gettext_noop("Noted")}
EVENT_KIND_LABELS = {
    "workshop": gettext_noop("Workshop"),
    "meeting": gettext_noop("Meeting"),
    "webinar": gettext_noop("Webinar"),
    "interview": gettext_noop("Interviews"),
}
SIZE_LABELS = {
    "micro": gettext_noop("micro (fewer than 10 people)"),
    "small": gettext_noop("small (10 to 49)"),
    "medium": gettext_noop("medium (50 to 249)"),
    "large": gettext_noop("large (250 or more)"),
}
REVIEW_STATUS_LABELS = {"overdue": gettext_noop("overdue"), "due": gettext_noop("due")}
SEVERITY_LABELS = {"error": gettext_noop("error"), "warning": gettext_noop("warning")}
BAND_LABELS = {  # readability.band
    "no text": gettext_noop("no text"),
    "easy": gettext_noop("easy"),
    "plain English": gettext_noop("plain English"),
    "fairly difficult": gettext_noop("fairly difficult"),
    "difficult": gettext_noop("difficult"),
    "very difficult": gettext_noop("very difficult"),
}
VALIDITY_LABELS = {"current": gettext_noop("current"), "legacy": gettext_noop("legacy"), "archive": gettext_noop("archive")}
# What the audit log's action codes mean.
AUDIT_ACTION_LABELS = {
    "create_project": gettext_noop("project created"),
    "update_project": gettext_noop("project changed"),
    "update_nation_part": gettext_noop("nation's part changed"),
    "respond": gettext_noop("nation responded"),
    "add_draft": gettext_noop("draft added"),
    "update_draft": gettext_noop("draft changed"),
    "remove_draft": gettext_noop("draft removed"),
    "advance": gettext_noop("stage changed"),
    "send_back": gettext_noop("sent back to drafting"),
    "publish": gettext_noop("published"),
    "withdraw": gettext_noop("withdrawn"),
    "comment": gettext_noop("comment received"),
    "moderate": gettext_noop("comment moderated"),
    "decide_comment": gettext_noop("decision on a comment"),
    "update_profile": gettext_noop("profile changed"),
    "abandon": gettext_noop("project abandoned"),
    "withdraw_project": gettext_noop("project withdrawn to legacy"),
    "request_withdrawal": gettext_noop("withdrawal to legacy requested"),
    "refuse_withdrawal": gettext_noop("withdrawal to legacy refused"),
    "consent": gettext_noop("owner consented"),
    "justify_duplicate": gettext_noop("duplicate justified"),
    "reminder_done": gettext_noop("review reminder closed"),
    "record_event": gettext_noop("consultation event recorded"),
}
# Field labels of drafts and version differences (English as noshub.core.model.SECTION_LABELS).
FIELD_LABELS = {
    "urn": gettext_noop("URN"),
    "title": gettext_noop("Title"),
    "overview": gettext_noop("Overview"),
    "performance_criteria": gettext_noop("Performance criteria"),
    "knowledge_and_understanding": gettext_noop("Knowledge and understanding"),
    "scope_range": gettext_noop("Scope/range"),
    "scope_range_performance_criteria": gettext_noop("Scope/range related to performance criteria"),
    "scope_range_knowledge_and_understanding": gettext_noop("Scope/range related to knowledge and understanding"),
    "values": gettext_noop("Values"),
    "behaviours": gettext_noop("Behaviours"),
    "skills": gettext_noop("Skills"),
    "glossary": gettext_noop("Glossary"),
    "links_to_other_nos": gettext_noop("Links to other NOS"),
    "external_links": gettext_noop("External links"),
    "developed_by": gettext_noop("Developed by"),
    "version_number": gettext_noop("Version number"),
    "date_approved": gettext_noop("Date approved"),
    "indicative_review_date": gettext_noop("Indicative review date"),
    "validity": gettext_noop("Validity"),
    "status": gettext_noop("Status"),
    "originating_organisation": gettext_noop("Originating organisation"),
    "original_urn": gettext_noop("Original URN"),
    "relevant_occupations": gettext_noop("Relevant occupations"),
    "suites": gettext_noop("Suites"),
    "keywords": gettext_noop("Keywords"),
    "soc_codes": gettext_noop("SOC codes"),
    "category": gettext_noop("NOS category"),
}
# A comment's moderation outcome or decision, as an audit summary writes it (lower case).
OUTCOME_LABELS = {
    "published": gettext_noop("published"),
    "rejected": gettext_noop("rejected"),
    "accepted": gettext_noop("accepted"),
    "noted": gettext_noop("noted"),
}

TABLES = {
    "nation": NATION_LABELS,
    "responder": RESPONDER_LABELS,
    "sign_off": SIGN_OFF_LABELS,
    "stage": STAGE_LABELS,
    "approval": APPROVAL_LABELS,
    "response": RESPONSE_LABELS,
    "part_a": PART_A_FIELDS,
    "part_b": PART_B_FIELDS,
    "kind": KIND_LABELS,
    "action": ACTION_LABELS,
    "moderation": MODERATION_LABELS,
    "decision": DECISION_LABELS,
    "review_status": REVIEW_STATUS_LABELS,
    "event_kind": EVENT_KIND_LABELS,
    "organisation_size": SIZE_LABELS,
    "severity": SEVERITY_LABELS,
    "band": BAND_LABELS,
    "validity": VALIDITY_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "field": FIELD_LABELS,
    "nation_field": {**PART_A_FIELDS, **PART_B_FIELDS},
    "outcome": OUTCOME_LABELS,
}

# Values of messages that are stored values, and the table their labels come from.
PARAM_TABLES = {
    "nation": "responder",
    "stage": "stage",
    "to": "stage",
    "other": "stage",
    "approval": "approval",
    "part": "approval",
    "response": "response",
    "fields": "nation_field",
    "action": "action",
    "section": "field",
    "outcome": "outcome",
}

# -- messages ------------------------------------------------------------------------------------

# Every message, by code, with %(name)s where it has a value.
MESSAGES = {
    # rules: why a project cannot move on, or why a stage change or a response is refused
    "not_responded": gettext_noop("%(approval)s: %(nation)s has not responded yet."),
    "rejected": gettext_noop("%(approval)s: %(nation)s rejected it; revise and ask %(nation)s to respond again."),
    "none_approved": gettext_noop("%(approval)s: no nation has approved it."),
    "fields_missing": gettext_noop("%(part)s: %(nation)s – fill in %(fields)s."),
    "no_drafts": gettext_noop("The project has no draft NOS yet."),
    "draft_check_errors": gettext_noop("%(urn)s: fix the %(n)s quality check error(s) first."),
    "closing_date_unset": gettext_noop("Set the closing date of the consultation."),
    "closing_date_past": gettext_noop("The consultation closing date must be in the future."),
    "consultation_open": gettext_noop("The consultation is still open; it can move on after its closing date."),
    "comments_pending": gettext_noop("%(n)s comment(s) are waiting for moderation."),
    "comments_undecided": gettext_noop(
        "%(n)s published comment(s) have no decision yet (accepted, rejected or noted, with a response)."
    ),
    "welsh_missing": gettext_noop(
        "Welsh text (title, performance criteria, knowledge and understanding) is missing for: %(urns)s."
    ),
    "stage_unknown": gettext_noop("A project in stage '%(stage)s' cannot move on."),
    "stage_last": gettext_noop("A %(stage)s project cannot move on."),
    "stage_skipped": gettext_noop(
        "A project in %(stage)s can only move to %(to)s, not to %(other)s: stages cannot be skipped."
    ),
    "send_back_refused": gettext_noop("A project in %(stage)s cannot be sent back to drafting."),
    "approval_not_open": gettext_noop("%(approval)s is not open: the project is in %(stage)s."),
    "nation_not_responding": gettext_noop("%(nation)s does not respond to %(approval)s."),
    "map_node_unknown": gettext_noop("There is no function %(id)s on a functional map."),
    "reminder_note_missing": gettext_noop("Say what was done about the review."),
    "reminder_done": gettext_noop("This review reminder is already closed."),
    "event_invalid": gettext_noop("The event needs a name, a date and a number of people of at least 1."),
    "events_closed": gettext_noop("Consultation events can be recorded from drafting until draft approval."),
    "sign_off_not_applicable": gettext_noop("%(nation)s approves or rejects: “not applicable” is for nations."),
    "sign_offs_fixed": gettext_noop("The sign-offs can only be changed before the consultation."),
    "steering_member_unknown": gettext_noop("%(name)s is not a member of a project steering group (no such user with that role)."),
    "response_unknown": gettext_noop("Unknown response %(response)s."),
    "feedback_required": gettext_noop("Say what must change: feedback is required with this response."),
    # services: a change the project's state does not allow
    "kind_unknown": gettext_noop("Unknown kind of project %(kind)s."),
    "project_published": gettext_noop("A published project cannot be changed."),
    "closing_date_fixed": gettext_noop("The consultation closing date cannot change once the consultation is over."),
    "closing_date_extend_only": gettext_noop("An open consultation can only be extended: choose a later closing date."),
    "part_a_closed": gettext_noop("Part A can only be changed in the proposal stage."),
    "part_b_closed": gettext_noop("Part B can only be changed in the Part B stage."),
    "welsh_frozen": gettext_noop("Welsh text cannot be changed in %(stage)s."),
    "drafts_frozen": gettext_noop("Drafts cannot be changed in %(stage)s."),
    "draft_of_standard_exists": gettext_noop("The project already has a draft of %(urn)s."),
    "new_nos_incomplete": gettext_noop("A new NOS needs a URN and a title."),
    "draft_urn_exists": gettext_noop("The project already has a draft with URN %(urn)s."),
    "revision_keeps_urn": gettext_noop("A new version keeps the URN of the NOS it revises."),
    "draft_has_comments": gettext_noop("Draft %(urn)s has consultation comments and cannot be removed."),
    "urn_taken": gettext_noop("URN %(urn)s is already used by the NOS %(slug)s: choose another URN."),
    "send_back_reason_missing": gettext_noop("Say why the project goes back to drafting."),
    "standard_missing": gettext_noop("NOS %(slug)s is not in the catalogue."),
    "nothing_to_withdraw": gettext_noop("%(urn)s has no published version to withdraw."),
    "no_standard_with_urn": gettext_noop("No NOS with URN %(urn)s"),
    # services: consultation comments
    "consultation_closed": gettext_noop("This consultation is not open for comments."),
    "draft_not_consulted": gettext_noop("That NOS is not part of this consultation."),
    "comment_refused": gettext_noop("Your comment could not be accepted."),
    "comment_empty": gettext_noop("Write your comment."),
    "comment_too_long": gettext_noop("A comment can be at most %(n)s characters long."),
    "comment_too_many_links": gettext_noop("A comment can hold at most %(n)s links."),
    "comment_item_unknown": gettext_noop("%(urn)s has no item %(item)s."),
    "comment_rate_limited": gettext_noop(
        "You have sent several comments in a short time: please wait an hour and try again."
    ),
    "decision_unpublished": gettext_noop("Only published comments get a decision."),
    "decision_response_missing": gettext_noop("Write a response to the comment."),
    "consultation_record_closed": gettext_noop("The project is published: its consultation record is closed."),
    # draft checks: one finding on a draft
    "no_title": gettext_noop("The NOS has no title."),
    "no_overview": gettext_noop("Write an overview: what the NOS is about and who it is for."),
    "no_performance_criteria": gettext_noop("Add performance criteria: what the person must be able to do."),
    "no_knowledge": gettext_noop("Add knowledge and understanding: what the person needs to know and understand."),
    "pc_unobservable": gettext_noop(
        "%(ref)s starts with “%(word)s”, which nobody can observe: state what the person does, "
        "and move what they need to know to knowledge and understanding."
    ),
    "pc_not_action": gettext_noop(
        "%(ref)s starts with “%(word)s”: a performance criterion completes “You must be able to:” "
        "and starts with an action verb, such as “check” or “identify”."
    ),
    "pc_verb_unknown": gettext_noop(
        "%(ref)s starts with “%(word)s”, which is not in the list of action verbs: make sure it starts with one."
    ),
    "pc_two_actions": gettext_noop(
        "%(ref)s may state more than one action (“… %(words)s …”): each criterion should state one observable action."
    ),
    "pc_too_long": gettext_noop("%(ref)s has %(n)s words: a criterion this long is hard to assess; consider splitting it."),
    "knowledge_repeats_stem": gettext_noop(
        "%(ref)s starts with “%(word)s”: a knowledge item completes “You need to know and understand:”, "
        "so start with the thing to know, such as “the types of …” or “how to …”."
    ),
    "knowledge_reads_as_action": gettext_noop(
        "%(ref)s reads like an action (“%(words)s …”): a knowledge item is something to know or "
        "understand; should it be a performance criterion?"
    ),
    "statement_repeated": gettext_noop("%(ref)s repeats %(other_ref)s: remove one of them."),
    "hard_to_read": gettext_noop(
        "%(section)s is very hard to read (Flesch reading ease %(score)s; aim for 30 or more, "
        "60 is plain English): use shorter sentences and everyday words."
    ),
    "no_urn": gettext_noop("The NOS has no URN."),
    "urn_form": gettext_noop(
        "URN “%(urn)s” is not in the usual form: a capital letter first, then letters, digits, & _ - or ., "
        "3 to 20 characters with at least one digit and no spaces (for example LANACT3)."
    ),
    "review_date_unset": gettext_noop("Set the indicative review date."),
    "review_date_passed": gettext_noop("The indicative review date %(date)s has passed."),
    "review_date_far": gettext_noop("The indicative review date %(date)s is more than %(n)s years away."),
    "possible_duplicate": gettext_noop(
        "This may duplicate the existing NOS %(urn)s “%(title)s”: check it is not already covered."
    ),
    # which search looked for existing NOS (services.similar_standards)
    "search_already_covered": gettext_noop("already covered (cleansing)"),
    "search_same_title": gettext_noop("same title"),
    "search_same_title_after_failure": gettext_noop("same title (the already-covered search failed: %(error)s)"),
    # audit summaries (stored in English; `display.audit_summary` reads the stored ones back)
    "audit_draft_placed": gettext_noop("Placed %(urn)s on the functional map: %(node)s"),
    "audit_reminder_done": gettext_noop("Closed the review reminder of %(urn)s: %(note)s"),
    "audit_event_recorded": gettext_noop("Recorded the consultation event “%(name)s” of “%(title)s”"),
    "audit_project_created": gettext_noop("Created project “%(title)s” for %(organisation)s"),
    "audit_project_changed": gettext_noop("Changed project “%(title)s”"),
    "audit_nation_part_changed": gettext_noop("Changed %(nation)s's part of “%(title)s”"),
    "audit_responded": gettext_noop("%(nation)s: %(response)s to %(approval)s of “%(title)s”"),
    "audit_draft_added": gettext_noop("Added draft %(urn)s “%(title)s” (%(action)s)"),
    "audit_draft_changed": gettext_noop("Changed draft %(urn)s"),
    "audit_draft_removed": gettext_noop("Removed draft %(urn)s"),
    "audit_moved": gettext_noop("“%(title)s” moved to %(stage)s"),
    "audit_sent_back": gettext_noop("“%(title)s” sent back to drafting: %(reason)s"),
    "audit_published": gettext_noop("Published %(urn)s version %(n)s (approved %(date)s)"),
    "audit_withdrawn": gettext_noop("Withdrew %(urn)s to legacy"),
    "audit_comment_on_item": gettext_noop("Comment on %(urn)s %(item)s awaiting moderation"),
    "audit_comment": gettext_noop("Comment on %(urn)s awaiting moderation"),
    "audit_comment_outcome": gettext_noop("Comment %(id)s on %(urn)s: %(outcome)s"),
    "audit_profile_changed": gettext_noop("Profile of %(user)s: %(fields)s"),
    # issue 19: approvals tied to the text, abandoning, withdrawal, ownership
    "response_stale": gettext_noop(
        "%(approval)s: %(nation)s: the text changed since %(nation)s responded; ask %(nation)s to respond again."
    ),
    "nothing_to_approve": gettext_noop("%(approval)s: there is nothing to approve yet: %(what)s"),
    "text_changed_while_reading": gettext_noop(
        "The text changed while you were reading it: read it again and send your response."
    ),
    "abandon_refused": gettext_noop("A project in %(stage)s cannot be abandoned."),
    "abandon_reason_missing": gettext_noop("Say why the project is abandoned."),
    "withdraw_needs_confirmation": gettext_noop(
        "Withdrawal is not a next step: use “Ask to withdraw to legacy”, confirm it and give a reason; "
        "an administrator approves it."
    ),
    "withdraw_refused": gettext_noop("Only a published project's NOS can be withdrawn; this one is in %(stage)s."),
    "withdraw_reason_missing": gettext_noop("Say why the NOS are withdrawn."),
    "withdraw_not_confirmed": gettext_noop("Confirm that the NOS become legacy."),
    "withdrawal_already_requested": gettext_noop("Withdrawal of this project's NOS is already waiting for approval."),
    "withdrawal_not_requested": gettext_noop("No withdrawal of this project's NOS is waiting for approval."),
    "withdrawal_own_request": gettext_noop(
        "You asked for this withdrawal: another administrator must approve or refuse it."
    ),
    "withdrawal_refusal_reason_missing": gettext_noop("Say why the withdrawal is refused."),
    "not_owner": gettext_noop(
        "%(urn)s is developed by %(owner)s, not %(organisation)s: %(owner)s must consent before "
        "this project revises or withdraws it."
    ),
    "consent_reason_missing": gettext_noop("Say how and when the owner consented."),
    "audit_abandoned": gettext_noop("“%(title)s” abandoned: %(reason)s"),
    "audit_withdrawn_project": gettext_noop("“%(title)s” withdrawn to legacy: %(reason)s"),
    "audit_withdrawal_requested": gettext_noop("Withdrawal of “%(title)s” to legacy requested: %(reason)s"),
    "audit_withdrawal_approved": gettext_noop(
        "“%(title)s” withdrawn to legacy, asked for by %(requester)s: %(reason)s"
    ),
    "audit_withdrawal_refused": gettext_noop("Withdrawal of “%(title)s” to legacy refused: %(reason)s"),
    "audit_consent": gettext_noop("%(owner)s consented to “%(title)s” revising %(urn)s: %(note)s"),
    "audit_comments_moderated": gettext_noop("%(n)s comment(s): %(outcome)s"),
    "comment_too_many": gettext_noop("One submission can hold at most %(n)s comments."),
    "audit_comment_set": gettext_noop("%(n)s comment(s) on %(urn)s awaiting moderation"),
    "statement_truncated": gettext_noop(
        "%(ref)s “%(text)s” looks cut off: it ends mid-word or has no last word. Finish the statement."
    ),
    "welsh_incomplete": gettext_noop(
        "The Welsh %(section)s has %(welsh)s statement(s) against %(english)s in English: translate every one."
    ),
    "welsh_placeholder": gettext_noop("The Welsh %(section)s holds placeholder text (“%(text)s”): translate it."),
    "duplicate_unjustified": gettext_noop(
        "%(urn)s: the “already covered” check found %(other_urn)s (score %(score)s): record why this NOS is still needed."
    ),
    "welsh_problem": gettext_noop("%(urn)s: %(problem)s"),
    "justification_missing": gettext_noop("Say why this NOS is needed beside the one that already covers it."),
    "audit_duplicate_justified": gettext_noop("%(urn)s kept beside a NOS that already covers it: %(justification)s"),
}


def _same(text: str) -> str:
    return text


def _value(name: str, value, translate: Callable[[str], str]) -> str:
    if isinstance(value, Reason):  # a message inside a message
        return value.translated(translate)
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(name, v, translate) for v in value)
    table = TABLES.get(PARAM_TABLES.get(name, ""), {})
    label = table.get(value) if isinstance(value, str) else None
    return translate(label) if label else str(value)


def render(code: str, params: dict, translate: Callable[[str], str] = _same) -> str:
    """The message of `code` with its values, through `translate` (English when left out)."""
    return translate(MESSAGES[code]) % {name: _value(name, v, translate) for name, v in params.items()}


class Reason(str):
    """A message as a code and its values; as a string, its English sentence."""

    code: str
    params: dict

    def __new__(cls, code: str, **params) -> Reason:
        self = super().__new__(cls, render(code, params))
        self.code = code
        self.params = params
        return self

    def __reduce__(self):
        return (_reason, (self.code, self.params))

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.params!r})"

    def translated(self, translate: Callable[[str], str]) -> str:
        """The message in the language of `translate` (a gettext)."""
        return render(self.code, self.params, translate)


def _reason(code: str, params: dict) -> Reason:
    return Reason(code, **params)
