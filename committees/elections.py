"""Registering a new AMR/TR election: one service used by HR (admin page) and by leaders (portal),
and by an election held in the product (elections), which also elects the employee side of a MED
committee (medarbejderrepræsentanter).

The employer must be told of the election: an AMR's and a TR's protection against dismissal
(AML § 9 a and the TR-aftale / Hovedaftalen) runs from when the employer knows of it, so the date
is recorded on the seat. If the elected person has stated a union kreds and consents, the kreds is
told after the commit (unions.services.election_notify_kreds) — silently: nothing the caller sees
reveals whether that happened (union membership is GDPR art. 9 data).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Person, Unit

from .models import Committee, Membership
from .services import membership_save

# The seats whose election the employer must know of (their protection runs from then) and the
# kreds is told of; the ones HR and leaders register by hand.
ELECTION_ROLES = (Membership.Role.AMR, Membership.Role.TR)
# Also registered by an election held in the product: a MED committee's employee side. Neither
# the employer's notice nor the kreds' concerns it (the notice is the AMR's and TR's protection
# date), so neither is asked for nor sent.
REGISTERED_ROLES = (*ELECTION_ROLES, Membership.Role.MEDARBEJDERREPRAESENTANT)


def _validate(
    *,
    committee: Committee,
    person: Person,
    role: str,
    start_date: datetime.date,
    employer_notified_on: datetime.date | None,
    employer_notice_pending: bool = False,
) -> None:
    errors: dict[str, str] = {}
    if role not in REGISTERED_ROLES:
        errors["role"] = _("Vælg AMR eller TR.")
    if committee.kommune_id != person.kommune_id:
        errors["person"] = _("Vælg en gyldig værdi fra din egen kommune.")
    if committee.closed_on is not None:
        errors["committee"] = _("Udvalget er nedlagt.")
    if person.left_on is not None and person.left_on <= start_date:
        errors["person"] = _("Personen er fratrådt.")
    # A medarbejderrepræsentant has no employer's notice to date (see REGISTERED_ROLES).
    if role in ELECTION_ROLES and employer_notified_on is None and not employer_notice_pending:
        errors["employer_notified_on"] = _("Angiv hvornår arbejdsgiveren fik besked om valget.")
    elif employer_notified_on is not None and employer_notified_on > timezone.localdate():
        errors["employer_notified_on"] = _("Datoen for underretningen kan ikke ligge i fremtiden.")
    if role == Membership.Role.AMR and Unit.objects.filter(leader=person).exists():
        # DESIGN, structural rules: an AMR is not a leader (AML: the AMR is elected by and among
        # the employees).
        errors["person"] = _("En leder kan ikke vælges som arbejdsmiljørepræsentant.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def election_register(
    *,
    committee: Committee,
    person: Person,
    role: str,
    start_date: datetime.date,
    term_end: datetime.date | None = None,
    employer_notified_on: datetime.date | None,
    employer_notice_pending: bool = False,
    acting_user,
) -> Membership:
    """Register that `person` was elected `role` (AMR/TR, or medarbejderrepræsentant by an
    election held in the product) in `committee` from `start_date`.

    Ends the person's current seat with the same role in the committee the day before (so a
    re-election continues the tenure without a gap), creates the new seat through
    `membership_save` (an AMR's term end defaults to the kommune's AMR term; deadlines are
    refreshed at once), and for an AMR/TR records when the employer was told and notifies the
    kreds if the person consents. `employer_notice_pending`: the employer is told by the product
    itself (an election held in it, elections.services), which records the date when the notice
    is sent.
    Raises ValidationError (keyed by field) and saves nothing on any error."""
    _validate(
        committee=committee,
        person=person,
        role=role,
        start_date=start_date,
        employer_notified_on=employer_notified_on,
        employer_notice_pending=employer_notice_pending,
    )
    previous = list(
        Membership.objects.select_for_update()
        .filter(person=person, committee=committee, role=role, ended_on__isnull=True)
        .order_by("start_date")
    )
    for seat in previous:
        if seat.start_date >= start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "%(person)s er allerede registreret som %(role)s i udvalget fra %(day)s."
                    )
                    % {
                        "person": person,
                        "role": seat.get_role_display(),
                        "day": seat.start_date.strftime("%d.%m.%Y"),
                    }
                }
            )
    for seat in previous:
        seat.ended_on = start_date - datetime.timedelta(days=1)
        membership_save(seat, acting_user=acting_user)

    seat = Membership(
        kommune_id=committee.kommune_id,
        person=person,
        committee=committee,
        role=role,
        side=Membership.FIXED_SIDE[role],
        chosen=Membership.Chosen.ELECTED,
        start_date=start_date,
        term_end=term_end,
        employer_notified_on=employer_notified_on if role in ELECTION_ROLES else None,
    )
    seat.full_clean()
    membership_save(seat, acting_user=acting_user)

    if role in ELECTION_ROLES:
        from unions.services import election_notify_kreds

        election_notify_kreds(seat, acting_user=acting_user)
    return seat
