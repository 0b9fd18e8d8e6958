"""Occupations of the other standards systems (ESCO, O*NET, IfATE, ISCO-08) and their typed links."""

from __future__ import annotations

from django.db import models

from noshub.core.readers.occupations import ESCO, IFATE, ISCO, ONET

SCHEME_CHOICES = [(ESCO, "ESCO"), (ONET, "O*NET"), (IFATE, "IfATE"), (ISCO, "ISCO-08")]
SOC2020 = "soc2020"
TARGET_CHOICES = [(SOC2020, "SOC 2020"), (ONET, "O*NET")]
EXACT, CLOSE, BROAD, NARROW, RELATED = "exact", "close", "broad", "narrow", "related"
RELATION_CHOICES = [(r, r) for r in (EXACT, CLOSE, BROAD, NARROW, RELATED)]
CROSSWALK, CODING_INDEX, TEXT_MODEL, PERSON = "crosswalk", "coding index", "text model", "person"
PROVENANCE_CHOICES = [(p, p) for p in (CROSSWALK, CODING_INDEX, TEXT_MODEL, PERSON)]


class ExternalOccupation(models.Model):
    """An ESCO occupation, an O*NET occupation, an IfATE apprenticeship standard or an ISCO-08 group."""

    scheme = models.CharField(max_length=8, choices=SCHEME_CHOICES)
    code = models.CharField(max_length=64, help_text="ESCO concept id, O*NET-SOC code, IfATE LARS code, ISCO-08 code")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)
    isco08 = models.CharField(max_length=4, blank=True, db_index=True)
    alt_titles = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True, help_text="Tasks, job zone, level, route, duties, KSBs …")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_external_occupation")]
        ordering = ["scheme", "title"]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.code} {self.title}"


class OccupationLink(models.Model):
    """A typed (SKOS) link from an occupation to a SOC 2020 unit group or an O*NET occupation."""

    source = models.ForeignKey(ExternalOccupation, on_delete=models.CASCADE, related_name="links")
    target_scheme = models.CharField(max_length=8, choices=TARGET_CHOICES)
    target_code = models.CharField(max_length=64, db_index=True)
    relation = models.CharField(max_length=8, choices=RELATION_CHOICES)
    confidence = models.FloatField()
    provenance = models.CharField(max_length=16, choices=PROVENANCE_CHOICES)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target_scheme", "target_code"], name="unique_occupation_link")]
        ordering = ["source_id", "-confidence"]
