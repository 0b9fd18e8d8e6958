"""What search filters and counts beside the index: each NOS's reach class in force and its
themes (`noshub.themes`), and the work behaviours it evidences (`noshub.behaviours`).

These change without the index changing (a themes build, a person's reach decision, a behaviours
build or a staff merge), so they are kept apart from the index cache: per database, reloaded
when their parts of the catalogue stamp move on (`noshub.catalogue.stamp`: a themes build or
reach decision, a behaviours history event; read once a request). Search sits above both apps (pyproject's layers),
so it reads their services and models directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db import connection

from noshub.behaviours import services as behaviour_services
from noshub.behaviours.models import MERGED, Behaviour
from noshub.catalogue import stamp as catalogue_stamp
from noshub.themes import services as themes

EMPTY: tuple[str, ...] = ()


@dataclass
class Labels:
    stamp: tuple
    reach: dict[int, str] = field(default_factory=dict)  # standard id -> pan_sector / multi_sector / job_specific
    themes: dict[int, tuple[str, ...]] = field(default_factory=dict)  # standard id -> theme slugs
    behaviours: dict[int, tuple[str, ...]] = field(default_factory=dict)  # standard id -> behaviour slugs
    behaviour_names: dict[str, str] = field(default_factory=dict)  # slug -> name

    def reach_of(self, standard_id: int) -> str:
        return self.reach.get(standard_id, "")

    def themes_of(self, standard_id: int) -> tuple[str, ...]:
        return self.themes.get(standard_id, EMPTY)

    def behaviours_of(self, standard_id: int) -> tuple[str, ...]:
        return self.behaviours.get(standard_id, EMPTY)


def stamp() -> tuple:
    """The themes' and behaviours' parts of the catalogue stamp (read once a request)."""
    return catalogue_stamp.current().of("themes", "behaviours")


def _load(at: tuple) -> Labels:
    reach, theme_sets = themes.facet_values()
    return Labels(
        stamp=at,
        reach=reach,
        themes=theme_sets,
        behaviours=behaviour_services.slugs_by_standard(),  # the behaviours app's one rule for merged behaviours
        behaviour_names=dict(Behaviour.objects.exclude(status=MERGED).values_list("slug", "name")),
    )


_lock = threading.Lock()
_cached: dict[str, Labels] = {}


def current_labels() -> Labels:
    """This database's labels, loaded again when a build or a decision moved them on."""
    at = stamp()
    key = connection.settings_dict["NAME"]
    labels = _cached.get(key)
    if labels is None or labels.stamp != at:
        with _lock:
            labels = _cached.get(key)
            if labels is None or labels.stamp != at:
                labels = _cached[key] = _load(at)
    return labels
