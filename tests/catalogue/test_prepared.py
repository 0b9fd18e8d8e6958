"""Prepared queries (`noshub.catalogue.prepared`): compiled once, they give what the ORM gives.

Every prepared query the NOS page asks is run beside its own queryset (the ORM compiling it
afresh) on the real catalogue, with rows made where the real catalogue has none yet (a duplicate
group, a reach and its decisions, behaviour evidence)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from noshub.behaviours import services as behaviour_services
from noshub.behaviours.models import Behaviour, Evidence
from noshub.catalogue import services as catalogue_services
from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import NosSocCode, NosVersion, Standard
from noshub.catalogue.prepared import Prepared, PreparedQueryError
from noshub.cleansing import services as cleansing_services
from noshub.cleansing.models import DetectionRun, DuplicateGroup, GroupMember
from noshub.core.urns import normalise_urn
from noshub.qualifications import services as qualification_services
from noshub.qualifications.models import UnitLink
from noshub.themes import services as theme_services
from noshub.themes.models import BuildRun, Reach, ReachDecision
from noshub.web import browse

pytestmark = pytest.mark.django_db


def same_as_orm(prepared: Prepared, *arguments) -> list:
    """The prepared query's rows, checked against its queryset run by the ORM."""
    rows = prepared(*arguments)
    assert rows == list(prepared._build(*arguments)), arguments
    return rows


def test_the_catalogue_queries_give_what_the_orm_gives(load_reports):
    with_many = (
        NosVersion.objects.annotate(n=Count("keywords"), s=Count("suites"), o=Count("occupations"))
        .filter(n__gte=3, s__gte=1, o__gte=1)
        .order_by("id")
        .values_list("id", flat=True)[:20]
    )
    assert len(with_many) == 20
    for version_id in [*with_many, 0]:  # 0: no such version
        occupations = same_as_orm(catalogue_services._OCCUPATIONS, version_id)
        same_as_orm(catalogue_services._SUITES, version_id)
        same_as_orm(catalogue_services._KEYWORDS, version_id)
        assert (version_id == 0) == (occupations == [])
    coded = NosSocCode.objects.values_list("version_id", flat=True).order_by("version_id")[:20]
    assert all(same_as_orm(catalogue_services._SOC_CODES, v) for v in coded)
    originals = NosVersion.objects.exclude(original_standard=None).values_list("original_standard_id", flat=True)[:20]
    assert any(same_as_orm(catalogue_services._DERIVED, s) for s in originals)
    suites = NosVersion.suites.through.objects.values_list("suite_id", flat=True).distinct()[:20]
    assert all(same_as_orm(browse._SUITE_MEMBERS, s) for s in suites)
    # a version's fields (dates, booleans, JSON keys through the converters), history, standards by URN, the stamp
    from_pages = NosVersion.objects.exclude(date_approved=None).exclude(source_kind="catalogue").order_by("id")[:10]
    for version in [*from_pages, *NosVersion.objects.order_by("id")[:10]]:
        row = same_as_orm(catalogue_services._VERSION, version.id)[0]
        assert row[catalogue_services._VERSION_FIELDS.index("date_approved")] == version.date_approved
        assert row[catalogue_services._VERSION_FIELDS.index("effective_at")] == version.effective_at
        assert row[catalogue_services._VERSION_FIELDS.index("text_partial")] is version.text_partial
        history = same_as_orm(catalogue_services._HISTORY, version.standard_id)
        assert [h[-1] for h in history] == [(v.raw or {}).get("url") for v in version.standard.versions.order_by("-sequence")]
    shared = Standard.objects.filter(urn_clash=True).values_list("urn_key", flat=True)[:5]
    assert all(len(same_as_orm(catalogue_services._BY_URN_KEY, key)) > 1 for key in shared)
    assert catalogue_services.find_standards("CFAM&LAA1") == list(Standard.objects.filter(urn_key="CFAM_LAA1"))
    same_as_orm(catalogue_stamp._PARTS)


def test_the_other_apps_queries_give_what_the_orm_gives(load_reports):
    a, b, c = Standard.objects.exclude(current=None).order_by("id")[:3]
    run = DetectionRun.objects.create(started_at=timezone.now())
    group = DuplicateGroup.objects.create(run=run, key="k", kind="same_text", score=1, min_score=1, size=3)
    for s in (a, b, c):
        GroupMember.objects.create(group=group, standard=s, is_canonical=s == a)
    assert group.id in same_as_orm(cleansing_services._MEMBERSHIPS, a.id)
    assert same_as_orm(cleansing_services._SAME_TEXT_KIND, group.id, run.id) == ["same_text"]
    assert same_as_orm(cleansing_services._SAME_TEXT_KIND, group.id, run.id + 1) == []
    assert len(same_as_orm(cleansing_services._GROUP_MEMBERS, group.id)) == 3
    copies = cleansing_services.same_text_copies(a, run)
    first, second = sorted((b, c), key=lambda s: (s.urn_key, s.variant))
    assert [x["slug"] for x in copies] == [first.slug, second.slug]
    assert copies[0] == {
        "slug": first.slug,
        "urn": first.urn,
        "title": first.current.title,
        "validity": first.current.validity,
        "kind": "same_text",
    }

    themes_run = BuildRun.objects.create(started_at=timezone.now())
    Reach.objects.create(run=themes_run, standard=a, reach_class="pan_sector", suites=4, developers=3, confidence=0.8)
    assert same_as_orm(theme_services._REACH_ROW, a.id, themes_run.id) == [("pan_sector", 4, 3, 0.8)]
    user = User.objects.create(username="prepared-reviewer")
    for sequence, cls in ((1, "multi_sector"), (2, "job_specific")):
        ReachDecision.objects.create(
            standard=a, sequence=sequence, reach_class=cls, computed_class="pan_sector", reason="r", decided_by=user
        )
    assert same_as_orm(theme_services._DECIDED_CLASS, a.id) == ["job_specific"]  # the latest decision
    assert same_as_orm(theme_services._DECIDED_CLASS, b.id) == []

    behaviour = Behaviour.objects.create(key="prepared", slug="prepared", name="Prepared")
    Evidence.objects.create(
        behaviour=behaviour, standard=a, field="performance_criteria", ref="P1", text="Work safely", confidence=0.5
    )
    Evidence.objects.create(behaviour=behaviour, standard=a, field="behaviours", ref="", text="Listen", confidence=0.9)
    assert [r[3] for r in same_as_orm(behaviour_services._EVIDENCE_OF, a.id)] == ["Listen", "Work safely"]

    linked = UnitLink.objects.exclude(standard=None).values_list("standard_id", flat=True).distinct()[:10]
    assert all(same_as_orm(qualification_services._QUALIFICATIONS_USING, s) for s in linked)


def test_compiled_once_per_connection_then_one_query_a_call(load_reports):
    version_id, title = NosVersion.objects.values_list("id", "title").first()
    query = Prepared(lambda v: NosVersion.objects.filter(id=v).values_list("title", flat=True))
    with CaptureQueriesContext(connection) as first:
        assert query(version_id) == [title]
    with CaptureQueriesContext(connection) as again:
        query(version_id)
        query(version_id + 1)
    assert len(first) == 1 and len(again) == 2
    assert again[0]["sql"] == first[0]["sql"]  # the same SQL, the argument a parameter


def test_an_argument_is_a_parameter_never_sql(load_reports):
    query = Prepared(lambda urn: Standard.objects.filter(urn_key=urn).values_list("slug", flat=True), kinds=(str,))
    assert query(normalise_urn("CFAM&LAA1")) == [Standard.objects.get(urn_key=normalise_urn("CFAM&LAA1")).slug]
    assert query("x' OR '1'='1") == []


def test_what_cannot_be_prepared_says_so():
    with pytest.raises(PreparedQueryError, match="values_list"):
        Prepared(lambda v: NosVersion.objects.filter(id=v))(1)
    with pytest.raises(PreparedQueryError, match="does not reach its SQL"):  # wrapped in % … %: not the argument itself
        Prepared(lambda t: NosVersion.objects.filter(title__contains=t).values_list("id"), kinds=(str,))("Care")
    with pytest.raises(PreparedQueryError, match="int or str"):
        Prepared(lambda v: NosVersion.objects.filter(id=v).values_list("id"), kinds=(float,))(1.0)
    with pytest.raises(TypeError, match="takes 1 argument"):
        Prepared(lambda v: NosVersion.objects.filter(id=v).values_list("id"))(1, 2)
