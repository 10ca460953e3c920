"""Reads about who sits where, shared by the deadline rules (loaded once per evaluation)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from .models import Committee, Membership


@dataclass(frozen=True)
class Seat:
    membership_id: int
    person_id: int
    committee_id: int
    committee_kind: str
    role: str
    side: str
    chosen: str
    start: datetime.date
    term_end: datetime.date | None
    ended: datetime.date | None
    person_unit_id: int | None
    person_left: datetime.date | None
    committee_closed: datetime.date | None

    def active_on(self, day: datetime.date) -> bool:
        return (
            self.start <= day
            and (self.ended is None or self.ended > day)
            and (self.person_left is None or self.person_left > day)
            and (self.committee_closed is None or self.committee_closed > day)
        )

    @property
    def end(self) -> datetime.date | None:
        ends = [d for d in (self.ended, self.person_left, self.committee_closed) if d]
        return min(ends) if ends else None


def seats_by_person(ctx) -> dict[int, list[Seat]]:
    """Every seat (active and ended) of the people the evaluation is about."""

    def load():
        # Unordered: the rules read a person's seats as a set (the default ordering joins the
        # committee and the person only to sort).
        queryset = Membership.objects.order_by()
        queryset = ctx.filter(queryset, "person_id", "person")
        rows = queryset.values_list(
            "pk",
            "person_id",
            "committee_id",
            "committee__kind",
            "role",
            "side",
            "chosen",
            "start_date",
            "term_end",
            "ended_on",
            "person__unit_id",
            "person__left_on",
            "committee__closed_on",
        )
        result = defaultdict(list)
        # A full evaluation streams the kommune's seats; a targeted one reads its few at once
        # (a server-side cursor costs three round trips).
        for row in rows.iterator(chunk_size=5000) if ctx.is_full else rows:
            seat = Seat(*row)
            result[seat.person_id].append(seat)
        return result

    return ctx.memo("seats_by_person", load)


def tenure_start(seats: list[Seat], today: datetime.date) -> datetime.date | None:
    """Start of the continuous period of seats that includes today (re-election without a gap
    keeps the original start); None when no seat is active today. A seat that starts the day
    after the previous one ended (ended 31 December, re-elected from 1 January) is no gap."""
    if not any(seat.active_on(today) for seat in seats):
        return None
    ordered = sorted(seats, key=lambda s: s.start)
    block_start, block_end = None, None
    for seat in ordered:
        if seat.start > today:
            break
        gap = block_end is not None and seat.start > block_end + datetime.timedelta(days=1)
        if block_start is None or gap:
            block_start = seat.start
            block_end = seat.end
        elif block_end is not None:
            block_end = None if seat.end is None else max(block_end, seat.end)
    return block_start


def is_amo_seat(seat: Seat) -> bool:
    return seat.committee_kind in Committee.AMO_KINDS and seat.role != Membership.Role.SEKRETAER


def is_amo_basic_seat(seat: Seat) -> bool:
    """AML § 9: the 3-day course applies to the AMR and the arbejdsleder in the AMO."""
    return seat.committee_kind in Committee.AMO_KINDS and seat.role in (
        Membership.Role.AMR,
        Membership.Role.LEDER,
    )


def is_med_seat(seat: Seat) -> bool:
    """Seed 003: new MED members; where the MED is a personalemøde, the TR and AMR."""
    if seat.role == Membership.Role.SEKRETAER:
        return False
    if seat.committee_kind == Committee.Kind.PERSONALEMOEDE:
        return seat.role in (Membership.Role.TR, Membership.Role.AMR)
    return seat.committee_kind in (
        Committee.Kind.HOVEDMED,
        Committee.Kind.AFDELINGSMED,
        Committee.Kind.LOKALMED,
        Committee.Kind.ADHOC,
    )


def is_elected_representative(seat: Seat) -> bool:
    """Seed 003's "medarbejderrepræsentant": an elected seat on the employee side."""
    return (
        seat.side == Membership.Side.MEDARBEJDER
        and seat.chosen == Membership.Chosen.ELECTED
        and seat.committee_kind != Committee.Kind.TRIO
    )
