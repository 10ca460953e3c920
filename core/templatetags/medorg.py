from urllib.parse import urlencode

from django import template

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
