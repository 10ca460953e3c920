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


class KommuneCachedNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        from django.utils import translation

        from core.cache import KommuneCache

        request = context.get("request")
        kommune = getattr(request, "kommune", None)
        if kommune is None:
            return self.nodelist.render(context)
        parts = (
            "fragment",
            self.name.resolve(context),
            translation.get_language(),
            *(part.resolve(context) for part in self.parts),
        )
        return KommuneCache(kommune.pk).get_or_set(parts, lambda: self.nodelist.render(context))


@register.tag
def kommune_cached(parser, token):
    """`{% kommune_cached "name" key… %}…{% endkommune_cached %}`: the part rendered once and kept
    in the kommune cache (core/cache.py) under its name, the language and the keys, until the
    kommune's token is replaced. Only for parts made of what replaces the token (deadlines,
    seats, committees, units, people); everything else they print must be in the keys."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kommune_cached needs a name")
    nodelist = parser.parse(("endkommune_cached",))
    parser.delete_first_token()
    return KommuneCachedNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
