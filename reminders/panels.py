"""Portal home panel: the reminders I was sent lately, and why. A fixed number of queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .views import digests_of

PANEL_LENGTH = 3


@register_panel("reminders", _("Mine påmindelser"), "reminders/panels/recent.html", order=90)
def recent_reminders(request, viewer):
    if viewer.person is None:
        return None
    return {"digests": list(digests_of(viewer.person, PANEL_LENGTH))}
