"""JSON request bodies, read in one place: parsed with limits, then checked against a JSON Schema.

Every endpoint that takes a JSON body declares its body once, as a `BodySchema` (a JSON Schema,
draft 2020-12, that the OpenAPI document can show as it is), and reads it with
`json_body(request, schema)`::

    DRAFT = BodySchema("CoveredDraft", {"type": "object", "properties": {"keywords": {"type": "array"}}})
    body = json_body(request, DRAFT)       # a dict, or InvalidBody (400)

Whatever the body is (not JSON, not UTF-8, NaN, nested 100,000 deep, a list where an object is
wanted, a number where a list is wanted), the answer is `InvalidBody`, a 400 in the one error
shape whose message and details name the JSON path::

    {"error": {"status": 400, "code": "invalid_body", "message": "$.keywords: 5 is not of type 'array'",
               "parameter": "$.keywords", "path": "$.keywords"}}

The validation is the `jsonschema` library's; the limits are `MAX_DEPTH` levels of nesting and
Django's DATA_UPLOAD_MAX_MEMORY_SIZE bytes.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from noshub.core.errors import InvalidParameter

MAX_DEPTH = 20  # levels of arrays and objects; no body NOS Hub reads needs more than three
MAX_MESSAGE = 200  # characters of the validator's message (it quotes the value it refuses)


# Text holds no NUL and no unpaired surrogate: PostgreSQL can store neither.
STORABLE = "^[^\\u0000\\ud800-\\udfff]*$"


def text(max_length: int, min_length: int = 0) -> dict:
    """The schema of a text field: a string the databases can store, at most `max_length` characters."""
    schema = {"type": "string", "maxLength": max_length, "pattern": STORABLE}
    if min_length:
        schema["minLength"] = min_length
    return schema


def _sendable(text: str) -> str:
    """`text` with any unpaired surrogate written as an escape (\\ud800), so it can be sent as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class InvalidBody(InvalidParameter):
    """A JSON request body that cannot be used; `name` is the JSON path of what is wrong ("$" for the whole body)."""

    code = "invalid_body"

    def __init__(self, path: str, message: str):
        # What the body held is quoted back: an unpaired surrogate in it cannot be sent as UTF-8.
        super().__init__(_sendable(path), _sendable(message))

    def details(self) -> dict:
        return {"parameter": self.name, "path": self.name}


class BodySchema:
    """A request body's JSON Schema, declared once: the views validate against it and the
    OpenAPI document shows `schema` as it is."""

    def __init__(self, name: str, schema: dict):
        Draft202012Validator.check_schema(schema)
        self.name = name
        self.schema = schema
        self.validator = Draft202012Validator(schema)

    def validate(self, data: Any) -> Any:
        """`data` itself, or InvalidBody naming the JSON path of the most relevant error."""
        error = best_match(self.validator.iter_errors(data))
        if error is not None:
            message = error.message
            if error.validator == "type":  # the value as JSON (null, not None), cut short
                shown = json.dumps(error.instance, ensure_ascii=False)
                shown = shown if len(shown) <= 60 else shown[:59] + "…"
                wanted = error.validator_value
                wanted = " or ".join(repr(t) for t in ([wanted] if isinstance(wanted, str) else wanted))
                message = _("%(value)s is not of type %(type)s") % {"value": shown, "type": wanted}
            elif error.validator == "pattern" and error.validator_value == STORABLE:
                message = _("holds a NUL character or an unpaired surrogate, which text cannot hold")
            if len(message) > MAX_MESSAGE:
                message = message[: MAX_MESSAGE - 1] + "…"
            raise InvalidBody(error.json_path, message)
        return data

    def __repr__(self) -> str:
        return f"BodySchema({self.name!r})"


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON value") % {"name": name})


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest (0 for a scalar), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(raw: bytes | str) -> Any:
    """A JSON text read with limits: InvalidBody("$", …) when it is not JSON, not UTF-8, holds
    NaN or Infinity, or nests deeper than MAX_DEPTH. An empty body is an empty object."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidBody("$", _("the body is not UTF-8 (byte %(at)d)") % {"at": exc.start}) from None
    if not raw.strip():
        return {}
    too_deep = _("the body nests arrays and objects deeper than %(n)d levels") % {"n": MAX_DEPTH}
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise InvalidBody("$", too_deep) from None
    except json.JSONDecodeError as exc:
        where = _("%(why)s at line %(line)d, column %(column)d") % {"why": exc.msg, "line": exc.lineno, "column": exc.colno}
        raise InvalidBody("$", _("the body is not JSON: %(why)s") % {"why": where}) from None
    except ValueError as exc:  # NaN or Infinity; an integer of more than 4,300 digits
        raise InvalidBody("$", _("the body is not JSON: %(why)s") % {"why": str(exc).split(":")[0]}) from None
    if _depth(data) > MAX_DEPTH:
        raise InvalidBody("$", too_deep)
    return data


def json_body(request: HttpRequest, schema: BodySchema) -> Any:
    """The request's JSON body, parsed with limits and valid against `schema`; else InvalidBody (400)."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise InvalidBody("$", _("the body is too large")) from None
    return schema.validate(parse_json(raw))


def request_data(request: HttpRequest, schema: BodySchema) -> dict:
    """A write's fields: the JSON body when the request sends JSON, else the posted form's
    fields (strings; the CSRF token left out). Either is checked against `schema`, whose
    fields therefore accept the strings a form sends."""
    if request.content_type == "application/json":
        return json_body(request, schema)
    data = request.POST.dict()
    data.pop("csrfmiddlewaretoken", None)
    return schema.validate(data)
