"""Backup and restore of the whole store: `noshub export FILE` and `noshub restore FILE`.

A backup is a JSON Lines file (gzip-compressed when its name ends in ``.gz``), written by Django's
own serialization framework (the "jsonl" serializer behind ``dumpdata``/``loaddata``):

* line 1, the header: ``{"format": "noshub-backup", "format_version": 1, "noshub": "<version>",
  "migrations": {app: [applied migration names]}, "counts": {model: rows}}``;
* then one line per row, ``{"model": "catalogue.nosversion", "pk": 17, "fields": {…}}``, model by
  model in the order of `STORE`, each ordered by primary key. Many-to-many links are lists in the
  row that holds them; links to auth permissions, groups and users are natural keys (codename,
  name, username), so they survive a database whose permission ids differ.

The file is deterministic: the same store gives the same bytes (rows by primary key, keys of every
JSON object sorted, no timestamp in the header, gzip without a file name or time), so export →
restore → export gives identical files, and SQLite and PostgreSQL holding the same store give the
same file (PostgreSQL's jsonb keeps no key order; sorted keys make the two agree). Primary keys
are kept, so every reference survives (a standard's current version, decisions' targets …).
Datetimes keep their microseconds (Django's default JSON encoder cuts them to milliseconds).

What the store is (`STORE`): every standard and every NOS version with its vocabulary links and
SOC codes (catalogue links and the derived SOC 2020 links, which took a coder run to make), the
vocabularies, import runs, SOC reference data (ONS structure, coding index, 2010→2020 table),
crosswalk sources, SOC review decisions and coding runs, duplicate detection runs and
reviewers' decisions, every lifecycle record (profiles, projects, nation parts, approvals,
drafts, consultation comments, audit log), users and groups, the admin's change log and the log
of searches. What it is not (`NOT_STORED`, each with its reason): content types and permissions
(made by ``noshub db migrate``), sessions (people sign in again) and the search index, its state
and sentence vectors, which are derived and rebuilt after a restore.

A restore goes only into an empty database migrated to the backup's migrations, all in one
transaction: a bad line (malformed JSON, an unknown model or field, a value of the wrong type, a
broken reference) is an `ImportRejected` naming the line and field, and nothing is written.
PostgreSQL sequences are moved past the restored primary keys.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from noshub.core.errors import ImportRejected
from noshub.core.progress import ProgressCallback, tell

FORMAT = "noshub-backup"
FORMAT_VERSION = 1

# The store, in the order it is written and restored: a row refers only to rows of models
# before it (or of its own model), except a standard's current version, which the database
# checks when the transaction ends.
STORE: tuple[str, ...] = (
    "auth.group",
    "auth.user",
    "catalogue.organisation",
    "catalogue.suite",
    "catalogue.namealias",
    "catalogue.occupation",
    "catalogue.keyword",
    "catalogue.soccode",
    "catalogue.standard",
    "catalogue.nosversion",
    "catalogue.nossoccode",
    "catalogue.importrun",
    "soc.socgroup",
    "soc.codingindexentry",
    "soc.socrelationship",
    "soc.crosswalksource",
    "soc.socdecision",
    "soc.codingrun",
    "cleansing.detectionrun",
    "cleansing.duplicategroup",
    "cleansing.groupmember",
    "cleansing.decision",
    "lifecycle.profile",
    "lifecycle.project",
    "lifecycle.nationpart",
    "lifecycle.approval",
    "lifecycle.draft",
    "lifecycle.comment",
    "lifecycle.auditentry",
    "lifecycle.ownerconsent",
    "lifecycle.consultationevent",
    "lifecycle.reviewreminder",
    "qualifications.framework",
    "qualifications.qualification",
    "qualifications.unitgroup",
    "qualifications.unit",
    "qualifications.unitlink",
    "qualifications.linkdecision",
    "qualifications.changealert",
    "behaviours.behaviour",
    "behaviours.evidence",
    "behaviours.mapping",
    "behaviours.event",
    "themes.reachdecision",
    "themes.functionalmap",
    "themes.mapnode",
    "themes.placement",
    "themes.placementdecision",
    "search.querylog",
    "monitoring.measure",
    "monitoring.measurevalue",
    "monitoring.dailyusage",
    "admin.logentry",
)

NOT_STORED: dict[str, str] = {
    "contenttypes.contenttype": "made by `noshub db migrate`; rows name content types by natural key",
    "auth.permission": "made by `noshub db migrate`; groups and users name permissions by natural key",
    "sessions.session": "sign-ins in progress: people sign in again",
    "search.searchdocument": "derived: the search index is rebuilt from the catalogue after a restore",
    "search.indexstate": "derived: set by the rebuild of the search index",
    "catalogue.cataloguestamp": "derived: where the caches of what pages show stand; moved on by the rebuilds after a restore",
    "search.embedding": "derived: sentence vectors are recomputed (from the machine's cache) after a restore",
    "axes.accessattempt": "sign-in throttling (django-axes): failed attempts count for 15 minutes only",
    "axes.accessattemptexpiration": "sign-in throttling (django-axes): when a count of failed attempts ends",
    "axes.accessfailurelog": "sign-in throttling (django-axes): short-lived records of failed sign-ins",
    "axes.accesslog": "sign-in throttling (django-axes): a log of sign-ins, personal data not carried between databases",
    "monitoring.usageevent": "raw counted requests, waiting to be folded into daily counts (noshub monitoring aggregate)",
    "monitoring.usagesalt": "a day's salt of API client hashes: never carried, so no hash can be tied to an address",
    "themes.buildrun": "derived: `noshub themes build` classes every NOS and finds theme embeddings again",
    "themes.reach": "derived: `noshub themes build` (people's decisions on a class are stored: themes.reachdecision)",
    "themes.embedding": "derived: `noshub themes build` finds the theme embeddings again",
    "frameworks.externaloccupation": "derived: `noshub frameworks build` reads ESCO, O*NET and IfATE from the data directory again",
    "frameworks.occupationlink": "derived: `noshub frameworks build` links them on SOC 2020 again (no person's decision is held yet)",
    "soc.coderfit": "derived: a fit is a file on the machine that made it; `noshub restore` fits the SOC coder again",
}

# Rows a freshly migrated database already holds: the lifecycle roles (lifecycle migrations 0002
# and 0004). A restore replaces them with the backup's groups.
SEEDED_GROUPS = (
    "public",
    "standards developer",
    "nation reviewer",
    "administrator",
    "steering group member",
    "standards and frameworks panel",
)

BATCH = 500  # rows per INSERT


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def store_models() -> list[type[models.Model]]:
    """The models of `STORE`, after checking that every concrete model is either stored or named
    in `NOT_STORED` (a new model must be placed in one of the two)."""
    known = set(STORE) | set(NOT_STORED)
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        if opts.label_lower not in known:
            raise RuntimeError(f"{opts.label_lower} is neither in noshub.backup.STORE nor in NOT_STORED: place it in one")
    return [apps.get_model(label) for label in STORE]


def _version() -> str:
    try:
        return metadata.version("noshub")
    except metadata.PackageNotFoundError:
        return "unknown"


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _open_read(path: Path):
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    if raw.read(2) == b"\x1f\x8b":  # gzip, whatever the name
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb")
    raw.seek(0)
    return raw


def _rows(queryset, label: str, total: int, progress: ProgressCallback | None) -> Iterator[models.Model]:
    stage = f"Exporting {label}"
    if not total:
        progress = None  # no line for an empty table
    tell(progress, stage, 0, total)
    done = 0
    for done, obj in enumerate(queryset.iterator(chunk_size=2000), start=1):
        if done % 1000 == 0:
            tell(progress, stage, done, total)
        yield obj
    tell(progress, stage, done, total)


def export(path: Path | str, progress: ProgressCallback | None = None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write the whole store to `path` (see the module's docstring); returns rows per model. The
    file appears only when complete (it is written beside it, then renamed)."""
    path = Path(path)
    store = store_models()
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # One snapshot of the whole store, whatever is written meanwhile (SQLite's read
            # transaction is one already).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = {m._meta.label_lower: m._base_manager.using(using).count() for m in store}
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "noshub": _version(),
            "migrations": _applied_migrations(using),
            "counts": counts,
        }
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "wb") as file:
                # No file name and no time in the gzip header, so equal stores give equal bytes.
                sink = gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0) if path.name.endswith(".gz") else file
                out = io.TextIOWrapper(sink, encoding="utf-8", newline="\n")
                out.write(json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n")
                for model in store:
                    label = model._meta.label_lower
                    queryset = model._base_manager.using(using).order_by("pk")
                    m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
                    if m2m:
                        queryset = queryset.prefetch_related(*m2m)
                    serializers.serialize(
                        "jsonl",
                        _rows(queryset, label, counts[label], progress),
                        stream=out,
                        use_natural_foreign_keys=True,
                        cls=_Encoder,
                        sort_keys=True,
                    )
                out.close()  # flushes, and ends the gzip stream
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return counts


# -- restore ------------------------------------------------------------------------------------


def occupied_tables(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The store's rows that a restore would collide with: {} for an empty database (the groups
    its migrations made, with no member and no permission, do not count)."""
    found = {}
    for model in store_models():
        qs = model._base_manager.using(using).all()
        if model._meta.label_lower == "auth.group":
            qs = qs.exclude(name__in=SEEDED_GROUPS, permissions__isnull=True, user__isnull=True)
        count = qs.count()
        if count:
            found[model._meta.label_lower] = count
    return found


class _Restorer:
    def __init__(self, name: str, using: str, progress: ProgressCallback | None, counts: dict[str, int]):
        self.name = name
        self.using = using
        self.connection = connections[using]
        self.progress = progress
        self.total = sum(counts.values())
        self.done = 0
        self.model: type[models.Model] | None = None
        self.rows: list[tuple[int, object]] = []  # (line, DeserializedObject)
        self.lines: dict[tuple[str, str], int] = {}  # (table, pk) → line, to place a broken reference

    def reject(self, line: int | None, reason: str, field: str | None = None) -> ImportRejected:
        return ImportRejected(self.name, reason, row=line, field=field)

    def add(self, line: int, record: object) -> str:
        if not isinstance(record, dict) or not isinstance(record.get("model"), str) or not isinstance(record.get("fields"), dict):
            raise self.reject(line, 'not a row of a backup: expected {"model": …, "pk": …, "fields": {…}}')
        label = record["model"].lower()
        if label not in STORE:
            raise self.reject(line, f"{record['model']!r} is not part of a NOS Hub backup", "model")
        model = apps.get_model(label)
        if model is not self.model:
            self.flush()
            self.model = model
        try:
            (row,) = PythonDeserializer([record], using=self.using)
        except (DeserializationError, ValidationError, FieldDoesNotExist, ValueError, TypeError, LookupError) as exc:
            raise self.reject(line, self._why(model, record, exc), self._culprit(model, record)) from None
        if row.object.pk is None:
            raise self.reject(line, "a row of a backup must keep its primary key", "pk")
        self.rows.append((line, row))
        self.lines[(model._meta.db_table, str(row.object.pk))] = line
        if len(self.rows) >= BATCH:
            self.flush()
        return label

    @staticmethod
    def _why(model, record, exc) -> str:
        text = str(exc.messages[0] if isinstance(exc, ValidationError) else exc)
        return re.sub(r"^\[['\"](.*)['\"]\]", r"\1", text)

    def _culprit(self, model, record) -> str | None:
        """The field whose value Django refuses (the deserializer's message does not name it)."""
        try:
            model._meta.pk.to_python(record.get("pk"))
        except Exception:
            return "pk"
        for name, value in record["fields"].items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return name
            if field.is_relation and (field.many_to_many or isinstance(value, list)):
                target = field.remote_field.model
                try:
                    items = value if field.many_to_many else [value]
                    for item in items:
                        if isinstance(item, list):
                            target._default_manager.db_manager(self.using).get_by_natural_key(*item)
                        else:
                            target._meta.pk.to_python(item)
                except Exception:
                    return name
                continue
            try:
                (field.target_field if field.is_relation else field).to_python(value)
            except Exception:
                return name
        return None

    def flush(self) -> None:
        if not self.rows:
            return
        model = self.model
        fields = [f for f in model._meta.local_concrete_fields]
        objects = [row.object for _, row in self.rows]
        try:
            with transaction.atomic(using=self.using):
                # raw=True: the values as stored (auto_now and auto_now_add fields keep theirs),
                # as loaddata's save(raw=True) does, but a batch at a time.
                model._base_manager.using(self.using)._insert(objects, fields=fields, raw=True, using=self.using)
                self._insert_links()
        except (IntegrityError, DatabaseError) as exc:
            self._find_bad_row(exc)
        self.done += len(self.rows)
        tell(self.progress, "Restoring rows", self.done, self.total)
        self.rows = []

    def _insert_links(self, rows=None) -> None:
        for field in self.model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            links = [
                through(**{f"{source}_id": row.object.pk, f"{target}_id": pk})
                for _, row in (rows or self.rows)
                for pk in (row.m2m_data or {}).get(field.name, ())
            ]
            through._base_manager.using(self.using).bulk_create(links, batch_size=BATCH)

    def _find_bad_row(self, exc: Exception):
        """A batch failed: insert its rows one by one to name the line that the database refuses."""
        for line, row in self.rows:
            try:
                with transaction.atomic(using=self.using):
                    self.model._base_manager.using(self.using)._insert(
                        [row.object], fields=list(self.model._meta.local_concrete_fields), raw=True, using=self.using
                    )
                    self._insert_links([(line, row)])
            except (IntegrityError, DatabaseError) as one:
                raise self.reject(line, f"the database refuses this row: {one}".strip()) from None
        raise self.reject(None, f"the database refuses rows of {self.model._meta.label_lower}: {exc}") from None

    def check_references(self, store: list[type[models.Model]]) -> None:
        """Every reference points at a row (checked now, to name the row, rather than at commit)."""
        try:
            self.connection.check_constraints(table_names=[m._meta.db_table for m in store])
        except IntegrityError as exc:
            message = " ".join(str(exc).split())
            # SQLite names the row: "The row in table 't' with primary key 'p' has an invalid
            # foreign key: t.c contains …"; PostgreSQL the value: 'on table "t" … Key (c)=(v)'.
            sqlite = re.search(r"table '([^']+)' with primary key '([^']+)'.*?: \w+\.(\w+) contains", message)
            postgres = re.search(r'on table "([^"]+)".*?Key \((\w+)\)=', message)
            table, column, line = None, None, None
            if sqlite:
                table, column, line = sqlite[1], sqlite[3], self.lines.get((sqlite[1], sqlite[2]))
            elif postgres:
                table, column = postgres[1], postgres[2]
            field = next(
                (f.name for m in store if m._meta.db_table == table for f in m._meta.concrete_fields if f.column == column),
                column,
            )
            raise self.reject(line, f"refers to a row the backup does not hold: {message}", field) from None


def _read_header(name: str, first: bytes | None) -> dict:
    if not first:
        raise ImportRejected(name, "empty file: not a NOS Hub backup", row=1)
    try:
        header = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(name, f"not a NOS Hub backup (its first line is not a JSON header: {exc})", row=1) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ImportRejected(name, f'not a NOS Hub backup (the first line has no "format": "{FORMAT}")', row=1, field="format")
    if header.get("format_version") != FORMAT_VERSION:
        raise ImportRejected(
            name,
            f"backup format {header.get('format_version')!r}; this NOS Hub reads format {FORMAT_VERSION}",
            row=1,
            field="format_version",
        )
    counts, migrations = header.get("counts"), header.get("migrations")
    if not isinstance(counts, dict) or not all(isinstance(n, int) and not isinstance(n, bool) for n in counts.values()):
        raise ImportRejected(name, 'the header must hold "counts", rows per table', row=1, field="counts")
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) and all(isinstance(n, str) for n in names) for names in migrations.values()
    ):
        raise ImportRejected(name, 'the header must hold "migrations", the names applied per app', row=1, field="migrations")
    return header


def _check_migrations(name: str, header: dict, using: str) -> None:
    theirs = {(app, m) for app, names in header["migrations"].items() for m in names}
    ours = {(app, m) for app, names in _applied_migrations(using).items() for m in names}
    if theirs != ours:
        missing = sorted(f"{a}.{m}" for a, m in theirs - ours)
        extra = sorted(f"{a}.{m}" for a, m in ours - theirs)
        detail = "; ".join(
            part
            for part in (
                f"the database lacks {', '.join(missing[:5])}" if missing else "",
                f"the backup was made before {', '.join(extra[:5])}" if extra else "",
            )
            if part
        )
        raise ImportRejected(
            name,
            f"the backup was made by NOS Hub {header.get('noshub', '?')} at other database migrations ({detail}): "
            "restore it into a database of the NOS Hub version that made it, then upgrade that with `noshub db migrate`",
            row=1,
            field="migrations",
        )


def _check_length(name: str, path: Path, header: dict) -> None:
    """Before anything is written: the file reads to its end (a cut gzip stream raises here) and
    holds as many rows as its header counts, so a damaged or cut backup is refused in seconds,
    not after minutes of writing rows that are then rolled back. (Rows are only counted here;
    the restore itself reads each one.)"""
    rows = line = 0
    with _open_read(path) as stream:
        for text in stream:  # the header first: not a row
            line += 1
            rows += bool(text.strip())
    rows -= 1
    expected = sum(header["counts"].values())
    if rows != expected:
        why = "cut short?" if rows < expected else "rows added after it was written?"
        raise ImportRejected(
            name, f"the file does not hold the rows its header counts ({why}): {rows:,} rows where it counts {expected:,}", row=line
        )


def restore(
    path: Path | str, progress: ProgressCallback | None = None, using: str = DEFAULT_DB_ALIAS, semantic: bool = True
) -> dict[str, int]:
    """Restore a backup written by `export` into this empty, migrated database, in one
    transaction, then rebuild the search index (and, with `semantic`, the sentence vectors);
    returns rows per model. Raises `ImportRejected` (nothing written) for a bad file or a
    database that is not empty."""
    path = Path(path)
    name = path.name
    try:
        stream = _open_read(path)
    except FileNotFoundError:
        raise ImportRejected(name, "file not found") from None
    with stream:
        lines = enumerate(stream, start=1)
        try:
            header = _read_header(name, next(lines, (1, None))[1])
            _check_migrations(name, header, using)
            occupied = occupied_tables(using)
            if occupied:
                shown = ", ".join(f"{n:,} {label}" for label, n in list(occupied.items())[:4])
                raise ImportRejected(
                    name,
                    f"the database is not empty (it holds {shown} …): a backup is restored only into an empty "
                    "database; create a new one and run `noshub db migrate` first",
                )
            tell(progress, "Checking the file")
            _check_length(name, path, header)
            counts = {label: 0 for label in STORE}
            with transaction.atomic(using=using):
                restorer = _Restorer(name, using, progress, header["counts"])
                apps.get_model("auth.group")._base_manager.using(using).filter(name__in=SEEDED_GROUPS).delete()
                line = 1
                for line, text in lines:
                    if not text.strip():
                        continue
                    try:
                        record = json.loads(text.decode("utf-8"))
                    except UnicodeDecodeError as exc:
                        raise ImportRejected(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})", row=line) from None
                    except json.JSONDecodeError as exc:
                        raise ImportRejected(name, f"malformed JSON: {exc.msg} (column {exc.colno})", row=line) from None
                    counts[restorer.add(line, record)] += 1
                restorer.flush()
                expected = {label: header["counts"].get(label, 0) for label in STORE}
                if counts != expected:
                    short = [f"{label} {counts[label]:,} of {expected[label]:,}" for label in STORE if counts[label] != expected[label]]
                    raise ImportRejected(
                        name, f"the file does not hold the rows its header counts (cut short?): {'; '.join(short[:5])}", row=line
                    )
                store = store_models()
                restorer.check_references(store)
                _reset_sequences(using, store)
                tell(progress, "Rebuilding the search index")
                from noshub.search.services import reindex

                reindex()
        except (EOFError, gzip.BadGzipFile, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise ImportRejected(name, f"the file is damaged or cut short: {exc}") from None
    if semantic:
        from noshub.search.semantic import build_embeddings

        build_embeddings(progress=progress)
    return counts


def _reset_sequences(using: str, store: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the restored ids (SQLite does it by itself), as loaddata does."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(store))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
