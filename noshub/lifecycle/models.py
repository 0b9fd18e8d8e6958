"""Persistence of the NOS lifecycle: projects, their nations' parts and approvals, drafts,
consultation comments, people's roles and the audit log.

Drafts are not NOS versions: a draft holds a whole NOS template of its own and becomes a
`catalogue.NosVersion` only when the project is published (`services.publish`), through the
catalogue's `VersionWriter`. Every write goes through `noshub.lifecycle.services`, which
checks the role and writes the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from noshub.catalogue.template import NosTemplateText
from noshub.core.model import NosDocument, SocAssignment, text_from_columns
from noshub.lifecycle import rules as lc

NATION_CHOICES = [(n, lc.NATION_LABELS[n]) for n in lc.NATIONS]
RESPONDER_CHOICES = [*NATION_CHOICES, *((b, lc.RESPONDER_LABELS[b]) for b in lc.SIGN_OFFS)]
STAGE_CHOICES = [(s, lc.STAGE_LABELS[s]) for s in (*lc.STAGES, lc.WITHDRAWN, lc.ABANDONED)]
APPROVAL_CHOICES = list(lc.APPROVAL_LABELS.items())
RESPONSE_CHOICES = list(lc.RESPONSE_LABELS.items())

class Profile(models.Model):
    """What a person's role needs to know: a standards developer's organisation, a reviewer's nation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lifecycle_profile")
    organisation = models.ForeignKey(
        "catalogue.Organisation", null=True, blank=True, on_delete=models.PROTECT, help_text="For standards developers"
    )
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, blank=True, help_text="For nation reviewers")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation or ''}{self.nation})"


class Project(models.Model):
    """A NOS development or review project: new NOS and new versions of existing NOS."""

    KIND_CHOICES = [("development", "Development of new NOS"), ("review", "Review of existing NOS")]

    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default="development")
    organisation = models.ForeignKey("catalogue.Organisation", on_delete=models.PROTECT, related_name="lifecycle_projects")
    description = models.TextField(blank=True, help_text="Scope of the project")
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES, default=lc.PROPOSAL, db_index=True)
    checklist_accepted = models.BooleanField(default=False, help_text="NOS system: CheckList Acceptance")
    welsh_language = models.TextField(blank=True, help_text="NOS system: Welsh Language")
    consultation_opens = models.DateTimeField(null=True, blank=True)
    consultation_closes = models.DateTimeField(null=True, blank=True)
    final_approved_on = models.DateField(null=True, blank=True, help_text="Becomes the NOS's date approved")
    published_at = models.DateTimeField(null=True, blank=True)
    sign_offs = models.JSONField(
        default=list, blank=True, help_text='Sign-offs beyond the four nations: "steering_group", "sfp" (rules.SIGN_OFFS)'
    )
    steering_group = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="steered_projects", help_text="Members who sign off for its steering group"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True, help_text="Why the project was abandoned, or its NOS withdrawn")
    # Withdrawal is asked for by the project's developer and approved by an administrator
    # (services.request_withdrawal, approve_withdrawal, refuse_withdrawal); open while the project is
    # published and `withdrawal_requested_at` is set. A refusal clears the request (the audit log keeps it).
    withdrawal_requested_at = models.DateTimeField(null=True, blank=True)
    withdrawal_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True, help_text="Why withdrawal to legacy was asked for")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_label(self) -> str:
        return lc.STAGE_LABELS.get(self.stage, self.stage)

    @property
    def withdrawal_pending(self) -> bool:
        """Has withdrawal to legacy been asked for and not yet approved or refused?"""
        return self.stage == lc.PUBLISHED and self.withdrawal_requested_at is not None


class NationPart(models.Model):
    """One nation's Part A and Part B of a project (the NOS system's "England - Rationale" …)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="nation_parts")
    nation = models.CharField(max_length=20, choices=NATION_CHOICES)
    rationale = models.TextField(blank=True)
    employers_organisations = models.TextField(blank=True)
    sso_involvement = models.TextField(blank=True)
    timescale = models.TextField(blank=True)
    uknos_panel = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    informed_development = models.TextField(blank=True)
    participation = models.TextField(blank=True)
    specific_issues = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "nation"], name="unique_project_nation")]
        ordering = ["project", "nation"]


class Approval(models.Model):
    """One nation's response to one approval of a project ("Wales Draft Nos Response" …).

    Every response is kept: a new response (or sending the project back to drafting) makes the
    earlier one no longer `current`, so a rejection stays in the history. `text_hash` is the
    fingerprint of the text the nation responded to (`services.fingerprint`); once the text
    changes, the response no longer counts until the nation responds again."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    approval = models.CharField(max_length=16, choices=APPROVAL_CHOICES)
    nation = models.CharField(max_length=20, choices=RESPONDER_CHOICES, help_text="A nation, or a sign-off (steering group, panel)")
    response = models.CharField(max_length=24, choices=RESPONSE_CHOICES)
    feedback = models.TextField(blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField()
    text_hash = models.CharField(max_length=64, blank=True, help_text="Fingerprint of the text responded to")
    current = models.BooleanField(default=True, help_text="False once superseded by a later response or a send-back")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "approval", "nation"],
                condition=models.Q(current=True),
                name="unique_current_project_approval_nation",
            )
        ]
        ordering = ["project", "approval", "nation", "id"]


class OwnerConsent(models.Model):
    """The owning organisation's consent to another organisation's project revising (or
    withdrawing) one of its NOS, recorded by someone who acts for the owner."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="consents")
    standard = models.ForeignKey("catalogue.Standard", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("catalogue.Organisation", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(help_text="How and when the owner consented")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "standard"], name="unique_project_standard_consent")]


class Draft(NosTemplateText):
    """A new NOS, or a new version of an existing one, as the project writes it (its text
    columns from `catalogue.template.NosTemplateText`)."""

    ACTION_CHOICES = [("new", "New NOS"), ("revise", "New version of an existing NOS"), ("withdraw", "Withdraw to legacy")]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="drafts")
    action = models.CharField(max_length=10, choices=ACTION_CHOICES, default="new")
    standard = models.ForeignKey("catalogue.Standard", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    base_version = models.ForeignKey(
        "catalogue.NosVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Version the draft started from",
    )
    urn = models.CharField(max_length=255)

    category = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, blank=True)
    originating_organisation = models.CharField(max_length=255, blank=True)
    original_urn = models.CharField(max_length=255, blank=True)
    relevant_occupations = models.JSONField(default=list, blank=True)
    suites = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    soc_codes = models.JSONField(default=list, blank=True, help_text='[{"code": "5119", "classification": "2010"}]')
    indicative_review_date = models.DateField(null=True, blank=True)
    consulted = models.JSONField(
        default=dict, blank=True, help_text="The text as it went out to consultation (comments are anchored to it)"
    )
    duplicate_justification = models.TextField(
        blank=True, help_text="Why the NOS is needed although the “already covered” check found a near-identical one"
    )

    map_node = models.ForeignKey(
        "themes.MapNode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The function of a functional map the NOS is placed on (written to the map on publishing)",
    )
    published_version = models.ForeignKey(
        "catalogue.NosVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "urn", "id"]

    def __str__(self) -> str:
        return f"{self.urn} {self.title}"

    @property
    def has_welsh(self) -> bool:
        return bool(self.title_cy.strip() and self.performance_criteria_cy and self.knowledge_and_understanding_cy)

    def to_document(self, **overrides) -> NosDocument:
        """The draft as a core `NosDocument`; `overrides` sets what publishing decides (version number …)."""
        fields = dict(
            urn=self.urn,
            **text_from_columns(self),
            developed_by=self.project.organisation.name,
            indicative_review_date=self.indicative_review_date,
            validity="current",
            status=self.status,
            category=self.category,
            originating_organisation=self.originating_organisation,
            original_urn=self.original_urn,
            relevant_occupations=tuple(self.relevant_occupations),
            suites=tuple(self.suites),
            keywords=tuple(self.keywords),
            soc_codes=tuple(SocAssignment(c["code"], c.get("classification", "2010")) for c in self.soc_codes),
        )
        fields.update(overrides)
        return NosDocument(**fields)


class Comment(models.Model):
    """A consultation comment on a whole draft NOS or on one of its statements (P3, K2)."""

    MODERATION_CHOICES = [("pending", "Awaiting moderation"), ("published", "Published"), ("rejected", "Rejected by moderator")]
    DECISION_CHOICES = [("", "No decision yet"), ("accepted", "Accepted"), ("rejected", "Rejected"), ("noted", "Noted")]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    item_ref = models.CharField(max_length=16, blank=True, help_text="P3, K2 …; blank for the whole NOS")
    item_text = models.TextField(blank=True, help_text="The statement as it read when the comment was made")
    name = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, help_text="Never shown")
    text = models.TextField()
    submission = models.CharField(max_length=32, blank=True, db_index=True, help_text="One person's comments sent together")
    respondent_nation = models.CharField(max_length=20, choices=NATION_CHOICES, blank=True)
    sector = models.CharField(max_length=200, blank=True)
    organisation_size = models.CharField(max_length=16, blank=True, help_text="micro, small, medium, large")
    created_at = models.DateTimeField(auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the sender's address, for rate limits")
    moderation = models.CharField(max_length=10, choices=MODERATION_CHOICES, default="pending", db_index=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=DECISION_CHOICES, blank=True)
    response = models.TextField(blank=True, help_text="The developer's response")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft", "item_ref", "created_at", "id"]


class AuditEntry(models.Model):
    """One change: who, when, what, and the values before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user is deleted")
    action = models.CharField(max_length=40, db_index=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries")
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=500)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'}: {self.summary}"


class ReviewReminder(models.Model):
    """A NOS due (or past due) for review, assigned to the organisation that owns it (the
    current version's developer), until someone who acts for it marks it done."""

    standard = models.ForeignKey("catalogue.Standard", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("catalogue.Organisation", on_delete=models.PROTECT, related_name="review_reminders")
    due = models.DateField(help_text="The indicative review date it was made for")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, help_text="What was done (a review project started, a new date agreed …)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["standard", "due"], name="unique_review_reminder")]
        ordering = ["done_at", "due", "id"]

    def __str__(self) -> str:
        return f"{self.standard} due {self.due} ({self.organisation})"


class ConsultationEvent(models.Model):
    """An event held for the consultation (a workshop, a meeting, a webinar), recorded beside
    the online responses so that the coverage report counts the people it reached."""

    KIND_CHOICES = list(lc.messages.EVENT_KIND_LABELS.items())

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default="workshop")
    held_on = models.DateField()
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, blank=True, help_text="Blank for a UK-wide event")
    attendees = models.PositiveIntegerField(help_text="People who took part")
    organisations = models.PositiveIntegerField(null=True, blank=True, help_text="Organisations they came from")
    sectors = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, help_text="What was said, in short")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "held_on", "id"]
