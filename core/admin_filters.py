"""A changelist filter on a foreign key that is searched as you type (the admin's own
autocomplete view, scoped like the related model's admin), instead of a sidebar listing every
committee or unit of a kommune — København has ~1,500 committees and ~1,000 workplaces."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import get_select2_language
from django.utils.translation import gettext_lazy as _


class AutocompleteFilter(admin.FieldListFilter):
    template = "admin/filter_autocomplete.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.source_model = model
        self.field_name = field.name
        self.chosen = None
        value = self.used_parameters.get(self.lookup_kwarg)
        if isinstance(value, list):
            value = value[-1] if value else None
        if value not in (None, ""):
            related = field.remote_field.model
            # The related model's manager is tenant-scoped: another kommune's id shows nothing.
            self.chosen = related._default_manager.filter(pk=value).first()

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def has_output(self):
        return True

    def choices(self, changelist):
        yield {
            "selected": self.chosen is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": _("Alle"),
        }
        if self.chosen is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string({self.lookup_kwarg: self.chosen.pk}),
                "display": str(self.chosen),
            }

    @property
    def app_label(self) -> str:
        return self.source_model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.source_model._meta.model_name


def filter_media() -> forms.Media:
    """What the admin's autocomplete widget loads, in the order Django merges it (jQuery, then
    select2, then jquery.init's noConflict): the changelist adds it when it has such a filter."""
    extra = "" if settings.DEBUG else ".min"
    language = get_select2_language()
    i18n = (f"admin/js/vendor/select2/i18n/{language}.js",) if language else ()
    return forms.Media(
        js=(
            f"admin/js/vendor/jquery/jquery{extra}.js",
            f"admin/js/vendor/select2/select2.full{extra}.js",
            *i18n,
            "admin/js/jquery.init.js",
            "admin/js/autocomplete.js",
        ),
        css={
            "screen": (
                f"admin/css/vendor/select2/select2{extra}.css",
                "admin/css/autocomplete.css",
            )
        },
    )


def uses_autocomplete_filter(list_filter) -> bool:
    return any(
        isinstance(entry, tuple) and len(entry) > 1 and entry[1] is AutocompleteFilter
        for entry in list_filter
    )
