"""The JSON bodies the themes write endpoints take, declared once (JSON Schema, via
`noshub.pages.jsonbody`): the views validate against them and the OpenAPI document
(noshub.api.openapi) shows them. A form post sends the same fields as strings."""

from __future__ import annotations

from noshub.pages.jsonbody import BodySchema, text

from .mapedit import ACTIONS, EDITS
from .placement import KINDS
from .reach import CLASSES

# POST /themes/reach/{urn}/decide
REACH_DECISION = BodySchema(
    "ReachDecision",
    {
        "type": "object",
        "description": "Confirm a NOS's computed reach class (the same class) or change it, saying why",
        "additionalProperties": False,
        "required": ["reach_class", "reason"],
        "properties": {"reach_class": {"enum": list(CLASSES)}, "reason": text(4000, min_length=1)},
    },
)

# POST /themes/maps/import
OUTLINE = BodySchema(
    "MapOutline",
    {
        "type": "object",
        "description": "A functional map outline to import as a new version: CSV text (level,code,title,parent) or JSON text",
        "additionalProperties": False,
        "required": ["format", "outline"],
        "properties": {
            "format": {"enum": ["csv", "json"]},
            "outline": text(2_000_000, min_length=1),
            "slug": {"type": "string", "pattern": "^[a-z0-9-]*$", "maxLength": 64},
        },
    },
)

# POST /themes/maps/{slug}/place
PLACEMENT = BodySchema(
    "MapPlacementDecision",
    {
        "type": "object",
        "description": "Confirm a NOS's placement on a function (and its kind), move it to another function, or remove it",
        "additionalProperties": False,
        "required": ["urn", "function", "action", "reason"],
        "properties": {
            "urn": text(255, min_length=1),
            "function": text(32, min_length=1),
            "action": {"enum": list(ACTIONS)},
            "to_function": text(32),
            "kind": {"enum": ["", *KINDS]},
            "reason": text(4000, min_length=1),
        },
    },
)

# POST /themes/maps/{slug}/edit
MAP_EDIT = BodySchema(
    "MapEdit",
    {
        "type": "object",
        "description": "One change to a functional map's outline, made as a new version",
        "additionalProperties": False,
        "required": ["action", "reason"],
        "properties": {
            "action": {"enum": list(EDITS)},
            "code": text(32),
            "title": text(5000),
            "parent": text(32),
            "reason": text(4000, min_length=1),
        },
    },
)
