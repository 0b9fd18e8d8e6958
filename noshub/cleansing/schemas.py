"""The JSON bodies the cleansing endpoints take, declared once (JSON Schema, via `noshub.pages.jsonbody`):
the views validate against them and the OpenAPI document (noshub.api.openapi) shows them."""

from __future__ import annotations

from noshub.pages.jsonbody import BodySchema, text

from .models import ACTION_CHOICES

NOS = text(300, min_length=1)

# POST /cleansing/covered.json: a draft NOS, or its text ("title\nstatement\n…").
COVERED_DRAFT = BodySchema(
    "CoveredDraft",
    {
        "type": "object",
        "description": "A draft NOS: its text (first line the title, each further line a statement), or its fields",
        "additionalProperties": False,
        "properties": {
            "text": text(200_000),
            "title": text(1000),
            "overview": text(100_000),
            "statements": {"type": "array", "items": text(10_000), "maxItems": 2000},
            "keywords": {"type": "array", "items": text(300), "maxItems": 500},
        },
    },
)

# POST /cleansing/decisions/ with a JSON body (the group page posts the same fields as a form).
DECISION = BodySchema(
    "DuplicateDecision",
    {
        "type": "object",
        "description": "Record a decision about a NOS (or reverse the one in force, with action 'reverse')",
        "additionalProperties": False,
        "required": ["nos", "action"],
        "properties": {
            "nos": NOS,
            "action": {"enum": [action for action, _ in ACTION_CHOICES]},
            "target": {**text(300), "type": ["string", "null"]},
            "reason": text(5000),
            "group": {"type": "string", "pattern": "^[0-9a-f]*$", "maxLength": 64, "description": "The duplicate group's key"},
        },
    },
)
