from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import TenantAdmin, TenantImportExportAdmin, TenantInline, count_of
from core.admin_filters import AutocompleteFilter
from core.admin_site import site

from .models import Kommune, KommuneStaff, Person, Unit, UnitAddress
from .resources import PersonResource, UnitResource
from .services import person_erase, person_save, staff_granted_units, staff_save, unit_save


class SuperuserOnlyMixin:
    """Kommuner and their HR staff are managed by the installation's superusers."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # An object page of what only superusers manage is "not found" for everyone else: the
    # same answer as a missing object or another kommune's (never a 403 that confirms it).
    def _superuser_or_404(self, request) -> None:
        if not request.user.is_superuser:
            raise Http404

    def change_view(self, request, object_id, *args, **kwargs):
        self._superuser_or_404(request)
        return super().change_view(request, object_id, *args, **kwargs)

    def history_view(self, request, object_id, *args, **kwargs):
        self._superuser_or_404(request)
        return super().history_view(request, object_id, *args, **kwargs)

    def history_form_view(self, request, object_id, *args, **kwargs):
        self._superuser_or_404(request)
        return super().history_form_view(request, object_id, *args, **kwargs)

    def delete_view(self, request, object_id, *args, **kwargs):
        self._superuser_or_404(request)
        return super().delete_view(request, object_id, *args, **kwargs)


@admin.register(Kommune, site=site)
class KommuneAdmin(SuperuserOnlyMixin, SimpleHistoryAdmin):
    list_display = ("name", "kommunenummer", "code", "amr_term_years")
    search_fields = ("name", "code", "kommunenummer")
    prepopulated_fields = {"code": ("name",)}

    def has_add_permission(self, request):
        return request.user.is_superuser


class KommuneStaffForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("begrænset til enheder"),
        help_text=_("Gælder når “hele kommunen” er fravalgt: enhederne og alt under dem."),
    )

    class Meta:
        model = KommuneStaff
        fields = ("user", "all_units")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.exclude(kind=Unit.Kind.AFDELING)
        if self.instance.pk:
            self.fields["units"].initial = staff_granted_units(self.instance)


@admin.register(KommuneStaff, site=site)
class KommuneStaffAdmin(SuperuserOnlyMixin, TenantAdmin):
    form = KommuneStaffForm
    list_display = ("user", "all_units")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if not obj.kommune_id:
            obj.kommune = request.kommune
        staff_save(obj, units=form.cleaned_data["units"], acting_user=request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser


class UnitAddressInline(TenantInline):
    model = UnitAddress
    fields = ("street", "postcode", "city")


@admin.register(Unit, site=site)
class UnitAdmin(TenantImportExportAdmin):
    resource_classes = [UnitResource]
    unit_lookup = "pk"
    list_display = ("name", "kind", "parent", "leader", "headcount", "people_count", "closed_on")
    list_filter = ("kind", ("parent", AutocompleteFilter), "closed_on")
    list_select_related = ("parent", "leader")
    search_fields = ("name", "code", "addresses__street")
    autocomplete_fields = ("parent", "leader")
    inlines = [UnitAddressInline]
    fields = ("name", "code", "kind", "parent", "leader", "headcount", "closed_on")
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(people_total=count_of(Person, "unit", left_on__isnull=True))
        )

    @admin.display(description=_("personer i systemet"), ordering="people_total")
    def people_count(self, obj):
        return obj.people_total

    def object_units(self, obj):
        # A new unit lies where it is placed (its parent, from a dropdown limited to the area).
        return {obj.pk} if obj.pk else {obj.parent_id}

    def save_via_service(self, request, obj, form, change):
        unit_save(obj, acting_user=request.user)


@admin.register(Person, site=site)
class PersonAdmin(TenantImportExportAdmin):
    resource_classes = [PersonResource]
    unit_lookup = "unit"
    list_display = (
        "full_name",
        "employee_number",
        "unit",
        "job_title",
        "email",
        "has_account",
        "left_on",
    )
    list_filter = (("unit", AutocompleteFilter), "left_on")
    list_select_related = ("unit",)
    search_fields = ("first_name", "last_name", "employee_number", "email")
    autocomplete_fields = ("unit", "user")
    actions = ["export_personal_data", "erase_personal_data"]
    read_only_actions = TenantImportExportAdmin.read_only_actions | {"export_personal_data"}

    @admin.action(description=_("Udlevér personens data (art. 15)"))
    def export_personal_data(self, request, queryset):
        """One person's data as a JSON file, as HR may see it: union membership and health
        data are left out (the person reads those on their own "Mine data" page)."""
        import json

        from django.contrib import messages
        from django.core.serializers.json import DjangoJSONEncoder
        from django.http import HttpResponse

        from core.privacy import person_export

        people = list(queryset[:2])
        if len(people) != 1:
            messages.error(request, _("Vælg én person ad gangen."))
            return None
        [person] = people
        export = person_export(person, for_hr=True)
        response = HttpResponse(
            json.dumps(export, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="persondata-{person.public_id}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Slet/anonymisér fratrådte personer (art. 17)"))
    def erase_personal_data(self, request, queryset):
        """After a confirmation page: each selected person who has left is anonymised; their
        data is deleted where no legal duty keeps it, and the page says what was kept and why."""
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.template.response import TemplateResponse
        from django.utils import timezone

        today = timezone.localdate()
        people = list(queryset.order_by("last_name", "first_name"))
        left = [p for p in people if p.left_on is not None and p.left_on <= today]
        if not left:
            messages.error(request, _("Kun personer, der er fratrådt, kan slettes."))
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Slet/anonymisér fratrådte personer"),
                "people": left,
                "not_left": [p for p in people if p not in left],
                "action": "erase_personal_data",
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/privacy_erase_confirm.html", context)
        kept: dict[str, str] = {}
        for person in left:
            try:
                result = person_erase(person, acting_user=request.user)
            except ValidationError as error:
                messages.error(request, f"{person}: {' '.join(error.messages)}")
                continue
            kept.update(result.kept)
        messages.success(
            request,
            _("%(count)s personer er anonymiseret, og deres øvrige data er slettet.")
            % {"count": len(left)},
        )
        for label, why in kept.items():
            messages.info(request, _("Bevaret: %(data)s – %(why)s") % {"data": label, "why": why})
        return None

    def get_readonly_fields(self, request, obj=None):
        # User accounts are global, not tenant data: only superusers link them by hand.
        return () if request.user.is_superuser else ("user",)

    fields = (
        ("first_name", "last_name"),
        "employee_number",
        ("email", "phone"),
        "unit",
        "job_title",
        ("hired_on", "left_on"),
        "user",
    )

    def save_via_service(self, request, obj, form, change):
        person_save(obj, acting_user=request.user)

    @admin.display(description=_("navn"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("har login"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None


class SuperuserUserAdmin(SuperuserOnlyMixin, UserAdmin):
    pass


class SuperuserGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass


site.register(User, SuperuserUserAdmin)
site.register(Group, SuperuserGroupAdmin)
