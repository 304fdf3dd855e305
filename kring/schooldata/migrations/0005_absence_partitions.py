"""The absence rows in partitions by school year on PostgreSQL (docs/adr/0021); nothing on SQLite.

The table is rebuilt: a new table `PARTITION BY RANGE (day)` with the same columns (and identity), a partition for
each school year that has rows, the last one, this one and the next, and a DEFAULT partition; the rows copied over; the old table
dropped and the new one renamed; then its primary key `(id, day)`, the unique constraint `absence_unique_source`
as `(municipality_id, source_id, day)`, its foreign keys and indexes (the same names and definitions as before) made
on the parent, which makes them on every partition. Django's model state does not change: it keeps `id` as the
primary key (ids still come from one sequence, so they stay unique) and `(municipality, source_id)` as the unique
constraint, which the import keeps by finding a record's row by its source id before writing (docs/adr/0021).
The migration runs in one transaction: with tens of millions of rows, plan the time (docs/operations.md)."""

from django.db import migrations
from django.utils import timezone

from kring.schooldata.partitions import TABLE, create_partitions, school_year_of

NEW = f"{TABLE}_partitioned"
OLD = f"{TABLE}_unpartitioned"


def _definitions(cursor, table):
    """The table's indexes that back no constraint (CREATE INDEX statements) and its foreign keys
    (ALTER TABLE … ADD CONSTRAINT), as they are now: replayed on the rebuilt table under the same name."""
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = to_regclass(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indexrelid::regclass::text
        """,
        [table],
    )
    indexes = [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]  # a partitioned index: ON ONLY
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname
        """,
        [table],
    )
    keys = [f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for name, definition in cursor.fetchall()]
    return indexes, keys


def _rebuild(cursor, *, partitioned):
    """Copy the table into a new one (partitioned or not), drop the old one and give the new one its name,
    its keys and indexes."""
    cursor.execute(
        "SELECT (SELECT count(*) FROM pg_constraint WHERE confrelid = to_regclass(%s)),"
        " (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal)",
        [TABLE, TABLE],
    )
    if cursor.fetchone() != (0, 0):  # neither is copied: this migration would need to make them again
        raise RuntimeError(f"{TABLE} has foreign keys pointing to it or triggers: rebuild them too")
    indexes, keys = _definitions(cursor, TABLE)
    cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{OLD}"')
    tail = " PARTITION BY RANGE (day)" if partitioned else ""
    cursor.execute(
        f'CREATE TABLE "{NEW}" (LIKE "{OLD}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY){tail}'
    )
    if partitioned:
        cursor.execute(f'SELECT DISTINCT day FROM "{OLD}"')  # noqa: S608
        years = {school_year_of(day) for (day,) in cursor.fetchall()}
        current = school_year_of(timezone.localdate())
        create_partitions(cursor, years | {current - 1, current, current + 1}, table=NEW)
    cursor.execute(f'INSERT INTO "{NEW}" SELECT * FROM "{OLD}"')  # noqa: S608
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [OLD])
    cursor.execute(f"SELECT last_value, is_called FROM {cursor.fetchone()[0]}")  # noqa: S608
    last, called = cursor.fetchone()  # ids go on from where they were: none is given twice
    cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [NEW, last, called])
    cursor.execute(f'DROP TABLE "{OLD}"')
    cursor.execute(f'ALTER TABLE "{NEW}" RENAME TO "{TABLE}"')
    cursor.execute(f'ALTER SEQUENCE "{NEW}_id_seq" RENAME TO "{TABLE}_id_seq"')
    day = ", day" if partitioned else ""
    cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id{day})')
    cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "absence_unique_source" UNIQUE (municipality_id, source_id{day})')
    for statement in keys + indexes:
        cursor.execute(statement)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=False)


class Migration(migrations.Migration):

    dependencies = [
        ("schooldata", "0004_standard_guardians_lessons"),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
