"""Usage counted privately (raw events until aggregated, then counts per day) and measures of
success with their time series."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

USAGE_KINDS = [("view", "Page view"), ("search", "Search"), ("download", "Download"), ("api", "API call")]
DIRECTIONS = [("up", "Higher is better"), ("down", "Lower is better"), ("none", "For information")]


class UsageEvent(models.Model):
    """One counted request, as written by a flush: no address, no cookie, no user. `detail` of an
    API call is a keyed hash of the client under the day's salt (`UsageSalt`). Folded into
    `DailyUsage` and deleted by `usage.aggregate`."""

    day = models.DateField()
    kind = models.CharField(max_length=12, choices=USAGE_KINDS)
    target = models.CharField(max_length=40, blank=True, help_text="nos, suite, occupation, results, an API endpoint …")
    subject = models.CharField(max_length=270, blank=True, help_text="A URN, a suite id, a SOC code")
    detail = models.CharField(max_length=64, blank=True, help_text="A format, found/zero, a client hash")


class UsageSalt(models.Model):
    """The random salt of a day's client hashes; deleted once its day is over and aggregated, so a
    hash can no longer be tied to an address."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)


class DailyUsage(models.Model):
    """How many requests of one kind, target, subject and detail were counted on a day."""

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=12, choices=USAGE_KINDS)
    target = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=270, blank=True)
    detail = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "target", "subject", "detail"], name="monitoring_daily_usage_key")
        ]
        ordering = ["day", "kind", "target", "subject", "detail"]


class Measure(models.Model):
    """A measure of success: its words, its target and direction, and the named query that
    computes it (`noshub.monitoring.measures.REGISTRY`). Made from the registry by
    `measures.sync`; the target and owner may then be changed here and are kept."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=16, default="count")
    target = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=4, choices=DIRECTIONS, default="up")
    source = models.CharField(max_length=100, help_text="The registered query function that computes it")
    owner = models.CharField(max_length=120)
    objective = models.PositiveSmallIntegerField(help_text="The strategy's objective (1–5) it informs")

    class Meta:
        ordering = ["objective", "key"]

    def __str__(self) -> str:
        return self.name


class MeasureValue(models.Model):
    """One computation of a measure: the time series the dashboard charts. `value` is None when
    the data it needs does not exist yet (`no_data`)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    as_of = models.DateField(db_index=True, help_text="The day the value describes")
    computed_at = models.DateTimeField(default=timezone.now)
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    no_data = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "as_of"], name="monitoring_one_value_per_day")]
        ordering = ["measure", "as_of"]
