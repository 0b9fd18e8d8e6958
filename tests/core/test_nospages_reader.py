"""The NOS finder page reader (noshub.core.readers.nospages), on the real excerpts and on bad input."""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noshub.core.errors import ImportRejected, RecordRejected
from noshub.core.model import FREE_TEXT_SECTIONS, LINK_SECTIONS
from noshub.core.readers.nospages import PageRecord, parse_page, read_pages
from noshub.core.urns import normalise_urn

DATA_DIR = Path(os.environ.get("NOSHUB_DATA_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
PAGES = DATA_DIR / "nos-pages" / "nos_pages.jsonl"

SECTIONS_AFTER_KNOWLEDGE = {*FREE_TEXT_SECTIONS, *LINK_SECTIONS}


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real() -> tuple[list[PageRecord], list]:
    if not PAGES.exists():
        pytest.skip(f"no NOS page excerpts at {PAGES}")
    return read_pages(PAGES)


@pytest.fixture(scope="module")
def by_line(real) -> dict[int, PageRecord]:
    return {r.line: r for r in real[0]}


def _reached_pc(r: PageRecord) -> bool:
    # On the finder pages the order is overview, criteria, knowledge. The Skills for Health
    # tool pages give the knowledge first and none of them gets as far as the criteria.
    if r.host_type.startswith("SSO"):
        return False
    return r.truncated_at != "overview"


def _reached_ku(r: PageRecord) -> bool:
    return r.truncated_at == "knowledge_and_understanding" or r.truncated_at in SECTIONS_AFTER_KNOWLEDGE


def test_every_line_is_read(real):
    records, rejections = real
    assert rejections == []
    assert len(records) == 313
    assert [r.line for r in records] == list(range(1, 314))
    assert all(r.document.text_partial for r in records)
    assert all(r.document.urn and r.document.title and r.document.overview for r in records)
    # 300 URNs: 13 standards appear twice (two versions, e.g. SFHCHS19 approved 2026 and 2021).
    urns = Counter(normalise_urn(r.document.urn) for r in records)
    assert len(urns) == 300
    assert sum(1 for n in urns.values() if n == 2) == 13


def test_the_readme_counts_hold(real):
    """README: 309 pages reach the performance criteria, 108 the knowledge and understanding."""
    records, _ = real
    assert sum(_reached_pc(r) for r in records) == 309
    assert sum(_reached_ku(r) for r in records) == 108
    assert Counter(r.truncated_at for r in records) == {
        "performance_criteria": 204,
        "knowledge_and_understanding": 105,
        "scope_range_performance_criteria": 2,  # IMPFS110S, IMPFS105K: knowledge then "Scope Performance"
        "scope_range": 1,  # PPL1PC1
        "overview": 1,  # LANTw7: the overview alone fills the excerpt
    }


def test_statement_counts(real):
    """What the list parser makes of the real pages (update deliberately if the parser changes).

    Of the 309 pages that reach the criteria, five have none: FSPAML7 and GQAFEN17 go
    straight from "You must be able to:" to the knowledge, and three "K" units (IMPFS112K,
    IMPFS109KL, IMPFS105K) only point to the "S" units that hold their criteria. Of the 108
    that reach the knowledge, 16 end at its heading or hold only such pointers.
    """
    records, _ = real
    assert sum(1 for r in records if r.document.performance_criteria) == 304
    assert sum(1 for r in records if r.document.knowledge_and_understanding) == 92
    assert sum(len(r.document.performance_criteria) for r in records) == 2827
    assert sum(len(r.document.knowledge_and_understanding) for r in records) == 385
    for r in records:
        for prefix, section in (("P", r.document.performance_criteria), ("K", r.document.knowledge_and_understanding)):
            numbers = [int(s.ref[1:]) for s in section]
            assert all(s.ref.startswith(prefix) and s.text.strip() for s in section)
            assert numbers == sorted(set(numbers)), (r.line, numbers)


def test_approval_dates(real):
    records, _ = real
    full = [r for r in records if r.document.date_approved]
    year_only = [r for r in records if r.approved_year and not r.document.date_approved]
    assert (len(full), len(year_only)) == (123, 100)
    assert all(r.approved_year == r.document.date_approved.year for r in full)
    # 90 pages carry no approval: no header at all, or "Approved on:" with nothing after it.
    assert sum(1 for r in records if r.approved_year is None) == 90


def test_header_fields_where_the_page_has_a_header(real):
    records, _ = real
    assert sum(1 for r in records if r.document.suites) == 226
    assert sum(1 for r in records if r.document.developed_by) == 226
    assert sum(1 for r in records if len(r.document.suites) > 1) == 27


def test_reiki_page_by_hand(by_line):
    r = by_line[1]
    d = r.document
    assert r.url == "https://ukstandards.org.uk/en/nos-finder/LANACT3/offer-reiki-to-animals"
    assert r.host_type == "official (ukstandards.org.uk)"
    assert d.urn == "LANACT3"
    assert d.title == "Offer Reiki to animals"
    assert d.suites == ("Veterinary paraprofessional activities",)
    assert d.developed_by == "Lantra"
    assert d.date_approved is None and r.approved_year == 2025
    assert d.overview.startswith("<p>This standard covers offering Reiki to animals.</p><p>Reiki, whether")
    assert "<p>Please also note:</p><ul><li>Reiki practitioners must not only be trained" in d.overview
    assert d.overview.endswith("Links to other NOS section of this document.</li></ul>")
    assert [s.ref for s in d.performance_criteria] == ["P1"]
    assert d.performance_criteria[0].text.startswith("offer Reiki to the animal in line with")
    assert d.performance_criteria[0].text.endswith("subsequent learning, to meet")  # cut off, kept
    assert d.knowledge_and_understanding == ()
    assert r.truncated_at == "performance_criteria"
    assert d.text_partial


def test_page_with_a_full_approval_date(by_line):
    r = by_line[2]
    d = r.document
    assert (d.urn, d.title) == ("PPL2PC3", "Prepare fish for basic dishes")
    assert d.date_approved == date(2022, 3, 1) and r.approved_year == 2022
    assert d.suites == ("Hospitality - Professional Cookery",)
    assert d.developed_by == "People 1st"
    assert "<ul><li>Maintain basic food safety in catering</li><li>Maintain food safety" in d.overview
    assert [s.ref for s in d.performance_criteria] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert d.performance_criteria[0].text == "Select the type and quantity of fish required for preparation"
    assert [s.ref for s in d.knowledge_and_understanding] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert d.knowledge_and_understanding[-1].text == "How to carry out the preparation methods"
    assert r.truncated_at == "knowledge_and_understanding"


def test_date_on_the_line_after_its_label(by_line):
    d = by_line[3].document  # "Approved on:\n01 Mar 2022"
    assert d.urn == "PPL2PRD1"
    assert d.date_approved == date(2022, 3, 1)
    assert len(d.performance_criteria) == 8
    assert by_line[3].truncated_at == "knowledge_and_understanding"  # ends on the heading


def test_suites_split_on_bare_commas_only(by_line, real):
    assert by_line[4].document.suites == ("Food Production and Cooking", "Hospitality - Professional Cookery")
    # "Barbering,…,Beauty therapy ,Trichology": stray spaces go.
    assert by_line[219].document.suites[-2:] == ("Beauty therapy", "Trichology")
    # ", " belongs to suite names ("Health, Safety and …"); the finder joins suites with ",".
    suites = {s for r in real[0] for s in r.document.suites}
    assert "Health, Safety and the Environment in Food Manufacture" in suites


def test_skills_for_health_tool_pages(by_line):
    for line, urn, title in (
        (49, "SFHCC02", "Insert and secure urethral catheters"),
        (167, "SFHCHS3", "Administer medication to individuals"),
        (169, "SFHCHS22", "Perform intravenous cannulation"),
    ):
        r = by_line[line]
        d = r.document
        assert r.host_type == "SSO (Skills for Health Competence Tools)"
        assert (d.urn, d.title) == (urn, title)  # "CHS3 Administer…": the SfH code is not title
        assert d.version_number == 1 and "Version No" not in d.overview
        assert d.performance_criteria == ()
        assert d.knowledge_and_understanding[0].ref == "K1"
        assert r.truncated_at == "knowledge_and_understanding"
        assert d.suites == () and d.developed_by == "" and r.approved_year is None
    assert "Print Download PDF" not in by_line[169].document.overview
    # Nested items are folded into their parent.
    k4 = by_line[49].document.knowledge_and_understanding[3]
    assert k4.ref == "K4"
    assert k4.text.startswith("The anatomy and physiology of the male and female lower urinary tract")
    assert "including: urine production and what influences this; normal micturition;" in k4.text
    assert by_line[49].document.knowledge_and_understanding[4].text.startswith("How to advise individuals")


def test_sub_items_and_page_numbering(by_line):
    p4 = by_line[10].document.performance_criteria[3]  # IMIVF12: P4 with P4.1–P4.3
    assert p4 == p4.__class__(
        "P4",
        "conduct all testing and replacement activities following: vehicle, equipment and component "
        "manufacturers’ recommendations; your workplace procedures; health and safety requirements",
    )
    # LANAnC4 starts at "2." (item 1 is missing from the page): the refs keep the page's numbers.
    assert [s.ref for s in by_line[135].document.performance_criteria][:2] == ["P2", "P3"]


def test_items_run_together_on_one_line(by_line):
    d = by_line[5].document  # "1. Select … 2. Check … 3. Choose …" on one line
    assert [s.ref for s in d.performance_criteria] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert d.performance_criteria[1].text == "Check the fish meets quality and other requirements"
    funeral = by_line[150].document.performance_criteria  # "…for the funeral2. comply with…"
    assert funeral[1].text == "comply with all relevant health and safety legislation"
    assert funeral[2].text.startswith("ensure all pre-funeral checks are carried out by the team including: on the day")


def test_hard_wrapped_unmarked_items(by_line):
    pc = by_line[110].document.performance_criteria  # LANLP1: no markers, wrapped at ~65
    assert pc[1].text == "wear suitable clothing and personal protective equipment (PPE)"
    assert (
        pc[2].text
        == "select, prepare, use and maintain the equipment required to prepare feed for livestock, safely and correctly"
    )
    assert pc[4].text == "maintain hygiene and bio-security in accordance with business practices"


def test_sub_headings_are_not_statements(by_line):
    pc = by_line[15].document.performance_criteria  # IMPMP170: "Prepare for cooking batched meat…"
    assert len(pc) == 12
    assert pc[6].text == "refer problems outside limits of your responsibility to relevant people"
    assert not any("Carry out the cooking" in s.text for s in pc)
    ku = by_line[7].document.knowledge_and_understanding  # COSVR810: "Performance Criteria 1"…
    assert [s.ref for s in ku] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert not any("Interpretation of information" in s.text for s in ku)


def test_cut_headings_and_later_sections(by_line):
    r = by_line[104]  # COGDO4 ends "…requirements\nKno"
    assert r.truncated_at == "performance_criteria"
    assert r.document.performance_criteria[-1].text == "work safely in accordance with operational requirements"
    r = by_line[23]  # PPL1PC1 reaches "Scope/range"; its text is not read
    assert r.truncated_at == "scope_range"
    assert len(r.document.knowledge_and_understanding) == 7
    assert not any(s.text == "Vegetables" for s in r.document.knowledge_and_understanding)


def test_transcription_slips_repaired(by_line):
    assert "sablé biscuits" in by_line[75].document.overview
    assert "‚Äč" not in by_line[132].document.overview
    assert by_line[132].document.performance_criteria[0].text.startswith("clarify the purpose, scope")
    assert all("*" not in s.text for r in by_line.values() for s in r.document.performance_criteria)


# --------------------------------------------------------------------------- synthetic pages

PAGE = """Offer Reiki to animals

URN: LANACT3
Business Sectors (Suites): Veterinary paraprofessional activities
Developed by: Lantra
Approved on: 01 Mar 2022

Overview

This standard covers offering Reiki.

Performance criteria

You must be able to:

  1. offer Reiki to the animal
  2. keep records"""


def _obj(**changes) -> dict:
    obj = {
        "url": "https://ukstandards.org.uk/en/nos-finder/LANACT3/offer-reiki-to-animals",
        "urn": "LANACT3",
        "title": "Offer Reiki to animals",
        "excerpt": PAGE,
        "host_type": "official (ukstandards.org.uk)",
    }
    obj.update(changes)
    return {k: v for k, v in obj.items() if v is not ...}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "nos_pages.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_synthetic_page():
    r = parse_page(_obj(), 7, "nos_pages.jsonl")
    assert r.line == 7
    assert r.document.date_approved == date(2022, 3, 1) and r.approved_year == 2022
    assert r.document.overview == "<p>This standard covers offering Reiki.</p>"
    assert [(s.ref, s.text) for s in r.document.performance_criteria] == [
        ("P1", "offer Reiki to the animal"),
        ("P2", "keep records"),
    ]


def test_read_pages_rejects_bad_lines(tmp_path):
    good = json.dumps(_obj())
    path = _write(
        tmp_path,
        [
            good,
            "{not json",
            "",  # blank: skipped, but it still counts as a line
            json.dumps(["a", "list"]),
            json.dumps(_obj(excerpt=...)),
            json.dumps(_obj(excerpt=PAGE.replace("URN: LANACT3", "URN: LANACT4"))),
            json.dumps(_obj(urn=None)),
            json.dumps(_obj(title="   ")),
            json.dumps(_obj(excerpt=PAGE.replace("URN: LANACT3", "URN: lan act3"))),  # same after normalising
        ],
    )
    records, rejections = read_pages(path)
    assert [r.line for r in records] == [1, 9]
    assert records[1].document.urn == "lan act3"  # as the page writes it
    got = [(x.row, x.field) for x in rejections]
    assert got == [(2, None), (4, None), (5, "excerpt"), (6, "urn"), (7, "urn"), (8, "title")]
    assert all(x.file == "nos_pages.jsonl" for x in rejections)
    assert rejections[0].reason.startswith("not valid JSON")
    assert rejections[1].reason == "not a JSON object: list"
    assert rejections[2].reason == "missing"
    assert "LANACT4" in rejections[3].reason


def test_unreadable_file(tmp_path):
    with pytest.raises(ImportRejected):
        read_pages(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"urn": "\xff"}\n')
    with pytest.raises(ImportRejected) as caught:
        read_pages(bad)
    assert caught.value.rejection.file == "bad.jsonl"


def test_markup_in_the_excerpt_is_inert():
    excerpt = PAGE.replace(
        "This standard covers offering Reiki.",
        'This standard <script>alert("x")</script> covers <img src=x onerror="alert(1)"> Reiki.\n'
        '• <a href="javascript:alert(2)">click</a>',
    )
    d = parse_page(_obj(excerpt=excerpt), 1, "f").document
    assert "<script" not in d.overview and "<img" not in d.overview and "<a" not in d.overview
    assert "&lt;script&gt;" in d.overview and "&lt;img" in d.overview
    assert d.overview.startswith("<p>This standard &lt;script&gt;")
    assert "<ul><li>&lt;a href=" in d.overview
    # Statements are plain text; whoever renders them escapes them.
    d = parse_page(_obj(excerpt=PAGE.replace("keep records", "keep <b onmouseover=x>records</b>")), 1, "f").document
    assert d.performance_criteria[1].text == "keep <b onmouseover=x>records</b>"


def test_bad_approval_date_is_rejected():
    with pytest.raises(RecordRejected) as caught:
        parse_page(_obj(excerpt=PAGE.replace("01 Mar 2022", "31 Feb 2022")), 1, "f")
    assert caught.value.field == "Approved on"


def test_empty_approval_and_missing_header():
    excerpt = "Offer Reiki to animals\nApproved on:\nThis standard covers offering Reiki.\nPerformance criteria\n- offer Reiki"
    r = parse_page(_obj(excerpt=excerpt), 1, "f")
    assert r.document.date_approved is None and r.approved_year is None
    assert r.document.overview == "<p>This standard covers offering Reiki.</p>"
    assert r.document.performance_criteria[0].text == "offer Reiki"
    r = parse_page(_obj(excerpt="Offer Reiki to animals\nSome text."), 1, "f")
    assert r.document.urn == "LANACT3"  # no URN line: the record's
    assert r.truncated_at == "overview" and r.document.overview == "<p>Some text.</p>"


# --------------------------------------------------------------------------- properties

FRAGMENTS = st.sampled_from(
    [
        "Offer Reiki to animals",
        "URN: LANACT3",
        "URN:",
        "LANACT3",
        "Business Sectors (Suites): A,B, C;D",
        "Developed by: Lantra",
        "Approved on:",
        "Approved on: 2025",
        "Approved on: 01 Mar 2022",
        "Approved: 31 Feb 2022",
        "Overview",
        "Performance criteria",
        "Knowledge and Understanding",
        "Knowledge and Under",
        "Scope/range",
        "You must be able to:",
        "You need to know and understand:",
        "  1. offer Reiki to the animal",
        "2. keep records 3. and more",
        "P1 check",
        "P4.1 sub",
        "    a. lettered",
        "    • bullet",
        "- dash",
        "*",
        "**Heading**",
        "including:",
        "Version No 1",
        "<script>alert(1)</script>",
        "",
        "   ",
    ]
)
EXCERPTS = st.one_of(
    st.text(),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=30).map("\n".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(excerpt=EXCERPTS)
def test_parse_page_only_ever_rejects(excerpt):
    try:
        r = parse_page(_obj(excerpt=excerpt), 1, "f")
    except RecordRejected:
        return
    assert isinstance(r, PageRecord)
    assert r.document.text_partial
    assert r.truncated_at
    assert "<script" not in r.document.overview


@settings(max_examples=200, deadline=None)
@given(
    urn=st.one_of(st.none(), st.text(), st.integers()),
    title=st.one_of(st.none(), st.text(), st.lists(st.text())),
    url=st.one_of(st.none(), st.text(), st.integers()),
)
def test_parse_page_only_ever_rejects_odd_fields(urn, title, url):
    with contextlib.suppress(RecordRejected):
        parse_page({"urn": urn, "title": title, "url": url, "excerpt": PAGE}, 1, "f")
