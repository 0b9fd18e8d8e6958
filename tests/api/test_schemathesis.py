"""Schemathesis against the API's own OpenAPI document (served at /api/v1/openapi.json), on the
real catalogue: every operation, its examples, coverage cases (boundaries, missing and wrong
values) and a bounded number of generated requests, valid and invalid, with every default
check (no server error, status codes, content types and bodies as documented, invalid input
refused, valid input accepted). Bounded so that it takes a minute or two."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25  # generated requests per operation and mode, beside the examples and coverage cases
CONFIG = {"seed": 18, "generation": {"mode": "all", "max-examples": MAX_EXAMPLES}}

# The document as the WSGI application serves it (no database is read for it). Loaded here, not
# from a fixture: schemathesis' lazy `from_fixture` relies on pytest internals that pytest 9 dropped.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=SchemathesisConfig.from_dict(CONFIG))
# The public API under /api/v1. The document also describes the apps' JSON write endpoints (their
# own `servers`, outside /api/v1, which schemathesis' in-process calls do not follow); they need a
# signed-in role and a CSRF token, and their bodies are fuzzed by the apps' own property tests
# (tests/*/test_json_bodies.py) against the same schemas.
schema = schema.exclude(path_regex=r"^/(cleansing|soc|lifecycle|themes/(reach|maps))/")


@pytest.fixture
def in_test_transaction(load_reports, settings):
    """Requests run in this thread inside the test's transaction (so no-result searches the
    API logs are rolled back with it): as Django's test client does, the connection is kept
    open across requests."""
    settings.API_RATE_LIMIT_PER_MINUTE = 0  # the run is one client; 429s are tested in test_api.py
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_openapi_document(case, in_test_transaction):
    # Uncompressed: pages are gzipped for a client that accepts it (noshub/web/compression.py), and
    # schemathesis' in-process WSGI client asks for gzip but does not undo it.
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    case.call_and_validate()
