"""HR's admin of meetings: forretningsordener (with their fixed points), mødeplaner, meetings, and
the read-only record of what was sent. Saves go through the services; a staff member limited to
some units sees the committees covering them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.admin import covers_units
from core.admin import TenantAdmin, TenantInline
from core.admin_site import site

from .models import (
    DEFAULT_FORMOEDE_DAYS,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingMessage,
    MeetingPlan,
    Procedure,
    StandingItem,
)
from .services import meeting_save, meeting_validate, plan_save, procedure_save


class CommitteeScopedAdmin(TenantAdmin):
    committee_ref = "committee"
    unit_lookups = ("committee__coverage__unit",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(covers_units(unit_ids, self.committee_ref))


class StandingItemInline(TenantInline):
    model = StandingItem
    fields = ("placement", "position", "kind", "title")
    verbose_name_plural = _("faste punkter på dagsordenen")


class ProcedureAdminForm(forms.ModelForm):
    """The formøde's number of days may be left empty (as forms posted before the setting
    existed do): it is the forretningsorden's default then."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formoede_days"].required = False

    def clean_formoede_days(self):
        value = self.cleaned_data.get("formoede_days")
        return DEFAULT_FORMOEDE_DAYS if value is None else value


@admin.register(Procedure, site=site)
class ProcedureAdmin(CommitteeScopedAdmin):
    form = ProcedureAdminForm
    list_display = ("committee", "meetings_per_year", "proposal_days", "dispatch_days", "formoede")
    list_select_related = ("committee",)
    search_fields = ("committee__name",)
    autocomplete_fields = ("committee",)
    inlines = [StandingItemInline]

    def save_via_service(self, request, obj, form, change):
        procedure_save(obj, acting_user=request.user)


@admin.register(MeetingPlan, site=site)
class MeetingPlanAdmin(CommitteeScopedAdmin):
    list_display = ("committee", "year", "adopted_on")
    list_filter = ("year",)
    list_select_related = ("committee",)
    search_fields = ("committee__name",)
    autocomplete_fields = ("committee",)

    def save_via_service(self, request, obj, form, change):
        plan_save(obj, acting_user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class PlanForm(form):
            def clean(self):
                cleaned = super().clean()
                committee, year = cleaned.get("committee"), cleaned.get("year")
                if cleaned.get("adopted_on") and committee and year:
                    from .services import _check_plan_minimum

                    try:
                        _check_plan_minimum(committee, year)
                    except ValidationError as error:
                        raise forms.ValidationError(error.messages) from error
                return cleaned

        return PlanForm


class AgendaItemInline(TenantInline):
    """The agenda as the portal shows it; items are written in the portal (proposals, referat)."""

    model = AgendaItem
    fields = ("position", "kind", "title", "status", "proposed_by")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by")


class AttendanceInline(TenantInline):
    model = Attendance
    fields = ("person", "status", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class MeetingAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        candidate = Meeting(
            kommune_id=self.instance.kommune_id,
            **{k: cleaned.get(k) for k in ("committee", "date", "start_time", "end_time")},
            adjacent_to=cleaned.get("adjacent_to"),
        )
        if candidate.committee is None or not candidate.date:
            return cleaned
        try:
            meeting_validate(candidate)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Meeting, site=site)
class MeetingAdmin(CommitteeScopedAdmin):
    form = MeetingAdminForm
    list_display = (
        "date",
        "start_time",
        "committee",
        "kind",
        "status",
        "includes_amo_discussion",
        "dispatched_at",
    )
    list_filter = ("status", "kind", "includes_amo_discussion", "committee__kind")
    list_select_related = ("committee",)
    search_fields = ("committee__name", "title", "location")
    autocomplete_fields = ("committee", "adjacent_to")
    date_hierarchy = "date"
    fields = (
        "committee",
        "kind",
        "title",
        ("date", "start_time", "end_time"),
        "location",
        "case_number",
        "includes_amo_discussion",
        "adjacent_to",
        "status",
        "cancel_reason",
        "sequence",
        "agenda_settled_at",
        "dispatched_at",
        "portal_links",
    )
    readonly_fields = ("sequence", "agenda_settled_at", "dispatched_at", "portal_links")
    inlines = [AgendaItemInline, AttendanceInline]

    @admin.display(description=_("i portalen"))
    def portal_links(self, obj):
        if obj is None or not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("meetings:meeting", args=[obj.public_id]),
            _("Mødesiden"),
            reverse("meetings:agenda_pdf", args=[obj.public_id]),
            _("Dagsorden (PDF)"),
            reverse("meetings:referat_pdf", args=[obj.public_id]),
            _("Referat (PDF)"),
        )

    def save_via_service(self, request, obj, form, change):
        meeting_save(obj, acting_user=request.user)


@admin.register(MeetingMessage, site=site)
class MeetingMessageAdmin(CommitteeScopedAdmin):
    """What was sent to whom: a record, never edited by hand."""

    committee_ref = "meeting__committee"
    unit_lookups = ("meeting__committee__coverage__unit",)
    list_display = ("created", "meeting", "recipient", "kind", "sequence", "state", "sent_at")
    list_filter = ("kind", "state")
    list_select_related = ("meeting", "meeting__committee", "recipient")
    search_fields = ("recipient__first_name", "recipient__last_name", "meeting__committee__name")
    readonly_fields = (
        "meeting",
        "recipient",
        "kind",
        "sequence",
        "state",
        "to_email",
        "subject",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the organisation diagram in the admin -------------------------------------------------------

ORGANISATION_TITLE = _("Organisationsdiagram")


def organisation_diagram_view(request):
    """The same diagrams as the portal's organisation page; a box opens the committee's change
    page where this HR member may read it (their område, or the whole kommune)."""
    from django.template.response import TemplateResponse

    from committees.models import CommitteeUnit
    from committees.viewer import get_viewer
    from core.access import allowed_unit_ids

    from . import diagrams

    units = allowed_unit_ids(request)
    readable = (
        None
        if units is None
        else set(
            CommitteeUnit.objects.filter(unit_id__in=units).values_list("committee_id", flat=True)
        )
    )

    def link(committee):
        if readable is None or committee.pk in readable:
            return reverse("admin:committees_committee_change", args=[committee.pk])
        return None

    context = {
        **site.each_context(request),
        **diagrams.page_context(request, link=link, mine=get_viewer(request).committee_ids),
    }
    context["page_title"] = context["title"]
    context["title"] = ORGANISATION_TITLE
    return TemplateResponse(request, "admin/organisation_diagram.html", context)


site.register_view(
    "organisation/", organisation_diagram_view, "organisation_diagram", ORGANISATION_TITLE
)
