"""The words of functional maps in the reader's language: placement kinds, their reasons, edits."""

from __future__ import annotations

from django.utils.translation import gettext as _


def kind_label(kind: str) -> str:
    return {"generic": _("Generic"), "context_specific": _("Context-specific"), "specialist": _("Specialist")}.get(kind, kind or "–")


def kind_reason(code: str) -> str:
    return {
        "reference": _("A reference NOS of this map's home suite"),
        "copy_sector_free": _("A copy worded for any sector"),
        "copy_in_context": _("A copy whose words name a sector or setting"),
        "same_function_in_context": _("The same function in a particular context"),
        "narrower_function": _("A narrower or neighbouring function, like it in part"),
        "person": _("Decided by a person"),
    }.get(code, code)


def edit_label(action: str) -> str:
    return {
        "add_key_area": _("Add a key area"),
        "add_function": _("Add a function"),
        "rename": _("Rename a key area or function"),
        "remove": _("Remove a key area or function"),
        "key_purpose": _("Change the key purpose"),
    }.get(action, action)
