from urllib.parse import urlencode

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def querylink(base: str, **params) -> str:
    """`base?param=value…`, leaving out empty values (used for drill-down links)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(clean)}" if clean else base


@register.filter
def status_label(status: str) -> str:
    from deadlines.models import Status

    return Status(status).label


@register.simple_tag
def deadline_lines(deadlines) -> str:
    """One line per deadline: status badge, title, due date (short format). Built here rather
    than with a template loop: long tables (the kreds overview) show many of them."""
    from deadlines.models import Status

    labels = {}
    for deadline in deadlines:
        if deadline.status not in labels:
            labels[deadline.status] = str(Status(deadline.status).label)
    return format_html_join(
        "",
        '<div><span class="badge {}">{}</span> {} – {}</div>',
        (
            (d.status, labels[d.status], d.title, date_format(d.due_date, "SHORT_DATE_FORMAT"))
            for d in deadlines
        ),
    )
