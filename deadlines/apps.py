from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Frister")

    def ready(self):
        # Rules live in the app they concern and register with the one engine on import.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("rules")

        from .overview import connect_signals

        connect_signals()
