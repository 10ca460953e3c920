"""Events other systems follow: a referat published, an agenda sent, a deadline overdue, an
incident reported, a seat changed. The apps raise them where the change happens, inside its
transaction; whoever listens (the API's webhooks, api/events.py) records what to deliver in the
same transaction, so an event is never lost with a crash and never sent for a change that was
rolled back. Core names the events and carries them; it knows nothing of who listens."""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

REFERAT_PUBLISHED = "referat.published"
AGENDA_DISPATCHED = "agenda.dispatched"
DEADLINE_OVERDUE = "deadline.overdue"
INCIDENT_REPORTED = "incident.reported"
MEMBERSHIP_CHANGED = "membership.changed"

EVENTS = (
    REFERAT_PUBLISHED,
    AGENDA_DISPATCHED,
    DEADLINE_OVERDUE,
    INCIDENT_REPORTED,
    MEMBERSHIP_CHANGED,
)

# sender: the event's name; kommune_id; payload: a callable returning the JSON body's "data"
# (called only when someone listens); key: identifies the occurrence, so raising it twice (a
# periodic job run again) delivers it once.
raised = Signal()


_interest: list[Callable[[str, int], bool]] = []


def interest(check: Callable[[str, int], bool]) -> Callable[[str, int], bool]:
    """A listener says whether anyone in a kommune wants an event (a cheap check a job asks
    before looking for occurrences, e.g. overdue deadlines)."""
    _interest.append(check)
    return check


def wanted(event: str, kommune_id: int) -> bool:
    return any(check(event, kommune_id) for check in _interest)


def emit(event: str, *, kommune_id: int, payload: Callable[[], dict], key: str = "") -> None:
    assert event in EVENTS, event
    raised.send(sender=event, kommune_id=kommune_id, payload=payload, key=key)
