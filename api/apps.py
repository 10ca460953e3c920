from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integrationer (API)")

    def ready(self):
        # The events other systems subscribe to are raised where they happen (a referat
        # published, a seat changed …): the receivers are connected here.
        from . import events, schema  # noqa: F401
