"""People in every role (the lifecycle's fixtures), for the review queue and for publishing a new
version of a NOS that qualifications use. The developer works for the organisation of a NOS
that exactly two qualifications use (so that it may review that NOS)."""

import pytest

from tests.lifecycle.conftest import other_org, people  # noqa: F401


@pytest.fixture
def org(db):
    from django.db.models import Count

    from noshub.catalogue.models import Organisation
    from noshub.qualifications.models import UnitLink

    developer = (
        UnitLink.objects.filter(standard__urn_clash=False, standard__current__developed_by__isnull=False)
        .values("standard", "standard__urn_key", "standard__current__developed_by")
        .annotate(n=Count("unit__qualification", distinct=True))
        .filter(n=2)
        .order_by("standard__urn_key")
        .first()
    )
    return Organisation.objects.get(pk=developer["standard__current__developed_by"])
