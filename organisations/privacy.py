"""Personal data of the organisation (core.privacy): the employees themselves."""

from django.utils.translation import gettext_lazy as _

from core.privacy import YEAR, PersonalData, Retention, personal_data, retention

from .models import Person

personal_data(
    PersonalData(
        model=Person,
        subject="id",
        fields=(
            "first_name",
            "last_name",
            "email",
            "phone",
            "employee_number",
            "job_title",
            "unit",
            "hired_on",
            "left_on",
            "language",
        ),
        purpose=_("Medarbejdere i MED- og arbejdsmiljøorganisationen: roller, frister, besked"),
        basis=_(
            "GDPR art. 6, stk. 1, litra c og e: arbejdsmiljøloven og kommunens MED-aftale; "
            "hentes fra kommunens løn- og personalesystem"
        ),
        erasure="anonymise",
        subjects=_("Medarbejdere"),
        recipients=_("Kommunens HR; ledere og udvalg, personen indgår i"),
    ),
)


def _left_long_ago(cutoff):
    from core.privacy import ANONYMOUS

    return Person.objects.filter(left_on__lt=cutoff.date()).exclude(first_name=ANONYMOUS)


def _erase_all(rows) -> int:
    from .services import person_erase

    count = 0
    for person in rows.iterator():
        person_erase(person)
        count += 1
    return count


retention(
    Retention(
        key="organisations.left_people",
        label=_("Medarbejdere, der er fratrådt"),
        default_days=2 * YEAR,
        min_days=30,
        max_days=10 * YEAR,
        basis=_(
            "oplysningerne bruges ikke, når personen er fratrådt; det, loven kræver gemt, "
            "bevares uden navn"
        ),
        action=_("anonymiseres som ved sletning efter art. 17"),
        expired=_left_long_ago,
        apply=_erase_all,
    )
)
