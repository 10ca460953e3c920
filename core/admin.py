"""The base of every tenant model's admin: scoping, område limits, history and services."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from core.admin_site import is_kommune_staff, staff_role


def allowed_unit_ids(request) -> list[int] | None:
    """Units a staff member limited with django-guardian may administer, with everything below
    them; None when the staff member has the whole kommune. Computed once per request."""
    if hasattr(request, "_allowed_unit_ids"):
        return request._allowed_unit_ids
    from django.db.models import Q
    from guardian.shortcuts import get_objects_for_user

    from organisations.models import Unit

    role = staff_role(request)
    result = None
    if not request.user.is_superuser and role is not None and not role.all_units:
        granted = get_objects_for_user(
            request.user,
            "organisations.administer_unit",
            klass=Unit.objects.all(),
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("path", flat=True)
        query = Q(pk__in=[])
        for prefix in granted:
            query |= Q(path__startswith=prefix)
        result = list(Unit.objects.filter(query).values_list("pk", flat=True))
    request._allowed_unit_ids = result
    return result


class TenantAdmin(SimpleHistoryAdmin):
    """Admin of a tenant-owned model.

    The tenant scope (set by the middleware) already filters every queryset, form dropdown and
    autocomplete to the request's kommune. On top of that `limit_to_units` narrows what a staff
    member limited to some units sees. Saves set the kommune and go through `save_via_service`."""

    # Lookup from this model to the unit that decides område access, e.g. "unit" or "pk".
    unit_lookup: str | None = None
    list_per_page = 50
    # A web address typed without a scheme is read as https:// (Django 6's default).
    formfield_overrides = {
        **SimpleHistoryAdmin.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }

    def limit_to_units(self, queryset: QuerySet, unit_ids: list[int]) -> QuerySet:
        if self.unit_lookup is None:
            return queryset.none()
        return queryset.filter(**{f"{self.unit_lookup}__in": unit_ids})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        unit_ids = allowed_unit_ids(request)
        if unit_ids is not None:
            queryset = self.limit_to_units(queryset, unit_ids)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Dropdowns offer what the related model's admin would show this user (kommune and
        # område limits), so a posted id outside them fails validation.
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if "queryset" not in kwargs and isinstance(related_admin, TenantAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _is_staff(self, request) -> bool:
        return is_kommune_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_staff(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return self._is_staff(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_staff(request) and super().has_delete_permission(request, obj)

    def has_module_permission(self, request):
        return self._is_staff(request) and super().has_module_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        kommune = request.kommune

        # The kommune is not a form field; set it before model validation so the same-kommune
        # checks in TenantModel.clean() run against the right tenant.
        class TenantForm(form):
            def _post_clean(self):
                if not self.instance.kommune_id:
                    self.instance.kommune = kommune
                super()._post_clean()

        TenantForm.__name__ = form.__name__
        return TenantForm

    def save_model(self, request, obj, form, change):
        if not obj.kommune_id:
            obj.kommune = request.kommune
        self.save_via_service(request, obj, form, change)

    def save_via_service(self, request, obj, form, change):
        obj.save()

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            if not instance.kommune_id:
                instance.kommune = request.kommune
            instance.save()
        formset.save_m2m()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for a missing object; another kommune's object is
        # "missing" too. Both answer 404, so nobody can probe which ids exist elsewhere.
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # History of an object this user may not see (another område, or deleted there) is a 404,
        # exactly like a missing one.
        if allowed_unit_ids(request) is not None:
            try:
                visible = self.get_queryset(request).filter(pk=object_id).exists()
            except (ValueError, TypeError):
                visible = False
            if not visible:
                raise Http404
        return super().history_view(request, object_id, extra_context)


class TenantInline(admin.TabularInline):
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        kommune = request.kommune

        class TenantFormSet(formset):
            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                if not form.instance.kommune_id:
                    form.instance.kommune = kommune
                return form

        return TenantFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if "queryset" not in kwargs and isinstance(related_admin, TenantAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def count_of(model, fk: str, **filters):
    """Correlated COUNT subquery: keeps the changelist free of GROUP BY (and its ordering)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    rows = (
        model._base_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class TenantImportExportAdmin(ImportExportMixin, TenantAdmin):
    """Import from CSV/XLSX with preview; a file with a bad row is rejected whole."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"request": request}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return kwargs

    def has_import_permission(self, request):
        return self._is_staff(request) and super().has_import_permission(request)

    def has_export_permission(self, request):
        return self._is_staff(request) and super().has_export_permission(request)
