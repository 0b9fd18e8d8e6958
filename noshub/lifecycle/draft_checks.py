"""Draft checks: the checks on a draft NOS before it may move on, after the NOS Quality Criteria and the Guide to Developing NOS.

Each check gives findings, each with a message (a `messages.Reason`: a code and its values;
the words are in `noshub.lifecycle.messages`); a finding is an *error* (the draft cannot
move on until it is fixed) or a *warning* (worth a look; it does not block).

What is checked, and the rule used:

- ``required_section``: title, overview, performance criteria, knowledge and understanding
  are present (the four parts every NOS must have).
- ``pc_action_verb``: each performance criterion completes "You must be able to:" and so
  starts with an action verb in the present tense ("check", "identify" …), optionally after
  an adverb ("safely remove …"). A start that cannot be an action (an article, a pronoun, an
  "-ing" or "-ed" form, "to") is an error; a first word missing from `ACTION_VERBS` is a
  warning, since the list cannot hold every verb.
- ``pc_not_observable``: "know", "understand", "be aware of" … are not actions anyone can
  observe: they belong in knowledge and understanding (error).
- ``pc_one_action``: a criterion that joins a second action verb with "and"/"or" probably
  states two actions (warning); one longer than 45 words is hard to assess (warning).
- ``knowledge_item_form``: each knowledge item completes "You need to know and understand:"
  and so is a thing to know ("the types of …", "how to …", "why …"). An item that repeats
  the stem ("know …", "understand …", "be able to …") is an error; one that starts with an
  action verb and an object ("check the …") reads as a performance criterion (warning).
- ``duplicate_statement``: the same statement twice, within or across the lists (error).
- ``readability``: the Flesch reading ease of each section (`noshub.lifecycle.readability`);
  below `READABILITY_WARNING` is a warning. The scores are in `DraftCheckReport.readability`.
- ``urn_format``: a capital letter first, then letters, digits, ``&``, ``_``, ``-`` or ``.``, 3–20
  characters, at least one digit, no spaces (as the catalogue's URNs are written).
- ``review_date``: an indicative review date is set and in the future (error); more than
  five years ahead is a warning.
- ``possible_duplicate``: another current NOS covers the same ground, found by the caller's
  `similar` function (the cleansing app's "already covered" search, or a title match).
- ``statement_truncated``: a statement that is cut off: a single word ("K1 diffe"), one that
  ends with a hyphen, an open bracket or a word that cannot end a statement ("the", "and",
  "of" …) is an error; one that ends with a word that may end one but often ends a cut one
  ("in", "on", "with" …: "the machine you work on") is a warning; one whose last word is no word of the catalogue but the start of one
  ("… between breeds of diffe": "diffe" begins "differ") is a warning, judged against the
  caller's `vocabulary` (the words of the catalogue's NOS; a short word such as "vet" may
  begin a longer one, so this is only a warning).
- ``welsh_complete``: once Welsh text exists, each Welsh list has as many statements as its
  English one, and no Welsh text is a placeholder ("TODO cyfieithu", "TBC" …) (warnings here;
  they block the Welsh approval, `rules.blockers`).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from noshub.core.html import plain_text
from noshub.core.model import NosDocument
from noshub.lifecycle.messages import Reason
from noshub.lifecycle.readability import band, flesch_reading_ease

ERROR, WARNING = "error", "warning"
READABILITY_WARNING = 30.0  # "very difficult" on Flesch's scale
MAX_REVIEW_YEARS = 5
MAX_PC_WORDS = 45

# Action verbs that start performance criteria: the first words of the 2,800 criteria of the
# real NOS finder pages, with common NOS verbs added. Base form, lower case.
ACTION_VERBS = frozenset(
    [
        "access",
        "accept",
        "achieve",
        "acknowledge",
        "acquire",
        "act",
        "adapt",
        "add",
        "address",
        "adhere",
        "adjust",
        "administer",
        "adopt",
        "advise",
        "advocate",
        "agree",
        "alert",
        "allocate",
        "allow",
        "alter",
        "amend",
        "analyse",
        "answer",
        "apply",
        "appoint",
        "appraise",
        "approach",
        "approve",
        "arrange",
        "ascertain",
        "assemble",
        "assess",
        "assign",
        "assist",
        "attach",
        "attend",
        "audit",
        "authorise",
        "avoid",
        "bake",
        "balance",
        "brief",
        "build",
        "calculate",
        "calibrate",
        "carry",
        "challenge",
        "change",
        "check",
        "choose",
        "clarify",
        "classify",
        "clean",
        "clear",
        "close",
        "coach",
        "collaborate",
        "collate",
        "collect",
        "combine",
        "comment",
        "communicate",
        "compare",
        "compile",
        "complete",
        "comply",
        "conclude",
        "conduct",
        "confirm",
        "connect",
        "consider",
        "construct",
        "consult",
        "contact",
        "continue",
        "contribute",
        "control",
        "convey",
        "cook",
        "co-ordinate",
        "coordinate",
        "cordon",
        "correct",
        "count",
        "create",
        "cut",
        "de-frost",
        "deal",
        "decide",
        "defend",
        "define",
        "defrost",
        "delegate",
        "deliver",
        "demonstrate",
        "describe",
        "design",
        "detect",
        "determine",
        "develop",
        "devise",
        "diagnose",
        "differentiate",
        "direct",
        "discontinue",
        "discuss",
        "dismantle",
        "dispatch",
        "display",
        "dispose",
        "distribute",
        "document",
        "draft",
        "draw",
        "dress",
        "drive",
        "dry",
        "edit",
        "educate",
        "eliminate",
        "empower",
        "enable",
        "encourage",
        "engage",
        "ensure",
        "enter",
        "escort",
        "establish",
        "estimate",
        "evaluate",
        "evidence",
        "examine",
        "exchange",
        "explain",
        "explore",
        "extract",
        "facilitate",
        "feed",
        "fill",
        "find",
        "finish",
        "fit",
        "fix",
        "follow",
        "formulate",
        "garnish",
        "gather",
        "generate",
        "give",
        "grade",
        "greet",
        "groom",
        "guide",
        "handle",
        "harvest",
        "help",
        "highlight",
        "hire",
        "identify",
        "illuminate",
        "implement",
        "improve",
        "include",
        "inform",
        "initiate",
        "insert",
        "inspect",
        "install",
        "instruct",
        "integrate",
        "interact",
        "interpret",
        "interview",
        "introduce",
        "investigate",
        "involve",
        "isolate",
        "issue",
        "keep",
        "label",
        "lay",
        "lead",
        "liaise",
        "lift",
        "listen",
        "load",
        "locate",
        "lubricate",
        "maintain",
        "make",
        "manage",
        "manipulate",
        "map",
        "mark",
        "measure",
        "mediate",
        "meet",
        "mentor",
        "minimise",
        "mix",
        "modify",
        "monitor",
        "motivate",
        "mount",
        "move",
        "negotiate",
        "nominate",
        "note",
        "notify",
        "observe",
        "obtain",
        "offer",
        "open",
        "operate",
        "order",
        "organise",
        "oversee",
        "pack",
        "pass",
        "perform",
        "pick",
        "place",
        "plan",
        "plant",
        "position",
        "pour",
        "practise",
        "preheat",
        "prepare",
        "present",
        "preserve",
        "prevent",
        "prioritise",
        "process",
        "procure",
        "produce",
        "promote",
        "protect",
        "provide",
        "prune",
        "publish",
        "purchase",
        "question",
        "raise",
        "read",
        "reassure",
        "receive",
        "recognise",
        "recommend",
        "reconcile",
        "record",
        "rectify",
        "reduce",
        "refer",
        "reflect",
        "regulate",
        "reinforce",
        "reiterate",
        "relay",
        "remain",
        "remove",
        "repair",
        "replace",
        "report",
        "represent",
        "request",
        "research",
        "resolve",
        "respect",
        "respond",
        "restore",
        "restrain",
        "restrict",
        "retain",
        "retrieve",
        "return",
        "review",
        "revise",
        "route",
        "sample",
        "schedule",
        "secure",
        "seek",
        "select",
        "send",
        "serve",
        "service",
        "set",
        "set-up",
        "share",
        "sharpen",
        "show",
        "signpost",
        "solve",
        "sort",
        "source",
        "specify",
        "start",
        "steer",
        "sterilise",
        "stop",
        "store",
        "strain",
        "structure",
        "submit",
        "suggest",
        "summarise",
        "summon",
        "supervise",
        "supply",
        "support",
        "survey",
        "sustain",
        "tailor",
        "take",
        "teach",
        "test",
        "track",
        "train",
        "transfer",
        "translate",
        "transport",
        "treat",
        "trim",
        "undertake",
        "update",
        "use",
        "utilise",
        "validate",
        "verify",
        "wash",
        "wear",
        "weigh",
        "win",
        "work",
        "write",
    ]
)
# Words that cannot start an action ("the …", "you …", "being …").
NON_ACTION_STARTS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "you",
        "your",
        "yours",
        "they",
        "their",
        "it",
        "its",
        "he",
        "she",
        "we",
        "our",
        "i",
        "my",
        "all",
        "any",
        "each",
        "every",
        "some",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "from",
        "and",
        "or",
        "but",
        "if",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "why",
        "how",
        "there",
        "here",
        "be",
        "being",
    ]
)
# Verbs of knowing, not doing: nobody can observe them.
UNOBSERVABLE = ("know", "understand", "appreciate", "be aware", "become aware", "learn", "realise", "believe", "feel", "think")
# Knowledge items must not repeat the stem "You need to know and understand:".
KNOWLEDGE_STEMS = ("know", "understand", "be able to", "you must", "you need", "able to")
DETERMINERS = frozenset(["the", "a", "an", "your", "their", "any", "all", "each", "every", "relevant", "appropriate"])

_URN = re.compile(r"^[A-Z][A-Z0-9&_.\-]{2,19}$")


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # error / warning
    section: str
    ref: str  # statement ref (P3, K2) or ""
    message: Reason

    def as_dict(self) -> dict:
        return {"check": self.check, "severity": self.severity, "section": self.section, "ref": self.ref, "message": self.message}


@dataclass(frozen=True)
class SimilarStandard:
    """An existing NOS that may already cover a draft."""

    urn: str
    title: str
    slug: str = ""
    score: float | None = None


@dataclass
class DraftCheckReport:
    findings: list[Finding] = field(default_factory=list)
    readability: dict[str, dict] = field(default_factory=dict)  # section -> {"score", "band"}
    similar: list[SimilarStandard] = field(default_factory=list)
    duplicate_search: str = ""  # which search looked for existing NOS (a Reason from the `similar` function)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def as_dict(self) -> dict:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
            "readability": self.readability,
            "similar": [s.__dict__ for s in self.similar],
            "duplicate_search": self.duplicate_search,
        }


def _first_words(text: str, n: int = 3) -> list[str]:
    return [w.lower().strip(",;:.()\"'") for w in text.split()[:n]]


def _is_verb(word: str) -> bool:
    return word in ACTION_VERBS or word.split("/")[0] in ACTION_VERBS


def _starts_with_verb(text: str) -> tuple[bool | None, str]:
    """(True, verb) for a known action verb (after an optional adverb); (False, word) for a start
    that cannot be an action; (None, word) when the first word is not in the list."""
    words = _first_words(text)
    if not words:
        return False, ""
    first = words[0]
    if _is_verb(first):
        return True, first
    if first.endswith("ly") and len(words) > 1 and _is_verb(words[1]):
        return True, words[1]
    if first in NON_ACTION_STARTS or first.endswith("ing") or (first.endswith("ed") and first not in ACTION_VERBS):
        return False, first
    return None, first


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def check_required_sections(doc: NosDocument) -> list[Finding]:
    out = []
    if not doc.title.strip():
        out.append(Finding("required_section", ERROR, "title", "", Reason("no_title")))
    if not plain_text(doc.overview).strip():
        out.append(
            Finding("required_section", ERROR, "overview", "", Reason("no_overview"))
        )
    if not doc.performance_criteria:
        out.append(
            Finding(
                "required_section",
                ERROR,
                "performance_criteria",
                "",
                Reason("no_performance_criteria"),
            )
        )
    if not doc.knowledge_and_understanding:
        out.append(
            Finding(
                "required_section",
                ERROR,
                "knowledge_and_understanding",
                "",
                Reason("no_knowledge"),
            )
        )
    return out


def check_performance_criteria(doc: NosDocument) -> list[Finding]:
    out = []
    section = "performance_criteria"
    for s in doc.performance_criteria:
        text = s.text.strip()
        lower = text.lower()
        unobservable = next((u for u in UNOBSERVABLE if lower == u or lower.startswith(u + " ")), None)
        if unobservable:
            out.append(
                Finding(
                    "pc_not_observable",
                    ERROR,
                    section,
                    s.ref,
                    Reason("pc_unobservable", ref=s.ref, word=unobservable),
                )
            )
            continue
        is_verb, word = _starts_with_verb(text)
        if is_verb is False:
            out.append(
                Finding(
                    "pc_action_verb",
                    ERROR,
                    section,
                    s.ref,
                    Reason("pc_not_action", ref=s.ref, word=word),
                )
            )
        elif is_verb is None:
            out.append(
                Finding(
                    "pc_action_verb",
                    WARNING,
                    section,
                    s.ref,
                    Reason("pc_verb_unknown", ref=s.ref, word=word),
                )
            )
        joined = re.search(r"\b(?:and|or)\s+(?:then\s+)?([a-z][a-z\-]+)\s+(\w+)", lower)
        if joined and _is_verb(joined.group(1)) and joined.group(2) in DETERMINERS | {"it", "them", "any"}:
            out.append(
                Finding(
                    "pc_one_action",
                    WARNING,
                    section,
                    s.ref,
                    Reason("pc_two_actions", ref=s.ref, words=joined.group(0)),
                )
            )
        n_words = len(text.split())
        if n_words > MAX_PC_WORDS:
            out.append(
                Finding(
                    "pc_one_action",
                    WARNING,
                    section,
                    s.ref,
                    Reason("pc_too_long", ref=s.ref, n=n_words),
                )
            )
    return out


def check_knowledge_items(doc: NosDocument) -> list[Finding]:
    out = []
    section = "knowledge_and_understanding"
    for s in doc.knowledge_and_understanding:
        lower = s.text.strip().lower()
        stem = next((st for st in KNOWLEDGE_STEMS if lower == st or lower.startswith(st + " ")), None)
        if stem:
            out.append(
                Finding(
                    "knowledge_item_form",
                    ERROR,
                    section,
                    s.ref,
                    Reason("knowledge_repeats_stem", ref=s.ref, word=stem),
                )
            )
            continue
        words = _first_words(lower)
        if len(words) > 1 and _is_verb(words[0]) and words[1] in DETERMINERS:
            out.append(
                Finding(
                    "knowledge_item_form",
                    WARNING,
                    section,
                    s.ref,
                    Reason("knowledge_reads_as_action", ref=s.ref, words=" ".join(words[:2])),
                )
            )
    return out


# Words a statement cannot end on: it was cut off after them.
DANGLING_ENDS = frozenset(["the", "a", "an", "and", "or", "of", "your", "their", "its"])
# Words a statement may end on ("the machine you work on", "the people you work with") but that
# also end a cut one ("the signs of good health in"): a warning, for a person to look at.
OPEN_ENDS = frozenset(["to", "for", "with", "in", "on", "by", "from", "at", "as", "that", "which"])
_WORD = re.compile(r"[A-Za-z]+")


def _looks_truncated(text: str, vocabulary: Callable[[str], str | None] | None) -> str | None:
    """ERROR when a statement surely stops short (one word; a last word that cannot end it; a
    hyphen, bracket or comma at its end), WARNING when its last word is a preposition that may end
    it or is no known word but begins one ("diffe": maybe cut mid-word, maybe a word the catalogue does not use), else None."""
    stripped = text.strip()
    words = stripped.split()
    if len(words) < 2 or stripped.endswith(("-", "(", "/", ",")):
        return ERROR
    last = _WORD.findall(words[-1].lower())
    if not last:
        return None
    last = last[-1]
    if last in DANGLING_ENDS:
        return ERROR
    if last in OPEN_ENDS:
        return WARNING
    if vocabulary is not None and len(last) >= 2 and vocabulary(last) is not None:
        return WARNING
    return None


def check_truncated(doc: NosDocument, vocabulary: Callable[[str], str | None] | None = None) -> list[Finding]:
    """Statements that look cut off. `vocabulary(word)` gives a longer known word that `word`
    begins when `word` itself is not known (None otherwise)."""
    out = []
    for section in ("performance_criteria", "knowledge_and_understanding"):
        for s in getattr(doc, section):
            severity = _looks_truncated(s.text, vocabulary) if s.text.strip() else None
            if severity:
                out.append(
                    Finding("statement_truncated", severity, section, s.ref, Reason("statement_truncated", ref=s.ref, text=s.text))
                )
    return out


WELSH_PLACEHOLDERS = re.compile(r"\b(?:todo|tbc|tbd|cyfieithu|translate|translation|xxx+|lorem)\b", re.IGNORECASE)


def check_welsh(doc: NosDocument) -> list[Finding]:
    """Once Welsh text exists: every English statement has a Welsh one, and nothing Welsh is a placeholder."""
    w = doc.welsh
    if not (w.title or w.performance_criteria or w.knowledge_and_understanding or w.overview):
        return []
    out = []
    for section in ("performance_criteria", "knowledge_and_understanding"):
        english, welsh = len(getattr(doc, section)), len(getattr(w, section))
        if welsh != english:
            out.append(
                Finding(
                    "welsh_complete", WARNING, section, "", Reason("welsh_incomplete", section=section, welsh=welsh, english=english)
                )
            )
    texts = [("title", w.title), ("overview", plain_text(w.overview))]
    texts += [(section, s.text) for section in ("performance_criteria", "knowledge_and_understanding") for s in getattr(w, section)]
    for section, text in texts:
        if text and WELSH_PLACEHOLDERS.search(text):
            out.append(Finding("welsh_complete", WARNING, section, "", Reason("welsh_placeholder", section=section, text=text[:60])))
    return out


def check_duplicates(doc: NosDocument) -> list[Finding]:
    out = []
    seen: dict[str, str] = {}
    for section in ("performance_criteria", "knowledge_and_understanding"):
        for s in getattr(doc, section):
            key = _normal(s.text)
            if not key:
                continue
            if key in seen:
                out.append(
                    Finding("duplicate_statement", ERROR, section, s.ref, Reason("statement_repeated", ref=s.ref, other_ref=seen[key]))
                )
            else:
                seen[key] = s.ref
    return out


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|tr|blockquote)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _text_lines(html_text: str) -> str:
    """The words of some HTML, one paragraph or list item a line (a line ends a sentence)."""
    return html_lib.unescape(_TAG.sub(" ", _BLOCK_END.sub("\n", html_text or "")))


def readability_scores(doc: NosDocument) -> dict[str, dict]:
    scores = {}
    for section in ("overview", "scope_range", "values", "behaviours", "skills"):
        text = _text_lines(getattr(doc, section))
        if text.strip():
            score = flesch_reading_ease(text)
            scores[section] = {"score": score, "band": band(score)}
    for section in ("performance_criteria", "knowledge_and_understanding"):
        items = getattr(doc, section)
        if items:
            score = flesch_reading_ease(" ".join(s.text for s in items), sentences=len(items))
            scores[section] = {"score": score, "band": band(score)}
    return scores


def check_readability(scores: dict[str, dict]) -> list[Finding]:
    return [
        Finding(
            "readability",
            WARNING,
            section,
            "",
            Reason("hard_to_read", section=section, score=value["score"]),
        )
        for section, value in scores.items()
        if value["score"] is not None and value["score"] < READABILITY_WARNING
    ]


def check_urn(urn: str) -> list[Finding]:
    text = urn.strip()
    if not text:
        return [Finding("urn_format", ERROR, "urn", "", Reason("no_urn"))]
    if not _URN.match(text.upper()) or not any(c.isdigit() for c in text) or not text[0].isupper():
        return [
            Finding(
                "urn_format",
                ERROR,
                "urn",
                "",
                Reason("urn_form", urn=text),
            )
        ]
    return []


def check_review_date(review: date | None, today: date) -> list[Finding]:
    if review is None:
        return [Finding("review_date", ERROR, "indicative_review_date", "", Reason("review_date_unset"))]
    if review <= today:
        return [
            Finding(
                "review_date", ERROR, "indicative_review_date", "", Reason("review_date_passed", date=review.isoformat())
            )
        ]
    if (review - today).days > MAX_REVIEW_YEARS * 366:
        return [
            Finding(
                "review_date",
                WARNING,
                "indicative_review_date",
                "",
                Reason("review_date_far", date=review.isoformat(), n=MAX_REVIEW_YEARS),
            )
        ]
    return []


def check_similar(similar: list[SimilarStandard]) -> list[Finding]:
    return [
        Finding(
            "possible_duplicate",
            WARNING,
            "title",
            "",
            Reason("possible_duplicate", urn=s.urn, title=s.title),
        )
        for s in similar
    ]


def check(
    doc: NosDocument,
    *,
    today: date,
    similar: Callable[[NosDocument], tuple[list[SimilarStandard], str]] | None = None,
    vocabulary: Callable[[str], str | None] | None = None,
) -> DraftCheckReport:
    """Run every check on a draft. `similar` finds existing NOS that may cover the same ground
    and says which search it used."""
    report = DraftCheckReport()
    report.findings += check_urn(doc.urn)
    report.findings += check_required_sections(doc)
    report.findings += check_performance_criteria(doc)
    report.findings += check_knowledge_items(doc)
    report.findings += check_truncated(doc, vocabulary)
    report.findings += check_duplicates(doc)
    report.findings += check_welsh(doc)
    report.readability = readability_scores(doc)
    report.findings += check_readability(report.readability)
    report.findings += check_review_date(doc.indicative_review_date, today)
    if similar is not None:
        report.similar, report.duplicate_search = similar(doc)
        report.findings += check_similar(report.similar)
    return report
