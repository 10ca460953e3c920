from html import escape
from urllib.parse import urlencode

from django import template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def querylink(base: str, **params) -> str:
    """`base?param=value…`, leaving out empty values (used for drill-down links)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(clean)}" if clean else base


@register.filter
def lookup(mapping, key):
    """`mapping[key]`, or "" (e.g. a rule's source for this kommune by its code)."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def status_label(status: str) -> str:
    from deadlines.models import Status

    return Status(status).label


@register.simple_tag
def deadline_lines(deadlines) -> str:
    """One line per deadline: status badge, title, due date (short format). Built here rather
    than with a template loop: long tables (the kreds overview) show many of them, and the
    labels, rule titles and date format are looked up once per call, not once per line."""
    from deadlines.engine import registry
    from deadlines.models import Status

    date_pattern = get_format("SHORT_DATE_FORMAT")
    labels, titles = {}, {}

    def line(deadline):
        status = deadline.status
        if status not in labels:
            labels[status] = str(Status(status).label)
        rule = registry.get(deadline.rule)
        if rule is None:
            title = deadline.rule
        else:
            if deadline.rule not in titles:
                titles[deadline.rule] = str(rule.title)
            title = titles[deadline.rule]
            if "%(" in title:
                title = rule.render_title(deadline)
        due = dateformat.format(deadline.due_date, date_pattern)
        return LINE % tuple(map(escape, (status, labels[status], title, due)))

    return mark_safe("".join(map(line, deadlines)))  # every value escaped in `line`


LINE = '<div><span class="badge %s">%s</span> %s – %s</div>'
