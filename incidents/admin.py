"""HR admin of incidents and Arbejdstilsynet's visits.

Incident details are health data: only staff with a `HealthDataAccess` grant see them. Staff
without it get the case register without any detail (reference, reported, open/closed — no
kind, place, unit, person or text) and a 404 on a case, like a missing one; the yearly overview
(counts) is open to all HR. Every opening of a case in the admin is logged."""

from __future__ import annotations

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.access import Access
from core.admin import TenantAdmin, TenantInline
from core.admin_site import site

from . import services
from .access import has_health_data_access
from .models import (
    AuthorisedAdviser,
    HealthDataAccess,
    Incident,
    IncidentForward,
    IncidentMeasure,
    IncidentNotification,
    IncidentViewLog,
    InspectionOrder,
    InspectionVisit,
)


class ReadOnlyInline(TenantInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MeasureInline(TenantInline):
    model = IncidentMeasure
    fields = ("description", "owner", "due_on", "done_on", "note")
    autocomplete_fields = ("owner",)


class ForwardInline(ReadOnlyInline):
    model = IncidentForward
    fields = ("kreds_public_id", "consent_given_on", "forwarded_by", "forwarded_on", "withdrawn_on")
    readonly_fields = fields


class NotificationInline(ReadOnlyInline):
    model = IncidentNotification
    fields = ("recipient", "reason", "state", "to_email", "sent_at", "attempts", "last_error")
    readonly_fields = fields


class ViewLogInline(ReadOnlyInline):
    model = IncidentViewLog
    fields = ("username", "viewed_at", "channel")
    readonly_fields = fields
    ordering = ("-viewed_at",)
    max_num = 0


@admin.register(Incident, site=site)
class IncidentAdmin(TenantAdmin):
    unit_lookup = "unit"
    search_fields = ("easy_reference", "place")
    autocomplete_fields = ("unit", "injured", "reported_by", "committee", "escalated_to")
    inlines = [MeasureInline, ForwardInline, NotificationInline, ViewLogInline]
    fieldsets = (
        (
            _("Hændelsen"),
            {
                "fields": (
                    "kind",
                    "nature",
                    "by_third_party",
                    "occurred_on",
                    "place",
                    "unit",
                    "committee",
                    "description",
                    "injured",
                    "reported_by",
                    "reported_on",
                )
            },
        ),
        (
            _("Fravær og EASY"),
            {"fields": ("absence_first_day", "absence_days", "easy_reference", "easy_reported_on")},
        ),
        (
            _("Undersøgelse"),
            {
                "fields": (
                    "causes",
                    "closed_on",
                    "closure_note",
                    "escalated_to",
                    "escalated_on",
                    "escalation_reason",
                )
            },
        ),
        (_("Billeder og bilag"), {"fields": ("attachments_list",)}),
    )
    readonly_fields = ("attachments_list",)

    @admin.display(description=_("Billeder og bilag"))
    def attachments_list(self, obj):
        """Links to the portal's checked view (which logs each look); never the file itself."""
        if obj is None or obj.pk is None:
            return "–"
        rows = [
            (reverse("incidents:attachment", args=[a.public_id]), a.name, filesizeformat(a.size))
            for a in obj.attachments.all()
        ]
        if not rows:
            return _("Ingen billeder eller bilag.")
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a> ({})', rows)

    # --- what staff without the grant get ----------------------------------------------------

    def get_list_display(self, request):
        if has_health_data_access(request):
            return (
                "__str__",
                "kind",
                "occurred_on",
                "unit",
                "committee",
                "easy_reported_on",
                "closed_on",
            )
        return ("__str__", "reported_on", "closed_on")

    def get_list_filter(self, request):
        if has_health_data_access(request):
            return ("kind", "nature", "by_third_party", ("closed_on", admin.EmptyFieldListFilter))
        return ()

    def get_search_fields(self, request):
        return self.search_fields if has_health_data_access(request) else ()

    def get_list_display_links(self, request, list_display):
        return list_display[:1] if has_health_data_access(request) else None

    def model_access(self, request):
        # Health data (GDPR art. 9): without the grant every case is "not found" on every
        # door of the admin (change, delete, history, history form, revert, actions), like a
        # missing one; the register above shows no detail.
        if not has_health_data_access(request):
            return Access(False, False, _("Kræver adgang til helbredsoplysninger."))
        return None

    def get_actions(self, request):
        return super().get_actions(request) if has_health_data_access(request) else {}

    def _log_view(self, request, object_id) -> None:
        incident = self.get_object(request, object_id)
        if incident is not None:
            services.incident_log_view(
                incident, user=request.user, channel=IncidentViewLog.Channel.ADMIN
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._log_view(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log_view(request, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "GET":
            self._log_view(request, object_id)
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "committee" in form.base_fields:
            form.base_fields["committee"].required = False
            form.base_fields["committee"].help_text = _(
                "Tom: gruppen der dækker enheden vælges automatisk."
            )
        return form

    def save_via_service(self, request, obj, form, change):
        services.incident_save(obj, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.incident_refresh_deadlines(form.instance, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not IncidentMeasure:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            if not instance.kommune_id:
                instance.kommune = request.kommune
            services.measure_save(instance, acting_user=request.user)
        return None


class OrderInline(TenantInline):
    model = InspectionOrder
    fields = (
        "kind",
        "title",
        "due_on",
        "requires_adviser",
        "adviser",
        "adviser_engaged_on",
        "complied_on",
        "response",
    )


@admin.register(InspectionVisit, site=site)
class InspectionVisitAdmin(TenantAdmin):
    unit_lookup = "unit"
    list_display = ("__str__", "kind", "visited_on", "committee")
    list_filter = ("kind",)
    autocomplete_fields = ("unit", "committee")
    inlines = [OrderInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "committee" in form.base_fields:
            form.base_fields["committee"].required = False
        return form

    def save_via_service(self, request, obj, form, change):
        services.inspection_visit_save(obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            if not instance.kommune_id:
                instance.kommune = request.kommune
            services.inspection_order_save(instance, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.inspection_visit_refresh_deadlines(form.instance, acting_user=request.user)


@admin.register(AuthorisedAdviser, site=site)
class AuthorisedAdviserAdmin(TenantAdmin):
    list_display = ("name", "cvr", "contact", "email", "phone")
    search_fields = ("name", "cvr")


@admin.register(HealthDataAccess, site=site)
class HealthDataAccessAdmin(TenantAdmin):
    """HR sees who has the grant; only superusers give or take it (like the staff rows)."""

    list_display = ("staff", "granted_on", "reason")

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_via_service(self, request, obj, form, change):
        services.health_data_access_save(obj, acting_user=request.user)


def overview_view(request):
    """The yearly overview (counts only, BEK § 30 stk. 2 nr. 6) for any arbejdsmiljøudvalg of the
    kommune: every HR staff member may read it, with or without the health-data grant."""
    from django.template.response import TemplateResponse
    from django.utils import timezone

    from committees.models import Committee

    from .selectors import OVERVIEW_TITLE, UDVALG_KINDS, yearly_overview, years_for_choice

    today = timezone.localdate()
    from .access import udvalg_for_hr

    udvalg = udvalg_for_hr(
        request,
        list(
            Committee.objects.filter(kind__in=UDVALG_KINDS, closed_on__isnull=True).order_by(
                "kind", "name"
            )
        ),
    )
    chosen = next((c for c in udvalg if str(c.public_id) == request.GET.get("udvalg")), None)
    chosen = chosen or (udvalg[0] if udvalg else None)
    try:
        year = int(request.GET.get("aar", today.year - 1))
    except ValueError:
        year = today.year - 1
    if year not in years_for_choice(today):
        year = today.year - 1
    context = {
        **site.each_context(request),
        "title": OVERVIEW_TITLE,
        "udvalg": udvalg,
        "chosen": chosen,
        "years": years_for_choice(today),
        "year": year,
        "overview": yearly_overview(chosen, year) if chosen else None,
    }
    return TemplateResponse(request, "incidents/admin/overview.html", context)


site.register_view(
    "haendelser/aarsoversigt/",
    overview_view,
    "incidents_overview",
    _("Årsoversigt over arbejdsulykker m.v."),
)
