"""What changed between two versions of a NOS: criteria and knowledge items added, removed or
changed, and every other field that differs.

Statements are matched by their text, not their number (renumbering is not a change):
equal texts first; then, among the rest, the most similar pair in order while they are at
least `CHANGED_THRESHOLD` alike (difflib's ratio) counts as *changed*; what is left over is
*added* or *removed*.
"""

from __future__ import annotations

from dataclasses import asdict
from difflib import SequenceMatcher

from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, SECTION_LABELS, NosDocument, Statement

CHANGED_THRESHOLD = 0.6
# Every field but the statement lists (diffed statement by statement) and the Welsh text.
_COMPARED_FIELDS = (
    "title",
    *HTML_SECTIONS,
    "developed_by",
    "version_number",
    "date_approved",
    "indicative_review_date",
    "validity",
    "status",
    "category",
    "originating_organisation",
    "original_urn",
    "relevant_occupations",
    "suites",
    "keywords",
)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def diff_statements(old: tuple[Statement, ...], new: tuple[Statement, ...]) -> dict:
    old_left = list(old)
    new_left = list(new)
    unchanged = []
    for s in list(new_left):
        match = next((o for o in old_left if _key(o.text) == _key(s.text)), None)
        if match is not None:
            unchanged.append({"old_ref": match.ref, "new_ref": s.ref, "text": s.text})
            old_left.remove(match)
            new_left.remove(s)
    changed = []
    pairs = sorted(
        (
            (SequenceMatcher(None, _key(o.text), _key(n.text)).ratio(), i, j)
            for i, o in enumerate(old_left)
            for j, n in enumerate(new_left)
        ),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for ratio, i, j in pairs:
        if ratio < CHANGED_THRESHOLD:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        o, n = old_left[i], new_left[j]
        changed.append({"old_ref": o.ref, "new_ref": n.ref, "before": o.text, "after": n.text, "similarity": round(ratio, 2)})
    changed.sort(key=lambda c: c["new_ref"])
    return {
        "added": [{"ref": n.ref, "text": n.text} for j, n in enumerate(new_left) if j not in used_new],
        "removed": [{"ref": o.ref, "text": o.text} for i, o in enumerate(old_left) if i not in used_old],
        "changed": changed,
        "unchanged": len(unchanged),
    }


def _value(doc: NosDocument, name: str):
    value = getattr(doc, name)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple):
        return sorted(value, key=str.lower)
    return value


def _plain(value):
    return sorted(value, key=str.lower) if isinstance(value, tuple) else value


def diff_documents(old: NosDocument, new: NosDocument) -> dict:
    """A JSON-ready account of what changed from `old` to `new`."""
    statements = {section: diff_statements(getattr(old, section), getattr(new, section)) for section in LIST_SECTIONS}
    fields = []
    for name in _COMPARED_FIELDS:
        before, after = _value(old, name), _value(new, name)
        if before != after:
            fields.append({"field": name, "label": SECTION_LABELS.get(name, (name,))[0], "before": before, "after": after})
    welsh_changed = asdict(old.welsh) != asdict(new.welsh)
    welsh = {
        "statements": {
            section: diff_statements(getattr(old.welsh, section), getattr(new.welsh, section))
            for section in ("performance_criteria", "knowledge_and_understanding")
        },
        "fields": [
            {"field": name, "before": _plain(getattr(old.welsh, name)), "after": _plain(getattr(new.welsh, name))}
            for name in ("title", "overview", "scope_range", "keywords")
            if getattr(old.welsh, name, None) != getattr(new.welsh, name, None)
        ],
    }
    summary = {section: {k: (len(v) if isinstance(v, list) else v) for k, v in d.items()} for section, d in statements.items()}
    return {"statements": statements, "fields": fields, "welsh_changed": welsh_changed, "welsh": welsh, "summary": summary}
