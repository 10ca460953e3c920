"""Personal data of the unions (core.privacy): union membership is GDPR Art. 9 data. HR never
sees it; the kreds sees it only while the person consents; it leaves with the consent."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.privacy import YEAR, PersonalData, Retention, personal_data, retention

from .models import UnionMembership

personal_data(
    PersonalData(
        model=UnionMembership,
        subject="person",
        fields=("kreds", "consent_given_at", "consent_withdrawn_at"),
        purpose=_("At kredsen kan følge sine medlemmers AMR-status og invitere til netværk"),
        basis=_("GDPR art. 9, stk. 2, litra a: personens udtrykkelige samtykke"),
        special=True,
        hr_visible=False,
        erasure="delete",
        retention="unions.statements",
        subjects=_("Medarbejdere, der har oplyst et fagligt medlemskab"),
        recipients=_("Kun kredsens tillidsvalgte, og kun mens samtykket gælder"),
    ),
)


def _expired_statements(cutoff):
    """A statement whose consent was withdrawn, or whose person left, before the cutoff."""
    return UnionMembership.objects.filter(
        Q(consent_withdrawn_at__lt=cutoff) | Q(person__left_on__lt=cutoff.date())
    )


def _delete_statements(rows) -> int:
    ids = list(rows.values_list("pk", flat=True))
    deleted = (
        UnionMembership.objects.filter(pk__in=ids).delete()[1].get(UnionMembership._meta.label, 0)
    )
    UnionMembership.history.filter(id__in=ids).delete()
    return deleted


retention(
    Retention(
        key="unions.statements",
        label=_("Fagligt medlemskab efter trukket samtykke eller fratræden"),
        default_days=30,
        min_days=0,
        max_days=1 * YEAR,
        basis=_("samtykket er grundlaget (GDPR art. 7, stk. 3, og art. 17)"),
        action=_("slettes med sin historik og kredsens udsendelser"),
        expired=_expired_statements,
        apply=_delete_statements,
    )
)
