"""Issue 19, closing audit: what the walk-through found still open, each with a test that fails on
the old behaviour. Fast: no project is driven through its stages here."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


# -- 8. records: the administrator reaches /admin/, where profiles are set --------------------------


def test_the_administrator_role_reaches_the_admin_and_sets_a_profile(client, people, org):
    from noshub.lifecycle.models import AuditEntry, Profile

    ada = people["admin"]  # in the administrator group; not Django staff, not a superuser
    assert not ada.is_staff and not ada.is_superuser
    client.force_login(ada)
    index = client.get("/admin/")
    assert index.status_code == 200 and "/admin/lifecycle/profile/" in index.content.decode()
    assert client.get("/admin/lifecycle/auditentry/").status_code == 200  # the records, read-only
    assert client.get("/admin/lifecycle/project/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403  # the role is not the superuser
    form = client.get("/admin/lifecycle/profile/add/").content.decode()
    assert f'<option value="{org.pk}">Lantra</option>' in form  # organisations by name, not a bare id
    newcomer = people["public"]
    response = client.post("/admin/lifecycle/profile/add/", {"user": newcomer.pk, "organisation": org.pk, "nation": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Profile.objects.get(user=newcomer).organisation == org
    assert AuditEntry.objects.filter(action="update_profile", username=ada.username).exists()
    client.force_login(people["developer"])
    assert client.get("/admin/").status_code == 302  # to the admin's sign-in: no admin for other roles


def test_the_administrator_signs_in_on_the_admins_own_page(client, people, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for role, allowed in (("admin", True), ("developer", False)):
        user = people[role]
        user.set_password("a long and unusual pass phrase 8")
        user.save()
        response = client.post(
            "/admin/login/", {"username": user.username, "password": "a long and unusual pass phrase 8", "next": "/admin/"}
        )
        assert (response.status_code == 302) is allowed, (role, response.status_code)
        client.logout()


# -- 4. nothing lost on publishing: every field of the template ----------------------------------------


def test_a_revision_starts_from_every_field_of_the_template_and_would_publish_them_all(load_reports):
    """For real NOS with body text, keywords, suites and an original URN, a draft made from the current version
    gives back the same document, except what publishing decides (developer, version number,
    approval and review dates, validity)."""
    from django.db.models import F

    from noshub.catalogue.models import NosVersion, Organisation
    from noshub.lifecycle.models import Draft, Project
    from noshub.lifecycle.services.drafts import _document_fields

    decided = {
        "developed_by",
        "version_number",
        "date_approved",
        "indicative_review_date",
        "indicative_review_date_raw",
        "validity",
        "text_partial",
    }
    filled = (
        NosVersion.objects.filter(standard__current=F("id"), keywords__isnull=False, suites__isnull=False)
        .exclude(original_urn="")
        .exclude(performance_criteria=[])  # the body text: held for the NOS read from the finder pages
        .distinct()
        .order_by("id")[:40]
    )
    checked, lost = 0, {}
    for version in filled:
        doc = version.to_document()
        draft = Draft(project=Project(organisation=Organisation(name=doc.developed_by)), **_document_fields(doc))
        again, before = draft.to_document().content_dict(), doc.content_dict()
        differ = sorted(k for k in before if k not in decided and before[k] != again[k])
        if differ:
            lost[version.standard.urn] = differ
        checked += 1
    assert checked >= 20 and not lost, lost
