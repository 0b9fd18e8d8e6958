"""What `noshub themes build` keeps: the reach of every current NOS and the theme embeddings
found, per build (`BuildRun`; the latest is what pages show), and the classes people confirm
or change (`ReachDecision`, never edited or deleted: each is a new row, the history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from noshub.catalogue.models import Standard

REACH_CHOICES = [("pan_sector", "Pan-sector"), ("multi_sector", "Multi-sector"), ("job_specific", "Job-specific")]
EXTENT_CHOICES = [("full", "Full copy (imported or tailored)"), ("part", "In part")]


class BuildRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Themes build {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class Reach(models.Model):
    """The reach of one standard's current version, as one build computed it."""

    run = models.ForeignKey(BuildRun, on_delete=models.CASCADE, related_name="reaches")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    reach_class = models.CharField(max_length=16, choices=REACH_CHOICES)
    confidence = models.FloatField()
    suites = models.PositiveIntegerField(help_text="Suites carrying the NOS or a copy of it")
    developers = models.PositiveIntegerField(help_text="Developers carrying the NOS or a copy of it")
    majors = models.JSONField(default=list, blank=True, help_text="SOC major groups of the NOS and its copies")
    copies = models.JSONField(default=list, blank=True, help_text="Slugs of the copies (at most 200)")
    copies_count = models.PositiveIntegerField(default=0)
    sector_free = models.BooleanField(default=False)
    sector_words = models.JSONField(default=list, blank=True)
    theme_reference = models.CharField(max_length=40, blank=True, help_text="The theme whose home suites hold it")
    reasons = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=16, blank=True, help_text="NOSCategory as the catalogue gives it (compared, not read)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "standard"], name="unique_reach_in_run")]
        indexes = [models.Index(fields=["run", "reach_class"])]


class Embedding(models.Model):
    """A sector NOS that embeds a theme NOS, fully or in part, as one build found it."""

    run = models.ForeignKey(BuildRun, on_delete=models.CASCADE, related_name="embeddings")
    theme = models.CharField(max_length=40, db_index=True)
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    reference = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    extent = models.CharField(max_length=8, choices=EXTENT_CHOICES)
    confidence = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    statements = models.PositiveIntegerField(default=0, help_text="Statements the embedding NOS holds (0: no text held)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "standard"], name="unique_embedding_in_run")]
        ordering = ["theme", "-confidence"]


class ReachDecision(models.Model):
    """A person confirms the computed class of a NOS, or changes it; with who, when and why."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="reach_decisions")
    sequence = models.PositiveIntegerField()
    reach_class = models.CharField(max_length=16, choices=REACH_CHOICES)
    computed_class = models.CharField(max_length=16, blank=True, help_text="What the build said when the person decided")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["standard", "sequence"]
        constraints = [models.UniqueConstraint(fields=["standard", "sequence"], name="unique_reach_decision_sequence")]


MAP_LEVELS = [("key_area", "Key area"), ("function", "Function")]
PLACEMENT_SOURCES = [("suggested", "Suggested"), ("confirmed", "Confirmed by a person")]
#: Within a map (the 2010 M&L review): generic (the function as any sector carries it out),
#: context-specific (the context changes the standard of performance), specialist (the function
#: needs specialist knowledge and finer disaggregation). `placement.py` says how each is told.
PLACEMENT_KINDS = [("generic", "Generic"), ("context_specific", "Context-specific"), ("specialist", "Specialist")]
PLACEMENT_ACTIONS = [("confirm", "Confirm"), ("move", "Move to another function"), ("remove", "Remove")]


class FunctionalMap(models.Model):
    """One version of a functional map: key purpose → key areas → functions. A change is a new
    version (an import, a seed); versions are never edited."""

    slug = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    key_purpose = models.TextField()
    source = models.CharField(max_length=255, blank=True, help_text="Where this version came from (a file, a seed)")
    reason = models.TextField(blank=True, help_text="Why this version was made (an edit on the page says why)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="unique_map_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class MapNode(models.Model):
    map = models.ForeignKey(FunctionalMap, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    level = models.CharField(max_length=16, choices=MAP_LEVELS)
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["map", "position"]
        constraints = [models.UniqueConstraint(fields=["map", "code"], name="unique_node_code_in_map")]


class Placement(models.Model):
    """A NOS placed on a function of a map: suggested (with confidence and reason) or confirmed."""

    node = models.ForeignKey(MapNode, on_delete=models.CASCADE, related_name="placements")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField()
    source = models.CharField(max_length=16, choices=PLACEMENT_SOURCES, default="suggested")
    reason = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=PLACEMENT_KINDS, blank=True)
    kind_reason = models.CharField(max_length=255, blank=True, help_text="Why it is of that kind (a code: placement.KIND_REASONS)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "standard"], name="unique_placement")]


class PlacementDecision(models.Model):
    """A person confirms a NOS's placement on a function (and its kind), moves it to another
    function, or removes it. Never edited: the history. Every new version of the map (a seed, an
    import, an edit) replays them in order, so a decision outlives the version it was made on."""

    map_slug = models.SlugField(max_length=64)
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=PLACEMENT_ACTIONS)
    function = models.CharField(max_length=32, help_text="The function's code it was on")
    to_function = models.CharField(max_length=32, blank=True, help_text="Moved: the function's code it went to")
    kind = models.CharField(max_length=16, choices=PLACEMENT_KINDS, blank=True)
    version = models.PositiveIntegerField(help_text="The map version it was made on")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["map_slug", "id"]
