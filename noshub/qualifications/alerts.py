"""Change alerts: when a NOS that a unit links to gets a new current version (an import or a
lifecycle publish: both send `catalogue.signals.standards_changed`), each affected unit of each
qualification is recorded as a `ChangeAlert`, and the link moves on to the new version."""

from __future__ import annotations

from noshub.catalogue.models import NosVersion, Standard

from .models import NO_NOS, ChangeAlert, UnitLink

_CHUNK = 500
_CHANGE = {"edit": "published", "catalogue": "imported", "json": "imported", "page": "imported"}


def on_standards_changed(sender, standard_ids, **kwargs) -> None:
    record_changes(standard_ids)


def record_changes(standard_ids) -> int:
    """Record an alert for every unit linked to one of these standards whose current version
    is newer than the version the link last saw. Returns how many alerts were recorded."""
    if not standard_ids or not UnitLink.objects.exists():
        return 0
    ids = sorted(standard_ids)
    made = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        current = dict(Standard.objects.filter(pk__in=chunk, current__isnull=False).values_list("pk", "current_id"))
        links = list(
            UnitLink.objects.filter(standard_id__in=list(current))
            .exclude(status=NO_NOS)
            .select_related("unit__qualification", "version")
        )
        stale = [link for link in links if link.version_id != current[link.standard_id]]
        if not stale:
            continue
        versions = NosVersion.objects.in_bulk({current[link.standard_id] for link in stale})
        for link in stale:
            new = versions[current[link.standard_id]]
            old = link.version
            if old is not None and old.sequence >= new.sequence:
                link.version = new  # e.g. back to an older version: nothing new to tell
                link.save(update_fields=["version"])
                continue
            _, created = ChangeAlert.objects.get_or_create(
                qualification=link.unit.qualification,
                unit_title=link.unit.title[:500],
                unit_code=link.unit.code,
                new_version=new,
                defaults={
                    "standard_id": link.standard_id,
                    "unit": link.unit,
                    "old_version": old,
                    "change": _CHANGE.get(new.source_kind, new.source_kind),
                },
            )
            made += created
            link.version = new
            link.save(update_fields=["version"])
    return made
