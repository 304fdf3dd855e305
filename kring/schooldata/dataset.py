"""SS 12000 records in memory, for the local test server (`kring.schooldata.testserver`): a store per resource
with the times each record was created, changed and deleted, and the export of a municipality in Kring's database
into SS 12000 shapes (`kring serve-ss12000`).

Records are the JSON objects `kring.schooldata.schemas` parses (camelCase), each with `meta.created` and
`meta.modified`. A resource is read in the order of (modified, id), so that a page cursor stays valid while
records change between pages: a record changed after it was read comes again at the end.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.db.models import Q

from kring.directory.models import Municipality, Unit, UnitKind
from kring.people.models import Child, Custody, Group, Guardian, Placement
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.schemas import RESOURCES

Record = dict[str, Any]
Cursor = list[Any]  # JSON-serialisable: it travels inside the server's page tokens
Slice = tuple[list[Record], Cursor | None]  # a page of records, and the cursor of the next (None after the last)
PageFetcher = Callable[[Cursor | None, int], Slice]

__all__ = [
    "BadCursor",
    "Cursor",
    "PageFetcher",
    "Record",
    "Slice",
    "Ss12000Dataset",
    "dataset_from_municipality",
    "isoformat",
    "parse_time",
    "stable_id",
]


class BadCursor(ValueError):
    """A page cursor this dataset did not make."""


def isoformat(moment: datetime) -> str:
    """An aware time in UTC, ISO 8601 with Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """ISO 8601 with an offset or Z; a time without one is refused (ValueError)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a time without a UTC offset")
    return moment


# -- the store -------------------------------------------------------------------------------------------------


class _StoredResource:
    """The records of one resource, by id, read in (modified, id) order."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.modified: dict[str, datetime] = {}
        self._order: list[tuple[datetime, str]] | None = []

    def store(self, record: Record, modified: datetime) -> None:
        self.records[record["id"]] = record
        self.modified[record["id"]] = modified
        self._order = None  # sorted again on the next read: a bulk export stays linear

    def remove(self, record_id: str) -> None:
        del self.records[record_id]
        del self.modified[record_id]
        self._order = None

    def order(self) -> list[tuple[datetime, str]]:
        if self._order is None:
            self._order = sorted((moment, record_id) for record_id, moment in self.modified.items())
        return self._order

    def page(self, after: Cursor | None, limit: int, modified_after: datetime | None) -> Slice:
        order = self.order()
        start = 0 if modified_after is None else bisect_right(order, modified_after, key=lambda key: key[0])
        if after is not None:
            start = max(start, bisect_right(order, _memory_cursor(after)))
        keys = order[start : start + limit]
        more = start + limit < len(order)
        cursor = [isoformat(keys[-1][0]), keys[-1][1]] if keys and more else None
        return [self.records[record_id] for _, record_id in keys], cursor


def _memory_cursor(cursor: Cursor) -> tuple[datetime, str]:
    try:
        moment, record_id = cursor
        return parse_time(moment), str(record_id)
    except (TypeError, ValueError) as error:
        raise BadCursor("not a cursor of this resource") from error


@dataclass
class _GeneratedResource:
    """A read-only resource whose records come a page at a time from a function (such as a database query), all
    with one modification time."""

    fetch: PageFetcher
    modified: datetime

    def page(self, after: Cursor | None, limit: int, modified_after: datetime | None) -> Slice:
        if modified_after is not None and self.modified <= modified_after:
            return [], None
        return self.fetch(after, limit)


@dataclass(order=True)
class _Deletion:
    when: datetime
    sequence: int
    resource: str = field(compare=False)
    record_id: str = field(compare=False)


class Ss12000Dataset:
    """SS 12000 records per resource, with a clock: `now` is the time of changes made without a time of their
    own. Set it (`dataset.now = ...`, `dataset.now += timedelta(...)`) to control modification times in tests;
    left alone it is the current time."""

    def __init__(self, *, now: datetime | None = None) -> None:
        self._now = now
        self._lock = threading.RLock()
        self._stored: dict[str, _StoredResource] = {name: _StoredResource() for name in RESOURCES}
        self._generated: dict[str, _GeneratedResource] = {}
        self._deletions: list[_Deletion] = []

    @property
    def now(self) -> datetime:
        return self._now if self._now is not None else datetime.now(UTC)

    @now.setter
    def now(self, moment: datetime | None) -> None:
        if moment is not None and moment.tzinfo is None:
            raise ValueError("the clock needs an aware time")
        self._now = moment

    # -- writing ---------------------------------------------------------------------------------------------

    def put(self, resource: str, record: Record, modified: datetime | None = None) -> Record:
        """Create or replace a record (a copy of it), stamping `meta.modified` (and `meta.created` when new)."""
        if not isinstance(record.get("id"), str) or not record["id"]:
            raise ValueError("a record needs a string id")
        return self._store(resource, copy.deepcopy(record), modified or self.now)

    def _store(self, resource: str, record: Record, modified: datetime) -> Record:
        with self._lock:
            stored = self._writable(resource)
            previous = stored.records.get(record["id"])
            meta = dict(record.get("meta") or {})
            if previous is not None:
                meta["created"] = previous["meta"]["created"]
            meta.setdefault("created", isoformat(modified))
            meta["modified"] = isoformat(modified)
            record["meta"] = meta
            stored.store(record, modified)
            return record

    def delete(self, resource: str, record_id: str, when: datetime | None = None) -> None:
        """Remove a record; /deletedEntities reports it from `when` (default: now)."""
        with self._lock:
            self._writable(resource).remove(record_id)
            self._deletions.append(_Deletion(when or self.now, len(self._deletions), resource, record_id))

    def set_generated(self, resource: str, fetch: PageFetcher, *, modified: datetime | None = None) -> None:
        """Serve a resource from `fetch(cursor, limit) -> (records, next cursor or None)` instead of memory:
        read-only, for exports too large to hold (millions of absences)."""
        self._check(resource)
        with self._lock:
            self._stored[resource] = _StoredResource()
            self._generated[resource] = _GeneratedResource(fetch, modified or self.now)

    def _writable(self, resource: str) -> _StoredResource:
        self._check(resource)
        if resource in self._generated:
            raise TypeError(f"{resource} is generated: it cannot be changed")
        return self._stored[resource]

    @staticmethod
    def _check(resource: str) -> None:
        if resource not in RESOURCES:
            raise KeyError(f"not an SS 12000 resource Kring reads: {resource}")

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, resource: str, record_id: str) -> Record | None:
        self._check(resource)
        with self._lock:
            return self._stored[resource].records.get(record_id)

    def page(
        self, resource: str, *, after: Cursor | None = None, limit: int = 100, modified_after: datetime | None = None
    ) -> Slice:
        """Up to `limit` records after the cursor (of a page before), modified strictly after `modified_after`,
        and the cursor of the next page (None after the last). Raises BadCursor for a cursor it cannot read."""
        self._check(resource)
        with self._lock:
            source = self._generated.get(resource) or self._stored[resource]
        if isinstance(source, _StoredResource):
            with self._lock:
                return source.page(after, limit, modified_after)
        return source.page(after, limit, modified_after)

    def records(self, resource: str, modified_after: datetime | None = None) -> list[Record]:
        """Every record (copies), in (modified, id) order for a stored resource, the generator's for a generated."""
        found: list[Record] = []
        cursor: Cursor | None = None
        while True:
            page, cursor = self.page(resource, after=cursor, limit=10_000, modified_after=modified_after)
            found.extend(copy.deepcopy(page))
            if cursor is None:
                return found

    def count(self, resource: str) -> int | None:
        """How many records are stored (None for a generated resource: unknown without reading it)."""
        self._check(resource)
        return None if resource in self._generated else len(self._stored[resource].records)

    def deleted(self, after: datetime | None = None) -> dict[str, list[str]]:
        """The ids deleted strictly after `after`, by resource, in the order of deletion."""
        found: dict[str, list[str]] = {}
        for deletion in self._deletions_after(after):
            found.setdefault(deletion.resource, []).append(deletion.record_id)
        return found

    def deleted_page(
        self, *, after: datetime | None = None, cursor: Cursor | None = None, limit: int = 100
    ) -> tuple[dict[str, list[str]], Cursor | None]:
        """One page of `deleted(after)`, and the cursor of the next (None after the last)."""
        deletions = self._deletions_after(after)
        if cursor is not None:
            try:
                moment, sequence = parse_time(cursor[0]), int(cursor[1])
            except (TypeError, ValueError, IndexError) as error:
                raise BadCursor("not a cursor of deletedEntities") from error
            deletions = [d for d in deletions if (d.when, d.sequence) > (moment, sequence)]
        page = deletions[:limit]
        found: dict[str, list[str]] = {}
        for deletion in page:
            found.setdefault(deletion.resource, []).append(deletion.record_id)
        more = len(deletions) > limit
        return found, [isoformat(page[-1].when), page[-1].sequence] if more else None

    def _deletions_after(self, after: datetime | None) -> list[_Deletion]:
        with self._lock:
            deletions = sorted(self._deletions)
        return [d for d in deletions if after is None or d.when > after]


# -- export of a municipality ------------------------------------------------------------------------------------

ID_NAMESPACE = uuid.UUID("f34f8b6b-3fd3-4dd2-af28-3bf7c746a8ea")
CHUNK_SIZE = 5000
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SCHOOL_DAY_STARTS = 8 * 60  # minutes after midnight
ABSENCE_TYPES = {AbsenceKind.REPORTED: "Anmäld frånvaro", AbsenceKind.GRANTED: "Beviljad ledighet"}
ATTENDANCE_FIELDS = {AbsenceKind.VALID: "validAbsenceMinutes", AbsenceKind.INVALID: "invalidAbsenceMinutes"}
# The resources an absence row becomes: notified absence one way, a lesson and the attendance at it the other.
ABSENCE_RESOURCES = {
    "absences": frozenset(ABSENCE_TYPES),
    "calendarEvents": frozenset(ATTENDANCE_FIELDS),
    "attendances": frozenset(ATTENDANCE_FIELDS),
}
PLACEMENT_FORMS = frozenset({"FS", "FTH"})  # preschool and leisure-time centre: placements, not enrolments
_SCHOOL_YEAR = re.compile(r"^(\d{4})/\d{2}(\d{2})?$")


def stable_id(model: type[models.Model], pk: int, ss12000_id: str = "") -> str:
    """The row's own SS 12000 id, or a UUID derived from its table and primary key (the same on every export)."""
    return ss12000_id or str(uuid.uuid5(ID_NAMESPACE, f"{model._meta.db_table}:{pk}"))


def dataset_from_municipality(
    municipality: Municipality, *, now: datetime | None = None, lazy_absences: bool = False
) -> Ss12000Dataset:
    """The municipality's schools and preschools, children, guardians, placements, groups and absences as an SS
    12000 server would give them. The same data and `now` give the same dataset. With `lazy_absences` the
    absences are read from the database a page at a time as they are asked for, not held in memory."""
    dataset = Ss12000Dataset(now=now or datetime.now(UTC).replace(microsecond=0))
    _Export(municipality, dataset).run(lazy_absences=lazy_absences)
    return dataset


@dataclass
class _Export:
    municipality: Municipality
    dataset: Ss12000Dataset
    units: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk: (id, kind)
    children: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    enrolments: defaultdict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    members: defaultdict[int, list[tuple[Record, str]]] = field(default_factory=lambda: defaultdict(list))

    def run(self, *, lazy_absences: bool) -> None:
        self.organisations()
        children = Child.objects.filter(municipality=self.municipality).values_list("pk", "ss12000_id")
        self.children = {pk: stable_id(Child, pk, ss_id) for pk, ss_id in children}
        self.groups = {
            pk: stable_id(Group, pk, ss_id)
            for pk, ss_id in Group.objects.filter(unit__in=list(self.units)).values_list("pk", "ss12000_id")
        }
        self.guardians()
        self.placements()
        self.persons()
        self.group_records()
        for resource, kinds in ABSENCE_RESOURCES.items():
            if lazy_absences:
                self.dataset.set_generated(resource, self.absence_fetcher(resource, kinds))
            else:
                rows = self.absence_rows(kinds).iterator(chunk_size=CHUNK_SIZE)
                for record in _AbsenceRecords(self.units, self.children, self.dataset.now, resource).convert(rows):
                    self.put(resource, record)

    def put(self, resource: str, record: Record) -> None:
        self.dataset._store(resource, record, self.dataset.now)

    def organisations(self) -> None:
        municipality = self.municipality
        organiser = stable_id(Municipality, municipality.pk)
        code = {"municipalityCode": municipality.code} if re.fullmatch(r"\d{4}", municipality.code) else {}
        self.put(
            "organisations",
            {"id": organiser, "displayName": municipality.name, "organisationType": "Huvudman", **code},
        )
        rows = Unit.objects.filter(municipality=municipality, kind__in=[UnitKind.SCHOOL, UnitKind.PRESCHOOL])
        for pk, name, kind, forms, unit_code, ss_id in rows.order_by("pk").values_list(
            "pk", "name", "kind", "school_forms", "school_unit_code", "ss12000_id"
        ):
            unit_id = stable_id(Unit, pk, ss_id)
            self.units[pk] = (unit_id, kind)
            record: Record = {
                "id": unit_id,
                "displayName": name,
                "organisationType": "Skolenhet",
                "schoolTypes": list(forms or (["FS"] if kind == UnitKind.PRESCHOOL else [])),
                "parentOrganisation": {"id": organiser},
                **code,
            }
            if re.fullmatch(r"\d{8}", unit_code):
                record["schoolUnitCode"] = unit_code
            self.put("organisations", record)

    def guardians(self) -> None:
        fields = ("pk", "identity_number", "first_name", "last_name", "phone", "email")
        rows = Guardian.objects.filter(municipality=self.municipality).order_by("pk")
        rows_iter = rows.values_list(*fields, "street_address", "postal_code", "city", "ss12000_id")
        for pk, number, first, last, phone, email, street, postal, city, ss_id in rows_iter.iterator(CHUNK_SIZE):
            record = _person(stable_id(Guardian, pk, ss_id), first, last, number)
            record["addresses"] = _addresses(street, postal, city)
            record["emails"] = [{"value": email, "type": "Privat"}] if email else []
            record["phoneNumbers"] = [{"value": phone, "type": "Hem", "mobile": True}] if phone else []
            self.put("persons", record)

    def placements(self) -> None:
        """Schools' placements become the children's enrolments, preschools' `placements` records; both make the
        groups' memberships."""
        fields = ("pk", "child_id", "unit_id", "school_form", "grade", "group_id", "start_date", "end_date")
        rows = Placement.objects.filter(child__municipality=self.municipality, unit__in=list(self.units))
        rows_iter = rows.order_by("child_id", "start_date", "pk").values_list(*fields, "ss12000_id")
        for pk, child, unit, form, grade, group_pk, start, end, ss_id in rows_iter.iterator(CHUNK_SIZE):
            unit_id, kind = self.units[unit]
            group = self.groups.get(group_pk) if group_pk is not None else None
            school_type = form or ("FS" if kind == UnitKind.PRESCHOOL else "GR")
            dates = {"startDate": start.isoformat(), **({"endDate": end.isoformat()} if end else {})}
            if school_type in PLACEMENT_FORMS:
                record: Record = {
                    "id": stable_id(Placement, pk, ss_id),
                    "placedAt": {"id": unit_id},
                    "child": {"id": self.children[child]},
                    "schoolType": school_type,
                    **dates,
                }
                if group is not None:
                    record["group"] = {"id": group}
                self.put("placements", record)
            else:
                self.enrolments[child].append(
                    {"enroledAt": {"id": unit_id}, "schoolYear": _school_year(grade), "schoolType": school_type} | dates
                )
            if group is not None:
                self.members[group_pk].append(({"person": {"id": self.children[child]}, **dates}, school_type))

    def persons(self) -> None:
        responsibles: defaultdict[int, list[Record]] = defaultdict(list)
        custody = Custody.objects.filter(child__municipality=self.municipality).order_by("child_id", "guardian_id")
        for child, guardian, ss_id in custody.values_list("child_id", "guardian_id", "guardian__ss12000_id").iterator(
            chunk_size=CHUNK_SIZE
        ):
            person = {"id": stable_id(Guardian, guardian, ss_id)}
            responsibles[child].append({"person": person, "relationType": "Vårdnadshavare"})
        fields = ("pk", "identity_number", "first_name", "last_name", "birth_date", "protected_identity")
        rows = Child.objects.filter(municipality=self.municipality).order_by("pk")
        rows_iter = rows.values_list(*fields, "street_address", "postal_code", "city")
        for pk, number, first, last, born, protected, street, postal, city in rows_iter.iterator(CHUNK_SIZE):
            record = _person(self.children[pk], first, last, number)
            record["birthDate"] = born.isoformat()
            record["securityMarking"] = "Skyddad folkbokföring" if protected else "Ingen"
            record["addresses"] = [] if protected else _addresses(street, postal, city)
            record["responsibles"] = responsibles.pop(pk, [])
            record["enrolments"] = self.enrolments.pop(pk, [])
            self.put("persons", record)

    def group_records(self) -> None:
        rows = Group.objects.filter(unit__in=list(self.units)).order_by("pk")
        for pk, unit, name, school_year in rows.values_list("pk", "unit_id", "name", "school_year"):
            unit_id, kind = self.units[unit]
            members = self.members.pop(pk, [])
            forms = {form for _, form in members} or ({"FS"} if kind == UnitKind.PRESCHOOL else set())
            record: Record = {
                "id": self.groups[pk],
                "displayName": name,
                "groupType": "Avdelning" if kind == UnitKind.PRESCHOOL else "Klass",
                "organisation": {"id": unit_id},
                "groupMemberships": [membership for membership, _ in members],
            }
            if len(forms) == 1:
                record["schoolType"] = forms.pop()
            # The standard requires a start: the group's school year, or without one the school year of the export.
            match = _SCHOOL_YEAR.match(school_year)
            now = self.dataset.now.astimezone(STOCKHOLM).date()
            year = int(match.group(1)) if match else (now.year if now.month >= 7 else now.year - 1)
            record |= {"startDate": date(year, 7, 1).isoformat(), "endDate": date(year + 1, 6, 30).isoformat()}
            self.put("groups", record)

    def absence_rows(self, kinds: frozenset[int]) -> models.QuerySet[AbsenceRecord, tuple[Any, ...]]:
        """The absences of these kinds in the order that gives each child's lessons of a day running times."""
        return (
            AbsenceRecord.objects.filter(municipality=self.municipality, unit__in=list(self.units), kind__in=kinds)
            .order_by("child_id", "day", "pk")
            .values_list("pk", "child_id", "day", "unit_id", "minutes", "kind", "source_id")
        )

    def absence_fetcher(self, resource: str, kinds: frozenset[int]) -> PageFetcher:
        rows, units, children, now = self.absence_rows(kinds), self.units, self.children, self.dataset.now

        def fetch(after: Cursor | None, limit: int) -> Slice:
            converter = _AbsenceRecords(units, children, now, resource)
            query = rows
            if after is not None:
                child, day, pk, converter.offset = _absence_cursor(after)
                converter.day = (child, day)
                query = query.filter(
                    Q(child_id__gt=child) | Q(child_id=child, day__gt=day) | Q(child_id=child, day=day, pk__gt=pk)
                )
            with _own_connection():
                page = list(query[: limit + 1])
            records = list(converter.convert(page[:limit]))
            if len(page) <= limit:
                return records, None
            pk, child, day = page[limit - 1][:3]
            return records, [child, day.isoformat(), pk, converter.offset]

        return fetch


@dataclass
class _AbsenceRecords:
    """Absence rows, in (child, day, pk) order, as SS 12000 records of one resource: a child's absences of a day
    follow each other from 08:00 (Europe/Stockholm). Notified absence (reported, granted leave) becomes `/absences`;
    a lesson missed (valid, invalid) becomes a calendar event of its length and the pupil's attendance at it."""

    units: dict[int, tuple[str, str]]
    children: dict[int, str]
    now: datetime
    resource: str = "absences"
    day: tuple[int, date] | None = None  # the child and day of the row before
    offset: int = 0  # minutes of that child's day so far

    def convert(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[Record]:
        now = isoformat(self.now)
        meta = {"created": now, "modified": now}
        for pk, child, day, unit, minutes, kind, source_id in rows:
            if (child, day) != self.day:
                self.day, self.offset = (child, day), 0
            if child not in self.children:
                continue
            length = max(1, min(minutes, 23 * 60))
            start = min(SCHOOL_DAY_STARTS + self.offset, 24 * 60 - 1 - length)
            self.offset += length
            midnight = datetime.combine(day, time(0), tzinfo=STOCKHOLM)
            record_id = _record_id(source_id) if source_id else stable_id(AbsenceRecord, pk)
            times = {"startTime": _wall_clock(midnight, start), "endTime": _wall_clock(midnight, start + length)}
            if self.resource == "absences":
                yield {
                    "id": record_id,
                    "meta": meta,
                    "student": {"id": self.children[child]},
                    "organisation": {"id": self.units[unit][0]},
                    **times,
                    "type": ABSENCE_TYPES[kind],
                }
            elif self.resource == "calendarEvents":
                yield {"id": lesson_id(record_id), "meta": meta, "activity": {"id": ACTIVITY_ID}, **times}
            else:
                yield {
                    "id": record_id,
                    "meta": meta,
                    "calendarEvent": {"id": lesson_id(record_id)},
                    "student": {"id": self.children[child]},
                    "isReported": True,
                    "attendanceMinutes": 0,
                    ATTENDANCE_FIELDS[kind]: minutes,
                }


# Every exported lesson belongs to one activity: Kring reads a lesson only for its day.
ACTIVITY_ID = str(uuid.uuid5(ID_NAMESPACE, "activity"))


def lesson_id(attendance_id: str) -> str:
    """The calendar event of an exported attendance: one lesson per absence row, derived from its id."""
    return str(uuid.uuid5(ID_NAMESPACE, f"lesson:{attendance_id}"))


def _record_id(source_id: str) -> str:
    """The id of an absence row's record: its source id if that is a UUID (the standard's ids are), else a UUID
    derived from it (a row of an attendance, '<id>/valid', or a further day of a notified absence, '<id>/<date>')."""
    base, _, suffix = source_id.partition("/")
    if suffix in ("valid", "invalid"):
        source_id = base
    try:
        return str(uuid.UUID(source_id))
    except ValueError:
        return str(uuid.uuid5(ID_NAMESPACE, f"absence:{source_id}"))


def _wall_clock(midnight: datetime, minutes: int) -> str:
    return (midnight + timedelta(minutes=minutes)).isoformat()


def _absence_cursor(cursor: Cursor) -> tuple[int, date, int, int]:
    try:
        child, day, pk, offset = cursor
        return int(child), date.fromisoformat(day), int(pk), int(offset)
    except (TypeError, ValueError) as error:
        raise BadCursor("not a cursor of absences") from error


@contextmanager
def _own_connection() -> Iterator[None]:
    """Close the database connection afterwards if this call opened it (a server thread's), not the caller's."""
    opened = connection.connection is None
    try:
        yield
    finally:
        if opened:
            connection.close()


def _person(person_id: str, first_name: str, last_name: str, identity_number: str) -> Record:
    record: Record = {"id": person_id, "givenName": first_name, "familyName": last_name}
    if re.fullmatch(r"\d{12}", identity_number or ""):
        record["civicNo"] = {"value": identity_number, "nationality": "SE"}
    return record


def _addresses(street: str, postal_code: str, locality: str) -> list[Record]:
    if not (street or postal_code or locality):
        return []
    return [
        {
            "type": "Folkbokföring",
            "streetAddress": street,
            "postalCode": postal_code,
            "locality": locality,
            "country": "Sverige",
        }
    ]


def _school_year(grade: str) -> int | None:
    """Förskoleklass (F) is school year 0."""
    if grade == "F":
        return 0
    return int(grade) if grade.isdigit() and 0 < int(grade) <= 13 else None
