"""Ready for Citus (issue 19 §5, docs/adr/0019): every tenant table carries `municipality_id`, includes it in every
unique constraint, and reaches other tenant tables by foreign keys that include it.

The tables that are not distributed, and the gaps still open, are data in `kring/distribution.py`; this test holds
the models (and, on PostgreSQL, the real catalog) to exactly that: a new gap fails, and so does a closed gap still
listed. The metadata checks run on every database; the catalog checks only on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import ForeignKey, Model, UniqueConstraint

from kring.distribution import (
    NOT_DISTRIBUTED,
    UNIQUE_WITHOUT_MUNICIPALITY,
    WITHOUT_COMPOSITE_KEY,
    WITHOUT_MUNICIPALITY,
)

TENANT = "municipality"


def _models() -> list[type[Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _tenant_models() -> list[type[Model]]:
    return [model for model in _models() if _label(model) not in NOT_DISTRIBUTED]


def _has_municipality(model: type[Model]) -> bool:
    return any(field.attname == "municipality_id" for field in model._meta.concrete_fields)


def _carrying() -> list[type[Model]]:
    """The tenant tables that carry `municipality_id` (the others are gaps)."""
    return [model for model in _tenant_models() if _has_municipality(model)]


def _unique_sets(model: type[Model]) -> Iterator[tuple[str, ...]]:
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field.name,)
    for together in model._meta.unique_together:
        yield tuple(together)
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint):
            yield tuple(constraint.fields) or (constraint.name,)


def _tenant_foreign_keys() -> list[tuple[type[Model], ForeignKey]]:
    """Foreign keys from a tenant table to a tenant table, both carrying `municipality_id`."""
    carrying = set(_carrying())
    return [
        (model, field)
        for model in carrying
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey) and field.name != TENANT and field.related_model in carrying
    ]


def _fk_name(model: type[Model], field: ForeignKey) -> str:
    return f"{_label(model)}.{field.name}"


def test_every_table_not_distributed_exists_and_says_why() -> None:
    labels = {_label(model) for model in _models()}

    assert sorted(set(NOT_DISTRIBUTED) - labels) == []
    assert all(kind in {"reference", "local"} and len(reason) > 10 for kind, reason in NOT_DISTRIBUTED.values())


def test_no_table_points_from_a_reference_table_into_a_tenant_table() -> None:
    """Citus allows foreign keys from distributed tables to reference tables, never the other way."""
    tenant = set(_tenant_models())
    wrong = [
        f"{_label(model)}.{field.name}"
        for model in _models()
        if _label(model) in NOT_DISTRIBUTED and NOT_DISTRIBUTED[_label(model)][0] == "reference"
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in tenant
    ]

    assert wrong == []


def test_every_tenant_table_carries_the_municipality_but_the_listed_gaps() -> None:
    missing = {_label(model) for model in _tenant_models() if not _has_municipality(model)}

    assert sorted(missing - WITHOUT_MUNICIPALITY) == [], "a new tenant table without `municipality`"
    assert sorted(WITHOUT_MUNICIPALITY - missing) == [], "closed gaps: remove them from WITHOUT_MUNICIPALITY"


def test_every_unique_constraint_of_a_tenant_table_includes_the_municipality_but_the_listed_gaps() -> None:
    missing = {
        f"{_label(model)}: {', '.join(fields)}"
        for model in _carrying()
        for fields in _unique_sets(model)
        if TENANT not in fields
    }

    assert sorted(missing - UNIQUE_WITHOUT_MUNICIPALITY) == [], "a new unique constraint without `municipality`"
    assert sorted(UNIQUE_WITHOUT_MUNICIPALITY - missing) == [], "closed gaps: remove them from the list"


def test_the_foreign_keys_listed_without_a_composite_key_are_foreign_keys_between_tenant_tables() -> None:
    names = {_fk_name(model, field) for model, field in _tenant_foreign_keys()}

    assert sorted(WITHOUT_COMPOSITE_KEY - names) == []


# --- the real catalog (PostgreSQL) ----------------------------------------------------------------------------------

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the catalog checks are PostgreSQL's")

CONSTRAINT_COLUMNS = """
    SELECT con.conname, cls.relname, con.contype,
           ARRAY(SELECT att.attname FROM unnest(con.conkey) k JOIN pg_attribute att
                 ON att.attrelid = con.conrelid AND att.attnum = k ORDER BY att.attname),
           ref.relname,
           ARRAY(SELECT att.attname FROM unnest(con.confkey) k JOIN pg_attribute att
                 ON att.attrelid = con.confrelid AND att.attnum = k ORDER BY att.attname)
    FROM pg_constraint con
    JOIN pg_class cls ON cls.oid = con.conrelid
    LEFT JOIN pg_class ref ON ref.oid = con.confrelid
    WHERE cls.relnamespace = 'public'::regnamespace AND con.contype IN ('f', 'u')
"""


def _catalog() -> list[tuple[str, str, str, list[str], str | None, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(CONSTRAINT_COLUMNS)
        return [
            (name, table, kind, list(cols), ref, list(ref_cols or []))
            for name, table, kind, cols, ref, ref_cols in cursor.fetchall()
        ]


@postgresql
@pytest.mark.django_db
def test_on_postgresql_every_tenant_table_has_a_not_null_municipality_id() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'municipality_id' AND is_nullable = 'NO'"
        )
        not_null = {row[0] for row in cursor.fetchall()}

    tables = {model._meta.db_table for model in _carrying()}
    assert sorted(tables - not_null) == []


@postgresql
@pytest.mark.django_db
def test_on_postgresql_every_foreign_key_between_tenant_tables_has_its_composite_key() -> None:
    composite = {
        (table, next(col for col in cols if col != "municipality_id"), ref)
        for _name, table, kind, cols, ref, ref_cols in _catalog()
        if kind == "f" and len(cols) == 2 and "municipality_id" in cols and ref_cols == ["id", "municipality_id"]
    }
    missing = {
        _fk_name(model, field)
        for model, field in _tenant_foreign_keys()
        if (model._meta.db_table, field.column, field.related_model._meta.db_table) not in composite
    }

    assert sorted(missing - WITHOUT_COMPOSITE_KEY) == [], "add the composite key in a migration (see ADR 0019)"
    assert sorted(WITHOUT_COMPOSITE_KEY - missing) == [], "closed gaps: remove them from WITHOUT_COMPOSITE_KEY"


@postgresql
@pytest.mark.django_db
def test_on_postgresql_every_unique_constraint_of_a_tenant_table_includes_municipality_id() -> None:
    tables = {model._meta.db_table: model for model in _carrying()}
    listed = {entry.split(":")[0] for entry in UNIQUE_WITHOUT_MUNICIPALITY}
    missing = sorted(
        f"{table}: {', '.join(cols)}"
        for _name, table, kind, cols, _ref, _ref_cols in _catalog()
        if kind == "u" and table in tables and "municipality_id" not in cols and _label(tables[table]) not in listed
    )

    assert missing == []
