"""School data benchmark: one command, prints figures. Never part of the test suite.

    .venv/bin/python bench/schooldata.py [--size large] [--absences 3000000] [--postgres URL] [--requests 50]

Seeds the demo municipality into a fresh database (a temporary SQLite file, or a PostgreSQL database dropped and
created again), then times:

1. the SS 12000 import of a generated school year of lesson-level absences of the municipality's pupils, served by
   the local SS 12000 test server, against a plain `bulk_create` of the same rows and against the one prepared
   INSERT the import itself uses (events a second, and the ratios);
2. `recompute_indicators` for the whole municipality, and for one school after a daily import of one school day;
3. the early-warning page `/absence/<unit_id>/` of a school of 1,000 pupils, as its principal (p50/p95, queries).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_ABSENCES = 3_000_000
PAGE_SIZE = 5000
BIG_SCHOOL = 1000  # pupils at the school whose early-warning page is timed
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY_START = 8 * 60  # the first lesson, minutes after midnight
SCHOOL_DAY_MINUTES = 300  # the municipality's default scheduled minutes: 5 lessons of 60 or 6 of 50
PRINCIPAL_EMAIL = "bench-rektor@demokommun.example"


# --- the database -------------------------------------------------------------------------------------------------


def fresh_postgres(url: str) -> str:
    """Drop and create the database of `url` through the `postgres` maintenance database; returns its name."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(url).get("dbname") or "")
    if not name or name == "postgres":
        raise SystemExit("--postgres needs a database of its own in the URL, e.g. .../kring_bench")
    try:
        with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as maintenance:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"PostgreSQL is not answering ({error}).\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        ) from error
    return name


def setup_django(sqlite: Path | None, postgres: str | None) -> str:
    """Point Kring at a fresh database before Django reads its settings, migrate, and say which it is."""
    os.environ["KRING_DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    if postgres:
        name = fresh_postgres(postgres)
        os.environ["DATABASE_URL"] = postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["KRING_SQLITE_PATH"] = str(sqlite)
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
        return f"PostgreSQL {version}, database {name} (created afresh)"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}, a temporary file"


@contextmanager
def production_settings() -> Iterator[None]:
    """DEBUG off while rows are written in bulk: with it on, Django formats and keeps every statement it runs,
    which a production import does not pay for."""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):
        yield


def stage(title: str) -> None:
    print(f"\n== {title}", flush=True)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


# --- the pupils -----------------------------------------------------------------------------------------------------


def give_ss12000_ids(municipality: Any) -> tuple[int, int]:
    """The demo's schools and children get SS 12000 ids (stable ones, as the export would give) where they have
    none; returns how many of each got one."""
    from django.db import connection

    from kring.directory.models import SCHOOL_KINDS, Unit
    from kring.people.models import Child
    from kring.schooldata.dataset import stable_id

    given = []
    for model, rows in (
        (Unit, Unit.objects.filter(municipality=municipality, kind__in=SCHOOL_KINDS, ss12000_id="")),
        (Child, Child.objects.filter(municipality=municipality, ss12000_id="")),
    ):
        values = [(stable_id(model, pk), pk) for pk in rows.values_list("pk", flat=True)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            # The table name comes from the model's metadata; the values are parameters.
            cursor.executemany(f"UPDATE {table} SET ss12000_id = %s WHERE id = %s", values)  # noqa: S608
        given.append(len(values))
    return given[0], given[1]


def current_placements(municipality: Any) -> Any:
    from django.db.models import Q
    from django.utils import timezone

    from kring.directory.models import UnitKind
    from kring.people.models import Placement

    today = timezone.localdate()
    return Placement.objects.filter(
        unit__municipality=municipality, unit__kind=UnitKind.SCHOOL, start_date__lte=today
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def enlarge_school(municipality: Any, pupils: int, seed: int) -> tuple[Any, int, int]:
    """The largest school, with enough pupils' current placements moved to it (from the other schools, in the same
    grades where it has classes) that it has `pupils`; returns it, its pupils before, and after."""
    from django.db.models import Count

    from kring.directory.models import Unit
    from kring.people.models import Placement

    placements = current_placements(municipality)
    sizes = placements.values("unit_id").annotate(n=Count("child_id", distinct=True)).order_by("-n", "unit_id")
    largest = sizes.first()
    if largest is None:
        raise SystemExit("the demo municipality has no pupils in schools")
    school = Unit.objects.get(pk=largest["unit_id"])
    before = largest["n"]
    wanted = pupils - before
    if wanted > 0:
        classes: dict[str, list[int]] = {}
        for grade, group in placements.filter(unit=school, group__isnull=False).values_list("grade", "group_id"):
            classes.setdefault(grade, [])
            if group not in classes[grade]:
                classes[grade].append(group)
        at_school = set(placements.filter(unit=school).values_list("child_id", flat=True))
        others = placements.exclude(unit=school).exclude(child_id__in=at_school).order_by("pk")
        candidates = list(others.values_list("pk", "grade"))
        moved = random.Random(seed).sample(candidates, min(wanted, len(candidates)))  # from every school a few
        for grade, rows in itertools.groupby(sorted(moved, key=lambda row: row[1]), key=lambda row: row[1]):
            pks = [pk for pk, _grade in rows]
            groups = classes.get(grade) or [None]
            for index, group in enumerate(groups):
                Placement.objects.filter(pk__in=pks[index :: len(groups)]).update(unit=school, group_id=group)
    after = placements.filter(unit=school).values("child_id").distinct().count()
    return school, before, after


@dataclass(frozen=True)
class Pupil:
    child_id: int
    unit_id: int
    student: str  # the child's SS 12000 id
    organisation: str  # the school's


def place_for_the_year(municipality: Any, first: date) -> int:
    """The pupils' current school placements start at the generated year's first day at the latest: an SS 12000
    attendance names no school, and the import takes the school the pupil is placed at on the lesson's day."""
    return int(current_placements(municipality).filter(start_date__gt=first).update(start_date=first))


def school_pupils(municipality: Any) -> list[Pupil]:
    rows = (
        current_placements(municipality)
        .order_by("child_id", "unit_id")
        .values_list("child_id", "unit_id", "child__ss12000_id", "unit__ss12000_id")
        .distinct()
    )
    return [Pupil(*row) for row in rows]


# --- a generated school year of absences --------------------------------------------------------------------------

# Pupils differ: most are rarely away, a few often (the weight is how likely a pupil is among a day's absent ones).
PUPIL_WEIGHTS = ((1.0, 0.75), (2.5, 0.17), (6.0, 0.06), (15.0, 0.02))
FULL_DAY_SHARE = {1.0: 0.45, 2.5: 0.5, 6.0: 0.55, 15.0: 0.6}  # else one to three lessons of the day
REPORTED, GRANTED, VALID, INVALID = 1, 2, 3, 4  # AbsenceKind
FULL_DAY_KINDS = ((REPORTED, VALID, GRANTED, INVALID), (85, 7, 3, 5))
PART_DAY_KINDS = ((REPORTED, VALID, INVALID), (50, 20, 30))
OFTEN_AWAY_KINDS = ((REPORTED, VALID, INVALID), (55, 10, 35))


def school_days(today: date) -> list[date]:
    """The school days of the twelve months before `today` (the demo's calendar: weekdays in term, no autumn
    break, Christmas or summer holiday)."""
    from kring.demo.attendance import is_school_day

    first = today - timedelta(days=365)
    return [day for day in (first + timedelta(days=n) for n in range(365)) if is_school_day(day)]


Row = tuple[int, int, int, int, int]  # (pupil index, lesson, lessons that day, kind, day index)


class SchoolYear:
    """`total` lesson absences of the pupils over the school days but the last, an equal number each day, and the
    last school day's (the daily import's) after them: row `i` is the same on every call, nothing is held in memory
    but the current day's rows. Ids are UUID-shaped and scattered, as a source's UUIDs are (`sequential_ids`: in
    order, as a counter would give)."""

    def __init__(
        self, pupils: list[Pupil], days: list[date], total: int, *, seed: int, sequential_ids: bool = False
    ) -> None:
        if len(days) < 2:
            raise SystemExit("fewer than two school days in the year")
        lessons = len(pupils) * (len(days) - 1) * 5
        if total > lessons // 2:
            raise SystemExit(f"--absences {total:,} is more than half of the {lessons:,} lessons of the year")
        self.pupils, self.days, self.total, self.seed = pupils, days, total, seed
        year = len(days) - 1
        self.bounds = [day * total // year for day in range(year + 1)] + [total + total // year]
        rng = random.Random(f"{seed}:pupils")
        weights, shares = zip(*PUPIL_WEIGHTS, strict=True)
        self.weights = rng.choices(weights, shares, k=len(pupils))
        self.cumulative = list(itertools.accumulate(self.weights))
        self.prefix = rng.getrandbits(64)
        self.sequential_ids = sequential_ids
        self._lock = threading.Lock()
        self._day: tuple[int, list[Row]] = (-1, [])
        self._times: dict[int, list[list[tuple[str, str]]]] = {}

    @property
    def last_day(self) -> tuple[int, int]:
        """The index range of the last school day's rows."""
        return self.bounds[-2], self.bounds[-1]

    def source_id(self, index: int) -> str:
        if self.sequential_ids:
            number = (self.prefix << 64) | index
        else:  # an odd multiplier is a bijection modulo 2**128: distinct, scattered ids
            number = ((index + 1) * 0x9E3779B97F4A7C15F39CC0605CEDC835 + self.prefix) % (1 << 128)
        text = f"{number:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _rows_of(self, day: int) -> list[Row]:
        """The day's absences in pupil order: pupils drawn by weight until the day's number of lessons is reached."""
        count = self.bounds[day + 1] - self.bounds[day]
        rng = random.Random(f"{self.seed}:{day}")
        weekday, weight_sum, last = self.days[day].weekday(), self.cumulative[-1], len(self.pupils) - 1
        chosen: dict[int, tuple[int, list[int], int]] = {}
        filled = 0
        while filled < count:
            pupil = min(bisect.bisect_right(self.cumulative, rng.random() * weight_sum), last)
            if pupil in chosen:
                continue
            lessons, weight = 5 + (pupil + weekday) % 2, self.weights[pupil]
            if rng.random() < FULL_DAY_SHARE[weight]:
                taken, kind = list(range(lessons)), rng.choices(*FULL_DAY_KINDS)[0]
            else:
                length = rng.randint(1, 3)
                first = rng.randrange(lessons - length + 1)
                kinds = OFTEN_AWAY_KINDS if weight >= 6 else PART_DAY_KINDS
                taken, kind = list(range(first, first + length)), rng.choices(*kinds)[0]
            taken = taken[: count - filled]
            chosen[pupil] = (lessons, taken, kind)
            filled += len(taken)
        return [
            (pupil, lesson, lessons, kind, day)
            for pupil, (lessons, taken, kind) in sorted(chosen.items())
            for lesson in taken
        ]

    def rows(self, start: int, stop: int) -> Iterator[tuple[int, Row]]:
        """Rows `start` to `stop` (not included), with their index."""
        index = start
        while index < stop:
            day = bisect.bisect_right(self.bounds, index) - 1
            with self._lock:
                if self._day[0] != day:
                    self._day = (day, self._rows_of(day))
                rows = self._day[1]
            end = min(stop, self.bounds[day + 1])
            for offset in range(index - self.bounds[day], end - self.bounds[day]):
                yield self.bounds[day] + offset, rows[offset]
            index = end

    def lesson_times(self, day: int) -> list[list[tuple[str, str]]]:
        """By number of lessons (5 or 6) and lesson: its start and end, ISO 8601 in Swedish time."""
        if day not in self._times:
            midnight = datetime.combine(self.days[day], datetime.min.time(), tzinfo=STOCKHOLM)
            table: list[list[tuple[str, str]]] = [[] for _ in range(7)]
            for lessons in (5, 6):
                length = SCHOOL_DAY_MINUTES // lessons
                for lesson in range(lessons):
                    start = midnight + timedelta(minutes=DAY_START + lesson * length)
                    table[lessons].append((start.isoformat(), (start + timedelta(minutes=length)).isoformat()))
            self._times = {day: table}
        return self._times[day]

    # -- as SS 12000 records, through the test server --------------------------------------------------------

    def fetcher(self, resource: str, start: int, stop: int, *, modified: datetime, unit_id: int | None = None) -> Any:
        """A `PageFetcher` of rows `start` to `stop` as the SS 12000 records of `resource` (only the pupils of
        `unit_id` if given): reported absence and granted leave as `absences`; a lesson missed, valid or invalid,
        as a calendar event (`calendarEvents`) and the pupil's attendance at it (`attendances`). The cursor is the
        index of the next row."""
        from kring.schooldata.dataset import ABSENCE_RESOURCES, ABSENCE_TYPES, ATTENDANCE_FIELDS, isoformat

        stamp = isoformat(modified)
        meta = {"created": stamp, "modified": stamp}
        kinds = {int(kind) for kind in ABSENCE_RESOURCES[resource]}

        def record(index: int, pupil: Pupil, kind: int, begins: str, ends: str, minutes: int) -> dict[str, Any]:
            times = {"startTime": begins, "endTime": ends}
            if resource == "absences":
                return {
                    "id": self.source_id(index),
                    "meta": meta,
                    "student": {"id": pupil.student},
                    "organisation": {"id": pupil.organisation},
                    **times,
                    "type": ABSENCE_TYPES[kind],
                }
            lesson = self.lesson_id(index)
            if resource == "calendarEvents":
                return {"id": lesson, "meta": meta, "activity": {"id": lesson}, **times}
            return {
                "id": self.source_id(index),
                "meta": meta,
                "calendarEvent": {"id": lesson},
                "student": {"id": pupil.student},
                "isReported": True,
                "attendanceMinutes": 0,
                ATTENDANCE_FIELDS[kind]: minutes,
            }

        def fetch(after: list[Any] | None, limit: int) -> tuple[list[dict[str, Any]], list[Any] | None]:
            first = int(after[0]) if after else start
            records: list[dict[str, Any]] = []
            index = first
            for index, (pupil_index, lesson, lessons, kind, day) in self.rows(first, stop):  # noqa: B007
                pupil = self.pupils[pupil_index]
                if kind not in kinds or (unit_id is not None and pupil.unit_id != unit_id):
                    continue
                begins, ends = self.lesson_times(day)[lessons][lesson]
                records.append(record(index, pupil, kind, begins, ends, SCHOOL_DAY_MINUTES // lessons))
                if len(records) >= limit:
                    break
            following = index + 1
            return records, ([following] if following < stop else None)

        return fetch

    def lesson_id(self, index: int) -> str:
        """The calendar event of row `index` (one a row: the worst case, where no two pupils share a lesson)."""
        text = self.source_id(index)
        return "1e55" + text[4:]

    # -- as model rows, for the plain bulk insert ------------------------------------------------------------

    def values(self, start: int, stop: int) -> Iterator[tuple[int, int, date, int, int, str]]:
        """(child, school, day, minutes, kind, source id) of rows `start` to `stop`."""
        for index, (pupil_index, _lesson, lessons, kind, day) in self.rows(start, stop):
            pupil = self.pupils[pupil_index]
            yield (
                pupil.child_id,
                pupil.unit_id,
                self.days[day],
                SCHOOL_DAY_MINUTES // lessons,
                kind,
                self.source_id(index),
            )


# --- 1. import throughput -------------------------------------------------------------------------------------------


@dataclass
class Timing:
    seconds: float = 0.0  # wall clock
    cpu: float = 0.0  # CPU time of this process (the test server's thread included)
    http: float = 0.0  # of the seconds: waiting for pages over HTTP (the server's work, JSON both ways)

    def rate(self, rows: int) -> float:
        return rows / self.seconds


def client_for(server: Any, page_size: int, timing: Timing | None = None) -> Any:
    """A client of the test server; with `timing`, it adds up the time spent fetching pages."""
    from kring.schooldata.client import ClientSettings, Page, Ss12000Client

    class TimedClient(Ss12000Client):
        def page(self, *args: Any, **kwargs: Any) -> Page:
            started = time.perf_counter()
            try:
                return super().page(*args, **kwargs)
            finally:
                if timing is not None:
                    timing.http += time.perf_counter() - started

    return TimedClient(
        ClientSettings(
            base_url=server.base_url,
            token_url=server.token_url,
            client_id=server.client_id,
            client_secret=server.client_secret,
            page_size=page_size,
            timeout=300.0,
        )
    )


ABSENCE_ROWS = ("absences", "attendances")  # the resources whose records become absence rows (lessons are days)


def absence_rows_created(run: Any) -> int:
    return sum(run.counts.get(resource, {}).get("created", 0) for resource in ABSENCE_ROWS)


class ImportProgress:
    """Prints a line about every tenth of the way (the import of millions takes minutes), and notes when the last
    page was committed (the import then looks for deletions and recomputes the indicators)."""

    def __init__(self, total: int) -> None:
        self.total, self.next = total, max(1, total // 10)
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        self.timing = Timing()
        self.read: dict[str, int] = {}

    def __call__(self, resource: str, read: int, result: Any) -> None:
        if resource not in ABSENCE_ROWS:
            return
        self.read[resource] = read
        read = sum(self.read.values())
        self.timing.seconds = time.perf_counter() - self.started
        self.timing.cpu = time.process_time() - self.cpu_started
        if read >= self.next:
            elapsed = self.timing.seconds
            print(f"  {read:>10,} absences read   {elapsed:6.1f} s   {read / elapsed:8,.0f}/s", flush=True)
            self.next += max(1, self.total // 10)


def import_year(municipality: Any, year: SchoolYear, modified: datetime, page_size: int) -> tuple[Timing, Any]:
    """The school year through the test server and `import_ss12000`; returns the time up to the last page
    committed, and the run."""
    from kring.schooldata.dataset import ABSENCE_RESOURCES, Ss12000Dataset
    from kring.schooldata.importer import import_ss12000
    from kring.schooldata.testserver import serve

    dataset = Ss12000Dataset(now=modified)
    for resource in ABSENCE_RESOURCES:
        dataset.set_generated(resource, year.fetcher(resource, 0, year.total, modified=modified), modified=modified)
    progress = ImportProgress(year.total)
    with serve(dataset) as server, client_for(server, page_size, progress.timing) as client, production_settings():
        imported = import_ss12000(
            municipality=municipality,
            client=client,
            resources=tuple(ABSENCE_RESOURCES),
            progress=progress,
            by_label="bench/schooldata.py",
            lessons_from=year.days[0],
        )
    return progress.timing, imported


def insert_with_bulk_create(municipality_id: int, rows: list[tuple[Any, ...]]) -> None:
    from kring.schooldata.models import AbsenceRecord

    AbsenceRecord.objects.bulk_create(
        [
            AbsenceRecord(
                municipality_id=municipality_id,
                child_id=child,
                unit_id=unit,
                day=day,
                minutes=minutes,
                kind=kind,
                source_id=source_id,
            )
            for child, unit, day, minutes, kind, source_id in rows
        ],
        batch_size=len(rows),
    )


def insert_with_executemany(municipality_id: int, rows: list[tuple[Any, ...]]) -> None:
    """One prepared INSERT over the rows, in a transaction (`kring.schooldata.bulk`, what the import uses)."""
    from django.db import transaction

    from kring.schooldata.bulk import adapt_date, insert_rows
    from kring.schooldata.models import AbsenceRecord

    fields = ("municipality", "child", "unit", "day", "minutes", "kind", "source_id")
    with transaction.atomic():
        insert_rows(
            AbsenceRecord,
            fields,
            [
                (municipality_id, child, unit, adapt_date(day), minutes, kind, source_id)
                for child, unit, day, minutes, kind, source_id in rows
            ],
        )


def has_executemany_writer() -> bool:
    try:
        from kring.schooldata.bulk import adapt_date, insert_rows  # noqa: F401
    except ImportError:
        return False
    return True


def bulk_insert(
    municipality_id: int, year: SchoolYear, batch: int, insert: Callable[[int, list[tuple[Any, ...]]], None]
) -> Timing:
    """The same rows, `batch` at a time, each batch in its own transaction as the import's pages; returns the time
    spent building and inserting them (making up the rows is not counted)."""
    timing = Timing()
    report_every, reported = max(1, year.total // 10), 0
    with production_settings():
        for start in range(0, year.total, batch):
            rows = list(year.values(start, min(start + batch, year.total)))
            started, cpu_started = time.perf_counter(), time.process_time()
            insert(municipality_id, rows)
            timing.seconds += time.perf_counter() - started
            timing.cpu += time.process_time() - cpu_started
            done = start + len(rows)
            if done - reported >= report_every:
                reported = done
                print(f"  {done:>10,} inserted   {timing.seconds:6.1f} s   {timing.rate(done):8,.0f}/s", flush=True)
    return timing


def empty_absences(municipality: Any) -> tuple[float, int]:
    from kring.schooldata.models import AbsenceRecord

    seconds, (deleted, _by_model) = timed(lambda: AbsenceRecord.objects.filter(municipality=municipality).delete())
    return seconds, deleted


def analyze_absences() -> None:
    """Planner statistics for the table just filled, as the demo seed does after its bulk writes."""
    from kring.demo.generator import update_planner_statistics
    from kring.schooldata.models import AbsenceIndicator, AbsenceRecord

    update_planner_statistics((AbsenceRecord, AbsenceIndicator))


# --- 2. indicators --------------------------------------------------------------------------------------------------


def daily_import(municipality: Any, year: SchoolYear, school: Any, modified: datetime) -> tuple[float, Any]:
    """The last school day's absences of one school, asked for with `meta.modified.after` (the checkpoint of the
    year's import), through the test server; `import_ss12000` recomputes that school's indicators at the end."""
    from kring.schooldata.dataset import ABSENCE_RESOURCES, Ss12000Dataset
    from kring.schooldata.importer import import_ss12000
    from kring.schooldata.testserver import serve

    first, stop = year.last_day
    dataset = Ss12000Dataset(now=modified)
    for resource in ABSENCE_RESOURCES:
        fetch = year.fetcher(resource, first, stop, modified=modified, unit_id=school.pk)
        dataset.set_generated(resource, fetch, modified=modified)
    with serve(dataset) as server, client_for(server, PAGE_SIZE) as client, production_settings():
        return timed(
            lambda: import_ss12000(
                municipality=municipality,
                client=client,
                resources=tuple(ABSENCE_RESOURCES),
                by_label="bench/schooldata.py",
            )
        )


# --- 3. the early-warning page --------------------------------------------------------------------------------------


def make_principal(school: Any) -> Any:
    from kring.access.auth import activate_totp
    from kring.access.roles import Role
    from kring.directory.models import Membership, User

    user = User.objects.create_user(
        PRINCIPAL_EMAIL,
        first_name="Bänk",
        last_name="Rektor",
        municipality_id=school.municipality_id,
        password=None,
    )
    Membership.objects.create(user=user, unit=school, role=Role.PRINCIPAL)
    activate_totp(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def wait_for_page(minutes: float) -> bool:
    """True once the early-warning page's URLs are in the project (another engineer is writing it)."""
    urls = ROOT / "kring" / "schooldata" / "urls.py"
    deadline = time.monotonic() + minutes * 60
    while not urls.exists():
        if time.monotonic() > deadline:
            return False
        print("  kring/schooldata/urls.py is not there yet; looking again in a minute", flush=True)
        time.sleep(60)
    return True


def bench_page(school: Any, requests: int) -> str:
    from django.urls import NoReverseMatch, resolve
    from django.urls.exceptions import Resolver404
    from run import logged_in, measure

    url = f"/absence/{school.pk}/"
    try:
        resolve(url)
    except (Resolver404, NoReverseMatch):
        return f"  {url} is not routed (kring/urls.py does not include the early-warning page yet)"
    client = logged_in(make_principal(school))
    measure("warm-up", client, [url])
    return measure("early warning", client, [url] * requests).report()


# --- the run --------------------------------------------------------------------------------------------------------


def start(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="kring-bench-") as directory:
        database = setup_django(None if options.postgres else Path(directory) / "bench.sqlite3", options.postgres)
        bench(options, database)


def bench(options: argparse.Namespace, database: str) -> None:
    from django.utils import timezone

    from kring.demo.actions import seed_demo
    from kring.schooldata.indicators import recompute_indicators
    from kring.schooldata.models import AbsenceIndicator, AbsenceRecord

    report: list[str] = [f"database: {database}"]
    stage(f"Seeding size {options.size}, seed {options.seed} ({database})")
    result = seed_demo(size=options.size, seed=options.seed, stdout=sys.stdout)
    municipality = result.municipality
    print(f"seed time: {result.seconds:.1f} s", flush=True)
    report.append(f"seeding: {result.seconds:.0f} s")

    stage("Pupils")
    units, children = give_ss12000_ids(municipality)
    print(f"SS 12000 ids given to {units:,} schools and preschools and {children:,} children")
    school, before, after = enlarge_school(municipality, BIG_SCHOOL, options.seed)
    print(f"largest school: {school.name} (id {school.pk}), {before:,} pupils, {after:,} after moving placements to it")
    pupils = school_pupils(municipality)
    schools = len({pupil.unit_id for pupil in pupils})
    print(f"pupils placed in schools: {len(pupils):,} at {schools} schools", flush=True)
    report.append(f"pupils in schools: {len(pupils):,} at {schools} schools; the big school {after:,}")
    seconds, removed = empty_absences(municipality)
    print(f"the demo's own absences removed: {removed:,} rows in {seconds:.1f} s")

    today = timezone.localdate()
    days = school_days(today)
    placed = place_for_the_year(municipality, days[0])
    print(f"placements made to cover the year from {days[0]}: {placed:,}", flush=True)
    year = SchoolYear(pupils, days, options.absences, seed=options.seed, sequential_ids=options.sequential_ids)
    lessons = len(pupils) * (len(days) - 1) * 5.5
    modified = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)

    stage(
        f"1. Import: {options.absences:,} absences over {len(days) - 1} school days "
        f"({days[0]} to {days[-2]}; {options.absences / lessons:.1%} of about {lessons:,.0f} lessons), "
        f"pages of {options.page_size:,}"
    )
    timing, imported = import_year(municipality, year, modified, options.page_size)
    after_pages = imported.counts.get("indicators", {}).get("seconds", 0.0)
    created = absence_rows_created(imported)
    print(
        f"import: {imported.status}, {created:,} created, {imported.rejected:,} rejected; {timing.seconds:.1f} s to "
        f"the last page (CPU {timing.cpu:.1f} s), then {after_pages:.1f} s recomputing the indicators",
        flush=True,
    )
    if created != options.absences:
        raise SystemExit(f"the import created {created:,} absences, not {options.absences:,}: {imported.counts}")
    applying = timing.seconds - timing.http
    report.append(
        f"import over HTTP, pages of {options.page_size:,}: {timing.rate(options.absences):,.0f} events/s "
        f"({options.absences:,} in {timing.seconds:.1f} s, CPU {timing.cpu:.1f} s; {timing.http:.1f} s of it "
        f"fetching pages, {applying:.1f} s applying them; then {after_pages:.1f} s for the indicators)"
    )

    baselines = [("bulk_create", insert_with_bulk_create)]
    if has_executemany_writer():
        baselines.append(("executemany", insert_with_executemany))
    for number, (name, insert) in enumerate(baselines):
        seconds, removed = empty_absences(municipality)
        print(f"emptied the table: {removed:,} rows in {seconds:.1f} s", flush=True)
        how = f"bulk_create(batch_size={options.page_size:,})" if name == "bulk_create" else "one prepared INSERT"
        stage(f"1{'bc'[number]}. The same {options.absences:,} rows, {options.page_size:,} at a time, with {how}")
        bulk = bulk_insert(municipality.pk, year, options.page_size, insert)
        rate = bulk.rate(options.absences)
        print(f"{name}: {bulk.seconds:.1f} s (CPU {bulk.cpu:.1f} s), {rate:,.0f} events/s", flush=True)
        report.append(
            f"plain {name}, {options.page_size:,} a transaction: {rate:,.0f} events/s "
            f"({bulk.seconds:.1f} s, CPU {bulk.cpu:.1f} s); import ÷ {name}: {timing.seconds / bulk.seconds:.2f}× "
            f"the time (applying the pages alone {applying / bulk.seconds:.2f}×)"
        )
    analyze_absences()

    stage("2. Indicators")
    whole, written = timed(lambda: recompute_indicators(municipality.pk))
    print(f"whole municipality: {written:,} indicators in {whole:.2f} s", flush=True)
    report.append(f"recompute_indicators, whole municipality ({written:,} pupils): {whole:.2f} s (aim < 10 s)")
    seconds, daily = daily_import(municipality, year, school, modified + timedelta(days=1))
    added = absence_rows_created(daily)
    after_import = daily.counts.get("indicators", {}).get("seconds", 0.0)
    print(f"daily import of {days[-1]} for {school.name}: {added:,} absences in {seconds:.2f} s", flush=True)
    one, written = timed(lambda: recompute_indicators(municipality.pk, unit_ids=[school.pk]))
    print(f"one school: {written:,} indicators in {one:.2f} s", flush=True)
    report.append(
        f"daily import of one school ({added:,} absences on {days[-1]}): {seconds:.2f} s, of which "
        f"{after_import:.2f} s for its indicators"
    )
    report.append(f"recompute_indicators, one school ({written:,} pupils): {one:.2f} s (aim < 1 s)")
    levels = AbsenceIndicator.objects.filter(unit=school).values_list("level", flat=True)
    flagged = sum(1 for level in levels if level)
    report.append(f"absences in the table: {AbsenceRecord.objects.count():,}; flagged at the big school: {flagged:,}")

    stage(f"3. Early-warning page of {school.name} ({after:,} pupils), {options.requests} requests")
    if wait_for_page(options.wait):
        line = bench_page(school, options.requests)
    else:
        line = "  not measured: kring/schooldata/urls.py did not appear"
    print(line, flush=True)
    report.append("early-warning page:\n" + line)

    print("\n== Report\n" + "\n".join(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("small", "medium", "large"), default="large")
    parser.add_argument("--absences", type=int, default=DEFAULT_ABSENCES, help="absences in the school year")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database to (re)create, not SQLite")
    parser.add_argument("--requests", type=int, default=50, help="requests to the early-warning page (default 50)")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE, help="records a page, and the bulk batch")
    parser.add_argument("--sequential-ids", action="store_true", help="absence ids in order, not scattered")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait", type=float, default=40, help="minutes to wait for the early-warning page")
    start(parser.parse_args())


if __name__ == "__main__":
    main()
