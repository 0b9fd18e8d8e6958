"""Who owns a NOS, and the owner's consent: a project may revise or withdraw only NOS its own
organisation develops, unless the owning organisation consented (recorded by someone who acts
for it, with a note of how and when).

The owner of a NOS is the organisation that developed its current version; two spellings of one
organisation's name are one owner (the names rule, `noshub.core.names.name_key`). A NOS with no
developer on record has no owner to ask.
"""

from __future__ import annotations

from django.db import transaction

from noshub.catalogue.roles import acts_for
from noshub.core.names import name_key
from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from ..models import OwnerConsent, Project
from .audit import _fresh, audit


def owner(standard):
    """The organisation that owns a NOS (its current version's developer), or None."""
    current = standard.current
    return current.developed_by if current is not None and current.developed_by_id else None


def owned_by(project: Project, standard) -> bool:
    org = owner(standard)
    return org is None or org.pk == project.organisation_id or name_key(org.name) == name_key(project.organisation.name)


def check_owner(project: Project, standard) -> None:
    """Raise `StageError` unless the project's organisation owns the NOS or its owner consented."""
    if owned_by(project, standard) or OwnerConsent.objects.filter(project=project, standard=standard).exists():
        return
    raise lc.StageError(
        [Reason("not_owner", urn=standard.urn, owner=owner(standard).name, organisation=project.organisation.name)]
    )


@transaction.atomic
def give_consent(user, project: Project, urn: str, note: str) -> OwnerConsent:
    """The owner's consent to `project` revising or withdrawing its NOS `urn`. Only someone who
    acts for the owning organisation (its developers, administrators) may give it."""
    from django.core.exceptions import PermissionDenied

    from noshub.catalogue.services import NotFound, get_standard

    _fresh(project)
    try:
        standard = get_standard(urn)
    except NotFound:
        raise lc.StageError([Reason("no_standard_with_urn", urn=repr(urn))]) from None
    org = owner(standard)
    if org is None or not acts_for(user, org.pk):
        raise PermissionDenied("Only the organisation that owns this NOS may consent.")
    if not (note or "").strip():
        raise lc.StageError([Reason("consent_reason_missing")])
    consent, _ = OwnerConsent.objects.update_or_create(
        project=project, standard=standard, defaults={"organisation": org, "note": note.strip(), "given_by": user}
    )
    audit(
        user,
        "consent",
        Reason("audit_consent", owner=org.name, title=project.title, urn=standard.urn, note=note.strip()),
        obj=consent,
        project=project,
        after={"standard": standard.slug, "organisation": org.name, "note": note.strip()},
    )
    return consent
