"""Writes of union data: a person's own statement and consent, the kreds' network groups and
meetings with their e-mail invitations, attendance and referat, a member's inquiry to the kreds
and the officer's answer, and the kreds' notice of a new AMR/TR election.

E-mails are rows of the one outbox (core.outbox; what they say is unions/outboxes.py), sent after
the commit. Each row is claimed with a conditional UPDATE, so a task that runs twice sends once,
and the consent is re-checked after the claim: a consent withdrawn in between stops the e-mail."""

from __future__ import annotations

import datetime
import functools
import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Membership
from core import outbox
from core.history import set_history_user
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Person

from .models import (
    ElectionNotice,
    Kommunegruppe,
    Kreds,
    KredsInquiry,
    KredsMessage,
    NetworkAttendance,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    UnionMembership,
)
from .selectors import (
    TERM_END_RULE,
    TRAINING_RULE_PREFIX,
    group_invitees,
    is_followed_rule,
    kreds_structure,
)

logger = logging.getLogger(__name__)

INVITATION_TEMPLATE = "unions/email/network_invitation"
ELECTION_TEMPLATE = "unions/email/election_notice"
INQUIRY_RAISED_TEMPLATE = "unions/email/inquiry_raised"
INQUIRY_ANSWERED_TEMPLATE = "unions/email/inquiry_answered"
CADENCE_TEMPLATE = "unions/email/cadence_reminder"
# The registered names of the three outboxes (unions.outboxes).
NETWORK_INVITATIONS = "unions.network_invitation"
ELECTION_NOTICES = "unions.election_notice"
KREDS_MESSAGES = "unions.kreds_message"


# --- the person's own statement ------------------------------------------------------------------


def kredse_covering(kommune_id: int):
    return (
        Kreds.objects.filter(kommuner=kommune_id)
        .select_related("union")
        .order_by("union__name", "name")
    )


def own_union_membership(person: Person) -> UnionMembership | None:
    """The person's own statement (read in the person's kommune scope)."""
    return UnionMembership.objects.filter(person=person).select_related("kreds__union").first()


def union_next_due_refresh(person_ids) -> None:
    """Recompute `UnionMembership.next_due` of these people from their open followed deadlines
    (one UPDATE). Called when deadlines are written (the engine's bulk writes, a single save or
    delete) and when a person states their kreds.

    Written out in SQL: it runs in every change of a person's deadlines, mostly for people
    without a union membership, and the ORM took several times longer to build the statement
    than the database to run it. A membership and its person's deadlines are of one kommune."""
    from deadlines.models import Deadline

    person_ids = sorted({pk for pk in person_ids if pk is not None})
    if not person_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _next_due_sql(len(person_ids)),
            [Deadline.State.OPEN, f"{TRAINING_RULE_PREFIX}%", TERM_END_RULE, *person_ids],
        )


@functools.cache
def _next_due_sql(count: int) -> str:
    from deadlines.models import Deadline

    quote = connection.ops.quote_name
    membership, deadline = (quote(m._meta.db_table) for m in (UnionMembership, Deadline))
    return (
        f"UPDATE {membership} SET {quote('next_due')} = ("
        f"SELECT d.{quote('due_date')} FROM {deadline} d"
        f" WHERE d.{quote('kommune_id')} = {membership}.{quote('kommune_id')}"
        f" AND d.{quote('person_id')} = {membership}.{quote('person_id')}"
        f" AND d.{quote('state')} = %s"
        f" AND (d.{quote('rule')} LIKE %s OR d.{quote('rule')} = %s)"
        f" ORDER BY d.{quote('due_date')} LIMIT 1)"
        f" WHERE {membership}.{quote('person_id')} IN ({', '.join(['%s'] * count)})"
    )


def _followed(rows) -> set[int]:
    return {row.person_id for row in rows if is_followed_rule(row.rule)}


def on_deadlines_written(sender, rows, **kwargs) -> None:
    union_next_due_refresh(_followed(rows))


def on_deadline_saved_or_deleted(sender, instance, **kwargs) -> None:
    union_next_due_refresh(_followed([instance]))


@transaction.atomic
def union_membership_state(
    *, person: Person, kreds: Kreds, consent: bool, acting_user
) -> UnionMembership:
    """The person states their kreds and whether the kreds may see their AMR/TR status.

    Consent is given to one kreds: moving to another kreds needs a new consent (given now, in the
    same form), never the old one carried over."""
    if not kredse_covering(person.kommune_id).filter(pk=kreds.pk).exists():
        raise ValidationError({"kreds": _("Kredsen dækker ikke din kommune.")})
    now = timezone.now()
    membership = own_union_membership(person)
    if membership is None:
        membership = UnionMembership(kommune_id=person.kommune_id, person=person, kreds=kreds)
    elif membership.kreds_id != kreds.pk:
        membership.kreds = kreds
        if membership.has_consent:
            membership.consent_withdrawn_at = now
    if consent and not membership.has_consent:
        membership.consent_given_at = now
        membership.consent_withdrawn_at = None
    elif not consent and membership.has_consent:
        membership.consent_withdrawn_at = now
    set_history_user(membership, acting_user)
    membership.save()
    union_next_due_refresh([person.pk])
    return membership


@transaction.atomic
def union_consent_withdraw(membership: UnionMembership, *, acting_user) -> UnionMembership:
    """Takes effect at once: every officer read re-checks the consent columns, and the kreds'
    own records of the member (network invitations, election notices) leave with the consent.
    The statement itself goes after the retention period (core.privacy: unions.statements)."""
    if membership.has_consent:
        membership.consent_withdrawn_at = timezone.now()
        set_history_user(membership, acting_user)
        membership.save(update_fields=["consent_withdrawn_at"])
        with scopes_disabled():
            NetworkInvitation.objects.filter(union_membership=membership).delete()
            ElectionNotice.objects.filter(union_membership=membership).delete()
            attended = NetworkAttendance.objects.filter(union_membership=membership)
            ids = list(attended.values_list("pk", flat=True))
            attended.delete()
            NetworkAttendance.history.model._base_manager.filter(id__in=ids).delete()
            # The member's inquiries stay theirs (they still read them); the kreds loses them
            # with the consent (unions.access), and unsent messages about them are dropped.
            KredsMessage.objects.filter(
                inquiry__union_membership=membership, state=KredsMessage.State.PENDING
            ).delete()
    return membership


@transaction.atomic
def union_membership_remove(membership: UnionMembership, *, acting_user) -> None:
    """GDPR art. 17: the person erases their statement, with its history and its send records
    (invitations, election notices cascade). Nothing of it is left to show anyone."""
    pk = membership.pk
    with tenant_scope(membership.kommune_id):
        statements_delete([pk])


def statements_delete(ids) -> int:
    """Delete union statements with everything that hangs on them (invitations, attendance,
    inquiries and their messages cascade) and the history of each: the old versions hold the
    same data. In the statements' kommune scope. Returns how many statements went."""
    ids = list(ids)
    attendance = list(
        NetworkAttendance.objects.filter(union_membership__in=ids).values_list("pk", flat=True)
    )
    inquiries = list(
        KredsInquiry.objects.filter(union_membership__in=ids).values_list("pk", flat=True)
    )
    deleted = (
        UnionMembership.objects.filter(pk__in=ids).delete()[1].get(UnionMembership._meta.label, 0)
    )
    UnionMembership.history.filter(id__in=ids).delete()
    NetworkAttendance.history.model._base_manager.filter(id__in=attendance).delete()
    KredsInquiry.history.model._base_manager.filter(id__in=inquiries).delete()
    return deleted


# --- network groups and meetings -----------------------------------------------------------------


@transaction.atomic
def network_group_create(
    *,
    kreds: Kreds,
    name: str,
    kommunegruppe: Kommunegruppe | None,
    roles: str,
    kind: str = NetworkGroup.Kind.NETWORK,
    meetings_per_year: int = 2,
    acting_user,
) -> NetworkGroup:
    """A network group, or the kreds' one group for the yearly meeting for AMR and TR (always
    kreds-wide and for both; unions.cadence counts its meetings)."""
    if kind == NetworkGroup.Kind.YEARLY:
        kommunegruppe, roles = None, NetworkGroup.Roles.AMR_TR
    group = NetworkGroup(
        kreds=kreds,
        name=name,
        kommunegruppe=kommunegruppe,
        roles=roles,
        kind=kind,
        meetings_per_year=meetings_per_year,
    )
    group.full_clean()
    set_history_user(group, acting_user)
    group.save()
    return group


@transaction.atomic
def network_meeting_create(
    *,
    group: NetworkGroup,
    starts_at: datetime.datetime,
    theme: str,
    location: str,
    duration: datetime.timedelta = datetime.timedelta(hours=2),
    description: str = "",
    acting_user,
) -> NetworkMeeting:
    """Plan a network meeting and invite the group's consenting members by e-mail."""
    if duration <= datetime.timedelta(0):
        raise ValidationError({"duration": _("Varigheden skal være positiv.")})
    meeting = NetworkMeeting(
        group=group,
        starts_at=starts_at,
        duration=duration,
        theme=theme,
        location=location,
        description=description,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    meeting.full_clean()
    set_history_user(meeting, acting_user)
    meeting.save()
    network_meeting_invite(meeting, acting_user=acting_user)
    return meeting


@transaction.atomic
def network_meeting_invite(meeting: NetworkMeeting, *, acting_user) -> int:
    """Invite the group's consenting members not invited yet (after the meeting was planned, a
    newly elected AMR or a new consent). Returns how many invitations were added."""
    structure = kreds_structure(meeting.group.kreds)
    invitees = group_invitees(meeting.group, structure)
    with scopes_disabled():
        invited = set(
            NetworkInvitation.objects.filter(meeting=meeting).values_list(
                "union_membership_id", flat=True
            )
        )
        new = [
            NetworkInvitation(kommune_id=m.kommune_id, meeting=meeting, union_membership=m)
            for m in invitees
            if m.pk not in invited
        ]
        NetworkInvitation.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        with scopes_disabled():
            ids = NetworkInvitation.objects.filter(
                meeting=meeting, union_membership__in=[i.union_membership for i in new]
            ).values_list("pk", flat=True)
            outbox.enqueue(NETWORK_INVITATIONS, list(ids))
    return len(new)


def meeting_started(meeting: NetworkMeeting) -> bool:
    return meeting.starts_at <= timezone.now()


@transaction.atomic
def network_meeting_attendance_record(
    meeting: NetworkMeeting, *, attended_ids: set[int], acting_user
) -> tuple[int, int]:
    """Record who attended: `attended_ids` are union memberships among the meeting's invited,
    still consenting members (the officer's page offers only those). Adds the new ones, removes
    the unticked ones; each with a history row naming the officer. Returns (added, removed).
    Refused before the meeting has begun, or for anyone not offered: nothing is changed."""
    from .selectors import meeting_invitations

    if not meeting_started(meeting):
        raise ValidationError(_("Fremmøde kan registreres, når mødet er begyndt."))
    invited = {inv.union_membership_id: inv for inv in meeting_invitations(meeting)}
    if not set(attended_ids) <= set(invited):
        raise ValidationError(_("Vælg blandt mødets inviterede medlemmer."))
    added = removed = 0
    with scopes_disabled():
        existing = {
            a.union_membership_id: a
            for a in NetworkAttendance.objects.filter(
                meeting=meeting, union_membership_id__in=list(invited)
            )
        }
    for membership_id, invitation in invited.items():
        with tenant_scope(invitation.kommune_id):
            if membership_id in attended_ids and membership_id not in existing:
                row = NetworkAttendance(
                    kommune_id=invitation.kommune_id,
                    meeting=meeting,
                    union_membership_id=membership_id,
                )
                set_history_user(row, acting_user)
                row.save()
                added += 1
            elif membership_id not in attended_ids and membership_id in existing:
                row = existing[membership_id]
                set_history_user(row, acting_user)
                row.delete()
                removed += 1
    return added, removed


@transaction.atomic
def network_meeting_referat_save(meeting: NetworkMeeting, *, referat: str, acting_user) -> None:
    """The short referat of a held meeting, read by its invited members in the portal."""
    if not meeting_started(meeting):
        raise ValidationError(_("Referatet kan skrives, når mødet er begyndt."))
    referat = referat.strip()
    if len(referat) > REFERAT_MAX_LENGTH:
        raise ValidationError(
            _("Referatet må højst være %(max)s tegn.") % {"max": REFERAT_MAX_LENGTH}
        )
    meeting.referat = referat
    set_history_user(meeting, acting_user)
    meeting.save(update_fields=["referat"])


# A short referat (seed 001's meetings last about 2 hours): a few paragraphs.
REFERAT_MAX_LENGTH = 5000


def network_invitations_send(meeting_id: int) -> dict[str, int]:
    """Send the meeting's pending invitations (`unions.outboxes`); one failing address never
    stops the others."""
    with scopes_disabled():
        ids = list(
            NetworkInvitation.objects.filter(
                meeting_id=meeting_id, state=NetworkInvitation.State.PENDING
            ).values_list("pk", flat=True)
        )
    return outbox.send_many(NETWORK_INVITATIONS, ids)


def network_invitation_send(invitation_id: int) -> str:
    return outbox.send_one(NETWORK_INVITATIONS, invitation_id)


def network_meeting_ics(meeting: NetworkMeeting, person: Person) -> bytes:
    """The calendar invitation (RFC 5546 REQUEST) sent with a network meeting's e-mail, built
    with the meetings' iCalendar helpers; the UID stays the same for the meeting."""
    from icalendar import Event, vCalAddress, vText

    from meetings.ical import METHOD_REQUEST, new_calendar, organizer_address

    utc = datetime.UTC
    event = Event()
    event.add("uid", f"network-{meeting.public_id}@medorg")
    event.add("dtstamp", timezone.now().astimezone(utc))
    event.add("dtstart", meeting.starts_at.astimezone(utc))
    event.add("dtend", meeting.ends_at.astimezone(utc))
    event.add("summary", f"{meeting.group.name}: {meeting.theme}")
    event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    event.add("status", "CONFIRMED")
    event.add("organizer", organizer_address())
    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = vText(person.full_name)
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    event.add("attendee", attendee, encode=0)
    calendar = new_calendar(METHOD_REQUEST)
    calendar.add_component(event)
    return calendar.to_ical()


# --- election notices ----------------------------------------------------------------------------


def election_notify_kreds(membership: Membership, *, acting_user=None) -> None:
    """Called by `committees.elections.election_register` inside its transaction: if the elected
    person has stated a kreds and consents, record a notice and e-mail the kreds after the commit.

    Deliberately returns nothing: HR and leaders must not learn from the response whether a kreds
    was told, because that would reveal the union membership."""
    with tenant_scope(membership.kommune_id):
        union_membership = UnionMembership.objects.filter(person_id=membership.person_id).first()
        if union_membership is None or not union_membership.has_consent:
            return
        notice, created = ElectionNotice.objects.get_or_create(
            membership=membership,
            defaults={
                "kommune_id": membership.kommune_id,
                "union_membership": union_membership,
                "kreds": union_membership.kreds,
            },
        )
    if created:
        outbox.enqueue(ELECTION_NOTICES, [notice.pk])


def kreds_recipients(kreds: Kreds) -> list[str]:
    emails = [kreds.email] if kreds.email else []
    emails += [
        email
        for email in kreds.officers.filter(receives_notifications=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .order_by("user__email")
    ]
    return list(dict.fromkeys(emails))


def election_notice_send(notice_id: int) -> str:
    return outbox.send_one(ELECTION_NOTICES, notice_id)


# --- a member's inquiry to the kreds ---------------------------------------------------------------

INQUIRY_MAX_LENGTH = 5000


def _inquiry_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Skriv noget.")})
    if len(value) > INQUIRY_MAX_LENGTH:
        raise ValidationError({field: _("Højst %(max)s tegn.") % {"max": INQUIRY_MAX_LENGTH}})
    return value


@transaction.atomic
def inquiry_raise(
    *, membership: UnionMembership, subject: str, text: str, acting_user
) -> KredsInquiry:
    """A consenting member raises a concrete problem with their kreds (seed 000); the kreds'
    officers are told by e-mail after the commit. Call in the member's kommune's scope."""
    if membership.person_id is None or not membership.has_consent:
        raise ValidationError(
            _("Giv kredsen samtykke først: uden det kan kredsen ikke se din henvendelse.")
        )
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Skriv et emne.")})
    if len(subject) > 200:
        raise ValidationError({"subject": _("Emnet må højst være 200 tegn.")})
    inquiry = KredsInquiry(
        kommune_id=membership.kommune_id,
        union_membership=membership,
        kreds_id=membership.kreds_id,
        subject=subject,
        text=_inquiry_text(text, "text"),
    )
    set_history_user(inquiry, acting_user)
    inquiry.save()
    message = KredsMessage.objects.create(
        kommune_id=membership.kommune_id,
        kreds_id=membership.kreds_id,
        inquiry=inquiry,
        kind=KredsMessage.Kind.INQUIRY_RAISED,
    )
    outbox.enqueue(KREDS_MESSAGES, [message.pk])
    return inquiry


@transaction.atomic
def inquiry_answer(inquiry: KredsInquiry, *, answer: str, acting_user) -> KredsInquiry:
    """An officer of the kreds answers; the member reads it in the portal and gets an e-mail.
    Answered once: a second answer (two officers at once) is refused and changes nothing.
    The caller has checked access (unions.access.get_inquiry_for_officer)."""
    answer = _inquiry_text(answer, "answer")
    with tenant_scope(inquiry.kommune_id):
        # Row-locked: of two officers answering at once, the second sees the first's answer.
        locked = KredsInquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.is_answered:
            raise ValidationError(_("Henvendelsen er allerede besvaret."))
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = acting_user
        set_history_user(locked, acting_user)
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        message = KredsMessage.objects.create(
            kommune_id=locked.kommune_id,
            kreds_id=locked.kreds_id,
            inquiry=locked,
            kind=KredsMessage.Kind.INQUIRY_ANSWERED,
        )
    outbox.enqueue(KREDS_MESSAGES, [message.pk])
    return locked


def kreds_message_send(message_id: int) -> str:
    return outbox.send_one(KREDS_MESSAGES, message_id)
