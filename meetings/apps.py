from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Møder")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from organisations.models import Person

        # The organisation diagrams are cached with the kommune's token (core.cache), which the
        # structure's models replace (deadlines.overview.COUNTED_MODELS); the diagrams also
        # print people's names.
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(_person_changed, sender=Person, dispatch_uid=f"meetings.person:{name}")
        # The stored PDF charts are drawn again in the background when the structure changes.
        from .tasks import connect_chart_signals

        connect_chart_signals()


def _person_changed(sender, instance, **kwargs) -> None:
    from core.cache import clear_kommune_caches

    clear_kommune_caches([instance.kommune_id])
