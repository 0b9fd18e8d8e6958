"""Writing NOS into the database: identity, versioning and the rule for the current version.

Rules (tested in tests/catalogue/test_identity.py and tests/core/test_identity.py):
- A record belongs to a standard with the same normalised URN: the one that already holds its
  content, else the one whose titles name the same standard
  (`noshub.core.titles.same_standard`), decided for a whole file at once by a best one-to-one
  assignment when the URN holds several standards (`noshub.core.identity`); if none does, the
  URN was reused for another standard: a new *variant* is made and every standard under that
  URN is flagged `urn_clash`. Importers call `VersionWriter.assign` with all of a file's
  records before saving them, so a file's outcome does not depend on the order of its rows.
- A record whose content equals a version the standard already has changes nothing.
  Otherwise it becomes a new version; nothing is edited in place or deleted.
- The current version is the one with the highest precedence (`precedence`): the latest
  version published through NOS Hub's approval workflow, whatever its validity; otherwise a
  version whose validity is *current* beats a legacy one; then the later `effective_at` (the
  source's Modified time, or the approval date, or the import time); then the later-imported
  version.

`VersionWriter` keeps what it needs in memory and writes in bulk, so the whole catalogue loads
in seconds. Use it inside ``transaction.atomic()`` and call `flush()` once at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from django.db import connection
from django.utils import timezone as dj_timezone

from noshub.core import identity
from noshub.core.model import NosDocument, check_storable, text_columns
from noshub.core.urns import VARIANT_SEPARATOR, normalise_urn

from .models import Keyword, NosSocCode, NosVersion, Occupation, Organisation, SocCode, Standard, Suite
from .names import NameResolver
from .signals import standards_changed

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Provenance:
    kind: str  # catalogue / json / page / edit
    file: str = ""
    row: int | None = None
    created: datetime | None = None
    modified: datetime | None = None
    pdf_name: str = ""
    raw: dict = field(default_factory=dict)
    effective_at: datetime | None = None  # overrides the derived time (used by page merges)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or dj_timezone.is_aware(value):
        return value
    return value.replace(tzinfo=timezone.utc)  # catalogue times carry no zone; read them as UTC


def precedence(validity: str, effective_at: datetime, sequence: int, kind: str = "") -> tuple:
    """Ordering of versions: the highest is current.

    Versions published through NOS Hub's own approval workflow (kind "edit") are
    authoritative: the latest of them is current whatever its validity, so publishing a
    withdrawal (a legacy version) takes effect. Among imported versions, one whose validity
    is current beats a legacy one (the catalogue keeps a NOS's superseded legacy record beside
    its current one), then the later time, then the later-imported version.
    """
    if kind == "edit":
        return (1, effective_at, sequence)
    return (0, validity == "current", effective_at, sequence)


@dataclass
class _VersionState:
    id: int | None
    validity: str
    effective_at: datetime
    sequence: int
    kind: str = ""
    pending: NosVersion | None = None
    document: NosDocument | None = None


@dataclass
class _StandardState:
    standard: Standard
    titles: set[str]
    hashes: set[str]
    versions: list[_VersionState]
    is_new: bool = False
    touched: bool = False

    def next_sequence(self) -> int:
        return max((v.sequence for v in self.versions), default=0) + 1

    def current(self, exclude_kind: str = "") -> _VersionState | None:
        versions = [v for v in self.versions if v.kind != exclude_kind]
        return max(versions, key=lambda v: precedence(v.validity, v.effective_at, v.sequence, v.kind), default=None)


class VersionWriter:
    def __init__(self) -> None:
        self.now = dj_timezone.now()
        self._orgs = dict(Organisation.objects.values_list("name", "id"))
        self._suites = dict(Suite.objects.values_list("name", "id"))
        self._occupations = dict(Occupation.objects.values_list("name", "id"))
        self._keywords = dict(Keyword.objects.values_list("key", "id"))
        self._soc = {(c, code): i for i, c, code in SocCode.objects.values_list("id", "classification", "code")}
        self.names = NameResolver()
        self._by_key: dict[str, list[_StandardState]] = {}
        states: dict[int, _StandardState] = {}
        for std in Standard.objects.all():
            state = _StandardState(std, set(), set(), [])
            states[std.id] = state
            self._by_key.setdefault(std.urn_key, []).append(state)
        rows = NosVersion.objects.values_list(
            "id", "standard_id", "title", "content_hash", "validity", "effective_at", "sequence", "source_kind"
        )
        for vid, sid, title, digest, validity, effective, seq, kind in rows.iterator(chunk_size=5000):
            state = states[sid]
            state.titles.add(title)
            state.hashes.add(digest)
            state.versions.append(_VersionState(vid, validity, effective, seq, kind))
        self._pending: list[tuple[_StandardState, _VersionState, NosDocument]] = []

    # -- identity -------------------------------------------------------------------------
    def assign(self, documents: Sequence[NosDocument], order: Sequence[tuple] | None = None) -> list[_StandardState]:
        """The standard of each document of one file, decided for the whole file at once
        (`noshub.core.identity`), new standards made where needed.

        `order` gives each document's order key (lowest first), used to decide which record
        founds a new standard; it should come from the records' content (validity, time), not
        from their position in the file. Call it before saving any of the documents."""
        self.names.prepare(documents)
        groups: dict[str, list[int]] = {}
        for i, doc in enumerate(documents):
            groups.setdefault(normalise_urn(doc.urn), []).append(i)
        result: list[_StandardState | None] = [None] * len(documents)
        for key, members in groups.items():
            states = list(self._by_key.get(key, []))
            records = [
                identity.Record(documents[i].title, documents[i].content_hash(), order[i] if order is not None else ())
                for i in members
            ]
            decided = identity.assign(records, [identity.Known(s.titles, s.hashes) for s in states])
            new = [self._new_standard(key, documents[members[f]].urn) for f in decided.founders]
            everyone = states + new
            for i, pick in zip(members, decided.standard, strict=True):
                result[i] = everyone[pick]
        return result

    def standard_for(self, urn: str, title: str, create: bool = True) -> _StandardState | None:
        """The standard a record of this URN and title belongs to (the most alike that names
        the same standard); a new one when none does and `create` is set."""
        key = normalise_urn(urn)
        states = self._by_key.get(key, [])
        decided = identity.assign([identity.Record(title, "")], [identity.Known(s.titles) for s in states])
        if decided.standard[0] < len(states):
            return states[decided.standard[0]]
        return self._new_standard(key, urn) if create else None

    def _new_standard(self, key: str, urn: str) -> _StandardState:
        candidates = self._by_key.setdefault(key, [])
        variant = len(candidates) + 1
        slug = key if variant == 1 else f"{key}{VARIANT_SEPARATOR}{variant}"
        state = _StandardState(Standard(urn_key=key, variant=variant, urn=urn, slug=slug), set(), set(), [], is_new=True)
        candidates.append(state)
        if len(candidates) > 1:
            for other in candidates:
                other.standard.urn_clash = True
                other.touched = True
        return state

    def states_for_urn(self, urn: str) -> list[_StandardState]:
        return list(self._by_key.get(normalise_urn(urn), []))

    def current_document(self, state: _StandardState, exclude_kind: str = "") -> NosDocument | None:
        """The document of the current version (or of the best version not of `exclude_kind`)."""
        current = state.current(exclude_kind)
        if current is None:
            return None
        if current.document is None:
            current.document = NosVersion.objects.get(id=current.id).to_document()
        return current.document

    # -- writing --------------------------------------------------------------------------
    def save(
        self, document: NosDocument, provenance: Provenance, state: _StandardState | None = None
    ) -> tuple[str, _StandardState]:
        check_storable(document)  # the readers reject such records first, naming their fields
        if state is None:
            (state,) = self.assign([document])
        # Suite and developer names as shown (`names.NameResolver`); the fingerprint is of the
        # document as stored, or, for a version stored before the names rule, as the source wrote it.
        source_digest = document.content_hash()
        document, source_names = self.names.resolve_document(document)
        digest = document.content_hash()
        if digest in state.hashes or source_digest in state.hashes:
            return UNCHANGED, state
        outcome = CREATED if (state.is_new and not state.versions) else UPDATED
        effective = provenance.effective_at or _aware(provenance.modified)
        if effective is None and document.date_approved:
            effective = datetime.combine(document.date_approved, time.min, tzinfo=timezone.utc)
        effective = effective or self.now
        sequence = state.next_sequence()
        version = NosVersion(
            sequence=sequence, source_names=source_names, **self._version_fields(document, provenance, digest, effective)
        )
        vstate = _VersionState(None, document.validity, effective, sequence, provenance.kind, pending=version, document=document)
        state.versions.append(vstate)
        state.titles.add(document.title)
        state.hashes.add(digest)
        state.touched = True
        self._pending.append((state, vstate, document))
        return outcome, state

    def _version_fields(self, doc: NosDocument, prov: Provenance, digest: str, effective: datetime) -> dict:
        return dict(
            **text_columns(doc),
            developed_by_id=self._lookup(self._orgs, Organisation, doc.developed_by, name=doc.developed_by)
            if doc.developed_by
            else None,
            originating_organisation=doc.originating_organisation,
            version_number=doc.version_number,
            date_approved=doc.date_approved,
            indicative_review_date=doc.indicative_review_date,
            indicative_review_date_raw=doc.indicative_review_date_raw,
            validity=doc.validity,
            status=doc.status,
            category=doc.category,
            original_urn=doc.original_urn,
            text_partial=doc.text_partial,
            source_kind=prov.kind,
            source_file=prov.file,
            source_row=prov.row,
            source_created=_aware(prov.created),
            source_modified=_aware(prov.modified),
            effective_at=effective,
            pdf_name=prov.pdf_name,
            raw=prov.raw,
            content_hash=digest,
        )

    def _ensure_lookups(self) -> None:
        """Create, in bulk, every suite, occupation, keyword and SOC code the pending versions name."""
        docs = [doc for _, _, doc in self._pending]
        wanted = (
            (Suite, "name", self._suites, {n: {"name": n} for d in docs for n in d.suites}),
            (Occupation, "name", self._occupations, {n: {"name": n} for d in docs for n in d.relevant_occupations}),
            (
                Keyword,
                "key",
                self._keywords,
                {_keyword_key(t): {"key": _keyword_key(t), "text": t[:255]} for d in docs for t in d.keywords},
            ),
        )
        for model, key_field, cache, items in wanted:
            missing = [model(**fields) for key, fields in items.items() if key not in cache]
            if missing:
                model.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
                cache.update(model.objects.values_list(key_field, "id"))
        socs = {(a.classification, a.code) for d in docs for a in d.soc_codes} - self._soc.keys()
        if socs:
            SocCode.objects.bulk_create([SocCode(classification=c, code=k) for c, k in socs], ignore_conflicts=True)
            self._soc = {(c, code): i for i, c, code in SocCode.objects.values_list("id", "classification", "code")}

    @staticmethod
    def _lookup(cache: dict, model, cache_key, **fields) -> int:
        if cache_key not in cache:
            cache[cache_key] = model.objects.create(**fields).id
        return cache[cache_key]

    def flush(self) -> None:
        """Write every pending standard and version, then the current pointers and clash flags."""
        states = {id(s): s for s, _, _ in self._pending}
        new_standards = [s.standard for s in states.values() if s.standard.pk is None]
        Standard.objects.bulk_create(new_standards, batch_size=2000)
        for s in states.values():
            s.is_new = False
        for state, vstate, _ in self._pending:
            vstate.pending.standard_id = state.standard.pk
        NosVersion.objects.bulk_create([v.pending for _, v, _ in self._pending], batch_size=1000)
        self._ensure_lookups()
        self.names.write_aliases({"suite": self._suites, "developer": self._orgs})
        suites, occupations, keywords, socs = [], [], [], []
        S, Oc, K = NosVersion.suites.through, NosVersion.occupations.through, NosVersion.keywords.through
        for _, vstate, doc in self._pending:
            vid = vstate.pending.pk
            vstate.id = vid
            suites += [S(nosversion_id=vid, suite_id=self._suites[name]) for name in doc.suites]
            occupations += [Oc(nosversion_id=vid, occupation_id=self._occupations[name]) for name in doc.relevant_occupations]
            keywords += [K(nosversion_id=vid, keyword_id=self._keywords[_keyword_key(text)]) for text in doc.keywords]
            socs += [
                NosSocCode(
                    version_id=vid, soc_code_id=self._soc[(soc.classification, soc.code)], source="catalogue", position=position
                )
                for position, soc in enumerate(doc.soc_codes)
            ]
        for model, rows in ((S, suites), (Oc, occupations), (K, keywords), (NosSocCode, socs)):
            model.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=model is not NosSocCode)
        changed_ids = {state.standard.pk for state in states.values()}
        # A standard made by `assign` or `standard_for` but given no version is not written.
        touched = [s for states_ in self._by_key.values() for s in states_ if s.touched and s.versions]
        for s in touched:
            s.standard.current_id = s.current().id
            s.touched = False
        _update_many(
            Standard, ["current_id", "urn_clash"], [(s.standard.current_id, s.standard.urn_clash, s.standard.pk) for s in touched]
        )
        new_version_ids = [v.id for _, v, _ in self._pending]
        self._pending.clear()
        # Only new standards can be named by older versions; otherwise only new versions need a look.
        link_originals(None if new_standards else new_version_ids)
        standards_changed.send(sender=VersionWriter, standard_ids={s.standard.pk for s in touched} | changed_ids)


def _keyword_key(text: str) -> str:
    return text.lower()[:255]


def link_originals(version_ids: list[int] | None = None) -> int:
    """Point each version's Original URN at the standard it names, where NOS Hub holds it.

    `version_ids` limits the work to new versions; None looks at every version (needed when
    new standards appear, since older versions may name them)."""
    by_key: dict[str, int] = {}
    for sid, key in Standard.objects.order_by("urn_key", "variant").values_list("id", "urn_key"):
        by_key.setdefault(key, sid)  # a clashing URN links to its first standard
    changed = []
    rows = NosVersion.objects.exclude(original_urn="").only("id", "original_urn", "original_standard_id", "standard_id")
    if version_ids is not None:
        rows = rows.filter(id__in=version_ids)
    for version in rows.iterator(chunk_size=5000):
        target = by_key.get(normalise_urn(version.original_urn))
        if target == version.standard_id:
            target = None  # a NOS that names itself is the original
        if target != version.original_standard_id:
            version.original_standard_id = target
            changed.append(version)
    _update_many(NosVersion, ["original_standard_id"], [(v.original_standard_id, v.pk) for v in changed])
    return len(changed)


def _update_many(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE … WHERE id = %s for many rows in one executemany: far faster than bulk_update's CASE."""
    if not rows:
        return
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn('id')} = %s", rows)
