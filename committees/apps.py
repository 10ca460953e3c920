from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("MED og arbejdsmiljø")

    def ready(self):
        # A seat changed by any door (the admin and its inlines, an election, the API) raises
        # membership.changed (core.events).
        from . import events  # noqa: F401
