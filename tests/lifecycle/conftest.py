"""People in every role, a good draft NOS, and a helper that drives a project through its stages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import timezone as tz

import pytest

from noshub.lifecycle import rules as lc

# "Now" for the stage rules: a few minutes ago, so that a consultation the tests open is open
# by the real clock the pages use too.
NOW = datetime.now(tz.utc).replace(microsecond=0) - timedelta(minutes=5)

GOOD_DRAFT = {
    "title": "Plan the daily care of working sheepdogs",
    "overview": "<p>This standard is about planning the daily care of working sheepdogs. It is for people who keep dogs for farm work.</p>",
    "performance_criteria": [
        {"ref": "P1", "text": "check the health of each dog every day"},
        {"ref": "P2", "text": "plan a daily feeding routine for each dog"},
        {"ref": "P3", "text": "record the treatments you give"},
        {"ref": "P4", "text": "report signs of illness to a vet without delay"},
    ],
    "knowledge_and_understanding": [
        {"ref": "K1", "text": "the signs of good health in working dogs"},
        {"ref": "K2", "text": "how to plan a feeding routine"},
        {"ref": "K3", "text": "why records of treatment must be kept"},
        {"ref": "K4", "text": "the legal duties of dog owners"},
    ],
    "suites": ["Lifecycle test suite"],
    "keywords": ["sheepdogs", "dog care"],
}
WELSH = {  # every English statement has its Welsh one (issue 19: Welsh is checked for completeness)
    "title_cy": "Cynllunio gofal dyddiol cŵn defaid gwaith",
    "performance_criteria_cy": [
        {"ref": "P1", "text": "gwirio iechyd pob ci bob dydd"},
        {"ref": "P2", "text": "cynllunio trefn fwydo ddyddiol ar gyfer pob ci"},
        {"ref": "P3", "text": "cofnodi'r triniaethau rydych yn eu rhoi"},
        {"ref": "P4", "text": "rhoi gwybod i filfeddyg am arwyddion o salwch yn ddi-oed"},
    ],
    "knowledge_and_understanding_cy": [
        {"ref": "K1", "text": "arwyddion iechyd da mewn cŵn gwaith"},
        {"ref": "K2", "text": "sut i gynllunio trefn fwydo"},
        {"ref": "K3", "text": "pam mae'n rhaid cadw cofnodion o driniaeth"},
        {"ref": "K4", "text": "dyletswyddau cyfreithiol perchnogion cŵn"},
    ],
}
PART_A = {"rationale": "Employers asked for it.", "employers_organisations": "Farm employers", "timescale": "Six months"}
PART_B = {"findings": "Employers agree on the functions.", "participation": "Twelve employers took part."}


def _user(django_user_model, username, group=None, organisation=None, nation="", superuser=False):
    from django.contrib.auth.models import Group

    from noshub.lifecycle.models import Profile

    user = django_user_model.objects.create_user(username=username, password=None, is_superuser=superuser, is_staff=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if organisation or nation:
        Profile.objects.create(user=user, organisation=organisation, nation=nation)
    return user


@pytest.fixture
def org(db):
    from noshub.catalogue.models import Organisation

    return Organisation.objects.get_or_create(name="Lantra")[0]


@pytest.fixture
def other_org(db):
    from noshub.catalogue.models import Organisation

    return Organisation.objects.get_or_create(name="Skills for Care and Development")[0]


@pytest.fixture
def people(db, django_user_model, org, other_org):
    from django.contrib.auth.models import AnonymousUser

    out = {
        "anonymous": AnonymousUser(),
        "public": _user(django_user_model, "pat", "public"),
        "developer": _user(django_user_model, "dev", "standards developer", organisation=org),
        "other_developer": _user(django_user_model, "otherdev", "standards developer", organisation=other_org),
        "admin": _user(django_user_model, "ada", "administrator"),
    }
    for nation in lc.NATIONS:
        out[f"reviewer_{nation}"] = _user(django_user_model, f"rev_{nation}", "nation reviewer", nation=nation)
    # sign-offs beyond the nations: "steer" is named on the projects that have a steering group
    out["steering"] = _user(django_user_model, "steer", "steering group member")
    out["other_steering"] = _user(django_user_model, "othersteer", "steering group member")
    out["panel"] = _user(django_user_model, "panellist", "standards and frameworks panel")
    return out


SIGN_OFF_PEOPLE = {lc.STEERING_GROUP: "steering", lc.PANEL: "panel"}


def respond_all(project, people, response=lc.APPROVE, nations=None):
    """Every nation (and sign-off) asked for the open approval responds."""
    from noshub.lifecycle import services

    approval = lc.open_approval(project.stage, project.sign_offs)
    for nation in nations or lc.responders(approval, project.sign_offs):
        feedback = "" if response == lc.APPROVE else "Please change P2."
        person = people[SIGN_OFF_PEOPLE.get(nation, f"reviewer_{nation}")]
        services.respond(person, project, nation, response, feedback)


def fill_parts(project, people, fields):
    from noshub.lifecycle import services

    for nation in lc.NATIONS:
        services.update_nation_part(people["developer"], project, nation, **fields)


def add_good_draft(project, people, urn="ZZLIFE1", **extra):
    from noshub.lifecycle import services

    draft = services.add_draft(people["developer"], project, urn=urn, title=GOOD_DRAFT["title"], today=NOW.date())
    return services.update_draft(people["developer"], draft, **{k: v for k, v in GOOD_DRAFT.items() if k != "title"} | extra)


def welsh_for(draft) -> dict:
    """Welsh text with one statement for each English one (the Welsh checks count them)."""

    def matching(english, welsh):
        return [
            {"ref": s["ref"], "text": welsh[i]["text"] if i < len(welsh) else f"datganiad {s['ref']}"}
            for i, s in enumerate(english)
        ]

    return {
        "title_cy": WELSH["title_cy"],
        "performance_criteria_cy": matching(draft.performance_criteria, WELSH["performance_criteria_cy"]),
        "knowledge_and_understanding_cy": matching(draft.knowledge_and_understanding, WELSH["knowledge_and_understanding_cy"]),
    }


def drive(project, people, to_stage, *, now=NOW, with_draft=True):
    """Take a project from where it is to `to_stage`, meeting every rule on the way."""
    from noshub.lifecycle import services

    dev = people["developer"]
    while project.stage != to_stage:
        stage = project.stage
        step_now = now
        if stage == lc.PROPOSAL:
            fill_parts(project, people, PART_A)
            respond_all(project, people)
        elif stage == lc.PART_B:
            fill_parts(project, people, PART_B)
            respond_all(project, people)
        elif stage == lc.DRAFTING:
            if with_draft and not project.drafts.exists():
                add_good_draft(project, people)
            services.update_project(dev, project, consultation_closes=now + timedelta(days=30))
            if lc.open_approval(project.stage, project.sign_offs):  # the steering group approves the drafts
                respond_all(project, people)
        elif stage == lc.CONSULTATION:
            step_now = project.consultation_closes + timedelta(minutes=1)
        elif stage in (lc.DRAFT_APPROVAL, lc.FINAL_APPROVAL):
            respond_all(project, people)
        elif stage == lc.WELSH_APPROVAL:
            for draft in project.drafts.all():
                if not draft.has_welsh:
                    services.update_draft(dev, draft, **welsh_for(draft))
            respond_all(project, people)
        project = services.advance(dev, project, now=step_now)
    return project


@pytest.fixture
def project(people, org):
    from noshub.lifecycle import services

    return services.create_project(people["developer"], title="Working sheepdogs", organisation=org)


@pytest.fixture
def today() -> date:
    return NOW.date()


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """Comment rate limits live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def comment(project, text="P2 should say how often.", item_ref="P2", ip="192.0.2.1", **kw):
    from noshub.lifecycle import services

    return services.submit_comment(
        project, project.drafts.first(), text=text, item_ref=item_ref, ip=ip, now=kw.pop("now", NOW + timedelta(minutes=1)), **kw
    )
