"""Reader for the NOS finder page excerpts (``nos-pages/nos_pages.jsonl``).

Each line of the file is one JSON object: ``url``, ``urn``, ``title``, ``excerpt``,
``host_type``. The excerpt is the first ~2,000 characters of a public NOS page, as text:

    Offer Reiki to animals

    URN: LANACT3
    Business Sectors (Suites): Veterinary paraprofessional activities
    Developed by: Lantra
    Approved on: 2025

    Overview
    ...
    Performance criteria
    You must be able to:
      1. offer Reiki to the animal ...
    Knowledge and Understanding
    You need to know and understand:
      1. ...

The pages were transcribed from stored copies, and the transcriptions vary: the header
may be missing (158 of the 313 excerpts have no ``URN:`` line, 87 no header at all), the
"Overview" heading may be missing, the approval date may sit on the line after its label
("Approved on:" / "Approved:"), list items may be written ``1.``, ``1``, ``P1``, ``P1.``,
``K1``, ``-``, ``•`` or carry no marker at all, or run together on one line
("1. Select … 2. Check …"); sub-items may be written ``2.1``, ``P4.1``, ``a.``, or as
bullets under an item that ends with a colon; long items may be hard-wrapped at ~70
characters; markdown left-overs (``**``, ``*``, ``>``) and sub-headings sit between items;
and the excerpt is cut off mid-text. The three Skills for Health tool pages (host type
"SSO") have no header, give the knowledge before the performance criteria (so none of
them reaches the criteria), start the title with the SfH code ("CHS3 Administer
medication…"), and end the overview with "Version No 1".

Decisions:

* ``urn`` is the page's ``URN:`` line when there is one; it must agree with the record's
  ``urn`` after :func:`normalise_urn`, or the record is rejected. Without one, the
  record's ``urn``.
* ``title`` is the record's title, without a leading SfH code (``CHS3 …``) that repeats
  the end of the URN. Lines above the title line ("Print Download PDF") are dropped.
* ``suites``: the finder joins several suites with a bare comma (``A,B``), while suite
  names themselves contain ", " ("Health, Safety and the Environment in Food
  Manufacture"). So a bare comma or a semicolon separates suites and ", " stays inside a
  name. (One page, SFLOLC1, writes "Logistics Operations, Traffic Office": one suite here.)
* ``date_approved`` is set when the page gives a full date; ``approved_year`` is the
  year of the approval whether the page gives a date or only a year. An approval that is
  neither rejects the record (field "Approved on").
* ``version_number`` is read from "Version No N" at the end of the overview (SSO pages).
* The overview: each line is a paragraph (``<p>``), bullet lines are ``<ul><li>``,
  numbered lines ``<ol><li>``; a line that carries on a sentence broken off on the line
  before is joined to it. The text is escaped, then passed through :func:`sanitise`.
* List items: a top-level item is one statement; its sub-items (``2.1``, ``a.``, bullets
  under an item ending with ":") are folded into its text, separated by "; ". Wrapped
  lines are joined to their item: a line is a continuation when the line before ends
  on a word that cannot end a statement ("to", "the", ",") or the line starts with one
  that cannot start one ("and", "with"), or, in a hard-wrapped list, when its first word
  would not have fitted on the line before — unless it starts with a verb that starts
  criteria ("check", "ensure", …). Sub-headings inside a list ("Prepare for cooking
  batched meat and poultry", "Performance Criteria 1", "IMPFS104K Understand …") are not
  statements and are left out.
* Refs keep the page's numbering where the page numbers every item and the numbers go
  up (LANAnC4, which lacks item 1, starts at ``P2``); otherwise, as when a transcription
  renumbers every item "1." (a markdown artefact) or items carry no numbers, the refs
  count the statements in page order.
* The last statement or paragraph is usually cut off mid-sentence. It is kept: the
  document is marked ``text_partial=True``, and a cut-off item still says what the
  standard requires as far as it goes. An item cut off before any text (``"10. "``) and a
  heading cut off mid-word at the very end (``"Knowledge and Under"``) are dropped.
* ``truncated_at`` names the section whose text the excerpt ends in: "overview",
  "performance_criteria" or "knowledge_and_understanding" — or, for the three excerpts
  that get past the knowledge to a later heading ("Scope/range", "Scope Performance"),
  that section's field name ("scope_range", "scope_range_performance_criteria"); the text
  of later sections is not read.
* A few transcription slips are repaired: the mojibake of "é" (``Ă©``) and of a
  zero-width space (``‚Äč``); zero-width characters and markdown asterisks are removed.
  Replacement characters (U+FFFD, three in SFHCHS3) are kept: what they stood for is
  unknown.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from noshub.core.errors import ImportRejected, RecordRejected, Rejection
from noshub.core.html import sanitise
from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, SECTION_LABELS, NosDocument, Statement, check_storable
from noshub.core.urns import normalise_urn
from noshub.core.vocab import parse_date, split_list

__all__ = ["PageRecord", "parse_page", "read_pages"]


@dataclass(frozen=True)
class PageRecord:
    """One NOS finder page excerpt, read."""

    line: int
    url: str
    host_type: str
    document: NosDocument
    approved_year: int | None
    # The section in which the excerpt was cut: "overview", "performance_criteria",
    # "knowledge_and_understanding", or a later section's field name ("scope_range").
    truncated_at: str


# --------------------------------------------------------------------------- text clean-up

_REPAIRS = {
    "Ă©": "é",  # UTF-8 "é" read as cp1250
    "‚Äč": "",  # UTF-8 zero-width space read as Mac Roman
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\xa0": " ",
}
_REPAIR_RE = re.compile("|".join(re.escape(k) for k in _REPAIRS))
_ALNUM = re.compile(r"[^\W_]")


def _repair(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    return _REPAIR_RE.sub(lambda m: _REPAIRS[m.group(0)], text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _has_words(text: str) -> bool:
    return bool(_ALNUM.search(text))


# --------------------------------------------------------------------------- headings


def _key(text: str) -> str:
    return _squash(text).lower()


_OVERVIEW = "overview"
_PC = "performance_criteria"
_KU = "knowledge_and_understanding"
_MAIN_HEADINGS = {
    "overview": _OVERVIEW,
    "performance criteria": _PC,
    "knowledge and understanding": _KU,
}
# Sections that follow the knowledge on a NOS page; their text is not read.
_LATER_HEADINGS = {_key(SECTION_LABELS[f][0]): f for f in HTML_SECTIONS if f != _OVERVIEW}
_LATER_HEADINGS.update(
    {
        "scope": "scope_range",
        "range": "scope_range",
        "scope / range": "scope_range",
        "scope performance": "scope_range_performance_criteria",
        "scope knowledge": "scope_range_knowledge_and_understanding",
    }
)

_INTRO = re.compile(r"you (?:will )?(?:must be able to|need to know and understand)\s*:?")
_CUT_HEADINGS = (
    "Overview",
    "Performance criteria",
    "Knowledge and Understanding",
    "Knowledge and understanding",
    "You must be able to:",
    "You need to know and understand:",
    "You will need to know and understand:",
    *(SECTION_LABELS[f][0] for f in HTML_SECTIONS if f != _OVERVIEW),
)


def _is_cut_heading(text: str) -> bool:
    """A heading cut off by the end of the excerpt: "K", "Knowledge and Under", "You need"."""
    s = _squash(text)
    return bool(s) and any(h.startswith(s) and h != s for h in _CUT_HEADINGS)


# --------------------------------------------------------------------------- header

_HEADER = re.compile(
    r"^(?P<label>URN|Business\s+Sectors\s*\(Suites\)|Suites?|Developed\s+by|Approved(?:\s+on)?)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"^(?:\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}|\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{2}-\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


def _label_field(label: str) -> str:
    label = _key(label)
    if label == "urn":
        return "urn"
    if label.startswith("developed"):
        return "developed_by"
    if label.startswith("approved"):
        return "date_approved"
    return "suites"


def _approval(value: str) -> tuple[date | None, int | None]:
    value = _squash(value)
    if not value:
        return None, None
    if _YEAR.match(value):
        year = int(value)
        if year < 1:
            raise RecordRejected("Approved on", f"not a year: {value!r}")
        return None, year
    parsed = parse_date(value, "Approved on")
    return parsed, (parsed.year if parsed else None)


def _split_suites(value: str) -> tuple[str, ...]:
    # A bare comma (no space after it) or a semicolon separates suites; ", " is part of a name.
    return split_list(re.sub(r",(?!\s)", ";", value))


# --------------------------------------------------------------------------- title


def _strip_code(title: str, urn: str) -> str:
    """ "CHS3 Administer medication…" (URN SFHCHS3) → "Administer medication…"."""
    title = _squash(title)
    head, _, rest = title.partition(" ")
    if rest and any(c.isdigit() for c in head):
        key = normalise_urn(head)
        if key and normalise_urn(urn).endswith(key):
            return rest
    return title


# --------------------------------------------------------------------------- overview

# "- ", "• ", "* " and "*text" (a markdown bullet that lost its space; "*text*" is emphasis).
_BULLET_LINE = re.compile(r"^(?:[-•–·▪◦‣]|\*(?=\s)|\*(?=[^\s*])(?!.*\*\s*$))\s*(?=\S)")
_NUMBER_LINE = re.compile(r"^(?P<num>\d{1,2})(?:[.)]\s+|\s+(?=[A-Z]))(?=\S)")
_VERSION = re.compile(r"(?:^|\s)Version\s+No\.?\s*(?P<num>\d{1,4})\s*$", re.IGNORECASE)


def _overview_html(lines: list[str]) -> tuple[str, int | None]:
    """Paragraphs as <p>, bullet lines as <ul><li>, numbered lines as <ol><li>.

    Every line is a paragraph, except that a line carrying on a sentence broken off on the
    line before ("…the environmental impact of" / "logistics operations.") is joined to it.
    """
    entries: list[tuple[str, str, str]] = []  # (tag, text, the source line as written)
    version: int | None = None
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        m = _VERSION.search(text)
        if m and version is None:
            version = int(m.group("num"))
            text = text[: m.start()].strip()
        tag = "p"
        bm = _BULLET_LINE.match(text)
        nm = _NUMBER_LINE.match(text)
        if bm:
            tag, text = "ul", text[bm.end() :]
        elif nm:
            tag, text = "ol", text[nm.end() :]
        line = _squash(text.replace("*", " "))
        if _has_words(line):
            entries.append((tag, line, line))
    width = max((len(line) for tag, _, line in entries if tag == "p"), default=0)
    if width > _MAX_WRAP_WIDTH:
        width = 0
    blocks: list[tuple[str, list[str]]] = []  # (tag, texts)
    previous = ""
    for tag, text, line in entries:
        if tag != "p" and blocks and blocks[-1][0] == tag:
            blocks[-1][1].append(text)
        elif tag == "p" and blocks and blocks[-1][0] == "p" and text[:1].islower() and _wrapped(previous, text, width):
            blocks[-1][1][-1] = _join(blocks[-1][1][-1], text)
        else:
            blocks.append((tag, [text]))
        previous = line
    parts: list[str] = []
    for tag, texts in blocks:
        if tag == "p":
            parts.extend(f"<p>{html.escape(t, quote=False)}</p>" for t in texts)
        else:
            items = "".join(f"<li>{html.escape(t, quote=False)}</li>" for t in texts)
            parts.append(f"<{tag}>{items}</{tag}>")
    return sanitise("".join(parts)), version


# --------------------------------------------------------------------------- list sections

_MARKER = re.compile(
    r"""^(?:
        (?P<pk>[PK])\s?(?P<n1>\d{1,3})(?P<s1>(?:\.\d{1,3})*)\.?
      | (?P<n2>\d{1,3})(?P<s2>(?:\.\d{1,3})+)\.?
      | (?P<n3>\d{1,3})[.)]
      | (?P<n4>\d{1,3})
      | (?P<letter>[a-z]|[ivx]{2,4})[.)]
      | (?P<bullet>[-•–·▪◦‣])
    )(?=\s|$)""",
    re.VERBOSE,
)
_SECOND_MARKER = re.compile(r"^[PK]\d{1,3}\.?(?=\s|$)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DANGLING = _words(
    """a an the and or nor but of to in into on onto at by for from with within without as
    than that which who whom whose where when while whether if is are was were be been being
    has have had its their your our his her any all each every some such this these those
    including include includes e.g. i.e. against between about across after before during
    under over through via per not both either other more most must should will can may"""
)
_CONTINUATION_START = _words(
    """and or nor but than with within without including which whom whose are is was were
    be been being from into of by to as at on in for that its their e.g. i.e. etc etc."""
)
# Words that begin a statement (performance criteria are imperatives, knowledge items
# questions); a line after a complete-looking one that begins with one is a new item.
_PC_OPENERS = _words(
    """access achieve act adapt adjust adopt advise agree allocate analyse apply arrange assess
    assist attach avoid brief calculate carry check choose clarify collate collect communicate
    compile complete comply conduct confirm consult contribute control co-ordinate coordinate
    create deal decide define deliver demonstrate describe determine develop diagnose discuss
    dispose encourage engage ensure establish evaluate examine explain explore facilitate follow
    gain gather give handle identify implement inform inspect install instruct interact
    interpret investigate isolate keep liaise locate maintain make manage measure minimise
    monitor motivate negotiate notify observe obtain offer operate organise perform plan prepare
    prevent prioritise produce promote protect provide raise reassure receive recognise
    recommend record reduce refer reiterate remove repair replace report request resolve respect
    respond restore review seek select share signpost solve specify store submit suggest
    supervise supply support take undertake update use verify visually wear weigh"""
)
_KU_OPENERS = _words("how what why")
_OPEN_END = (",", "(", "/", "-", "–", "&", "+")
_MAX_WRAP_WIDTH = 90  # hard-wrapped lists in the data are 61–81 characters wide, unwrapped ones 100+
_WRAP_SLACK = 0.9  # wrapped text is set in a proportional font: lines break short of the longest


@dataclass
class _Item:
    kind: str  # "number", "bullet" or "none" (an unmarked line)
    indent: int
    number: int | None
    text: str
    last_raw: str  # the last source line of the item, as written
    subs: list[str]
    sub_active: bool = False  # the last line appended was a sub-item
    sub_kind: str | None = None  # how its sub-items are marked: "subnumber", "letter", "bullet", "number"

    def open_for_subs(self) -> bool:
        return bool(self.subs) or self.text.rstrip().endswith(":")

    def append(self, text: str, raw: str) -> None:
        if self.sub_active and self.subs:
            self.subs[-1] = _join(self.subs[-1], text)
        else:
            self.text = _join(self.text, text)
        self.last_raw = raw

    def statement_text(self) -> str:
        subs = [s for s in (t.strip().rstrip(";").strip() for t in self.subs) if s]
        text = self.text.strip()
        if subs:
            if text and not text.endswith(":"):
                text += ";"
            text = f"{text} {'; '.join(subs)}" if text else "; ".join(subs)
        return _squash(text)


def _join(head: str, tail: str) -> str:
    head, tail = head.rstrip(), tail.strip()
    if not head:
        return tail
    if not tail:
        return head
    if re.search(r"[^\W\d_]-$", head):  # a word broken at a hyphen: "non-" + "verbal"
        return head + tail
    return f"{head} {tail}"


def _clean_line(raw: str) -> tuple[int, str]:
    """Indentation and text of a list line, markdown emphasis removed."""
    indent = len(raw) - len(raw.lstrip())
    text = raw.strip()
    if _BULLET_LINE.match(text) and text.startswith("*"):
        text = "• " + text[1:]  # a markdown bullet ("* item", "*item"); "*item*" is emphasis
    text = _squash(text.replace("*", " "))
    return indent, text


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0] if text else ""


def _is_heading(text: str) -> bool:
    """A sub-heading between items: "Prepare for cooking batched meat and poultry"."""
    letters = [c for c in text if c.isalpha()]
    if not letters or not letters[0].isupper():
        return False
    return len(text.split()) <= 20 and not text.rstrip().endswith((".", ";", ","))


def _wrapped(last: str, text: str, width: int, openers: frozenset[str] = frozenset()) -> bool:
    """Was ``text`` the rest of the sentence on line ``last``, broken off by a hard wrap?"""
    last = last.rstrip()
    words = last.split()
    if not words:
        return True
    if last.endswith(_OPEN_END) or words[-1].lower() in _DANGLING:
        return True
    first = _first_word(text)
    if first.lower() in _CONTINUATION_START or text.startswith("("):
        return True
    if last.endswith((".", ";", ":", "!", "?")) or first.lower().rstrip(",") in openers:
        return False
    # Greedy wrapping: the line was broken because the next word did not fit.
    return bool(width) and len(last) + 1 + len(first) > width * _WRAP_SLACK


def _continues(item: _Item, text: str, width: int, openers: frozenset[str]) -> bool:
    """Does an unmarked line carry on the item before it (a hard-wrapped line)?"""
    if not item.text and not item.subs:
        return True  # a marker alone on its line, the text below it
    return _wrapped(item.last_raw, text, width, openers)


_INLINE_START = re.compile(r"^(?P<pk>[PK]?)(?P<num>\d{1,3})(?P<dot>\.?)\s+(?=\S)")
_INLINE_BULLET = re.compile(r"\s*•\s*")


def _split_inline(text: str) -> list[tuple[str, bool]]:
    """Items run together on one line, split; each piece with "is a sub-item".

    "1. Select … 2. Check … 3. Choose …" gives three items. Only the next number in the
    same style splits ("2." after "1.", "P2" after "P1"), and a plain number needs its dot,
    so "cook for 2 minutes" is left alone. Some lines lost their line breaks altogether
    ("…for the funeral2. comply with…"): a dotted number splits even when glued to the word
    before it. Bullets inside a line ("including:• vehicles• route") are sub-items.
    """
    pieces: list[str] = []
    m = _INLINE_START.match(text)
    if m and (m.group("pk") or m.group("dot")):
        number = int(m.group("num"))
        start, pos = 0, m.end()
        before = r"(?<=\s)" if m.group("pk") else r"(?<![\d.])"
        while True:
            number += 1
            nxt = re.compile(rf"{before}{m.group('pk')}{number}{re.escape(m.group('dot'))}\s+(?=\S)").search(text, pos)
            if not nxt:
                break
            pieces.append(text[start : nxt.start()].strip())
            start, pos = nxt.start(), nxt.end()
        pieces.append(text[start:].strip())
    else:
        pieces = [text]
    out: list[tuple[str, bool]] = []
    for piece in pieces:
        head, *subs = _INLINE_BULLET.split(piece) if "•" in piece[1:] and not piece.startswith("•") else [piece]
        out.append((head, False))
        out.extend((sub, True) for sub in subs)
    return out


def _parse_list(lines: list[str], prefix: str) -> tuple[Statement, ...]:
    openers = _PC_OPENERS if prefix == "P" else _KU_OPENERS
    cleaned = [
        (indent, piece, inline_sub) for indent, text in map(_clean_line, lines) for piece, inline_sub in _split_inline(text)
    ]
    cleaned = [entry for entry in cleaned if _has_words(entry[1])]
    # Hard-wrapped text (width ~70) shows in the longest line; long items are not wrapped.
    width = max((len(text) for _, text, _ in cleaned), default=0)
    if width > _MAX_WRAP_WIDTH:
        width = 0
    items: list[_Item] = []
    current: _Item | None = None
    for indent, text, inline_sub in cleaned:
        if _INTRO.fullmatch(text.lower()):
            continue
        if inline_sub and current is not None:
            current.subs.append(text)
            current.sub_active = True
            continue
        m = _MARKER.match(text)
        if m and m.group("n4") is not None and current is not None and current.number is not None:
            # A bare number with no dot is only a marker when it follows on: "3 confirm …".
            n = int(m.group("n4"))
            if n not in (1, current.number + 1):
                m = None
        if m:
            rest = text[m.end() :].strip()
            if m.group("bullet"):
                # "• 4.1 preparatory skin priming programme": a bullet before a sub-number.
                inner = _MARKER.match(rest)
                if inner and (inner.group("s2") or inner.group("s1") or inner.group("letter")):
                    m, rest = inner, rest[inner.end() :].strip()
            rest = _SECOND_MARKER.sub("", rest).strip()  # "14. P14 comply …"
            number_text = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4")
            kind = "bullet" if m.group("bullet") else "number"
            is_sub = bool(m.group("s1") or m.group("s2") or m.group("letter"))
            sub_kind = "subnumber" if (m.group("s1") or m.group("s2")) else ("letter" if m.group("letter") else kind)
            if current is not None and (
                is_sub
                or (
                    current.open_for_subs()
                    and (kind != current.kind or indent > current.indent)
                    and current.sub_kind in (None, sub_kind)
                )
            ):
                current.subs.append(rest)
                current.sub_active = True
                current.sub_kind = current.sub_kind or sub_kind
                current.last_raw = text
                continue
            current = _Item(
                kind=kind,
                indent=indent,
                number=int(number_text) if number_text and not is_sub else None,
                text=rest,
                last_raw=text,
                subs=[],
            )
            items.append(current)
            continue
        # An unmarked line: a wrapped line, a sub-heading, or an item written without a marker.
        if current is not None and _continues(current, text, width, openers):
            current.append(text, text)
            continue
        if _is_heading(text):
            current = None
            continue
        current = _Item(kind="none", indent=indent, number=None, text=text, last_raw=text, subs=[])
        items.append(current)
    texts = [(item.number, item.statement_text()) for item in items]
    texts = [(n, t) for n, t in texts if _has_words(t)]
    numbers = [n for n, _ in texts]
    use_page_numbers = (
        bool(numbers) and all(n is not None for n in numbers) and all(b > a for a, b in itertools.pairwise(numbers))
    )
    return tuple(Statement(ref=f"{prefix}{numbers[i] if use_page_numbers else i + 1}", text=t) for i, (_, t) in enumerate(texts))


# --------------------------------------------------------------------------- page


def _required(obj: dict, field: str) -> str:
    value = obj.get(field)
    if value is None:
        raise RecordRejected(field, "missing")
    if not isinstance(value, str):
        raise RecordRejected(field, f"not a string: {type(value).__name__}")
    if not value.strip():
        raise RecordRejected(field, "empty")
    return value


def _optional(obj: dict, field: str) -> str:
    value = obj.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordRejected(field, f"not a string: {type(value).__name__}")
    return value.strip()


def parse_page(obj: dict, line: int, file: str) -> PageRecord:
    """One finder page excerpt as a `PageRecord`; `RecordRejected` when it cannot be read.

    ``obj`` is one decoded line of the file, ``line`` its line number (kept on the record).
    ``file`` names the source file, as the other readers take it; it is not opened, and a
    `RecordRejected` raised here is turned into a `Rejection` naming it by `read_pages`.
    Nothing but `RecordRejected` is raised, whatever the excerpt holds.
    """
    if not isinstance(obj, dict):
        raise RecordRejected(None, f"not a JSON object: {type(obj).__name__}")
    record_urn = _squash(_required(obj, "urn"))
    record_title = _required(obj, "title")
    excerpt = _repair(_required(obj, "excerpt"))
    url = _optional(obj, "url")
    host_type = _optional(obj, "host_type")
    title = _strip_code(_repair(record_title), record_urn)
    if not title:
        raise RecordRejected("title", "empty")

    lines = excerpt.split("\n")
    # Drop a last line that is a heading cut off mid-word ("Knowledge and Under").
    last = max((i for i, x in enumerate(lines) if x.strip()), default=None)
    if last is not None and _is_cut_heading(lines[last]) and not _MARKER.match(lines[last].strip()):
        lines = lines[:last]

    # The title line, and any page furniture above it ("Print Download PDF"). Where the
    # page words its title differently from the record, the first line is the title when a
    # header line or a section heading follows it.
    start = 0
    title_key = _key(title)
    filled = [i for i, raw in enumerate(lines) if raw.strip()]
    for n, i in enumerate(filled):  # noqa: B007 (n is read after the loop)
        s = lines[i].strip()
        if _HEADER.match(s) or _key(s) in _MAIN_HEADINGS:
            break
        if _key(_strip_code(s, record_urn)) == title_key:
            start = i + 1
            break
    else:
        n = len(filled)
    if start == 0 and n > 0 and len(filled) > 1:
        following = lines[filled[1]].strip()
        if _HEADER.match(following) or _key(following) in _MAIN_HEADINGS:
            start = filled[0] + 1

    # Header: URN, suites, developer, approval (its value sometimes on the next line).
    header: dict[str, list[str]] = {}
    i = start
    while i < len(lines):
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        m = _HEADER.match(s)
        if not m:
            break
        field = _label_field(m.group("label"))
        value = m.group("value").strip()
        i += 1
        if not value and field in ("date_approved", "urn"):
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines):
                nxt = lines[j].strip()
                if (field == "date_approved" and _DATEISH.match(nxt)) or (
                    field == "urn" and len(nxt.split()) == 1 and not _HEADER.match(nxt)
                ):
                    value, i = nxt, j + 1
        header.setdefault(field, []).append(value)

    page_urns = [_squash(v) for v in header.get("urn", []) if v.strip()]
    for value in page_urns:
        if normalise_urn(value) != normalise_urn(record_urn):
            raise RecordRejected("urn", f"the page gives URN {value!r}, the record {record_urn!r}")
    urn = page_urns[0] if page_urns else record_urn
    suites: tuple[str, ...] = ()
    for value in header.get("suites", []):
        suites += tuple(s for s in _split_suites(value) if s not in suites)
    developed_by = next((_squash(v) for v in header.get("developed_by", []) if v.strip()), "")
    date_approved: date | None = None
    approved_year: int | None = None
    approvals = [v for v in header.get("date_approved", []) if v.strip()]
    if approvals:
        date_approved, approved_year = _approval(approvals[0])

    # Body: overview (headed or not), then the list sections.
    sections: dict[str, list[str]] = {_OVERVIEW: [], _PC: [], _KU: []}
    current = _OVERVIEW
    for raw in lines[i:]:
        key = _key(raw)
        if key in _MAIN_HEADINGS and (current == _OVERVIEW or key != "overview"):
            current = _MAIN_HEADINGS[key]
            continue
        if current in LIST_SECTIONS and key in _LATER_HEADINGS:
            current = _LATER_HEADINGS[key]
            break
        sections[current].append(raw)

    overview, version = _overview_html(sections[_OVERVIEW])
    document = NosDocument(
        urn=urn,
        title=title,
        overview=overview,
        performance_criteria=_parse_list(sections[_PC], "P"),
        knowledge_and_understanding=_parse_list(sections[_KU], "K"),
        developed_by=developed_by,
        version_number=version,
        date_approved=date_approved,
        suites=suites,
        text_partial=True,
    )
    check_storable(document, {"urn": "urn", "title": "title", "date_approved": "Approved on"}, other="excerpt")
    return PageRecord(
        line=line,
        url=url,
        host_type=host_type,
        document=document,
        approved_year=approved_year,
        truncated_at=current,
    )


def read_pages(path: str | Path) -> tuple[list[PageRecord], list[Rejection]]:
    """Every page of a finder-excerpt JSONL file, and why the other lines were not read.

    Blank lines are skipped. A line that is not JSON, not a JSON object, or not a readable
    page is a `Rejection` (row = line number); a file that cannot be read raises
    `ImportRejected`.
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejected(name, f"cannot read the file: {exc}") from exc
    records: list[PageRecord] = []
    rejections: list[Rejection] = []
    # Split on line feeds only: JSON strings may hold U+2028 and other characters that
    # str.splitlines() would take for line ends.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            rejections.append(Rejection(file=name, row=number, field=None, reason=f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            rejections.append(Rejection(file=name, row=number, field=None, reason=f"not a JSON object: {type(obj).__name__}"))
            continue
        try:
            records.append(parse_page(obj, number, name))
        except RecordRejected as exc:
            rejections.append(Rejection(file=name, row=number, field=exc.field, reason=exc.reason))
    return records, rejections
