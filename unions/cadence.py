"""The kreds' cadence (seeds 000 and 001): the meetings a kreds owes its AMR and TR each year,
shown to its officers as due or overdue with dates and reminded by e-mail.

WHY NOT THE DEADLINE ENGINE. `deadlines/` evaluates rules about a kommune's people, committees
and units, inside one kommune's scope. A kreds belongs to no kommune and its officers are not
kommune people, so its duties are computed here, from the kreds' own rows, each time they are
read — nothing is stored that could go stale:

- every AMR network group (`NetworkGroup.Kind.NETWORK`) meets at least `meetings_per_year`
  times (2 by default, 2–4 as the kreds chooses: seed 001, "mødes 2-4 om året");
- the kreds holds one yearly meeting for AMR and TR (seed 000, "Planlægge og afholde et
  årligt møde for AMR og TR"): a meeting of its yearly group (`NetworkGroup.Kind.YEARLY`). A
  kreds without that group still owes the meeting: the duty shows, without a group.

A duty is per calendar year. Its meetings are spread over the year: with N meetings the k-th is
due by the end of month 12·k/N (N = 2: 30 June and 31 December; N = 4: the quarters; the
yearly meeting: 31 December). Every meeting of the group that starts in the year counts, held
or planned: a group with `c` meetings owes its next one by the (c+1)-th due date. The duty is
done when N meetings have been held, planned when the missing ones are on the calendar, due soon
from DUE_SOON_DAYS before the next due date (time to plan and invite), overdue after it.

REMINDERS are rows of the `KredsMessage` outbox, one per kreds, due date and stage (due soon,
overdue), made by the daily `unions.cadence_tick` and kept unique by a constraint: a tick that
runs late, twice or on two workers sends each reminder once. The e-mail lists every duty still
short at that due date when it is sent (a meeting planned meanwhile drops out; none left: it is
skipped), and goes to the kreds' address and its officers (`services.kreds_recipients`). In
January the previous year's duties are evaluated too, so a year that ended short is reminded.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Status

from .models import Kreds, KredsMessage, NetworkGroup, NetworkMeeting

logger = logging.getLogger(__name__)

# Planning a meeting and inviting the members takes weeks: the officers are told two months
# before a meeting is due.
DUE_SOON_DAYS = 60


def due_dates(year: int, required: int) -> list[datetime.date]:
    """The last day by which each of `required` meetings of the year is due."""
    dates = []
    for k in range(1, required + 1):
        month = -(-12 * k // required)  # ceil(12k/N)
        dates.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    return dates


@dataclass
class Duty:
    """One group's (or the kreds' yearly meeting's) duty in one calendar year."""

    kind: str  # NetworkGroup.Kind
    group: NetworkGroup | None  # None: the yearly meeting, without a group yet
    year: int
    required: int
    meetings: list[NetworkMeeting] = field(default_factory=list)  # those of the year
    held: int = 0
    planned: int = 0
    next_due: datetime.date | None = None  # the due date of the next missing meeting
    status: str = Status.UPCOMING

    @property
    def title(self) -> str:
        if self.group is not None:
            return self.group.name
        return str(NetworkGroup.Kind.YEARLY.label)

    @property
    def short(self) -> bool:
        """Fewer meetings held or planned than the year requires."""
        return self.held + self.planned < self.required

    @property
    def key(self) -> str:
        return str(self.group.public_id) if self.group else "yearly"

    @property
    def status_label(self) -> str:
        if self.status == Status.DONE:
            return str(_("Opfyldt"))
        if self.status == "planned":
            return str(_("Planlagt"))
        return str(Status(self.status).label)


def _status(duty: Duty, today: datetime.date) -> None:
    dates = due_dates(duty.year, duty.required)
    count = duty.held + duty.planned
    if count >= duty.required:
        duty.next_due = None
        duty.status = Status.DONE if duty.held >= duty.required else "planned"
        return
    duty.next_due = dates[count]
    if duty.next_due < today:
        duty.status = Status.OVERDUE
    elif (duty.next_due - today).days <= DUE_SOON_DAYS:
        duty.status = Status.DUE_SOON
    else:
        duty.status = Status.UPCOMING


def kreds_cadence(kreds: Kreds, *, year: int, now: datetime.datetime | None = None) -> list[Duty]:
    """The kreds' duties of `year`: the yearly meeting first, then each network group by name.
    Two queries, whatever the number of groups and meetings."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    groups = (
        NetworkGroup.objects.filter(kreds=kreds)
        .select_related("kommunegruppe")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=NetworkMeeting.objects.filter(
                    starts_at__gte=start, starts_at__lt=end
                ).order_by("starts_at"),
                to_attr="meetings_of_year",
            )
        )
        .order_by("name")
    )
    duties = []
    yearly = None
    for group in groups:
        duty = Duty(group.kind, group, year, group.required_meetings, group.meetings_of_year)
        duty.held = sum(1 for m in duty.meetings if m.starts_at <= now)
        duty.planned = len(duty.meetings) - duty.held
        _status(duty, today)
        if group.kind == NetworkGroup.Kind.YEARLY:
            yearly = duty
        else:
            duties.append(duty)
    if yearly is None:
        yearly = Duty(NetworkGroup.Kind.YEARLY, None, year, 1)
        _status(yearly, today)
    return [yearly, *duties]


def open_duties(duties: list[Duty]) -> list[Duty]:
    return [d for d in duties if d.status in (Status.DUE_SOON, Status.OVERDUE)]


# --- reminders ------------------------------------------------------------------------------------


def carrier_kommune_id(kreds: Kreds) -> int | None:
    """The kommune whose scope carries the kreds' reminder rows (see KredsMessage)."""
    return kreds.kommuner.order_by("pk").values_list("pk", flat=True).first()


STAGES = {
    Status.DUE_SOON: KredsMessage.Kind.CADENCE_DUE,
    Status.OVERDUE: KredsMessage.Kind.CADENCE_OVERDUE,
}


def cadence_remind(kreds: Kreds, *, now: datetime.datetime | None = None) -> list[int]:
    """Make the reminder rows of one kreds that are due now (each due date and stage once) and
    queue them after the commit. Returns the new rows' ids."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    wanted = set()
    for year in years:
        for duty in open_duties(kreds_cadence(kreds, year=year, now=now)):
            wanted.add((STAGES[duty.status], duty.next_due))
    if not wanted:
        return []
    kommune_id = carrier_kommune_id(kreds)
    if kommune_id is None:
        return []  # a kreds that covers no kommune has no members to meet
    with tenant_scope(kommune_id):
        existing = set(
            KredsMessage.objects.filter(
                kreds=kreds, due_date__in=[d for _k, d in wanted]
            ).values_list("kind", "due_date")
        )
        new = [
            KredsMessage(kommune_id=kommune_id, kreds=kreds, kind=kind, due_date=due)
            for kind, due in sorted(wanted - existing)
        ]
        if not new:
            return []
        # The constraint decides between two ticks running at once; both may queue the row,
        # and its claim sends it once.
        KredsMessage.objects.bulk_create(new, ignore_conflicts=True)
        made = Q()
        for row in new:
            made |= Q(kind=row.kind, due_date=row.due_date)
        ids = list(
            KredsMessage.objects.filter(made, kreds=kreds, state=KredsMessage.State.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    from .services import KREDS_MESSAGES

    outbox.enqueue(KREDS_MESSAGES, ids)
    return ids


def cadence_tick(now: datetime.datetime | None = None) -> int:
    """The daily job: every kreds with someone to tell. One bad kreds is logged and skipped."""
    now = now or timezone.now()
    made = 0
    with scopes_disabled():
        kredse = list(Kreds.objects.order_by("pk"))
    for kreds in kredse:
        try:
            made += len(cadence_remind(kreds, now=now))
        except Exception:  # noqa: BLE001 - one kreds never stops the others
            logger.exception("cadence: kreds %s failed", kreds.pk)
    return made
