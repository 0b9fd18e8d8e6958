"""Where a draft sits: the NOS it revises or tailors, and the function of a functional map
(`noshub.themes`, below this app) it is placed on. A revision is suggested the function its NOS
already has, a tailored NOS its original's; publishing writes the placement to the map."""

from __future__ import annotations

from django.db import transaction

from noshub.lifecycle import rules as lc
from noshub.lifecycle.messages import Reason

from .. import permissions as perms
from ..models import Draft
from .audit import _fresh, audit


def map_functions() -> list[dict]:
    """Every function of the latest version of each functional map, for the draft's chooser."""
    from noshub.themes.models import FunctionalMap, MapNode

    latest = {}
    for m in FunctionalMap.objects.order_by("slug", "-version"):
        latest.setdefault(m.slug, m)
    nodes = MapNode.objects.filter(map__in=latest.values(), level="function").select_related("map").order_by("map__slug", "position")
    return [{"id": n.pk, "map": n.map.name, "version": n.map.version, "code": n.code, "title": n.title} for n in nodes]


def _node_dict(node) -> dict | None:
    if node is None:
        return None
    return {"id": node.pk, "map": node.map.name, "slug": node.map.slug, "version": node.map.version, "code": node.code, "title": node.title}


def _standard_link(standard) -> dict | None:
    if standard is None:
        return None
    return {"urn": standard.urn, "slug": standard.slug, "title": standard.current.title if standard.current_id else ""}


def _original(draft: Draft):
    """The NOS a tailored draft names as its original (None when none, or itself)."""
    from noshub.catalogue.models import Standard
    from noshub.core.urns import normalise_urn

    if not draft.original_urn or normalise_urn(draft.original_urn) == normalise_urn(draft.urn):
        return None
    if draft.standard_id and normalise_urn(draft.original_urn) == normalise_urn(draft.standard.urn):
        return None
    return Standard.objects.select_related("current").filter(urn_key=normalise_urn(draft.original_urn)).first()


def suggested_node(draft: Draft):
    """The function the NOS it revises (else its original) sits on in a latest map version:
    a confirmed placement first, then the most confident."""
    from noshub.themes.models import FunctionalMap, Placement

    standards = [s.pk for s in (draft.standard, _original(draft)) if s is not None]
    if not standards:
        return None
    latest = {}
    for m in FunctionalMap.objects.order_by("slug", "-version"):
        latest.setdefault(m.slug, m.pk)
    for standard_id in standards:
        placement = (
            Placement.objects.filter(standard_id=standard_id, node__map_id__in=latest.values())
            .select_related("node__map")
            .order_by("-source", "-confidence")  # "suggested" < "confirmed": confirmed first
            .first()
        )
        if placement is not None:
            return placement.node
    return None


def draft_links(draft: Draft) -> dict:
    """The NOS a draft revises and the one it tailors, and its place (or suggested place) on a map."""
    return {
        "revises": _standard_link(draft.standard) if draft.action != "new" else None,
        "tailors": _standard_link(_original(draft)),
        "map_node": _node_dict(draft.map_node),
        "suggested_map_node": _node_dict(suggested_node(draft)) if draft.map_node_id is None else None,
    }


@transaction.atomic
def place_draft(user, draft: Draft, node_id: int | None) -> Draft:
    """Place the draft on a function of a functional map (None takes it off); audited."""
    from noshub.themes.models import MapNode

    perms.require(user, perms.EDIT_PROJECT, draft.project)
    _fresh(draft.project)
    if draft.project.stage not in lc.DRAFT_EDITABLE_STAGES:
        raise lc.StageError([Reason("drafts_frozen", stage=draft.project.stage)])
    node = None
    if node_id is not None:
        node = MapNode.objects.select_related("map").filter(pk=node_id, level="function").first()
        if node is None:
            raise lc.StageError([Reason("map_node_unknown", id=node_id)])
    before = {"map_node": draft.map_node_id}
    draft.map_node = node
    draft.save(update_fields=["map_node", "updated_at"])
    audit(
        user,
        "update_draft",
        Reason("audit_draft_placed", urn=draft.urn, node=f"{node.map.name} {node.code} {node.title}" if node else "–"),
        obj=draft,
        project=draft.project,
        before=before,
        after={"map_node": draft.map_node_id},
    )
    return draft


def write_placement(draft: Draft, standard_id: int) -> None:
    """On publishing: the published NOS is placed on the draft's function, as confirmed by its project."""
    from noshub.themes.models import Placement

    if draft.map_node_id is None:
        return
    Placement.objects.update_or_create(
        node_id=draft.map_node_id,
        standard_id=standard_id,
        defaults={"confidence": 1.0, "source": "confirmed", "reason": f"placed by lifecycle project {draft.project_id}"},
    )
