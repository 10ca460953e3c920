"""The base of every tenant model's admin: scoping, område limits, history and services."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from core.access import FULL, OUTSIDE, Access, allowed_unit_ids, hr_area
from core.admin_site import is_kommune_staff


def units_along(obj, lookup: str) -> set[int]:
    """The unit ids reached from `obj` along a queryset lookup ("unit", "person__unit",
    "committee__coverage__unit", "pk"), read from the instance itself, so an unsaved or just
    edited instance is decided by its new values. Reverse relations of an unsaved instance
    are empty."""
    current = [obj]
    parts = lookup.split("__")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        following = []
        for item in current:
            if part == "pk":
                following.append(item.pk)
                continue
            field = item._meta.get_field(part)
            if field.many_to_one or (field.one_to_one and field.concrete):
                if last:
                    following.append(getattr(item, field.attname))
                elif getattr(item, field.attname) is not None:
                    following.append(getattr(item, field.name))
            elif item.pk is not None:
                following.extend(getattr(item, field.get_accessor_name()).all())
        current = following
    return {
        value if isinstance(value, int) else getattr(value, "pk", None) for value in current
    } - {None}


class TenantAdmin(SimpleHistoryAdmin):
    """Admin of a tenant-owned model.

    The tenant scope (set by the middleware) already filters every queryset, form dropdown and
    autocomplete to the request's kommune. On top of that, HR limited to an område is decided
    by `core.access.HRArea` in one place, `object_access`, which every entry point asks: the
    lists (`get_queryset`: what may be read), change, delete, history, history form and
    revert, the actions, inlines, popups and the exports. Saves set the kommune and go
    through `save_via_service`."""

    @property
    def media(self):
        # A changelist filter searched as you type (core.admin_filters) brings select2 along.
        from .admin_filters import filter_media, uses_autocomplete_filter

        media = super().media
        if uses_autocomplete_filter(self.list_filter or ()):
            media = media + filter_media()
        return media

    # Lookup from this model to the unit that decides område access, e.g. "unit" or "pk".
    unit_lookup: str | None = None
    # Every lookup to the units the object lies in (default: `unit_lookup`); None: the object
    # is kommune-wide (changed by HR of the whole kommune only).
    unit_lookups: tuple[str, ...] | None = None
    # Actions that only read (exports): open to whoever reads the rows.
    read_only_actions = frozenset({"export_admin_action"})
    list_per_page = 50
    # A web address typed without a scheme is read as https:// (Django 6's default).
    formfield_overrides = {
        **SimpleHistoryAdmin.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }

    # --- the one decision ------------------------------------------------------------------

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

    def object_units(self, obj) -> set[int] | None:
        lookups = self.unit_lookups
        if lookups is None:
            lookups = (self.unit_lookup,) if self.unit_lookup else None
        if lookups is None:
            return None
        units: set[int] = set()
        for lookup in lookups:
            units |= units_along(obj, lookup)
        return units

    def model_access(self, request) -> Access | None:
        """A gate in front of every object of the model (e.g. the health-data grant)."""
        return None

    def object_access(self, request, obj) -> Access:
        """May this request read / change this (saved) object, and why not. Read is what the
        lists show (`get_queryset`); change needs the object wholly inside the HR area."""
        gate = self.model_access(request)
        if gate is not None:
            return gate
        area = hr_area(request)
        if not area.is_staff:
            return area.decide(None)
        if area.whole_kommune:
            return FULL
        cache = request.__dict__.setdefault("_object_access", {})
        key = (self.model._meta.label, obj.pk)
        if key not in cache:
            if not self.get_queryset(request).filter(pk=obj.pk).exists():
                cache[key] = OUTSIDE
            else:
                decided = area.decide(self.object_units(obj))
                cache[key] = Access(True, decided.change, decided.reason)
        return cache[key]

    def instance_access(self, request, instance) -> Access:
        """The decision for an instance as a form is about to save it (new or edited)."""
        gate = self.model_access(request)
        if gate is not None:
            return gate
        area = hr_area(request)
        if area.whole_kommune:
            return FULL
        units = self.object_units(instance)
        if instance.pk is None and units is not None and not units:
            # Tied to no unit yet (a new committee): its inlines and dropdowns, limited to
            # the area, decide what it covers.
            return FULL
        return area.decide(units)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Dropdowns offer what the related model's admin would show this user (kommune and
        # område limits), so a posted id outside them fails validation.
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if "queryset" not in kwargs and isinstance(related_admin, TenantAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _tolerant_autocomplete(field)

    def _is_staff(self, request) -> bool:
        return is_kommune_staff(request)

    def has_view_permission(self, request, obj=None):
        if not (self._is_staff(request) and super().has_view_permission(request, obj)):
            return False
        return obj is None or obj.pk is None or self.object_access(request, obj).read

    def has_change_permission(self, request, obj=None):
        if not (self._is_staff(request) and super().has_change_permission(request, obj)):
            return False
        return obj is None or obj.pk is None or self.object_access(request, obj).change

    def has_add_permission(self, request):
        gate = self.model_access(request)
        if gate is not None and not gate.change:
            return False
        return self._is_staff(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        gate = self.model_access(request)
        if gate is not None and not gate.change:
            return False
        if not (self._is_staff(request) and super().has_delete_permission(request, obj)):
            return False
        return obj is None or obj.pk is None or self.object_access(request, obj).change

    def has_module_permission(self, request):
        return self._is_staff(request) and super().has_module_permission(request)

    def get_object(self, request, object_id, from_field=None):
        # The change, delete and history pages look the object up here: one the user may not
        # read is "not found", like a missing one or another kommune's.
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and not self.object_access(request, obj).read:
            return None
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        kommune = request.kommune
        model_admin = self

        # The kommune is not a form field; set it before model validation so the same-kommune
        # checks in TenantModel.clean() run against the right tenant. Then the instance as it
        # would be saved must lie inside the user's area (a seat in a committee spanning
        # other områder, a person moved out of it).
        class TenantForm(form):
            def _post_clean(self):
                if not self.instance.kommune_id:
                    self.instance.kommune = kommune
                super()._post_clean()
                if not self.errors:
                    access = model_admin.instance_access(request, self.instance)
                    if not access.change:
                        self.add_error(None, access.reason)

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

    def _require_object(self, request, object_id) -> None:
        # Django asks the model-level permission before it looks the object up, so a
        # read-only model would answer 403 for another kommune's id where others answer 404.
        if self.get_object(request, unquote(str(object_id))) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for a missing object; another kommune's object is
        # "missing" too. Both answer 404, so nobody can probe which ids exist elsewhere.
        raise Http404

    # --- actions -----------------------------------------------------------------------------

    def response_action(self, request, queryset):
        """An action changes only the selected rows the user may change; an export reads."""
        action = request.POST.get("action", "")
        area = hr_area(request)
        if action not in self.read_only_actions and not area.whole_kommune:
            changeable = [obj.pk for obj in queryset if self.object_access(request, obj).change]
            queryset = queryset.filter(pk__in=changeable)
        return super().response_action(request, queryset)

    # --- history: the list, one version, and revert ------------------------------------------

    def history_object_access(self, request, object_id) -> Access:
        """The decision for the object behind a history page: the live object, or for a
        deleted one its last version (HR limited to an område: only when it lay inside)."""
        obj = self.get_object(request, unquote(str(object_id)))
        if obj is not None:
            return self.object_access(request, obj)
        gate = self.model_access(request)
        if gate is not None:
            return gate
        try:
            if self.model._default_manager.filter(pk=object_id).exists():
                return OUTSIDE  # it exists, but not for this user
            history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
            record = history.filter(**{self.model._meta.pk.attname: object_id}).first()
        except (ValueError, TypeError, ValidationError, AttributeError):
            return OUTSIDE
        if record is None:
            return OUTSIDE
        area = hr_area(request)
        if area.whole_kommune:
            decided = FULL
        else:
            units = self.object_units(record.instance)
            decided = area.decide(units) if units else OUTSIDE
            decided = Access(decided.read, False, decided.reason)
        request.__dict__.setdefault("_object_access", {})[
            (self.model._meta.label, record.instance.pk)
        ] = decided
        return decided

    def history_view(self, request, object_id, extra_context=None):
        if getattr(self.model._meta, "simple_history_manager_attribute", None) is None:
            # A record without versions of its own (sent messages, logs): Django's admin log,
            # for a row this user may read; another kommune's or a missing one is a 404.
            obj = self.get_object(request, unquote(str(object_id)))
            if obj is None or not self.object_access(request, obj).read:
                raise Http404
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        # History of an object this user may not read (another område, no health-data
        # grant, deleted there) is a 404, exactly like a missing one.
        if not self.history_object_access(request, object_id).read:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history looks the version up by id alone and saves a POST as a revert: both
        # go through the same decision as the change page.
        if getattr(self.model._meta, "simple_history_manager_attribute", None) is None:
            raise Http404  # a record without versions of its own (messages, reminders)
        access = self.history_object_access(request, object_id)
        if not access.read or not str(version_id).isdigit():
            raise Http404
        if request.method == "POST" and not access.change:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class TenantInline(admin.TabularInline):
    """Rows of a parent object: changed only when the parent may be changed."""

    extra = 0

    def _parent_access(self, request, obj):
        parent_admin = self.admin_site._registry.get(self.parent_model)
        if obj is None or obj.pk is None or not isinstance(parent_admin, TenantAdmin):
            return FULL
        return parent_admin.object_access(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_access(request, obj).change

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj) and self._parent_access(request, obj).change
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj) and self._parent_access(request, obj).change
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._parent_access(request, obj).read

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        kommune = request.kommune

        class TenantFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:  # a column heading, not a label: name the box
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Slet"))

            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                if not form.instance.kommune_id:
                    form.instance.kommune = kommune
                return form

        return TenantFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A tabular inline has column headings, not labels: each input is named for screen
        readers by its field (WCAG 1.3.1/4.1.2; axe "label", "select-name")."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            widget = getattr(formfield.widget, "widget", formfield.widget)  # inside the wrapper
            widget.attrs.setdefault("aria-label", str(db_field.verbose_name).capitalize())
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if "queryset" not in kwargs and isinstance(related_admin, TenantAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return _tolerant_autocomplete(super().formfield_for_foreignkey(db_field, request, **kwargs))


def _tolerant_autocomplete(field):
    """An autocomplete widget re-rendering a posted value that is no id (``"abc"`` for an
    integer key) filtered its queryset with it and raised: a 500 on the add form. Such a value
    is just "no choice" (the field's own validation reports it in Danish)."""
    from django.contrib.admin.widgets import AutocompleteSelect

    if field is None or not isinstance(field.widget, AutocompleteSelect):
        return field
    widget = field.widget

    class TolerantAutocompleteSelect(type(widget)):
        def optgroups(self, name, value, attr=None):
            key_field = self.field.remote_field.model._meta.pk
            clean = []
            for item in value:
                try:
                    if item not in ("", None):
                        key_field.to_python(item)
                    clean.append(item)
                except (ValidationError, ValueError, TypeError):
                    continue
            return super().optgroups(name, clean, attr)

    widget.__class__ = TolerantAutocompleteSelect
    return field


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

    # --- large files in the background (core.imports) ----------------------------------------

    def get_urls(self):
        from django.urls import path

        opts = self.model._meta
        return [
            path(
                "import/job/<uuid:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{opts.app_label}_{opts.model_name}_import_job",
            ),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            job = self._background_import(request)
            if job is not None:
                from django.contrib import messages
                from django.utils.translation import gettext as _

                messages.info(
                    request,
                    _(
                        "Filen har %(rows)s rækker, så den kontrolleres i baggrunden. Intet "
                        "gemmes, før du har set resultatet og bekræftet importen."
                    )
                    % {"rows": job.rows},
                )
                return redirect(self._job_url(job))
        response = super().import_action(request, **kwargs)
        hide_tracebacks(response)
        return response

    def process_import(self, request, **kwargs):
        response = super().process_import(request, **kwargs)
        hide_tracebacks(response)
        return response

    def _background_import(self, request):
        """A valid file with more rows than the request should carry becomes an ImportJob."""
        from core import imports

        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        upload = form.cleaned_data["import_file"]
        file_format = int(form.cleaned_data["format"])
        input_format = self.get_import_formats()[file_format](encoding=self.from_encoding)
        data = b"".join(upload.chunks())
        upload.seek(0)
        try:
            text = data if input_format.is_binary() else data.decode(self.from_encoding)
            rows = len(input_format.create_dataset(text))
        except Exception:
            return None  # the admin's own import reports the unreadable file
        if rows <= imports.background_rows():
            return None
        return imports.start_import(
            self, request, data=data, file_format=file_format, file_name=upload.name, rows=rows
        )

    def _job_url(self, job) -> str:
        from django.urls import reverse

        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_job",
            args=[job.public_id],
            current_app=self.admin_site.name,
        )

    def import_job_view(self, request, job_id):
        """The progress of a background import, its per-row errors, or the confirmation."""
        from django.contrib import messages
        from django.template.response import TemplateResponse
        from django.utils.translation import gettext as _

        from core import imports
        from core.models import ImportJob

        if not self.has_import_permission(request):
            raise Http404
        jobs = ImportJob.objects.filter(
            requested_by=request.user, model=self.model._meta.label_lower
        )
        job = jobs.filter(public_id=job_id).first()
        if job is None:
            raise Http404
        if request.method == "POST":
            if imports.confirm_import(job):
                messages.info(request, _("Importen er startet."))
            return redirect(self._job_url(job))
        progress = imports.import_progress(job) if job.running else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import af %(file)s") % {"file": job.file_name},
            "opts": self.model._meta,
            "job": job,
            "progress": progress,
            "recent": [
                (other, self._job_url(other)) for other in jobs.exclude(pk=job.pk).defer("data")[:5]
            ],
        }
        return TemplateResponse(request, "admin/import_job.html", context)


def hide_tracebacks(response) -> None:
    """The import page shows a message per row, never a Python traceback (logged instead)."""
    from core.imports import result_errors, unexpected_message

    result = getattr(response, "context_data", None) and response.context_data.get("result")
    if result is None:
        return
    result_errors(result)  # logs the tracebacks
    errors = list(result.base_errors)
    for _number, row_errors in result.row_errors():
        errors.extend(row_errors)
    for error in errors:
        error.error = unexpected_message(error.error)
        error.traceback = ""

    def has_export_permission(self, request):
        return self._is_staff(request) and super().has_export_permission(request)


from core import privacy_views  # noqa: E402,F401  (registers the GDPR pages)

WHOLE_KOMMUNE_ONLY = Access(
    False, False, _("Siden gælder hele kommunen; kun HR for hele kommunen har adgang.")
)


class WholeKommuneAdmin(TenantAdmin):
    def model_access(self, request):
        return None if hr_area(request).whole_kommune else WHOLE_KOMMUNE_ONLY

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self.model_access(request) is None

    def has_view_permission(self, request, obj=None):
        return self.model_access(request) is None and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.model_access(request) is None and super().has_change_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self.model_access(request) is None else queryset.none()
