from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Faglige organisationer")

    def ready(self):
        from django.db.models import Exists, OuterRef
        from django.db.models.signals import post_delete, post_save

        from core.auth import user_annotation

        from .models import KredsOfficer

        # Whether the user is a kreds officer, read with the user on every request (the
        # portal's navigation asks on every page; unions.access.is_kreds_officer).
        user_annotation(
            "is_kreds_officer_flag",
            lambda: Exists(KredsOfficer.objects.filter(user=OuterRef("pk"))),
        )

        from deadlines.models import Deadline
        from deadlines.signals import deadlines_written

        from .services import on_deadline_saved_or_deleted, on_deadlines_written

        deadlines_written.connect(on_deadlines_written, dispatch_uid="unions.next_due")
        for signal in (post_save, post_delete):
            signal.connect(
                on_deadline_saved_or_deleted, sender=Deadline, dispatch_uid="unions.next_due"
            )
