"""Proposals of the arbejdsmiljøorganisation to the employer (BEK om systematisk
arbejdsmiljøarbejde § 30 stk. 2 nr. 5 and stk. 3; seed 003 quotes it): an AMG or an
arbejdsmiljøudvalg proposes, the employer decides and records the day, and when the employer
does not follow the proposal the committee is entitled to the reasons within 3 weeks of that
decision (the deadline is `committees.proposal_answer`).

This module holds the writes (services) and the reads the pages and the panel share. Who may do
what is decided in `committees.access` (`proposal_access`), the e-mails are the outbox in
`committees.outboxes`, the personal data is declared in `committees.privacy`:

- **Read** a proposal: the committee's members (every active seat), the leaders of the units
  the committee covers and of the units above them (`Viewer.visible_committee_ids`), the person
  who submitted it, and HR of the committee's units (`hr_committee_access`).
- **Submit**: a member of the AMO committee (an AMG, or HovedMED/AfdelingsMED as
  arbejdsmiljøudvalg) in an AMO role — the AMR, the leder/arbejdsmiljøleder, formand,
  næstformand and the representatives of either side. A TR or the secretary who sits in the
  meetings is not a member of the AMO and does not submit.
- **Decide** and **give the reasons**: the employer. In the portal that is the line management
  of the part of the organisation the committee covers — whoever leads a covered unit or a
  unit above it — and HR who may change the committee (HR of the whole kommune, or HR of an
  område wholly containing it). The person who submitted the proposal never decides it: a
  leder of an AMG who proposed together with the AMR is answered by the leader above (or HR),
  so one person is never both sides of the same proposal.

Missing, another kommune's and not-readable proposals are the same 404; a reader who may not
act gets 403.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.history import save_with_history
from deadlines.engine import refresh
from deadlines.models import Deadline
from organisations.models import Person, Unit, path_ids
from organisations.selectors import leaders_by_unit, nearest_leader

from .access import PROPOSER_ROLES
from .models import AmoProposal, Committee, CommitteeUnit, Membership, ProposalMessage
from .viewer import Viewer, get_viewer

Outcome = AmoProposal.Outcome
Role = Membership.Role

# The registered name of the proposals' outbox (below).
MESSAGES = "committees.proposal"
# The deadline rule of the answer (committees.rules.ProposalAnswer).
ANSWER_RULE = "committees.proposal_answer"
# BEK § 30 stk. 3: "inden for 3 uger". A kommune may set a shorter period (the rule's
# parameter); the deadline row then has the kommune's date, and this is only the fallback.
ANSWER_DAYS = 21
# Bounded free text (as the other portal forms): about four pages.
TEXT_LIMIT = 10_000


# --- reads ------------------------------------------------------------------------------------


def with_answer_due(proposals: list[AmoProposal]) -> list[AmoProposal]:
    """Set `answer_due` (the deadline for the reasons, from the deadline engine's row; the
    law's 3 weeks from the decision when there is none) on each proposal not followed. One
    query for the whole list."""
    waiting = [p for p in proposals if p.outcome == Outcome.NOT_FOLLOWED]
    rows = {}
    if waiting:
        rows = dict(
            Deadline.objects.filter(
                rule=ANSWER_RULE, key__in=[f"pr{p.pk}" for p in waiting]
            ).values_list("key", "due_date")
        )
    for proposal in proposals:
        proposal.answer_due = None
        if proposal.outcome == Outcome.NOT_FOLLOWED:
            start = proposal.decided_on or proposal.submitted_on
            proposal.answer_due = rows.get(f"pr{proposal.pk}") or (
                start + datetime.timedelta(days=ANSWER_DAYS)
            )
    return proposals


def committee_proposals(committee: Committee):
    """A committee's proposals, newest first, with what the list shows."""
    return AmoProposal.objects.filter(committee=committee).select_related(
        "submitted_by", "decided_by"
    )


def open_proposals_for(viewer: Viewer, *, limit: int = 10) -> list[AmoProposal]:
    """Proposals awaiting the employer's decision or reasons, in the committees the viewer sees
    (their own and those of the units they lead). A fixed number of queries."""
    if viewer.person is None or not viewer.visible_committee_ids:
        return []
    open_ = Q(outcome=Outcome.PENDING) | Q(
        outcome=Outcome.NOT_FOLLOWED, reasons_given_on__isnull=True
    )
    proposals = list(
        AmoProposal.objects.filter(open_, committee_id__in=viewer.visible_committee_ids)
        .select_related("committee")
        .order_by("submitted_on", "pk")[:limit]
    )
    return with_answer_due(proposals)


def visible_amo_committees(request) -> list[Committee]:
    """The AMO committees whose proposals the viewer reads in the portal, with their number of
    proposals waiting for the employer (one query)."""
    viewer = get_viewer(request)
    waiting = Q(proposals__outcome=Outcome.PENDING) | Q(
        proposals__outcome=Outcome.NOT_FOLLOWED, proposals__reasons_given_on__isnull=True
    )
    return list(
        Committee.objects.filter(
            pk__in=viewer.visible_committee_ids,
            kind__in=Committee.AMO_KINDS,
            closed_on__isnull=True,
        )
        .annotate(waiting=Count("proposals", filter=waiting))
        .order_by("name")
    )


def answer_due_of(proposal: AmoProposal) -> datetime.date | None:
    return with_answer_due([proposal])[0].answer_due


# --- writes -----------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _check_date(errors: dict, field: str, day, *, not_before=None, before_text="") -> None:
    if day is None:
        errors[field] = _("Angiv en dato.")
    elif day > _today():
        errors[field] = _("Datoen kan ikke ligge i fremtiden.")
    elif not_before is not None and day < not_before:
        errors[field] = before_text


def _check_text(errors: dict, field: str, text: str, empty: str) -> None:
    if not text.strip():
        errors[field] = empty
    elif len(text) > TEXT_LIMIT:
        errors[field] = _("Teksten må højst være %(limit)d tegn.") % {"limit": TEXT_LIMIT}


def _save(proposal: AmoProposal, reason: str, acting_user, update_fields=None) -> None:
    """Check the invariants (`AmoProposal.clean`), then save with a history row naming the
    acting user and the event."""
    proposal.full_clean()
    save_with_history(proposal, acting_user, reason, update_fields)


@transaction.atomic
def proposal_submit(
    *,
    committee: Committee,
    submitted_by: Person,
    title: str,
    description: str,
    submitted_on: datetime.date | None = None,
    acting_user=None,
) -> AmoProposal:
    """An AMO member submits a proposal to the employer; the employer (the nearest leader of
    each covered unit) is told by e-mail once it is committed. Raises ValidationError keyed by
    field, in Danish, and saves nothing on any error."""
    submitted_on = submitted_on or _today()
    errors: dict[str, str] = {}
    if committee.kind not in Committee.AMO_KINDS or committee.closed_on is not None:
        errors["committee"] = _(
            "Forslag fremsættes af en arbejdsmiljøgruppe eller et åbent arbejdsmiljøudvalg."
        )
    elif not Membership.objects.filter(
        committee=committee,
        person=submitted_by,
        role__in=PROPOSER_ROLES,
        ended_on__isnull=True,
    ).exists():
        errors["committee"] = _(
            "Du sidder ikke i udvalget som medlem af arbejdsmiljøorganisationen."
        )
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Giv forslaget en overskrift.")
    elif len(title) > 200:
        errors["title"] = _("Overskriften må højst være 200 tegn.")
    _check_text(errors, "description", description or "", _("Beskriv forslaget."))
    _check_date(errors, "submitted_on", submitted_on)
    if errors:
        raise ValidationError(errors)
    proposal = AmoProposal(
        kommune_id=committee.kommune_id,
        committee=committee,
        title=title,
        description=description.strip(),
        submitted_on=submitted_on,
        submitted_by=submitted_by,
    )
    _save(proposal, "proposal.submitted", acting_user)
    _notify(proposal, ProposalMessage.Kind.SUBMITTED, employer_of(proposal))
    refresh(proposal.kommune, committees=[committee.pk], acting_user=acting_user)
    return proposal


@transaction.atomic
def proposal_decide(
    proposal: AmoProposal,
    *,
    outcome: str,
    decided_on: datetime.date | None,
    decided_by: Person | None,
    reasons: str = "",
    acting_user=None,
) -> AmoProposal:
    """The employer records the decision and its day. Not followed: the committee is entitled to
    the reasons within 3 weeks of `decided_on` (BEK § 30 stk. 3); reasons written with the
    decision fulfil that at once. The committee's members are told by e-mail."""
    # Two leaders deciding at once: the second finds it decided (the row is locked).
    locked = AmoProposal.objects.select_for_update().get(pk=proposal.pk)
    errors: dict[str, str] = {}
    if locked.outcome != Outcome.PENDING:
        raise ValidationError({"outcome": _("Forslaget er allerede besluttet.")})
    if outcome not in (Outcome.FOLLOWED, Outcome.NOT_FOLLOWED):
        errors["outcome"] = _("Vælg om forslaget følges eller ikke følges.")
    if decided_by is not None and decided_by.pk == locked.submitted_by_id:
        errors["decided_by"] = _("Den, der fremsatte forslaget, kan ikke selv beslutte det.")
    _check_date(
        errors,
        "decided_on",
        decided_on,
        not_before=locked.submitted_on,
        before_text=_("Beslutningen kan ikke ligge før forslaget blev fremsat."),
    )
    reasons = (reasons or "").strip()
    if reasons and outcome == Outcome.FOLLOWED:
        errors["reasons"] = _("Et forslag, der følges, skal ikke begrundes.")
    elif len(reasons) > TEXT_LIMIT:
        errors["reasons"] = _("Teksten må højst være %(limit)d tegn.") % {"limit": TEXT_LIMIT}
    if errors:
        raise ValidationError(errors)
    locked.outcome = outcome
    locked.decided_on = decided_on
    locked.decided_by = decided_by
    if reasons:
        locked.reasons = reasons
        locked.reasons_given_on = decided_on
    _save(
        locked,
        "proposal.decided",
        acting_user,
        update_fields=["outcome", "decided_on", "decided_by", "reasons", "reasons_given_on"],
    )
    _notify(locked, ProposalMessage.Kind.DECIDED, members_of(locked, exclude=decided_by))
    refresh(locked.kommune, committees=[locked.committee_id], acting_user=acting_user)
    return locked


@transaction.atomic
def proposal_give_reasons(
    proposal: AmoProposal,
    *,
    reasons: str,
    given_on: datetime.date | None = None,
    given_by: Person | None = None,
    acting_user=None,
) -> AmoProposal:
    """The employer's written reasons for not following the proposal (BEK § 30 stk. 3): the
    deadline is met, and the committee's members are told by e-mail."""
    given_on = given_on or _today()
    locked = AmoProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.outcome != Outcome.NOT_FOLLOWED:
        raise ValidationError({"reasons": _("Kun et forslag, der ikke følges, begrundes.")})
    if locked.reasons_given_on is not None:
        raise ValidationError({"reasons": _("Begrundelsen er allerede givet.")})
    errors: dict[str, str] = {}
    _check_text(errors, "reasons", reasons or "", _("Skriv begrundelsen."))
    _check_date(
        errors,
        "reasons_given_on",
        given_on,
        not_before=locked.decided_on,
        before_text=_("Begrundelsen kan ikke gives før beslutningen."),
    )
    if errors:
        raise ValidationError(errors)
    locked.reasons = reasons.strip()
    locked.reasons_given_on = given_on
    _save(locked, "proposal.reasons_given", acting_user, ["reasons", "reasons_given_on"])
    _notify(locked, ProposalMessage.Kind.REASONS, members_of(locked, exclude=given_by))
    refresh(locked.kommune, committees=[locked.committee_id], acting_user=acting_user)
    return locked


# --- who is told ------------------------------------------------------------------------------


def employer_of(proposal: AmoProposal) -> set[int]:
    """The nearest active leader of each unit the committee covers (the unit's own, else the
    one above), passing over the submitter: the employer the proposal is addressed to. Two
    queries."""
    paths = list(
        Unit.objects.filter(
            pk__in=CommitteeUnit.objects.filter(committee_id=proposal.committee_id).values(
                "unit_id"
            )
        ).values_list("path", flat=True)
    )
    leaders = leaders_by_unit({pk for path in paths for pk in path_ids(path)})
    found = {nearest_leader(path, leaders, passing=proposal.submitted_by_id) for path in paths}
    return found - {None}


def members_of(proposal: AmoProposal, *, exclude: Person | None = None) -> set[int]:
    """The committee's active members, and the submitter: told of the answer."""
    ids = set(
        Membership.objects.filter(
            committee_id=proposal.committee_id,
            ended_on__isnull=True,
            person__left_on__isnull=True,
        ).values_list("person_id", flat=True)
    )
    if proposal.submitted_by_id:
        ids.add(proposal.submitted_by_id)
    if exclude is not None:
        ids.discard(exclude.pk)
    return ids


def _notify(proposal: AmoProposal, kind: str, person_ids: set[int]) -> None:
    """One row per person (unique), each sent after commit (never for a rolled-back write)."""
    ProposalMessage.objects.bulk_create(
        [
            ProposalMessage(
                kommune_id=proposal.kommune_id, proposal=proposal, recipient_id=pk, kind=kind
            )
            for pk in sorted(person_ids)
        ],
        ignore_conflicts=True,
    )
    ids = ProposalMessage.objects.filter(proposal=proposal, kind=kind).values_list("pk", flat=True)
    outbox.enqueue(MESSAGES, ids)
