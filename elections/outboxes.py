"""The election's e-mails (core.outbox): the call for candidates, the nomination, the opening of
the vote, the result, and the notice to the employer, whose sending starts the elected
representative's protection."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import outbox

from .documents import employer_notice_pdf, employer_of, result_pdf
from .models import Election, ElectionMessage
from .services import MESSAGES, employer_notified

TEMPLATES = {
    ElectionMessage.Kind.CALL: "elections/email/call",
    ElectionMessage.Kind.NOMINATED: "elections/email/nominated",
    ElectionMessage.Kind.VOTING: "elections/email/voting",
    ElectionMessage.Kind.RESULT: "elections/email/result",
    ElectionMessage.Kind.EMPLOYER: "elections/email/employer",
}
# What the election must still be for the message to make sense when it is sent.
STILL = {
    ElectionMessage.Kind.CALL: (Election.State.NOMINATION,),
    ElectionMessage.Kind.NOMINATED: (Election.State.NOMINATION,),
    ElectionMessage.Kind.VOTING: (Election.State.VOTING,),
}


def election_url(election: Election) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "elections:detail", kwargs={"public_id": election.public_id}
    )


@outbox.register
class ElectionMessageOutbox(outbox.Outbox):
    name = MESSAGES
    model = ElectionMessage
    select_related = (
        "election__committee",
        "election__kommune",
        "person",
        "membership__person__unit",
        "membership__committee",
    )
    order_by = ("election_id", "kind", "pk")

    def build(self, row: ElectionMessage, batch: outbox.Batch):
        election = row.election
        if row.kind in STILL and election.state not in STILL[row.kind]:
            return outbox.Skip("Valget er gået videre; beskeden er ikke længere aktuel.")
        context = {
            "election": election,
            "committee": election.committee,
            "kommune": election.kommune,
            "url": election_url(election),
        }
        attachments = []
        if row.kind == ElectionMessage.Kind.EMPLOYER:
            seat = row.membership
            if seat is None:
                return outbox.Skip("Pladsen findes ikke længere.")
            leaders = [p for p in employer_of(seat.person) if p.email]
            if not leaders:
                return outbox.Skip("Ingen leder med e-mailadresse over den valgte.")
            to, language = [p.email for p in leaders], leaders[0].message_language
            context.update({"seat": seat, "person": seat.person, "recipient": leaders[0]})
            attachments.append(
                (
                    "meddelelse-om-valg.pdf",
                    employer_notice_pdf(election, seat, timezone.localdate()),
                    "application/pdf",
                )
            )
        else:
            person = row.person
            if person is None or not person.email:
                return outbox.Skip("Personen har ingen e-mailadresse.")
            if person.left_on is not None and person.left_on <= timezone.localdate():
                return outbox.Skip("Personen er fratrådt.")
            to, language = [person.email], person.message_language
            context["recipient"] = person
            if row.kind == ElectionMessage.Kind.RESULT:
                key = ("result", election.pk)
                if key not in batch.cache:
                    batch.cache[key] = result_pdf(election)
                attachments.append(("valgresultat.pdf", batch.cache[key], "application/pdf"))
                context["elected"] = [
                    c for c in election.result.get("candidates", []) if c["elected"]
                ]
        return outbox.Message(
            to=to,
            template=TEMPLATES[row.kind],
            context=context,
            language=language,
            attachments=attachments,
        )

    def sent(self, row, message, rendered) -> None:
        if row.kind == ElectionMessage.Kind.EMPLOYER:
            employer_notified(row, timezone.localdate())
