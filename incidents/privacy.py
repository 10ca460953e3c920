"""Personal data of the incidents (core.privacy): health data (GDPR Art. 9), who reported it,
who was told and who read it — and how long a case keeps its details."""

from django.utils.translation import gettext_lazy as _

from core.privacy import (
    YEAR,
    PersonalData,
    Retention,
    delete_with_files,
    personal_data,
    retention,
)

from .models import Incident, IncidentAttachment, IncidentNotification, IncidentViewLog

BASIS = _(
    "GDPR art. 6, stk. 1, litra c og art. 9, stk. 2, litra b: arbejdsmiljøloven og BEK om "
    "anmeldelse af arbejdsulykker m.v."
)
KEEP = _(
    "Anmeldte arbejdsulykker skal kunne dokumenteres i mindst 5 år; sagen anonymiseres, når "
    "opbevaringsperioden er udløbet."
)

personal_data(
    PersonalData(
        model=Incident,
        subject="injured",
        fields=(
            "kind",
            "nature",
            "occurred_on",
            "place",
            "description",
            "absence_first_day",
            "absence_days",
            "causes",
            "closed_on",
            "closure_note",
        ),
        purpose=_("Registrering, undersøgelse og forebyggelse af arbejdsulykker og hændelser"),
        basis=BASIS,
        special=True,
        hr_visible=False,
        erasure="keep",
        kept_because=KEEP,
        retention="incidents.cases",
        subjects=_("Tilskadekomne"),
        recipients=_(
            "Dem, der behandler sagen (AMG, leder, HR med adgang); Arbejdstilsynet via EASY; "
            "med samtykke personens fagforening"
        ),
    ),
    PersonalData(
        model=Incident,
        subject="reported_by",
        fields=("kind", "occurred_on", "unit", "reported_on"),
        purpose=_("Hvem der anmeldte en hændelse"),
        basis=BASIS,
        erasure="keep",
        kept_because=KEEP,
        subjects=_("Anmeldere"),
        recipients=_("Dem, der behandler sagen"),
    ),
    PersonalData(
        model=IncidentNotification,
        subject="recipient",
        fields=("incident", "reason", "state", "to_email", "sent_at"),
        purpose=_("Besked til leder og AMG om en ny hændelse"),
        basis=BASIS,
        retention="core.sent_emails",
        subjects=_("Ledere og AMG-medlemmer"),
        recipients=_("Personen selv"),
    ),
)

HEALTH_FIELDS = {
    "description": "",
    "place": "",
    "causes": "",
    "closure_note": "",
    "escalation_reason": "",
    "injured": None,
    "absence_first_day": None,
    "absence_days": 0,
}


def _old_cases(cutoff):
    return Incident.objects.filter(closed_on__lt=cutoff.date()).exclude(description="")


def _anonymise_cases(rows) -> int:
    ids = list(rows.values_list("pk", flat=True))
    delete_with_files(IncidentAttachment.objects.filter(incident_id__in=ids))
    return Incident.objects.filter(pk__in=ids).update(**HEALTH_FIELDS)


retention(
    Retention(
        key="incidents.cases",
        label=_("Hændelser med helbredsoplysninger"),
        default_days=5 * YEAR,
        min_days=5 * YEAR,
        max_days=10 * YEAR,
        basis=_("anmeldte arbejdsulykker skal kunne dokumenteres i mindst 5 år"),
        action=_(
            "anonymiseres fra afslutningen: beskrivelse, årsager, fravær, tilskadekomne og "
            "billeder fjernes; type, dato og enhed bliver til statistikken"
        ),
        expired=_old_cases,
        apply=_anonymise_cases,
    )
)

retention(
    Retention(
        key="incidents.view_log",
        label=_("Log over opslag i helbredsoplysninger"),
        default_days=5 * YEAR,
        min_days=1 * YEAR,
        max_days=10 * YEAR,
        basis=_(
            "dokumenterer, hvem der har læst helbredsoplysninger, så længe sagen kan efterprøves"
        ),
        action=_("slettes"),
        expired=lambda cutoff: IncidentViewLog.objects.filter(viewed_at__lt=cutoff),
    )
)
