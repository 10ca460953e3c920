"""Personal data of the reminders (core.privacy): what was sent to whom, and their choice."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, personal_data

from .models import ReminderDigest, ReminderItem, ReminderPreference

BASIS = _("GDPR art. 6, stk. 1, litra e: at frister efter arbejdsmiljøloven overholdes")

personal_data(
    PersonalData(
        model=ReminderDigest,
        subject="recipient",
        fields=("day", "state", "to_email", "subject", "sent_at"),
        purpose=_("Påmindelser om frister sendt pr. e-mail"),
        basis=BASIS,
        retention="core.sent_emails",
        subjects=_("Modtagere af påmindelser"),
        recipients=_("Personen selv"),
    ),
    PersonalData(
        model=ReminderItem,
        subject="recipient",
        fields=("deadline", "reason_label", "state", "planned_for", "sent_at"),
        labels={"reason_label": _("anledning")},
        purpose=_("Hvilke frister en påmindelse handlede om"),
        basis=BASIS,
        subjects=_("Modtagere af påmindelser"),
        recipients=_("Personen selv; HR kan se, hvad der er sendt"),
    ),
    PersonalData(
        model=ReminderPreference,
        subject="person",
        fields=("frequency",),
        purpose=_("Personens valg af, hvor ofte påmindelser kommer"),
        basis=_("GDPR art. 6, stk. 1, litra e"),
        subjects=_("Medarbejdere, der har valgt"),
        recipients=_("Personen selv"),
    ),
)
