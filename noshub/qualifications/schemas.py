"""The JSON body the review endpoint takes, declared once (JSON Schema, via `noshub.pages.jsonbody`)."""

from __future__ import annotations

from noshub.pages.jsonbody import BodySchema, text

from .models import DECIDED

# POST /qualifications/review/<unit>/ (the review page posts the same fields as a form).
LINK_DECISION = BodySchema(
    "UnitLinkDecision",
    {
        "type": "object",
        "description": "Confirm a unit's NOS, correct it (give nos), or say the unit has no NOS",
        "additionalProperties": False,
        "required": ["action"],
        "properties": {
            "action": {"enum": list(DECIDED)},
            "nos": text(300),
            "note": text(2000),
            "next": text(300),
        },
    },
)
