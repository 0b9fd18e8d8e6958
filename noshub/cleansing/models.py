"""Duplicate groups found in the catalogue, and the decisions reviewers record about them.

A `DetectionRun` keeps what one run of `noshub duplicates` found: its `DuplicateGroup`s with
their members and scored pairs. Runs are kept; the latest is what pages and the API show.

A `Decision` is about one standard (the *subject*): keep it (not a duplicate of *target*),
it is an imported copy of *target*, merge it into *target*, or retire it as legacy.
Decisions are never edited or deleted: each is a new row with the next `sequence` for its
subject, so the rows are the subject's history. Reversing a decision is a row too
(action ``reverse``), which restores the decision that was in force before the reversed one.
Nothing in the catalogue is deleted by a decision: search and pages ask
`noshub.cleansing.services` which standards to hide behind which.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from noshub.catalogue.models import Standard
from noshub.core.duplicates import KINDS

KIND_CHOICES = list(KINDS.items())

KEEP_BOTH = "keep_both"
IMPORTED_COPY_OF = "imported_copy_of"
MERGE_INTO = "merge_into"
RETIRE_LEGACY = "retire_legacy"
REVERSE = "reverse"
ACTION_CHOICES = [
    (KEEP_BOTH, "Keep both: not a duplicate"),
    (IMPORTED_COPY_OF, "Imported copy of"),
    (MERGE_INTO, "Merge into"),
    (RETIRE_LEGACY, "Retire as legacy"),
    (REVERSE, "Reverse the decision in force"),
]
NEEDS_TARGET = {KEEP_BOTH, IMPORTED_COPY_OF, MERGE_INTO}
# Decisions that hide the subject from search and the finder (behind its target, if any).
HIDING = {IMPORTED_COPY_OF, MERGE_INTO, RETIRE_LEGACY}


class DetectionRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    corpus_size = models.PositiveIntegerField(default=0)
    settings = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    repeated_statements = models.JSONField(default=list, blank=True)
    partial_overlaps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Detection run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class DuplicateGroup(models.Model):
    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=64, db_index=True, help_text="SHA-1 of the sorted member slugs: the same group in any run")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    score = models.FloatField(help_text="Mean score of the pairs in the group")
    min_score = models.FloatField(help_text="Lowest pair score: every member scores at least this with every other")
    size = models.PositiveIntegerField()
    canonical = models.ForeignKey(Standard, null=True, on_delete=models.SET_NULL, related_name="+")
    members = models.ManyToManyField(Standard, through="GroupMember", related_name="duplicate_groups")
    pairs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "-size", "-score"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="unique_group_in_run")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.size} NOS)"


class GroupMember(models.Model):
    group = models.ForeignKey(DuplicateGroup, on_delete=models.CASCADE)
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE)
    is_canonical = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "standard"], name="unique_group_member")]


class Decision(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="cleansing_decisions")
    sequence = models.PositiveIntegerField(help_text="1, 2, 3 … for the decisions about this standard")
    action = models.CharField(max_length=32, choices=ACTION_CHOICES)
    target = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group_key = models.CharField(max_length=64, blank=True, help_text="The duplicate group the decision was made from")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The decision in force before this one",
    )
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        help_text="For a reversal: what it reverses",
    )

    class Meta:
        ordering = ["standard", "sequence"]
        constraints = [models.UniqueConstraint(fields=["standard", "sequence"], name="unique_decision_sequence")]
        permissions = [("record_decision", "Can record decisions about duplicate NOS")]

    def __str__(self) -> str:
        target = f" {self.target.slug}" if self.target_id else ""
        return f"{self.standard.slug} #{self.sequence}: {self.action}{target}"

    @property
    def in_force(self) -> Decision | None:
        """What this row leaves in force: itself, or for a reversal the decision it restores."""
        return self.previous if self.action == REVERSE else self
