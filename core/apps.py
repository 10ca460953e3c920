from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Fælles")

    def ready(self):
        # Each app decides access to its object types in `<app>/access.py`, registered with
        # `core.access.decides` on import (core.access.access_to asks them).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("access")
        # Each app that sends e-mail registers its table with the one outbox in
        # `<app>/outboxes.py` (core.outbox sends, retries and sweeps them all).
        autodiscover_modules("outboxes")
        # What personal data each app holds, and how long (core.privacy): `<app>/privacy.py`.
        autodiscover_modules("privacy")
        from core.privacy import register_core_retentions

        register_core_retentions()
