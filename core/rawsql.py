"""Columns of a model for a statement written out in SQL, and their values read back as Django
reads them.

A few pages read on every request a query whose building in the ORM costs more than its
answer (a join of three tables takes the ORM about a millisecond to build and PostgreSQL a
tenth of that). Those write the statement out; this module keeps what the ORM would still have
done for them: the columns of a model named from its fields, and each value passed through the
database backend's and the field's converters (SQLite gives dates as text and UUIDs as hex),
so that an instance or a value is the same as the ORM's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.db import connection


class Columns:
    """Some (by default all) concrete fields of `model` as columns of table alias `alias`."""

    def __init__(self, model, alias: str, fields: tuple[str, ...] | None = None):
        self.model = model
        concrete = model._meta.concrete_fields
        if fields is not None:
            # In the model's order, as `Model.from_db` takes the values of some fields.
            wanted = set(fields)
            concrete = [f for f in concrete if f.name in wanted or f.attname in wanted]
            assert len(concrete) == len(wanted), f"unknown fields of {model.__name__}: {fields}"
        self.fields = list(concrete)
        self.attnames = [f.attname for f in self.fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self.width = len(self.fields)

    def values(self, row) -> list:
        """The fields' values from the start of `row`, converted as the ORM converts them."""
        converted = []
        for value, (col, converters) in zip(
            row, _converters(self.model, self.fields), strict=False
        ):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return converted

    def instance(self, row):
        """A model instance of the fields' values from the start of `row` (the other fields
        are deferred, as with `.only()`)."""
        return self.model.from_db(connection.alias, self.attnames, self.values(row))


def converter(model, name: str) -> Callable[[object], object]:
    """One field's value read by a written-out statement whose columns are not one model's
    (a UNION of several), converted as the ORM converts it."""
    field = model._meta.get_field(name)
    ((col, converters),) = _converters_of(model, (field.attname,), connection.vendor)

    def convert(value):
        for function in converters:
            value = function(value, col, connection)
        return value

    return convert


def _converters(model, fields):
    return _converters_of(model, tuple(f.attname for f in fields), connection.vendor)


@cache
def _converters_of(model, attnames: tuple[str, ...], vendor: str):
    """For each field: the column expression and the converters the ORM applies to it (the
    backend's first, then the field's), as `SQLCompiler.get_converters` finds them."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    found = []
    for attname in attnames:
        col = by_attname[attname].get_col(model._meta.db_table)
        found.append(
            (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        )
    return found
