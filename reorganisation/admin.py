"""Organisation changes in HR's admin (HR of the whole kommune: the charts are the kommune's).
HR proposes; the change goes on HovedMED's agenda by itself; HovedMED's decision recorded in the
finally approved referat decides and applies it. Only when the referat records no decision does
HR register it (an action on the list)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import WholeKommuneAdmin
from core.admin_site import site

from .models import OrganisationChange
from .services import change_decide, change_propose

EDITABLE = [
    "kind",
    "title",
    "description",
    "effective_on",
    "new_name",
    "units",
    "target_unit",
    "committee",
    "new_parent",
]
SHOWN = ["state", "agenda_link", "decided_on", "decision", "applied_on", "created_committee"]


@admin.register(OrganisationChange, site=site)
class OrganisationChangeAdmin(WholeKommuneAdmin):
    list_display = ("title", "kind", "state", "effective_on", "decided_on")
    list_filter = ("state", "kind")
    search_fields = ("title",)
    autocomplete_fields = ("units", "target_unit", "committee", "new_parent")
    actions = ["register_approved", "register_rejected"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "description", "effective_on"]}),
        (
            _("Hvad ændres"),
            {
                "fields": ["new_name", "units", "target_unit", "committee", "new_parent"],
                "description": _(
                    "Ny arbejdsmiljøgruppe: navn, enheder og det udvalg, den hører under. "
                    "Sammenlægning: enhederne og den enhed, de samles i. Flytning: udvalget og "
                    "dets nye overordnede udvalg."
                ),
            },
        ),
        (
            _("HovedMED's behandling"),
            {
                "fields": SHOWN,
                "description": _(
                    "Referenten registrerer HovedMED's afgørelse (Godkendt / Ikke godkendt) på "
                    "punktet i referatet. Når referatet er endeligt godkendt, afgør det "
                    "ændringen, og en godkendt ændring gennemføres på datoen for ikrafttræden. "
                    "Handlingerne på listen bruges kun, når referatet ikke har en afgørelse."
                ),
            },
        ),
    ]

    @admin.display(description=_("Dagsorden"))
    def agenda_link(self, obj):
        if obj.agenda_item_id is None:
            return "–"
        meeting = obj.agenda_item.meeting
        return format_html(
            '<a href="{}">{} {}</a>',
            reverse("meetings:meeting", args=[meeting.public_id]),
            _("HovedMED"),
            meeting.date.strftime("%d.%m.%Y"),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk and not obj.is_pending:
            return EDITABLE + SHOWN
        return SHOWN

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not obj.kommune_id:
            obj.kommune = request.kommune
        if change:
            obj.save()
        else:
            change_propose(obj, units=form.cleaned_data.get("units", []), acting_user=request.user)

    def _decide(self, request, queryset, approved: bool):
        for change in queryset:
            try:
                change_decide(change, approved=approved, acting_user=request.user)
            except ValidationError as error:
                messages.error(request, f"{change}: {' '.join(error.messages)}")
            else:
                messages.success(request, f"{change}: {_('registreret')}")

    # The fallback: a referat that records no outcome on the item (the referat's own outcome
    # decides the change by itself, and change_decide refuses to contradict it).
    @admin.action(description=_("Registrér HovedMED's godkendelse (referatet er godkendt)"))
    def register_approved(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Registrér at HovedMED ikke godkendte ændringen"))
    def register_rejected(self, request, queryset):
        self._decide(request, queryset, False)
