"""Suite and developer names: the source's spellings resolved to the names NOS Hub shows, kept
as aliases a reviewer can list and overrule.

The rule (`noshub.core.names`): a spelling is cleaned (`clean_name`), and cleaned names with the
same `name_key` are one name, shown in the spelling most used when it first came (ties: the
first in sort order); later variants join it. Every spelling shown otherwise than written is a
`NameAlias` (rule cleaned, merged or dropped) and is kept on the version (`NosVersion.source_names`),
so a reviewer's decision (`decide`) can move exactly the versions that used it.

* `NameResolver`: used by the store for every import (`VersionWriter`).
* `apply_rule`: brings a database loaded before the rule into line (`noshub load` runs it first;
  `noshub names apply`): merges variants, records their aliases, one transaction.
* `name_aliases` lists them (`noshub names list`), `decide` records a reviewer's decision
  (`noshub names decide`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from noshub.core.errors import InvalidParameter, NotFound
from noshub.core.model import NAME_MAX_LENGTH, NosDocument
from noshub.core.names import clean_name, name_key

from .models import NameAlias, NosVersion, Organisation, Suite
from .signals import standards_changed

KINDS = ("suite", "developer")
_MODEL = {"suite": Suite, "developer": Organisation}
_FIELD = {"suite": "suite", "developer": "organisation"}  # NameAlias's foreign key
_DOC_FIELD = {"suite": "suites", "developer": "developed_by"}  # NosDocument's and source_names' key


class NameResolver:
    """Resolves the spellings of one import's documents to the names they are shown as."""

    def __init__(self) -> None:
        self._alias: dict[tuple[str, str], str] = {}
        for kind, spelling, suite, org in NameAlias.objects.values_list("kind", "spelling", "suite__name", "organisation__name"):
            self._alias[(kind, spelling)] = (suite if kind == "suite" else org) or ""
        self._names: dict[str, set[str]] = {}
        self._by_key: dict[str, dict[str, str]] = {}
        for kind in KINDS:
            held = list(_MODEL[kind].objects.order_by("id").values_list("name", flat=True))
            self._names[kind] = set(held)
            # Names a reviewer kept apart can share a key: the oldest takes the key's new variants.
            self._by_key[kind] = {}
            for name in held:
                self._by_key[kind].setdefault(name_key(name), name)
        self.new_aliases: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, spelling) → (name, rule)

    def prepare(self, documents: Iterable[NosDocument]) -> None:
        """Name each key that is new to the database by the spelling most used among `documents`."""
        counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
        for doc in documents:
            counts["developer"].update([clean_name(doc.developed_by)] if doc.developed_by else [])
            counts["suite"].update(clean_name(s) for s in doc.suites)
        for kind, counter in counts.items():
            known = self._by_key[kind]
            for name, _ in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
                if name:
                    known.setdefault(name_key(name), name)

    def resolve(self, kind: str, spelling: str) -> str:
        """The name `spelling` is shown as ("" when nothing is left of it)."""
        if (kind, spelling) in self._alias:
            return self._alias[(kind, spelling)]
        clean = clean_name(spelling)[:NAME_MAX_LENGTH]
        if not clean or clean in self._names[kind]:
            name = clean
        else:
            name = self._by_key[kind].setdefault(name_key(clean), clean)
        if name != spelling:
            rule = "dropped" if not name else "cleaned" if name == clean else "merged"
            self.new_aliases[(kind, spelling)] = (name, rule)
        self._alias[(kind, spelling)] = name
        return name

    def resolve_document(self, doc: NosDocument) -> tuple[NosDocument, dict]:
        """The document with its names as shown, and the source's spellings shown otherwise."""
        developer = self.resolve("developer", doc.developed_by) if doc.developed_by else ""
        suites: list[str] = []
        for spelling in doc.suites:
            name = self.resolve("suite", spelling)
            if name and name not in suites:
                suites.append(name)
        source: dict = {}
        if developer != doc.developed_by:
            source["developed_by"] = doc.developed_by
        differ = [s for s in doc.suites if s not in suites]
        if differ:
            source["suites"] = differ
        if not source:
            return doc, source
        return dataclasses.replace(doc, developed_by=developer, suites=tuple(suites)), source

    def write_aliases(self, ids: dict[str, dict[str, int]]) -> None:
        """Record the new aliases, given the id of each name by kind (names not written are skipped)."""
        rows = []
        for (kind, spelling), (name, rule) in self.new_aliases.items():
            target = ids[kind].get(name) if name else None
            if name and target is None:
                continue
            rows.append(NameAlias(kind=kind, spelling=spelling[:NAME_MAX_LENGTH], rule=rule, **{f"{_FIELD[kind]}_id": target}))
        NameAlias.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        self.new_aliases.clear()


# -- a database loaded before the rule ---------------------------------------------------------


def apply_rule() -> dict[str, int]:
    """Clean and merge the names already held, in one transaction: each group of names with one
    key becomes the name of the group's largest member (cleaned), the others its aliases; their
    versions keep the spelling in `source_names`. Idempotent; returns what it did, by kind."""
    done = {}
    changed: set[int] = set()
    with transaction.atomic():
        for kind in KINDS:
            done[kind] = _apply_kind(kind, changed)
    if changed:
        standards_changed.send(sender=apply_rule, standard_ids=changed)
    return done


def _links(kind: str):
    """(version id, name id) rows linking versions to names of this kind, and how to move them."""
    if kind == "suite":
        return NosVersion.suites.through.objects, "nosversion_id", "suite_id"
    return NosVersion.objects, "id", "developed_by_id"


def _apply_kind(kind: str, changed: set[int]) -> int:
    model = _MODEL[kind]
    sizes = dict(model.objects.annotate(n=Count("versions")).values_list("id", "n"))
    groups: dict[str, list] = defaultdict(list)
    for row in model.objects.all():
        groups[name_key(row.name)].append(row)
    moved = 0
    for key, rows in groups.items():
        if len(rows) == 1 and clean_name(rows[0].name) == rows[0].name and key:
            continue
        rows.sort(key=lambda r: (-sizes.get(r.id, 0), clean_name(r.name)))
        name = clean_name(rows[0].name)[:NAME_MAX_LENGTH]
        target = next((r for r in rows if r.name == name), None)
        if target is None and name:
            target = model.objects.create(name=name)
        for row in rows:
            if row is target:
                continue
            moved += _move(
                kind,
                row,
                target,
                rule="merged" if name and clean_name(row.name) != name else ("cleaned" if name else "dropped"),
                changed=changed,
            )
    return moved


def _move(kind: str, row, target, *, rule: str, changed: set[int], by: str = "", reason: str = "") -> int:
    """Move every version of name `row` to `target` (None: drop the name), keep `row.name` as an
    alias and on each version, and delete `row`."""
    manager, version_col, name_col = _links(kind)
    version_ids = list(manager.filter(**{name_col: row.id}).values_list(version_col, flat=True))
    _note_spelling(kind, version_ids, row.name, changed)
    if kind == "suite":
        if target is not None:
            already = set(
                manager.filter(suite_id=target.id, nosversion_id__in=version_ids).values_list("nosversion_id", flat=True)
            )
            manager.filter(suite_id=row.id, nosversion_id__in=already).delete()
            manager.filter(suite_id=row.id).update(suite_id=target.id)
        manager.filter(suite_id=row.id).delete()
    else:
        manager.filter(developed_by_id=row.id).update(developed_by_id=target.id if target is not None else None)
    NameAlias.objects.filter(**{_FIELD[kind]: row}).update(**{_FIELD[kind]: target})
    if target is not None:  # a spelling that is now the name shown is no alias
        NameAlias.objects.filter(kind=kind, spelling=target.name).delete()
    fields = {
        _FIELD[kind]: target,
        "rule": rule,
        "decided_by": by,
        "decided_at": timezone.now() if by else None,
        "reason": reason,
    }
    NameAlias.objects.update_or_create(kind=kind, spelling=row.name, defaults=fields)
    row.delete()
    return len(version_ids)


def _note_spelling(kind: str, version_ids: Sequence[int], spelling: str, changed: set[int]) -> None:
    field = _DOC_FIELD[kind]
    rows = []
    versions = NosVersion.objects.filter(id__in=version_ids).only("id", "standard_id", "source_names")
    for version in versions.iterator(chunk_size=2000):
        changed.add(version.standard_id)
        names = dict(version.source_names or {})
        if kind == "suite":
            if spelling in names.get(field, []):
                continue
            names[field] = [*names.get(field, []), spelling]
        elif field in names:
            continue
        else:
            names[field] = spelling
        version.source_names = names
        rows.append(version)
    NosVersion.objects.bulk_update(rows, ["source_names"], batch_size=1000)


def shown_name(kind: str, spelling: str) -> str:
    """The name `spelling` is shown as: itself when it is a name shown, else its alias's target
    (itself when it is neither, or was dropped)."""
    model = _MODEL[kind]
    if model.objects.filter(name=spelling).exists():
        return spelling
    alias = NameAlias.objects.filter(kind=kind, spelling=spelling).select_related(_FIELD[kind]).first()
    target = alias.target if alias is not None else None
    return target.name if target is not None else spelling


# -- listing and reviewing ---------------------------------------------------------------------


def name_aliases(kind: str | None = None) -> list[dict]:
    """Every alias: the spelling, the name it is shown as (None when dropped), the rule, who
    decided (for a reviewer's decision) and how many versions used the spelling."""
    if kind is not None and kind not in KINDS:
        raise InvalidParameter("kind", f"kind must be one of {', '.join(KINDS)}")
    aliases = NameAlias.objects.select_related("suite", "organisation")
    if kind:
        aliases = aliases.filter(kind=kind)
    out = []
    for a in aliases:
        target = a.target
        out.append(
            {
                "kind": a.kind,
                "spelling": a.spelling,
                "name": target.name if target is not None else None,
                "name_id": target.id if target is not None else None,
                "rule": a.rule,
                "decided_by": a.decided_by,
                "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                "reason": a.reason,
            }
        )
    return out


def decide(kind: str, spelling: str, name: str, *, by: str, reason: str = "") -> dict:
    """A reviewer's decision: versions whose source wrote `spelling` are shown under `name`
    (an existing name, merging into it, or a new one, undoing a merge: pass the spelling
    itself). `spelling` may also be a name as shown: its versions move, it becomes an alias.
    Later imports follow the decision. One transaction; returns the alias as `name_aliases` does."""
    if kind not in KINDS:
        raise InvalidParameter("kind", f"kind must be one of {', '.join(KINDS)}")
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidParameter("name", f"the name must be 1 to {NAME_MAX_LENGTH} characters")
    if not by:
        raise InvalidParameter("by", "say who decides")
    model, field = _MODEL[kind], _FIELD[kind]
    changed: set[int] = set()
    moved: set[int] = set()
    with transaction.atomic():
        alias = NameAlias.objects.filter(kind=kind, spelling=spelling).first()
        row = model.objects.filter(name=spelling).first()
        if alias is None and row is None:
            raise NotFound(f"no {kind} is spelt {spelling!r}")
        target, _ = model.objects.get_or_create(name=name)
        if row is not None and row != target:
            manager, version_col, name_col = _links(kind)
            moved.update(manager.filter(**{name_col: row.id}).values_list(version_col, flat=True))
            _move(kind, row, target, rule="reviewer", changed=changed, by=by, reason=reason)
        elif alias is not None:
            moved.update(_relink(kind, spelling, alias.target, target, changed))
        fields = {field: target, "rule": "reviewer", "decided_by": by, "decided_at": timezone.now(), "reason": reason}
        NameAlias.objects.update_or_create(kind=kind, spelling=spelling, defaults=fields)
        _refresh_hashes(moved)
    if changed:
        standards_changed.send(sender=decide, standard_ids=changed)
    return next(a for a in name_aliases(kind) if a["spelling"] == spelling)


def _relink(kind: str, spelling: str, old, new, changed: set[int]) -> set[int]:
    """Move the versions whose source wrote `spelling` from `old` (a name or None) to `new`;
    returns their ids."""
    field = _DOC_FIELD[kind]
    if kind == "suite":
        held = NosVersion.objects.filter(source_names__has_key=field).only("id", "standard_id", "source_names")
        versions = [v for v in held if spelling in v.source_names[field]]
        through = NosVersion.suites.through.objects
        for v in versions:
            if old is not None:
                through.filter(nosversion_id=v.id, suite_id=old.id).delete()
            through.get_or_create(nosversion_id=v.id, suite_id=new.id)
            changed.add(v.standard_id)
    else:
        found = NosVersion.objects.filter(**{f"source_names__{field}": spelling})
        versions = list(found.only("id", "standard_id"))
        changed.update(v.standard_id for v in versions)
        found.update(developed_by_id=new.id)
    if old is not None and old != new and not old.versions.exists() and not old.aliases.exclude(spelling=spelling).exists():
        old.delete()
    return {v.id for v in versions}


def _refresh_hashes(version_ids: set[int]) -> None:
    """Versions whose names changed: their fingerprint is of the document as now shown, so that
    importing their source again finds them unchanged."""
    rows = []
    for v in NosVersion.objects.filter(id__in=version_ids).select_related("developed_by"):
        v.content_hash = v.to_document().content_hash()
        rows.append(v)
    NosVersion.objects.bulk_update(rows, ["content_hash"], batch_size=1000)
