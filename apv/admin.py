"""HR admin of the APV: the kommune's checklists, the groups' APV cycles (with kortlægning,
risk assessments, sygefravær, handlingsplan and follow-ups as inlines) and major changes.
Saves go through apv/services.py so the deadlines follow at once."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import TenantAdmin, TenantInline
from core.admin_site import site

from . import services
from .forms import LONG_TEXT, TOO_LONG
from .models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvFollowUp,
    ApvMajorChange,
    ApvProblem,
    ApvSickness,
    ChecklistItem,
    ChecklistTemplate,
)
from .selectors import survey_results

# The admin's free-text fields are bounded like the portal's (apv/forms.py), not the models.
BOUNDED_TEXT = {
    models.TextField: {"max_length": LONG_TEXT, "error_messages": {"max_length": TOO_LONG}}
}


class BoundedTextInline(TenantInline):
    formfield_overrides = BOUNDED_TEXT


def _save_formset_via(request, formset, saver) -> None:
    """Inline rows are saved one by one through their service (history, deadlines)."""
    instances = formset.save(commit=False)
    for deleted in formset.deleted_objects:
        deleted.delete()
    for instance in instances:
        if not instance.kommune_id:
            instance.kommune = request.kommune
        saver(instance, acting_user=request.user)


class ChecklistItemInline(TenantInline):
    model = ChecklistItem
    fields = ("order", "area", "text")


@admin.register(ChecklistTemplate, site=site)
class ChecklistTemplateAdmin(TenantAdmin):
    list_display = ("name", "is_default")
    inlines = [ChecklistItemInline]

    def save_via_service(self, request, obj, form, change):
        services.checklist_template_save(obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        _save_formset_via(request, formset, services.checklist_item_save)


class CycleItemInline(BoundedTextInline):
    model = ApvCycleItem
    fields = ("order", "area", "text", "finding", "note")


class ProblemInline(BoundedTextInline):
    model = ApvProblem
    fields = ("area", "title", "description", "likelihood", "consequence", "level_display")
    readonly_fields = ("level_display",)

    @admin.display(description=_("risiko"))
    def level_display(self, obj):
        return f"{obj.score} ({obj.get_level_display()})" if obj.pk else "–"


class SicknessInline(BoundedTextInline):
    model = ApvSickness
    fields = ("period_start", "period_end", "days", "rate", "comment")


class ActionItemInline(BoundedTextInline):
    model = ApvActionItem
    fields = (
        "problem",
        "assessment",
        "cause",
        "measure",
        "owner",
        "due_on",
        "status",
        "closed_on",
        "follow_up",
    )
    autocomplete_fields = ("owner",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A line of the plan points to a risk assessment of the same APV only.
        if db_field.name == "assessment":
            cycle_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = ApvProblem.objects.filter(cycle_id=cycle_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FollowUpInline(BoundedTextInline):
    model = ApvFollowUp
    fields = ("held_on", "note")


class CoveredUnitsAdmin(TenantAdmin):
    """An object of an AMG: a staff member limited to some units sees the groups covering them."""

    unit_lookup = "committee__coverage__unit"
    formfield_overrides = {**TenantAdmin.formfield_overrides, **BOUNDED_TEXT}

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(committee__coverage__unit__in=unit_ids).distinct()


@admin.register(ApvCycle, site=site)
class ApvCycleAdmin(CoveredUnitsAdmin):
    list_display = ("__str__", "committee", "method", "phase", "started_on", "plan_adopted_on")
    list_filter = ("phase", "method")
    search_fields = ("committee__name",)
    autocomplete_fields = ("committee",)
    # The survey is opened and closed by the actions (through the services), never by editing
    # these fields: closing is final, or the results before and after a re-opening would give
    # away the late answers (ApvCycle.survey_has_closed).
    readonly_fields = ("survey_closes_on", "survey_closed", "survey_status")
    inlines = [CycleItemInline, ProblemInline, SicknessInline, ActionItemInline, FollowUpInline]
    actions = ["open_survey", "close_survey", "advance_phase"]
    fields = (
        "committee",
        "method",
        "phase",
        "started_on",
        "mapped_on",
        "sickness_on",
        "plan_adopted_on",
        "survey_closes_on",
        "survey_closed",
        "survey_status",
        "notes",
    )

    @admin.display(description=_("spørgeskema"))
    def survey_status(self, obj):
        # Only the counts: the results are read on the group's APV page once the survey has
        # closed, under the same rule as everywhere (SurveyResults.visible).
        if obj.pk is None or obj.method != ApvCycle.Method.SURVEY:
            return "–"
        results = survey_results(obj)
        status = _("%(responded)s af %(invited)s har svaret (%(rate)s %%)") % {
            "responded": results.responded,
            "invited": results.invited,
            "rate": results.rate,
        }
        return f"{status} · {_('lukket')}" if results.closed else status

    def save_via_service(self, request, obj, form, change):
        services.apv_cycle_save(obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        savers = {
            ApvActionItem: services.action_item_save,
            ApvFollowUp: services.apv_follow_up_save,
            ApvProblem: services.apv_problem_save,
            ApvSickness: services.apv_sickness_save,
            ApvCycleItem: services.apv_cycle_item_save,
        }
        _save_formset_via(request, formset, savers[formset.model])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Deleted lines of the handlingsplan close their deadlines now, not at night.
        services.apv_cycle_refresh_deadlines(form.instance, acting_user=request.user)

    @admin.action(description=_("Send spørgeskemaet til medarbejderne"))
    def open_survey(self, request, queryset):
        invited = 0
        for cycle in queryset:
            try:
                invited += services.survey_open(cycle, acting_user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{cycle}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)s medarbejder inviteret.", "%(n)s medarbejdere inviteret.", invited)
            % {"n": invited},
        )

    @admin.action(description=_("Luk spørgeskemaet (endeligt)"))
    def close_survey(self, request, queryset):
        for cycle in queryset:
            try:
                services.survey_close(cycle, acting_user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{cycle}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(cycle)s: spørgeskemaet er lukket.") % {"cycle": cycle}
                )

    @admin.action(description=_("Gå til næste fase"))
    def advance_phase(self, request, queryset):
        for cycle in queryset:
            try:
                services.apv_cycle_advance(cycle, acting_user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{cycle}: {' '.join(error.messages)}", messages.ERROR)


@admin.register(ApvMajorChange, site=site)
class ApvMajorChangeAdmin(CoveredUnitsAdmin):
    list_display = ("committee", "changed_on")
    autocomplete_fields = ("committee",)

    def save_via_service(self, request, obj, form, change):
        services.apv_major_change_save(obj, acting_user=request.user)
