"""The search index: one row per standard (its current version, flattened for search), the
SQLite FTS5 table / PostgreSQL tsvector table over it (made by migrations 0002 and 0003), embeddings for
semantic ranking, and the log of queries."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from noshub.catalogue.models import NosVersion, Standard


class SearchDocument(models.Model):
    standard = models.OneToOneField(Standard, primary_key=True, on_delete=models.CASCADE, related_name="search_document")
    version = models.ForeignKey(NosVersion, on_delete=models.CASCADE, related_name="+")
    slug = models.CharField(max_length=270)
    urn_key = models.CharField(max_length=255, db_index=True)
    title = models.TextField()
    keywords = models.TextField(blank=True)
    context = models.TextField(blank=True, help_text="Suites, occupations, developer, SOC group titles")
    body = models.TextField(blank=True, help_text="Overview, criteria, knowledge and the other sections as plain text")
    validity = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=16, blank=True)
    developer = models.CharField(max_length=255, blank=True)
    suites = models.JSONField(default=list)
    soc2020 = models.JSONField(default=list, help_text="SOC 2020 codes at every level (5, 54, 543, 5434)")
    soc_evidence = models.JSONField(
        default=dict, help_text='Each SOC 2020 unit group with its evidence: {"5434": {"source": "suggested", "confidence": 0.8}}'
    )
    date_approved = models.DateField(null=True, blank=True)
    approval_year = models.PositiveSmallIntegerField(null=True, blank=True)
    hidden_behind = models.CharField(max_length=270, blank=True, help_text="Slug of the NOS a reviewer decided this copies")


class IndexState(models.Model):
    """Bumped on every index change, so that each process knows when to reload its caches."""

    generation = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)


class Embedding(models.Model):
    standard = models.OneToOneField(Standard, primary_key=True, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField(help_text="float32, L2-normalised")


class QueryLog(models.Model):
    """Every search; the ones with no result show what users need and do not find."""

    query = models.CharField(max_length=500)
    filters = models.JSONField(default=dict, blank=True)
    results = models.PositiveIntegerField()
    mode = models.CharField(max_length=16)
    engine = models.CharField(max_length=16)
    duration_ms = models.FloatField()
    at = models.DateTimeField(default=timezone.now, db_index=True)  # when asked (written later: querylog)

    class Meta:
        indexes = [models.Index(fields=["results", "at"], name="search_zero_results")]
