"""Personal data of the committees (core.privacy): who holds which seat."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import Membership

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
