"""`noshub export` / `noshub restore` on the whole real store (noshub/backup.py): export → empty
database → restore → export gives identical bytes; a restore refuses a database that is not
empty; a bad or cut file leaves nothing behind; new rows after a restore get fresh ids.

"Empty database" here is the loaded test database emptied inside the test's transaction (store
tables, search index, and on PostgreSQL the id sequences set back to 1, as in a new database);
bench/backup.py does the same round trip between two real databases, on both engines."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.utils import timezone

from noshub import backup
from noshub.catalogue.models import NosVersion, Organisation, Standard
from noshub.cleansing.models import Decision, DetectionRun, DuplicateGroup, GroupMember
from noshub.cli import main
from noshub.core.errors import ImportRejected
from noshub.lifecycle.models import Approval, AuditEntry, Comment, Draft, NationPart, Profile, Project
from noshub.search.models import Embedding, IndexState, QueryLog, SearchDocument
from noshub.soc.models import SocDecision

pytestmark = pytest.mark.django_db


def _store_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backup.store_models()}


def _empty_the_store() -> None:
    """Make the test database look like a new, migrated one (inside the test's transaction)."""
    for model in [*reversed(backup.store_models()), SearchDocument, Embedding, IndexState]:
        for field in model._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:
                field.remote_field.through._base_manager.all()._raw_delete(connection.alias)
        model._base_manager.all()._raw_delete(connection.alias)
    if connection.vendor == "postgresql":  # sequences are not transactional: _reset_sequences puts them back
        with connection.cursor() as cursor:
            for model in backup.store_models():
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [model._meta.db_table])
    Group.objects.bulk_create([Group(name=name) for name in backup.SEEDED_GROUPS])  # migration 0002's roles
    assert not backup.occupied_tables()


@pytest.fixture
def sequences_put_back():
    """PostgreSQL sequences are not rolled back with the test's transaction: put them back."""
    saved = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in backup.store_models():
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
                (sequence,) = cursor.fetchone()
                cursor.execute(f"SELECT last_value FROM {sequence}")
                saved[sequence] = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        for sequence, value in saved.items():
            cursor.execute("SELECT setval(%s, %s)", [sequence, value])


def _add_records_of_every_kind() -> None:
    """Users, roles, decisions, a detection run, a lifecycle project with its parts, a query log
    entry: the store beside the catalogue, on real standards."""
    reviewer = User.objects.create_user("reviewer", "r@example.org", "pw", first_name="Rhian")
    reviewer.groups.add(Group.objects.get(name="administrator"))
    reviewer.user_permissions.add(Permission.objects.get(codename="record_decision"))
    Group.objects.get(name="nation reviewer").permissions.add(Permission.objects.get(codename="review_soc"))
    a, b = Standard.objects.exclude(current=None).order_by("id")[:2]
    run = DetectionRun.objects.create(started_at=timezone.now(), corpus_size=2, settings={"threshold": 0.9, "a": [1]})
    group = DuplicateGroup.objects.create(run=run, key="k" * 40, kind="exact", score=0.97, min_score=0.95, size=2, canonical=a)
    GroupMember.objects.create(group=group, standard=a, is_canonical=True)
    GroupMember.objects.create(group=group, standard=b)
    first = Decision.objects.create(standard=b, sequence=1, action="imported_copy_of", target=a, reason="copy", decided_by=reviewer)
    Decision.objects.create(standard=b, sequence=2, action="reverse", reason="not a copy", decided_by=reviewer, previous=None, reverses=first)
    SocDecision.objects.create(standard=a, version=a.current, soc2020="5434", action="choose", reviewer=reviewer, reason="Gŵr")
    Profile.objects.create(user=reviewer, organisation=a.current.developed_by, nation="wales")
    project = Project.objects.create(title="Review of two NOS", organisation=a.current.developed_by, created_by=reviewer)
    NationPart.objects.create(project=project, nation="wales", rationale="Angen")
    Approval.objects.create(project=project, approval="draft", nation="wales", response="approved", responded_at=timezone.now())
    draft = Draft.objects.create(
        project=project,
        action="revise",
        standard=a,
        base_version=a.current,
        urn=a.urn,
        title="A draft",
        performance_criteria=[{"ref": "P1", "text": "Do it"}],
        soc_codes=[{"code": "5119", "classification": "2010"}],
    )
    Comment.objects.create(project=project, draft=draft, item_ref="P1", text="Good", email="x@example.org")
    AuditEntry.objects.create(user=reviewer, username="reviewer", action="create", project=project, summary="made", after={"b": 1, "a": 2})
    QueryLog.objects.create(query="hgv driver", results=3, mode="hybrid", engine="sqlite", duration_ms=1.5)
    # An auto_now_add time with microseconds, which Django's own JSON encoder would cut.
    Project.objects.filter(id=project.id).update(created_at=timezone.now().replace(microsecond=123456) - timedelta(days=1))


def test_every_model_is_either_stored_or_said_to_be_derived():
    assert not set(backup.STORE) & set(backup.NOT_STORED)
    assert len(backup.store_models()) == len(backup.STORE)  # raises on a model placed in neither


def test_export_empty_restore_export_gives_identical_bytes(tmp_path, load_reports, sequences_put_back):
    from noshub.search.services import search

    _add_records_of_every_kind()
    first, second = tmp_path / "first.jsonl.gz", tmp_path / "second.jsonl.gz"
    counts = backup.export(first)
    assert counts == _store_counts()
    assert counts["catalogue.nosversion"] > 20000 and counts["soc.codingindexentry"] > 30000
    before = {
        "versions": list(NosVersion.objects.order_by("pk").values_list("pk", "standard_id", "imported_at", "content_hash", "raw")),
        "current": list(Standard.objects.order_by("pk").values_list("pk", "current_id")),
        "projects": list(Project.objects.values_list("pk", "created_at", "updated_at")),
        "keywords": sorted(NosVersion.keywords.through.objects.values_list("nosversion_id", "keyword_id")),
        "groups": sorted(User.objects.get(username="reviewer").groups.values_list("name", flat=True)),
        "hgv": [h.slug for h in search("hgv driver", mode="keyword").hits][:10],
    }

    _empty_the_store()
    restored = backup.restore(first, semantic=False)
    assert restored == counts
    assert _store_counts() == counts

    backup.export(second)
    assert first.read_bytes() == second.read_bytes()
    after = {
        "versions": list(NosVersion.objects.order_by("pk").values_list("pk", "standard_id", "imported_at", "content_hash", "raw")),
        "current": list(Standard.objects.order_by("pk").values_list("pk", "current_id")),
        "projects": list(Project.objects.values_list("pk", "created_at", "updated_at")),
        "keywords": sorted(NosVersion.keywords.through.objects.values_list("nosversion_id", "keyword_id")),
        "groups": sorted(User.objects.get(username="reviewer").groups.values_list("name", flat=True)),
        "hgv": [h.slug for h in search("hgv driver", mode="keyword").hits][:10],
    }
    assert after == before  # microseconds too, and the search index rebuilt
    assert before["projects"][0][1].microsecond == 123456
    assert SearchDocument.objects.count() == Standard.objects.count()
    assert User.objects.get(username="reviewer").check_password("pw")

    # A new row after a restore gets a fresh id (PostgreSQL: the sequences were moved on).
    top = Organisation.objects.order_by("-id").values_list("id", flat=True).first()
    assert Organisation.objects.create(name="A new organisation after the restore").id > top
    assert User.objects.create_user("after-restore").id > User.objects.get(username="reviewer").id


@pytest.fixture(scope="module")
def full_backup(tmp_path_factory, django_db_setup, django_db_blocker):
    """A backup of the loaded real data, made once for the tests below."""
    if django_db_setup is None:
        pytest.skip("real data not loaded")
    path = tmp_path_factory.mktemp("backup") / "full.jsonl.gz"
    with django_db_blocker.unblock():
        backup.export(path)
    return path


def _header(**counts) -> dict:
    return {
        "format": backup.FORMAT,
        "format_version": backup.FORMAT_VERSION,
        "noshub": "test",
        "migrations": backup._applied_migrations("default"),
        "counts": counts,
    }


def _write(path, lines) -> None:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), encoding="utf-8")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, load_reports):
    path = tmp_path / "small.jsonl"
    _write(path, [_header(**{"catalogue.organisation": 1}), {"model": "catalogue.organisation", "pk": 999999, "fields": {"name": "X"}}])
    before = _store_counts()
    with pytest.raises(ImportRejected, match="the database is not empty .*20,9\\d\\d catalogue.standard|not empty"):
        backup.restore(path, semantic=False)
    result = CliRunner().invoke(main, ["restore", str(path)])
    assert result.exit_code == 1
    assert "the database is not empty" in result.output and "nothing was restored" in result.output
    assert _store_counts() == before
    assert not Organisation.objects.filter(id=999999).exists()


def _rejection(path) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        backup.restore(path, semantic=False)
    return caught.value


def test_a_bad_row_late_in_a_full_backup_leaves_nothing(tmp_path, full_backup, load_reports, sequences_put_back):
    with gzip.open(full_backup, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    # The last NOS version: every row before it is written before the bad one is read.
    number = max(i for i, line in enumerate(lines) if '"catalogue.nosversion"' in line and json.loads(line).get("model") == "catalogue.nosversion")
    row = json.loads(lines[number])
    row["fields"]["date_approved"] = "the 5th of Never"
    lines[number] = json.dumps(row)
    bad = tmp_path / "bad.jsonl.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines))
    _empty_the_store()
    error = _rejection(bad)
    assert (error.rejection.row, error.rejection.field) == (number + 1, "date_approved")
    assert "bad.jsonl.gz" in str(error) and "the 5th of Never" in str(error)
    assert not backup.occupied_tables()  # nothing half-restored


def test_a_cut_backup_leaves_nothing(tmp_path, full_backup, load_reports, sequences_put_back, monkeypatch):
    """A cut backup is refused before any row is written (the file is read to its end and its
    rows counted first), not after most of it was written and rolled back."""

    def written(self, line, record):
        raise AssertionError(f"row {line} was written before the cut was found")

    monkeypatch.setattr(backup._Restorer, "add", written)
    data = full_backup.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) * 9 // 10])
    _empty_the_store()
    assert "damaged or cut short" in str(_rejection(cut))
    assert not backup.occupied_tables()

    # Cut at a line end (a plain file): the header's counts tell.
    with gzip.open(full_backup, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    short = tmp_path / "short.jsonl"
    short.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    error = _rejection(short)
    assert "does not hold the rows its header counts (cut short?)" in str(error)
    assert not backup.occupied_tables()


H = "header"  # in the cases below: the header line, with these row counts


@pytest.mark.parametrize(
    ("lines", "row", "field", "words"),
    [
        (["not json"], 1, None, "not a NOS Hub backup"),
        ([{"format": "something else"}], 1, "format", "not a NOS Hub backup"),
        ([(H, {}, {"migrations": {"catalogue": ["0001_initial"]}})], 1, "migrations", "other database migrations"),
        ([(H, {"catalogue.organisation": 1}), "{oops"], 2, None, "malformed JSON"),
        ([(H, {"sessions.session": 1}), {"model": "sessions.session", "pk": "x", "fields": {}}], 2, "model", "not part of"),
        (
            [(H, {"catalogue.organisation": 1}), {"model": "catalogue.organisation", "pk": 5, "fields": {"name": "X", "colour": "red"}}],
            2,
            "colour",
            "has no field named 'colour'",
        ),
        ([(H, {"catalogue.suite": 1}), {"model": "catalogue.suite", "pk": "five", "fields": {"name": "X"}}], 2, "pk", "five"),
        (
            [(H, {"catalogue.organisation": 1}), {"model": "catalogue.organisation", "pk": 1, "fields": {"name": None}}],
            2,
            None,
            "database refuses",
        ),
        (
            [
                (H, {"catalogue.organisation": 1, "catalogue.standard": 1}),
                {"model": "catalogue.organisation", "pk": 1, "fields": {"name": "X"}},
                {
                    "model": "catalogue.standard",
                    "pk": 7,
                    "fields": {
                        "urn_key": "A1",
                        "variant": 1,
                        "urn": "A1",
                        "slug": "A1",
                        "urn_clash": False,
                        "current": 424242,
                        "created_at": "2024-01-01T00:00:00Z",
                    },
                },
            ],
            3,
            "current",
            "424242",
        ),
        (
            [(H, {"catalogue.organisation": 1}), *({"model": "catalogue.organisation", "pk": n, "fields": {"name": f"X{n}"}} for n in (1, 2))],
            3,
            None,
            "rows added after it was written?): 2 rows where it counts 1",
        ),
        ([(H, {"auth.user": 1}), {"model": "auth.user", "pk": 3, "fields": {"username": "x", "groups": [["no such group"]]}}], 2, "groups", "no such group"),
    ],
)
def test_a_bad_backup_names_the_line_and_field(tmp_path, lines, row, field, words, load_reports, sequences_put_back):
    lines = [_header(**line[1]) | (line[2] if len(line) > 2 else {}) if isinstance(line, tuple) else line for line in lines]
    path = tmp_path / "bad.jsonl"
    _write(path, lines)
    _empty_the_store()
    error = _rejection(path)
    assert "bad.jsonl" in str(error) and words in str(error)
    assert error.rejection.field == field
    if not (connection.vendor == "postgresql" and field == "current"):  # PostgreSQL names the value, not the row
        assert error.rejection.row == row
    assert not backup.occupied_tables()
