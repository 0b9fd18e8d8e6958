"""Admin: people's lifecycle profiles can be edited (audited); projects, drafts, comments and
the audit log are read-only here, since every change to them goes through the services that
check roles and stage rules. The administrator role (not only Django staff with model
permissions) sets profiles and reads these records (the site admits it: noshub/web/admin_site.py)."""

from __future__ import annotations

from django.contrib import admin

from noshub.catalogue.roles import ADMINISTRATOR, roles
from noshub.core.model import TEMPLATE_COLUMNS

from .messages import Reason
from .models import Approval, AuditEntry, Comment, ConsultationEvent, Draft, NationPart, Profile, Project, ReviewReminder
from .services import audit


def _administrator(request) -> bool:
    return ADMINISTRATOR in roles(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _administrator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "nation")
    list_filter = ("nation",)
    autocomplete_fields = ()
    raw_id_fields = ()  # lists (a few dozen organisations, a few people): no lookup pop-up a role cannot open

    # The administrator role sets profiles, whatever Django model permissions it has.
    def has_module_permission(self, request):
        return _administrator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return _administrator(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _administrator(request) or super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        before = {k: form.initial.get(k) for k in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        after = {k: str(form.cleaned_data.get(k) or "") for k in form.changed_data}
        audit(
            request.user,
            "update_profile",
            Reason("audit_profile_changed", user=str(obj.user), fields=", ".join(form.changed_data) or "no change"),
            obj=obj,
            before={k: str(v or "") for k, v in (before or {}).items()},
            after=after,
        )


class NationPartInline(admin.StackedInline):
    model = NationPart
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class ApprovalInline(admin.TabularInline):
    model = Approval
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "kind", "stage", "updated_at")
    list_filter = ("stage", "kind")
    search_fields = ("title",)
    inlines = [NationPartInline, ApprovalInline]


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ("urn", "title", "project", "action")
    search_fields = ("urn", "title")

    def get_fields(self, request, obj=None):
        # The inherited template columns come first in the model; show them after the URN.
        fields = [f for f in super().get_fields(request, obj) if f not in TEMPLATE_COLUMNS]
        after_urn = fields.index("urn") + 1
        return [*fields[:after_urn], *TEMPLATE_COLUMNS, *fields[after_urn:]]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("draft", "item_ref", "moderation", "decision", "created_at")
    list_filter = ("moderation", "decision")
    exclude = ("email", "ip_hash")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "username")


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "name", "project", "nation", "attendees")


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdmin):
    list_display = ("due", "standard", "organisation", "done_at")
    list_filter = ("done_at",)
