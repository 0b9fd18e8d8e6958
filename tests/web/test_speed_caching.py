"""What makes the finder fast: the home page's figures cached until the catalogue changes,
static files under hashed names with far-future caching and gzip/brotli, and compressed pages."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from noshub.catalogue.importers import import_json

pytestmark = pytest.mark.django_db

FAR_FUTURE = "max-age=315360000, public, immutable"
NEW_NOS = {
    "URN": "ZZFAST1",
    "Title": "Count the catalogue's figures once",
    "Overview": "<p>About caching figures.</p>",
    "Performance_criteria": "<ol><li>count once</li></ol>",
    "Validity": "Current",
    "Status": "Original",
    "NOSCategory": "Core",
}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_home_figures_are_counted_once_and_again_after_an_import(client, load_reports, tmp_path):
    first = client.get("/.json").json()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/.json").json()
    assert again == first
    # Only the index's generation is read: no version is counted again.
    assert not [q["sql"] for q in queries.captured_queries if "catalogue_nosversion" in q["sql"]]

    path = tmp_path / "ZZFAST1.json"
    path.write_text(json.dumps(NEW_NOS))
    assert import_json(path).created == 1
    after = client.get("/.json").json()
    assert after["standards"] == first["standards"] + 1
    assert after["versions"] == first["versions"] + 1
    assert after["by_validity"]["current"] == first["by_validity"]["current"] + 1


def test_static_files_have_hashed_names_far_future_caching_and_brotli_or_gzip(client, load_reports):
    from django.conf import settings

    html = _body(client.get("/")).decode()
    css = re.search(r'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', html).group(1)
    script = re.search(r'src="(/static/noshub/init\.[0-9a-f]{12}\.mjs)"', html).group(1)
    original = (settings.STATIC_ROOT / css.removeprefix("/static/")).read_bytes()
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client.get(css, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert response["Cache-Control"] == FAR_FUTURE
        assert "Accept-Encoding" in response["Vary"]
        body = _body(response)
        assert len(body) < len(original) / 4 and decompress(body) == original
    plain = client.get(css)
    assert not plain.has_header("Content-Encoding") and _body(plain) == original
    assert client.get(script)["Cache-Control"] == FAR_FUTURE
    # An unhashed name may change content under the same URL: cached for a day only.
    assert client.get("/static/govuk/govuk-frontend.min.css")["Cache-Control"] == "max-age=86400, public"
    # GOV.UK Frontend's fonts (their names carry a hash) and images, where its CSS asks for them.
    font = re.search(r"/assets/fonts/bold-[0-9a-f]{10}-v2\.woff2", original.decode()).group(0)
    response = client.get(font)
    assert response.status_code == 200 and response["Cache-Control"] == FAR_FUTURE
    assert client.get("/assets/images/favicon.ico")["Cache-Control"] == "max-age=86400, public"
    assert client.get("/static/govuk/no-such-file.css").status_code == 404


def test_pages_are_gzipped_for_browsers_that_take_it(client, load_reports):
    plain = client.get("/search/", {"q": "welding"})
    zipped = client.get("/search/", {"q": "welding"}, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert not plain.has_header("Content-Encoding")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    html = gzip.decompress(zipped.content).decode()
    assert "standards found" in html and len(zipped.content) < len(plain.content) / 3


def test_a_pdf_is_not_gzipped_again(client, load_reports):
    response = client.get("/nos/SFLDGV1.pdf", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding") and _body(response)[:4] == b"%PDF"
