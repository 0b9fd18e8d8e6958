"""Every read and write of the lifecycle that pages, the JSON API and the CLI share.

Each write checks the user's role (`permissions.require`), checks the stage rules
(`noshub.lifecycle.rules`), and writes an `AuditEntry` with the values before and after.

One module per job: `projects`, `drafts`, `checking` (the draft checks against the catalogue),
`stages`, `publishing`, `consultation`, `reading` (the dictionaries pages and the JSON show) and
`audit`. Callers use this package: ``services.advance(…)``.
"""

from __future__ import annotations

from .approvals import approval_text, fingerprint, fingerprint_of, waiting_for
from .audit import audit
from .checking import DUPLICATE_WARNING_SCORE, check_draft, similar_standards
from .consultation import (
    COMMENT_MAX_LENGTH,
    COMMENT_MAX_LINKS,
    COMMENT_RATE_LIMIT,
    COMMENT_RATE_WINDOW,
    CSV_COLUMNS,
    CommentRejected,
    ConsultationClosed,
    comments_by_item,
    comments_csv,
    consultation_open,
    consulted_items,
    consulted_text,
    decide_comment,
    hash_address,
    moderate_comment,
    moderate_comments,
    submit_comment,
    submit_comments,
)
from .drafts import (
    DRAFT_EDIT_FIELDS,
    REVIEW_INTERVAL_YEARS,
    add_draft,
    justify_duplicate,
    remove_draft,
    statements_from_lines,
    update_draft,
)
from .ownership import check_owner, give_consent, owner
from .placing import draft_links, map_functions, place_draft, suggested_node
from .projects import (
    PROJECT_FIELDS,
    SIGN_OFF_STAGES,
    create_project,
    respond,
    set_sign_offs,
    update_nation_part,
    update_project,
)
from .reach import (
    ORGANISATION_SIZES,
    changes_from_current,
    changes_since_consultation,
    consultation_coverage,
    consultation_report,
    event_dict,
    record_event,
)
from .reading import audit_entries, audit_page, draft_dict, draft_diff, project_dict, version_diff
from .reminders import make_reminders, mark_done, reminder_dict, reminders_for
from .stages import (
    abandon,
    advance,
    approve_withdrawal,
    pending_withdrawals,
    project_facts,
    refuse_withdrawal,
    request_withdrawal,
    send_back,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "COMMENT_MAX_LINKS",
    "COMMENT_RATE_LIMIT",
    "COMMENT_RATE_WINDOW",
    "CSV_COLUMNS",
    "CommentRejected",
    "ConsultationClosed",
    "DRAFT_EDIT_FIELDS",
    "DUPLICATE_WARNING_SCORE",
    "PROJECT_FIELDS",
    "SIGN_OFF_STAGES",
    "REVIEW_INTERVAL_YEARS",
    "ORGANISATION_SIZES",
    "draft_links",
    "map_functions",
    "place_draft",
    "suggested_node",
    "abandon",
    "changes_from_current",
    "changes_since_consultation",
    "consultation_report",
    "event_dict",
    "make_reminders",
    "mark_done",
    "record_event",
    "reminder_dict",
    "reminders_for",
    "add_draft",
    "approval_text",
    "check_owner",
    "fingerprint",
    "fingerprint_of",
    "give_consent",
    "justify_duplicate",
    "owner",
    "request_withdrawal",
    "approve_withdrawal",
    "refuse_withdrawal",
    "pending_withdrawals",
    "waiting_for",
    "advance",
    "audit",
    "audit_entries",
    "audit_page",
    "check_draft",
    "comments_by_item",
    "comments_csv",
    "consultation_open",
    "create_project",
    "decide_comment",
    "draft_dict",
    "draft_diff",
    "hash_address",
    "moderate_comment",
    "moderate_comments",
    "submit_comments",
    "consulted_items",
    "consultation_coverage",
    "consulted_text",
    "project_dict",
    "project_facts",
    "remove_draft",
    "respond",
    "send_back",
    "similar_standards",
    "statements_from_lines",
    "submit_comment",
    "update_draft",
    "set_sign_offs",
    "update_nation_part",
    "update_project",
    "version_diff",
]
