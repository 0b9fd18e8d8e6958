"""People's changes to a functional map: deciding where a NOS stands on it, and editing its
outline.

* `decide_placement(user, slug, urn, function, action, …)`: confirm a NOS's placement on a
  function (and its kind: generic, context-specific, specialist), move it to another function,
  or remove it. Each decision is a `PlacementDecision` row, never edited (the history), applied
  to the latest version, and replayed on every later version (a seed, an import, an edit), so a
  decision outlives the version it was made on.
* `edit_map(user, slug, action, …, reason)`: add a key area or a function, rename one, remove
  one, change the key purpose. Each edit makes a new version (a copy of the latest with the
  change, its placements and who, when and why); versions are never edited.

Who: reviewers and administrators (`cleansing.services.is_reviewer`), as for map imports.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from noshub.catalogue.models import Standard
from noshub.cleansing import services as cleansing
from noshub.core.errors import InvalidParameter, NotFound

from .models import FunctionalMap, MapNode, Placement, PlacementDecision
from .placement import KINDS

ACTIONS = ("confirm", "move", "remove")
EDITS = ("add_key_area", "add_function", "rename", "remove", "key_purpose")
_CODE = re.compile(r"[A-Za-z0-9._-]{1,32}")


def can_edit(user) -> bool:
    return cleansing.is_reviewer(user)


def _check(user) -> None:
    if not can_edit(user):
        raise PermissionDenied(_("Only reviewers and administrators may change functional maps."))


def _reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidParameter("reason", _("Say why: a change needs a reason."))
    return reason.strip()[:4000]


def _latest(slug: str) -> FunctionalMap:
    fmap = FunctionalMap.objects.filter(slug=slug).order_by("-version").first()
    if fmap is None:
        raise NotFound(_("No functional map %(slug)s.") % {"slug": slug})
    return fmap


def _function(fmap: FunctionalMap, code: str, parameter: str = "function") -> MapNode:
    node = fmap.nodes.filter(code=code, level="function").first()
    if node is None:
        raise InvalidParameter(parameter, _("No function %(code)s on this map.") % {"code": code})
    return node


# -- placements -----------------------------------------------------------------------------


def decide_placement(
    user, slug: str, standard: Standard, function: str, action: str, to_function: str = "", kind: str = "", reason: str = ""
) -> PlacementDecision:
    """Confirm, move or remove a NOS's placement on the latest version of a map."""
    _check(user)
    if action not in ACTIONS:
        raise InvalidParameter("action", _("Expected confirm, move or remove."))
    if kind and kind not in KINDS:
        raise InvalidParameter("kind", _("Expected generic, context_specific or specialist."))
    reason = _reason(reason)
    with transaction.atomic():
        fmap = _latest(slug)
        FunctionalMap.objects.select_for_update().filter(pk=fmap.pk).first()
        node = _function(fmap, function)
        if not Placement.objects.filter(node=node, standard=standard).exists():
            raise InvalidParameter("function", _("%(nos)s is not placed on %(code)s.") % {"nos": standard.urn, "code": function})
        if action == "move":
            if not to_function or to_function == function:
                raise InvalidParameter("to_function", _("Name another function to move it to."))
            _function(fmap, to_function, "to_function")
        decision = PlacementDecision.objects.create(
            map_slug=slug,
            standard=standard,
            action=action,
            function=function,
            to_function=to_function if action == "move" else "",
            kind=kind,
            version=fmap.version,
            reason=reason,
            decided_by=user,
        )
        _apply(fmap, decision, {n.code: n for n in fmap.nodes.filter(level="function")})
    return decision


def _apply(fmap: FunctionalMap, d: PlacementDecision, nodes: dict[str, MapNode]) -> None:
    """One decision on one version (a function it names that this version lacks: nothing)."""
    node = nodes.get(d.function)
    if node is None:
        return
    current = Placement.objects.filter(node=node, standard_id=d.standard_id).first()
    if d.action == "remove":
        Placement.objects.filter(node=node, standard_id=d.standard_id).delete()
        return
    target = nodes.get(d.to_function) if d.action == "move" else node
    if target is None:
        return
    kind = d.kind or (current.kind if current else "")
    if d.action == "move":
        Placement.objects.filter(node=node, standard_id=d.standard_id).delete()
    Placement.objects.update_or_create(
        node=target,
        standard_id=d.standard_id,
        defaults={
            "source": "confirmed",
            "confidence": 1.0,
            "kind": kind,
            "kind_reason": "person" if d.kind else (current.kind_reason if current else ""),
            "reason": (current.reason if current else "") or "placed by a person",
        },
    )


def replay_decisions(fmap: FunctionalMap) -> None:
    """Every decision ever made on this map, in order, applied to a new version."""
    decisions = list(PlacementDecision.objects.filter(map_slug=fmap.slug).order_by("id"))
    if decisions:
        nodes = {n.code: n for n in fmap.nodes.filter(level="function")}
        for d in decisions:
            _apply(fmap, d, nodes)


def decisions(slug: str, limit: int = 200) -> list[dict]:
    rows = PlacementDecision.objects.filter(map_slug=slug).select_related("standard", "decided_by").order_by("-id")[:limit]
    return [
        {
            "urn": d.standard.urn,
            "slug": d.standard.slug,
            "action": d.action,
            "function": d.function,
            "to_function": d.to_function,
            "kind": d.kind,
            "version": d.version,
            "reason": d.reason,
            "decided_by": d.decided_by.get_username(),
            "decided_at": d.decided_at.isoformat(),
        }
        for d in rows
    ]


# -- editing the outline --------------------------------------------------------------------


def _new_code(value, fmap: FunctionalMap, parameter: str = "code") -> str:
    code = (value or "").strip() if isinstance(value, str) else ""
    if not _CODE.fullmatch(code):
        raise InvalidParameter(parameter, _("A code of 1 to 32 letters, digits, '.', '_' or '-'."))
    if fmap.nodes.filter(code=code).exists():
        raise InvalidParameter(parameter, _("Code %(code)s is already used on this map.") % {"code": code})
    return code


def _title(value, parameter: str = "title", limit: int = 500) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(parameter, _("Must be non-empty text."))
    if len(value) > limit:
        raise InvalidParameter(parameter, _("At most %(n)s characters.") % {"n": limit})
    return value.strip()


def edit_map(user, slug: str, action: str, reason: str, code: str = "", title: str = "", parent: str = "") -> FunctionalMap:
    """A new version of a map with one change; all or nothing. Returns the new version."""
    _check(user)
    if action not in EDITS:
        raise InvalidParameter("action", _("Expected one of %(actions)s.") % {"actions": ", ".join(EDITS)})
    reason = _reason(reason)
    with transaction.atomic():
        old = _latest(slug)
        FunctionalMap.objects.select_for_update().filter(pk=old.pk).first()
        nodes = list(old.nodes.order_by("position"))
        by_code = {n.code: n for n in nodes}
        drop: set[str] = set()
        renamed: dict[str, str] = {}
        added: list[tuple[str, str, str, str]] = []  # level, code, title, parent code
        key_purpose = old.key_purpose
        if action == "key_purpose":
            key_purpose = _title(title, "title", 5000)
        elif action in ("add_key_area", "add_function"):
            new_code = _new_code(code, old)
            if action == "add_function":
                area = by_code.get(parent)
                if area is None or area.level != "key_area":
                    raise InvalidParameter("parent", _("No key area %(code)s on this map.") % {"code": parent})
            added.append(("key_area" if action == "add_key_area" else "function", new_code, _title(title), parent))
        else:
            node = by_code.get(code)
            if node is None:
                raise InvalidParameter("code", _("No key area or function %(code)s on this map.") % {"code": code})
            if action == "rename":
                renamed[code] = _title(title)
            else:
                drop = {code} | {n.code for n in nodes if n.parent_id == node.id}
                if node.level == "key_area" and len([n for n in nodes if n.level == "key_area"]) == 1:
                    raise InvalidParameter("code", _("A map keeps at least one key area."))
        from .maps import _next_version

        new = FunctionalMap.objects.create(
            slug=slug,
            version=_next_version(slug),
            name=old.name,
            key_purpose=key_purpose,
            source=f"edit of version {old.version}: {action} {code}".strip(),
            reason=reason,
            created_by=user,
        )
        copied: dict[int, MapNode] = {}
        position = 0
        for n in nodes:
            if n.code in drop:
                continue
            parent_node = copied.get(n.parent_id) if n.parent_id else None
            copied[n.id] = MapNode.objects.create(
                map=new, parent=parent_node, level=n.level, code=n.code, title=renamed.get(n.code, n.title), position=position
            )
            position += 1
        for level, new_code, new_title, parent_code in added:
            parent_node = next((c for c in copied.values() if c.code == parent_code), None) if level == "function" else None
            MapNode.objects.create(map=new, parent=parent_node, level=level, code=new_code, title=new_title, position=position)
            position += 1
        Placement.objects.bulk_create(
            [
                Placement(
                    node=copied[p.node_id],
                    standard_id=p.standard_id,
                    confidence=p.confidence,
                    source=p.source,
                    reason=p.reason,
                    kind=p.kind,
                    kind_reason=p.kind_reason,
                )
                for p in Placement.objects.filter(node__map=old)
                if p.node_id in copied
            ],
            batch_size=5000,
        )
    return new


def history(slug: str) -> list[dict]:
    """Every version of a map: where it came from, who made it, when and why."""
    return [
        {
            "version": m.version,
            "source": m.source,
            "reason": m.reason,
            "created_by": m.created_by.get_username() if m.created_by_id else "",
            "created_at": m.created_at.isoformat(),
        }
        for m in FunctionalMap.objects.filter(slug=slug).select_related("created_by").order_by("-version")
    ]
