from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisation")

    def ready(self):
        # The organisation answers the shared layer's questions (core.directory).
        from . import directory  # noqa: F401
