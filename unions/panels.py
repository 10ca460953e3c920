"""Portal home panels of the unions: the person's own union statement, the leader's election
registration, and a way into the kreds pages for an officer who is also an employee."""

from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .access import officer_kredse_of
from .services import own_union_membership


@register_panel("union", _("Faglig organisation"), "unions/panels/union.html", order=80)
def my_union(request, viewer):
    if viewer.person is None:
        return None
    # The person's own data, read in their kommune's scope; shown only to themself.
    return {"membership": own_union_membership(viewer.person)}


@register_panel("union_elections", _("Valg af AMR og TR"), "unions/panels/elections.html", order=85)
def elections(request, viewer):
    if not viewer.led_unit_ids:
        return None
    return {}


@register_panel("kreds", _("Min kreds"), "unions/panels/kreds.html", order=90)
def my_kredse(request, viewer):
    kredse = officer_kredse_of(request)
    return {"kredse": kredse} if kredse else None
