"""The JSON bodies of the lifecycle's JSON API, declared once (JSON Schema, via `noshub.pages.jsonbody`):
the views validate against them and the OpenAPI document (noshub.api.openapi) shows them. A form
post sends the same fields as strings, so each field accepts the string a form sends. What the
stage rules decide (which stage, which nation, which response) is left to them: their reasons
are the clearer answer."""

from __future__ import annotations

from noshub.pages.jsonbody import BodySchema, text

from .services.consultation import COMMENT_MAX_LENGTH


def _or_null(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


# POST /lifecycle/projects/<pk>/advance.json
ADVANCE = BodySchema(
    "LifecycleAdvance",
    {
        "type": "object",
        "description": "Move a project to its next stage; to_stage, when given, must be that stage",
        "additionalProperties": False,
        "properties": {"to_stage": _or_null(text(40))},
    },
)

# POST /lifecycle/projects/<pk>/respond.json
RESPOND = BodySchema(
    "LifecycleResponse",
    {
        "type": "object",
        "description": "A nation's response to the approval open at the project's stage",
        "additionalProperties": False,
        "properties": {
            "nation": _or_null(text(40)),
            "response": text(40),
            "feedback": text(20_000),
            "seen": text(64),  # the fingerprint of the text the responder was shown (refused if it changed since)
        },
    },
)

# POST /lifecycle/projects/<pk>/comments/new.json
COMMENT = BodySchema(
    "ConsultationComment",
    {
        "type": "object",
        "description": "A public comment on a NOS of an open consultation",
        "additionalProperties": False,
        "required": ["draft"],
        "properties": {
            "draft": {
                "anyOf": [
                    {"type": "integer", "minimum": 0, "maximum": 2_147_483_647},
                    {"type": "string", "pattern": "^[0-9]{1,9}$"},
                ],
                "description": "The id of the NOS (draft) commented on",
            },
            "text": text(COMMENT_MAX_LENGTH * 4),  # longer ones: the rules' own reason (comment_too_long)
            "item_ref": text(16),
            "name": text(120),
            "organisation": text(200),
            "email": text(254),
            "website": text(1000),  # a trap for robots: people leave it empty
            "items": {
                "type": "array",
                "maxItems": 200,
                "description": "More comments in the same submission: one per statement (item_ref blank: the whole NOS)",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["text"],
                    "properties": {"item_ref": text(16), "text": text(COMMENT_MAX_LENGTH * 4)},
                },
            },
            "respondent_nation": text(40),
            "sector": text(200),
            "organisation_size": text(16),
        },
    },
)
