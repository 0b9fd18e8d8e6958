"""Persistence of NOS: standards, their versions, and the vocabularies they link to.

A `Standard` is the identity of one NOS (a URN, told apart from another standard that
reused the same URN by `variant`). Every change to a standard is a new `NosVersion`;
versions are never edited or deleted by an import. `Standard.current` points at the
version that stands for the NOS today (see `store.precedence`).
"""

from __future__ import annotations

from django.db import models

from noshub.core.model import NosDocument, SocAssignment, text_from_columns

from .template import NosTemplateText

VALIDITY_CHOICES = [("current", "Current"), ("legacy", "Legacy"), ("archive", "Archive"), ("", "Not stated")]
STATUS_CHOICES = [("original", "Original"), ("tailored", "Tailored"), ("", "Not stated")]
CATEGORY_CHOICES = [("core", "Core"), ("generic", "Generic"), ("job_specific", "Job specific"), ("", "Not stated")]
SOURCE_CHOICES = [("catalogue", "Catalogue workbook"), ("json", "NOS JSON export"), ("page", "NOS finder page"), ("edit", "Edit")]
SOC_CLASSIFICATIONS = [("2010", "SOC 2010"), ("2020", "SOC 2020")]
SOC_PROVENANCE = [("catalogue", "Catalogue"), ("crosswalk", "Crosswalk"), ("suggested", "Suggested"), ("confirmed", "Confirmed")]


class Organisation(models.Model):
    """A standards-setting organisation that develops NOS."""

    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Suite(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


NAME_KINDS = [("suite", "Suite"), ("developer", "Developer")]
NAME_RULES = [
    ("cleaned", "Cleaned (entities, dashes, spaces, notes)"),
    ("merged", "Merged (same name key)"),
    ("dropped", "Dropped (nothing left once cleaned)"),
    ("reviewer", "Decided by a reviewer"),
]


class NameAlias(models.Model):
    """A spelling of a suite or developer that a source used, and the suite or developer it is
    shown as (`noshub.core.names` gives the rule; a reviewer can decide otherwise). A spelling
    with neither target was dropped."""

    kind = models.CharField(max_length=16, choices=NAME_KINDS)
    spelling = models.CharField(max_length=255, help_text="As the source wrote it")
    suite = models.ForeignKey(Suite, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    rule = models.CharField(max_length=16, choices=NAME_RULES)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "spelling"], name="unique_name_alias")]
        ordering = ["kind", "spelling"]

    @property
    def target(self):
        return self.suite if self.kind == "suite" else self.organisation

    def __str__(self) -> str:
        return f"{self.kind}: {self.spelling!r}"


class Occupation(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Keyword(models.Model):
    """Keywords compare case-insensitively: ``key`` is the lower-case form."""

    key = models.CharField(max_length=255, unique=True)
    text = models.CharField(max_length=255)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.text


class SocCode(models.Model):
    """A SOC code of either classification, as NOS refer to them."""

    classification = models.CharField(max_length=4, choices=SOC_CLASSIFICATIONS)
    code = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classification", "code"], name="unique_soc_code")]
        ordering = ["classification", "code"]

    def __str__(self) -> str:
        return f"SOC {self.classification} {self.code}"


class Standard(models.Model):
    urn_key = models.CharField(max_length=255, db_index=True, help_text="Normalised URN used for lookup")
    variant = models.PositiveSmallIntegerField(default=1, help_text="Tells apart standards that share a URN")
    urn = models.CharField(max_length=255, help_text="The URN as first written")
    slug = models.CharField(max_length=270, unique=True)
    urn_clash = models.BooleanField(default=False, help_text="The URN is used for more than one standard")
    current = models.ForeignKey("NosVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["urn_key", "variant"], name="unique_urn_variant")]
        ordering = ["urn_key", "variant"]

    def __str__(self) -> str:
        return self.slug


class NosVersion(NosTemplateText):
    """One version of a standard: the whole common template, English and Welsh (its text
    columns from `NosTemplateText`)."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="versions")
    sequence = models.PositiveIntegerField(help_text="1 for the first version NOS Hub holds, then 2, 3 …")
    urn = models.CharField(max_length=255, help_text="The URN as this source wrote it")

    developed_by = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="versions")
    originating_organisation = models.CharField(max_length=255, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True, help_text="The NOS's own version number")
    date_approved = models.DateField(null=True, blank=True)
    indicative_review_date = models.DateField(null=True, blank=True)
    indicative_review_date_raw = models.CharField(max_length=64, blank=True)
    validity = models.CharField(max_length=16, choices=VALIDITY_CHOICES, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, blank=True)
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES, blank=True)
    original_urn = models.CharField(max_length=255, blank=True)
    original_standard = models.ForeignKey(
        Standard,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_versions",
        help_text="The NOS named by Original URN, where NOS Hub holds it",
    )
    suites = models.ManyToManyField(Suite, blank=True, related_name="versions")
    occupations = models.ManyToManyField(Occupation, blank=True, related_name="versions")
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="versions")
    soc_codes = models.ManyToManyField(SocCode, through="NosSocCode", blank=True, related_name="versions")
    text_partial = models.BooleanField(default=False, help_text="Body text is an incomplete excerpt")
    source_names = models.JSONField(
        default=dict, blank=True, help_text="Suite and developer names as the source spelt them, where shown otherwise"
    )

    # Provenance
    source_kind = models.CharField(max_length=16, choices=SOURCE_CHOICES)
    source_file = models.CharField(max_length=255, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_created = models.DateTimeField(null=True, blank=True)
    source_modified = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(help_text="When this version took effect, for ordering versions")
    pdf_name = models.CharField(max_length=255, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The source record as read, values unchanged")
    content_hash = models.CharField(max_length=64, db_index=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["standard", "sequence"], name="unique_version_sequence")]
        ordering = ["standard", "sequence"]

    def __str__(self) -> str:
        return f"{self.standard.slug} v{self.sequence}"

    def to_document(self) -> NosDocument:
        """The version as a core `NosDocument` (the inverse of `store.VersionWriter._version_fields`)."""
        links = self.nossoccode_set.filter(source="catalogue").select_related("soc_code").order_by("position")
        return NosDocument(
            urn=self.urn,
            **text_from_columns(self),
            developed_by=self.developed_by.name if self.developed_by_id else "",
            version_number=self.version_number,
            date_approved=self.date_approved,
            indicative_review_date=self.indicative_review_date,
            indicative_review_date_raw=self.indicative_review_date_raw,
            validity=self.validity,
            status=self.status,
            category=self.category,
            originating_organisation=self.originating_organisation,
            original_urn=self.original_urn,
            relevant_occupations=tuple(o.name for o in self.occupations.all()),
            suites=tuple(s.name for s in self.suites.all()),
            keywords=tuple(k.text for k in self.keywords.all()),
            soc_codes=tuple(SocAssignment(link.soc_code.code, link.soc_code.classification) for link in links),
            text_partial=self.text_partial,
        )


class NosSocCode(models.Model):
    """A SOC code on a NOS version: which classification, and where the link came from."""

    version = models.ForeignKey(NosVersion, on_delete=models.CASCADE)
    soc_code = models.ForeignKey(SocCode, on_delete=models.PROTECT)
    source = models.CharField(max_length=16, choices=SOC_PROVENANCE)
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.FloatField(null=True, blank=True, help_text="Share of a crosswalked code")
    confidence = models.FloatField(null=True, blank=True, help_text="Confidence of a suggested code")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "soc_code", "source"], name="unique_version_soc_source")]


class ImportRun(models.Model):
    """The report of one import of one file, kept so that every load can be audited."""

    kind = models.CharField(max_length=32)
    file = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16)  # imported / rejected (the file) / failed (e.g. the database stayed busy)
    message = models.TextField(blank=True, default="")  # why a rejected or failed run wrote nothing
    counts = models.JSONField(default=dict)
    rejections = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]


class CatalogueStamp(models.Model):
    """Where one part of what the pages show stands (`noshub.catalogue.stamp`): its number moves on
    with every change of that part, in the same transaction as the change."""

    part = models.CharField(max_length=32, unique=True, help_text="index, themes, behaviours, duplicates, frameworks …")
    value = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.part} {self.value}"
