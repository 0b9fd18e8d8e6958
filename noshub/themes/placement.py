"""Generic, context-specific or specialist: how a NOS placed on a function of a functional map
stands to that function. No Django.

The 2010 Management and Leadership review (`../shared/context/`) classes NOS as *generic* (the
function is carried out in most sectors and can be applied universally if the language is
generic enough), *context-specific* (aspects of the context impact critically on the standard
of performance, so a specific NOS is required) or *specialist* (the function requires
specialist knowledge, e.g. sales or HR management, and a greater level of disaggregation).

Told from what the themes build found, by rules (each kind with its reason as a code):

* the reference NOS of the function (its home suite) -> generic (`reference`);
* a full copy (imported or tailored) whose title is sector-free (`reach`: every content word
  used in titles by many developers) -> generic (`copy_sector_free`);
* a full copy whose title names a sector or setting -> context-specific (`copy_in_context`);
* in part, naming the same function once level, role and trailing context are dropped ->
  context-specific (`same_function_in_context`);
* in part otherwise (a narrower or neighbouring function, or statements shared) -> specialist
  (`narrower_function`).

A person confirms or changes the kind (`maps.decide_placement`).
"""

from __future__ import annotations

GENERIC, CONTEXT, SPECIALIST = "generic", "context_specific", "specialist"
KINDS = (GENERIC, CONTEXT, SPECIALIST)


def kind_of(is_reference: bool, extent: str, reason_codes: list[str] | tuple[str, ...], sector_free: bool) -> tuple[str, str]:
    """The kind of a placement and its reason code (`extent`: "full" or "part", as the theme
    detector found it; "" for a placement by the function's title)."""
    if is_reference:
        return GENERIC, "reference"
    if extent in ("full", ""):
        if sector_free:
            return GENERIC, "copy_sector_free"
        return CONTEXT, "copy_in_context"
    if "same_function" in reason_codes:
        return CONTEXT, "same_function_in_context"
    return SPECIALIST, "narrower_function"
