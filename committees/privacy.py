"""Personal data of the committees (core.privacy): who holds which seat."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import AmoProposal, Membership, ProposalMessage

personal_data(
    PersonalData(
        model=Membership,
        subject="person",
        fields=("committee", "role", "side", "chosen", "start_date", "term_end", "ended_on"),
        purpose=_("Udvalgenes og arbejdsmiljøorganisationens sammensætning; valgperioder"),
        basis=_(
            "GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven §§ 6-7, BEK om samarbejde om "
            "sikkerhed og sundhed; MED-aftalen"
        ),
        erasure="keep",
        kept_because=_(
            "Udvalgenes sammensætning er en del af kommunens dokumentation (referater, "
            "AMO-planen); pladsen står tilbage uden navn."
        ),
        subjects=_("Medlemmer af udvalg, AMR, TR, ledere"),
        recipients=_("Alle medarbejdere (AMO-planen er offentlig for de ansatte)"),
    ),
)

# AMO proposals (committees/proposals.py)

_BASIS = _(
    "GDPR art. 6, stk. 1, litra c: arbejdsmiljøloven og BEK om systematisk arbejdsmiljøarbejde § 30"
)
_KEPT = _(
    "Forslaget og arbejdsgiverens svar er en del af arbejdsmiljøorganisationens dokumentation; "
    "rækken står tilbage uden navn."
)

personal_data(
    PersonalData(
        model=AmoProposal,
        subject="submitted_by",
        fields=("committee", "title", "submitted_on"),
        purpose=_("Forslag fra arbejdsmiljøorganisationen til arbejdsgiveren"),
        basis=_BASIS,
        erasure="keep",
        kept_because=_KEPT,
        subjects=_("AMR og ledere i arbejdsmiljøorganisationen"),
        recipients=_("Udvalgets medlemmer, arbejdsgiveren og HR"),
    ),
    PersonalData(
        model=AmoProposal,
        subject="decided_by",
        fields=("committee", "title", "outcome", "decided_on"),
        purpose=_("Arbejdsgiverens beslutning om et forslag fra arbejdsmiljøorganisationen"),
        basis=_BASIS,
        erasure="keep",
        kept_because=_KEPT,
        subjects=_("Ledere"),
        recipients=_("Udvalgets medlemmer og HR"),
    ),
    PersonalData(
        model=ProposalMessage,
        subject="recipient",
        fields=("proposal", "kind", "state", "to_email", "sent_at"),
        purpose=_("Besked om forslag, beslutning og begrundelse"),
        basis=_BASIS,
        retention="core.sent_emails",
        subjects=_("Ledere og medlemmer af arbejdsmiljøorganisationen"),
        recipients=_("Personen selv"),
    ),
)
