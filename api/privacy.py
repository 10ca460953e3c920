"""What the API keeps (core.privacy): the log of webhook deliveries, whose bodies name people
by id and employee number (a seat changed, a deadline overdue). The other system has them; our
copy is kept only as long as HR needs it to see what was sent and to send it again."""

from django.utils.translation import gettext_lazy as _

from core import outbox
from core.privacy import YEAR, Retention, retention

from .models import WebhookDelivery


def _done_deliveries(cutoff):
    return WebhookDelivery.objects.filter(created__lt=cutoff).exclude(
        state__in=(outbox.State.PENDING, outbox.State.SENDING)
    )


def _delete(rows) -> int:
    return rows.delete()[0]


retention(
    Retention(
        key="api.webhook_deliveries",
        label=_("Webhook-leveringer til kommunens egne systemer (med id'er og medarbejdernumre)"),
        default_days=90,
        min_days=7,
        max_days=2 * YEAR,
        basis=_("viser HR, hvad der er sendt, så det kan sendes igen; modtageren har sin kopi"),
        action=_("slettes"),
        expired=_done_deliveries,
        apply=_delete,
    )
)


def _old_audit(cutoff):
    from .models import ApiAuditEntry

    return ApiAuditEntry.objects.filter(at__lt=cutoff)


retention(
    Retention(
        key="api.audit_log",
        label=_("API-log (hvilke kald kommunens systemer har foretaget, fra hvilken IP-adresse)"),
        default_days=1 * YEAR,
        min_days=90,
        max_days=5 * YEAR,
        basis=_("dokumenterer, hvem der har ændret hvad gennem API'et"),
        action=_("slettes"),
        expired=_old_audit,
        apply=_delete,
    )
)
