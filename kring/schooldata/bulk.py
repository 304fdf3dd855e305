"""Inserting many rows fast: one prepared INSERT run over all of them (`executemany`). The ORM's bulk_create
prepares every field of every object in Python, which costs more than the database's own work for narrow rows such
as lesson absences. Only names from the model's metadata go into the statement; the values are parameters."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


@cache
def insert_statement(model: type[models.Model], fields: tuple[str, ...]) -> str:
    meta = model._meta
    quote = connection.ops.quote_name
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert the rows (values in the order of `fields`, dates already adapted with `adapt_date`)."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(insert_statement(model, fields), rows)
    return len(rows)


def adapt_date(day: Any) -> Any:
    return connection.ops.adapt_datefield_value(day)
