"""The JSON bodies the behaviours endpoints take (JSON Schema via `noshub.pages.jsonbody`)."""

from __future__ import annotations

from noshub.core.behaviours.mapper import LINK_TYPES
from noshub.core.behaviours.reference import SCHEMES
from noshub.pages.jsonbody import BodySchema, text

# POST /behaviours/<slug>/edit/ (the behaviour page posts the same fields as a form).
EDIT = BodySchema(
    "BehaviourEdit",
    {
        "type": "object",
        "description": "A staff edit of a behaviour: rename (and redefine), confirm, merge into another, split some statements off into a new behaviour, or confirm a link",
        "additionalProperties": False,
        "required": ["action"],
        "properties": {
            "action": {"enum": ["rename", "confirm", "merge", "split", "confirm_mapping"]},
            "name": text(255),
            "definition": text(2000),
            "into": text(120),
            "statements": {
                "type": "array",
                "description": "split: the statements (their text, as shown) to move into the new behaviour",
                "items": text(5000, min_length=1),
                "minItems": 1,
                "maxItems": 1000,
            },
            "scheme": {"enum": list(SCHEMES)},
            "concept_id": text(255),
            "link_type": {"enum": list(LINK_TYPES)},
            "reason": text(2000),
        },
    },
)
DETECT = BodySchema(
    "BehaviourDetect",
    {
        "type": "object",
        "description": "Statements to check: is each a behaviour?",
        "additionalProperties": False,
        "required": ["statements"],
        "properties": {"statements": {"type": "array", "items": text(5000, min_length=1), "minItems": 1, "maxItems": 200}},
    },
)
