"""The rows of the admin's deadline list, written out in one pass.

Django's `items_for_result` looks every cell up, formats and escapes it through several general
helpers: about 0.2 ms a row, the largest part of a page of 50 deadlines. The columns of
`DeadlineAdmin` are of three kinds only (admin methods giving text, dates, foreign keys): here
each column's kind, CSS class and link are decided once for the page, and each cell is written
as `items_for_result` writes it (tests/test_hr_dashboard.py compares the two on every row).
Any other column, an editable list or a popup falls back to Django's own rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.utils import _get_non_gfk_field, display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


class _NotWrittenHere(Exception):
    """A value Django would show differently (a date from an admin method: its cell is
    `nowrap`): the page falls back to Django's rows."""


def _field(cl, name: str):
    try:
        return _get_non_gfk_field(cl.lookup_opts, name)
    except FieldDoesNotExist:
        return None


def _column(cl, name, empty: str) -> tuple[Callable, str] | None:
    """(obj -> the cell's escaped content, the cell's class attribute), or None when the column
    is not of a kind written here."""
    if not isinstance(name, str):
        return None
    if name == "action_checkbox":
        return cl.model_admin.action_checkbox, ' class="action-checkbox"'
    field = _field(cl, name)
    if field is None:
        method = getattr(cl.model_admin, name, None)
        if (
            not callable(method)
            or getattr(method, "boolean", False)
            or hasattr(method, "empty_value_display")
        ):
            return None

        def from_method(obj):
            value = method(obj)
            if isinstance(value, datetime.date | datetime.time):
                raise _NotWrittenHere
            if isinstance(value, str) and value.strip() == "":
                value = ""
            return conditional_escape(display_for_value(value, empty))

        return from_method, f' class="field-{name}"'
    if field.auto_created or getattr(field, "flatchoices", None):
        return None
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):

        def from_date(obj):
            value = getattr(obj, field.attname)
            return empty if value in field.empty_values else escape(localize(value))

        return from_date, f' class="field-{name} nowrap"'
    if isinstance(field, models.ForeignKey):

        def from_relation(obj):
            value = getattr(obj, field.name)
            return empty if value is None else conditional_escape(value)

        return from_relation, f' class="field-{name} nowrap"'
    return None


def written_rows(cl) -> list[ResultList] | None:
    """The rows as Django's `results(cl)` gives them, or None when this list has a column,
    a form or a mode not written here."""
    if cl.formset or cl.is_popup or cl.to_field:
        return None
    empty = conditional_escape(cl.model_admin.get_empty_value_display())
    links = cl.list_display_links
    columns = []
    first = True
    for name in cl.list_display:
        column = _column(cl, name, empty)
        if column is None:
            return None
        if links is None:
            link = False
        elif first and not links:
            link = True
        else:
            link = name in links
        tag = "th" if link and first else "td"
        first = first and not link
        columns.append((*column, tag, link))
    rows = []
    try:
        for obj in cl.result_list:
            cells = []
            for content, css, tag, link in columns:
                text = content(obj)
                if link:
                    text = f'<a href="{escape(cl.url_for_result(obj))}">{text}</a>'
                cells.append(mark_safe(f"<{tag}{css}>{text}</{tag}>"))
            rows.append(ResultList(None, cells))
    except _NotWrittenHere:
        return None
    return rows


@register.inclusion_tag("admin/change_list_results.html")
def deadline_result_list(cl):
    """Django's `{% result_list cl %}`, with the rows of `written_rows`."""
    headers = list(result_headers(cl))
    rows = written_rows(cl)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows if rows is not None else list(results(cl)),
    }
