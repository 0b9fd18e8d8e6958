"""Identity of records under a shared URN (`noshub.core.identity`), on the real clash URNs.

The records are the real rows of the 2019 catalogue whose URN holds more than one standard;
revisions are made from them the way a revised workbook words them (a word added to the
title, the keywords changed). An in-memory store stands in for the database, keeping what
`catalogue.store.VersionWriter` keeps of each standard: its titles and content hashes.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noshub.core import identity
from noshub.core.readers.catalogue import CatalogueRecord, read_catalogue
from noshub.core.urns import normalise_urn
from tests.conftest import DATA_DIR

FILES = ("PublishedNos-old Details.xlsx", "PublishedNos Details.xlsx")
RANK = {name: rank for rank, name in enumerate(FILES)}


def _order(record: CatalogueRecord) -> tuple:
    # As the catalogue importer orders records for identity: validity, time, file.
    return (record.document.validity == "current", record.modified or datetime.min, RANK.get(record.file, 2))


def _rec(record: CatalogueRecord) -> identity.Record:
    return identity.Record(record.document.title, record.document.content_hash(), _order(record))


class Store:
    """The standards of each URN key: their titles and content hashes."""

    def __init__(self) -> None:
        self.standards: dict[str, list[identity.Known]] = defaultdict(list)

    def import_file(self, records: list[CatalogueRecord]) -> dict[int, tuple[str, int]]:
        """Each record's standard (key, index), by the record's position in `records`."""
        groups: dict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            groups[normalise_urn(record.document.urn)].append(i)
        where: dict[int, tuple[str, int]] = {}
        for key, members in groups.items():
            known = self.standards[key]
            decided = identity.assign([_rec(records[i]) for i in members], known)
            known += [identity.Known(set(), set()) for _ in decided.founders]
            for i, pick in zip(members, decided.standard, strict=True):
                known[pick].titles.add(records[i].document.title)
                known[pick].hashes.add(records[i].document.content_hash())
                where[i] = (key, pick)
        return where

    def copy(self, keys: object = None) -> Store:
        """A copy to import into, of every key or only of `keys`."""
        other = Store()
        for key, known in self.standards.items():
            if keys is not None and key not in keys:
                continue
            other.standards[key] = [identity.Known(set(k.titles), set(k.hashes)) for k in known]
        return other


@functools.cache
def _real() -> tuple[Store, dict[str, list[CatalogueRecord]]]:
    """The real catalogue loaded as `noshub load` loads it, and the records of each clash URN."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"real data not found at {DATA_DIR}")
    store = Store()
    by_key: dict[str, list[CatalogueRecord]] = defaultdict(list)
    for name in FILES:
        records = sorted(read_catalogue(DATA_DIR / "nos-catalogue-2019" / name).records, key=lambda r: (_order(r), r.row))
        store.import_file(records)
        for record in records:
            by_key[normalise_urn(record.document.urn)].append(record)
    clashes = {key: by_key[key] for key, known in store.standards.items() if len(known) > 1}
    return store, clashes


def _revised(record: CatalogueRecord, edit: str) -> CatalogueRecord:
    doc = record.document
    title = {"suffix": f"{doc.title} revised", "prefix": f"Revised: {doc.title}", "same": doc.title}[edit]
    return dataclasses.replace(
        record, file="revised.xlsx", document=dataclasses.replace(doc, title=title, keywords=(*doc.keywords, "revised"))
    )


def _holder(store: Store, record: CatalogueRecord) -> tuple[str, int]:
    """Where the store holds a record's content."""
    key = normalise_urn(record.document.urn)
    holders = [i for i, k in enumerate(store.standards[key]) if record.document.content_hash() in k.hashes]
    assert len(holders) == 1, f"{record.document.title!r} is held by {len(holders)} standards of {key}"
    return key, holders[0]


def test_the_real_catalogue_has_clash_urns_and_sflms147_and_sfl49_among_them():
    _, clashes = _real()
    assert len(clashes) > 90
    assert {"SFLMS147", "SFL49", "SFSCSH8"} <= clashes.keys()
    titles = {r.document.title for r in clashes["SFLMS147"]}
    assert titles == {"Process mail instructions Legacy", "Follow mail instructions and separate mail for processing"}


@pytest.mark.parametrize("edit", ["suffix", "prefix"])
def test_a_revised_file_of_every_clash_urn_keeps_each_revision_with_its_standard(edit):
    # First-come matching gave 18 of the 97 real clash URNs' revisions to the wrong standard
    # (SFLMS147, SFL49, SFLGDP2, COSVR97 …), and re-importing the originals then added them again.
    base, clashes = _real()
    store = base.copy()
    originals = [r for records in clashes.values() for r in records]
    revised = [_revised(r, edit) for r in originals]
    where = store.import_file(revised)
    crossed = sorted({where[i][0] for i, r in enumerate(originals) if where[i] != _holder(base, r)})
    assert crossed == []
    again = store.import_file(originals)
    assert all(again[i] == _holder(base, r) for i, r in enumerate(originals))
    assert sum(len(k) for k in store.standards.values()) == sum(len(k) for k in base.standards.values())


def test_one_file_with_revisions_of_both_standards_gives_each_its_own():
    # SFL49: "Co-ordinate international road transport operations Legacy" and "Co-ordinate
    # international movement of loads by road". The legacy one's revision also names the other
    # standard, and resembles it more; the other's revision names only its own. A best one-to-one
    # assignment gives each its own; first-come (or each record's own best) gives both to one.
    base, clashes = _real()
    legacy, current = sorted(clashes["SFL49"], key=lambda r: r.document.validity != "legacy")
    titles = {legacy: "Co-ordinate international road movement of loads", current: "Co-ordinate the international movement of loads by road"}
    revised = {dataclasses.replace(r, document=dataclasses.replace(r.document, title=t)): r for r, t in titles.items()}
    for records in (list(revised), list(revised)[::-1]):
        store = base.copy()
        where = store.import_file(records)
        assert [where[i] for i in range(2)] == [_holder(base, revised[r]) for r in records]


# -- properties ---------------------------------------------------------------------------------

EDITS = st.sampled_from(["suffix", "prefix", "same", "original"])


@st.composite
def clash_files(draw):
    """Records of a few real clash URNs (originals and revisions), shuffled, split into files."""
    _, clashes = _real()
    keys = draw(st.lists(st.sampled_from(sorted(clashes)), min_size=1, max_size=4, unique=True))
    records = []
    for key in keys:
        for record in clashes[key]:
            edit = draw(EDITS)
            records.append(record if edit == "original" else _revised(record, edit))
    records = draw(st.permutations(records))
    cuts = sorted(draw(st.lists(st.integers(0, len(records)), max_size=3)))
    files = [records[a:b] for a, b in zip([0, *cuts], [*cuts, len(records)], strict=True)]
    return records, [f for f in files if f]


def _partition(store: Store, records: list[CatalogueRecord]) -> dict[str, int]:
    return {r.document.content_hash(): _holder(store, r)[1] for r in records}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clash_files(), st.randoms(use_true_random=False), st.booleans())
def test_the_order_of_a_file_does_not_change_any_outcome(data, rnd, anchored):
    records, _ = data
    keys = _keys(records)
    base = _real()[0] if anchored else Store()
    first, second = base.copy(keys), base.copy(keys)
    first.import_file(records)
    shuffled = list(records)
    rnd.shuffle(shuffled)
    second.import_file(shuffled)
    assert first.standards == second.standards


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clash_files(), st.booleans())
def test_reimporting_any_file_already_imported_changes_nothing(data, anchored):
    records, files = data
    store = (_real()[0] if anchored else Store()).copy(_keys(records))
    for f in files:
        store.import_file(f)
    before = store.copy().standards
    for f in files:
        where = store.import_file(f)
        for i, record in enumerate(f):
            assert where[i] == _holder(store, record)
    assert store.standards == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clash_files())
def test_revisions_of_the_real_catalogue_land_on_their_standard_however_split_into_files(data):
    records, files = data
    base = _real()[0]
    store = base.copy(_keys(records))
    for f in files:
        store.import_file(f)
    for record in records:
        key, index = _holder(store, record)
        assert _unrevised(record) in base.standards[key][index].titles, record.document.title
    assert all(len(store.standards[key]) == len(base.standards[key]) for key in _keys(records))


def _keys(records: list[CatalogueRecord]) -> set[str]:
    return {normalise_urn(r.document.urn) for r in records}


def _unrevised(record: CatalogueRecord) -> str:
    return record.document.title.removesuffix(" revised").removeprefix("Revised: ")
