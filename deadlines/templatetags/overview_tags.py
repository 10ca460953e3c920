"""The compliance overview's tables: every row printed by one tag. A large kommune's page has
some 130 rows of five counts, each a link to the deadlines behind it; as template loops with a
`querylink` per cell they took most of the page's time."""

from html import escape
from urllib.parse import urlencode

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def overview_rows(rows, changelist: str, param: str, none_key: str = "") -> str:
    """`<tr>` per row: its label, then per status the count, linked to the deadline list
    filtered by `param` (the row's key; `none_key` for a row without one, e.g. the deadlines
    without an område) and the status. A zero is printed without a link."""
    lines = []
    for row in rows:
        key = none_key if row.key is None else row.key
        cells = []
        for status, n in row.cells():
            if n:
                params = {
                    k: v for k, v in ((param, key), ("status", status)) if v not in (None, "")
                }
                href = escape(f"{changelist}?{urlencode(params)}")
                cells.append(f'<td><a href="{href}">{localize(n)}</a></td>')
            else:
                cells.append("<td>0</td>")
        lines.append(f"<tr><td>{escape(str(row.label))}</td>{''.join(cells)}</tr>")
    return mark_safe("".join(lines))  # every value escaped above
