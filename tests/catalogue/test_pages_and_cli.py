"""The served pages and the CLI show real NOS, from the same service functions."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from noshub.catalogue import services
from noshub.catalogue.importers import import_json
from noshub.cli import main

pytestmark = pytest.mark.django_db


def test_home_page_shows_catalogue_figures(client, load_reports):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Find a National Occupational Standard" in html
    data = client.get("/.json").json()
    assert f"{data['standards']}" in html
    assert "Content-Security-Policy" in response.headers and "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_urn_lookup_redirects_to_the_nos_page(client, load_reports):
    response = client.get("/", {"urn": "cfam&lbb4"})
    assert response.status_code == 302 and response.url == "/nos/CFAM_LBB4/"
    missing = client.get("/", {"urn": "NOSUCHURN999"})
    assert missing.status_code == 404 and "No NOS has the URN" in missing.content.decode()


def test_nos_page_shows_the_full_template_with_text(client, load_reports):
    response = client.get("/nos/LANACT3/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Offer Reiki to animals</h1>" in html
    assert "Performance criteria" in html and 'id="P1"' in html
    assert "excerpt of the published standard" in html  # page text is partial
    # the suite as the names rule shows it (its most used spelling; "Veterinary paraprofessional
    # activities", as LANACT3's own record spells it, is kept as an alias)
    assert "Veterinary Para-professional Activities" in html and "Lantra" in html
    assert "Version history" in html


def test_nos_json_twin_matches_the_page(client, load_reports):
    data = client.get("/nos/LANACT3.json").json()
    assert data["current"]["title"] == "Offer Reiki to animals"
    assert data["current"]["performance_criteria"][0]["ref"] == "P1"
    detail = json.loads(json.dumps(services.standard_detail(services.get_standard("LANACT3"))))
    # The NOS's keys, and beside them the page's (the NOS presented in the page's language, links).
    assert {k: data[k] for k in detail} == detail


def test_unknown_nos_is_404(client, load_reports):
    assert client.get("/nos/NOSUCH1/").status_code == 404
    assert client.get("/nos/NOSUCH1.json").status_code == 404


def test_clashing_urn_pages_link_to_each_other(client, load_reports):
    html = client.get("/nos/SFSCSH8~2/").content.decode()
    assert "also used for another standard" in html and "/nos/SFSCSH8/" in html


def test_script_in_nos_text_renders_inert(client, load_reports, tmp_path):
    doc = {"URN": "ZZXSS1", "Title": "Handle <script>alert(1)</script> safely", "Validity": "Current", "Status": "Original",
           "NOSCategory": "Core", "Overview": '<p>Hello<script>alert("x")</script><img src=x onerror=alert(1)></p>',
           "Performance_criteria": "<ol><li><b onmouseover=alert(1)>check</b> <script>bad()</script></li></ol>",
           "Glossary": '<a href="javascript:alert(1)">term</a>'}
    path = tmp_path / "xss.json"
    path.write_text(json.dumps(doc))
    assert import_json(path).created == 1
    html = client.get("/nos/ZZXSS1/").content.decode()
    assert "<script>alert" not in html and "onerror" not in html and "onmouseover" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title is shown as text


def test_pages_refuse_writes(client, load_reports):
    assert client.post("/nos/LANACT3/").status_code == 405


# -- CLI ------------------------------------------------------------------------------------

def test_cli_stats_json(load_reports):
    result = CliRunner().invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["urns_by_source"]["catalogue"] == 20699
    assert {"by_validity", "by_category", "by_status", "by_developer", "by_suite", "share_with_soc_code", "past_review_date", "urn_clashes"} <= data.keys()


def test_cli_show_in_text_and_json(load_reports):
    text = CliRunner().invoke(main, ["show", "lanact3"])
    assert text.exit_code == 0 and "Offer Reiki to animals" in text.output and "P1 offer Reiki" in text.output
    js = CliRunner().invoke(main, ["show", "LANACT3", "--format", "json"])
    assert json.loads(js.output)["current"]["developed_by"] == "Lantra"
    missing = CliRunner().invoke(main, ["show", "NOSUCH1"])
    assert missing.exit_code != 0 and "No NOS has the URN" in missing.output


def test_cli_import_reports_and_fails_on_a_bad_file(load_reports, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 1 and "bad.json: REJECTED, nothing written" in result.output
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"URN": "ZZCLI1", "Title": "Test the CLI", "Validity": "Current", "Status": "Original", "NOSCategory": "Core"}))
    result = CliRunner().invoke(main, ["import", str(good), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["created"] == 1  # progress goes to stderr
