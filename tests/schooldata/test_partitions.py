"""The absence rows in partitions by school year on PostgreSQL (docs/adr/0021), a plain table on SQLite; either way
the import writes the same rows and a record imported again is updated, never doubled, even moved to another year."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kring.schooldata import partitions
from kring.schooldata.importer import import_ss12000
from kring.schooldata.models import AbsenceKind, AbsenceRecord, ImportStatus
from kring.schooldata.partitions import (
    DEFAULT_PARTITION,
    maintain_absence_partitions,
    partition_name,
    school_year_of,
)
from kring.schooldata.testserver import RunningServer
from tests.conftest import World
from tests.schooldata.conftest import client_for, sid
from tests.schooldata.test_import import SWEDISH, _absence, _lesson, fill, run, snapshot

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL's; on SQLite the table stays plain"
)


def where(pk: int) -> str:
    """The partition a row is stored in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM schooldata_absencerecord WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def partitions_now() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'schooldata_absencerecord'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


def absence(world: World, day: date, source_id: str, minutes: int = 60) -> AbsenceRecord:
    return AbsenceRecord.objects.create(
        municipality=world.municipality, child=world.child, unit=world.school, day=day, minutes=minutes,
        kind=AbsenceKind.INVALID, source_id=source_id,
    )  # fmt: skip


def test_school_years_run_from_july_to_june() -> None:
    assert school_year_of(date(2026, 7, 1)) == 2026
    assert school_year_of(date(2027, 6, 30)) == 2026
    assert school_year_of(date(2026, 6, 30)) == 2025
    assert partition_name(2026) == "schooldata_absencerecord_2026_27"
    assert partition_name(2099) == "schooldata_absencerecord_2099_00"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path; PostgreSQL's is tested below")
def test_on_sqlite_the_table_is_plain_and_the_partition_functions_do_nothing(world: World) -> None:
    absence(world, date(2019, 3, 1), "a")

    assert not partitions.is_partitioned()
    assert maintain_absence_partitions(date(2026, 11, 18)) == partitions.Maintenance()
    assert partitions.partition_rows() == []
    out = StringIO()
    call_command("absence_partitions", stdout=out)
    assert "not partitioned" in out.getvalue()


@on_postgres
def test_the_table_is_partitioned_by_range_of_day_with_the_last_this_and_next_school_year_and_a_default(
    db: None,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'schooldata_absencerecord'::regclass"
        )
        assert cursor.fetchall() == [("r", "day")]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'schooldata_absencerecord'::regclass AND contype IN ('p', 'u') ORDER BY contype"
        )
        assert cursor.fetchall() == [("PRIMARY KEY (id, day)",), ("UNIQUE (municipality_id, source_id, day)",)]
    current = school_year_of(timezone.localdate())  # the migration ran on the suite's clock
    made = {partition_name(current - 1), partition_name(current), partition_name(current + 1), DEFAULT_PARTITION}
    assert made <= partitions_now()
    assert partitions.is_partitioned()


@on_postgres
def test_the_indexes_and_foreign_keys_are_on_the_parent_and_every_partition(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'schooldata_absencerecord'::regclass"
        )
        names = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'schooldata_absencerecord'::regclass AND contype = 'f'"
        )
        keys = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [DEFAULT_PARTITION])
        on_default = cursor.fetchone()[0]
    assert {"absence_unit_day_covering", "absence_child_day", "absence_unique_source"} <= names
    assert keys == 3  # municipality, child, unit
    assert on_default == len(names)


@on_postgres
def test_rows_of_two_school_years_land_in_their_partitions(world: World) -> None:
    maintain_absence_partitions(date(2026, 11, 18))
    maintain_absence_partitions(date(2025, 11, 18))
    spring, autumn = absence(world, date(2026, 6, 30), "spring"), absence(world, date(2026, 7, 1), "autumn")

    assert where(spring.pk) == "schooldata_absencerecord_2025_26"
    assert where(autumn.pk) == "schooldata_absencerecord_2026_27"
    assert list(
        AbsenceRecord.objects.filter(day__gte=date(2026, 6, 1)).order_by("day").values_list("pk", flat=True)
    ) == [
        spring.pk,
        autumn.pk,
    ]


@on_postgres
def test_a_row_of_a_year_without_a_partition_goes_to_default_and_is_moved_out_by_maintenance(world: World) -> None:
    old = absence(world, date(2019, 3, 1), "old", minutes=45)
    assert where(old.pk) == DEFAULT_PARTITION

    done = maintain_absence_partitions(date(2026, 11, 18))

    assert done.moved_years == [2018] and "schooldata_absencerecord_2018_19" in done.created
    assert where(old.pk) == "schooldata_absencerecord_2018_19"
    moved = AbsenceRecord.objects.get(pk=old.pk)
    assert (moved.day, moved.minutes, moved.source_id) == (date(2019, 3, 1), 45, "old")
    with connection.cursor() as cursor:  # the new partition got the parent's indexes as it was attached
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'schooldata_absencerecord_2018_19'")
        assert cursor.fetchone()[0] == 7
    assert maintain_absence_partitions(date(2026, 11, 18)) == partitions.Maintenance()  # nothing more to do


@on_postgres
def test_maintenance_makes_the_coming_school_years_ahead_and_back_to_since(db: None) -> None:
    # School years far from the suite's day, whatever day it runs on: the migration made the partitions of the
    # school years around that day already.
    done = maintain_absence_partitions(date(2051, 6, 30), ahead=2)

    assert done.created == [partition_name(2050), partition_name(2051), partition_name(2052)]
    assert done.moved_years == []
    assert maintain_absence_partitions(date(2051, 6, 30), since=date(2048, 8, 1)).created == [
        partition_name(2048),
        partition_name(2049),
    ]


@on_postgres
def test_the_command_makes_partitions_and_lists_them(world: World) -> None:
    absence(world, date(2012, 10, 1), "older")
    out = StringIO()

    call_command("absence_partitions", "--list", stdout=out)

    text = out.getvalue()
    assert "schooldata_absencerecord_2012_13" in text and "school years 2012/13" in text
    assert f"{DEFAULT_PARTITION:<40} {0:>12,}" in text


@on_postgres
def test_ids_stay_unique_across_partitions(world: World) -> None:
    maintain_absence_partitions(date(2026, 11, 18))
    rows = [absence(world, date(2025 + n % 2, 9, 1), f"r{n}") for n in range(6)]

    assert len({row.pk for row in rows}) == 6
    assert AbsenceRecord.objects.get(pk=rows[3].pk).source_id == "r3"


# -- the import: the same rows, and a record imported again is updated, whichever school year it moves to ----------


@pytest.fixture
def server(ss12000_server: RunningServer) -> RunningServer:
    """The import tests' data: six pupils, 25 lessons each missed by one of them (tests/schooldata/test_import.py)."""
    fill(ss12000_server.dataset)
    return ss12000_server


def test_the_import_writes_the_same_absences_on_either_database(server: RunningServer, world: World) -> None:
    result = run(server, world)

    assert result.status == ImportStatus.COMPLETED
    absences = snapshot()["absences"]
    assert len(absences) == 25 and sum(a[3] for a in absences) == 25 * 60
    assert AbsenceRecord.objects.filter(child__ss12000_id__isnull=False).count() == 25
    if partitions.is_partitioned():
        assert {where(pk) for pk in AbsenceRecord.objects.values_list("pk", flat=True)} == {
            "schooldata_absencerecord_2026_27"
        }


def test_a_lesson_moved_to_another_school_year_moves_its_absence_and_doubles_nothing(
    server: RunningServer, world: World
) -> None:
    run(server, world)
    row = AbsenceRecord.objects.get(source_id=f"{sid('attendance', 3)}/invalid")
    before = AbsenceRecord.objects.count()
    server.dataset.put("calendarEvents", _lesson(3, date(2027, 9, 13)))  # the next school year

    with client_for(server, page_size=4) as client:  # a year on: the lesson lies in the days the import reads
        again = import_ss12000(municipality=world.municipality, client=client, today=date(2027, 9, 20), full=True)

    assert again.status == ImportStatus.COMPLETED and again.rejected == 0
    assert again.counts["calendarEvents"]["updated"] == 1
    assert AbsenceRecord.objects.count() == before
    moved = AbsenceRecord.objects.get(source_id=row.source_id)
    assert (moved.pk, moved.day, moved.minutes) == (row.pk, date(2027, 9, 13), row.minutes)
    if partitions.is_partitioned():
        assert where(moved.pk) == "schooldata_absencerecord_2027_28"


def test_a_notified_absence_moved_to_another_school_year_is_updated_not_doubled(
    server: RunningServer, world: World
) -> None:
    start = datetime(2026, 9, 14, 8, 0, tzinfo=SWEDISH)
    server.dataset.put("absences", _absence(1, 0, start, start + timedelta(hours=2)))
    run(server, world)
    first = AbsenceRecord.objects.get(source_id=_absence(1, 0, start, start)["id"])
    later = datetime(2027, 9, 13, 8, 0, tzinfo=SWEDISH)
    server.dataset.put("absences", _absence(1, 0, later, later + timedelta(hours=3)))

    again = run(server, world, full=True)

    assert again.counts["absences"]["updated"] == 1
    moved = AbsenceRecord.objects.get(source_id=first.source_id)
    assert (moved.pk, moved.day, moved.minutes) == (first.pk, date(2027, 9, 13), 180)
    if partitions.is_partitioned():
        assert where(moved.pk) == "schooldata_absencerecord_2027_28"


def test_the_csv_import_updates_an_absence_given_again_with_another_date(world: World) -> None:
    from kring.directory.models import Unit
    from kring.schooldata.csv_import import import_csv
    from tests.schooldata.test_csv_import import EKSKOLAN, csv_file

    Unit.objects.filter(pk=world.school.pk).update(school_unit_code=EKSKOLAN)
    line = {"identity_number": world.child.identity_number, "school_unit_code": EKSKOLAN, "absence_id": "F-17"}
    line |= {"start_time": "08:30", "minutes": "40", "type": "Ogiltig"}

    def upload(day: str, minutes: str) -> Any:
        return import_csv(
            municipality=world.municipality, kind="absences", file=csv_file([line | {"date": day, "minutes": minutes}]),
            by=None,  # type: ignore[arg-type]
        )  # fmt: skip

    assert upload("2026-03-10", "40").status == ImportStatus.COMPLETED
    first = AbsenceRecord.objects.get()
    assert upload("2026-09-14", "50").status == ImportStatus.COMPLETED

    again = AbsenceRecord.objects.get()  # one row still: the same record, moved on to the next school year
    assert (again.pk, again.day, again.minutes, again.source_id) == (first.pk, date(2026, 9, 14), 50, first.source_id)
    if partitions.is_partitioned():
        assert where(again.pk) == "schooldata_absencerecord_2026_27"


# -- the migration: there and back, the rows kept ---------------------------------------------------------------------


@on_postgres
def test_the_migration_partitions_and_unpartitions_keeping_every_row(world: World) -> None:
    """Back to 0004 and forward again inside the test's transaction (undone after it, as everything)."""
    rows = [
        absence(world, day, f"m{n}") for n, day in enumerate((date(2019, 3, 1), date(2026, 6, 30), date(2026, 9, 1)))
    ]
    with connection.cursor() as cursor:  # the rows' deferred foreign key checks now: ALTER TABLE waits for none
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("schooldata", "0004_standard_guardians_lessons")])
        assert not partitions.is_partitioned()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'schooldata_absencerecord'::regclass AND contype IN ('p', 'u') ORDER BY contype"
            )
            assert cursor.fetchall() == [("PRIMARY KEY (id)",), ("UNIQUE (municipality_id, source_id)",)]
        assert sorted(AbsenceRecord.objects.values_list("pk", "day")) == [(r.pk, r.day) for r in rows]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([("schooldata", "0005_absence_partitions")])
    assert partitions.is_partitioned()
    assert sorted(AbsenceRecord.objects.values_list("pk", "day", "source_id")) == [
        (r.pk, r.day, r.source_id) for r in rows
    ]
    assert {where(r.pk) for r in rows} == {partition_name(2018), partition_name(2025), partition_name(2026)}
    assert absence(world, date(2026, 10, 1), "after").pk > rows[-1].pk  # the ids go on
