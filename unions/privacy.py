"""Personal data of the unions (core.privacy): union membership is GDPR Art. 9 data. HR never
sees it; the kreds sees it only while the person consents; it leaves with the consent. What
follows from it — a member's inquiries to the kreds and their attendance at network meetings —
is the same kind of data, with a retention of its own."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.privacy import YEAR, PersonalData, Retention, personal_data, retention

from .models import KredsInquiry, KredsMessage, NetworkAttendance, UnionMembership

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
    PersonalData(
        model=KredsInquiry,
        subject="union_membership__person",
        fields=("kreds", "subject", "text", "created", "answer", "answered_at"),
        purpose=_("At et medlem kan henvende sig til kredsen om en konkret problemstilling"),
        basis=_("GDPR art. 9, stk. 2, litra a: personens udtrykkelige samtykke"),
        special=True,
        hr_visible=False,
        erasure="delete",
        retention="unions.inquiries",
        subjects=_("Medlemmer, der har skrevet til deres kreds"),
        recipients=_("Kun kredsens arbejdsmiljøansvarlige, og kun mens samtykket gælder"),
    ),
    PersonalData(
        model=NetworkAttendance,
        subject="union_membership__person",
        fields=("meeting", "created"),
        purpose=_("At kredsen kan se, hvem der deltog i dens netværksmøder"),
        basis=_("GDPR art. 9, stk. 2, litra a: personens udtrykkelige samtykke"),
        special=True,
        hr_visible=False,
        erasure="delete",
        retention="unions.attendance",
        subjects=_("Medlemmer, der deltog i et netværksmøde"),
        recipients=_("Kun kredsens tillidsvalgte, og kun mens samtykket gælder"),
    ),
    PersonalData(
        model=KredsMessage,
        subject="inquiry__union_membership__person",
        fields=("kind", "state", "to_email", "sent_at"),
        purpose=_("Besked til kredsen om en henvendelse og til medlemmet om kredsens svar"),
        basis=_("GDPR art. 9, stk. 2, litra a: personens udtrykkelige samtykke"),
        special=True,
        hr_visible=False,
        erasure="delete",
        retention="core.sent_emails",
        subjects=_("Medlemmer, der har skrevet til deres kreds"),
        recipients=_("Medlemmet selv og kredsen"),
    ),
)


def _expired_statements(cutoff):
    """A statement whose consent was withdrawn, or whose person left, before the cutoff."""
    return UnionMembership.objects.filter(
        Q(consent_withdrawn_at__lt=cutoff) | Q(person__left_on__lt=cutoff.date())
    )


def _delete_statements(rows) -> int:
    from .services import statements_delete

    return statements_delete(rows.values_list("pk", flat=True))


retention(
    Retention(
        key="unions.statements",
        label=_("Fagligt medlemskab efter trukket samtykke eller fratræden"),
        default_days=30,
        min_days=0,
        max_days=1 * YEAR,
        basis=_("samtykket er grundlaget (GDPR art. 7, stk. 3, og art. 17)"),
        action=_("slettes med sin historik, henvendelserne til kredsen og kredsens udsendelser"),
        expired=_expired_statements,
        apply=_delete_statements,
    )
)


def _delete_with_history(model):
    def apply(rows) -> int:
        ids = list(rows.values_list("pk", flat=True))
        deleted = model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)
        model.history.model._base_manager.filter(id__in=ids).delete()
        return deleted

    return apply


def _expired_inquiries(cutoff):
    """An inquiry answered, or left unanswered, before the cutoff."""
    return KredsInquiry.objects.filter(
        Q(answered_at__lt=cutoff) | Q(answered_at__isnull=True, created__lt=cutoff)
    )


retention(
    Retention(
        key="unions.inquiries",
        label=_("Henvendelser til kredsen, efter svaret"),
        default_days=2 * YEAR,
        min_days=30,
        max_days=5 * YEAR,
        basis=_("samtykket er grundlaget; sagen skal kunne følges op, ikke gemmes for altid"),
        action=_("slettes med sin historik og beskederne om den"),
        expired=_expired_inquiries,
        apply=_delete_with_history(KredsInquiry),
    )
)


def _expired_attendance(cutoff):
    return NetworkAttendance.objects.filter(meeting__starts_at__lt=cutoff)


retention(
    Retention(
        key="unions.attendance",
        label=_("Fremmøde til kredsens netværksmøder"),
        default_days=2 * YEAR,
        min_days=30,
        max_days=5 * YEAR,
        basis=_("samtykket er grundlaget; fremmødet bruges til at planlægge de næste møder"),
        action=_("slettes med sin historik"),
        expired=_expired_attendance,
        apply=_delete_with_history(NetworkAttendance),
    )
)
