"""Monitoring: a synthetic day of requests replayed through the real endpoints and every count
checked exactly; report figures recomputed from the catalogue workbooks; the PDF tagged, its
charts described; the staff pages closed to everyone else."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from html import escape as html_escape

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from noshub.catalogue.models import Standard, Suite
from noshub.catalogue.roles import ADMINISTRATOR, DEVELOPER
from noshub.monitoring import measures, report, services, usage
from noshub.monitoring import measures as m
from noshub.monitoring.models import DailyUsage, UsageEvent, UsageSalt

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def test_a_synthetic_day_is_counted_exactly(load_reports):
    rng = random.Random(2026)
    usage.discard()
    UsageEvent.objects.all().delete()
    DailyUsage.objects.all().delete()
    slugs = list(Standard.objects.filter(current__validity="current").order_by("slug").values_list("slug", flat=True)[:400])
    nos = rng.sample(slugs, 6)
    suite_ids = list(Suite.objects.order_by("id").values_list("id", flat=True)[:3])
    people = [Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"192.0.2.{i}") for i in range(3)]
    bot = Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    dnt = Client(HTTP_USER_AGENT=BROWSER, HTTP_DNT="1")
    gpc = Client(HTTP_USER_AGENT=BROWSER, HTTP_SEC_GPC="1")
    expected: Counter = Counter()
    api_by_client: Counter = Counter()

    def get(client, url, status=200, data=None, **extra):
        response = client.get(url, data, **extra)
        assert response.status_code == status, (url, response.status_code)
        assert not response.cookies, f"{url} set a cookie"
        return response

    for _ in range(20):  # NOS pages, their summaries and print views
        slug, page = rng.choice(nos), rng.choice(["", "summary/", "print/"])
        get(rng.choice(people), f"/nos/{slug}/{page}")
        expected[("view", "nos", slug, {"": "page", "summary/": "summary", "print/": "print"}[page])] += 1
    for suite_id in suite_ids:
        get(people[0], f"/suites/{suite_id}/")
        expected[("view", "suite", str(suite_id), "page")] += 1
    get(people[1], "/occupations/6135/")
    expected[("view", "occupation", "6135", "page")] += 1
    outcomes = []
    for q in ["care", "hairdressing", "qzxwvkplm jjxqv", "zzyzxq vvkqj", "sheep shearing"]:
        response = get(people[2], "/search/", data={"q": q})
        found = response.context["total"] > 0  # as the page says; judged by the page, not by the counter
        outcomes.append(found)
        expected[("search", "results", "", "found" if found else "zero")] += 1
    assert True in outcomes and False in outcomes
    get(people[2], "/search/?q=care&page=2")  # a further page of the same search: not another search
    for slug in nos[:2]:  # opened from the results
        get(people[2], f"/nos/{slug}/", HTTP_REFERER="http://testserver/search/?q=care")
        expected[("view", "nos", slug, "page")] += 1
        expected[("search", "followed", "", "")] += 1
    get(people[0], f"/nos/{nos[0]}.docx")
    expected[("download", "nos", nos[0], "docx")] += 1
    get(people[0], f"/nos/{nos[1]}.pdf")
    expected[("download", "nos", nos[1], "pdf")] += 1
    for i, client in enumerate(people):  # API calls and JSON twins by three clients
        for _ in range(i + 1):
            get(client, f"/api/v1/nos/{nos[2]}")
            expected[("api", "api:nos")] += 1
            api_by_client[i] += 1
        get(client, f"/nos/{nos[3]}.json")
        expected[("api", "web:nos-json")] += 1
        api_by_client[i] += 1
    get(people[0], "/api/v1/search?q=care&format=csv")
    expected[("api", "api:search")] += 1
    expected[("download", "api:search", "", "csv")] += 1
    api_by_client[0] += 1
    for client in (bot, dnt, gpc):  # never counted
        get(client, f"/nos/{nos[0]}/")
        get(client, "/search/?q=care")
        get(client, f"/api/v1/nos/{nos[2]}")
        get(client, f"/nos/{nos[0]}.docx")
    get(people[0], "/nos/NO-SUCH-NOS/", status=404)  # errors are not counted

    usage.flush()
    today = dt.date.today()
    assert UsageEvent.objects.count() == sum(expected.values())
    done = usage.aggregate(today=today)
    assert done["events"] == sum(expected.values())
    assert not UsageEvent.objects.exists(), "raw events are purged after aggregation"

    counted: Counter = Counter()
    clients: Counter = Counter()
    for row in DailyUsage.objects.all():
        assert row.day == today
        if row.kind == "api":
            counted[("api", row.target)] += row.count
            clients[row.detail] += row.count
            assert len(row.detail) == 16 and "192.0.2" not in row.detail
        else:
            counted[(row.kind, row.target, row.subject, row.detail)] += row.count
    assert counted == expected
    assert sorted(clients.values()) == sorted(api_by_client.values())

    # The measures read the same counts.
    views = measures.nos_page_views(today, today)
    assert views.value == sum(n for k, n in expected.items() if k[:2] == ("view", "nos"))
    success = measures.search_success(today, today)
    assert (success.numerator, success.denominator) == (2, 5)
    assert measures.search_zero_results(today, today).numerator == outcomes.count(False)
    assert measures.downloads(today, today).breakdown["by_format"] == {"csv": 1, "docx": 1, "pdf": 1}
    api = measures.api_calls(today, today)
    assert api.value == sum(api_by_client.values()) and api.breakdown["client_days"] == 3

    # The day's salt goes once the day is over: the hashes can no longer be tied to an address.
    assert UsageSalt.objects.filter(day=today).exists()
    usage.aggregate(today=today + dt.timedelta(days=1))
    assert not UsageSalt.objects.exists()


def test_usage_per_nation_is_known_only_from_a_staff_accounts_declared_nation(load_reports):
    from noshub.lifecycle.models import Profile

    usage.discard()
    UsageEvent.objects.all().delete()
    DailyUsage.objects.all().delete()
    slugs = list(Standard.objects.filter(current__validity="current").order_by("slug").values_list("slug", flat=True)[:3])
    reviewer = User.objects.create_user("reviewer-wales-usage", password="x-long-password-3")
    Profile.objects.create(user=reviewer, nation="wales")
    staff = Client(HTTP_USER_AGENT=BROWSER)
    staff.force_login(reviewer)
    undeclared = User.objects.create_user("no-nation-usage", password="x-long-password-4")
    Profile.objects.create(user=undeclared)
    other = Client(HTTP_USER_AGENT=BROWSER)
    other.force_login(undeclared)
    welsh = Client(HTTP_USER_AGENT=BROWSER)
    welsh.cookies["django_language"] = "cy"
    english = Client(HTTP_USER_AGENT=BROWSER)
    for client in (staff, other, welsh, english):
        assert client.get(f"/nos/{slugs[0]}/").status_code == 200
    assert staff.get(f"/suites/{Suite.objects.order_by('id').first().id}/").status_code == 200
    assert staff.get(f"/nos/{slugs[1]}.docx").status_code == 200  # a download: no nation counted
    assert welsh.get("/search/", {"q": "care"}).status_code == 200  # a search: no language counted
    usage.flush()
    # The nation is counted on its own, never beside the NOS viewed.
    nation_rows = list(UsageEvent.objects.filter(target="nation").values_list("kind", "subject", "detail"))
    assert nation_rows == [("view", "wales", ""), ("view", "wales", "")]
    assert list(UsageEvent.objects.filter(target="language").values_list("subject", flat=True)) == ["cy"]
    today = dt.date.today()
    usage.aggregate(today=today)
    views = measures.nos_page_views(today, today)
    assert views.value == 4
    assert views.breakdown["by_nation"] == {"wales": 2, "not_known": 3}  # 4 NOS views and a suite view
    assert views.breakdown["welsh_interface"] == 1
    assert views.breakdown["suite_pages"] == 1


# -- the report ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annual(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = report.build(2026)
        page = report.html(built, "en")
        return {"report": built, "twin": json.loads(json.dumps(report.twin(built), default=report._json_default)), "html": page}


def _urn_key(urn: str) -> str:
    """The catalogue's URN lookup key (README, "Rules for URNs and versions")."""
    return urn.replace(" ", "").upper().replace("&", "_")


def _has_soc_code(value) -> bool:
    """At least one well-formed four-digit code among the cell's tokens (a float cell is a number)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return any(re.fullmatch(r"\d{4}", token) for token in re.split(r"[;,/\s]+", str(value or "").strip()))


def _workbook_rows(data_dir):
    """Each URN's current record by the README's rule: validity current beats legacy, then the
    later Modified, then the newer export file."""
    import openpyxl

    best: dict[str, tuple] = {}
    for rank, name in enumerate(("PublishedNos-old Details.xlsx", "PublishedNos Details.xlsx")):
        wb = openpyxl.load_workbook(data_dir / "nos-catalogue-2019" / name, read_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        for values in rows:
            row = dict(zip(header, values, strict=False))
            urn = str(row["URN"] or "").strip()
            if not urn:
                continue
            is_current = str(row["Validity"] or "").strip().lower() == "current"
            order = (is_current, row["Modified"] or dt.datetime.min, rank)
            key = _urn_key(urn)
            if key not in best or order >= best[key][0]:
                best[key] = (order, row)
    return {k: row for k, (_, row) in best.items()}


def test_ten_report_figures_match_the_catalogue_workbooks(annual, data_dir):
    """Eleven figures of the report recomputed from the workbooks with openpyxl, URN by URN. A URN
    the catalogue reused for different standards (urn_clash, 97 in 2019) is told apart by title
    similarity, which this check does not redo: those standards are counted from the database
    and every other URN from the workbooks alone (each check: workbooks + reused URNs = report)."""
    latest = _workbook_rows(data_dir)
    clash_keys = set(Standard.objects.filter(urn_clash=True).values_list("urn_key", flat=True))
    clash_keys = {_urn_key(k) for k in clash_keys}
    latest = {k: r for k, r in latest.items() if k not in clash_keys}
    current = {k: r for k, r in latest.items() if str(r["Validity"] or "").strip().lower() == "current"}

    def review(r):
        d = r["Indicative Review Date"]
        return d.date() if isinstance(d, dt.datetime) else None

    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    dated = {k: review(r) for k, r in current.items() if review(r) and review(r) >= dt.date(1950, 1, 1)}
    clash = set(Standard.objects.filter(urn_clash=True).values_list("id", flat=True))

    def reused(ids) -> int:  # the standards of reused URNs among `ids`, counted from the database
        return len([i for i in ids if i in clash])

    def ours(ids) -> int:  # NOS Hub's count of the others, to match the workbooks'
        return len([i for i in ids if i not in clash])

    current_ids = m.nos_current(start, end).nos
    past = m.nos_past_review(start, end)
    due = m.nos_due_review(start, end).nos
    missing = m.nos_review_date_missing(start, end).nos
    soc = m.soc2010_coded(start, end).nos
    dated_ids = [i for i, d in m._review_dates() if d is not None and d >= m.PLACEHOLDER_BEFORE]
    legacy_ids = list(Standard.objects.filter(current__validity="legacy").values_list("id", flat=True))
    legacy_wb = sum(str(r["Validity"] or "").strip().lower() == "legacy" for r in latest.values())
    past_wb = sum(d < end for d in dated.values())
    f = annual["twin"]["figures"]
    # name: (from the workbooks, NOS Hub's count of the same URNs, from reused URNs, in the report)
    checks = {
        "nos_current": (len(current), ours(current_ids), reused(current_ids), f["nos_current"]["value"]),
        "nos_past_review.numerator": (past_wb, ours(past.nos), reused(past.nos), f["nos_past_review"]["numerator"]),
        "nos_past_review.denominator": (len(dated), ours(dated_ids), reused(dated_ids), f["nos_past_review"]["denominator"]),
        "nos_past_review.no_real_date": (
            len(current) - len(dated),
            ours(missing),
            reused(missing),
            f["nos_past_review"]["breakdown"]["no_real_date"],
        ),
        "nos_due_review": (sum(d.year == 2026 for d in dated.values()), ours(due), reused(due), f["nos_due_review"]["value"]),
        "nos_review_date_missing": (
            len(current) - len(dated),
            ours(missing),
            reused(missing),
            f["nos_review_date_missing"]["value"],
        ),
        "soc2010_coded": (
            sum(_has_soc_code(r["SOC Code"]) for r in current.values()),
            ours(soc),
            reused(soc),
            f["soc2010_coded"]["value"],
        ),
        "nos_current.by_validity.legacy": (
            legacy_wb,
            ours(legacy_ids),
            reused(legacy_ids),
            f["nos_current"]["breakdown"]["by_validity"]["legacy"],
        ),
        "welsh_coverage.denominator": (len(current), ours(current_ids), reused(current_ids), f["welsh_coverage"]["denominator"]),
        "soc2020_coverage.denominator": (
            len(current),
            ours(current_ids),
            reused(current_ids),
            f["soc2020_coverage"]["denominator"],
        ),
    }
    mismatches = {
        name: {"workbooks": wb, "nos_hub": mine, "reused_urns": extra, "report": reported}
        for name, (wb, mine, extra, reported) in checks.items()
        if mine != wb or reported != wb + extra
    }
    # The share, from the workbooks' counts (and the reused URNs'): the eleventh figure.
    share = round(100 * (past_wb + reused(past.nos)) / (len(dated) + reused(dated_ids)), 1)
    if f["nos_past_review"]["value"] != share:
        mismatches["nos_past_review"] = {"workbooks": share, "report": f["nos_past_review"]["value"]}
    assert len(checks) + 1 >= 10 and not mismatches, mismatches
    assert f["nos_reviewed_in_year"]["value"] == 0  # the workbooks are of 2019: nothing approved in 2026
    assert f["welsh_coverage"]["numerator"] == 0  # the workbooks hold no Welsh text


def test_every_figure_has_its_definition_and_query_in_the_twin(annual):
    figures = annual["twin"]["figures"]
    assert set(figures) == set(measures.REGISTRY)
    for key, f in figures.items():
        assert f["definition"] and f["source"].endswith(measures.REGISTRY[key].fn.__name__)
        assert f"def {measures.REGISTRY[key].fn.__name__}(" in f["query"]
        assert f'id="def-{key}"' in annual["html"]
        if not f["no_data"]:
            assert f'href="#def-{key}"' in annual["html"], key
    from noshub.themes.services import latest_run

    if latest_run() is None:  # the themes build has not run in this test database
        assert figures["pan_sector_share"]["value"] is None and "noshub themes build" in figures["pan_sector_share"]["no_data"]
    else:
        assert figures["pan_sector_share"]["value"] is not None
    # the load imports the qualifications and links their units
    assert figures["qualifications_linked"]["value"] > 100 and not figures["qualifications_linked"]["no_data"]
    assert [c["number"] for c in annual["twin"]["chapters"]] == [1, 2, 3, 4, 5, 6, 7]


@pytest.fixture(scope="module")
def annual_pdf(annual):
    return report.pdf(annual["html"])


def test_the_pdf_is_tagged_and_its_charts_have_text_alternatives(annual, annual_pdf):
    import io

    from pypdf import PdfReader

    assert annual["html"].count("<img") >= 3
    assert annual["html"].count("<img") == annual["html"].count('alt="') - annual["html"].count('alt=""')
    data = annual_pdf
    assert data == report.pdf(annual["html"]), "same data, same bytes"
    pdf = PdfReader(io.BytesIO(data))
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                if hasattr(kid, "get_object"):
                    walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert len(alts) >= 3 and all(a.strip() for a in alts)


def test_the_report_in_welsh_has_welsh_labels(annual):
    page = report.html(annual["report"], "cy")
    assert 'lang="cy"' in page and "Adroddiad blynyddol" in page
    # The measures' names, definitions, charts' titles and bars in Welsh, each marked as Welsh.
    assert '<h3 id="figure-nos_current" lang="cy">SGC cyfredol</h3>' in page
    assert '<td lang="cy">Ymweliadau â thudalennau SGC</td><td lang="cy">Ymweliadau â thudalennau SGC (y dudalen' in page
    assert "Safonau yn ôl dilysrwydd" in page and 'alt="Safonau yn ôl dilysrwydd: Cyfredol ' in page
    assert 'alt="Standards by validity: Current ' in annual["html"]
    for d in measures.REGISTRY.values():  # no definition is left in English
        assert html_escape(d.definition) not in page and html_escape(d.definition) in annual["html"], d.key
    assert '<td lang="en">' not in page.split('id="definitions"')[1].replace('<td lang="en">NOS Governance Group</td>', "")
    assert "Standards by validity" not in page and ">Current NOS<" not in page
    # The figures read the same in both languages.
    english = annual["html"]
    figure = re.compile(r'<a href="#def-nos_current">([^<]+)</a>')
    assert figure.findall(page) and figure.findall(page) == figure.findall(english)
    assert '<h3 id="figure-nos_current" lang="en">Current NOS</h3>' in english


# -- the staff pages ----------------------------------------------------------------------------


def test_only_staff_see_the_measures():
    anonymous = Client()
    assert anonymous.get("/monitoring/").status_code == 403
    assert anonymous.get("/monitoring.json").status_code == 403
    developer = User.objects.create_user("dev-monitoring", password="x-long-password-1")
    developer.groups.add(Group.objects.get(name=DEVELOPER))
    client = Client()
    client.force_login(developer)
    assert client.get("/monitoring/measures/nos_current/").status_code == 403
    admin = User.objects.create_user("admin-monitoring", password="x-long-password-2")
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    client.force_login(admin)
    page = client.get("/monitoring/measures/nos_past_review/")
    assert page.status_code == 200 and b"alt=" in page.content
    twin = client.get("/monitoring/measures/nos_past_review.json?limit=5").json()
    assert twin["measure"]["key"] == "nos_past_review" and len(twin["nos"]) == 5
    assert twin["nos_total"] == twin["now"]["numerator"]
    assert client.get("/monitoring/measures/no_such_measure/").status_code == 404
    dashboard = client.get("/monitoring.json").json()
    assert sum(len(o["measures"]) for o in dashboard["objectives"]) == len(measures.REGISTRY)
    services.record(dt.date(2026, 12, 1), ["nos_current"])
    services.record(dt.date(2026, 12, 2), ["nos_current"])
    assert len(client.get("/monitoring/measures/nos_current.json").json()["series"]) == 2


# -- Welsh words (issue 24: Welsh interface labels) ----------------------------------------------


def test_every_measure_and_chart_word_is_translated_into_welsh():
    from django.utils import translation

    from noshub.monitoring import charts

    words = [w for d in measures.REGISTRY.values() for w in (d.name, d.definition)]
    words += [*report.LABELS.values(), *report.BAR_LABELS.values()]
    with translation.override("cy"):
        untranslated = [w for w in words if translation.gettext(w) == w]
        trend = charts.trend([(dt.date(2026, 1, 1), 10.0), (dt.date(2026, 6, 1), 20.0)], title="T", unit="percent", target=25.0)
        empty = charts.bars([], title="T")
    assert not untranslated, untranslated
    assert trend["alt"] == "T: 2 gwerth o 2026-01-01 (10%) i 2026-06-01 (20%); targed 25%." and "Targed 25%" in trend["svg"]
    assert empty["alt"] == "T: dim i’w ddangos."


def test_a_measures_page_in_welsh_gives_its_name_and_definition_in_welsh():
    admin = User.objects.create_user("admin-monitoring-cy", password="x-long-password-5")
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    client = Client()
    client.force_login(admin)
    client.cookies["django_language"] = "cy"
    page = client.get("/monitoring/measures/suites_active/").content.decode()
    assert '<h1 class="govuk-heading-l">Cyfresi sydd ag SGC cyfredol</h1>' in page
    assert "Cyfresi sy’n cynnwys o leiaf un SGC cyfredol." in page and "Suites that hold" not in page
    twin = client.get("/monitoring/measures/suites_active.json?limit=1").json()  # the twin keeps the code's English
    assert twin["measure"]["definition"] == "Suites that hold at least one current NOS."


def test_lifecycle_days_and_consultation_responses_are_read_from_the_audit_trail_exactly():
    """Two projects with known moves: each stage's median days, each nation's days to respond,
    the comments of a consultation by moderation."""
    from noshub.catalogue.models import Organisation
    from noshub.lifecycle.models import Approval, AuditEntry, Comment, Draft, Project

    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    day = dt.timedelta(days=1)
    org = Organisation.objects.get_or_create(name="Lantra")[0]
    a, b = (Project.objects.create(title=t, organisation=org) for t in ("A", "B"))
    Project.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=t0)
    for project, stage, at in ((a, "part_b", t0 + 10 * day), (a, "drafting", t0 + 30 * day), (b, "part_b", t0 + 20 * day)):
        entry = AuditEntry.objects.create(
            action="advance", project=project, object_type="Project", summary="moved", after={"stage": stage}
        )
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    Approval.objects.create(project=a, approval="part_a", nation="england", response="approve", responded_at=t0 + 4 * day)
    Approval.objects.create(project=a, approval="part_b", nation="scotland", response="approve", responded_at=t0 + 16 * day)
    stages = measures.lifecycle_stage_days(*year)
    assert stages.value == 20.0  # the median of 10, 20 (proposal) and 20 (part B) days
    assert stages.breakdown == {
        "by_stage": {"part_b": {"median": 20.0, "n": 1}, "proposal": {"median": 15.0, "n": 2}},
        "by_nation": {"england": {"median": 4.0, "n": 1}, "scotland": {"median": 6.0, "n": 1}},
    }
    assert measures.consultation_responses(*year).no_data  # no consultation held yet: no data, not 0
    Project.objects.filter(pk=a.pk).update(consultation_opens=t0 + 31 * day)
    draft = Draft.objects.create(project=a, urn="ZZMON1", title="A draft")
    for moderation, decision in (("published", "accepted"), ("published", ""), ("pending", "")):
        Comment.objects.create(project=a, draft=draft, text="A comment", moderation=moderation, decision=decision)
    responses = measures.consultation_responses(*(dt.date.today(), dt.date.today()))
    assert responses.value == 3 and responses.breakdown == {"by_moderation": {"pending": 1, "published": 2}, "decided": 1}


def test_every_number_the_report_links_to_a_definition_is_a_figure_of_its_twin(annual):
    figures = annual["twin"]["figures"]
    shown = re.findall(r'<a href="#def-([a-z0-9_]+)">([^<]+)</a>', annual["html"])
    assert len({key for key, _ in shown}) >= 15
    for key, text in shown:
        f = figures[key]
        allowed = {f["formatted"], "Definition"} | {f"{n:.0f}" for n in (f["numerator"], f["denominator"]) if n is not None}
        assert text in allowed, (key, text, allowed)


def test_the_infographic_is_one_page_of_the_pdf(annual, annual_pdf):
    import io

    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(annual_pdf)).pages]
    on = [i for i, text in enumerate(pages) if "The year in figures" in text and "Contents" not in text]
    assert len(on) == 1, on
    page = " ".join(pages[on[0]].split())
    for key in annual["twin"]["infographic"]:
        assert " ".join(annual["twin"]["figures"][key]["name"].split()) in page, key
    assert "Objective 1" not in page  # the chapters start on the next page


def test_the_commands_keep_measures_and_write_the_welsh_report(tmp_path):
    from click.testing import CliRunner

    from noshub.cli import main
    from noshub.monitoring.models import MeasureValue

    runner = CliRunner()
    kept = runner.invoke(main, ["monitoring", "measure", "--as-of", "2026-12-01", "--measure", "suites_active"])
    assert kept.exit_code == 0, kept.output
    value = MeasureValue.objects.get(measure__key="suites_active", as_of=dt.date(2026, 12, 1))
    assert kept.output.strip() == f"suites_active: {value.value:g}" and value.value > 100
    listed = runner.invoke(main, ["monitoring", "measures", "--format", "json"])
    assert {r["key"] for r in json.loads(listed.output)} == set(measures.REGISTRY)
    made = runner.invoke(main, ["report", "annual", "--year", "2026", "--out", str(tmp_path), "--language", "cy", "--no-pdf"])
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annual-report-2026-cy.html", "annual-report-2026.json"]
    assert "Adroddiad blynyddol" in (tmp_path / "annual-report-2026-cy.html").read_text()
