"""Writes to meetings: forretningsorden, årshjul, agenda, afbud and attendance, referat, calendar
feeds, meeting requests, dispatch of agendas and invitations, background documents.

Every function is a service (verb-first or `<thing>_<verb>`, keyword-only `acting_user`, atomic),
validates the business state and raises `ValidationError` with a Danish message; who may call it
is decided by meetings/access.py in the views. Changes that concern deadlines call `refresh()`
in the same transaction; e-mails are queued as `MeetingMessage` rows and sent after the commit.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from committees.models import Committee
from core import events, outbox
from core.history import save_with_history, set_history_user
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.engine import refresh
from organisations.models import Kommune, Person, Unit

from .models import (
    AMO_DISCUSSION_POINTS,
    AMO_POINT_KINDS,
    DEFAULT_STANDING_ITEMS,
    POSITION_AFTER,
    POSITION_AMO,
    POSITION_BEFORE,
    POSITION_PROPOSAL,
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    DocumentJob,
    ItemAttachment,
    ItemKind,
    Meeting,
    MeetingMessage,
    MeetingPlan,
    MeetingRequest,
    MeetingRequestSignature,
    Placement,
    PreMeeting,
    Procedure,
    Referat,
    StandingItem,
)
from .selectors import (
    ProcedureSettings,
    dispatch_days_by_committee,
    employee_side_ids,
    invitees,
    next_meeting,
    procedure_for,
    proposal_deadline,
)

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = getattr(settings, "MEETINGS_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
# Material above this total goes out as links to the meeting page instead of e-mail attachments.
MAX_EMAIL_MATERIAL_BYTES = getattr(settings, "MEETINGS_MAX_EMAIL_MATERIAL_BYTES", 15 * 1024 * 1024)
# The highest `Procedure.dispatch_days` allowed (its validator).
MAX_DISPATCH_DAYS = 60
# The registered name of the meeting e-mails' outbox (meetings.outboxes).
MESSAGES = "meetings.message"
# Fields whose change makes earlier invitations stale (a new SEQUENCE, an update e-mail).
INVITATION_FIELDS = ("date", "start_time", "end_time", "location", "title", "status")


def _stored_text(text) -> str:
    """A lazy label stored as data (a fixed point's title) in the kommune's language, whatever
    language the acting user's request is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _today() -> datetime.date:
    return timezone.localdate()


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def meeting_url(meeting: Meeting) -> str:
    return _site_url(reverse("meetings:meeting", args=[meeting.public_id]))


def _refresh(meeting: Meeting, acting_user, persons: Iterable = (), changed=()) -> None:
    refresh(
        meeting.kommune,
        committees=[meeting.committee_id],
        persons=list(persons),
        changed=changed,
        acting_user=acting_user,
    )


# --- forretningsorden and årshjul ---------------------------------------------------------------


@transaction.atomic
def procedure_save(procedure: Procedure, *, acting_user=None) -> Procedure:
    """Save a committee's forretningsorden; a new one starts with seed 003's fixed points."""
    created = procedure.pk is None
    set_history_user(procedure, acting_user)
    procedure.save()
    if created and not procedure.standing_items.exists():
        for index, (kind, placement, title) in enumerate(DEFAULT_STANDING_ITEMS):
            item = StandingItem(
                kommune_id=procedure.kommune_id,
                procedure=procedure,
                kind=kind,
                placement=placement,
                position=(index + 1) * 10,
                title=_stored_text(title),
            )
            set_history_user(item, acting_user)
            item.save()
    refresh(procedure.kommune, committees=[procedure.committee_id], acting_user=acting_user)
    return procedure


@transaction.atomic
def plan_save(plan: MeetingPlan, *, acting_user=None) -> MeetingPlan:
    """Admin save of a plan (HR); adopting checks the minimum number of meetings."""
    if plan.adopted_on:
        _check_plan_minimum(plan.committee, plan.year)
    set_history_user(plan, acting_user)
    plan.save()
    refresh(plan.kommune, committees=[plan.committee_id], acting_user=acting_user)
    return plan


def _check_plan_minimum(committee: Committee, year: int) -> None:
    minimum = procedure_for(committee).meetings_per_year
    count = (
        Meeting.objects.filter(committee=committee, date__year=year)
        .exclude(status=Meeting.Status.CANCELLED)
        .count()
    )
    if minimum and count < minimum:
        raise ValidationError(
            _(
                "Mødeplanen for %(year)s rummer %(count)s møder; forretningsordenen kræver mindst "
                "%(minimum)s."
            )
            % {"year": year, "count": count, "minimum": minimum}
        )


@transaction.atomic
def plan_adopt(
    committee: Committee, *, year: int, note: str = "", acting_user=None, today=None
) -> MeetingPlan:
    """Seed 003: "der udarbejdes mødeplan for året senest i december måned"."""
    plan = MeetingPlan.objects.filter(committee=committee, year=year).first()
    if plan is None:
        plan = MeetingPlan(kommune_id=committee.kommune_id, committee=committee, year=year)
    if plan.adopted_on:
        raise ValidationError(_("Mødeplanen for %(year)s er allerede vedtaget.") % {"year": year})
    _check_plan_minimum(committee, year)
    plan.adopted_on = today or _today()
    if note:
        plan.note = note
    set_history_user(plan, acting_user)
    plan.save()
    refresh(committee.kommune, committees=[committee], acting_user=acting_user)
    return plan


# --- meetings ------------------------------------------------------------------------------------


def meeting_validate(meeting: Meeting) -> None:
    """The business checks of a meeting (also run by the admin form before saving)."""
    errors = {}
    committee = meeting.committee if meeting.committee_id else None
    if committee is None:
        errors["committee"] = _("Vælg udvalget.")
    elif committee.closed_on and meeting.date >= committee.closed_on:
        errors["date"] = _("Udvalget er nedlagt pr. %(day)s.") % {
            "day": committee.closed_on.strftime("%d.%m.%Y")
        }
    if meeting.end_time and meeting.start_time and meeting.end_time <= meeting.start_time:
        errors["end_time"] = _("Mødet skal slutte, efter det begynder.")
    adjacent = meeting.adjacent_to
    if adjacent is not None and committee is not None:
        if committee.kind != Committee.Kind.TRIO or adjacent.committee.kind != Committee.Kind.AMG:
            errors["adjacent_to"] = _(
                "Kun et TRIO-møde kan holdes i tilknytning til en arbejdsmiljøgruppes møde."
            )
        elif adjacent.date != meeting.date:
            errors["adjacent_to"] = _("TRIO-mødet holdes samme dag som arbejdsmiljøgruppens møde.")
    if errors:
        raise ValidationError(errors)


def _add_standing_items(meeting: Meeting, settings_: ProcedureSettings) -> None:
    rows = []
    before = after = 0
    for kind, placement, title in settings_.standing_items:
        if placement == Placement.BEFORE:
            before += 1
            position = POSITION_BEFORE + before * 10
        else:
            after += 1
            position = POSITION_AFTER + after * 10
        rows.append(
            AgendaItem(
                kommune_id=meeting.kommune_id,
                meeting=meeting,
                kind=kind,
                position=position,
                title=title,
                status=AgendaItem.Status.ACCEPTED,
            )
        )
    if rows:
        bulk_create_with_history(rows, AgendaItem)


def _add_amo_points(meeting: Meeting) -> None:
    """The points of the yearly arbejdsmiljødrøftelse, once each."""
    present = set(
        AgendaItem.objects.filter(meeting=meeting, kind__in=AMO_POINT_KINDS).values_list(
            "kind", flat=True
        )
    )
    rows = [
        AgendaItem(
            kommune_id=meeting.kommune_id,
            meeting=meeting,
            kind=kind,
            position=POSITION_AMO + index * 10,
            title=str(title),
            status=AgendaItem.Status.ACCEPTED,
        )
        for index, (kind, title) in enumerate(AMO_DISCUSSION_POINTS, start=1)
        if kind not in present
    ]
    if rows:
        bulk_create_with_history(rows, AgendaItem)


@transaction.atomic
def meeting_save(meeting: Meeting, *, acting_user=None) -> Meeting:
    """Create or change a meeting (portal and admin).

    A new meeting gets the committee's fixed points (and the drøftelse's points). A change of
    time, place or status raises the invitation's SEQUENCE; if the agenda was already sent, the
    members get the updated invitation (or the cancellation). TRIO meetings held next to an AMG
    meeting move with it."""
    if not meeting.kommune_id and meeting.committee_id:
        meeting.kommune_id = meeting.committee.kommune_id
    meeting_validate(meeting)
    previous = None
    if meeting.pk:
        previous = Meeting.objects.filter(pk=meeting.pk).values(*INVITATION_FIELDS, "sequence")
        previous = previous.first()
    created = previous is None
    changed = not created and any(previous[f] != getattr(meeting, f) for f in INVITATION_FIELDS)
    if changed:
        meeting.sequence = previous["sequence"] + 1
    set_history_user(meeting, acting_user)
    meeting.save()
    # The fixed points are stored as text in the kommune's language (the agenda is the
    # committee's document), not in the language of whoever happens to create the meeting.
    with translation.override(settings.LANGUAGE_CODE):
        if created:
            _add_standing_items(meeting, procedure_for(meeting.committee))
        if meeting.includes_amo_discussion:
            _add_amo_points(meeting)
    if changed and meeting.dispatched_at is not None:
        kind = MeetingMessage.Kind.CANCEL if meeting.is_cancelled else MeetingMessage.Kind.UPDATE
        _queue_messages(meeting, kind, meeting.sequence)
    if changed and previous["date"] != meeting.date:
        _move_adjacent(meeting, previous["date"], acting_user)
    _refresh(meeting, acting_user)
    return meeting


def _move_adjacent(meeting: Meeting, old_date: datetime.date, acting_user) -> None:
    for trio_meeting in Meeting.objects.filter(
        adjacent_to=meeting, date=old_date, status=Meeting.Status.PLANNED
    ).select_related("committee", "adjacent_to__committee"):
        trio_meeting.date = meeting.date
        trio_meeting.adjacent_to = meeting
        meeting_save(trio_meeting, acting_user=acting_user)


def meeting_create(*, committee: Committee, acting_user=None, **fields) -> Meeting:
    meeting = Meeting(kommune_id=committee.kommune_id, committee=committee, **fields)
    return meeting_save(meeting, acting_user=acting_user)


@transaction.atomic
def meeting_cancel(meeting: Meeting, *, reason: str = "", acting_user=None) -> Meeting:
    """Cancel: sent invitations are withdrawn with METHOD:CANCEL (same UID, next SEQUENCE)."""
    if meeting.is_cancelled:
        raise ValidationError(_("Mødet er allerede aflyst."))
    if Referat.objects.filter(meeting=meeting).exclude(state=Referat.State.DRAFT).exists():
        raise ValidationError(_("Et møde med godkendt referat kan ikke aflyses."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = reason[:300]
    return meeting_save(meeting, acting_user=acting_user)


@transaction.atomic
def trio_meeting_add(
    amg_meeting: Meeting, *, trio: Committee, duration_minutes: int = 60, acting_user=None
) -> Meeting:
    """Seed 003: "Møderne holdes i tilknytning til arbejdsmiljøgruppens møder" — a TRIO meeting
    the same day, right after the AMG meeting, at the same place."""
    if trio.kind != Committee.Kind.TRIO or trio.parent_id != amg_meeting.committee_id:
        raise ValidationError(
            _("Vælg en TRIO, der hører under arbejdsmiljøgruppen %(amg)s.")
            % {"amg": amg_meeting.committee}
        )
    start = datetime.datetime.combine(amg_meeting.date, amg_meeting.end_time)
    end = start + datetime.timedelta(minutes=duration_minutes)
    if end.date() != start.date():
        end = datetime.datetime.combine(start.date(), datetime.time(23, 59))
    return meeting_create(
        committee=trio,
        date=amg_meeting.date,
        start_time=start.time(),
        end_time=end.time(),
        location=amg_meeting.location,
        adjacent_to=amg_meeting,
        acting_user=acting_user,
    )


# --- agenda --------------------------------------------------------------------------------------


def _require_open_meeting(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("Mødet er aflyst."))


def _require_unlocked(meeting: Meeting) -> Referat | None:
    referat = Referat.objects.filter(meeting=meeting).first()
    if referat is not None and referat.is_locked:
        raise ValidationError(_("Referatet er endeligt godkendt; mødet kan ikke længere ændres."))
    return referat


def agenda_lock_reason(meeting: Meeting) -> str | None:
    """Why the agenda of this meeting can no longer change, or None while it is open.

    Seed 003: the formandskab settles the agenda ("Dagsorden udarbejdes af formanden og
    næstformanden på formødet") and it goes out with the material; what the members received is
    what the meeting deals with. So the agenda locks when it is settled or dispatched (the job
    dispatches on the dispatch day even if nobody settled it), and of course when the meeting is
    cancelled or its referat finally approved."""
    if meeting.is_cancelled:
        return _("Mødet er aflyst.")
    if meeting.dispatched_at is not None:
        return _("Dagsordenen er udsendt og dermed låst; punkterne kan ikke længere ændres.")
    if meeting.agenda_settled_at is not None:
        return _("Dagsordenen er fastlagt og dermed låst; punkterne kan ikke længere ændres.")
    return None


def _require_open_agenda(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock and refuse if its agenda is locked.

    The lock serialises an edit with `agenda_settle` and the dispatch claim (both write this
    row): an edit racing the dispatch either commits before the claim (and is in what the
    e-mails render afterwards) or waits, sees `dispatched_at` and is refused. Nothing changes
    the agenda between the claim and the sending."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee")
        .get(pk=meeting.pk)
    )
    reason = agenda_lock_reason(locked)
    if reason:
        raise ValidationError(reason)
    _require_unlocked(locked)
    return locked


def _next_position(meeting: Meeting, low: int, high: int) -> int:
    top = AgendaItem.objects.filter(
        meeting=meeting, position__gte=low, position__lt=high
    ).aggregate(top=Max("position"))["top"]
    return (top or low) + 10


def _attach_files(item: AgendaItem, files, person: Person | None, acting_user) -> None:
    for upload in files or ():
        attachment_add(item, upload=upload, person=person, acting_user=acting_user)


@transaction.atomic
def item_propose(
    meeting: Meeting,
    *,
    person: Person,
    title: str,
    description: str = "",
    recommendation: str = "",
    files=(),
    acting_user=None,
    today: datetime.date | None = None,
) -> AgendaItem:
    """A member proposes an item. Seed 003: "Forslag til punkter … senest 14 dage før mødet"
    (the committee's forretningsorden may say otherwise). The formandskab then settles it."""
    _require_open_meeting(meeting)
    today = today or _today()
    deadline = proposal_deadline(meeting, procedure_for(meeting.committee))
    if today > deadline:
        raise ValidationError(
            _("Fristen for forslag til dette møde var %(day)s.")
            % {"day": deadline.strftime("%d.%m.%Y")}
        )
    if meeting.agenda_settled_at is not None:
        raise ValidationError(_("Dagsordenen er fastlagt; kontakt formanden eller næstformanden."))
    if not title.strip():
        raise ValidationError({"title": _("Skriv en overskrift.")})
    item = AgendaItem(
        kommune_id=meeting.kommune_id,
        meeting=meeting,
        kind=ItemKind.PROPOSAL,
        position=_next_position(meeting, POSITION_PROPOSAL, POSITION_AFTER),
        title=title.strip()[:200],
        description=description.strip(),
        recommendation=recommendation.strip(),
        status=AgendaItem.Status.PROPOSED,
        proposed_by=person,
        proposed_at=timezone.now(),
    )
    set_history_user(item, acting_user)
    item.save()
    _attach_files(item, files, person, acting_user)
    return item


@transaction.atomic
def item_add(
    meeting: Meeting,
    *,
    title: str,
    description: str = "",
    recommendation: str = "",
    person: Person | None = None,
    files=(),
    asks_approval: bool = False,
    acting_user=None,
) -> AgendaItem:
    """The formandskab or the sekretær puts an item straight on the agenda (until it is
    settled or dispatched: then it is locked). `asks_approval`: a procedure waits for the
    committee's yes or no, recorded in the referat (`minutes_write(..., outcome=...)`)."""
    _require_open_meeting(meeting)
    meeting = _require_open_agenda(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Skriv en overskrift.")})
    item = AgendaItem(
        kommune_id=meeting.kommune_id,
        meeting=meeting,
        kind=ItemKind.PROPOSAL,
        position=_next_position(meeting, POSITION_PROPOSAL, POSITION_AFTER),
        title=title.strip()[:200],
        description=description.strip(),
        recommendation=recommendation.strip(),
        status=AgendaItem.Status.ACCEPTED,
        proposed_by=person,
        proposed_at=timezone.now(),
        asks_approval=asks_approval,
    )
    set_history_user(item, acting_user)
    item.save()
    _attach_files(item, files, person, acting_user)
    return item


@transaction.atomic
def item_decide(item: AgendaItem, *, accept: bool, reason: str = "", acting_user=None):
    """The formandskab takes a proposal on the agenda or not (with the reason given). Once the
    agenda is locked a proposal can still be declined, not added to what was sent out."""
    _require_unlocked(item.meeting)
    if item.status != AgendaItem.Status.PROPOSED:
        raise ValidationError(_("Der er allerede taget stilling til forslaget."))
    if accept:
        _require_open_agenda(item.meeting)
    item.status = AgendaItem.Status.ACCEPTED if accept else AgendaItem.Status.REJECTED
    item.rejection_reason = "" if accept else reason.strip()[:300]
    set_history_user(item, acting_user)
    item.save(update_fields=["status", "rejection_reason"])
    return item


@transaction.atomic
def agenda_settle(meeting: Meeting, *, acting_user=None, now=None) -> Meeting:
    """Seed 003: "Dagsorden udarbejdes af formanden og næstformanden på formødet". Once settled
    the agenda goes out at once (and at the latest on the dispatch day)."""
    _require_open_meeting(meeting)
    if meeting.agenda_settled_at is not None:
        raise ValidationError(_("Dagsordenen er allerede fastlagt."))
    if AgendaItem.objects.filter(meeting=meeting, status=AgendaItem.Status.PROPOSED).exists():
        raise ValidationError(_("Tag stilling til alle forslag, før dagsordenen fastlægges."))
    meeting.agenda_settled_at = now or timezone.now()
    set_history_user(meeting, acting_user)
    meeting.save(update_fields=["agenda_settled_at"])
    transaction.on_commit(lambda: _enqueue("meetings.dispatch_meeting", meeting.pk), robust=True)
    return meeting


# --- editing the agenda before it is settled ------------------------------------------------------


def _proposer_refusal(
    item: AgendaItem,
    meeting: Meeting,
    person: Person | None,
    today: datetime.date,
    deadline: datetime.date | None = None,
) -> str | None:
    """Why this person may not change this proposal as its proposer, or None.

    Seed 003: items are proposed "senest 14 dage før mødet" (the committee's forretningsorden
    may say otherwise); the proposer may reword, add material or withdraw until that day, as
    long as the formandskab has not settled the agenda. A proposal not taken up is decided."""
    if person is None or item.proposed_by_id != person.pk or item.kind != ItemKind.PROPOSAL:
        return _("Kun forslagsstilleren, formanden og næstformanden kan ændre punktet.")
    if item.status == AgendaItem.Status.REJECTED:
        return _("Forslaget er ikke optaget på dagsordenen og kan ikke længere ændres.")
    if deadline is None:
        deadline = proposal_deadline(meeting, procedure_for(meeting.committee))
    if today > deadline:
        return _(
            "Fristen for forslag til dette møde var %(day)s; kontakt formanden eller næstformanden."
        ) % {"day": deadline.strftime("%d.%m.%Y")}
    return None


def item_edit_refusal(
    item: AgendaItem,
    *,
    person: Person | None,
    as_chair: bool,
    today: datetime.date | None = None,
    deadline: datetime.date | None = None,
) -> str | None:
    """Why the viewer may not edit the item's title and text now, or None (also used by the
    meeting page to offer the link only where it works). `as_chair`: the viewer fills one of
    the formandskab's approval slots (meetings/access.py decides)."""
    reason = agenda_lock_reason(item.meeting)
    if reason or as_chair:
        return reason
    return _proposer_refusal(item, item.meeting, person, today or _today(), deadline)


def item_withdraw_refusal(
    item: AgendaItem,
    *,
    person: Person | None,
    today: datetime.date | None = None,
    deadline: datetime.date | None = None,
) -> str | None:
    """Why the viewer may not withdraw the item now, or None. Only the proposer withdraws, and
    the fixed points of the forretningsorden (and the drøftelse's points) are never removed."""
    if item.kind != ItemKind.PROPOSAL:
        return _("De faste punkter på dagsordenen kan ikke fjernes.")
    reason = agenda_lock_reason(item.meeting)
    if reason:
        return reason
    return _proposer_refusal(item, item.meeting, person, today or _today(), deadline)


def _locked_item(item: AgendaItem) -> tuple[AgendaItem, Meeting]:
    """The meeting under its row lock (refused when the agenda is locked) and the item read
    again inside that lock, so the checks below see what is committed."""
    meeting = _require_open_agenda(item.meeting)
    fresh = AgendaItem.objects.filter(pk=item.pk, meeting=meeting).first()
    if fresh is None:
        raise ValidationError(_("Punktet findes ikke længere på dagsordenen."))
    fresh.meeting = meeting
    return fresh, meeting


def _check_person(person: Person | None, item: AgendaItem) -> None:
    if person is not None and person.kommune_id != item.kommune_id:
        raise ValidationError(_("Vælg en gyldig værdi fra din egen kommune."))


@transaction.atomic
def item_edit(
    item: AgendaItem,
    *,
    person: Person | None,
    as_chair: bool,
    title: str,
    description: str = "",
    recommendation: str = "",
    files=(),
    remove_attachments: Iterable[ItemAttachment] = (),
    acting_user=None,
    today: datetime.date | None = None,
) -> AgendaItem:
    """Change an item before the agenda is settled.

    - The formandskab (`as_chair`) may reword any item, the fixed points included.
    - The proposer may reword their own proposal and add or remove its material until the
      proposal deadline. If the formandskab had already taken it on the agenda, the changed
      proposal goes back to them (status "proposed"): they settle what they have read.
    Material is the proposer's: a formand changing someone else's item changes title and text.
    """
    _check_person(person, item)
    item, meeting = _locked_item(item)
    today = today or _today()
    title = title.strip()[:200]
    description = description.strip()
    if not title:
        raise ValidationError({"title": _("Skriv en overskrift.")})
    proposer_reason = _proposer_refusal(item, meeting, person, today)
    if not as_chair and proposer_reason:
        raise ValidationError(proposer_reason)
    removals = list(remove_attachments)
    if (files or removals) and proposer_reason:
        raise ValidationError(_("Kun forslagsstilleren kan ændre bilagene, og kun inden fristen."))
    for attachment in removals:
        # The form offers this item's attachments only; a posted id of another item (or of
        # another kommune, hidden by the scope) never gets here, and this is the last guard.
        if attachment.item_id != item.pk or attachment.kommune_id != item.kommune_id:
            raise ValidationError(_("Bilaget hører ikke til punktet."))
    recommendation = recommendation.strip()
    changed = (
        title != item.title
        or description != item.description
        or recommendation != item.recommendation
        or files
        or removals
    )
    if not changed:
        return item
    item.title, item.description = title, description
    item.recommendation = recommendation
    fields = ["title", "description", "recommendation"]
    if not as_chair and item.status == AgendaItem.Status.ACCEPTED:
        item.status = AgendaItem.Status.PROPOSED
        fields.append("status")
    set_history_user(item, acting_user)
    item.save(update_fields=fields)
    for attachment in removals:
        _attachment_delete(attachment, acting_user)
    _attach_files(item, files, person, acting_user)
    return item


@transaction.atomic
def item_set_obligation(item: AgendaItem, *, obligation: str, acting_user=None) -> AgendaItem:
    """The formandskab marks which of HovedMED's obligations A–K an item handles (or none);
    the finally approved referat then fulfils that year's duty (committees.hovedmed_obligation).
    Only on a HovedMED meeting, and not once the referat is locked."""
    from committees.models import Committee, HovedMedObligation

    item, meeting = _locked_item(item)
    obligation = (obligation or "").strip().upper()
    if obligation and obligation not in HovedMedObligation.values:
        raise ValidationError({"obligation": _("Vælg en af HovedMED's opgaver A–K.")})
    if obligation and (
        meeting.committee is None or meeting.committee.kind != Committee.Kind.HOVEDMED
    ):
        raise ValidationError(
            {"obligation": _("Kun HovedMED's punkter knyttes til opgaverne A–K.")}
        )
    referat = Referat.objects.filter(meeting=meeting).first()
    if referat is not None and referat.state in Referat.LOCKED_STATES:
        raise ValidationError(_("Referatet er endeligt godkendt og kan ikke ændres."))
    if item.obligation == obligation:
        return item
    item.obligation = obligation
    set_history_user(item, acting_user)
    item.save(update_fields=["obligation"])
    _refresh(meeting, acting_user)
    return item


@transaction.atomic
def item_withdraw(
    item: AgendaItem, *, person: Person | None, acting_user=None, today: datetime.date | None = None
) -> None:
    """The proposer withdraws their proposal (until the proposal deadline, before the agenda is
    settled). The item and its material are deleted; the history keeps who did it and when."""
    _check_person(person, item)
    if item.kind != ItemKind.PROPOSAL:
        raise ValidationError(_("De faste punkter på dagsordenen kan ikke fjernes."))
    item, meeting = _locked_item(item)
    reason = _proposer_refusal(item, meeting, person, today or _today())
    if reason:
        raise ValidationError(reason)
    for attachment in ItemAttachment.objects.filter(item=item):
        _attachment_delete(attachment, acting_user)
    set_history_user(item, acting_user)
    item.delete()


def _movable(meeting: Meeting) -> list[AgendaItem]:
    """The items whose order the formandskab sets: the proposed and accepted items between the
    fixed points. The fixed points and the drøftelse's points keep the forretningsorden's place
    (the approval of agenda and referat stays first, "Eventuelt" last)."""
    return list(
        AgendaItem.objects.filter(meeting=meeting, kind=ItemKind.PROPOSAL)
        .exclude(status=AgendaItem.Status.REJECTED)
        .order_by("position", "pk")
    )


@transaction.atomic
def agenda_reorder(meeting: Meeting, *, order: list, acting_user=None) -> list[AgendaItem]:
    """The formandskab sets the order of the proposed items (public ids, first to last). The
    list must name exactly the meeting's movable items: an id of a fixed point, of another
    meeting or of another kommune is refused, and so is a list that leaves one out."""
    meeting = _require_open_agenda(meeting)
    items = _movable(meeting)
    by_id = {str(item.public_id): item for item in items}
    wanted = [str(public_id) for public_id in order]
    if len(wanted) != len(set(wanted)) or set(wanted) != set(by_id):
        raise ValidationError(
            _("Rækkefølgen skal omfatte hvert af mødets foreslåede punkter én gang.")
        )
    result = []
    for index, public_id in enumerate(wanted, start=1):
        item = by_id[public_id]
        position = POSITION_PROPOSAL + index * 10
        if item.position != position:
            item.position = position
            set_history_user(item, acting_user)
            item.save(update_fields=["position"])
        result.append(item)
    return result


@transaction.atomic
def item_move(item: AgendaItem, *, up: bool, acting_user=None) -> AgendaItem:
    """One step up or down among the items shown beside it (the accepted ones on the agenda,
    or the proposals waiting): a swap, written through `agenda_reorder`."""
    if item.kind != ItemKind.PROPOSAL:
        raise ValidationError(_("De faste punkter har deres faste plads på dagsordenen."))
    meeting = _require_open_agenda(item.meeting)
    items = _movable(meeting)
    index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("Punktet findes ikke længere på dagsordenen."))
    status = items[index].status
    steps = range(index - 1, -1, -1) if up else range(index + 1, len(items))
    other = next((i for i in steps if items[i].status == status), None)
    if other is None:
        raise ValidationError(
            _("Punktet står allerede først.") if up else _("Punktet står allerede sidst.")
        )
    items[index], items[other] = items[other], items[index]
    agenda_reorder(meeting, order=[row.public_id for row in items], acting_user=acting_user)
    return item


def _attachment_delete(attachment: ItemAttachment, acting_user) -> None:
    """Delete the row now (its history keeps who and when) and the file once committed: a
    rolled-back transaction must not leave a row pointing to a file that is gone."""
    name, storage = attachment.file.name, attachment.file.storage
    set_history_user(attachment, acting_user)
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def attachment_add(
    item: AgendaItem, *, upload, person: Person | None = None, acting_user=None
) -> ItemAttachment:
    _require_unlocked(item.meeting)
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Bilaget er for stort (højst %(mb)s MB).") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}
        )
    name = (getattr(upload, "name", "") or "bilag").rsplit("/", 1)[-1][:200]
    attachment = ItemAttachment(
        kommune_id=item.kommune_id,
        item=item,
        name=name,
        content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
        size=upload.size,
        uploaded_by=person,
    )
    attachment.file.save(name, upload, save=False)
    set_history_user(attachment, acting_user)
    attachment.save()
    return attachment


# --- afbud and attendance ------------------------------------------------------------------------


@transaction.atomic
def afbud_give(meeting: Meeting, *, person: Person, note: str = "", acting_user=None, today=None):
    """Seed 003: "Afbud til møderne meddeles hurtigst muligt" — recorded for the sekretær."""
    _require_open_meeting(meeting)
    if meeting.date < (today or _today()):
        raise ValidationError(_("Mødet er holdt; afbud kan ikke længere gives."))
    row = Attendance.objects.filter(meeting=meeting, person=person).first()
    if row is None:
        row = Attendance(kommune_id=meeting.kommune_id, meeting=meeting, person=person)
    row.status = Attendance.Status.AFBUD
    row.note = note.strip()[:300]
    set_history_user(row, acting_user)
    row.save()
    return row


@transaction.atomic
def afbud_withdraw(meeting: Meeting, *, person: Person, acting_user=None) -> None:
    row = Attendance.objects.filter(
        meeting=meeting, person=person, status=Attendance.Status.AFBUD
    ).first()
    if row is not None:
        set_history_user(row, acting_user)
        row.delete()


@transaction.atomic
def attendance_record(
    meeting: Meeting, *, statuses: dict[int, str], acting_user=None, today=None
) -> int:
    """The sekretær or the formandskab records who attended (on the day or after)."""
    _require_open_meeting(meeting)
    _require_unlocked(meeting)
    if meeting.date > (today or _today()):
        raise ValidationError(_("Fremmøde registreres på mødedagen eller senere."))
    allowed = {p.pk for p in invitees(meeting)}
    unknown = set(statuses) - allowed
    if unknown:
        raise ValidationError(_("Kun udvalgets medlemmer kan registreres."))
    existing = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    changed = 0
    for person_id, status in statuses.items():
        if status not in Attendance.Status.values:
            raise ValidationError(_("Ugyldig status for fremmøde."))
        row = existing.get(person_id) or Attendance(
            kommune_id=meeting.kommune_id, meeting=meeting, person_id=person_id
        )
        if row.pk and row.status == status:
            continue
        row.status = status
        set_history_user(row, acting_user)
        row.save()
        changed += 1
    return changed


# --- referat -------------------------------------------------------------------------------------


def referat_for(meeting: Meeting) -> Referat:
    referat = Referat.objects.filter(meeting=meeting).first()
    if referat is None:
        referat = Referat(kommune_id=meeting.kommune_id, meeting=meeting)
        referat.save()
    return referat


def _require_editable(meeting: Meeting) -> Referat:
    referat = referat_for(meeting)
    if referat.is_locked:
        raise ValidationError(_("Referatet er endeligt godkendt og låst."))
    if not referat.is_editable:
        raise ValidationError(
            _("Referatet er godkendt af formandskabet. Genåbn det, hvis det skal rettes.")
        )
    return referat


@transaction.atomic
def _note_referent(referat: Referat, acting_user) -> None:
    """The first person who writes the referat is its referent (shown in the referat)."""
    if referat.referent_id is not None or acting_user is None or not acting_user.pk:
        return
    person = Person.objects.filter(user_id=acting_user.pk, left_on__isnull=True).first()
    if person is not None:
        referat.referent = person
        set_history_user(referat, acting_user)
        referat.save(update_fields=["referent"])


def referat_notes_write(meeting: Meeting, *, notes: str, acting_user=None) -> Referat:
    referat = _require_editable(meeting)
    referat.notes = notes.strip()
    set_history_user(referat, acting_user)
    referat.save(update_fields=["notes"])
    _note_referent(referat, acting_user)
    return referat


@transaction.atomic
def minutes_write(
    item: AgendaItem,
    *,
    minutes: str,
    decisions: list[str],
    outcome: str | None = None,
    acting_user=None,
) -> AgendaItem:
    """The referat of one item and its numbered decisions (replacing the earlier ones).

    `outcome`: for an item that asks the committee's approval, its answer ("approved",
    "rejected", or "" while not decided); None leaves it as it is. It binds once the referat is
    finally approved (the procedure that asked reads it then)."""
    if outcome is not None:
        outcome = outcome.strip()
        if outcome and not item.asks_approval:
            raise ValidationError({"outcome": _("Punktet skal ikke have en afgørelse.")})
        if outcome and outcome not in AgendaItem.Outcome.values:
            raise ValidationError({"outcome": _("Vælg Godkendt eller Ikke godkendt.")})
    _note_referent(_require_editable(item.meeting), acting_user)
    if item.status != AgendaItem.Status.ACCEPTED:
        raise ValidationError(_("Kun punkter på dagsordenen kan have referat."))
    changed = []
    if item.minutes != minutes.strip():
        item.minutes = minutes.strip()
        changed.append("minutes")
    if outcome is not None and item.outcome != outcome:
        item.outcome = outcome
        changed.append("outcome")
    if changed:
        set_history_user(item, acting_user)
        item.save(update_fields=changed)
    texts = [t.strip() for t in decisions if t and t.strip()]
    existing = list(Decision.objects.filter(item=item).order_by("position", "pk"))
    for index, text in enumerate(texts, start=1):
        if index <= len(existing):
            decision = existing[index - 1]
            if decision.text == text and decision.position == index:
                continue
            decision.text, decision.position = text, index
        else:
            decision = Decision(kommune_id=item.kommune_id, item=item, position=index, text=text)
        set_history_user(decision, acting_user)
        decision.save()
    for decision in existing[len(texts) :]:
        set_history_user(decision, acting_user)
        decision.delete()
    return item


@transaction.atomic
def action_add(
    item: AgendaItem, *, text: str, owner: Person, due_on: datetime.date, acting_user=None
) -> ActionItem:
    _require_editable(item.meeting)
    if not text.strip():
        raise ValidationError({"text": _("Beskriv opfølgningen.")})
    if owner.kommune_id != item.kommune_id:
        raise ValidationError({"owner": _("Vælg en gyldig værdi fra din egen kommune.")})
    action = ActionItem(
        kommune_id=item.kommune_id, item=item, text=text.strip()[:300], owner=owner, due_on=due_on
    )
    set_history_user(action, acting_user)
    action.save()
    return action


@transaction.atomic
def action_remove(action: ActionItem, *, acting_user=None) -> None:
    _require_editable(action.item.meeting)
    set_history_user(action, acting_user)
    action.delete()


@transaction.atomic
def action_close(action: ActionItem, *, done_on=None, acting_user=None) -> ActionItem:
    """The follow-up is done: its deadline is fulfilled (also after the final approval: a
    follow-up is carried out after the meeting, not in the referat)."""
    if action.done_on is not None:
        raise ValidationError(_("Opfølgningen er allerede afsluttet."))
    action.done_on = done_on or _today()
    set_history_user(action, acting_user)
    action.save(update_fields=["done_on"])
    refresh(action.kommune, persons=[action.owner_id], acting_user=acting_user)
    return action


def _action_owner_ids(meeting: Meeting) -> set[int]:
    return set(ActionItem.objects.filter(item__meeting=meeting).values_list("owner_id", flat=True))


def _missing_amo_points(meeting: Meeting) -> list[str]:
    if not meeting.includes_amo_discussion:
        return []
    return list(
        AgendaItem.objects.filter(meeting=meeting, kind__in=AMO_POINT_KINDS, minutes="")
        .order_by("position")
        .values_list("title", flat=True)
    )


@transaction.atomic
def referat_approve(
    meeting: Meeting, *, person: Person, slots: set[str], acting_user=None, now=None
) -> Referat:
    """One of the formandskab approves. When both have, the referat is sent to the members
    (seed 003: "Referatet udsendes efter godkendelse af formanden og næstformanden") and its
    follow-up actions become deadlines."""
    from .access import FIRST_SLOT, SECOND_SLOT

    _require_open_meeting(meeting)
    now = now or timezone.now()
    if meeting.date > timezone.localdate(now):
        raise ValidationError(_("Referatet kan først godkendes, når mødet er holdt."))
    referat = _require_editable(meeting)
    # Locked: the two approvals may arrive at the same moment; the second waits and sees the first.
    referat = Referat.objects.select_for_update().get(pk=referat.pk)
    if not slots:
        raise ValidationError(_("Kun formanden og næstformanden godkender referatet."))
    missing = _missing_amo_points(meeting)
    if missing:
        raise ValidationError(
            _("Den årlige arbejdsmiljødrøftelse mangler referat af: %(points)s")
            % {"points": "; ".join(missing)}
        )
    if person.pk in (referat.first_approved_by_id, referat.second_approved_by_id):
        raise ValidationError(_("Du har allerede godkendt referatet."))
    if FIRST_SLOT in slots and referat.first_approved_by_id is None:
        referat.first_approved_by, referat.first_approved_at = person, now
    elif SECOND_SLOT in slots and referat.second_approved_by_id is None:
        referat.second_approved_by, referat.second_approved_at = person, now
    else:
        raise ValidationError(_("Referatet er allerede godkendt fra din side af formandskabet."))
    both = referat.first_approved_by_id and referat.second_approved_by_id
    if both:
        referat.state = Referat.State.APPROVED
    set_history_user(referat, acting_user)
    referat.save()
    if both:
        _queue_messages(meeting, MeetingMessage.Kind.REFERAT, referat.round)
        _refresh(meeting, acting_user, _action_owner_ids(meeting))
        transaction.on_commit(lambda: _enqueue("meetings.send_messages", meeting.pk), robust=True)
    return referat


@transaction.atomic
def referat_reopen(meeting: Meeting, *, acting_user=None) -> Referat:
    """Back to draft for corrections (before the final approval); approvals start over."""
    referat = referat_for(meeting)
    if referat.is_locked:
        raise ValidationError(_("Referatet er endeligt godkendt og låst."))
    if referat.state == Referat.State.DRAFT and not (
        referat.first_approved_by_id or referat.second_approved_by_id
    ):
        raise ValidationError(_("Referatet er allerede en kladde."))
    referat.state = Referat.State.DRAFT
    referat.round += 1
    referat.first_approved_by = referat.second_approved_by = None
    referat.first_approved_at = referat.second_approved_at = referat.sent_at = None
    set_history_user(referat, acting_user)
    referat.save()
    _refresh(meeting, acting_user, _action_owner_ids(meeting))
    return referat


@transaction.atomic
def referat_final_approve(
    meeting: Meeting, *, at_meeting: Meeting, person: Person, acting_user=None, now=None
) -> Referat:
    """Seed 003: the referat is finally approved at the next meeting (its first fixed point,
    "Godkendelse af dagsorden samt godkendelse af referat fra sidste møde"). Locks it."""
    referat = referat_for(meeting)
    if referat.state != Referat.State.SENT:
        raise ValidationError(_("Referatet skal være godkendt og udsendt før endelig godkendelse."))
    expected = next_meeting(meeting)
    now = now or timezone.now()
    if expected is None or at_meeting.pk != expected.pk:
        raise ValidationError(_("Referatet godkendes endeligt på udvalgets næste møde."))
    if at_meeting.date > timezone.localdate(now):
        raise ValidationError(
            _("Referatet godkendes endeligt på mødet %(day)s.")
            % {"day": at_meeting.date.strftime("%d.%m.%Y")}
        )
    referat.state = Referat.State.FINAL
    referat.final_meeting = at_meeting
    referat.final_approved_at = now
    referat.final_approved_by = person
    set_history_user(referat, acting_user)
    referat.save()
    # The yearly arbejdsmiljødrøftelse's deadline is fulfilled by this record.
    _refresh(meeting, acting_user, _action_owner_ids(meeting), changed=[Referat])
    return referat


@transaction.atomic
def referat_publish(meeting: Meeting, *, acting_user=None, now=None) -> Referat:
    """Seed 003: "Referater publiceres derudover på Medarbejdersiden": readable by the employees
    the committee covers."""
    referat = referat_for(meeting)
    if referat.state != Referat.State.FINAL:
        raise ValidationError(_("Kun et endeligt godkendt referat kan offentliggøres."))
    referat.state = Referat.State.PUBLISHED
    referat.published_at = now or timezone.now()
    set_history_user(referat, acting_user)
    referat.save(update_fields=["state", "published_at"])
    events.emit(
        events.REFERAT_PUBLISHED,
        kommune_id=meeting.kommune_id,
        payload=lambda: meeting_event_data(meeting) | {"published_at": referat.published_at},
        key=f"referat:{referat.pk}:{referat.published_at.isoformat()}",
    )
    return referat


def meeting_event_data(meeting: Meeting) -> dict:
    """What other systems are told of a meeting (the API's webhooks): ids, names and dates,
    never a member's personal data."""
    committee = meeting.committee
    return {
        "meeting": str(meeting.public_id),
        "title": meeting.title or str(committee),
        "date": meeting.date,
        "case_number": meeting.case_number,
        "committee": {
            "id": str(committee.public_id),
            "name": committee.name,
            "kind": committee.kind,
        },
    }


# --- meeting requests ----------------------------------------------------------------------------


def _check_majority(request: MeetingRequest, now) -> None:
    side = employee_side_ids(request.committee, timezone.localdate(now))
    signed = set(request.signatures.values_list("person_id", flat=True)) & side
    if side and len(signed) * 2 > len(side) and request.majority_at is None:
        request.majority_at = now
        request.save(update_fields=["majority_at"])


@transaction.atomic
def meeting_request_create(
    committee: Committee, *, person: Person, questions: str, acting_user=None, now=None
) -> MeetingRequest:
    """Seed 003: a meeting is held when a majority of the employee representatives ask for it,
    naming the questions. The request collects their signatures."""
    now = now or timezone.now()
    if person.pk not in employee_side_ids(committee, timezone.localdate(now)):
        raise ValidationError(_("Kun medarbejdersidens repræsentanter kan anmode om et møde."))
    if not questions.strip():
        raise ValidationError({"questions": _("Angiv de spørgsmål, der ønskes behandlet.")})
    request = MeetingRequest(
        kommune_id=committee.kommune_id,
        committee=committee,
        questions=questions.strip(),
        created_by=person,
    )
    set_history_user(request, acting_user)
    request.save()
    MeetingRequestSignature.objects.create(
        kommune_id=committee.kommune_id, request=request, person=person
    )
    _check_majority(request, now)
    return request


@transaction.atomic
def meeting_request_sign(
    request: MeetingRequest, *, person: Person, acting_user=None, now=None
) -> MeetingRequest:
    now = now or timezone.now()
    if request.meeting_id is not None:
        raise ValidationError(_("Mødet er allerede indkaldt."))
    if person.pk not in employee_side_ids(request.committee, timezone.localdate(now)):
        raise ValidationError(_("Kun medarbejdersidens repræsentanter kan tilslutte sig."))
    if request.signatures.filter(person=person).exists():
        raise ValidationError(_("Du har allerede tilsluttet dig anmodningen."))
    MeetingRequestSignature.objects.create(
        kommune_id=request.kommune_id, request=request, person=person
    )
    _check_majority(request, now)
    return request


@transaction.atomic
def meeting_request_call(request: MeetingRequest, *, acting_user=None, **fields) -> Meeting:
    """The formandskab calls the requested meeting; the questions become its first item."""
    if request.majority_at is None:
        raise ValidationError(_("Anmodningen har ikke tilslutning fra et flertal."))
    if request.meeting_id is not None:
        raise ValidationError(_("Mødet er allerede indkaldt."))
    meeting = meeting_create(
        committee=request.committee,
        kind=Meeting.Kind.EXTRAORDINARY,
        acting_user=acting_user,
        **fields,
    )
    item_add(
        meeting,
        title=_stored_text(gettext_lazy("Anmodning fra medarbejdersiden")),
        description=request.questions,
        person=request.created_by,
        acting_user=acting_user,
    )
    request.meeting = meeting
    set_history_user(request, acting_user)
    request.save(update_fields=["meeting"])
    return meeting


# --- the employee side's formøde -------------------------------------------------------------------

# Fields whose change makes an earlier formøde invitation stale (a new version is sent).
PRE_MEETING_INVITATION_FIELDS = ("date", "start_time", "end_time", "location")


def pre_meeting_due(meeting: Meeting, procedure: Procedure) -> datetime.date:
    """The last day the formøde may be held: `formoede_days` before the meeting (the committee's
    forretningsorden)."""
    return meeting.date - datetime.timedelta(days=procedure.formoede_days)


def pre_meeting_refusal(meeting: Meeting, procedure: Procedure | None = None) -> str | None:
    """Why no formøde can be scheduled before this meeting, or None. Seed 003: "Medarbejderne
    kan afholde en 1 times formøde inden det planlagte møde" — only where the committee's
    forretningsorden grants it, and only before an ordinary meeting that is still planned.
    `procedure`: the committee's, when the caller has it loaded."""
    if procedure is None:
        procedure = Procedure.objects.filter(committee_id=meeting.committee_id).first()
    if procedure is None or not procedure.formoede:
        return _("Udvalgets forretningsorden giver ikke medarbejdersiden ret til formøde.")
    if meeting.is_cancelled:
        return _("Mødet er aflyst.")
    if meeting.kind != Meeting.Kind.ORDINARY:
        return _("Formøde holdes før udvalgets ordinære møder.")
    return None


def pre_meeting_recipients(meeting: Meeting, day: datetime.date) -> list[Person]:
    """The committee's members on the medarbejderside on the formøde's day, each once."""
    return list(
        Person.objects.filter(
            pk__in=employee_side_ids(meeting.committee, day), left_on__isnull=True
        ).order_by("last_name", "first_name", "pk")
    )


@transaction.atomic
def pre_meeting_schedule(
    meeting: Meeting,
    *,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    location: str = "",
    note: str | None = None,
    acting_user=None,
    now=None,
):
    """Schedule (or move) the employee side's formøde before `meeting` and invite the committee's
    members on the medarbejderside by e-mail. `note=None` keeps the note as it is (HR may move a
    formøde without reading the employees' note, meetings/access.py).

    Nothing is saved when a check fails: the errors are keyed by field. Fulfils the rule
    `meetings.formoede` when the formøde lies on or before its last day."""
    refusal = pre_meeting_refusal(meeting)
    if refusal:
        raise ValidationError(refusal)
    now = now or timezone.now()
    today = timezone.localdate(now)
    procedure = Procedure.objects.get(committee_id=meeting.committee_id)
    last_day = pre_meeting_due(meeting, procedure)
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("Angiv formødets dato.")
    elif date < today:
        errors["date"] = _("Formødet kan ikke holdes i fortiden.")
    elif date > last_day:
        errors["date"] = _(
            "Formødet holdes senest %(day)s (%(days)s dage før mødet efter forretningsordenen)."
        ) % {"day": last_day.strftime("%d.%m.%Y"), "days": procedure.formoede_days}
    if start_time is None:
        errors["start_time"] = _("Angiv formødets starttidspunkt.")
    if end_time is None:
        errors["end_time"] = _("Angiv formødets sluttidspunkt.")
    elif start_time is not None and end_time <= start_time:
        errors["end_time"] = _("Formødet skal slutte, efter det begynder.")
    elif date == meeting.date and end_time > meeting.start_time:
        errors["end_time"] = _("Formødet skal slutte, før mødet begynder kl. %(time)s.") % {
            "time": meeting.start_time.strftime("%H.%M")
        }
    location = (location or "").strip()
    if len(location) > 200:
        errors["location"] = _("Stedet må højst være 200 tegn.")
    if errors:
        raise ValidationError(errors)

    pre_meeting = PreMeeting.objects.select_for_update().filter(meeting=meeting).first()
    created = pre_meeting is None
    if created:
        pre_meeting = PreMeeting(kommune_id=meeting.kommune_id, meeting=meeting, convened_at=now)
    values = {"date": date, "start_time": start_time, "end_time": end_time, "location": location}
    changed = created or any(getattr(pre_meeting, k) != v for k, v in values.items())
    for name, value in values.items():
        setattr(pre_meeting, name, value)
    if note is not None:
        pre_meeting.note = note.strip()
    if changed and not created:
        pre_meeting.sequence += 1
    pre_meeting.convened_by = acting_user if getattr(acting_user, "pk", None) else None
    save_with_history(
        pre_meeting,
        acting_user,
        _("Formøde indkaldt") if created else _("Formøde ændret"),
    )
    if changed:
        _queue_pre_meeting_invitations(pre_meeting)
        transaction.on_commit(lambda: _enqueue("meetings.send_messages", meeting.pk), robust=True)
    _refresh(meeting, acting_user)
    return pre_meeting


def _queue_pre_meeting_invitations(pre_meeting) -> int:
    """One outbox row per member of the medarbejderside; the unique key (meeting, recipient,
    kind, sequence) makes queueing a version twice a no-op."""
    meeting = pre_meeting.meeting
    rows = []
    for person in pre_meeting_recipients(meeting, pre_meeting.date):
        row = MeetingMessage(
            kommune_id=meeting.kommune_id,
            meeting=meeting,
            recipient=person,
            kind=MeetingMessage.Kind.FORMOEDE,
            sequence=pre_meeting.sequence,
        )
        if not person.email:
            row.state = MeetingMessage.State.SKIPPED
            row.last_error = _stored_text(gettext_lazy("Personen har ingen e-mailadresse."))
        rows.append(row)
    MeetingMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- calendar feed -------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_issue(person: Person, *, acting_user=None) -> str:
    """A new secret calendar address; any earlier one stops working. Returns the token (shown
    once: only its hash is stored)."""
    CalendarFeed.objects.filter(person=person).delete()
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        kommune_id=person.kommune_id, person=person, token_hash=feed_token_hash(token)
    )
    set_history_user(feed, acting_user)
    feed.save()
    return token


@transaction.atomic
def feed_revoke(person: Person, *, acting_user=None) -> bool:
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is None:
        return False
    set_history_user(feed, acting_user)
    feed.delete()
    return True


def feed_touch(feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())


# --- documents in the background -----------------------------------------------------------------


@transaction.atomic
def document_request(
    *, kind: str, user, kommune: Kommune, omraade: Unit | None = None
) -> DocumentJob:
    if kind not in DocumentJob.Kind.values:
        raise ValidationError(_("Ukendt dokument."))
    if omraade is not None and (
        omraade.kommune_id != kommune.pk or omraade.kind != Unit.Kind.OMRAADE
    ):
        raise ValidationError({"omraade": _("Vælg et område i din egen kommune.")})
    job = DocumentJob(kommune_id=kommune.pk, kind=kind, omraade=omraade, requested_by=user)
    job.save()
    transaction.on_commit(lambda: _enqueue("meetings.render_document", job.pk), robust=True)
    return job


def document_render(job_id: int) -> str:
    """Render one background document: claimed pending → running, so a redelivered task does
    not render it twice. Returns the outcome."""
    from .documents import chart_pdf

    with scopes_disabled():
        job = DocumentJob.objects.select_related("kommune", "omraade").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with tenant_scope(job.kommune):
        claimed = DocumentJob.objects.filter(pk=job.pk, state=DocumentJob.State.PENDING).update(
            state=DocumentJob.State.RUNNING
        )
        if not claimed:
            return "not_claimed"
        try:
            data = chart_pdf(job.kind, job.kommune, job.omraade)
        except Exception as error:
            # Including Celery's SoftTimeLimitExceeded and MemoryError from the memory cap.
            logger.warning("meetings: document %s failed: %r", job.pk, error)
            DocumentJob.objects.filter(pk=job.pk).update(
                state=DocumentJob.State.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000],
                finished_at=timezone.now(),
            )
            raise
        job.file.save(f"{job.public_id}.pdf", ContentFile(data), save=False)
        DocumentJob.objects.filter(pk=job.pk).update(
            state=DocumentJob.State.DONE, file=job.file.name, finished_at=timezone.now()
        )
    return "done"


def documents_cleanup(*, older_than_days: int = 7, now=None) -> int:
    """Remove background documents (and their files) after a week: they are rendered from live
    data and can be ordered again at any time."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    removed = 0
    with scopes_disabled():
        for job in DocumentJob.objects.filter(created__lt=cutoff).order_by("pk"):
            if job.file:
                job.file.delete(save=False)
            job.delete()
            removed += 1
    return removed


# --- dispatch and sending ------------------------------------------------------------------------


def _enqueue(task_name: str, *args) -> None:
    """Hand work to Celery after the commit; a broker that is down only delays it (the periodic
    tick picks the rows up)."""
    from config.celery import app

    try:
        app.send_task(task_name, args=args)
    except Exception:  # pragma: no cover - depends on the broker
        logger.warning("meetings: could not enqueue %s%r; the tick will do it", task_name, args)


def _queue_messages(meeting: Meeting, kind: str, sequence: int) -> int:
    """One outbox row per invitee; the unique key makes queueing twice a no-op."""
    rows = []
    for person in invitees(meeting):
        row = MeetingMessage(
            kommune_id=meeting.kommune_id,
            meeting=meeting,
            recipient=person,
            kind=kind,
            sequence=sequence,
        )
        if not person.email:
            row.state = MeetingMessage.State.SKIPPED
            row.last_error = _stored_text(gettext_lazy("Personen har ingen e-mailadresse."))
        rows.append(row)
    MeetingMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def dispatch_candidates(today: datetime.date):
    """Planned meetings not yet dispatched, not past, whose agenda is settled or whose dispatch
    day has come (computed per committee from its forretningsorden)."""
    # No forretningsorden dispatches more than MAX_DISPATCH_DAYS ahead: the far future of a
    # large kommune's årshjul is not read on every tick.
    queryset = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED, dispatched_at__isnull=True, date__gte=today
        )
        .filter(
            Q(agenda_settled_at__isnull=False)
            | Q(date__lte=today + datetime.timedelta(days=MAX_DISPATCH_DAYS))
        )
        .select_related("committee")
    )
    days = dispatch_days_by_committee(queryset.values("committee_id"))
    for meeting in queryset.order_by("date", "pk"):
        due = meeting.date - datetime.timedelta(days=days[meeting.committee_id])
        if meeting.agenda_settled_at is not None or today >= due:
            yield meeting


def meeting_dispatch_agenda(meeting_id: int, *, now=None) -> bool:
    """Claim the meeting's dispatch and queue agenda + invitation for every member, in one
    transaction: the conditional UPDATE lets exactly one run or worker through. Returns whether
    this call dispatched it. Call inside the kommune's scope."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting_id,
            status=Meeting.Status.PLANNED,
            dispatched_at__isnull=True,
            date__gte=timezone.localdate(now),
        ).update(dispatched_at=now)
        if not claimed:
            return False
        meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
        # Saved once more so the dispatch is in the meeting's history like any other change.
        meeting.save(update_fields=["dispatched_at"])
        _queue_messages(meeting, MeetingMessage.Kind.AGENDA, meeting.sequence)
        refresh(meeting.kommune, committees=[meeting.committee_id])
        events.emit(
            events.AGENDA_DISPATCHED,
            kommune_id=meeting.kommune_id,
            payload=lambda: meeting_event_data(meeting) | {"dispatched_at": now},
            key=f"agenda:{meeting.pk}:{meeting.sequence}",
        )
    return True


def agendas_dispatch(kommune: Kommune | int, *, now=None) -> list[int]:
    """The periodic job: dispatch every agenda that is due, then send the queued e-mails."""
    now = now or timezone.now()
    dispatched = []
    with _scope(kommune):
        for meeting in list(dispatch_candidates(timezone.localdate(now))):
            try:
                if meeting_dispatch_agenda(meeting.pk, now=now):
                    dispatched.append(meeting.pk)
            except Exception:
                logger.exception("meetings: could not dispatch meeting %s", meeting.pk)
        messages_send(now=now)
    return dispatched


def _scope(kommune: Kommune | int):
    if isinstance(kommune, int):
        with scopes_disabled():
            kommune = Kommune.objects.get(pk=kommune)
    return tenant_scope(kommune)


def messages_send(*, meeting_id: int | None = None, now=None) -> dict[str, int]:
    """In a kommune's scope: send the queued meeting e-mails (all due ones, or one meeting's)
    through the outbox (core.outbox, `meetings.outboxes.MessageOutbox`): each row claimed, a
    failure recorded and retried with backoff."""
    filters = {} if meeting_id is None else {"meeting_id": meeting_id}
    outcome = outbox.send_due(MESSAGES, now=now, **filters)
    if meeting_id is not None:
        # A referat approved with nobody to send it to is sent at once.
        referater_mark_sent({meeting_id}, now or timezone.now())
    return outcome


def message_content(message: MeetingMessage, cache: dict, language: str) -> dict:
    """Template, context and attachments of one kind of message for one meeting in one
    language. What is the same for everyone (the agenda, the PDF, the material) is built once
    per batch; the calendar invitation's title is built once per language.

    The agenda and referat PDFs stay in the kommune's language (Danish, `render_pdf`'s
    default): they are the committee's documents of record, the same file for every member,
    whatever language the e-mail around them is written in."""
    shared = _shared_content(message, cache)
    key = (message.meeting_id, message.kind, message.sequence, language)
    if key in cache:
        return cache[key]
    attachments = list(shared["attachments"])
    if shared["ics"] is not None:
        from . import ical

        meeting = message.meeting
        method = "CANCEL" if meeting.is_cancelled else "REQUEST"
        # The event's SUMMARY ("Møde i …" when the meeting has no title of its own) is read in
        # the recipient's language; the UID and SEQUENCE are the same for all.
        with translation.override(language):
            ics = ical.invitation(meeting, **shared["ics"])
        attachments.insert(
            shared["ics_at"], ("invitation.ics", ics, f"text/calendar; method={method}")
        )
    content = {**shared, "attachments": attachments}
    cache[key] = content
    return content


def _shared_content(message: MeetingMessage, cache: dict) -> dict:
    from .documents import agenda_pdf, referat_pdf
    from .selectors import agenda_for

    key = (message.meeting_id, message.kind, message.sequence)
    if key in cache:
        return cache[key]
    meeting = message.meeting
    url = meeting_url(meeting)
    Kind = MeetingMessage.Kind
    attachments = []
    ics = None
    context = {"meeting": meeting, "committee": meeting.committee, "url": url}
    stem = f"{meeting.date:%Y-%m-%d}"
    if message.kind == Kind.FORMOEDE:
        # The employees' own meeting: only its invitees get this e-mail (the note included).
        context["pre_meeting"] = meeting.pre_meeting
    elif message.kind in (Kind.AGENDA, Kind.UPDATE, Kind.CANCEL):
        agenda = agenda_for(meeting)
        context["agenda"] = agenda
        description = "\n".join(f"{i.number}. {i.title}" for i in agenda.items)
        ics = {"attendees": invitees(meeting), "url": url, "description": description}
        if message.kind != Kind.CANCEL:
            attachments.append((f"dagsorden-{stem}.pdf", agenda_pdf(meeting), "application/pdf"))
        if message.kind == Kind.AGENDA:
            links = []
            total = 0
            for item in agenda.items:
                for attachment in item.attachments.all():
                    total += attachment.size
                    if total <= MAX_EMAIL_MATERIAL_BYTES:
                        with attachment.file.open("rb") as handle:
                            attachments.append(
                                (attachment.name, handle.read(), attachment.content_type)
                            )
                    else:
                        links.append(attachment)
            context["material_links"] = links
    else:
        attachments.append((f"referat-{stem}.pdf", referat_pdf(meeting), "application/pdf"))
    content = {
        "template": f"meetings/email/{message.kind}",
        "context": context,
        "attachments": attachments,
        "ics": ics,
        # The invitation follows the PDF (as before): after it, ahead of the material.
        "ics_at": 0 if message.kind == Kind.CANCEL else 1,
    }
    cache[key] = content
    return content


def referater_mark_sent(meeting_ids: set[int], now) -> None:
    """An approved referat is "sent" once none of its e-mails is still waiting."""
    if not meeting_ids:
        return
    waiting = MeetingMessage.objects.filter(
        kind=MeetingMessage.Kind.REFERAT,
        state__in=(MeetingMessage.State.PENDING, MeetingMessage.State.SENDING),
        meeting_id__in=meeting_ids,
    ).values("meeting_id")
    with transaction.atomic():
        # Locked, so a reopen racing this waits and sees the result (or this sees the reopen).
        for referat in (
            Referat.objects.select_for_update()
            .filter(meeting_id__in=meeting_ids, state=Referat.State.APPROVED)
            .exclude(meeting_id__in=waiting)
        ):
            referat.state, referat.sent_at = Referat.State.SENT, now
            referat.save(update_fields=["state", "sent_at"])
