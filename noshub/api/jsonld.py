"""A NOS as JSON-LD in CTDL-ASN, the Credential Engine's vocabulary for competency frameworks.

Why CTDL-ASN rather than schema.org DefinedTerm: a NOS is a small competency framework, not a
term. CTDL-ASN models exactly that: a `ceasn:CompetencyFramework` (the NOS) whose
`ceasn:Competency` children are its performance criteria and knowledge items, each with its
coded notation (P1, K3) and category, and with alignments to occupations (SOC codes). It is
the vocabulary used by US and UK credential registries, so other standards systems can read
the statements one by one. Input: the dict of `noshub.catalogue.services.standard_detail`.
"""

from __future__ import annotations

from noshub.core.html import plain_text
from noshub.core.model import LIST_SECTIONS, SECTION_LABELS

CONTEXT = "https://credreg.net/ctdlasn/schema/context/json"
# Statement list → competency category: the section's English name.
CATEGORIES = {name: SECTION_LABELS[name][0] for name in LIST_SECTIONS}


def nos_jsonld(detail: dict, base_url: str) -> dict:
    v = detail["current"] or {}
    framework_id = f"{base_url}/api/v1/nos/{detail['slug']}"
    competencies = []
    for section, category in CATEGORIES.items():
        for statement in v.get(section, []):
            competencies.append(
                {
                    "@id": f"{framework_id}#{statement['ref']}",
                    "@type": "ceasn:Competency",
                    "ceasn:codedNotation": statement["ref"],
                    "ceasn:competencyText": {"en-GB": statement["text"]},
                    "ceasn:competencyCategory": {"en-GB": category},
                    "ceasn:isPartOf": framework_id,
                }
            )
    description = plain_text(v.get("overview", ""))
    doc = {
        "@context": CONTEXT,
        "@id": framework_id,
        "@type": "ceasn:CompetencyFramework",
        "ceasn:name": {"en-GB": v.get("title", "")},
        "ceasn:codedNotation": v.get("urn", detail["urn"]),
        "ceasn:publisherName": {"en-GB": v.get("developed_by", "")},
        "ceasn:inLanguage": ["en-GB"] + (["cy-GB"] if v.get("welsh", {}).get("title") else []),
        "ceasn:publicationStatusType": "http://purl.org/ctdlasn/vocabs/publicationStatus/"
        + ("Published" if v.get("validity") == "current" else "Deprecated"),
        "ceasn:hasTopChild": [c["@id"] for c in competencies],
        "ceasn:conceptKeyword": {"en-GB": v.get("keywords", [])},
        "ceterms:occupationType": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:framework": f"https://www.ons.gov.uk/soc{c['classification']}",
                "ceterms:frameworkName": {"en-GB": f"UK SOC {c['classification']}"},
                "ceterms:codedNotation": c["code"],
            }
            for c in v.get("soc_codes", [])
        ],
        "@graph": competencies,
    }
    if description:
        doc["ceasn:description"] = {"en-GB": description}
    if v.get("welsh", {}).get("title"):
        doc["ceasn:name"]["cy-GB"] = v["welsh"]["title"]
    if v.get("date_approved"):
        doc["ceasn:dateValidFrom"] = v["date_approved"]
    if v.get("indicative_review_date"):
        doc["ceasn:dateValidUntil"] = v["indicative_review_date"]
    if v.get("version_number"):
        doc["ceasn:versionCode"] = str(v["version_number"])
    return doc
