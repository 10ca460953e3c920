"""Personal data of the meetings (core.privacy), and how long the uploaded material is kept."""

from django.utils.translation import gettext_lazy as _

from core.privacy import (
    YEAR,
    PersonalData,
    Retention,
    delete_with_files,
    personal_data,
    retention,
)

from .models import Attendance, ItemAttachment, MeetingMessage, MeetingRequestSignature

BASIS = _("GDPR art. 6, stk. 1, litra c og e: MED-aftalen og udvalgenes forretningsorden")

personal_data(
    PersonalData(
        model=Attendance,
        subject="person",
        fields=("meeting", "status"),
        purpose=_("Fremmøde og afbud til udvalgenes møder"),
        basis=BASIS,
        erasure="keep",
        kept_because=_("Fremmødet er en del af mødets referat; det står tilbage uden navn."),
        subjects=_("Udvalgsmedlemmer"),
        recipients=_("Udvalgets medlemmer; referatet offentliggøres for de ansatte"),
    ),
    PersonalData(
        model=MeetingMessage,
        subject="recipient",
        fields=("meeting", "kind", "state", "to_email", "subject", "sent_at"),
        purpose=_("Dagsordener, invitationer og referater sendt pr. e-mail"),
        basis=BASIS,
        retention="core.sent_emails",
        subjects=_("Udvalgsmedlemmer"),
        recipients=_("Personen selv"),
    ),
    PersonalData(
        model=MeetingRequestSignature,
        subject="person",
        fields=("request", "signed_at"),
        purpose=_("Medarbejdersidens krav om et ekstra møde"),
        basis=BASIS,
        erasure="keep",
        kept_because=_("Kravet er udvalgets dokumentation; underskriften står tilbage uden navn."),
        subjects=_("Medarbejderrepræsentanter"),
        recipients=_("Udvalgets formandskab"),
    ),
)


def _old_material(cutoff):
    return ItemAttachment.objects.filter(item__meeting__date__lt=cutoff.date())


retention(
    Retention(
        key="meetings.material",
        label=_("Bilag uploadet til møder"),
        default_days=5 * YEAR,
        min_days=1 * YEAR,
        max_days=20 * YEAR,
        basis=_(
            "dagsordener og referater journaliseres i kommunens ESDH-system, som er arkivet; "
            "her er de arbejdskopier"
        ),
        action=_("slettes (filen og rækken)"),
        expired=_old_material,
        apply=delete_with_files,
    )
)
