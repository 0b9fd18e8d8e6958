"""The lifecycle's words and messages in the page's language.

What the lifecycle stores, what its JSON API and CLI give, and the messages its rules build
(`noshub.lifecycle.rules`, `noshub.lifecycle.draft_checks`, `services`) are English and stay so: a
stage is ``"drafting"``, a reason is "Part A: Wales has not responded yet.", an audit
summary is written once, in English. Pages translate them here, at request time:

- `label(kind, value)`: the display label of a stored value (a stage, a nation, a response,
  a comment's moderation, a review status, a readability band …);
- `message(text)`: an English message of the rules or an audit summary, matched against the
  English templates below and rebuilt from its translated template, with the labels in it
  (nation, stage, approval …) translated too. Text no template matches is shown as it is.

The English labels are the same as `noshub.lifecycle.rules`'s (tests/lifecycle checks that),
so a page shown in English reads exactly as before. Every string here is marked with
`gettext_noop` so that ``makemessages`` collects it.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

# -- labels of stored values (English as in noshub.lifecycle.rules) ------------------------------

NATION_LABELS = {
    "england": gettext_noop("England"),
    "northern_ireland": gettext_noop("Northern Ireland"),
    "scotland": gettext_noop("Scotland"),
    "wales": gettext_noop("Wales"),
}
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
}
APPROVAL_LABELS = {
    "part_a": gettext_noop("Part A"),
    "part_b": gettext_noop("Part B"),
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
REVIEW_STATUS_LABELS = {"overdue": gettext_noop("overdue"), "due": gettext_noop("due")}
SEVERITY_LABELS = {"error": gettext_noop("error"), "warning": gettext_noop("warning")}
BAND_LABELS = {  # noshub.lifecycle.readability.band
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

TABLES = {
    "nation": NATION_LABELS,
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
    "severity": SEVERITY_LABELS,
    "band": BAND_LABELS,
    "validity": VALIDITY_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "field": FIELD_LABELS,
}


def label(kind: str, value) -> str:
    """The display label of a stored value; the value itself when it has none."""
    english = TABLES[kind].get(value if value is not None else "")
    return gettext(english) if english else ("" if value is None else str(value))


label_lazy = lazy(label, str)


def labels(kind: str) -> dict[str, str]:
    """A whole table, translated: {stored value: label}."""
    return {k: gettext(v) for k, v in TABLES[kind].items()}


def choices(kind: str) -> list[tuple[str, str]]:
    """Form choices whose labels follow the language active when the form is shown."""
    return [(k, label_lazy(kind, k)) for k in TABLES[kind]]


# -- messages ------------------------------------------------------------------------------------

# English labels that may appear inside a message, translated along with it.
_PHRASES = (
    {
        v
        for table in (NATION_LABELS, STAGE_LABELS, APPROVAL_LABELS, RESPONSE_LABELS, PART_A_FIELDS, PART_B_FIELDS, ACTION_LABELS)
        for v in table.values()
    }
    | set(FIELD_LABELS.values())
    | set(BAND_LABELS.values())
)
_PHRASES_BY_VALUE = {  # a comment's moderation outcome or decision in an audit summary
    "published": gettext_noop("published"),
    "rejected": gettext_noop("rejected"),
    "accepted": gettext_noop("accepted"),
    "noted": gettext_noop("noted"),
}
# Placeholders holding labels; the others (titles, URNs, numbers, names) are kept as they are.
_LABEL_PLACEHOLDERS = {"nation", "stage", "to", "other", "approval", "response", "part", "fields", "action", "section"}
_PLACEHOLDER_PATTERNS = {"n": r"\d+", "ref": r"[A-Z]+\d+", "item": r"[A-Z]+\d+", "id": r"\d+", "outcome": r"[a-z]+"}

# Every English message template of the rules (noshub.lifecycle.rules, noshub.lifecycle.draft_checks), of
# `services` and of the audit summaries, with %(name)s where the message has a value.
MESSAGES = [
    # noshub.lifecycle.rules: why a project cannot move on
    gettext_noop("%(approval)s: %(nation)s has not responded yet."),
    gettext_noop("%(approval)s: %(nation)s rejected it; revise and ask %(nation)s to respond again."),
    gettext_noop("%(approval)s: no nation has approved it."),
    gettext_noop("%(part)s: %(nation)s – fill in %(fields)s."),
    gettext_noop("The project has no draft NOS yet."),
    gettext_noop("%(urn)s: fix the %(n)s quality check error(s) first."),
    gettext_noop("Set the closing date of the consultation."),
    gettext_noop("The consultation closing date must be in the future."),
    gettext_noop("The consultation is still open; it can move on after its closing date."),
    gettext_noop("%(n)s comment(s) are waiting for moderation."),
    gettext_noop("%(n)s published comment(s) have no decision yet (accepted, rejected or noted, with a response)."),
    gettext_noop("Welsh text (title, performance criteria, knowledge and understanding) is missing for: %(urns)s."),
    gettext_noop("A project in stage '%(stage)s' cannot move on."),
    gettext_noop("A %(stage)s project cannot move on."),
    gettext_noop("A project in %(stage)s can only move to %(to)s, not to %(other)s: stages cannot be skipped."),
    gettext_noop("A project in %(stage)s cannot be sent back to drafting."),
    gettext_noop("%(approval)s is not open: the project is in %(stage)s."),
    gettext_noop("%(nation)s does not respond to %(approval)s."),
    gettext_noop("Unknown response %(response)s."),
    gettext_noop("Say what must change: feedback is required with this response."),
    # services
    gettext_noop("Unknown kind of project %(kind)s."),
    gettext_noop("A published project cannot be changed."),
    gettext_noop("The consultation closing date cannot change once the consultation is over."),
    gettext_noop("An open consultation can only be extended: choose a later closing date."),
    gettext_noop("Part A can only be changed in the proposal stage."),
    gettext_noop("Part B can only be changed in the Part B stage."),
    gettext_noop("Welsh text cannot be changed in %(stage)s."),
    gettext_noop("Drafts cannot be changed in %(stage)s."),
    gettext_noop("The project already has a draft of %(urn)s."),
    gettext_noop("A new NOS needs a URN and a title."),
    gettext_noop("The project already has a draft with URN %(urn)s."),
    gettext_noop("A new version keeps the URN of the NOS it revises."),
    gettext_noop("Draft %(urn)s has consultation comments and cannot be removed."),
    gettext_noop("URN %(urn)s is already used by the NOS %(slug)s: choose another URN."),
    gettext_noop("Say why the project goes back to drafting."),
    gettext_noop("NOS %(slug)s is not in the catalogue."),
    gettext_noop("%(urn)s has no published version to withdraw."),
    gettext_noop("No NOS with URN %(urn)s"),
    gettext_noop("This consultation is not open for comments."),
    gettext_noop("That NOS is not part of this consultation."),
    gettext_noop("Your comment could not be accepted."),
    gettext_noop("Write your comment."),
    gettext_noop("A comment can be at most %(n)s characters long."),
    gettext_noop("A comment can hold at most %(n)s links."),
    gettext_noop("%(urn)s has no item %(item)s."),
    gettext_noop("You have sent several comments in a short time: please wait an hour and try again."),
    gettext_noop("Only published comments get a decision."),
    gettext_noop("Write a response to the comment."),
    gettext_noop("The project is published: its consultation record is closed."),
    # noshub.lifecycle.draft_checks: findings on a draft
    gettext_noop("The NOS has no title."),
    gettext_noop("Write an overview: what the NOS is about and who it is for."),
    gettext_noop("Add performance criteria: what the person must be able to do."),
    gettext_noop("Add knowledge and understanding: what the person needs to know and understand."),
    gettext_noop(
        "%(ref)s starts with “%(word)s”, which nobody can observe: state what the person does, "
        "and move what they need to know to knowledge and understanding."
    ),
    gettext_noop(
        "%(ref)s starts with “%(word)s”: a performance criterion completes “You must be able to:” "
        "and starts with an action verb, such as “check” or “identify”."
    ),
    gettext_noop("%(ref)s starts with “%(word)s”, which is not in the list of action verbs: make sure it starts with one."),
    gettext_noop("%(ref)s may state more than one action (“… %(words)s …”): each criterion should state one observable action."),
    gettext_noop("%(ref)s has %(n)s words: a criterion this long is hard to assess; consider splitting it."),
    gettext_noop(
        "%(ref)s starts with “%(word)s”: a knowledge item completes “You need to know and understand:”, "
        "so start with the thing to know, such as “the types of …” or “how to …”."
    ),
    gettext_noop(
        "%(ref)s reads like an action (“%(words)s …”): a knowledge item is something to know or "
        "understand; should it be a performance criterion?"
    ),
    gettext_noop("%(ref)s repeats %(other_ref)s: remove one of them."),
    gettext_noop(
        "%(section)s is very hard to read (Flesch reading ease %(score)s; aim for 30 or more, "
        "60 is plain English): use shorter sentences and everyday words."
    ),
    gettext_noop("The NOS has no URN."),
    gettext_noop(
        "URN “%(urn)s” is not in the usual form: a capital letter first, then letters, digits, & _ - or ., "
        "3 to 20 characters with at least one digit and no spaces (for example LANACT3)."
    ),
    gettext_noop("Set the indicative review date."),
    gettext_noop("The indicative review date %(date)s has passed."),
    gettext_noop("The indicative review date %(date)s is more than %(n)s years away."),
    gettext_noop("This may duplicate the existing NOS %(urn)s “%(title)s”: check it is not already covered."),
    # which search looked for existing NOS (services.similar_standards)
    gettext_noop("already covered (cleansing)"),
    gettext_noop("same title"),
    gettext_noop("same title (the already-covered search failed: %(error)s)"),
    # audit summaries (services, admin)
    gettext_noop("Created project “%(title)s” for %(organisation)s"),
    gettext_noop("Changed project “%(title)s”"),
    gettext_noop("Changed %(nation)s's part of “%(title)s”"),
    gettext_noop("%(nation)s: %(response)s to %(approval)s of “%(title)s”"),
    gettext_noop("Added draft %(urn)s “%(title)s” (%(action)s)"),
    gettext_noop("Changed draft %(urn)s"),
    gettext_noop("Removed draft %(urn)s"),
    gettext_noop("“%(title)s” moved to %(stage)s"),
    gettext_noop("“%(title)s” sent back to drafting: %(reason)s"),
    gettext_noop("Published %(urn)s version %(n)s (approved %(date)s)"),
    gettext_noop("Withdrew %(urn)s to legacy"),
    gettext_noop("Comment on %(urn)s %(item)s awaiting moderation"),
    gettext_noop("Comment on %(urn)s awaiting moderation"),
    gettext_noop("Comment %(id)s on %(urn)s: %(outcome)s"),
    gettext_noop("Profile of %(user)s: %(fields)s"),
]

_NAME = re.compile(r"%\((\w+)\)s")


@cache
def _compiled() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in MESSAGES:
        parts, seen, pos = [], set(), 0
        for m in _NAME.finditer(template):
            parts.append(re.escape(template[pos : m.start()]))
            name = m.group(1)
            if name in seen:
                parts.append(f"(?P={name})")
            else:
                parts.append(f"(?P<{name}>{_PLACEHOLDER_PATTERNS.get(name, '.+?')})")
                seen.add(name)
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((re.compile("".join(parts), re.S), template))
    return out


def _value(name: str, value: str) -> str:
    if name == "outcome":
        english = _PHRASES_BY_VALUE.get(value)
        return gettext(english) if english else value
    if name not in _LABEL_PLACEHOLDERS:
        return value
    if value in _PHRASES:
        return gettext(value)
    parts = value.split(", ")
    if len(parts) > 1 and all(p in _PHRASES for p in parts):
        return ", ".join(gettext(p) for p in parts)
    return value


def message(text) -> str:
    """An English message or audit summary in the active language (unchanged if unknown)."""
    if text is None:
        return ""
    text = str(text)
    for pattern, template in _compiled():
        m = pattern.fullmatch(text)
        if m:
            values = {k: _value(k, v) for k, v in m.groupdict().items()}
            return gettext(template) % values
    return text


def messages(texts) -> list[str]:
    return [message(t) for t in texts or []]
