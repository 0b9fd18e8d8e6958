"""What a reader must know about a NOS, on the real catalogue (issue 17, items 1-3 and 11): its
page on the official NOS finder (page, JSON twin, API, PDF, DOCX), a notice on the first page of
a PDF or DOCX whose text is not held or is a cut excerpt, provenance in plain words inside a
disclosure, warnings for a NOS past its review date or with a same-text copy, Welsh labels."""

from __future__ import annotations

import io
import json
import random
import re
from urllib.parse import quote

import pytest
from django.utils import translation

from noshub.catalogue import services
from noshub.catalogue.importers import import_json
from noshub.catalogue.models import Standard
from noshub.cleansing.services import latest_run, run_detection
from noshub.core.finder_links import finder_parts, finder_url, is_finder_url
from noshub.web.nos_view import _soc_source

pytestmark = pytest.mark.django_db

FINDER = "https://www.ukstandards.org.uk/en/nos-finder/"
NO_TEXT = "NOS Hub holds this standard’s details but not its text."
EXCERPT = "The text below is an excerpt of the published standard and may be incomplete."
READ_FULL = "Read the full standard on the official NOS finder"
CFAM = "CFAM_LAA1"  # the slug of CFAM&LAA1 (its URN in a URL redirects here)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _first_pdf_page(content: bytes) -> tuple[str, list[str]]:
    """The first page of a PDF: its text (white space squashed) and the URIs it links."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(content)).pages[0]
    uris = []
    for annot in page.get("/Annots") or []:
        action = annot.get_object().get("/A") or {}
        if action.get("/URI"):
            uris.append(str(action["/URI"]))
    return " ".join(page.extract_text().split()), uris


def _docx_opening(content: bytes, paragraphs: int = 6) -> tuple[str, list[str]]:
    """The first paragraphs of a DOCX (its first page: title, notices, link) and its hyperlinks."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE

    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs[:paragraphs])
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype == RELATIONSHIP_TYPE.HYPERLINK]
    return text, links


# -- 1. the official NOS finder --------------------------------------------------------------------


def test_every_nos_links_its_official_finder_page(load_reports):
    """A sample of the whole catalogue: each has a finder address naming its own URN."""
    ids = list(Standard.objects.exclude(current=None).order_by("id").values_list("id", flat=True))
    assert len(ids) > 20000
    for standard in Standard.objects.filter(id__in=random.Random(17).sample(ids, 150)).select_related("current"):
        url = services.standard_detail(standard)["finder_url"]
        assert is_finder_url(url) and url.startswith(FINDER), standard.slug
        assert finder_parts(url)[0] == standard.urn, (standard.slug, url)


def test_a_held_finder_page_gives_its_own_address(load_reports):
    # The held address names another wording of the title than the NOS's current one: the
    # rule alone would miss it.
    detail = services.standard_detail(services.get_standard("COGDO21"))
    assert detail["finder_url"] == (
        FINDER + "COGDO21/participate-in-the-monitoring-and-maintaining-process-and-equipment-conditions-in-downstream"
    )
    assert detail["finder_url"] != finder_url("COGDO21", detail["current"]["title"])
    # held on ukstandards.org.uk without www: linked on the canonical host
    assert services.standard_detail(services.get_standard("LANACT3"))["finder_url"] == FINDER + "LANACT3/offer-reiki-to-animals"
    # no held page: the rule
    detail = services.standard_detail(services.get_standard("SFLDGV1"))
    assert detail["finder_url"] == finder_url("SFLDGV1", detail["current"]["title"])


def test_page_json_twin_and_api_give_the_finder_address(client, load_reports):
    expected = FINDER + "SFLDGV1/prepare-the-goods-vehicle-for-driving"
    html = _html(client.get("/nos/SFLDGV1/"))
    assert html.count(f'href="{expected}"') >= 2  # beside the notice, and in the details
    twin = client.get("/nos/SFLDGV1.json").json()
    assert twin["finder_url"] == expected and twin["p"]["finder_url"] == expected
    assert client.get("/api/v1/nos/SFLDGV1").json()["finder_url"] == expected
    assert client.get("/nos/SFLDGV1/summary.json").json()["finder_url"] == expected
    assert client.get(f"/nos/{CFAM}.json").json()["finder_url"] == FINDER + "CFAM%26LAA1/manage-yourself"


def test_nos_without_text_says_so_and_links_the_finder(client, load_reports):
    html = _html(client.get("/nos/SFLDGV1/"))
    notice = re.search(r'<div class="govuk-inset-text" data-notice="no-text">(.*?)</div>', html, re.S).group(1)
    assert NO_TEXT in notice and f'href="{FINDER}SFLDGV1/' in notice and READ_FULL in notice


@pytest.mark.parametrize(
    ("urn", "notice", "ending"),
    [
        ("SFLDGV1", NO_TEXT, "SFLDGV1/prepare-the-goods-vehicle-for-driving"),
        (
            "SFHCHS11",
            EXCERPT,
            "SFHCHS11/undertake-personal-hygiene-for-individuals-who-require-additional-support-to-care-for-themselves",
        ),
    ],
)
def test_pdf_and_docx_say_so_on_their_first_page_with_the_link(client, load_reports, urn, notice, ending):
    if urn == "SFHCHS11":  # the excerpt stops mid-word
        assert "using appropriate techn" in json.dumps(client.get(f"/nos/{urn}.json").json()["current"])
    text, uris = _first_pdf_page(client.get(f"/nos/{urn}.pdf").content)
    assert notice in text and READ_FULL in text
    assert FINDER + ending in uris  # a live link, not only its text
    dtext, links = _docx_opening(client.get(f"/nos/{urn}.docx").content)
    assert notice in dtext and f"{READ_FULL}: {FINDER}{ending}" in dtext
    assert FINDER + ending in links


def test_a_nos_with_its_full_text_links_the_finder_without_a_notice(client, tmp_path, load_reports):
    doc = {
        "URN": "ZZFULL1",
        "Title": "Check the zzwidget seals",
        "Validity": "Current",
        "Status": "Original",
        "NOSCategory": "Core",
        "Overview": "<p>About zzwidgets.</p>",
        "Performance_criteria": "<ol><li>check the seals</li></ol>",
        "Indicative_review_date": "2099-01-31",
    }
    path = tmp_path / "full.json"
    path.write_text(json.dumps(doc))
    assert import_json(path).created == 1
    html = _html(client.get("/nos/ZZFULL1/"))
    assert NO_TEXT not in html and EXCERPT not in html and 'data-notice="review-overdue"' not in html
    assert f'href="{FINDER}ZZFULL1/check-the-zzwidget-seals">This standard on the official NOS finder</a>' in html
    text, uris = _first_pdf_page(client.get("/nos/ZZFULL1.pdf").content)
    assert NO_TEXT not in text and EXCERPT not in text and FINDER + "ZZFULL1/check-the-zzwidget-seals" in uris


# -- 2. internal data off public pages ------------------------------------------------------------


def _outside_details(html: str) -> str:
    return re.sub(r'<details class="govuk-details".*?</details>', " ", html, flags=re.S)


def test_provenance_sits_in_a_disclosure_in_plain_words(client, load_reports):
    html = _html(client.get("/nos/SFHCHS11/"))  # its current version came from nos_pages.jsonl, row 20
    disclosure = re.search(r'<details class="govuk-details".*?</details>', html, re.S).group(0)
    assert "Where this information comes from" in disclosure
    assert "A saved copy of this standard’s page on the official NOS finder (record 20 of “nos_pages.jsonl”)" in disclosure
    rest = _outside_details(html)
    assert "nos_pages.jsonl" not in rest and "row 20" not in rest and "page:" not in rest
    assert ">The official NOS finder</td>" in rest  # the history table names the source in plain words


def test_placeholder_review_date_is_explained_only_in_the_disclosure(client, load_reports):
    standard = (
        Standard.objects.filter(current__indicative_review_date=None, current__indicative_review_date_raw__startswith="1905")
        .order_by("id")
        .first()
    )
    raw = standard.current.indicative_review_date_raw
    html = _html(client.get(f"/nos/{quote(standard.slug)}/"))
    assert raw not in _outside_details(html) and "placeholder" not in _outside_details(html)
    assert f"it holds {raw}, a placeholder." in html
    assert 'data-notice="review-overdue"' not in html  # no real date, no warning


def test_developed_by_is_shown_once_and_linked(client, load_reports):
    html = _html(client.get("/nos/LANACT3/"))
    assert html.count(">Developed by</dt>") == 1
    assert re.search(
        r'>Developed by</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="/developers/\d+/">Lantra</a>', html
    )
    text, _ = _first_pdf_page(client.get("/nos/SFLDGV1.pdf").content)
    assert text.count("Developed by") == 1


# -- 3. warnings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "date"), [("/nos/SFLDGV1/", "2023-01-31"), (f"/nos/{CFAM}/", "2015-")])
def test_a_nos_past_its_review_date_warns(client, load_reports, url, date):
    html = _html(client.get(url))
    warning = re.search(r'<div class="govuk-warning-text" data-notice="review-overdue">(.*?)</div>', html, re.S).group(1)
    assert f"This standard was due for review by {date}" in warning and f'href="{FINDER}' in warning
    assert client.get(url.rstrip("/") + ".json").json()["p"]["review_overdue"] is True


def test_same_text_copies_name_each_other_with_links(client, load_reports):
    if latest_run() is None:  # before any detection run, nothing to warn of
        assert 'data-notice="same-text"' not in _html(client.get(f"/nos/{CFAM}/"))
    run_detection()
    html = _html(client.get(f"/nos/{CFAM}/"))
    warning = re.search(r'<div class="govuk-warning-text" data-notice="same-text">(.*?)</div>', html, re.S).group(1)
    assert "holds the same text" in warning and 'href="/nos/PROHBC1/">PROHBC1</a>' in warning
    copies = client.get(f"/nos/{CFAM}.json").json()["same_text_copies"]
    assert [c["urn"] for c in copies] == ["PROHBC1"] and copies[0]["kind"] == "same_text"
    back = _html(client.get("/nos/PROHBC1/"))
    slug = services.get_standard("CFAM&LAA1").slug
    assert f'href="/nos/{slug}/">CFAM&amp;LAA1</a>' in back
    assert 'data-notice="same-text"' in _html(client.get(f"/nos/{CFAM}/summary/"))


# -- 11. Welsh labels -------------------------------------------------------------------------------


def test_welsh_labels_are_welsh(welsh_client, load_reports):
    html = _html(welsh_client.get("/nos/SFLDGV1/"))
    for garbled in ("NOSCategori", "SOC Cod<", "Cyfres/Set", ", suggested)", ", crosswalked)", "from the catalogue"):
        assert garbled not in html, garbled
    assert ">Categori SGC</dt>" in html and ">Codau SOC</dt>" in html and ">Cyfresi</dt>" in html
    assert "(SOC 2010, o’r catalog)" in html
    with translation.override("cy"):  # how a code came to a NOS, as the SOC lines say it
        assert [_soc_source(s) for s in ("catalogue", "crosswalk", "suggested", "confirmed")] == [
            "o’r catalog",
            "wedi’i drosi o SOC 2010",
            "wedi’i awgrymu",
            "wedi’i gadarnhau",
        ]
    versions = re.search(r"<tbody class=\"govuk-table__body\">(.*?)</tbody>", html, re.S).group(1)
    assert ">Current<" not in versions and ">Legacy<" not in versions and ">Cyfredol<" in versions
    pdf_text, _ = _first_pdf_page(welsh_client.get("/nos/SFLDGV1.pdf").content)
    assert "Mae gan NOS Hub fanylion y safon hon ond nid ei thestun." in pdf_text


def test_welsh_home_page_examples_are_welsh(welsh_client, load_reports):
    html = _html(welsh_client.get("/"))
    assert "“paratoi pysgod”" in html and "“weldiwr”" in html
    assert "prepare fish" not in html and "welder" not in html
