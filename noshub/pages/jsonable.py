"""A page context made JSON-ready: the one conversion every JSON twin goes through."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils.functional import Promise


def to_jsonable(value):
    """Dicts, lists, text, numbers, dates, lazy translations, objects with ``as_dict()`` and
    dataclasses become plain JSON values; anything else is a programming error (TypeError), so a
    context can never leak an object's repr into JSON."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return to_jsonable(as_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    raise TypeError(f"a page context value of type {type(value).__name__} has no JSON form")
