"""The catalogue of work behaviours found in NOS, and what staff decided about it.

A `Behaviour` is one named behaviour (e.g. "work in teams"). `key` names where its name came
from (the reference concept that named its group, ``esco:<id>``), so a rebuild finds the same
behaviour again and keeps what staff decided: a confirmed or renamed behaviour keeps its name
and definition; a behaviour merged into another sends its evidence there (`aliases`); a
behaviour split off another by staff (key ``split:<slug>``) claims the statements it was given
(`claims`), and every rebuild sends those statements to it.
`Evidence` is a statement of a NOS (its title, a performance criterion, a line of its
Behaviours or Values section, a keyword) that shows the behaviour. `Mapping` links a behaviour
to a concept of another catalogue with a SKOS relation. `Event` is the history: every build and
every staff edit, with what it changed; never edited or deleted.
"""

from __future__ import annotations

from django.db import models

from noshub.catalogue import stamp as catalogue_stamp
from noshub.catalogue.models import Standard
from noshub.core.behaviours.mapper import LINK_TYPES
from noshub.core.behaviours.reference import SCHEMES

SUGGESTED, CONFIRMED, MERGED = "suggested", "confirmed", "merged"
STATUS_CHOICES = [(SUGGESTED, "Suggested"), (CONFIRMED, "Confirmed"), (MERGED, "Merged")]
FIELD_CHOICES = [
    ("title", "Title"),
    ("performance_criteria", "Performance criteria"),
    ("behaviours", "Behaviours"),
    ("values", "Values"),
    ("keyword", "Keyword"),
]
LINK_CHOICES = [(t, t) for t in LINK_TYPES]
SCHEME_CHOICES = [(k, v["name"]) for k, v in SCHEMES.items()]


class Behaviour(models.Model):
    key = models.CharField(max_length=255, unique=True, help_text="Where the name came from: the naming concept's key")
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=255)
    definition = models.TextField(blank=True)
    definition_source = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=SUGGESTED)
    renamed = models.BooleanField(default=False, help_text="Staff chose the name and definition: a rebuild keeps them")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    aliases = models.JSONField(default=list, blank=True, help_text="Keys of behaviours merged into this one")
    claims = models.JSONField(
        default=list,
        blank=True,
        help_text="Statements staff split into this behaviour (normalised text): a rebuild sends them here",
    )
    examples = models.JSONField(default=list, blank=True)
    nos_count = models.PositiveIntegerField(default=0)
    confidence = models.FloatField(default=0.0, help_text="How well the naming concept fits the group (0–1)")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-nos_count", "name"]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    behaviour = models.ForeignKey(Behaviour, on_delete=models.CASCADE, related_name="evidence")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=32, choices=FIELD_CHOICES)
    ref = models.CharField(max_length=32, blank=True)
    text = models.TextField()
    confidence = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["standard", "behaviour"])]


class Mapping(models.Model):
    behaviour = models.ForeignKey(Behaviour, on_delete=models.CASCADE, related_name="mappings")
    scheme = models.CharField(max_length=16, choices=SCHEME_CHOICES)
    concept_id = models.CharField(max_length=255)
    label = models.TextField()
    uri = models.URLField(max_length=500, blank=True)
    link_type = models.CharField(max_length=16, choices=LINK_CHOICES)
    confidence = models.FloatField()
    confirmed_by = models.CharField(max_length=150, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheme", "-confidence"]
        constraints = [models.UniqueConstraint(fields=["behaviour", "scheme", "concept_id"], name="behaviours_mapping_unique")]


class Event(models.Model):
    behaviour = models.ForeignKey(Behaviour, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    slug = models.CharField(max_length=120, blank=True, help_text="The behaviour's slug when it happened")
    action = models.CharField(max_length=32)
    by = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs) -> None:
        """Every change of the catalogue is an event: pages and search facets show it at their
        next request (the behaviours part of the catalogue stamp moves on, in the same transaction)."""
        super().save(*args, **kwargs)
        catalogue_stamp.bump("behaviours")
