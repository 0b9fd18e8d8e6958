"""Suite downloads built once per suite version in the background and served from disk (issue 17,
item 9), and every PDF tagged (PDF/UA-1) with its notice on the first page, on the real catalogue.

The flow: a first request answers 202 with a page that refreshes itself (and its JSON twin) while
a thread builds the file; then 200 with the file, and 304 for a reader who has it. Two requests
at once start one build; a changed NOS names a new build; a failure says so and offers a retry.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from noshub.catalogue.importers import import_json
from noshub.catalogue.models import Suite
from noshub.cli import main
from noshub.web import browse, downloads
from tests.web.test_welsh_pages import _English, _po_english, english_left

pytestmark = pytest.mark.django_db

NO_TEXT = "NOS Hub holds this standard’s details but not its text."


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def small_suite(load_reports) -> Suite:
    """The first suite by name holding two current NOS (fast to build)."""
    row = next(s for s in browse.suites() if s["nos"] == 2)
    return Suite.objects.get(id=row["id"])


def _wait(key: downloads.Key, timeout: float = 120) -> None:
    for thread in threading.enumerate():
        if thread.name == downloads.thread_name(key):
            thread.join(timeout)
            assert not thread.is_alive(), "the build did not finish"


def _reader(content: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(content))


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def _assert_tagged(reader, language: str) -> None:
    """Tagged, accessible PDF: marked content, a structure tree, the language, PDF/UA-1 named in
    the XMP metadata, the title shown as the window's title."""
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/StructTreeRoot"]["/K"]
    assert root["/Lang"] == language
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert reader.metadata.title


# -- every PDF tagged, with its notice -------------------------------------------------------------


def test_a_nos_pdf_is_tagged_and_says_first_that_its_text_is_not_held(client, load_reports):
    response = client.get("/nos/SFLDGV1.pdf")
    assert response.status_code == 200
    reader = _reader(response.content)
    _assert_tagged(reader, "en")
    assert reader.metadata.title.startswith("Prepare the goods vehicle for driving")
    first = " ".join(reader.pages[0].extract_text().split())
    assert NO_TEXT in first
    assert "Prepare the goods vehicle for driving" in _outline_titles(reader.outline)


def test_a_welsh_nos_pdf_is_tagged_in_welsh(welsh_client, load_reports):
    reader = _reader(welsh_client.get("/nos/SFLDGV1.pdf").content)
    _assert_tagged(reader, "cy")
    assert "Mae gan NOS Hub fanylion y safon hon ond nid ei thestun." in " ".join(reader.pages[0].extract_text().split())


# -- the suite PDF: cover, contents, bookmarks, tags; the flow 202 → 200 → 304 --------------------


def test_suite_pdf_is_built_in_the_background_then_served_from_disk(client, small_suite):
    url = f"/suites/{small_suite.id}.pdf"
    key = downloads.key_for(small_suite, "en", "pdf")
    first = client.get(url)
    assert first.status_code == 202
    html = first.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Your download is being made" in html and small_suite.name in html and 'role="status"' in html
    assert first["Link"] == f'<{url}?format=json>; rel="alternate"; type="application/json"'
    assert first["Retry-After"] == "3"
    _wait(key)
    assert key.path.exists() and not key.state_path.exists()

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="suite-{small_suite.id}.pdf"'
    content = b"".join(response.streaming_content)
    assert content == key.path.read_bytes()
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    since = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
    assert since.status_code == 304

    reader = _reader(content)
    _assert_tagged(reader, "en")
    assert reader.metadata.title.startswith(small_suite.name)
    listing = client.get(f"/suites/{small_suite.id}.json").json()["nos"]
    assert len(listing) == 2
    # The cover: the suite, its developer, the number of NOS, the date, the link.
    cover = " ".join(reader.pages[0].extract_text().split())
    assert small_suite.name in cover and "Standards 2" in cover and "Made on" in cover
    assert f"http://testserver/suites/{small_suite.id}/" in cover
    assert listing[0]["developer"] in cover
    # The contents: each NOS with the page it starts on, and that page is where it starts.
    contents = reader.pages[1].extract_text()
    assert contents.split()[0] == "Contents"
    titles = _outline_titles(reader.outline)
    assert titles[:2] == [small_suite.name, "Contents"]
    for nos in listing:
        line = next(line for line in contents.splitlines() if nos["urn"] in line)
        page = int(re.search(r"(\d+)\s*$", line).group(1))
        assert nos["urn"] in reader.pages[page - 1].extract_text().split("\n")[0]
        assert nos["title"] in titles  # a bookmark for each NOS
        if not client.get(f"/nos/{nos['slug']}.json").json()["p"]["has_text"]:
            assert NO_TEXT in " ".join(reader.pages[page - 1].extract_text().split())


def test_the_json_twin_of_a_build_in_progress(client, small_suite, monkeypatch):
    release = threading.Event()

    def slow(suite, language, kind, site_url):
        release.wait(30)
        return b"%PDF-1.7 made slowly"

    monkeypatch.setattr(downloads, "render", slow)
    url = f"/suites/{small_suite.id}.pdf"
    for asked in ({"path": url, "data": {"format": "json"}}, {"path": url, "headers": {"Accept": "application/json"}}):
        response = client.get(**asked)
        assert response.status_code == 202 and response["Content-Type"] == "application/json"
        data = response.json()
        assert data["status"] == "building" and data["suite"] == small_suite.name and data["kind"] == "pdf"
        assert data["started"] and data["refresh_seconds"] == 3
    release.set()
    _wait(downloads.key_for(small_suite, "en", "pdf"))
    assert client.get(url).status_code == 200


CLAIM_IN_ANOTHER_PROCESS = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("claimed")
except BlockingIOError:
    print("held elsewhere")
"""


def test_two_requests_at_once_start_one_build(client, small_suite, monkeypatch):
    calls = []
    release = threading.Event()

    def slow(suite, language, kind, site_url):
        calls.append(kind)
        release.wait(30)
        return b"PK docx made once"

    monkeypatch.setattr(downloads, "render", slow)
    key = downloads.key_for(small_suite, "en", "docx")
    barrier = threading.Barrier(4)
    states = []

    def ask():
        barrier.wait()
        states.append(downloads.ensure(key, "http://testserver/"))

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    assert [s.status for s in states] == ["building"] * 4
    # Another worker process asking while it is built: the lock is held, so it cannot claim it.
    other = subprocess.run(
        [sys.executable, "-c", CLAIM_IN_ANOTHER_PROCESS, str(key.lock_path)], capture_output=True, text=True, timeout=30
    )
    assert other.stdout.strip() == "held elsewhere", other.stderr
    release.set()
    _wait(key)
    assert calls == ["docx"] and key.path.read_bytes() == b"PK docx made once"
    after = subprocess.run([sys.executable, "-c", CLAIM_IN_ANOTHER_PROCESS, str(key.lock_path)], capture_output=True, text=True)
    assert after.stdout.strip() == "claimed"  # the build let its lock go
    assert downloads.ensure(key, "http://testserver/").status == "ready" and calls == ["docx"]
    response = client.get(f"/suites/{small_suite.id}.docx")
    assert response.status_code == 200 and "wordprocessingml" in response["Content-Type"]


def test_a_failed_build_says_so_and_can_be_tried_again(client, small_suite, monkeypatch):
    def broken(suite, language, kind, site_url):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(downloads, "render", broken)
    url = f"/suites/{small_suite.id}.pdf"
    assert client.get(url).status_code == 202
    key = downloads.key_for(small_suite, "en", "pdf")
    _wait(key)
    failed = client.get(url)
    assert failed.status_code == 503
    html = failed.content.decode()
    assert "The download could not be made" in html and f'href="{url}?retry=1"' in html
    assert "refresh" not in html and "the renderer broke" not in html  # no internals shown
    data = client.get(url, {"format": "json"}).json()
    assert data["status"] == "failed" and data["retry_url"] == f"{url}?retry=1" and data["failed"]
    assert client.get(url).status_code == 503  # not rebuilt on every request
    # Trying again, with the renderer mended, builds it.
    monkeypatch.setattr(downloads, "render", lambda suite, language, kind, site_url: b"%PDF-1.7 mended")
    assert client.get(url, {"retry": "1"}).status_code == 202
    _wait(key)
    assert client.get(url).status_code == 200 and not key.state_path.exists()


def test_a_folder_that_cannot_be_written_is_a_failure_page_not_a_500(client, small_suite, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.EXPORTS_DIR = blocker / "exports"
    response = client.get(f"/suites/{small_suite.id}.docx")
    assert response.status_code == 503 and "The download could not be made" in response.content.decode()


def test_the_progress_pages_are_in_welsh(welsh_client, small_suite, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(downloads, "render", lambda *a: release.wait(30) and b"%PDF")
    english = _English(_po_english())
    url = f"/suites/{small_suite.id}.pdf"
    building = welsh_client.get(url)
    assert building.status_code == 202
    html = building.content.decode()
    assert "Mae eich lawrlwythiad yn cael ei wneud" in html and 'lang="cy"' in html
    assert english_left(html, english) == []
    release.set()
    _wait(downloads.key_for(small_suite, "cy", "pdf"))

    def broken(*args):
        raise RuntimeError("broken")

    monkeypatch.setattr(downloads, "render", broken)
    docx = f"/suites/{small_suite.id}.docx"
    welsh_client.get(docx)
    _wait(downloads.key_for(small_suite, "cy", "docx"))
    failed = welsh_client.get(docx)
    assert failed.status_code == 503
    html = failed.content.decode()
    assert "Nid oedd modd gwneud y lawrlwythiad" in html and english_left(html, english) == []


# -- once per suite version -----------------------------------------------------------------------


def test_a_changed_nos_makes_a_new_build_and_the_old_one_goes(client, small_suite, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "render", lambda suite, language, kind, site_url: f"%PDF {suite.id}".encode())
    other = Suite.objects.get(id=next(s for s in browse.suites() if s["nos"] == 2 and s["id"] != small_suite.id)["id"])
    before, other_before = downloads.key_for(small_suite, "en", "pdf"), downloads.key_for(other, "en", "pdf")
    assert before == downloads.key_for(small_suite, "en", "pdf")  # stable
    assert before.fingerprint != downloads.key_for(small_suite, "cy", "pdf").fingerprint
    assert before.fingerprint != downloads.key_for(small_suite, "en", "docx").fingerprint
    assert downloads.build(before, "http://testserver/").status == "ready"

    # An import changes the text of one of the suite's NOS (NOS Hub's own JSON, imported again).
    slug = client.get(f"/suites/{small_suite.id}.json").json()["nos"][0]["slug"]
    document = client.get(f"/nos/{slug}.json").json()
    document["current"]["overview"] = "<p>A new overview, so a new version of this standard.</p>"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    report = import_json(path)
    assert report.created + report.updated >= 1, report

    after = downloads.key_for(small_suite, "en", "pdf")
    assert after.fingerprint != before.fingerprint
    assert downloads.key_for(other, "en", "pdf") == other_before  # another suite is untouched
    assert client.get(f"/suites/{small_suite.id}.pdf").status_code == 202  # the old file is not served
    _wait(after)
    assert after.path.exists() and not before.path.exists()  # the old build is cleaned up


# -- the command line -----------------------------------------------------------------------------


def test_exports_build_makes_them_ahead_and_keeps_a_current_one(small_suite):
    args = ["exports", "build", "--suite", str(small_suite.id), "--language", "en", "--format", "docx"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 ready, 0 being built elsewhere, 0 failed" in result.output
    key = downloads.key_for(small_suite, "en", "docx")
    made = key.path.stat().st_mtime_ns
    time.sleep(0.01)
    assert CliRunner().invoke(main, args).exit_code == 0
    assert key.path.stat().st_mtime_ns == made  # once per suite version

    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(key.path.read_bytes()))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", small_suite.name) in styles
    assert ("TOC Heading", "Contents") in styles
    fields = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    assert any(f.strip().startswith("TOC ") for f in fields)
    titles = [text for style, text in styles if style == "Heading 1"]
    start = styles.index(("TOC Heading", "Contents"))
    entries = [text for _style, text in styles[start + 1 : start + 3]]
    assert len(titles) == 2 and all(title in entry for title, entry in zip(titles, entries, strict=True))

    bad = CliRunner().invoke(main, ["exports", "build", "--suite", "999999"])
    assert bad.exit_code != 0 and "no suite with id 999999" in bad.output


def test_a_build_finished_while_asking_is_served(client, small_suite, monkeypatch):
    def finished_meanwhile(key, site_url, retry=False):
        key.folder.mkdir(parents=True, exist_ok=True)
        key.path.write_bytes(b"%PDF-1.7 just made")
        return downloads.State("ready", key)

    monkeypatch.setattr(downloads, "ensure", finished_meanwhile)
    response = client.get(f"/suites/{small_suite.id}.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.7 just made"
