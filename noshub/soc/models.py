"""ONS Standard Occupational Classification reference data: SOC 2020 and its link to SOC 2010."""

from __future__ import annotations

from django.db import models

LEVELS = [("major", "Major group"), ("sub_major", "Sub-major group"), ("minor", "Minor group"), ("unit", "Unit group")]


class SocGroup(models.Model):
    """A SOC 2020 group at any of the four levels (1, 11, 111, 1111)."""

    code = models.CharField(max_length=4, unique=True)
    level = models.CharField(max_length=16, choices=LEVELS, db_index=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    entry_routes = models.TextField(blank=True)
    tasks = models.JSONField(default=list, blank=True)
    related_job_titles = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CodingIndexEntry(models.Model):
    """One job title of the SOC 2020 coding index (Volume 2)."""

    title = models.CharField(max_length=255)
    soc2020_unit = models.CharField(max_length=4, db_index=True)
    soc2020_sub_unit = models.CharField(max_length=16, blank=True)
    soc2010 = models.CharField(max_length=4, blank=True)
    isco08 = models.CharField(max_length=8, blank=True)
    detail = models.JSONField(default=dict, blank=True, help_text="Other columns of the index row")
    sheet = models.CharField(max_length=64)
    row = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "row"], name="unique_coding_index_row")]


class SocRelationship(models.Model):
    """A row of the ONS SOC 2010 → SOC 2020 relationship table."""

    soc2010 = models.CharField(max_length=4, db_index=True)
    soc2010_title = models.CharField(max_length=255, blank=True)
    soc2020 = models.CharField(max_length=4, db_index=True)
    soc2020_title = models.CharField(max_length=255, blank=True)
    proportion = models.FloatField(
        null=True, blank=True, help_text="Share of SOC 2010 workers coded to this SOC 2020 group, 0..1"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["soc2010", "soc2020"], name="unique_soc_relationship")]
