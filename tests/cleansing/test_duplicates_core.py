"""Duplicate detection on crafted NOS (pure core, no database): the cases the issue names."""

from __future__ import annotations

from noshub.core.duplicates import (
    IMPORTED_COPY,
    SAME_TEXT,
    VARIANT,
    DuplicateFinder,
    NosText,
    core_title,
    explain_pair,
    plausible_urn,
)

BOILERPLATE = (
    "identify and minimise hazards and risk in the workplace",
    "work safely at all times and in accordance with all relevant legislation, guidelines, policies and procedures",
    "communicate with the individual and key people at a pace and in a manner appropriate to their needs",
)

# Unrelated NOS so that the vocabulary has realistic document frequencies.
BACKGROUND = [
    NosText(key=f"ZZBG{k}", urn=f"ZZBG{k}", title=title, keywords=(kw,))
    for k, (title, kw) in enumerate(
        [
            ("Operate a forklift truck in a warehouse", "forklift"),
            ("Prune fruit trees and shrubs", "pruning"),
            ("Audit the financial accounts of a charity", "audit"),
            ("Install solar photovoltaic panels on domestic roofs", "solar"),
            ("Plan a menu for a residential care home", "menu"),
            ("Repair leaking water pipes", "plumbing"),
            ("Train volunteers to run a food bank", "volunteers"),
            ("Groom and exercise horses", "equine"),
            ("Design a marketing campaign for a new product", "marketing"),
            ("Inspect scaffolding before use", "scaffolding"),
        ]
    )
]


def _find(docs):
    finder = DuplicateFinder([*docs, *BACKGROUND])
    result = finder.find()
    return finder, result, {m: g for g in result.groups for m in g.members}


def test_identical_text_under_two_urns_is_one_same_text_group():
    statements = (("P1", "check the delivery against the order"), ("P2", "report damaged goods to your supervisor"))
    a = NosText(key="ZZDUP1", urn="ZZDUP1", title="Receive goods into a store", statements=statements, keywords=("goods",))
    b = NosText(key="ZZDUP2", urn="ZZDUP2", title="Receive goods into a store", statements=statements, keywords=("goods",))
    _, _, group_of = _find([a, b])
    group = group_of["ZZDUP1"]
    assert group is group_of["ZZDUP2"]
    assert group.kind == SAME_TEXT and group.score > 0.99


def test_imported_copy_uses_original_urn_and_keeps_the_original():
    original = NosText(key="ZZDUP3", urn="ZZDUP3", title="Resolve customer complaints", status="original", date="2010-01-01")
    copy = NosText(
        key="ZZDUP4",
        urn="ZZDUP4",
        title="Resolve customer complaints in a retail store",
        original_urn="ZZDUP3",
        status="original",
    )
    _, _, group_of = _find([original, copy])
    group = group_of["ZZDUP3"]
    assert group is group_of["ZZDUP4"]
    assert group.kind == IMPORTED_COPY
    assert group.canonical == "ZZDUP3"


def test_level_2_and_level_3_pair_is_a_variant():
    l2 = NosText(key="ZZDUP5", urn="ZZDUP5", title="Prepare, cook and finish basic soups")
    l3 = NosText(key="ZZDUP6", urn="ZZDUP6", title="Prepare, cook and finish complex soups")
    l2b = NosText(key="ZZDUP7", urn="ZZDUP7", title="Data analysis level 2 role")
    l3b = NosText(key="ZZDUP8", urn="ZZDUP8", title="Data analysis level 3 role")
    assert core_title(l2.title) == core_title(l3.title)
    _, _, group_of = _find([l2, l3, l2b, l3b])
    assert group_of["ZZDUP5"] is group_of["ZZDUP6"] and group_of["ZZDUP5"].kind == VARIANT
    assert group_of["ZZDUP7"] is group_of["ZZDUP8"] and group_of["ZZDUP7"].kind == VARIANT


def test_boilerplate_only_overlap_does_not_group():
    topics = [
        ("Remove wound closure materials", ["remove sutures using aseptic technique", "dispose of sharps safely"]),
        ("Perform routine electrocardiograph procedures", ["attach the electrodes to the correct sites", "record the ECG trace"]),
        ("Take venous blood samples", ["select a suitable vein", "label the sample tubes at the bedside"]),
        ("Measure and record body temperature", ["choose the right thermometer", "record the reading in the chart"]),
        ("Support individuals to eat and drink", ["offer food at the right temperature", "record what the individual ate"]),
        ("Undertake urinalysis", ["test the urine with a reagent strip", "report abnormal results"]),
    ]
    docs = [
        NosText(
            key=f"ZZBP{k}",
            urn=f"ZZBP{k}",
            title=title,
            statements=tuple((f"P{n + 1}", t) for n, t in enumerate([*BOILERPLATE, *own])),
        )
        for k, (title, own) in enumerate(topics)
    ]
    finder, result, group_of = _find(docs)
    assert not any(d.key in group_of for d in docs)
    # the shared statements are visible at statement level, as boilerplate
    repeated = {r["text"] for r in result.repeated_statements}
    assert set(BOILERPLATE) <= repeated
    assert all(r["nos_count"] == len(docs) for r in result.repeated_statements if r["text"] in BOILERPLATE)


def test_partial_overlap_is_visible_at_statement_level():
    shared = ("check the vehicle's tyres before the journey", "plan the route to avoid low bridges")
    a = NosText(
        key="ZZPO1",
        urn="ZZPO1",
        title="Drive a heavy goods vehicle",
        statements=(("P1", shared[0]), ("P2", shared[1]), ("P3", "couple the trailer")),
    )
    b = NosText(
        key="ZZPO2",
        urn="ZZPO2",
        title="Deliver parcels by van",
        statements=(("P1", shared[0]), ("P2", shared[1]), ("P3", "obtain a signature")),
    )
    _, result, group_of = _find([a, b])
    assert "ZZPO1" not in group_of
    overlap = next(o for o in result.partial_overlaps if {o["a"], o["b"]} == {"ZZPO1", "ZZPO2"})
    assert overlap["shared_statements"] == 2


def test_groups_do_not_chain():
    # A ~ B and B ~ C, but A and C share little: complete linkage keeps A and C apart.
    a = NosText(key="ZZCH1", urn="ZZCH1", title="Clean and maintain commercial kitchen equipment", keywords=("kitchen",))
    b = NosText(
        key="ZZCH2", urn="ZZCH2", title="Clean and maintain commercial kitchen and laundry equipment", keywords=("kitchen",)
    )
    c = NosText(key="ZZCH3", urn="ZZCH3", title="Clean and maintain commercial laundry equipment", keywords=("laundry",))
    _, result, group_of = _find([a, b, c])
    for g in result.groups:
        assert not {"ZZCH1", "ZZCH3"} <= set(g.members)
        assert all(p.score >= 0.8 or p.linked for p in g.pairs)


def test_explanation_sets_shared_statements_side_by_side_with_differences():
    a = NosText(
        key="A",
        urn="A",
        title="Prepare fish for basic dishes",
        statements=(("P1", "Select the type and quantity of fish required"),),
    )
    b = NosText(
        key="B", urn="B", title="Prepare fish for dishes", statements=(("P3", "Select the type and amount of fish required"),)
    )
    e = explain_pair(a, b)
    [shared] = e["shared_statements"]
    assert (shared["a_ref"], shared["b_ref"]) == ("P1", "P3")
    assert {"op": "replace", "a": "quantity", "b": "amount"} in shared["diff"]
    assert any(s["op"] == "delete" and s["a"] == "basic" for s in e["title"]["diff"])


def test_covering_finds_existing_nos_and_statements():
    held = NosText(
        key="ZZCV1",
        urn="ZZCV1",
        title="Maintain health and safety in the salon",
        statements=(("P1", "keep your work area clean and tidy"),),
    )
    finder = DuplicateFinder([held, *BACKGROUND])
    draft = NosText(
        key="draft",
        urn="",
        title="Maintain health and safety in a salon",
        statements=(("S1", "keep the work area clean and tidy"),),
    )
    result = finder.covering(draft)
    assert result["nos"][0]["nos"] == "ZZCV1" and result["nos"][0]["score"] > 0.8
    assert result["statements"][0]["covered_by"][0]["ref"] == "P1"


def test_placeholder_original_urns_are_not_links():
    assert plausible_urn("CFAM&LBB4") and plausible_urn("SSR.C311")
    assert not any(plausible_urn(v) for v in ("IMP", "N/A", "[ORIGINURN]", "2", ""))
