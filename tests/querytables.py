"""The tables a piece of code's queries join, for tests that check what code declares it reads
(the deadline rules' `reads`, the portal panels' `reads`)."""

from __future__ import annotations

from unittest import mock

from django.apps import apps
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import BaseTable


def tables_joined(run) -> set[str]:
    """The models (lower-case labels) of every table a query made while `run()` runs joins,
    also queries that are never sent (e.g. an IN () that Django knows to be empty)."""
    labels = {model._meta.db_table: model._meta.label_lower for model in apps.get_models()}
    tables = set()
    as_sql = SQLCompiler.as_sql

    def recording(compiler, *args, **kwargs):
        sql = as_sql(compiler, *args, **kwargs)
        # The joins the query uses (a join set up for a filter on `kommune_id` is trimmed).
        query = compiler.query
        tables.update(
            join.table_name
            for alias, join in query.alias_map.items()
            if query.alias_refcount.get(alias) or isinstance(join, BaseTable)
        )
        return sql

    with mock.patch.object(SQLCompiler, "as_sql", recording):
        run()
    return {labels[table] for table in tables if table in labels}
