"""ONS Standard Occupational Classification reference data: SOC 2020 and its link to SOC 2010."""

from __future__ import annotations

from django.db import models

from noshub.catalogue.models import NosSocCode

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
    max_proportion = models.FloatField(
        null=True,
        blank=True,
        help_text="The largest share of the four ONS samples (men or women, LFS or census), 0..1",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["soc2010", "soc2020"], name="unique_soc_relationship")]


# --------------------------------------------------------------------------- alignment of NOS to SOC 2020
#
# SOC 2020 links of a NOS are `catalogue.NosSocCode` rows on the standard's *current* version,
# with source "crosswalk" (from its SOC 2010 catalogue codes), "suggested" (by the coder, with
# a confidence) or "confirmed" (by a person). They are derived data: `noshub soc migrate` and
# `noshub soc code` rebuild them for whichever version is current, so a new version of a NOS
# gets them too. What a person decided is kept per *standard* in `SocDecision`, never lost
# when a version changes, and is written back onto each new current version.

DECISION_ACTIONS = [
    ("confirm", "Confirmed the suggested code"),
    ("reject", "Rejected the suggested code"),
    ("choose", "Chose another code"),
]


class CrosswalkSource(models.Model):
    """Where a crosswalked SOC 2020 link came from: which SOC 2010 catalogue code, at what share."""

    link = models.ForeignKey("catalogue.NosSocCode", on_delete=models.CASCADE, related_name="crosswalk_sources")
    soc2010 = models.CharField(max_length=4)
    proportion = models.FloatField(help_text="Share of that SOC 2010 group's workers coded to this SOC 2020 group")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "soc2010"], name="unique_crosswalk_source")]


class SocDecision(models.Model):
    """A person's decision about a SOC 2020 code for a NOS: who, when, why."""

    standard = models.ForeignKey("catalogue.Standard", on_delete=models.CASCADE, related_name="soc_decisions")
    version = models.ForeignKey(
        "catalogue.NosVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version reviewed",
    )
    soc2020 = models.CharField(max_length=4, help_text="The SOC 2020 unit group decided on")
    action = models.CharField(max_length=16, choices=DECISION_ACTIONS)
    suggested_confidence = models.FloatField(
        null=True, blank=True, help_text="The coder's confidence, when a suggestion was decided"
    )
    bulk = models.BooleanField(default=False, help_text="Part of a bulk acceptance above a confidence threshold")
    reviewer = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="soc_decisions")
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        permissions = [("review_soc", "Can review SOC 2020 codes of NOS")]

    def __str__(self) -> str:
        return f"{self.standard.slug}: {self.action} {self.soc2020}"


class CodingRun(models.Model):
    """One run of `noshub soc migrate` or `noshub soc code`, kept for audit."""

    kind = models.CharField(max_length=16)  # migrate / code
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]


class SocLink(NosSocCode):
    """The SOC 2020 links of NOS (a proxy of `catalogue.NosSocCode`), for the admin pages."""

    class Meta:
        proxy = True
        verbose_name = "SOC 2020 link"


class CoderFit(models.Model):
    """The SOC coder fitted on this database: written by the job that fits it (`noshub load`,
    `noshub import`, `noshub soc fit`, `noshub soc code`), read by every request that suggests.

    The fitted coder itself is a file in ``SOC_CODER_DIR`` named by `key`, a random id made for
    this fit in this database, so two databases on one machine never share or overwrite a fit.
    `fingerprint` is what it was fitted from (`services._fingerprint`: the reference data, the
    coded NOS, the coder's code). When the data changed since (a NOS published or edited), requests
    go on using it, saying so, until a job refits; a fit of other code (`code`) is never loaded."""

    key = models.CharField(max_length=32, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    code = models.CharField(
        max_length=64, blank=True, default="", help_text="The coder's code it was fitted with (a fit of other code is never loaded)"
    )
    fitted_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the fit took")
    coded_nos = models.PositiveIntegerField(help_text="How many coded NOS it learnt from")
    semantic = models.BooleanField(help_text="Fitted with sentence vectors")

    class Meta:
        ordering = ["-fitted_at", "-id"]

    def __str__(self) -> str:
        return f"SOC coder {self.key} fitted {self.fitted_at:%Y-%m-%d %H:%M}"
