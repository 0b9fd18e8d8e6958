"""`noshub serve`: gunicorn with a worker process per core, each warmed up before it takes a
request, serving pages gzipped and static files under hashed names."""

from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from noshub.serving import default_workers, gunicorn_command

from .test_settings import ROOT, _env

THREAD_SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _gunicorn_config(argv: list[str], monkeypatch):
    """The configuration gunicorn itself reads from this command line (loading NOS Hub's gunicorn
    settings in this process, whose thread settings for native libraries are kept from leaking
    into the other tests' subprocesses)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    for name in THREAD_SETTINGS:
        monkeypatch.setenv(name, os.environ.get(name, "unset here"))

    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    monkeypatch.setattr(sys, "argv", ["gunicorn", *argv[3:]])
    app = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
    return app


def test_serve_runs_gunicorn_with_a_worker_per_core_and_the_warm_up(monkeypatch):
    app = _gunicorn_config(gunicorn_command("127.0.0.1", 8123, None, 3), monkeypatch)
    assert app.app_uri == "noshub.wsgi:application"
    assert app.cfg.bind == ["127.0.0.1:8123"]
    assert app.cfg.workers == default_workers() >= 1
    assert app.cfg.threads == 3 and app.cfg.worker_class_str == "gthread"
    # A worker accepts no more connections than it has threads: the rest wait for a free worker.
    assert app.cfg.worker_connections == 3
    assert app.cfg.post_worker_init.__module__ == "noshub.gunicorn_config"
    assert not app.cfg.preload_app  # nothing is loaded before the fork: no connection or thread pool shared
    assert app.cfg.keepalive == 0  # each request accepted afresh by a free worker (none left idle)

    app = _gunicorn_config(gunicorn_command("::1", 9000, 5), monkeypatch)
    assert app.cfg.bind == ["[::1]:9000"] and app.cfg.workers == 5
    assert app.cfg.threads == 1 and app.cfg.worker_connections == 1  # one request at a time, by default


def test_the_gunicorn_settings_alone_cap_connections_at_the_threads(monkeypatch):
    """A deployment running `gunicorn -c python:noshub.gunicorn_config` with no options of its own
    gets the same: no connection waits inside a busy worker."""
    app = _gunicorn_config([sys.executable, "-m", "gunicorn", "-c", "python:noshub.gunicorn_config"], monkeypatch)
    assert app.cfg.threads == app.cfg.worker_connections == 1
    assert app.cfg.keepalive == 0


def test_serve_rejects_a_bad_worker_count(tmp_path):
    refused = subprocess.run(
        [sys.executable, "-m", "noshub.cli", "serve", "--workers", "0"],
        cwd=ROOT,
        env=_env(tmp_path, NOSHUB_LOCAL_ONLY="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "--workers" in refused.stderr
    assert not (tmp_path / "serve.sqlite3").exists()


def test_serve_answers_with_gunicorn_pages_gzipped_static_files_hashed(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    temp = tmp_path / "temp"  # where the server makes its search folder
    temp.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "noshub.cli", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        cwd=ROOT,
        env=_env(tmp_path, NOSHUB_LOCAL_ONLY="1", TMPDIR=str(temp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                home = urllib.request.urlopen(urllib.request.Request(base + "/", headers={"Accept-Encoding": "gzip"}), timeout=30)
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "noshub serve did not answer within 180 s"
                time.sleep(0.5)
        assert home.status == 200 and home.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(home.read()).decode()
        css = re.search(r'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', html).group(1)
        static = urllib.request.urlopen(urllib.request.Request(base + css, headers={"Accept-Encoding": "br"}), timeout=30)
        assert static.headers["Content-Encoding"] == "br" and "immutable" in static.headers["Cache-Control"]
        # Both workers keep search results in one folder of the server's own.
        (folder,) = temp.glob("noshub-search-*")
        before = _kept(folder)
        for _ in range(4):
            assert urllib.request.urlopen(base + "/search/?q=" + urllib.parse.quote("no such words zqxj"), timeout=60).status == 200
        assert _kept(folder) > before, "the search was kept in the shared folder"
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert "gunicorn" in output.lower() and "gthread" in output, output
    assert len(re.findall(r"Booting worker with pid", output)) == 2, output
    assert not list(temp.glob("noshub-search-*")), "the server's search folder goes with it"


def _kept(folder) -> int:
    from diskcache import FanoutCache

    with FanoutCache(str(folder), shards=8) as kept:  # (diskcache.DjangoCache's default shards)
        return len(kept)


def test_the_server_makes_its_search_folder_unless_one_is_named(monkeypatch, tmp_path):
    for name in THREAD_SETTINGS:
        monkeypatch.setenv(name, os.environ.get(name, "unset here"))
    from noshub import gunicorn_config

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.delenv("NOSHUB_SEARCH_CACHE_DIR", raising=False)
    monkeypatch.delenv("NOSHUB_SEARCH_CACHE_DIR_MADE", raising=False)
    gunicorn_config.on_starting(server=None)
    made = os.environ["NOSHUB_SEARCH_CACHE_DIR"]
    assert os.path.isdir(made) and os.path.dirname(made) == str(tmp_path)
    gunicorn_config.on_exit(server=None)
    assert not os.path.exists(made)

    named = tmp_path / "operators"
    named.mkdir()
    monkeypatch.setenv("NOSHUB_SEARCH_CACHE_DIR", str(named))
    gunicorn_config.on_starting(server=None)
    assert os.environ["NOSHUB_SEARCH_CACHE_DIR"] == str(named)
    gunicorn_config.on_exit(server=None)
    assert named.is_dir(), "a folder the operator named is theirs: it stays"


def test_a_warmed_up_worker_freezes_what_it_loaded(monkeypatch):
    """After the warm-up, what the worker holds is kept out of full collections (`gc.freeze`): a
    full collection then walks only what requests made since."""
    import gc

    for name in THREAD_SETTINGS:  # set by the config module when first imported: kept from the other tests
        monkeypatch.setenv(name, os.environ.get(name, "unset here"))
    from noshub import gunicorn_config

    loaded = []  # what the (stand-in) warm-up loads: frozen only if the freeze comes after it
    monkeypatch.setattr(gunicorn_config, "warm_up", lambda: loaded.extend([n] for n in range(1000)))
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert len(loaded) == 1000 and gc.get_freeze_count() >= len(loaded)
        unfrozen = {id(o) for o in gc.get_objects()}
        assert not any(id(o) in unfrozen for o in loaded)
        made_after = [[1]]  # a request's objects stay in the collector's sight
        assert any(o is made_after[0] for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
