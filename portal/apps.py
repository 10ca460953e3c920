from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Each app contributes its panels to the portal home in `<app>/panels.py`.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("panels")
        from core.panels import connect_panel_signals

        connect_panel_signals()
