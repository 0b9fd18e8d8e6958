"""Crafted NOS for the finder's tests: one with Welsh text, one with hostile markup."""

from __future__ import annotations

import json

import pytest

from noshub.catalogue.importers import import_json

WELSH_NOS = {
    "URN": "ZZCY1",
    "Title": "Greet visitors to the centre",
    "Trosolwg": "<p>Mae’r safon hon yn ymwneud â chroesawu ymwelwyr.</p>",
    "Overview": "<p>This standard is about greeting visitors.</p>",
    "Performance_criteria": "<ol><li>greet visitors politely</li><li>record each visit</li></ol>",
    "Meini prawf perfformiad": "<ol><li>cyfarch ymwelwyr yn gwrtais</li><li>cofnodi pob ymweliad</li></ol>",
    "Knowledge_and_understanding": "<ol><li>the visitor policy</li></ol>",
    "Validity": "Current",
    "Status": "Original",
    "NOSCategory": "Core",
}

HOSTILE_NOS = {
    "URN": "ZZXSS2",
    "Title": "Handle <script>alert(1)</script> <img src=x onerror=alert(2)> safely",
    "Validity": "Current",
    "Status": "Original",
    "NOSCategory": "Core",
    "Overview": '<p>Hello<script>alert("x")</script><img src=x onerror=alert(1)></p><a href="javascript:alert(3)">go</a>',
    "Performance_criteria": "<ol><li><b onmouseover=alert(1)>check</b> <script>bad()</script> the <iframe src=//evil></iframe>kit</li></ol>",
    "Knowledge_and_understanding": "<ul><li>know <svg onload=alert(4)>x</svg> things</li></ul>",
    "Glossary": '<a href="javascript:alert(1)">term</a><style>body{display:none}</style>',
    "Values": '<p onclick="alert(5)">Be kind</p>',
}


def _import(tmp_path, doc: dict) -> None:
    path = tmp_path / f"{doc['URN']}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    report = import_json(path)
    assert report.created == 1, report


@pytest.fixture
def welsh_nos(load_reports, tmp_path):
    _import(tmp_path, WELSH_NOS)
    return "ZZCY1"


@pytest.fixture
def hostile_nos(load_reports, tmp_path):
    _import(tmp_path, HOSTILE_NOS)
    return "ZZXSS2"


@pytest.fixture
def welsh_client(client):
    client.cookies["django_language"] = "cy"
    return client
