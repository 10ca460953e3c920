"""What was sent to whom and why, for HR: read-only, scoped to the kommune (and område)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.admin import TenantAdmin, TenantInline, count_of
from core.admin_site import site

from .models import ReminderDigest, ReminderItem
from .stages import reason_choices, reason_label


class ReadOnlyMixin:
    """Reminders are a record of what happened: nobody adds, edits or deletes them by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonFilter(admin.SimpleListFilter):
    title = _("anledning")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return reason_choices()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if queryset.model is ReminderItem:
            return queryset.filter(reason=self.value())
        # A digest matches when one of its items has the reason (EXISTS: no duplicate rows).
        items = ReminderItem.objects.filter(digest=OuterRef("pk"), reason=self.value())
        return queryset.filter(Exists(items))


class ReminderItemInline(ReadOnlyMixin, TenantInline):
    model = ReminderItem
    fk_name = "digest"
    fields = ("deadline_display", "reason_display", "basis", "basis_role", "basis_unit", "state")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("frister i e-mailen")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deadline", "basis_unit")

    @admin.display(description=_("frist"))
    def deadline_display(self, obj):
        return str(obj.deadline)

    @admin.display(description=_("anledning"))
    def reason_display(self, obj):
        return reason_label(obj.reason)


class HistoryFromAdminLogMixin:
    """These rows have no django-simple-history of their own (they are the record); the history
    page is Django's plain admin log, with TenantAdmin's 404 for another kommune's row."""

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


@admin.register(ReminderDigest, site=site)
class ReminderDigestAdmin(HistoryFromAdminLogMixin, ReadOnlyMixin, TenantAdmin):
    unit_lookup = "recipient__unit"
    list_display = (
        "day",
        "recipient",
        "to_email",
        "state",
        "item_count",
        "attempts",
        "sent_at",
        "last_error_short",
    )
    list_filter = ("state", ReasonFilter, "day")
    list_select_related = ("recipient",)
    search_fields = (
        "recipient__first_name",
        "recipient__last_name",
        "recipient__email",
        "to_email",
        "subject",
    )
    date_hierarchy = "day"
    fields = (
        "recipient",
        "day",
        "state",
        "to_email",
        "subject",
        "language",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "errors",
        "created",
    )
    readonly_fields = fields
    inlines = [ReminderItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=count_of(ReminderItem, "digest"))

    @admin.display(description=_("frister"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items

    @admin.display(description=_("seneste fejl"))
    def last_error_short(self, obj):
        return obj.last_error[:80]


@admin.register(ReminderItem, site=site)
class ReminderItemAdmin(HistoryFromAdminLogMixin, ReadOnlyMixin, TenantAdmin):
    unit_lookup = "recipient__unit"
    list_display = (
        "deadline_display",
        "due_date",
        "recipient",
        "reason_display",
        "basis",
        "state",
        "skip_reason",
        "planned_for",
        "sent_at",
    )
    list_filter = ("state", ReasonFilter, "basis", "skip_reason", "planned_for")
    list_select_related = ("deadline", "recipient")
    search_fields = (
        "recipient__first_name",
        "recipient__last_name",
        "recipient__email",
        "deadline__rule",
        "deadline__committee__name",
    )
    date_hierarchy = "planned_for"
    fields = (
        "deadline",
        "due_date",
        "recipient",
        "reason",
        "track",
        "basis",
        "basis_role",
        "basis_unit",
        "planned_for",
        "state",
        "skip_reason",
        "digest",
        "sent_at",
        "created",
    )
    readonly_fields = fields

    @admin.display(description=_("frist"))
    def deadline_display(self, obj):
        return obj.deadline.title

    @admin.display(description=_("anledning"), ordering="reason")
    def reason_display(self, obj):
        return reason_label(obj.reason)
