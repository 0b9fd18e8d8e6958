"""Who may review SOC codes: users with the ``soc.review_soc`` permission, given by the
"SOC reviewers" group (superusers have every permission)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

REVIEWERS_GROUP = "SOC reviewers"
PERMISSION = "soc.review_soc"


def reviewers_group() -> Group:
    from .models import SocDecision

    ct = ContentType.objects.get_for_model(SocDecision)
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename="review_soc", defaults={"name": "Can review SOC 2020 codes of NOS"}
    )
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(perm)
    return group


def add_reviewer(user) -> None:
    user.groups.add(reviewers_group())


def may_review(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))
