"""Plain-text rendering of a NOS for the terminal."""

from __future__ import annotations

import textwrap

from noshub.core.html import plain_text
from noshub.core.model import LIST_SECTIONS, SECTION_LABELS


def render_detail(detail: dict) -> str:
    v = detail["current"] or {}
    lines = [f"{v.get('urn', detail['urn'])}  {v.get('title', '')}", ""]
    if detail["urn_clash"]:
        lines.append(f"! URN also used for: {', '.join(detail['other_standards_with_this_urn'])}")
    for key in ("developed_by", "validity", "status", "category", "date_approved", "indicative_review_date", "original_urn"):
        lines.append(f"{SECTION_LABELS[key][0]}: {v.get(key) or '-'}")
    lines.append(f"Suites: {'; '.join(v.get('suites', [])) or '-'}")
    lines.append(f"SOC codes: {', '.join(c['code'] + ' (' + c['classification'] + ')' for c in v.get('soc_codes', [])) or '-'}")
    for name in ("overview", *LIST_SECTIONS):
        value = v.get(name)
        if not value:
            continue
        lines += ["", SECTION_LABELS[name][0].upper()]
        if isinstance(value, list):
            lines += [textwrap.fill(f"{i['ref']} {i['text']}", 100, subsequent_indent="    ") for i in value]
        else:
            lines.append(textwrap.fill(plain_text(value), 100))
    if v.get("text_partial"):
        lines.append("(text is an excerpt and may be incomplete)")
    lines += [
        "",
        "Versions: "
        + ", ".join(
            f"{h['sequence']}{'*' if h['is_current'] else ''} {h['validity']} ({h['source']})" for h in detail["history"]
        ),
    ]
    return "\n".join(lines)
