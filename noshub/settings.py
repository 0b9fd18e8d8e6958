"""Django settings for NOS Hub. Every setting that varies comes from the environment, here.

NOSHUB_DATA_DIR   folder of the real data (default: ../shared/data beside the checkout)
DATABASE_URL      a database URL (postgres://…); default: SQLite file NOSHUB_DB
NOSHUB_DB         the SQLite file (default: noshub.sqlite3 in the checkout)
NOSHUB_CACHE_DIR  sentence vectors, keyed by model and text, shared by every checkout and database
                  on the machine (default: $XDG_CACHE_HOME/noshub, i.e. ~/.cache/noshub)
NOSHUB_SOC_CODER_DIR  fitted SOC coders, one file per fit named by an id kept in its database
                  (default: NOSHUB_CACHE_DIR/soc-coder)
NOSHUB_EXPORTS_DIR  suite PDF and DOCX downloads, built once per suite version (default: var/exports
                  in the checkout)
NOSHUB_SEMANTIC   "0" turns semantic ranking off even when its extra is installed
NOSHUB_BEHAVIOURS_TUNED_MAPPER  "0": the behaviours' ESCO mapper reads the base sentence model, not
                  the copy fine-tuned (once, kept under NOSHUB_CACHE_DIR) on ESCO's alternative labels
NOSHUB_SOC_TUNED_ENCODER  "1": the SOC coder reads a copy of the sentence model fine-tuned (once,
                  kept under NOSHUB_CACHE_DIR) on the ONS coding index; off by default
NOSHUB_SECRET_KEY secret key; set it for any deployment. When unset, a random key made once per
                  install is kept in var/secret_key (outside git), and `noshub serve` and the WSGI
                  application refuse to start unless NOSHUB_LOCAL_ONLY or NOSHUB_DEBUG is "1"
NOSHUB_LOCAL_ONLY "1": this instance serves only this machine (`noshub serve` then binds only
                  127.0.0.1/::1), so the per-install key may serve it; scripts/start sets it
NOSHUB_DEBUG      "1" for debug pages (default off)
NOSHUB_SECURE_COOKIES  "1": session and CSRF cookies only over HTTPS (set it when served over HTTPS)
NOSHUB_HSTS_SECONDS    Strict-Transport-Security max-age in seconds (default 0: no header);
                       NOSHUB_HSTS_INCLUDE_SUBDOMAINS "1" adds includeSubDomains
NOSHUB_SSL_REDIRECT    "1": redirect every http:// request to https://
NOSHUB_PROXY_SSL_HEADER "1": trust X-Forwarded-Proto: https from the reverse proxy in front (only
                       when that proxy sets it and clients cannot reach the server directly)
NOSHUB_ALLOWED_HOSTS  comma-separated host names (default localhost,127.0.0.1,testserver)
NOSHUB_API_RATE_LIMIT  API requests per client per minute (default 600; 0 = no limit)
NOSHUB_DB_WAIT    SQLite: seconds a web request waits for the write lock before answering 503 (default 3)
NOSHUB_IMPORT_DB_WAIT  SQLite: seconds an import or load waits for the write lock (default 600)
NOSHUB_QUERY_LOG_FLUSH  seconds zero-result queries stay buffered before one write (default 10; 0 = each request)
NOSHUB_USAGE_FLUSH  seconds counted usage stays buffered before one write (default 10; 0 = each request)
NOSHUB_SEARCH_RESULTS_KEPT  search results each process keeps until the catalogue changes (default 2000)
NOSHUB_SEARCH_CACHE_DIR  a folder in which search results (and their pages' bodies) are kept on disk,
                  shared by every process that names it (diskcache, at most 256 MB), not per process;
                  `noshub serve` gives its workers a new one of their own when unset
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
# The vectors are content-addressed (model + text), so one machine-wide cache is safe to share: a
# new checkout, a second database and CI on the same machine read them instead of recomputing
# ~70,000 vectors (10-15 minutes on 2 cores).
CACHE_DIR = Path(
    os.environ.get("NOSHUB_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "noshub"
)
# A fitted SOC coder is not content-addressed: each fit is a file named by a random id that its
# database records (`soc.CoderFit`), so databases sharing the folder never share or overwrite one.
SOC_CODER_DIR = Path(os.environ.get("NOSHUB_SOC_CODER_DIR") or CACHE_DIR / "soc-coder")
# Suite downloads (PDF, DOCX) are built in the background once per suite version and served
# from here (noshub.web.downloads); each file is named by a fingerprint of what went into it.
EXPORTS_DIR = Path(os.environ.get("NOSHUB_EXPORTS_DIR") or BASE_DIR / "var" / "exports")
DATA_DIR = Path(os.environ.get("NOSHUB_DATA_DIR", BASE_DIR.parent / "shared" / "data")).resolve()
# The behaviours' ESCO mapper: the sentence model fine-tuned on ESCO's alternative labels (the
# first build trains it, minutes on 2 cores; later builds read its weights from CACHE_DIR).
BEHAVIOURS_TUNED_MAPPER = os.environ.get("NOSHUB_BEHAVIOURS_TUNED_MAPPER", "1") != "0"
# The SOC coder's semantic signals read a copy of the sentence model fine-tuned on the ONS coding
# index and Volume 1 tasks (`noshub.soc.coder.tuned`; the first fit on a machine trains it).
SOC_TUNED_ENCODER = os.environ.get("NOSHUB_SOC_TUNED_ENCODER", "0") == "1"


def _flag(name: str) -> bool:
    return os.environ.get(name, "0") == "1"


def local_secret_key(path: Path) -> str:
    """This install's own random key, made on first use and kept in `path` (readable by its
    owner only), so that no two installs share a key and none can be guessed from the code.
    Where the file cannot be written, a key for this process only (sessions end with it)."""
    try:
        return path.read_text().strip() or _write_secret_key(path)
    except FileNotFoundError:
        return _write_secret_key(path)


def _write_secret_key(path: Path) -> str:
    key = secrets.token_urlsafe(50)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 600
        with os.fdopen(fd, "w") as f:
            f.write(key)
        try:
            os.link(temporary, path)  # whole or not at all; fails if another process was first
        except FileExistsError:
            key = path.read_text().strip() or key  # theirs, so every process shares one key
        finally:
            os.unlink(temporary)
    except OSError:
        pass  # a read-only install: a key for this process only
    return key


DEBUG = _flag("NOSHUB_DEBUG")
LOCAL_ONLY = _flag("NOSHUB_LOCAL_ONLY")
SECRET_KEY = os.environ.get("NOSHUB_SECRET_KEY", "")
# True when no key was given: then only a local (or debug) instance may serve (noshub/wsgi.py).
SECRET_KEY_IS_LOCAL = not SECRET_KEY
if not SECRET_KEY:
    SECRET_KEY = local_secret_key(BASE_DIR / "var" / "secret_key")
ALLOWED_HOSTS = os.environ.get("NOSHUB_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "noshub.web.apps.AdminConfig",  # django.contrib.admin; its site also admits the administrator role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "noshub.web.apps.StaticFilesConfig",  # django.contrib.staticfiles, without GOV.UK Frontend's sources
    "noshub.catalogue",
    "noshub.soc",
    "noshub.search",
    "noshub.cleansing",
    "noshub.themes",
    "noshub.behaviours",
    "noshub.frameworks",
    "noshub.lifecycle",
    "noshub.qualifications",
    "noshub.api",
    "noshub.web",
    "noshub.monitoring",
    "axes",  # sign-in throttling
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The catalogue stamp, read at most once a request by the caches that ask (noshub/catalogue/stamp.py).
    "noshub.catalogue.stamp.StampMiddleware",
    # Static files (and GOV.UK Frontend's /assets/) straight from STATIC_ROOT: hashed names cached
    # for a year, gzip and brotli copies made by collectstatic (noshub/web/staticfiles.py).
    "noshub.web.staticfiles.StaticFilesMiddleware",
    # Pages gzipped (BREACH: why it is safe, noshub/web/compression.py). Static files never
    # reach it: the middleware above answers them, compressed by collectstatic.
    "noshub.web.compression.PageCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "noshub.web.security.ContentSecurityPolicyMiddleware",
    # Usage counted privately after each response (noshub/monitoring/usage.py): memory, then one INSERT.
    "noshub.monitoring.middleware.UsageMiddleware",
    "noshub.pages.errors.ErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "noshub.urls"
WSGI_APPLICATION = "noshub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `{% url %}` as Django's, its addresses kept per process (noshub/catalogue/templatetags/kept_urls.py).
            "builtins": ["noshub.catalogue.templatetags.kept_urls"],
        },
    },
]

_sqlite_file = Path(os.environ.get("NOSHUB_DB", BASE_DIR / "noshub.sqlite3"))
DATABASES = {"default": dj_database_url.config(env="DATABASE_URL", default=f"sqlite:///{_sqlite_file}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # Take the write lock when a transaction begins, not when it first writes: a transaction
    # that has read cannot then fail to upgrade because someone else wrote (noshub.pages.dblock).
    options["transaction_mode"] = "IMMEDIATE"
    # A web request waits this long for the write lock, then answers 503 (imports wait longer).
    options["timeout"] = float(os.environ.get("NOSHUB_DB_WAIT", "3"))
IMPORT_DB_WAIT = float(os.environ.get("NOSHUB_IMPORT_DB_WAIT", "600"))
# Zero-result queries are written in one go after this many seconds, after a response (search.querylog).
QUERY_LOG_FLUSH_SECONDS = float(os.environ.get("NOSHUB_QUERY_LOG_FLUSH", "10"))
# Counted usage is written in one go after this many seconds, after a response (monitoring.usage).
USAGE_FLUSH_SECONDS = float(os.environ.get("NOSHUB_USAGE_FLUSH", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "noshub" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# GOV.UK Frontend, installed by scripts/setup with npm (package.json): its CSS, JS, fonts and
# images are served as static files under static/govuk/; its CSS asks for /assets/… (noshub/web/staticfiles.py).
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIR)]
# `collectstatic` (scripts/setup, `noshub serve`, the test session) copies them to STATIC_ROOT
# under names holding a hash of their content, with gzip and brotli copies; pages link the hashed
# names, served with a far-future Cache-Control (WhiteNoise), so a new file is a new name.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A file under a name without a hash (GOV.UK Frontend's images at /assets/, a static file asked
# for by its plain name) may change under that name: cached for a day.
WHITENOISE_MAX_AGE = 24 * 3600
# Source maps are for developers' tools, not worth compressing at every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Public API: requests per client per minute (0 turns the limit off).
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("NOSHUB_API_RATE_LIMIT", "600"))
# Per process. "search": search results kept until the catalogue stamp moves on (noshub/search/engine.py),
# at most NOSHUB_SEARCH_RESULTS_KEPT of them (the least recently used go first).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "noshub"},
    # Search results and their pages' bodies: per process by default; in a folder that the
    # server's workers share under `noshub serve` (a search asked of one worker is not computed
    # again by the other), least recently stored dropped first past 256 MB.
    "search": (
        {
            # diskcache's, its connections kept open between requests (noshub/search/shared_store.py).
            "BACKEND": "noshub.search.shared_store.SharedResults",
            "LOCATION": os.environ["NOSHUB_SEARCH_CACHE_DIR"],
            # Values up to 1 MB kept in its SQLite file, not a file each: a results page's body
            # (about 43 KB) is then stored in half the time (0.6 against 1.2 ms with its result).
            "OPTIONS": {"size_limit": 256 * 2**20, "disk_min_file_size": 2**20},
        }
        if os.environ.get("NOSHUB_SEARCH_CACHE_DIR")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "noshub-search",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("NOSHUB_SEARCH_RESULTS_KEPT", "2000"))},
        }
    ),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},  # 8 characters
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is refused (HTTP 429) until AXES_COOLOFF_TIME has passed; a
# success clears the count. Per pair, not per address: one office behind one proxy address is
# not locked out by a colleague, and nobody can lock a user out from elsewhere.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "noshub.pages.errors.locked_out"

# HTTPS: off by default (a local instance serves plain http://127.0.0.1); a deployment behind
# HTTPS turns them on (`manage.py check --deploy` then has no W004/W008/W012/W016).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("NOSHUB_SECURE_COOKIES")
SECURE_HSTS_SECONDS = int(os.environ.get("NOSHUB_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("NOSHUB_HSTS_INCLUDE_SUBDOMAINS")
SECURE_SSL_REDIRECT = _flag("NOSHUB_SSL_REDIRECT")
if _flag("NOSHUB_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
