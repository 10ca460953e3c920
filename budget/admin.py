"""The budget procedure and the rationalisation cases in HR's admin (HR of the whole kommune:
the budget is the kommune's). HR records the year's timeline and the catalogue; the points go on
the committees' agendas by themselves, the hearing goes out on its day; HR registers the
adoption. A case is registered here, and its ad hoc MED committee set up."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from committees.selectors import hovedmed
from core.admin import WholeKommuneAdmin
from core.admin_site import site

from .models import AgendaPoint, BudgetProcess, HearingResponse, RationalisationCase
from .services import (
    case_register,
    case_set_up_committee,
    hearing_send,
    process_save,
    validate_ad_hoc,
    validate_case,
    validate_process,
)


class ServiceValidatedForm(forms.ModelForm):
    """A model form that also runs the service's checks, so the admin shows them as the form's
    errors (and saves nothing) instead of failing on save. No Meta: the admin builds the form
    for its model and fields inside the request's tenant scope."""

    def validate(self, instance):
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class BudgetProcessForm(ServiceValidatedForm):
    def validate(self, instance):
        validate_process(instance)


class PointInline(admin.TabularInline):
    model = AgendaPoint
    fields = ("committee", "step", "due_on", "meeting_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    fk_name = "process"
    classes = ["collapse"]
    verbose_name_plural = _("punkter på MED-udvalgenes dagsordener")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Møde"))
    def meeting_link(self, obj):
        return _meeting_link(obj)


class ResponseInline(admin.StackedInline):
    model = HearingResponse
    fields = ("committee", "submitted_on", "submitted_by", "text")
    readonly_fields = fields
    extra = 0
    classes = ["collapse"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _portal_link(url_name: str, obj) -> str:
    """The object's page in the portal, where the MED committees see it."""
    if obj is None or obj.pk is None:
        return "–"
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[obj.public_id]), _("Åbn"))


def _meeting_link(point):
    if point.agenda_item_id is None:
        return _("Venter på et møde med åben dagsorden")
    meeting = point.agenda_item.meeting
    return format_html(
        '<a href="{}">{}</a>',
        reverse("meetings:meeting", args=[meeting.public_id]),
        meeting.date.strftime("%d.%m.%Y"),
    )


@admin.register(BudgetProcess, site=site)
class BudgetProcessAdmin(WholeKommuneAdmin):
    form = BudgetProcessForm
    list_display = ("__str__", "timeline_by", "hearing_deadline", "adopted_on", "portal_link")
    readonly_fields = ("hearing_sent_on", "portal_link")
    inlines = [PointInline, ResponseInline]
    actions = ["send_hearing"]
    fieldsets = [
        (None, {"fields": ["year", "portal_link"]}),
        (
            _("Før budgettet er vedtaget"),
            {
                "fields": [
                    "timeline_by",
                    "catalogue_on",
                    "hearing_deadline",
                    "adoption_planned",
                    "catalogue",
                    "hearing_sent_on",
                ],
                "description": _(
                    "KommuneMED orienteres om tidsplanen (marts/april) og drøfter senere "
                    "kataloget med høringssvarene; de lokale MED-udvalg og personalemøder med "
                    "MED-status får kataloget i høring på dagen og svarer senest på fristen. "
                    "Punkterne sættes selv på udvalgenes næste møde med åben dagsorden."
                ),
            },
        ),
        (
            _("Efter budgettet er vedtaget"),
            {
                "fields": ["adopted_on", "adopted_summary", "orientation_by"],
                "description": _(
                    "Når vedtagelsen registreres, orienteres alle MED-udvalg og personalemøder "
                    "med MED-status: et punkt på deres næste møde og en e-mail til medlemmerne."
                ),
            },
        ),
    ]

    @admin.display(description=_("I portalen"))
    def portal_link(self, obj):
        return _portal_link("budget:process", obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_via_service(self, request, obj, form, change):
        process_save(obj, acting_user=request.user)

    @admin.action(description=_("Send høringen over budgetkataloget nu"))
    def send_hearing(self, request, queryset):
        for process in queryset:
            try:
                hearing_send(process, acting_user=request.user)
            except ValidationError as error:
                messages.error(request, f"{process}: {' '.join(error.messages)}")
            else:
                messages.success(request, f"{process}: {_('høringen er sendt')}")


class CaseForm(ServiceValidatedForm):
    ad_hoc_name = forms.CharField(
        label=_("Nedsæt ad hoc MED-udvalg: navn"), required=False, max_length=200
    )
    ad_hoc_ends_on = forms.DateField(
        label=_("Ad hoc-udvalget nedlægges efter"),
        required=False,
        help_text=_("Udvalgets sidste dag; det dækker projektets berørte enheder."),
        widget=admin.widgets.AdminDateWidget,
    )
    ad_hoc_parent = forms.ModelChoiceField(
        label=_("Ad hoc-udvalget hører under"),
        queryset=Committee._base_manager.none(),  # set per request in __init__
        required=False,
        help_text=_("Tom: KommuneMED."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ad_hoc_parent"].queryset = Committee.objects.filter(
            closed_on__isnull=True
        ).exclude(kind__in=[Committee.Kind.AMG, Committee.Kind.TRIO])

    def validate(self, instance):
        data = self.cleaned_data
        validate_case(instance, data.get("units") or [])
        if data.get("ad_hoc_name") or data.get("ad_hoc_ends_on"):
            validate_ad_hoc(
                instance,
                name=data.get("ad_hoc_name"),
                ends_on=data.get("ad_hoc_ends_on"),
                parent=data.get("ad_hoc_parent") or hovedmed(),
                units=data.get("units") or [],
                today=timezone.localdate(),
            )


@admin.register(RationalisationCase, site=site)
class RationalisationCaseAdmin(WholeKommuneAdmin):
    form = CaseForm
    list_display = ("title", "kind", "announced_on", "ad_hoc_committee", "portal_link")
    list_filter = ("kind",)
    search_fields = ("title",)
    autocomplete_fields = ("units",)
    readonly_fields = ("ad_hoc_committee", "portal_link", "med_points")

    @admin.display(description=_("I portalen"))
    def portal_link(self, obj):
        return _portal_link("budget:case", obj)

    @admin.display(description=_("KommuneMED's behandling"))
    def med_points(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        point = obj.points.select_related("agenda_item__meeting").first()
        return _meeting_link(point) if point else _("Følger budgetprocessen")

    def get_fieldsets(self, request, obj=None):
        main = ["kind", "title", "description", "units", "process", "announced_on"]
        if obj is None or obj.ad_hoc_committee_id is None:
            ad_hoc = ["ad_hoc_name", "ad_hoc_ends_on", "ad_hoc_parent", "ad_hoc_committee"]
        else:
            ad_hoc = ["ad_hoc_committee"]
        return [
            (None, {"fields": main}),
            (_("KommuneMED"), {"fields": ["med_points", "portal_link"]}),
            (
                _("Ad hoc MED-udvalg"),
                {
                    "fields": ad_hoc,
                    "description": _(
                        "Finder KommuneMED det relevant, nedsættes et ad hoc MED-udvalg for "
                        "projektet med en slutdato; det nedlægges af sig selv efter den dag."
                    ),
                },
            ),
        ]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not obj.kommune_id:
            obj.kommune = request.kommune
        units = form.cleaned_data.get("units") or []
        case_register(obj, units=units, acting_user=request.user)
        name = form.cleaned_data.get("ad_hoc_name")
        if name:
            # Checked with the form (CaseForm.validate): nothing here is half-saved.
            case_set_up_committee(
                obj,
                name=name,
                ends_on=form.cleaned_data.get("ad_hoc_ends_on"),
                parent=form.cleaned_data.get("ad_hoc_parent"),
                acting_user=request.user,
            )

    def save_related(self, request, form, formsets, change):
        # The units are set by the service (case_register) before the agenda point is made.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
