"""Admin: detection runs and groups (read-only), decisions (read-only: record them on a group page
or with `noshub decide`, so that every decision is a new versioned row), and a link to the
quality report page."""

from django.contrib import admin

from .models import Decision, DetectionRun, DuplicateGroup, GroupMember


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DetectionRun)
class DetectionRunAdmin(ReadOnly):
    list_display = ("id", "started_at", "finished_at", "corpus_size")


class MemberInline(admin.TabularInline):
    model = GroupMember
    raw_id_fields = ("standard",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DuplicateGroup)
class DuplicateGroupAdmin(ReadOnly):
    list_display = ("key", "kind", "size", "score", "min_score", "canonical", "run")
    list_filter = ("kind", "run")
    search_fields = ("members__slug", "key")
    raw_id_fields = ("canonical",)
    inlines = [MemberInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("standard", "sequence", "action", "target", "decided_by", "decided_at")
    list_filter = ("action",)
    search_fields = ("standard__slug", "target__slug", "reason")
    raw_id_fields = ("standard", "target", "previous", "reverses")
