"""Every read and write of the lifecycle that pages, the JSON API and the CLI share.

Each write checks the user's role (`permissions.require`), checks the stage rules
(`noshub.lifecycle.rules`), and writes an `AuditEntry` with the values before and after.

One module per job: `projects`, `drafts`, `checking` (the draft checks against the catalogue),
`stages`, `publishing`, `consultation`, `reading` (the dictionaries pages and the JSON show) and
`audit`. Callers use this package: ``services.advance(…)``.
"""

from __future__ import annotations

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
    decide_comment,
    hash_address,
    moderate_comment,
    submit_comment,
)
from .drafts import DRAFT_EDIT_FIELDS, REVIEW_INTERVAL_YEARS, add_draft, remove_draft, statements_from_lines, update_draft
from .projects import PROJECT_FIELDS, create_project, respond, update_nation_part, update_project
from .reading import audit_entries, draft_dict, draft_diff, project_dict, version_diff
from .stages import advance, project_facts, send_back

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
    "REVIEW_INTERVAL_YEARS",
    "add_draft",
    "advance",
    "audit",
    "audit_entries",
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
    "project_dict",
    "project_facts",
    "remove_draft",
    "respond",
    "send_back",
    "similar_standards",
    "statements_from_lines",
    "submit_comment",
    "update_draft",
    "update_nation_part",
    "update_project",
    "version_diff",
]
