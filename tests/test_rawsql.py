"""core.rawsql: a written-out statement reads the same instances and values as the ORM, on the
database the tests run on (PostgreSQL in CI; SQLite, the embedded default, gives dates as text
and UUIDs as hex, which the converters turn back)."""

from __future__ import annotations

import datetime

from django.db import connection

from core.rawsql import Columns
from core.tenancy import scopes_disabled
from organisations.models import Unit


def _read(columns: Columns, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql} FROM {Unit._meta.db_table} u WHERE u.id = %s", [pk])
        return cursor.fetchone()


def test_an_instance_read_by_a_written_out_statement_is_the_orms(org_a):
    with scopes_disabled():
        Unit.objects.filter(pk=org_a.workplace.pk).update(
            closed_on=datetime.date(2026, 3, 31), headcount=17
        )
        expected = Unit.objects.get(pk=org_a.workplace.pk)
        columns = Columns(Unit, "u")
        unit = columns.instance(_read(columns, expected.pk))
    for field in Unit._meta.concrete_fields:
        assert getattr(unit, field.attname) == getattr(expected, field.attname), field.name
    assert unit.public_id == expected.public_id and unit.closed_on == datetime.date(2026, 3, 31)
    assert unit._state.adding is False and unit.pk == expected.pk


def test_some_fields_come_in_the_models_order_and_the_rest_are_deferred(org_a):
    with scopes_disabled():
        expected = Unit.objects.get(pk=org_a.workplace.pk)
        # Asked for in another order than the model's: read in the model's.
        columns = Columns(Unit, "u", ("name", "public_id", "id"))
        assert columns.attnames == ["id", "public_id", "name"]
        unit = columns.instance(_read(columns, expected.pk))
        assert (unit.pk, unit.public_id, unit.name) == (
            expected.pk,
            expected.public_id,
            expected.name,
        )
        assert unit.get_deferred_fields() >= {"kind", "path", "closed_on"}
