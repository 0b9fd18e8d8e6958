"""Qualifications (SQA accreditation structures, the SVQ listing, apprenticeship frameworks),
their groups and units, each unit's link to a NOS, the decisions people made about links, and
the change alerts raised when a linked NOS gets a new version."""

from __future__ import annotations

from django.db import models

from noshub.catalogue.models import NosVersion, Standard

KIND_CHOICES = [("mandatory", "Mandatory"), ("optional", "Optional"), ("additional", "Additional"), ("", "Not stated")]

# How a unit was linked to its NOS.
CODE, NORMALISED, TITLE, PERSON = "code", "normalised code", "title", "person"
METHOD_CHOICES = [
    (CODE, "Unit code is the URN"),
    (NORMALISED, "Unit code matches the URN once normalised"),
    (TITLE, "Title and context"),
    (PERSON, "A person"),
]
# Where a link stands.
AUTO, REVIEW, CONFIRMED, CORRECTED, NO_NOS = "auto", "review", "confirmed", "corrected", "no nos"
STATUS_CHOICES = [
    (AUTO, "Linked automatically"),
    (REVIEW, "Needs review"),
    (CONFIRMED, "Confirmed by a person"),
    (CORRECTED, "Corrected by a person"),
    (NO_NOS, "No NOS (a person said so)"),
]
DECIDED = (CONFIRMED, CORRECTED, NO_NOS)


class Framework(models.Model):
    """A modern apprenticeship framework (Frameworks_SVQs.xlsx)."""

    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    key = models.CharField(
        max_length=80, unique=True, help_text="Group award code without its level suffix (GK56), else from the title"
    )
    code = models.CharField(max_length=32, blank=True, help_text="Group award code as written (GK56 22)")
    title = models.CharField(max_length=500)
    awarding_body = models.CharField(max_length=255, blank=True)
    developer = models.CharField(max_length=255, blank=True)
    qualification_type = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=255, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="SCQF overall level")
    level_raw = models.CharField(max_length=64, blank=True)
    credit = models.CharField(max_length=255, blank=True, help_text="SCQF overall credit as written")
    credit_min = models.PositiveIntegerField(null=True, blank=True)
    credit_max = models.PositiveIntegerField(null=True, blank=True)
    structure_approved = models.DateField(null=True, blank=True)
    accredited_from = models.DateField(null=True, blank=True)
    accreditation_end = models.DateField(null=True, blank=True)
    certification_end = models.DateField(null=True, blank=True)
    structure_rule = models.TextField(blank=True)
    structure_file = models.CharField(max_length=500, blank=True, help_text="The file its structure was read from")
    structure_sheet = models.CharField(max_length=255, blank=True)
    structure_hash = models.CharField(max_length=64, blank=True)
    listing_file = models.CharField(max_length=500, blank=True)
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="qualifications")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "key"]

    def __str__(self) -> str:
        return f"{self.code or self.key} {self.title}"


class UnitGroup(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=255)
    rule = models.TextField(blank=True, help_text="The rule of combination as written")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["qualification", "position"]


class Unit(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    group = models.ForeignKey(UnitGroup, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=64, blank=True, help_text="The developer's unit code (SSC/B code)")
    accred_code = models.CharField(max_length=32, blank=True, help_text="SQA's unit code")
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    credit = models.PositiveIntegerField(null=True, blank=True)
    approved = models.DateField(null=True, blank=True)
    imported_from = models.CharField(max_length=255, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["qualification", "group__position", "position"]
        indexes = [models.Index(fields=["code"])]


class UnitLink(models.Model):
    """A unit's NOS, how it was found, how sure NOS Hub is, and where the link stands."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="link")
    standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.SET_NULL, related_name="unit_links")
    version = models.ForeignKey(
        NosVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The NOS's version when linked or last alerted",
    )
    method = models.CharField(max_length=16, choices=METHOD_CHOICES, blank=True)
    confidence = models.FloatField(default=0.0)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, db_index=True)
    candidates = models.JSONField(default=list, blank=True, help_text="Other NOS considered: [{slug, title, score}]")
    linked_at = models.DateTimeField(auto_now=True)


class LinkDecision(models.Model):
    """A person's decision about a unit's NOS. Kept by the unit's signature (qualification, code,
    title), so it outlives a re-import of the structure; the latest decision applies."""

    qualification_key = models.CharField(max_length=80, db_index=True)
    unit_code = models.CharField(max_length=64, blank=True)
    unit_title = models.CharField(max_length=500)
    action = models.CharField(max_length=16, choices=[(CONFIRMED, "Confirm"), (CORRECTED, "Correct"), (NO_NOS, "No NOS")])
    standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous_standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]


class ChangeAlert(models.Model):
    """A NOS that a qualification's unit uses got a new version."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="qualification_alerts")
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="alerts")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    unit_code = models.CharField(max_length=64, blank=True)
    unit_title = models.CharField(max_length=500)
    old_version = models.ForeignKey(NosVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    new_version = models.ForeignKey(NosVersion, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=32, help_text="What made the version: import, edit (lifecycle publish) …")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "unit_title", "unit_code", "new_version"], name="one_alert_per_unit_version"
            )
        ]
