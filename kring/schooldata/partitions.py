"""The absence rows' partitions on PostgreSQL: one per school year (1 July – 30 June), and a DEFAULT partition.

`schooldata_absencerecord` is `PARTITION BY RANGE (day)` on PostgreSQL (migration 0005, docs/adr/0021). A school
year's partition is made ahead: by the migration, as every SS 12000 import starts (with the year before, or back to
`lessons_from`) and as every import ends (`recompute_after_import`), by the demo generator and by
`kring absence-partitions` (a task too). A row of a school year without a partition still goes in,
into the DEFAULT partition; the next of those calls makes the year's partition and moves the rows over. On SQLite
the table is a plain table and every function here does nothing.

The migration calls `create_partitions` and `maintain_absence_partitions`: a change here must keep what they do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

TABLE = "schooldata_absencerecord"
DEFAULT_PARTITION = f"{TABLE}_default"
# Makers of partitions in different sessions (two imports ending at once) wait for each other.
LOCK_KEY = 4_242_001


def school_year_of(day: date) -> int:
    """The year a day's school year starts in: 1 July 2026 – 30 June 2027 is 2026."""
    return day.year if day.month >= 7 else day.year - 1


def partition_name(start_year: int) -> str:
    """`schooldata_absencerecord_2026_27` for the school year 2026/27."""
    return f"{TABLE}_{start_year}_{(start_year + 1) % 100:02d}"


def year_bounds(start_year: int) -> tuple[date, date]:
    """The partition's range: from 1 July (included) to the next 1 July (excluded)."""
    return date(start_year, 7, 1), date(start_year + 1, 7, 1)


def is_partitioned() -> bool:
    """Whether the absence table is partitioned here (PostgreSQL after migration 0005; never on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def partition_years(cursor: CursorWrapper, table: str = TABLE) -> set[int]:
    """The school years that have a partition of `table` (by the partitions' names)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
        [table],
    )
    prefix = f"{TABLE}_"
    years = set()
    for (name,) in cursor.fetchall():
        start = name.removeprefix(prefix).split("_")[0]
        if name.startswith(prefix) and start.isdigit():
            years.add(int(start))
    return years


def create_partitions(cursor: CursorWrapper, years: Iterable[int], table: str = TABLE) -> list[str]:
    """Partitions of `table` for the school years that have none, and the DEFAULT partition if it is missing. Rows
    of those years already in DEFAULT move into their new partition (PostgreSQL refuses a partition whose rows the
    DEFAULT partition holds: they are moved out first, in the same transaction)."""
    quote = connection.ops.quote_name
    existing = partition_years(cursor, table)
    made = []
    cursor.execute(
        "SELECT 1 FROM pg_inherits WHERE inhparent = to_regclass(%s) AND inhrelid = to_regclass(%s)",
        [table, DEFAULT_PARTITION],
    )
    has_default = cursor.fetchone() is not None
    for year in sorted(set(years) - existing):
        name, (first, last) = partition_name(year), year_bounds(year)
        bounds = f"FROM ('{first.isoformat()}') TO ('{last.isoformat()}')"
        waiting = False
        if has_default:
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {quote(DEFAULT_PARTITION)} WHERE day >= %s AND day < %s)",  # noqa: S608
                [first, last],
            )
            waiting = bool(cursor.fetchone()[0])
        if waiting:  # a table of its own, the rows moved in, then attached (its indexes are made as it attaches)
            cursor.execute(f"CREATE TABLE {quote(name)} (LIKE {quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {quote(DEFAULT_PARTITION)} WHERE day >= %s AND day < %s RETURNING *) "  # noqa: S608
                f"INSERT INTO {quote(name)} SELECT * FROM moved",
                [first, last],
            )
            cursor.execute(f"ALTER TABLE {quote(table)} ATTACH PARTITION {quote(name)} FOR VALUES {bounds}")
        else:
            cursor.execute(f"CREATE TABLE {quote(name)} PARTITION OF {quote(table)} FOR VALUES {bounds}")
        made.append(name)
    if not has_default:
        cursor.execute(f"CREATE TABLE {quote(DEFAULT_PARTITION)} PARTITION OF {quote(table)} DEFAULT")
        made.append(DEFAULT_PARTITION)
    return made


def years_in_default(cursor: CursorWrapper) -> set[int]:
    """The school years of the rows in the DEFAULT partition (none in normal operation)."""
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT DISTINCT day FROM {quote(DEFAULT_PARTITION)}")  # noqa: S608
    return {school_year_of(day) for (day,) in cursor.fetchall()}


@dataclass
class Maintenance:
    """What `maintain_absence_partitions` did."""

    created: list[str] = field(default_factory=list)
    moved_years: list[int] = field(default_factory=list)


def maintain_absence_partitions(today: date, *, ahead: int = 1, since: date | None = None) -> Maintenance:
    """Make the partitions of this school year and the `ahead` next ones (and back to the school year of `since`),
    and of any school year whose rows lie in the DEFAULT partition (moving them there). Cheap when there is nothing
    to do: a catalogue query and a look at the (empty) DEFAULT partition; it locks only to make a partition."""
    done = Maintenance()
    if not is_partitioned():
        return done
    current = school_year_of(today)
    first = min(current, school_year_of(since)) if since else current
    wanted = set(range(first, current + ahead + 1))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(DEFAULT_PARTITION)})")  # noqa: S608
        stray = bool(cursor.fetchone()[0])
        if not stray and wanted <= partition_years(cursor):
            return done
        with transaction.atomic():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            in_default = years_in_default(cursor)
            done.moved_years = sorted(in_default)
            done.created = create_partitions(cursor, wanted | in_default)
    return done


def partition_rows() -> list[tuple[str, int]]:
    """Each partition's name and its number of rows (exact: a count), oldest school year first, DEFAULT last."""
    if not is_partitioned():
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = sorted(partition_name(year) for year in partition_years(cursor)) + [DEFAULT_PARTITION]
        counts = []
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {quote(name)}")  # noqa: S608
            counts.append((name, int(cursor.fetchone()[0])))
    return counts
