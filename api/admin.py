"""HR's pages of the API: clients (token shown once), webhook endpoints (secret shown once),
the delivery log with "send again", and the audit log of every write. HR of the whole kommune
only: an integration reaches the whole kommune."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import WholeKommuneAdmin as BaseWholeKommuneAdmin
from core.admin_site import site
from core.events import EVENTS

from . import events as webhook_events
from .models import ApiAuditEntry, ApiClient, Scope, WebhookDelivery, WebhookEndpoint
from .services import api_client_create, api_client_revoke, api_client_save, webhook_endpoint_save


class WholeKommuneAdmin(BaseWholeKommuneAdmin):
    def shown_once(self, request, title, secret: str, what):
        """The page that shows a new token or secret, the only time it is shown."""
        return TemplateResponse(
            request,
            "api/admin/token_created.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "secret": secret,
                "what": what,
                "opts": self.model._meta,
            },
        )


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Rettigheder"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Giv kun det, systemet har brug for."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "expires_at"]


@admin.register(ApiClient, site=site)
class ApiClientAdmin(WholeKommuneAdmin):
    form = ApiClientForm
    list_display = [
        "name",
        "token_prefix",
        "scope_list",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = ["token_prefix", "last_used_at", "revoked_at", "created", "created_by"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("Rettigheder"))
    def scope_list(self, client):
        return ", ".join(client.scopes)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log and history point to it

    def save_model(self, request, obj, form, change):
        if change:
            api_client_save(obj, acting_user=request.user)
            return
        client, token = api_client_create(
            request.kommune,
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            expires_at=obj.expires_at,
            created_by=request.user,
        )
        form.instance = client
        request._api_token = token

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_api_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        title = _("Nøgle til %(name)s") % {"name": obj.name}
        return self.shown_once(request, title, token, _("API-nøglen"))

    @admin.action(description=_("Tilbagekald de valgte nøgler"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client, acting_user=request.user)
        self.message_user(
            request,
            ngettext("%(n)s nøgle tilbagekaldt.", "%(n)s nøgler tilbagekaldt.", queryset.count())
            % {"n": queryset.count()},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("Adresse"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Hændelser"),
        choices=[(event, event) for event in EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ingen valgt: alle hændelser. Journalisering modtager kun referat.published."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "kind", "events", "active", "default_case_number", "case_numbers"]


@admin.register(WebhookEndpoint, site=site)
class WebhookEndpointAdmin(WholeKommuneAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "kind", "active"]

    def save_via_service(self, request, obj, form, change):
        secret = webhook_endpoint_save(obj, acting_user=request.user)
        if secret:
            request._webhook_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_webhook_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        title = _("Hemmelighed til %(name)s") % {"name": obj.name}
        return self.shown_once(request, title, secret, _("Signaturhemmeligheden"))


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(WholeKommuneAdmin):
    list_display = [
        "created",
        "event",
        "endpoint",
        "state",
        "attempts",
        "response_status",
        "sent_at",
    ]
    list_filter = ["state", "event", "endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "event_id",
        "payload",
        "state",
        "attempts",
        "response_status",
        "last_error",
        "errors",
        "created",
        "sent_at",
        "next_attempt_at",
    ]
    fields = readonly_fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send igen"), permissions=["view"])
    def send_again(self, request, queryset):
        for delivery in queryset.select_related("endpoint"):
            webhook_events.resend(delivery)
        self.message_user(
            request,
            _("%(n)s levering(er) sendes igen.") % {"n": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(ApiAuditEntry, site=site)
class ApiAuditEntryAdmin(WholeKommuneAdmin):
    list_display = ["at", "client", "method", "path", "status", "summary"]
    list_filter = ["client", "method", "status"]
    readonly_fields = ["at", "client", "method", "path", "status", "summary", "ip_address"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
