"""Two NOS side by side: their details, the statements they share and where they differ.

Statements of the same section (performance criteria, knowledge and understanding) are paired
greedily by similarity of their words: the same words after normalising are *shared*, at least
SIMILAR alike are *similar* (shown side by side, the changed words marked by `word_diff`), the
rest belong to one NOS. Statements are compared only when both NOS hold text (`text_compared`);
otherwise the details the catalogue holds for both (`details`) are all there is to compare, and
the page says so rather than "0 statements shared".
"""

from __future__ import annotations

import difflib
import re

from rapidfuzz import fuzz

from noshub.core.model import LIST_SECTIONS

from .nos_view import validity_label

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


def word_diff(a: str, b: str) -> tuple[list[dict], list[dict]]:
    """Two texts as runs of words, each run ``{"text", "change"}``: "same", "del" (only in `a`)
    or "ins" (only in `b`). The words are compared as written (case and punctuation count)."""
    wa, wb = a.split(), b.split()
    left: list[dict] = []
    right: list[dict] = []

    def add(runs: list[dict], words: list[str], change: str) -> None:
        if not words:
            return
        if runs and runs[-1]["change"] == change:  # one run of a kind, however difflib cut it
            runs[-1]["text"] += " " + " ".join(words)
        else:
            runs.append({"text": " ".join(words), "change": change})

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        add(left, wa[i1:i2], "same" if op == "equal" else "del")
        add(right, wb[j1:j2], "same" if op == "equal" else "ins")
    return left, right


def _detail_rows(va: dict, vb: dict) -> list[dict]:
    """The details held for both NOS, one row each: `name`, the two values, `same`."""

    def joined(v: dict, name: str) -> str:
        return "; ".join(v.get(name) or [])

    def soc(v: dict) -> str:
        return "; ".join(sorted(c["code"] for c in v.get("soc_codes") or [] if c.get("classification") == "2020"))

    values = [
        ("title", va.get("title") or "", vb.get("title") or ""),
        ("developed_by", va.get("developed_by") or "", vb.get("developed_by") or ""),
        ("validity", validity_label(va.get("validity")), validity_label(vb.get("validity"))),
        ("date_approved", va.get("date_approved") or "", vb.get("date_approved") or ""),
        ("suites", joined(va, "suites"), joined(vb, "suites")),
        ("relevant_occupations", joined(va, "relevant_occupations"), joined(vb, "relevant_occupations")),
        ("keywords", joined(va, "keywords"), joined(vb, "keywords")),
        ("soc_codes", soc(va), soc(vb)),
    ]
    rows = []
    for name, a, b in values:
        left, right = word_diff(a, b)
        # Changed words are marked where the values share some; wholly different values are
        # shown as they are (a row of nothing but struck-through words says no more).
        marked = a != b and any(p["change"] == "same" for p in left)
        rows.append({"name": name, "a": a, "b": b, "same": a == b, "marked": marked, "diff_a": left, "diff_b": right})
    return rows


def has_text(v: dict) -> bool:
    return any(v.get(name) for name in COMPARED)


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
            "text_partial": bool(v.get("text_partial")),
            "finder_url": detail.get("finder_url") or "",
        }

    text_compared = has_text(va) and has_text(vb)
    sections = []
    for name in COMPARED if text_compared else ():
        a, b = va.get(name) or [], vb.get(name) or []
        if a or b:
            section = {"name": name, "count_a": len(a), "count_b": len(b), **compare_statements(a, b)}
            for row in section["similar"]:
                row["diff_a"], row["diff_b"] = word_diff(row["a"]["text"], row["b"]["text"])
            sections.append(section)
    suites_a, suites_b = set(va.get("suites", [])), set(vb.get("suites", []))
    return {
        "a": side(detail_a, va),
        "b": side(detail_b, vb),
        "shared_suites": sorted(suites_a & suites_b),
        "details": _detail_rows(va, vb),
        "has_text_a": has_text(va),
        "has_text_b": has_text(vb),
        "text_compared": text_compared,
        "sections": sections,
        # None, not 0, when statements were not compared (one NOS or both hold no text).
        "shared_statements": sum(len(s["shared"]) for s in sections) if text_compared else None,
        "similar_statements": sum(len(s["similar"]) for s in sections) if text_compared else None,
    }
