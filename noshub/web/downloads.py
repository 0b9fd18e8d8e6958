"""A suite's PDF and DOCX, built once per suite version in the background and served from disk.

A suite document takes seconds to make (a 145-NOS suite PDF 6-15 s), so a request never makes
one: it is served from `settings.EXPORTS_DIR` when the current build is there, else a build
starts in a thread of the server process and the reader gets a page that refreshes itself.

*Which build is current* is a fingerprint of what goes into the document (`fingerprint`): the
suite's name, the id, content hash and source stamps of each NOS version it holds, their SOC
codes, the language, the file kind, and the code of the layout (`exports.LAYOUT_FILES`). An
import that changes a NOS of the suite therefore names a new file; the old ones are removed
when it is built.

*Once*: a build holds an exclusive `flock` on its key's lock file for as long as it runs. Locks
are per open file, so two threads, two worker processes, or the `noshub exports build` command
never build the same key twice; a build whose process died leaves its lock free. Its state
(building since …, or failed) is a small JSON file beside it; a failure stays until a retry
(`?retry=1`) or a new fingerprint, so a broken document is not rebuilt on every request.

Files, per suite: `EXPORTS_DIR/suite-<id>/<language>-<fingerprint>.<pdf|docx>` (+ `.lock`,
`.json` while building or after a failure).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import formats, timezone, translation

from noshub.catalogue import services
from noshub.catalogue.models import NosSocCode, NosVersion, Suite
from noshub.core.progress import ProgressCallback, tell
from noshub.search.engine import MAX_PER_PAGE, SearchParams

from . import browse, exports
from .nos_view import present

log = logging.getLogger(__name__)

KINDS = ("pdf", "docx")
LANGUAGES = ("en", "cy")


def _layout_version() -> str:
    digest = hashlib.sha256()
    for path in exports.LAYOUT_FILES:
        digest.update(path.read_bytes())
    for language in LANGUAGES[1:]:  # the Welsh labels are part of a Welsh document
        mo = Path(__file__).resolve().parents[1] / "locale" / language / "LC_MESSAGES" / "django.mo"
        digest.update(mo.read_bytes() if mo.exists() else b"")
    return digest.hexdigest()[:16]


LAYOUT_VERSION = _layout_version()


@dataclass(frozen=True)
class Key:
    """One suite document: a suite, a language, a kind and the fingerprint of its content."""

    suite_id: int
    language: str
    kind: str
    fingerprint: str

    @property
    def folder(self) -> Path:
        return Path(settings.EXPORTS_DIR) / f"suite-{self.suite_id}"

    @property
    def stem(self) -> str:
        return f"{self.language}-{self.fingerprint}"

    @property
    def path(self) -> Path:
        return self.folder / f"{self.stem}.{self.kind}"

    @property
    def lock_path(self) -> Path:
        return self.folder / f"{self.stem}.{self.kind}.lock"

    @property
    def state_path(self) -> Path:
        return self.folder / f"{self.stem}.{self.kind}.json"


@dataclass
class State:
    """Where a suite document stands: "ready" (at `key.path`), "building" or "failed"."""

    status: str
    key: Key
    started: str = ""  # ISO 8601, UTC
    failed: str = ""
    message: str = ""


def _members(suite: Suite):
    """The current versions the suite holds (as its page and the search count them)."""
    return NosVersion.objects.filter(suites=suite, standard__current_id=F("id"))


def fingerprint(suite: Suite, language: str, kind: str) -> str:
    """What the suite's `kind` document in `language` is made from, hashed (two queries)."""
    today = timezone.localdate()
    rows = [
        (*row[:-1], bool(row[-1]) and row[-1] < today)  # past its review date: a warning in the document
        for row in _members(suite)
        .order_by("id")
        .values_list("standard_id", "id", "content_hash", "source_modified", "effective_at", "validity", "indicative_review_date")
    ]
    soc = list(
        NosSocCode.objects.filter(version_id__in=[r[1] for r in rows])
        .order_by("version_id", "soc_code_id")
        .values_list("version_id", "soc_code_id", "source")
    )
    payload = json.dumps([suite.name, language, kind, LAYOUT_VERSION, rows, soc], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def key_for(suite: Suite, language: str, kind: str) -> Key:
    if kind not in KINDS or language not in LANGUAGES:
        raise ValueError(f"no suite download of kind {kind!r} in {language!r}")
    return Key(suite.id, language, kind, fingerprint(suite, language, kind))


def _read_state(key: Key) -> dict:
    try:
        return json.loads(key.state_path.read_text())
    except (OSError, ValueError):
        return {}


def _write_state(key: Key, **state) -> None:
    fd, temporary = tempfile.mkstemp(dir=key.folder, prefix=".state.")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)
    os.replace(temporary, key.state_path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _claim(key: Key) -> int | None:
    """The build's lock held (its file descriptor), or None when another build holds it."""
    key.folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(key.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _release(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def state(key: Key) -> State:
    """Ready, building or failed, without starting anything."""
    if key.path.exists():
        return State("ready", key)
    saved = _read_state(key)
    if saved.get("status") == "failed":
        return State(
            "failed", key, started=saved.get("started", ""), failed=saved.get("failed", ""), message=saved.get("message", "")
        )
    return State("building", key, started=saved.get("started", ""))


def ensure(key: Key, site_url: str, retry: bool = False) -> State:
    """The document's state, starting its build in a background thread when nobody has built
    it or is building it. `retry`: build again after a failure."""
    if key.path.exists():
        return State("ready", key)
    try:
        fd = _claim(key)
    except OSError as exc:  # the folder cannot be written: a failure the reader is told of
        log.error("suite downloads cannot be kept in %s: %s", settings.EXPORTS_DIR, exc)
        return State("failed", key, failed=_now(), message=type(exc).__name__)
    if fd is None:  # another thread or process is building it
        return state(key)
    try:
        current = state(key)
        if current.status == "ready" or (current.status == "failed" and not retry):
            _release(fd)
            return current
        started = _now()
        _write_state(key, status="building", started=started)
        threading.Thread(target=_build_in_background, args=(key, site_url, fd), name=thread_name(key), daemon=True).start()
    except BaseException:
        _release(fd)
        raise
    return State("building", key, started=started)


def thread_name(key: Key) -> str:
    return f"suite-download-{key.suite_id}-{key.path.name}"


def _build_in_background(key: Key, site_url: str, fd: int) -> None:
    """The thread: its own database connection, closed at the end; the lock released."""
    try:
        _build_claimed(key, site_url)
    except Exception:
        log.exception("suite download %s failed", key.path.name)
    finally:
        connections.close_all()
        _release(fd)


def _build_claimed(key: Key, site_url: str) -> float:
    """Make the document (the lock held): write it whole, then clean up the suite's older
    builds. A failure is recorded in the state file and raised. Returns the seconds taken."""
    started = _read_state(key).get("started") or _now()
    clock = time.monotonic()
    try:
        suite = browse.get_suite(key.suite_id)
        content = render(suite, key.language, key.kind, site_url)
        fd, temporary = tempfile.mkstemp(dir=key.folder, prefix=f".{key.stem}.")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; any worker's user may serve it
        os.replace(temporary, key.path)
    except Exception as exc:
        _write_state(key, status="failed", started=started, failed=_now(), message=type(exc).__name__)
        raise
    key.state_path.unlink(missing_ok=True)
    _clean_up(key)
    return time.monotonic() - clock


def build(key: Key, site_url: str, retry: bool = True) -> State:
    """Build now, in this thread (the command line); a build another holds is left to it."""
    fd = _claim(key)
    if fd is None:
        return state(key)
    try:
        if key.path.exists():
            return State("ready", key)
        if state(key).status == "failed" and not retry:
            return state(key)
        _write_state(key, status="building", started=_now())
        try:
            _build_claimed(key, site_url)
        except Exception:
            log.exception("suite download %s failed", key.path.name)
        return state(key)
    finally:
        _release(fd)


def _clean_up(key: Key) -> None:
    """Remove the suite's other builds of this language and kind (older fingerprints), except
    one another process is still making."""
    for old in key.folder.glob(f"{key.language}-*.{key.kind}*"):
        if old.name.startswith(key.stem + "."):
            continue
        if old.suffix == ".lock":
            fd = os.open(old, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            finally:
                os.close(fd)  # closing releases the lock
        old.unlink(missing_ok=True)


def documents(suite: Suite, language: str) -> list[dict]:
    """The suite's NOS presented (`nos_view.present`) in the order of its page (by title)."""
    params = SearchParams(validity="all", suite=suite.name, per_page=MAX_PER_PAGE)
    result = browse.nos_in(params)
    slugs = [h.slug for h in result.hits]
    page = 2
    while len(slugs) < min(result.total, exports.MAX_SUITE_NOS):
        more = browse.nos_in(SearchParams(validity="all", suite=suite.name, per_page=MAX_PER_PAGE, page=page))
        slugs += [h.slug for h in more.hits]
        page += 1
    return [present(services.standard_detail(services.get_standard(slug)), language) for slug in slugs[: exports.MAX_SUITE_NOS]]


def render(suite: Suite, language: str, kind: str, site_url: str) -> bytes:
    """The suite's document, with its cover and contents, in `language`."""
    from django.urls import reverse

    with translation.override(language):
        docs = documents(suite, language)
        cover = {
            "title": suite.name,
            "developers": sorted({d["developed_by"] for d in docs if d["developed_by"]}),
            "count": len(docs),
            "date": formats.date_format(datetime.now(UTC).date(), "j F Y"),
            "url": site_url.rstrip("/") + reverse("web:suite", args=[suite.id]),
        }
        make = exports.pdf if kind == "pdf" else exports.docx
        return make(suite.name, docs, language, cover=cover)


def build_all(
    suite_ids: list[int] | None,
    languages: tuple[str, ...],
    kinds: tuple[str, ...],
    site_url: str,
    progress: ProgressCallback | None = None,
) -> list[State]:
    """`noshub exports build`: every suite (or those named) in each language and kind."""
    suites = list(Suite.objects.filter(id__in=suite_ids).order_by("name") if suite_ids else _suites_with_nos())
    jobs = [(s, language, kind) for s in suites for language in languages for kind in kinds]
    states = []
    for done, (suite, language, kind) in enumerate(jobs):
        tell(progress, "Building suite downloads", done, len(jobs))
        states.append(build(key_for(suite, language, kind), site_url))
    tell(progress, "Building suite downloads", len(jobs), len(jobs))
    return states


def _suites_with_nos():
    return Suite.objects.filter(id__in=[row["id"] for row in browse.suites()]).order_by("name")
