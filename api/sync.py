"""The HR system's sync: units and people upserted by the HR system's own keys (a unit's code, a
person's employee number), all or nothing.

- Every row is checked before anything is written; one bad row rejects the whole call with a
  Danish message per row and field (nothing half-written).
- Idempotent: a row equal to what is stored changes nothing (no save, no history row), so the
  same call twice changes nothing the second time.
- `dry_run` says what would change and writes nothing.
- `full`: the lists are the whole organisation. People with an employee number who are missing
  from it have left: `left_on` is set to today, their seats end today and their deadlines are
  cancelled by the engine. People without an employee number (entered by hand in the admin) are
  not the HR system's and are left alone; units are never closed by omission (a unit's closing
  is sent as its `closed_on`).
- Writes go through the organisation's services and the history's bulk helpers with the API
  client's account as the acting user; the engine then refreshes the deadlines of everyone
  touched in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from committees.models import Membership
from core import events
from core.cache import clear_kommune_caches
from deadlines.engine import refresh
from organisations.models import Person, Unit
from organisations.services import unit_save

CHANGES_SHOWN = 1000
BATCH = 2000

UNIT_FIELDS = {"external_id", "name", "kind", "parent", "headcount", "closed_on"}
PERSON_FIELDS = {
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "unit",
    "hired_on",
    "left_on",
}
LEVEL = {Unit.Kind.OMRAADE: 0, Unit.Kind.ARBEJDSPLADS: 1, Unit.Kind.AFDELING: 2}
_email = EmailValidator()


class SyncRejected(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0


@dataclass
class SyncResult:
    dry_run: bool
    full: bool
    units: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    changes: list[dict] = field(default_factory=list)

    def change(self, type_: str, external_id: str, action: str, fields=()) -> None:
        if len(self.changes) < CHANGES_SHOWN:
            self.changes.append(
                {"type": type_, "external_id": external_id, "action": action, "fields": fields}
            )

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "full": self.full,
            "units": vars(self.units),
            "people": vars(self.people),
            "changes": self.changes,
        }

    def summary(self) -> str:
        u, p = self.units, self.people
        return _(
            "%(mode)sSynkronisering: enheder %(uc)s nye, %(uu)s ændrede; personer %(pc)s nye, "
            "%(pu)s ændrede, %(pe)s fratrådte"
        ) % {
            "mode": _("Prøvekørsel. ") if self.dry_run else "",
            "uc": u.created,
            "uu": u.updated,
            "pc": p.created,
            "pu": p.updated,
            "pe": p.ended,
        }


# --- checking --------------------------------------------------------------------------------------


class _Row:
    """Collects one row's messages by field."""

    def __init__(self, errors: list, list_name: str, index: int, raw):
        self.errors, self.list_name, self.index, self.raw = errors, list_name, index, raw
        self.messages: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.messages.setdefault(name, []).append(str(message))

    def text(self, name: str, max_length: int, *, required=False) -> str | None:
        """The value (stripped), "" for an empty optional one, None when absent."""
        if name not in self.raw:
            if required:
                self.fail(name, _("Feltet skal udfyldes."))
            return None
        value = self.raw[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _("Skal være tekst."))
            return None
        value = value.strip()
        if required and not value:
            self.fail(name, _("Feltet skal udfyldes."))
        elif len(value) > max_length:
            self.fail(name, _("Højst %(n)s tegn.") % {"n": max_length})
        return value

    def date(self, name: str) -> datetime.date | None | bool:
        """A date, None for null, False when absent."""
        if name not in self.raw:
            return False
        value = self.raw[name]
        if value is None or value == "":
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(name, _("Ugyldig dato; brug ÅÅÅÅ-MM-DD."))
            return None

    def done(self, external_id) -> None:
        if self.messages:
            self.errors.append(
                {
                    "list": self.list_name,
                    "row": self.index,
                    "external_id": external_id if isinstance(external_id, str) else None,
                    "messages": self.messages,
                }
            )


def _check_list(value, name: str, errors: list) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        errors.append(
            {
                "list": "request",
                "row": None,
                "external_id": None,
                "messages": {name: [_("Skal være en liste af objekter.")]},
            }
        )
        return []
    return value


def _unknown(row: _Row, allowed: set[str]) -> None:
    for name in sorted(set(row.raw) - allowed):
        row.fail(name, _("Ukendt felt."))


def _check_units(raw_units: list, stored: dict[str, dict], errors: list) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for index, raw in enumerate(raw_units):
        row = _Row(errors, "units", index, raw)
        _unknown(row, UNIT_FIELDS)
        code = row.text("external_id", 80, required=True)
        if code:
            try:
                validate_slug(code)
            except ValidationError:
                row.fail("external_id", _("Kun bogstaver a-z, tal, bindestreg og understreg."))
            if code in rows:
                row.fail("external_id", _("Enheden står flere gange i listen."))
        values = {"name": row.text("name", 200, required=True)}
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in LEVEL:
            row.fail("kind", _("Ukendt type; brug omraade, arbejdsplads eller afdeling."))
        values["kind"] = kind
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            row.fail("parent", _("Skal være den overordnede enheds external_id."))
            parent = None
        values["parent"] = parent or None
        if "headcount" in raw:
            headcount = raw["headcount"]
            if not isinstance(headcount, int) or isinstance(headcount, bool) or headcount < 0:
                row.fail("headcount", _("Skal være et helt tal, 0 eller derover."))
            values["headcount"] = headcount
        closed_on = row.date("closed_on")
        if closed_on is not False:
            values["closed_on"] = closed_on
        row.done(code)
        if code and not row.messages:
            rows[code] = values
        elif code:
            rows.setdefault(code, None)
    # The parents: in the list or stored, of the kind above.
    for index, raw in enumerate(raw_units):
        code = raw.get("external_id")
        values = rows.get(code) if isinstance(code, str) else None
        if not values:
            continue
        row = _Row(errors, "units", index, raw)
        expected = Unit.PARENT_KIND[values["kind"]]
        parent = values["parent"]
        if expected is None and parent:
            row.fail("parent", _("Et område/en forvaltning har ingen overordnet."))
        elif expected is not None:
            if not parent:
                row.fail("parent", _("Angiv den overordnede enhed."))
            else:
                parent_values = rows.get(parent) or stored.get(parent)
                if parent == code:
                    row.fail("parent", _("En enhed kan ikke ligge under sig selv."))
                elif parent_values is None:
                    row.fail("parent", _("Ukendt enhed: %(code)s.") % {"code": parent})
                elif parent_values["kind"] != expected:
                    row.fail(
                        "parent",
                        _("En enhed af typen %(kind)s skal ligge under en %(parent)s.")
                        % {
                            "kind": Unit.Kind(values["kind"]).label,
                            "parent": Unit.Kind(expected).label,
                        },
                    )
        row.done(code)
    return {code: values for code, values in rows.items() if values}


def _check_people(raw_people: list, unit_codes: set[str], errors: list) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for index, raw in enumerate(raw_people):
        row = _Row(errors, "people", index, raw)
        _unknown(row, PERSON_FIELDS)
        number = row.text("external_id", 40, required=True)
        if number and number in rows:
            row.fail("external_id", _("Personen står flere gange i listen."))
        values = {
            "first_name": row.text("first_name", 100, required=True),
            "last_name": row.text("last_name", 100, required=True),
        }
        for name, length in (("email", 254), ("phone", 30), ("job_title", 120)):
            value = row.text(name, length)
            if value is not None:
                values[name] = value
        if values.get("email"):
            try:
                _email(values["email"])
            except ValidationError:
                row.fail("email", _("Ugyldig e-mailadresse."))
        if "unit" in raw:
            unit = raw["unit"]
            if unit is not None and not isinstance(unit, str):
                row.fail("unit", _("Skal være enhedens external_id."))
            elif unit and unit not in unit_codes:
                row.fail("unit", _("Ukendt enhed: %(code)s.") % {"code": unit})
            else:
                values["unit"] = unit or None
        for name in ("hired_on", "left_on"):
            value = row.date(name)
            if value is not False:
                values[name] = value
        hired_on, left_on = values.get("hired_on"), values.get("left_on")
        if hired_on and left_on and left_on < hired_on:
            row.fail("left_on", _("Fratrædelsen kan ikke ligge før ansættelsen."))
        row.done(number)
        if number and not row.messages and number not in rows:
            rows[number] = values
    return rows


# --- applying ---------------------------------------------------------------------------------------


def sync(kommune, *, units, people, full, dry_run, acting_user) -> SyncResult:
    """Run inside the kommune's tenant scope. Raises SyncRejected with every row's errors."""
    errors: list[dict] = []
    raw_units = _check_list(units, "units", errors)
    raw_people = _check_list(people, "people", errors)
    for name, value in (("full", full), ("dry_run", dry_run)):
        if not isinstance(value, bool):
            errors.append(
                {
                    "list": "request",
                    "row": None,
                    "external_id": None,
                    "messages": {name: [_("Skal være true eller false.")]},
                }
            )
    if errors:
        raise SyncRejected(errors)

    stored_units = {
        row["code"]: row
        for row in Unit.objects.values(
            "pk", "code", "name", "kind", "parent__code", "headcount", "closed_on"
        )
    }
    for row in stored_units.values():
        row["parent"] = row.pop("parent__code")
    unit_rows = _check_units(raw_units, stored_units, errors)
    person_rows = _check_people(raw_people, set(stored_units) | set(unit_rows), errors)
    if errors:
        raise SyncRejected(sorted(errors, key=lambda e: (e["list"], e["row"] or 0)))

    result = SyncResult(dry_run=dry_run, full=full)
    with transaction.atomic():
        unit_pks = _apply_units(kommune, unit_rows, stored_units, result, acting_user)
        touched = _apply_people(kommune, person_rows, unit_pks, full, result, acting_user)
        if dry_run:
            transaction.set_rollback(True)
        elif touched:
            # Bulk writes send no signals: the values cached from the kommune's people (the
            # organisation diagrams, their names) are dropped here (core.cache).
            clear_kommune_caches([kommune.pk])
            refresh(kommune, persons=touched, acting_user=acting_user)
    return result


def _apply_units(kommune, rows, stored, result: SyncResult, acting_user) -> dict[str, int | None]:
    """Upsert the units, parents first. Returns every unit's pk by code (None: would be new)."""
    pks: dict[str, int | None] = {code: row["pk"] for code, row in stored.items()}
    ordered = sorted(rows.items(), key=lambda item: LEVEL[item[1]["kind"]])
    by_code = {}
    changed_codes = [
        code
        for code, values in ordered
        if code not in stored or any(stored[code].get(k) != v for k, v in values.items())
    ]
    if changed_codes and not result.dry_run:
        by_code = {u.code: u for u in Unit.objects.filter(code__in=changed_codes)}
    for code, values in ordered:
        current = stored.get(code)
        if current is not None:
            fields = sorted(k for k, v in values.items() if current.get(k) != v)
            if not fields:
                result.units.unchanged += 1
                continue
            result.units.updated += 1
            result.change("unit", code, "updated", fields)
        else:
            fields = sorted(values)
            result.units.created += 1
            result.change("unit", code, "created", fields)
        if result.dry_run:
            pks.setdefault(code, None)
            continue
        unit = by_code.get(code) or Unit(kommune=kommune, code=code)
        for name, value in values.items():
            if name == "parent":
                unit.parent_id = pks[value] if value else None
            else:
                setattr(unit, name, value)
        unit_save(unit, acting_user=acting_user)
        pks[code] = unit.pk
    return pks


PERSON_COLUMNS = ("first_name", "last_name", "email", "phone", "job_title", "hired_on", "left_on")


def _apply_people(kommune, rows, unit_pks, full, result: SyncResult, acting_user) -> set[int]:
    """Upsert the people in bulk (with history); a full sync ends the missing. Returns the pks
    of everyone whose deadlines must follow."""
    today = timezone.localdate()
    stored = {
        row[1]: row
        for row in Person.objects.exclude(employee_number="").values_list(
            "pk", "employee_number", *PERSON_COLUMNS, "unit_id"
        )
    }
    index = {name: i + 2 for i, name in enumerate((*PERSON_COLUMNS, "unit"))}
    new: list[Person] = []
    updates: dict[int, dict] = {}
    for number, values in rows.items():
        wanted = dict(values)
        if "unit" in wanted:
            code = wanted.pop("unit")
            wanted["unit_id"] = unit_pks.get(code) if code else None
        current = stored.get(number)
        if current is None:
            result.people.created += 1
            result.change("person", number, "created", sorted(values))
            new.append(Person(kommune=kommune, employee_number=number, **wanted))
            continue
        changed = {}
        for name, value in wanted.items():
            column = "unit" if name == "unit_id" else name
            if current[index[column]] != value:
                changed[name] = value
        if not changed:
            result.people.unchanged += 1
            continue
        result.people.updated += 1
        result.change(
            "person", number, "updated", sorted("unit" if n == "unit_id" else n for n in changed)
        )
        updates[current[0]] = changed
    ended: list[int] = []
    if full:
        left_column = index["left_on"]
        for number, current in stored.items():
            if number in rows:
                continue
            if current[left_column] is not None and current[left_column] <= today:
                continue
            result.people.ended += 1
            result.change("person", number, "ended", ["left_on"])
            ended.append(current[0])
            updates.setdefault(current[0], {})["left_on"] = today
    if result.dry_run:
        return set()

    if new:
        bulk_create_with_history(new, Person, batch_size=BATCH, default_user=acting_user)
    touched = set(updates)
    for start in range(0, len(updates), BATCH):
        pks = list(updates)[start : start + BATCH]
        people = Person.objects.in_bulk(pks)
        fields: set[str] = set()
        for pk in pks:
            for name, value in updates[pk].items():
                setattr(people[pk], name, value)
                fields.add(name)
        bulk_update_with_history(
            list(people.values()), Person, sorted(fields), default_user=acting_user
        )
    if ended:
        _end_seats(kommune, ended, today, acting_user)
    if new:
        touched |= set(
            Person.objects.filter(employee_number__in=[p.employee_number for p in new]).values_list(
                "pk", flat=True
            )
        )
    return touched


def _end_seats(kommune, person_ids: list[int], today, acting_user) -> None:
    from committees.events import membership_event_data

    seats = list(
        Membership.objects.filter(person_id__in=person_ids, ended_on__isnull=True).select_related(
            "person", "committee"
        )
    )
    for seat in seats:
        seat.ended_on = max(today, seat.start_date)
    if seats:
        bulk_update_with_history(seats, Membership, ["ended_on"], default_user=acting_user)
    for seat in seats:
        events.emit(
            events.MEMBERSHIP_CHANGED,
            kommune_id=kommune.pk,
            payload=lambda seat=seat: membership_event_data(seat, "updated"),
        )
