"""Who is reminded of a deadline, and who it is escalated to.

- A person's deadline reminds that person.
- A committee's deadline reminds its active formand and næstformand; an AMG or TRIO without a
  formand reminds its active leder and AMR instead (they run it together).
- Escalation goes to the responsible leader: the leader of the deadline's unit (or the person's
  own unit), walking up the unit's ancestors past units without a leader, past a leader who has
  left and past the people already reminded (a leader is not escalated to about themself). The
  next level up is the next leader above that one (seed 003: "inddragelse af det overliggende
  ledelsesniveau").

`Resolver` loads what it needs for a whole batch of deadlines in a fixed number of queries, so
planning costs the same number of queries for ten deadlines as for ten thousand.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from committees.models import Committee, Membership
from organisations.models import Unit, path_ids

from .models import ReminderItem

Basis = ReminderItem.Basis

CHAIR_ROLES = (Membership.Role.FORMAND, Membership.Role.NAESTFORMAND)
# An AMG or TRIO usually has no formand: its leder and AMR share the responsibility.
NO_CHAIR_KINDS = (Committee.Kind.AMG, Committee.Kind.TRIO)
NO_CHAIR_ROLES = (Membership.Role.LEDER, Membership.Role.AMR)


@dataclass(frozen=True)
class Contact:
    person_id: int
    email: str
    left_on: datetime.date | None

    def has_left(self, today: datetime.date) -> bool:
        return self.left_on is not None and self.left_on <= today


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    basis: str
    role: str = ""
    unit_id: int | None = None

    @property
    def person_id(self) -> int:
        return self.contact.person_id


# The columns of a candidate deadline the resolver reads (see `services.reminders_plan`).
DEADLINE_COLUMNS = (
    "pk",
    "due_date",
    "person_id",
    "person__email",
    "person__left_on",
    "person__unit_id",
    "committee_id",
    "committee__kind",
    "unit_id",
)


class Resolver:
    def __init__(self, deadlines: list[dict], today: datetime.date):
        self.today = today
        self._seats = self._load_seats({d["committee_id"] for d in deadlines} - {None})
        self._paths, self._leaders = self._load_units(
            {self._start_unit(d) for d in deadlines} - {None}
        )

    # --- loading (one query each) --------------------------------------------------------------

    def _load_seats(self, committee_ids: set[int]) -> dict[int, list[tuple[str, Contact]]]:
        seats: dict[int, list[tuple[str, Contact]]] = defaultdict(list)
        if not committee_ids:
            return seats
        rows = (
            Membership.objects.filter(
                committee_id__in=committee_ids,
                role__in=(*CHAIR_ROLES, *NO_CHAIR_ROLES),
                start_date__lte=self.today,
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=self.today))
            .order_by("committee_id", "role", "person_id")
            .values_list("committee_id", "role", "person_id", "person__email", "person__left_on")
        )
        for committee_id, role, person_id, email, left_on in rows:
            seats[committee_id].append((role, Contact(person_id, email, left_on)))
        return seats

    def _load_units(self, start_ids: set[int]):
        if not start_ids:
            return {}, {}
        paths = {
            pk: path_ids(path)
            for pk, path in Unit.objects.filter(pk__in=start_ids).values_list("pk", "path")
        }
        ancestor_ids = {pk for ids in paths.values() for pk in ids}
        leaders = {
            pk: Contact(leader_id, email, left_on)
            for pk, leader_id, email, left_on in Unit.objects.filter(
                pk__in=ancestor_ids, leader__isnull=False
            ).values_list("pk", "leader_id", "leader__email", "leader__left_on")
        }
        return paths, leaders

    @staticmethod
    def _start_unit(deadline: dict) -> int | None:
        return deadline["unit_id"] or deadline["person__unit_id"]

    # --- deciding ------------------------------------------------------------------------------

    def responsible(self, deadline: dict) -> list[Recipient]:
        """The people the deadline itself reminds (one entry per person)."""
        if deadline["person_id"]:
            contact = Contact(
                deadline["person_id"], deadline["person__email"], deadline["person__left_on"]
            )
            return [Recipient(contact, Basis.RESPONSIBLE)]
        if not deadline["committee_id"]:
            return []
        seats = self._seats.get(deadline["committee_id"], [])
        chosen = [(role, c) for role, c in seats if role in CHAIR_ROLES]
        if deadline["committee__kind"] in NO_CHAIR_KINDS and not any(
            role == Membership.Role.FORMAND for role, _c in seats
        ):
            chosen += [(role, c) for role, c in seats if role in NO_CHAIR_ROLES]
        result: dict[int, Recipient] = {}
        for role, contact in chosen:
            # One person holding two of the roles gets one reminder.
            result.setdefault(contact.person_id, Recipient(contact, Basis.COMMITTEE, role=role))
        return list(result.values())

    def leader_chain(self, deadline: dict, exclude: set[int]) -> list[Recipient]:
        """[responsible leader, next level up], as far as they exist."""
        start = self._start_unit(deadline)
        chain: list[Recipient] = []
        seen = set(exclude)
        for unit_id in reversed(self._paths.get(start, [])):
            leader = self._leaders.get(unit_id)
            # A unit without a leader, or whose leader has left, is passed: the duty goes to the
            # leader above rather than to nobody.
            if leader is None or leader.has_left(self.today) or leader.person_id in seen:
                continue
            seen.add(leader.person_id)
            basis = Basis.LEADER if not chain else Basis.LEADER_UP
            chain.append(Recipient(leader, basis, unit_id=unit_id))
            if len(chain) == 2:
                break
        return chain
