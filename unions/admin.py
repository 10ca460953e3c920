"""Admin of the union side — for the installation's superusers only, never in HR's view.

What a person states about their own union membership (UnionMembership) and the send records
derived from it are registered in no admin at all: union membership is GDPR art. 9 data, and the
person manages it themself in the portal. HR's only union-related page is the election
registration below, which shows nothing about unions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from committees.models import Committee
from core.admin_site import site
from organisations.models import Person

from .forms import ElectionForm
from .models import Kommunegruppe, Kreds, KredsOfficer, NetworkGroup, NetworkMeeting, Union
from .views import election_registered_message, register_from_form


class SuperuserOnlyAdmin(SimpleHistoryAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class KredsInline(admin.TabularInline):
    model = Kreds
    fields = ("name", "email")
    extra = 0
    show_change_link = True


@admin.register(Union, site=site)
class UnionAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "short_name")
    search_fields = ("name", "short_name")
    inlines = [KredsInline]


class KommunegruppeInline(admin.TabularInline):
    model = Kommunegruppe
    fields = ("name",)
    extra = 0
    show_change_link = True


class KredsOfficerInline(admin.TabularInline):
    model = KredsOfficer
    fields = ("user", "title", "receives_notifications")
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Kreds, site=site)
class KredsAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "union", "email")
    list_filter = ("union",)
    list_select_related = ("union",)
    search_fields = ("name", "union__name")
    filter_horizontal = ("kommuner",)
    inlines = [KommunegruppeInline, KredsOfficerInline]


class KommunegruppeForm(forms.ModelForm):
    class Meta:
        model = Kommunegruppe
        fields = ("kreds", "name", "kommuner")

    def clean(self):
        data = super().clean()
        kreds, kommuner = data.get("kreds"), data.get("kommuner")
        if kreds is not None and kommuner is not None:
            outside = set(kommuner) - set(kreds.kommuner.all())
            if outside:
                self.add_error(
                    "kommuner",
                    _("Kredsen dækker ikke: %(names)s.")
                    % {"names": ", ".join(sorted(k.name for k in outside))},
                )
        return data


@admin.register(Kommunegruppe, site=site)
class KommunegruppeAdmin(SuperuserOnlyAdmin):
    form = KommunegruppeForm
    list_display = ("name", "kreds")
    list_select_related = ("kreds", "kreds__union")
    search_fields = ("name", "kreds__name")
    filter_horizontal = ("kommuner",)


@admin.register(KredsOfficer, site=site)
class KredsOfficerAdmin(SuperuserOnlyAdmin):
    list_display = ("user", "kreds", "title", "receives_notifications")
    list_select_related = ("user", "kreds", "kreds__union")
    search_fields = ("user__username", "user__email", "kreds__name")
    autocomplete_fields = ("user",)


class NetworkMeetingInline(admin.TabularInline):
    model = NetworkMeeting
    fields = ("starts_at", "duration", "theme", "location")
    extra = 0


@admin.register(NetworkGroup, site=site)
class NetworkGroupAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "kreds", "kind", "kommunegruppe", "roles", "meetings_per_year")
    list_select_related = ("kreds", "kreds__union", "kommunegruppe")
    search_fields = ("name", "kreds__name")
    inlines = [NetworkMeetingInline]


# --- HR: register an AMR/TR election -------------------------------------------------------------

ELECTION_TITLE = _("Registrér valg af AMR/TR")


def election_register_view(request):
    """HR's form for a new AMR/TR election. The choices are what HR's own admin lists show (the
    kommune, and the område for a limited staff member)."""
    if not request.user.has_perm("committees.add_membership"):
        raise PermissionDenied
    committees = (
        site._registry[Committee]
        .get_queryset(request)
        .filter(closed_on__isnull=True)
        .order_by("name")
    )
    persons = (
        site._registry[Person]
        .get_queryset(request)
        .filter(left_on__isnull=True)
        .select_related("unit")
        .order_by("last_name", "first_name")
    )
    form = ElectionForm(request.POST or None, committees=committees, persons=persons)
    if request.method == "POST" and form.is_valid():
        seat = register_from_form(form, request.user)
        if seat is not None:
            messages.success(request, election_registered_message(seat))
            return HttpResponseRedirect(
                reverse("admin:committees_membership_change", args=[seat.pk])
            )
    context = {**site.each_context(request), "title": ELECTION_TITLE, "form": form}
    return TemplateResponse(request, "unions/admin/election_form.html", context)


site.register_view("valg/ny/", election_register_view, "election_register", ELECTION_TITLE)
