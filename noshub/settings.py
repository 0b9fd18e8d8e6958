"""Django settings for NOS Hub. Every setting that varies comes from the environment, here.

NOSHUB_DATA_DIR   folder of the real data (default: ../shared/data beside the checkout)
DATABASE_URL      a database URL (postgres://…); default: SQLite file NOSHUB_DB
NOSHUB_DB         the SQLite file (default: noshub.sqlite3 in the checkout)
NOSHUB_CACHE_DIR  sentence vectors, keyed by model and text, shared by every checkout and database
                  on the machine (default: $XDG_CACHE_HOME/noshub, i.e. ~/.cache/noshub)
NOSHUB_SOC_CODER_DIR  fitted SOC coders, one file per fit named by an id kept in its database
                  (default: NOSHUB_CACHE_DIR/soc-coder)
NOSHUB_SEMANTIC   "0" turns semantic ranking off even when its extra is installed
NOSHUB_SECRET_KEY secret key (a development key is used when unset and NOSHUB_DEBUG is on)
NOSHUB_DEBUG      "1" for debug pages (default off)
NOSHUB_ALLOWED_HOSTS  comma-separated host names (default localhost,127.0.0.1,testserver)
NOSHUB_API_RATE_LIMIT  API requests per client per minute (default 600; 0 = no limit)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

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
DATA_DIR = Path(os.environ.get("NOSHUB_DATA_DIR", BASE_DIR.parent / "shared" / "data")).resolve()

DEBUG = os.environ.get("NOSHUB_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("NOSHUB_SECRET_KEY", "")
if not SECRET_KEY:
    # Good enough for a local instance; a deployment sets NOSHUB_SECRET_KEY.
    SECRET_KEY = "noshub-local-only-" + str(BASE_DIR)
ALLOWED_HOSTS = os.environ.get("NOSHUB_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "noshub.catalogue",
    "noshub.soc",
    "noshub.search",
    "noshub.cleansing",
    "noshub.lifecycle",
    "noshub.api",
    "noshub.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "noshub.web.security.ContentSecurityPolicyMiddleware",
    "noshub.pages.errors.ErrorMiddleware",
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
        },
    },
]

_sqlite_file = Path(os.environ.get("NOSHUB_DB", BASE_DIR / "noshub.sqlite3"))
DATABASES = {"default": dj_database_url.config(env="DATABASE_URL", default=f"sqlite:///{_sqlite_file}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    options["timeout"] = 20  # seconds to wait for a writer instead of failing with "database is locked"

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
# images are served as static files under static/govuk/; its CSS asks for /assets/… (noshub/urls.py).
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIR)]

# Public API: requests per client per minute (0 turns the limit off).
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("NOSHUB_API_RATE_LIMIT", "600"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "noshub"}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
