"""Template tags of the deadlines: a status's label, and many deadlines as short lines."""

from html import escape

from django import template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

from deadlines.engine import registry
from deadlines.models import Status

register = template.Library()

LINE = '<div><span class="badge %s">%s</span> %s – %s</div>'


@register.filter
def status_label(status: str) -> str:
    return Status(status).label


@register.simple_tag
def deadline_lines(deadlines, memo: dict | None = None) -> str:
    """One line per deadline: status badge, title, due date (short format). Built here rather
    than with a template loop: long tables (the kreds overview) show many of them, and the
    labels, rule titles and date format are looked up once per call, not once per line. A
    caller printing many lists (one per member row) may pass the same `memo` dict to each call,
    so that the labels, titles and formatted dates are looked up once for all of them."""
    memo = {} if memo is None else memo
    if "date_pattern" not in memo:
        memo["date_pattern"] = get_format("SHORT_DATE_FORMAT")
    date_pattern = memo["date_pattern"]
    labels = memo.setdefault("labels", {})
    titles = memo.setdefault("titles", {})
    days = memo.setdefault("days", {})

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
                # A title with the deadline's own values (a course's name, a year): the same
                # values give the same title, rendered once.
                try:
                    key = (deadline.rule, *sorted((deadline.params or {}).items()))
                    hash(key)
                except TypeError:  # a value that is a list or a dict
                    key = None
                if key is None:
                    title = rule.render_title(deadline)
                elif (title := titles.get(key)) is None:
                    title = titles[key] = rule.render_title(deadline)
        due = days.get(deadline.due_date)
        if due is None:
            due = days[deadline.due_date] = dateformat.format(deadline.due_date, date_pattern)
        return LINE % tuple(map(escape, (status, labels[status], title, due)))

    return mark_safe("".join(map(line, deadlines)))  # every value escaped in `line`


LINE = '<div><span class="badge %s">%s</span> %s – %s</div>'
