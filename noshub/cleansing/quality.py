"""The metadata quality report: what `noshub quality`, /cleansing/quality.json and the staff page show.

Every check runs over the current version of every standard and gives a count, the counts by
developer and by suite, and the list of standards (or names) it found. Checks:

- ``urn_clash``: URNs used for two or more standards (a reused URN).
- ``original_not_tailored``: the Original URN names another standard NOS Hub holds, but the
  Status is not Tailored (an imported or tailored copy not flagged as one).
- ``original_not_a_urn``: the Original URN is not a URN at all ("IMP", "N/A", "[ORIGINURN]", "2").
- ``review_date_placeholder`` / ``review_date_missing``: the indicative review date is a
  placeholder (1905-03-14 …) or absent.
- ``past_review_date``: current NOS whose indicative review date has passed.
- ``soc_not_unit_group``: SOC 2010 codes that are not SOC 2010 unit groups (checked against the
  ONS SOC 2010 → 2020 relationship table and coding index), and malformed SOC tokens.
- ``vocabulary_variants``: names of developers, suites and occupations that are one name by
  the names rule (``noshub.core.names.name_key``: case, spacing, punctuation, '&'/'and') but
  are still held apart, and the spellings of Validity, NOSCategory and Status in the source
  rows ("LEGACY" / "legacy"). Suite and developer spellings are merged on import by that rule
  (reviewed at /catalogue/names/), so what is listed here is what the rule left apart.
- ``missing_required``: a required field of the NOS template (title, validity, status,
  category) or a developer or suite is missing.
- ``single_nos_suites``: suites with one NOS.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from noshub.catalogue.models import NosSocCode, NosVersion, Standard
from noshub.core.duplicates import plausible_urn
from noshub.core.names import name_key
from noshub.core.vocab import split_soc_codes

CHECKS = {
    "urn_clash": "URNs used for two or more standards",
    "original_not_tailored": "Original URN names another NOS, but Status is not Tailored",
    "original_not_a_urn": "Original URN is not a URN",
    "review_date_placeholder": "Indicative review date is a placeholder",
    "review_date_missing": "No indicative review date",
    "past_review_date": "Current NOS past their indicative review date",
    "soc_not_unit_group": "SOC codes that are not valid SOC 2010 unit groups",
    "vocabulary_variants": "Vocabulary variants (the same name written differently)",
    "missing_required": "Required fields missing",
    "single_nos_suites": "Suites with one NOS",
}


def _valid_soc2010() -> set[str] | None:
    """SOC 2010 unit groups, from the ONS reference data NOS Hub has loaded (None if none is)."""
    from noshub.soc.models import CodingIndexEntry, SocRelationship

    codes = set(SocRelationship.objects.values_list("soc2010", flat=True).distinct())
    codes |= set(CodingIndexEntry.objects.exclude(soc2010="").values_list("soc2010", flat=True).distinct())
    codes = {c for c in codes if re.fullmatch(r"\d{4}", c or "")}
    return codes or None


def _rows() -> list[dict]:
    current = NosVersion.objects.filter(id__in=Standard.objects.values("current_id"))
    rows = list(
        current.values(
            "id",
            "standard_id",
            "standard__slug",
            "standard__urn_key",
            "standard__urn_clash",
            "urn",
            "title",
            "validity",
            "status",
            "category",
            "original_urn",
            "original_standard_id",
            "original_standard__slug",
            "indicative_review_date",
            "indicative_review_date_raw",
            "developed_by__name",
            "raw",
        )
    )
    suites: dict[int, list[str]] = defaultdict(list)
    for vid, name in NosVersion.suites.through.objects.filter(nosversion_id__in=current.values("id")).values_list(
        "nosversion_id", "suite__name"
    ):
        suites[vid].append(name)
    for r in rows:
        r["suites"] = sorted(suites.get(r["id"], []))
        r["developer"] = r["developed_by__name"] or ""
    return rows


def _item(r: dict, **detail) -> dict:
    return {
        "nos": r["standard__slug"],
        "urn": r["urn"],
        "title": r["title"],
        "developer": r["developer"],
        "suites": r["suites"],
        **detail,
    }


def _check(items: list[dict], with_breakdown: bool = True) -> dict:
    out: dict = {"count": len(items), "items": items}
    if with_breakdown:
        by_dev = Counter(i.get("developer") or "not stated" for i in items)
        by_suite = Counter(s for i in items for s in (i.get("suites") or ["no suite"]))
        out["by_developer"] = dict(sorted(by_dev.items(), key=lambda kv: (-kv[1], kv[0])))
        out["by_suite"] = dict(sorted(by_suite.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def quality_report(today: date | None = None) -> dict:
    """Every check, with counts, breakdowns by developer and suite, and the lists."""
    today = today or date.today()
    rows = _rows()
    checks: dict[str, dict] = {}

    # URNs used for two standards
    clash = [_item(r, urn_key=r["standard__urn_key"]) for r in rows if r["standard__urn_clash"]]
    checks["urn_clash"] = _check(sorted(clash, key=lambda i: (i["urn_key"], i["nos"])))
    checks["urn_clash"]["urns"] = len({i["urn_key"] for i in clash})

    # Original URN
    checks["original_not_tailored"] = _check(
        [
            _item(
                r, original_urn=r["original_urn"], original_nos=r["original_standard__slug"], status=r["status"] or "not stated"
            )
            for r in rows
            if r["original_standard_id"] and r["status"] != "tailored"
        ]
    )
    checks["original_not_a_urn"] = _check(
        [_item(r, original_urn=r["original_urn"]) for r in rows if r["original_urn"] and not plausible_urn(r["original_urn"])]
    )

    # Review dates
    checks["review_date_placeholder"] = _check(
        [
            _item(r, raw=r["indicative_review_date_raw"])
            for r in rows
            if r["indicative_review_date"] is None and r["indicative_review_date_raw"]
        ]
    )
    checks["review_date_missing"] = _check(
        [_item(r) for r in rows if r["indicative_review_date"] is None and not r["indicative_review_date_raw"]]
    )
    checks["past_review_date"] = _check(
        [
            _item(r, review_date=r["indicative_review_date"].isoformat())
            for r in rows
            if r["validity"] == "current" and r["indicative_review_date"] and r["indicative_review_date"] < today
        ]
    )

    # SOC codes
    valid = _valid_soc2010()
    by_version = {r["id"]: r for r in rows}
    soc_items = []
    if valid is not None:
        links = NosSocCode.objects.filter(version_id__in=by_version.keys(), source="catalogue", soc_code__classification="2010")
        bad: dict[int, list[str]] = defaultdict(list)
        for vid, code in links.values_list("version_id", "soc_code__code"):
            if code not in valid:
                bad[vid].append(code)
        for vid, codes in bad.items():
            soc_items.append(_item(by_version[vid], codes=sorted(codes), problem="not a SOC 2010 unit group"))
    for r in rows:
        raw_soc = (r["raw"] or {}).get("SOC Code")
        if raw_soc not in (None, ""):
            _, malformed = split_soc_codes(raw_soc)
            if malformed:
                soc_items.append(_item(r, codes=list(malformed), problem="malformed SOC code"))
    checks["soc_not_unit_group"] = _check(sorted(soc_items, key=lambda i: i["nos"]))
    checks["soc_not_unit_group"]["reference_loaded"] = valid is not None
    checks["soc_not_unit_group"]["codes"] = dict(Counter(c for i in soc_items for c in i["codes"]).most_common())

    # Vocabulary variants
    checks["vocabulary_variants"] = _vocabulary_variants(rows)

    # Missing required fields
    missing = []
    for r in rows:
        gaps = [
            name
            for name, value in (
                ("title", r["title"]),
                ("validity", r["validity"]),
                ("status", r["status"]),
                ("category", r["category"]),
                ("developer", r["developer"]),
                ("suite", r["suites"]),
            )
            if not value
        ]
        if gaps:
            missing.append(_item(r, missing=gaps))
    checks["missing_required"] = _check(missing)
    checks["missing_required"]["by_field"] = dict(Counter(g for i in missing for g in i["missing"]).most_common())

    # Suites with one NOS
    per_suite: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for s in r["suites"]:
            per_suite[s].append(r)
    single = [{"suite": s, **_item(members[0])} for s, members in sorted(per_suite.items()) if len(members) == 1]
    for i in single:
        i["suites"] = [i["suite"]]
    checks["single_nos_suites"] = _check(single)

    return {
        "as_of": today.isoformat(),
        "standards": len(rows),
        "checks": {name: {"title": CHECKS[name], **checks[name]} for name in CHECKS},
    }


def _vocabulary_variants(rows: list[dict]) -> dict:
    items = []
    for vocabulary, values in (
        ("developer", Counter(r["developer"] for r in rows if r["developer"])),
        ("suite", Counter(s for r in rows for s in r["suites"])),
        ("occupation", _occupation_counts()),
    ):
        by_key: dict[str, dict[str, int]] = defaultdict(dict)
        for name, n in values.items():
            by_key[name_key(name)][name] = n
        for forms in by_key.values():
            if len(forms) > 1:
                ranked = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))
                items.append(
                    {"vocabulary": vocabulary, "preferred": ranked[0][0], "forms": dict(ranked), "developer": "", "suites": []}
                )
    for field, column in (("validity", "Validity"), ("category", "NOSCategory"), ("status", "NOS Document Status")):
        spellings: dict[str, Counter] = defaultdict(Counter)
        for r in rows:
            raw = (r["raw"] or {}).get(column)
            if raw not in (None, ""):
                spellings[r[field] or "unrecognised"][str(raw)] += 1
        for value, forms in spellings.items():
            if len(forms) > 1:
                items.append(
                    {"vocabulary": field, "preferred": value, "forms": dict(forms.most_common()), "developer": "", "suites": []}
                )
    out = _check(items, with_breakdown=False)
    out["by_vocabulary"] = dict(Counter(i["vocabulary"] for i in items))
    # which developers' NOS use a non-preferred developer name
    dev_variants = {f: i["preferred"] for i in items if i["vocabulary"] == "developer" for f in i["forms"] if f != i["preferred"]}
    out["by_developer"] = dict(Counter(dev_variants[r["developer"]] for r in rows if r["developer"] in dev_variants))
    out["by_suite"] = {}
    return out


def _occupation_counts() -> Counter:
    current = NosVersion.objects.filter(id__in=Standard.objects.values("current_id"))
    rows = NosVersion.occupations.through.objects.filter(nosversion_id__in=current.values("id")).values_list(
        "occupation__name", flat=True
    )
    return Counter(rows)


def summary(report: dict) -> dict:
    """The report without the long lists: counts and breakdowns (top 20 each)."""
    out = {"as_of": report["as_of"], "standards": report["standards"], "checks": {}}
    for name, check in report["checks"].items():
        short = {k: v for k, v in check.items() if k != "items"}
        for k in ("by_developer", "by_suite"):
            if k in short:
                short[k] = dict(list(short[k].items())[:20])
        out["checks"][name] = short
    return out
