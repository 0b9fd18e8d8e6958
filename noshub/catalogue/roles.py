"""Who a signed-in person is to NOS Hub: their roles, and a standards developer's organisation.

One rule for every app that lets people change things about NOS (the lifecycle's projects in
`noshub.lifecycle.permissions`, the duplicate decisions in `noshub.cleansing.services`): a
standards developer acts only for its own organisation; an administrator (or a superuser) acts
for every organisation. It lives here, below both apps, because cleansing sits below the
lifecycle in the layers.

Roles are Django auth groups (made by the lifecycle's migration 0002). A developer's
organisation is kept on the person's profile (`noshub.lifecycle.models.Profile`, reached from
the user as ``user.lifecycle_profile``); a person without one develops for no organisation.
"""

from __future__ import annotations

PUBLIC, DEVELOPER, REVIEWER, ADMINISTRATOR = "public", "standards developer", "nation reviewer", "administrator"
# Sign-offs beyond the nations (the lifecycle's migration 0004): a member of a project's steering
# group (named on the project), a member of the Standards and Frameworks Panel.
STEERING_MEMBER, PANEL_MEMBER = "steering group member", "standards and frameworks panel"
ROLES = (PUBLIC, DEVELOPER, REVIEWER, ADMINISTRATOR, STEERING_MEMBER, PANEL_MEMBER)


def roles(user) -> set[str]:
    """The roles of a user; everyone has the public role."""
    out = {PUBLIC}
    if user is None or not user.is_authenticated:
        return out
    if user.is_superuser:
        out.add(ADMINISTRATOR)
    cache = getattr(user, "_lifecycle_groups", None)
    if cache is None:
        # An account not saved yet belongs to no group (and cannot be asked: Django refuses).
        cache = set(user.groups.values_list("name", flat=True)) if user.pk is not None else set()
        user._lifecycle_groups = cache
    return out | (cache & set(ROLES))


def profile(user):
    """The user's profile (organisation, nation), or None."""
    if user is None or not user.is_authenticated:
        return None
    # A missing profile raises RelatedObjectDoesNotExist, an AttributeError: getattr gives None.
    return getattr(user, "lifecycle_profile", None)


def organisation_id(user) -> int | None:
    """The organisation a standards developer works for (None when it has no profile or none set)."""
    p = profile(user)
    return p.organisation_id if p else None


def acts_for(user, organisation_id_: int | None) -> bool:
    """May `user` act for this organisation: an administrator always, a standards developer
    only for its own organisation (never for none)."""
    held = roles(user)
    if ADMINISTRATOR in held:
        return True
    own = organisation_id(user)
    return DEVELOPER in held and own is not None and own == organisation_id_
