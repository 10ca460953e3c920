from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Log ind og sikkerhed")

    def ready(self):
        from . import audit  # noqa: F401  (signal receivers of the login audit)
