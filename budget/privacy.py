"""Personal data of the budget procedure (core.privacy): who answered a hearing, who got which
e-mail."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import BudgetMessage, HearingResponse

_BASIS = _(
    "GDPR art. 6, stk. 1, litra e: MED-aftalen (Aftale om trivsel og sundhed på arbejdspladsen "
    "§ 5) og kommunens procedureretningslinje for budgettet"
)

personal_data(
    PersonalData(
        model=HearingResponse,
        subject="submitted_by",
        fields=("process", "committee", "submitted_on"),
        purpose=_("Hvem i formandskabet der afgav udvalgets høringssvar til budgettet"),
        basis=_BASIS,
        erasure="keep",
        kept_because=_(
            "Høringssvaret er udvalgets, en del af budgetprocessens dokumentation; det står "
            "tilbage uden navn."
        ),
        subjects=_("Formænd og næstformænd i MED-udvalg"),
        recipients=_("KommuneMED, udvalgets medlemmer og HR"),
    ),
    PersonalData(
        model=BudgetMessage,
        subject="recipient",
        fields=("process", "committee", "kind", "state", "to_email", "sent_at"),
        purpose=_("Høring over budgetkataloget og orientering om det vedtagne budget"),
        basis=_BASIS,
        retention="core.sent_emails",
        subjects=_("Medlemmer af MED-udvalg"),
        recipients=_("Personen selv"),
    ),
)
