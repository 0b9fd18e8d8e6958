"""Two NOS side by side: the statements they share and where they differ.

Statements of the same section (performance criteria, knowledge and understanding) are paired
greedily by similarity of their words: the same words after normalising are *shared*, at least
SIMILAR alike are *similar* (shown side by side with their wording), the rest belong to one NOS.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from noshub.core.model import LIST_SECTIONS

SIMILAR = 80.0  # rapidfuzz token_sort_ratio, 0..100
COMPARED = LIST_SECTIONS
_WORD = re.compile(r"[a-z0-9]+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def compare_statements(a: list[dict], b: list[dict]) -> dict:
    """Pairs the statements of two lists: shared, similar, only in a, only in b."""
    an = [_norm(s["text"]) for s in a]
    bn = [_norm(s["text"]) for s in b]
    pairs = []
    for i, x in enumerate(an):
        for j, y in enumerate(bn):
            score = 100.0 if x == y else fuzz.token_sort_ratio(x, y)
            if score >= SIMILAR:
                pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    shared, similar = [], []
    for score, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        row = {"a": a[i], "b": b[j], "similarity": round(score, 1)}
        (shared if score == 100.0 else similar).append(row)
    return {
        "shared": sorted(shared, key=lambda r: a.index(r["a"])),
        "similar": sorted(similar, key=lambda r: a.index(r["a"])),
        "only_a": [s for i, s in enumerate(a) if i not in used_a],
        "only_b": [s for j, s in enumerate(b) if j not in used_b],
    }


def compare(detail_a: dict, detail_b: dict) -> dict:
    """The comparison of two NOS (each from `standard_detail`), JSON-ready."""
    va, vb = detail_a["current"] or {}, detail_b["current"] or {}

    def side(detail: dict, v: dict) -> dict:
        return {
            "slug": detail["slug"],
            "urn": detail["urn"],
            "title": v.get("title", ""),
            "developed_by": v.get("developed_by", ""),
            "validity": v.get("validity", ""),
            "suites": v.get("suites", []),
            "date_approved": v.get("date_approved"),
        }

    sections = []
    for name in COMPARED:
        a, b = va.get(name) or [], vb.get(name) or []
        if a or b:
            sections.append({"name": name, "count_a": len(a), "count_b": len(b), **compare_statements(a, b)})
    suites_a, suites_b = set(va.get("suites", [])), set(vb.get("suites", []))
    return {
        "a": side(detail_a, va),
        "b": side(detail_b, vb),
        "shared_suites": sorted(suites_a & suites_b),
        "sections": sections,
        "shared_statements": sum(len(s["shared"]) for s in sections),
        "similar_statements": sum(len(s["similar"]) for s in sections),
    }
