"""Personal data of the deadlines (core.privacy): a person's own statutory duties."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import Deadline

personal_data(
    PersonalData(
        model=Deadline,
        subject="person",
        fields=("title", "due_date", "state", "done_on"),
        labels={"title": _("frist")},
        purpose=_("Lovpligtige frister for den enkelte (fx AMR-uddannelse inden 3 måneder)"),
        basis=_("GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven og BEK om arbejdsmiljøuddannelse"),
        erasure="delete",
        subjects=_("AMR, TR og ledere med en personlig frist"),
        recipients=_("Personen, dennes leder og HR"),
    ),
)
