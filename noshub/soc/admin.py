"""Admin pages: review decisions (who, when, why) and the SOC 2020 links of NOS."""

from django.contrib import admin

from .models import CoderFit, CodingRun, SocDecision, SocLink


@admin.register(SocDecision)
class SocDecisionAdmin(admin.ModelAdmin):
    list_display = ("standard", "soc2020", "action", "suggested_confidence", "bulk", "reviewer", "decided_at")
    list_filter = ("action", "bulk", "decided_at")
    search_fields = ("standard__slug", "soc2020", "reason", "reviewer__username")
    raw_id_fields = ("standard", "version")
    readonly_fields = ("decided_at",)

    def save_model(self, request, obj, form, change):
        if not change and not obj.reviewer_id:
            obj.reviewer = request.user
        super().save_model(request, obj, form, change)


@admin.register(SocLink)
class SocLinkAdmin(admin.ModelAdmin):
    """The queue and the crosswalk as rows: filter by source ("suggested" is the queue)."""

    list_display = ("version", "soc_code", "source", "position", "weight", "confidence")
    list_filter = ("source", "soc_code__classification")
    search_fields = ("version__standard__slug", "soc_code__code")
    raw_id_fields = ("version", "soc_code")
    ordering = ("-confidence",)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(soc_code__classification="2020").select_related("version__standard", "soc_code")
        )

    def has_add_permission(self, request):
        return False


@admin.register(CodingRun)
class CodingRunAdmin(admin.ModelAdmin):
    list_display = ("kind", "started_at", "finished_at")
    readonly_fields = ("kind", "started_at", "finished_at", "counts")


@admin.register(CoderFit)
class CoderFitAdmin(admin.ModelAdmin):
    """This database's fit of the SOC coder (made by `noshub load` or `noshub soc fit`)."""

    list_display = ("key", "fitted_at", "seconds", "coded_nos", "semantic")
    readonly_fields = ("key", "fingerprint", "fitted_at", "seconds", "coded_nos", "semantic")

    def has_add_permission(self, request):
        return False
