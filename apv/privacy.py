"""Personal data of the APV (core.privacy): who was invited to a survey. The answers are
anonymous (no link to a person, no time), but are kept only as long as the APV needs them."""

from django.utils.translation import gettext_lazy as _

from core.privacy import YEAR, PersonalData, Retention, personal_data, retention

from .models import SurveyInvitation, SurveyResponse

personal_data(
    PersonalData(
        model=SurveyInvitation,
        subject="person",
        fields=("cycle", "state", "used", "to_email", "sent_at"),
        purpose=_("Invitation til APV-spørgeskemaet (ikke svaret: det er anonymt)"),
        basis=_("GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven § 15 a (APV)"),
        retention="apv.survey_invitations",
        subjects=_("Medarbejdere, APV'en dækker"),
        recipients=_("Ingen: svarprocenten vises kun samlet"),
    ),
)

retention(
    Retention(
        key="apv.survey_invitations",
        label=_("Invitationer til APV-spørgeskemaer"),
        default_days=90,
        min_days=0,
        max_days=3 * YEAR,
        basis=_("bruges kun til at sende linket og tælle svarprocenten, mens skemaet er åbent"),
        action=_("slettes"),
        expired=lambda cutoff: SurveyInvitation.objects.filter(
            cycle__survey_closed=True, cycle__survey_closes_on__lt=cutoff.date()
        ),
    )
)

retention(
    Retention(
        key="apv.survey_answers",
        label=_("Anonyme svar på APV-spørgeskemaer"),
        default_days=3 * YEAR,
        min_days=3 * YEAR,
        max_days=10 * YEAR,
        basis=_("APV'en revideres mindst hvert 3. år (arbejdsmiljøloven § 15 a)"),
        action=_("slettes (APV'ens handlingsplan bevares)"),
        expired=lambda cutoff: SurveyResponse.objects.filter(
            cycle__survey_closed=True, cycle__survey_closes_on__lt=cutoff.date()
        ),
    )
)
