"""The lifecycle's words in the page's language.

What the lifecycle stores, what its JSON API and CLI give, and the messages of its rules,
draft checks and services are English and stay so: a stage is ``"drafting"``, a reason is
"Part A: Wales has not responded yet.", an audit summary is written once, in English. The
words are in one catalogue, `noshub.lifecycle.messages`; pages translate them here, at
request time:

- `label(kind, value)`: the display label of a stored value (a stage, a nation, a response,
  a comment's moderation, a review status, a readability band …);
- `message(reason)`: a `messages.Reason` of the rules, draft checks or services, from the
  translated template of its code with the labels in it (nation, stage, approval …)
  translated too. Any other text is shown as it is;
- `audit_summary(text)`: an audit summary as stored (English text), read back with the
  catalogue's audit templates and shown from their translations. Summaries are stored as
  text, so this is the one place that reads English back; text no template matches is
  shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.functional import lazy
from django.utils.translation import gettext

from noshub.lifecycle.messages import (
    APPROVAL_LABELS,
    FIELD_LABELS,
    MESSAGES,
    NATION_LABELS,
    PARAM_TABLES,
    PART_A_FIELDS,
    PART_B_FIELDS,
    RESPONSE_LABELS,
    STAGE_LABELS,
    TABLES,
    Reason,
)

__all__ = [
    "APPROVAL_LABELS",
    "FIELD_LABELS",
    "NATION_LABELS",
    "PART_A_FIELDS",
    "PART_B_FIELDS",
    "RESPONSE_LABELS",
    "STAGE_LABELS",
    "TABLES",
    "audit_summary",
    "choices",
    "label",
    "label_lazy",
    "labels",
    "message",
    "messages",
]

# -- labels of stored values ---------------------------------------------------------------------


def label(kind: str, value) -> str:
    """The display label of a stored value; the value itself when it has none."""
    english = TABLES[kind].get(value if value is not None else "")
    return gettext(english) if english else ("" if value is None else str(value))


label_lazy = lazy(label, str)


def labels(kind: str) -> dict[str, str]:
    """A whole table, translated: {stored value: label}."""
    return {k: gettext(v) for k, v in TABLES[kind].items()}


def choices(kind: str) -> list[tuple[str, str]]:
    """Form choices whose labels follow the language active when the form is shown."""
    return [(k, label_lazy(kind, k)) for k in TABLES[kind]]


# -- messages ------------------------------------------------------------------------------------


def message(reason) -> str:
    """A message of the rules, draft checks or services in the active language; other text as it is."""
    if reason is None:
        return ""
    if isinstance(reason, Reason):
        return reason.translated(gettext)
    return str(reason)


def messages(reasons) -> list[str]:
    return [message(r) for r in reasons or []]


# -- stored audit summaries ------------------------------------------------------------------------

# What a value of a stored summary may look like; any other value matches any text.
_STORED_PATTERNS = {"n": r"\d+", "item": r"[A-Z]+\d+", "id": r"\d+", "outcome": r"[a-z]+"}
_NAME = re.compile(r"%\((\w+)\)s")


@cache
def _audit_patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for code, template in MESSAGES.items():
        if not code.startswith("audit_"):
            continue
        parts, seen, pos = [], set(), 0
        for m in _NAME.finditer(template):
            parts.append(re.escape(template[pos : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_STORED_PATTERNS.get(name, '.+?')})")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((re.compile("".join(parts), re.S), template))
    return out


def _stored_value(name: str, value: str) -> str:
    """A value of a stored summary: an English label (or a list of them) translated, else as it is."""
    english = set(TABLES.get(PARAM_TABLES.get(name, ""), {}).values())
    if value in english:
        return gettext(value)
    parts = value.split(", ")
    if len(parts) > 1 and all(p in english for p in parts):
        return ", ".join(gettext(p) for p in parts)
    return value


def audit_summary(text) -> str:
    """A stored (English) audit summary in the active language (unchanged if no template matches)."""
    if text is None:
        return ""
    text = str(text)
    for pattern, template in _audit_patterns():
        m = pattern.fullmatch(text)
        if m:
            return gettext(template) % {k: _stored_value(k, v) for k, v in m.groupdict().items()}
    return text
