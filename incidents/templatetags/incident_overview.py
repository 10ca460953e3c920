"""The rows of the yearly overview's tables (incidents/_overview_body.html), built in one call
per table: the page and the PDF list the områder and the 25 units with the most cases, and a
template loop looked every value up and localised it one by one (~5 ms of the page at L)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _numbers():
    # What `{{ n }}` prints for a whole number: the digits, unless the thousands are separated.
    return localize if settings.USE_THOUSAND_SEPARATOR else str


def _trend(n: int, number) -> str:
    return f"+{number(n)}" if n > 0 else number(n)


@register.simple_tag
def overview_rows(rows, *, days: bool = False) -> str:
    """One <tr> per row: its name (a kind's label or a unit's name), this year's count, last
    year's, the trend and, with `days`, this year's absence days."""
    number = _numbers()
    cells = []
    for row in rows:
        name = row.label if hasattr(row, "label") else row.name
        values = [number(row.count), number(row.last_year), _trend(row.trend, number)]
        if days:
            values.append(number(row.absence_days))
        cells.append(
            f"<tr><td>{escape(name)}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
        )
    return mark_safe("".join(cells))  # the name escaped above; the rest are numbers
