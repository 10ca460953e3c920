"""Personal data of the training (core.privacy): courses booked and completed."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import Completion, Enrolment

BASIS = _(
    "GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven § 9 a og BEK om arbejdsmiljøuddannelse "
    "(AMR og ledere skal gennemføre uddannelsen)"
)

personal_data(
    PersonalData(
        model=Completion,
        subject="person",
        fields=("course_type", "completed_on", "hours"),
        purpose=_("Dokumentation for gennemført arbejdsmiljøuddannelse"),
        basis=BASIS,
        subjects=_("AMR, ledere og andre på kursus"),
        recipients=_("Personen, dennes leder og HR"),
    ),
    PersonalData(
        model=Enrolment,
        subject="person",
        fields=("course_date", "status", "enrolled_on"),
        purpose=_("Tilmelding til kurser"),
        basis=BASIS,
        subjects=_("Tilmeldte"),
        recipients=_("Personen, dennes leder og HR"),
    ),
)
