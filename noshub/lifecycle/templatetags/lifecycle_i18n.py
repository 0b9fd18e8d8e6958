"""Template filters that show the lifecycle's stored values, messages and stored audit summaries
in the page's language (see `noshub.lifecycle.display`):

    {{ project.stage|lc_label:"stage" }}   {{ reason|lc_message }}   {{ entry.summary|lc_summary }}
"""

from django import template

from noshub.lifecycle import display

register = template.Library()


@register.filter
def lc_label(value, kind: str) -> str:
    return display.label(kind, value)


@register.filter
def lc_message(value) -> str:
    return display.message(value)


@register.filter
def lc_summary(value) -> str:
    return display.audit_summary(value)


@register.filter
def lc_value(value) -> str:
    """A stored value as text: a list as its items joined with "; " (never a Python list)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, (list, tuple)):
        return "; ".join(lc_value(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {lc_value(v)}" for k, v in value.items()) or "–"
    return str(value)
