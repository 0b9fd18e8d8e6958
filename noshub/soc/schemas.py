"""The JSON bodies the SOC review endpoints take, declared once (JSON Schema, via `noshub.pages.jsonbody`):
the views validate against them and the OpenAPI document (noshub.api.openapi) shows them. A form
post sends the same fields as strings, so each field accepts the string a form sends."""

from __future__ import annotations

from noshub.pages.jsonbody import BodySchema, text

from .models import DECISION_ACTIONS

# POST /soc/decisions.json
SOC_DECISION = BodySchema(
    "SocDecision",
    {
        "type": "object",
        "description": "A reviewer's decision about a NOS's SOC 2020 code",
        "additionalProperties": False,
        "required": ["urn", "code", "action", "reason"],
        "properties": {
            "urn": text(300, min_length=1),
            "code": {**text(20), "description": "A SOC 2020 unit group, e.g. 6221"},
            "action": {"enum": [action for action, _ in DECISION_ACTIONS]},
            "reason": text(2000),
        },
    },
)

# POST /soc/accept.json
SOC_ACCEPT = BodySchema(
    "SocBulkAccept",
    {
        "type": "object",
        "description": "Confirm the first suggestion of every queued NOS at or above a confidence",
        "additionalProperties": False,
        "properties": {
            "threshold": {
                "type": ["number", "string"],
                "maxLength": 30,
                "description": "A confidence from the bulk threshold to 1 (a number, or a form's string)",
            },
            "reason": text(2000),
        },
    },
)
