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


@register.simple_tag(takes_context=True)
def hr_area_banner(context) -> str:
    """For HR limited to some units (django-guardian): a banner naming them, so nobody reads
    the other områder's absence as zero rows."""
    from django.utils.translation import gettext as _

    from core.access import hr_area
    from core.admin_site import staff_role
    from organisations.services import staff_granted_units

    request = context.get("request")
    if request is None or getattr(request, "kommune", None) is None:
        return ""
    area = hr_area(request)
    if not area.is_staff or area.unit_ids is None:
        return ""
    role = staff_role(request)
    names = ", ".join(sorted(str(unit) for unit in staff_granted_units(role))) if role else ""
    text = _(
        "Du administrerer kun %(units)s. Personer, udvalg og frister i resten af kommunen "
        "vises ikke her; udvalg der også dækker andre områder, kan du se men ikke ændre."
    ) % {"units": names or _("dine tildelte enheder")}
    return mark_safe(f'<p class="hr-area-banner" role="note">{escape(text)}</p>')
