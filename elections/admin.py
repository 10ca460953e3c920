"""Elections in HR's admin: read-only (an election is run in the portal, step by step), with its
candidates, its state and its history; HR limited to an område sees the elections of committees
covering its units."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.admin import covers_units
from core.admin import TenantAdmin, TenantInline
from core.admin_site import site

from .models import Candidacy, Election, ElectionMessage


class CandidacyInline(TenantInline):
    model = Candidacy
    fields = ("person", "state", "nominated_at", "answered_at", "votes", "elected")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ElectionMessageInline(TenantInline):
    """The election's e-mails: whether the call, the vote, the result and the employer's notice
    went out (a notice that could not be sent leaves the seat without its protection date)."""

    model = ElectionMessage
    fields = ("kind", "person", "membership", "state", "to_email", "sent_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("e-mails om valget")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "membership__person")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Election, site=site)
class ElectionAdmin(TenantAdmin):
    list_display = (
        "committee",
        "role",
        "state",
        "nomination_deadline",
        "voting_closes_on",
        "term_start",
    )
    list_filter = ("state", "role")
    list_select_related = ("committee",)
    search_fields = ("committee__name",)
    unit_lookups = ("committee__coverage__unit",)
    inlines = [CandidacyInline, ElectionMessageInline]
    fields = (
        "committee",
        "role",
        "seats",
        "replaces",
        "state",
        "nomination_deadline",
        "voting_days",
        "voting_closes_on",
        "term_start",
        "opened_by",
        "opened_at",
        "closed_at",
        "message",
        "portal_link",
    )
    readonly_fields = fields

    @admin.display(description=_("I portalen"))
    def portal_link(self, obj):
        url = reverse("elections:detail", args=[obj.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Valgets side, resultat og PDF"))

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(covers_units(unit_ids, "committee_id"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
