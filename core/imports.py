"""Shared pieces for django-import-export resources of tenant models.

Imports are all-or-nothing: any bad row rejects the whole file with a Danish message per row
(`rollback_on_validation_errors`), and every lookup is limited to what the importing staff
member may see."""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import resources, widgets


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by a natural key among the rows the importer may see."""

    def __init__(self, model, field, *, label: str = "", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label
        self.queryset = None  # set by TenantResource from the admin of the related model

    def get_queryset(self, value, row, *args, **kwargs):
        return self.queryset if self.queryset is not None else self.model.objects.all()

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(what)s med %(field)s “%(value)s” findes ikke i kommunen.")
                % {
                    "what": self.label or self.model._meta.verbose_name,
                    "field": self.field,
                    "value": value,
                }
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("%(what)s “%(value)s” er ikke entydig.")
                % {"what": self.label or self.model._meta.verbose_name, "value": value}
            ) from None


class TenantResource(resources.ModelResource):
    """Resource of a tenant model. Rows are created in the importer's kommune."""

    def __init__(self, request=None, **kwargs):
        super().__init__(**kwargs)
        self.request = request
        if request is None:
            return
        admin_site = _admin_site()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, ScopedForeignKeyWidget):
                related_admin = admin_site._registry.get(widget.model)
                if related_admin is not None:
                    widget.queryset = related_admin.get_queryset(request)

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        if self.request is not None:
            instance.kommune = self.request.kommune
        return instance

    def get_instance(self, instance_loader, row):
        # A key column that fails to resolve (e.g. an unknown person) is reported as that row's
        # validation error by import_instance() instead of aborting with a traceback.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def get_queryset(self):
        # Existing rows are matched only among those the importer may see.
        if self.request is not None:
            return _admin_site()._registry[self._meta.model].get_queryset(self.request)
        return super().get_queryset()


def _admin_site():
    from core.admin_site import site

    return site
