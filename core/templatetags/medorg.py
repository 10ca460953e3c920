from html import escape
from urllib.parse import urlencode

from django import template
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


@register.simple_tag(takes_context=True)
def hr_area_banner(context) -> str:
    """For HR limited to some units (django-guardian): a banner naming them, so nobody reads
    the other områder's absence as zero rows."""
    from django.utils.translation import gettext as _

    from core.access import hr_area
    from core.admin_site import staff_role
    from core.directory import directory

    request = context.get("request")
    if request is None or getattr(request, "kommune", None) is None:
        return ""
    area = hr_area(request)
    if not area.is_staff or area.unit_ids is None:
        return ""
    role = staff_role(request)
    names = ", ".join(sorted(str(unit) for unit in directory().granted_units(role))) if role else ""
    text = _(
        "Du administrerer kun %(units)s. Personer, udvalg og frister i resten af kommunen "
        "vises ikke her; udvalg der også dækker andre områder, kan du se men ikke ændre."
    ) % {"units": names or _("dine tildelte enheder")}
    return mark_safe(f'<p class="hr-area-banner" role="note">{escape(text)}</p>')
