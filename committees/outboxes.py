"""The AMO proposals' e-mails (core.outbox): the proposal to the employer, the decision and the
reasons to the committee."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core import outbox

from .models import AmoProposal, ProposalMessage
from .proposals import MESSAGES, answer_due_of

Outcome = AmoProposal.Outcome


@outbox.register
class ProposalOutbox(outbox.Outbox):
    name = MESSAGES
    model = ProposalMessage
    select_related = (
        "recipient",
        "proposal",
        "proposal__committee",
        "proposal__submitted_by",
        "proposal__decided_by",
    )

    def build(self, row: ProposalMessage, batch: outbox.Batch):
        recipient = row.recipient
        if recipient.left_on is not None:
            return outbox.Skip("Personen er fratrådt.")
        if not recipient.email:
            return outbox.Skip("Personen har ingen e-mailadresse.")
        proposal = row.proposal
        url = reverse("committees:proposal", args=[proposal.public_id])
        return outbox.Message(
            to=[recipient.email],
            template="committees/email/proposal",
            context={
                "kind": row.kind,
                "recipient": recipient,
                "proposal": proposal,
                "committee": proposal.committee,
                # Lazy: rendered in the recipient's language.
                "outcome": Outcome(proposal.outcome).label,
                "answer_due": answer_due_of(proposal) if proposal.awaits_reasons else None,
                "url": settings.SITE_URL.rstrip("/") + url,
            },
            language=recipient.message_language,
        )
