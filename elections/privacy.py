"""Personal data of the elections (core.privacy): who stood, who could vote and whether they did.
How anyone voted is not personal data here: the ballots name no voter."""

from django.utils.translation import gettext_lazy as _

from core.models import OutboxState
from core.privacy import YEAR, PersonalData, Retention, personal_data, retention

from .models import Candidacy, Election, ElectionMessage, Voter

BASIS = _(
    "GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven § 8 (valg af arbejdsmiljørepræsentant); "
    "MED-aftalen og TR-aftalen"
)

personal_data(
    PersonalData(
        model=Candidacy,
        subject="person",
        fields=("election", "state", "votes", "elected"),
        purpose=_("Valg af AMR, TR og medarbejderrepræsentanter: kandidater og resultat"),
        basis=BASIS,
        erasure="keep",
        kept_because=_("Valgresultatet dokumenterer, hvem der blev valgt, og med hvilke stemmer."),
        subjects=_("Medarbejdere, der stillede op"),
        recipients=_("De stemmeberettigede, udvalget, lederne og HR"),
    ),
    PersonalData(
        model=Voter,
        subject="person",
        fields=("election", "has_voted"),
        purpose=_("At hver stemmeberettiget kan stemme én gang"),
        basis=BASIS,
        erasure="delete",
        retention="elections.voters",
        subjects=_("Medarbejdere, der var stemmeberettigede ved et valg"),
        recipients=_("Ingen: kun antallet vises"),
    ),
    PersonalData(
        model=ElectionMessage,
        subject="person",
        fields=("election", "kind", "to_email", "sent_at"),
        purpose=_("Indkaldelser, afstemning og resultat sendt til de ansatte ved et valg"),
        basis=BASIS,
        erasure="delete",
        retention="elections.messages",
        subjects=_("Medarbejdere, der fik e-mails om et valg"),
        recipients=_("HR kan se, om e-mailen blev sendt"),
    ),
)


def _expired_voters(cutoff):
    """The electorate of an election closed before the cutoff (the count stays in the result)."""
    return Voter.objects.filter(
        election__state__in=[
            Election.State.ELECTED,
            Election.State.NO_CANDIDATES,
            Election.State.CANCELLED,
        ],
        election__closed_at__lt=cutoff,
    )


retention(
    Retention(
        key="elections.voters",
        label=_("Stemmeberettigede ved afsluttede valg"),
        default_days=90,
        min_days=30,
        max_days=1 * YEAR,
        basis=_("listen bruges kun, mens valget står på, og til eventuelle indsigelser bagefter"),
        action=_("slettes; antallet står i valgresultatet"),
        expired=_expired_voters,
    )
)


retention(
    Retention(
        key="elections.messages",
        label=_("Sendte e-mails om valg"),
        default_days=90,
        min_days=30,
        max_days=1 * YEAR,
        basis=_("loggen bruges kun til at se, om indkaldelsen nåede frem"),
        action=_("slettes"),
        expired=lambda cutoff: ElectionMessage.objects.filter(
            created__lt=cutoff,
            state__in=[OutboxState.SENT, OutboxState.SKIPPED, OutboxState.FAILED],
        ),
    )
)
