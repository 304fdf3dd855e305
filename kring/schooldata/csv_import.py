"""CSV import of school data, for schools without an SS 12000 API: pupils (with guardians and classes) and absence.

Every row becomes the SS 12000 record it stands for and goes through the same `apply_*` functions as the API
import, so a CSV row is validated and written exactly like an SS 12000 record. Checks that only a CSV needs (the
columns, dates, times, school unit codes) come first, row by row.

- **All or nothing**: the file is applied in one transaction. If any row is refused, everything is rolled back and
  the run is recorded as failed with every refused row, so the file can be corrected and uploaded again.
- **Line numbers** are those of a spreadsheet or a text editor: the header is line 1, the first pupil line 2.
- **Idempotent**: records are keyed on ids derived from the file (see docs/csv-import.md), so uploading the same
  file again changes nothing.
- Refused rows are recorded with their line and reason, never their content: an id that is an identity number
  (`pnr:…`) is left out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.directory.models import Municipality, Unit, User
from kring.people.identity import parse_identity_number
from kring.people.models import Child, Guardian, Placement
from kring.schooldata.importer import finish_run, recompute_after_import, start_run
from kring.schooldata.models import ImportRejection, ImportRun, ImportSource
from kring.schooldata.upserts import APPLY, BATCH, SWEDISH_TIME, Lookup

MAX_MEGABYTES = 50
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
PAGE = 1000  # records per call of an apply_* function, as a page of the API would be
UNIT_PREFIX = "csv-unit:"  # + school unit code: the SS 12000 id a CSV row gives its school unit
CHILD_PREFIX = "pnr:"  # + identity number: the default id of a pupil (and of a guardian)
CUSTODY = "Vårdnadshavare"


class CsvKind(models.TextChoices):
    PUPILS = "pupils", gettext_lazy("Pupils, their guardians and classes")
    ABSENCES = "absences", gettext_lazy("Absence")


GUARDIAN_FIELDS = ("identity_number", "first_name", "last_name", "email", "phone")

# column -> required
COLUMNS: dict[str, dict[str, bool]] = {
    CsvKind.PUPILS: {
        "pupil_id": False,
        "identity_number": True,
        "first_name": True,
        "last_name": True,
        "protected_identity": False,
        "school_unit_code": True,
        "grade": True,
        "class": True,
        "start_date": True,
        "end_date": False,
        "street_address": False,
        "postal_code": False,
        "city": False,
        **{f"guardian{n}_{name}": False for n in (1, 2) for name in GUARDIAN_FIELDS},
    },
    CsvKind.ABSENCES: {
        "absence_id": False,
        "identity_number": True,
        "school_unit_code": True,
        "date": True,
        "start_time": True,
        "minutes": False,  # ... or end_time: one of them is required
        "end_time": False,
        "type": True,
    },
}

# A line's type, and what it becomes in SS 12000: notified absence (`/absences`, the standard's types) or a lesson
# missed (an attendance's valid or invalid minutes, at a calendar event of the line's time).
ABSENCE_TYPES = {
    "anmäld": "Anmäld frånvaro",
    "reported": "Anmäld frånvaro",
    "beviljad": "Beviljad ledighet",
    "granted": "Beviljad ledighet",
    "giltig": "validAbsenceMinutes",
    "valid": "validAbsenceMinutes",
    "ogiltig": "invalidAbsenceMinutes",
    "unexcused": "invalidAbsenceMinutes",
}
ATTENDANCE_KINDS = frozenset({"validAbsenceMinutes", "invalidAbsenceMinutes"})
YES_NO = {"ja": True, "yes": True, "true": True, "1": True, "nej": False, "no": False, "false": False, "0": False}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
_IDENTITY_ID = re.compile(r"pnr:\d+")


class BinaryFile(Protocol):
    """An uploaded file, or any file opened in binary mode."""

    name: str | None

    def read(self, size: int = ..., /) -> bytes: ...


class CsvFileError(Exception):
    """The file as a whole cannot be read (size, encoding, header): no row was looked at."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(frozen=True)
class RowRejection:
    resource: str
    source_id: str
    line: int | None
    reason: str


@dataclass
class Conversion:
    """The SS 12000 records a file stands for, the line each came from, and the rows refused on the way."""

    rows: int = 0
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # resource -> records, in import order
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (resource, record id) -> line
    rejections: list[RowRejection] = field(default_factory=list)

    def add(self, resource: str, record: dict[str, Any], line: int) -> None:
        self.records.setdefault(resource, []).append(record)
        self.lines.setdefault((resource, record["id"]), line)

    def reject(self, resource: str, line: int, reason: str, source_id: str = "") -> None:
        self.rejections.append(RowRejection(resource, source_id, line, reason))


@dataclass
class CsvLookup(Lookup):
    """The SS 12000 lookup, and which child has been placed at which unit (an absence must be a pupil's there)."""

    placed: set[tuple[int, int]] = field(default_factory=set)


def csv_lookup(municipality_id: int) -> CsvLookup:
    """The SS 12000 lookup, plus `csv-unit:<school unit code>` for every unit with a code and `pnr:<identity
    number>` for every child of the municipality, and the (child, unit) of every placement."""
    loaded = Lookup.load(municipality_id)
    lookup = CsvLookup(loaded.municipality_id, loaded.units, loaded.children)
    lookup.placed = set(
        Placement.objects.filter(unit__municipality_id=municipality_id).values_list("child_id", "unit_id")
    )
    units = Unit.objects.filter(municipality_id=municipality_id).exclude(school_unit_code="").order_by("pk")
    for code, pk in units.values_list("school_unit_code", "pk"):
        lookup.units.setdefault(f"{UNIT_PREFIX}{code}", pk)
    children = Child.objects.filter(municipality_id=municipality_id).values_list("identity_number", "pk")
    lookup.children.update((f"{CHILD_PREFIX}{number}", pk) for number, pk in children)
    return lookup


# -- reading the file ------------------------------------------------------------------------------------------


def _decode(file: BinaryFile) -> str:
    seek = getattr(file, "seek", None)
    if seek is not None:
        seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CsvFileError(
            _("The file is larger than %(size)d MB: split it into smaller files.") % {"size": MAX_MEGABYTES}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvFileError(
            _("The file is not UTF-8 text (line %(line)d). Save it as “CSV UTF-8” and upload it again.")
            % {"line": line}
        ) from error


def _check_header(names: list[str], kind: str) -> None:
    columns = COLUMNS[kind]
    problems = []
    if missing := [c for c, required in columns.items() if required and c not in names]:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if kind == CsvKind.ABSENCES and "minutes" not in names and "end_time" not in names:
        problems.append(_("Give the length of each absence in a column minutes or end_time."))
    if unknown := [name for name in names if name and name not in columns]:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if twice := sorted({name for name in names if name and names.count(name) > 1}):
        problems.append(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(twice)})
    if problems:
        problems.append(
            _("Line 1 must name the columns of a file of %(kind)s: %(columns)s. Is it the right kind of file?")
            % {"kind": CsvKind(kind).label, "columns": ", ".join(columns)}
        )
        raise CsvFileError(" ".join(problems))


# What a form refuses in text is refused in a file too: NUL and the other control characters (tab and line breaks,
# which a quoted value may hold, excepted).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(file: BinaryFile, kind: str) -> tuple[list[Row], list[RowRejection]]:
    """The rows of the file (blank lines skipped), and the rows with more values than the header has columns.
    Raises CsvFileError when the file cannot be read at all."""
    text = _decode(file)
    header_line = text.split("\n", 1)[0]
    separator = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[Row] = []
    refused: list[RowRejection] = []
    try:
        header = next(reader, None)
        if header is None:
            raise CsvFileError(_("The file is empty."))
        names = [name.strip().lower() for name in header]
        _check_header(names, kind)
        previous = reader.line_num
        for fields in reader:
            line, previous = previous + 1, reader.line_num
            if not any(value.strip() for value in fields):
                continue
            if len(fields) > len(names) and any(value.strip() for value in fields[len(names) :]):
                reason = _("the line has %(found)d values but the header names %(columns)d columns") % {
                    "found": len(fields),
                    "columns": len(names),
                }
                refused.append(RowRejection(kind, "", line, reason))
                continue
            values = {name: value for name, value in zip(names, fields, strict=False) if name}
            controlled = sorted(name for name, value in values.items() if CONTROL_CHARACTERS.search(value))
            if controlled:
                reason = _("%(columns)s: a control character (such as NUL) is not allowed in a value") % {
                    "columns": ", ".join(controlled)
                }
                refused.append(RowRejection(kind, "", line, reason))
                continue
            rows.append(Row(line, values))
    except csv.Error as error:
        raise CsvFileError(
            _("The file is not a valid CSV file (near line %(line)d).") % {"line": reader.line_num}
        ) from error
    return rows, refused


# -- checking a row's values -----------------------------------------------------------------------------------


class _Fields:
    """One row's values, checked column by column; every problem is noted, and the row is refused at the end."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.problems: list[str] = []

    def problem(self, column: str, message: str) -> None:
        self.problems.append(f"{column}: {message}")

    def text(self, column: str, *, required: bool = False, max_length: int = 100) -> str:
        value = self.row.get(column)
        if required and not value:
            self.problem(column, _("missing (required)"))
        elif len(value) > max_length:
            self.problem(column, _("longer than %(max)d characters") % {"max": max_length})
        return value

    def identity_number(self, column: str, *, required: bool = True) -> str:
        value = self.text(column, required=required, max_length=20)
        if not value:
            return ""
        try:
            return parse_identity_number(value).canonical
        except ValidationError as error:
            self.problem(column, error.messages[0])
            return ""

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.text(column, required=required, max_length=10)
        if value:
            try:
                if _DATE.match(value):
                    return date.fromisoformat(value)
            except ValueError:
                pass
            self.problem(column, _("write the date as YYYY-MM-DD, for example 2025-08-18"))
        return None

    def clock(self, column: str, *, required: bool = True) -> time | None:
        value = self.text(column, required=required, max_length=8)
        if value:
            match = _TIME.match(value)
            try:
                if match:
                    return time(int(match[1]), int(match[2]))
            except ValueError:
                pass
            self.problem(column, _("write the time as HH:MM, for example 08:30"))
        return None

    def choice(self, column: str, choices: dict[str, Any], hint: str, *, required: bool = True) -> Any:
        value = self.text(column, required=required, max_length=20)
        if value and value.lower() not in choices:
            self.problem(column, hint)
        return choices.get(value.lower())

    def school_unit(self, codes: set[str]) -> str:
        code = self.text("school_unit_code", required=True, max_length=8)
        if code and not re.fullmatch(r"\d{8}", code):
            self.problem("school_unit_code", _("a school unit code has eight digits"))
        elif code and code not in codes:
            self.problem("school_unit_code", _("no unit in Kring has the school unit code %(code)s") % {"code": code})
        return code

    def email(self, column: str) -> str:
        value = self.text(column, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.problem(column, _("not an e-mail address"))
        return value


def _hashed(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _unit_codes(lookup: Lookup) -> set[str]:
    return {key.removeprefix(UNIT_PREFIX) for key in lookup.units if key.startswith(UNIT_PREFIX)}


# -- pupils -> persons (with guardians and enrolments) and groups -------------------------------------------------


def _grade(fields: _Fields) -> tuple[int, str] | None:
    """The SS 12000 school year and school type of a grade: F is the preschool class, 1–9 compulsory school."""
    value = fields.text("grade", required=True, max_length=2).upper()
    if value == "F":
        return 0, "FKLASS"
    if value in {str(n) for n in range(1, 10)}:
        return int(value), "GR"
    if value:
        fields.problem("grade", _("write F or a grade from 1 to 9"))
    return None


def _guardian(fields: _Fields, n: int, known: dict[str, str]) -> dict[str, Any] | None:
    prefix = f"guardian{n}_"
    if not any(fields.row.get(prefix + name) for name in GUARDIAN_FIELDS):
        return None
    identity = fields.identity_number(prefix + "identity_number", required=False)
    first, last = fields.text(prefix + "first_name", required=True), fields.text(prefix + "last_name", required=True)
    email, phone = fields.email(prefix + "email"), fields.text(prefix + "phone", max_length=40)
    if identity:
        guardian_id = known.get(identity) or f"{CHILD_PREFIX}{identity}"
    else:
        guardian_id = "csv-guardian:" + _hashed(first.casefold(), last.casefold(), email.casefold(), phone)
    record: dict[str, Any] = {"id": guardian_id, "givenName": first, "familyName": last}
    if identity:
        record["civicNo"] = {"value": identity}
    if email:
        record["emails"] = [{"value": email}]
    if phone:
        record["phoneNumbers"] = [{"value": phone}]
    return record


def _pupil(fields: _Fields, codes: set[str], guardians: dict[str, str]) -> dict[str, Any]:
    """The person record of one pupil line (check `fields.problems` before using it)."""
    identity = fields.identity_number("identity_number")
    first, last = fields.text("first_name", required=True), fields.text("last_name", required=True)
    protected = fields.choice("protected_identity", YES_NO, _("write ja or nej"), required=False)
    code = fields.school_unit(codes)
    grade = _grade(fields)
    fields.text("class", required=True, max_length=60)
    start, end = fields.day("start_date"), fields.day("end_date", required=False)
    if start and end and end < start:
        fields.problem("end_date", _("before start_date"))
    address = {
        "type": "Folkbokföring",
        "streetAddress": fields.text("street_address", max_length=200),
        "postalCode": fields.text("postal_code", max_length=10),
        "locality": fields.text("city"),
    }
    keepers = [g for g in (_guardian(fields, n, guardians) for n in (1, 2)) if g is not None]
    keepers = list({g["id"]: g for g in keepers}.values())
    return {
        "givenName": first,
        "familyName": last,
        "civicNo": {"value": identity},
        "securityMarking": "Skyddad folkbokföring" if protected else "Ingen",
        "addresses": [address] if any(address[k] for k in ("streetAddress", "postalCode", "locality")) else [],
        "responsibles": [{"person": {"id": g["id"]}, "relationType": CUSTODY} for g in keepers],
        "_embedded": {"responsibles": keepers},
        "enrolments": [
            {
                "enroledAt": {"id": f"{UNIT_PREFIX}{code}"},
                "schoolYear": grade[0] if grade else None,
                "schoolType": grade[1] if grade else "GR",
                "startDate": start.isoformat() if start else None,
                "endDate": end.isoformat() if end else None,
            }
        ],
    }


def _merge(person: dict[str, Any], again: dict[str, Any]) -> None:
    """A pupil on several lines (one per enrolment): the first line's details, every line's enrolment and guardians."""
    person["enrolments"] += again["enrolments"]
    known = {r["person"]["id"] for r in person["responsibles"]}
    for guardian in again["_embedded"]["responsibles"]:
        if guardian["id"] not in known:
            person["responsibles"].append({"person": {"id": guardian["id"]}, "relationType": CUSTODY})
            person["_embedded"]["responsibles"].append(guardian)


def _class_id(code: str, year: int, name: str) -> str:
    key = f"csv-class:{code}:{year}:{name}"
    return key if len(key) <= 64 else f"csv-class:{code}:{year}:{_hashed(name)}"


def convert_pupils(rows: list[Row], lookup: Lookup, *, today: date | None = None) -> Conversion:
    """Pupil lines -> SS 12000 persons (pupils with their enrolments and custody as responsibles, then the guardians
    as persons of their own; a line's guardians are held under `_embedded` only while the lines are merged) and
    classes of the current school year with their members."""
    conversion = Conversion(rows=len(rows))
    codes = _unit_codes(lookup)
    municipality = lookup.municipality_id
    children = dict(
        Child.objects.filter(municipality_id=municipality)
        .exclude(ss12000_id="")
        .values_list("identity_number", "ss12000_id")
    )
    guardians = dict(
        Guardian.objects.filter(municipality_id=municipality)
        .exclude(ss12000_id="")
        .exclude(identity_number="")
        .values_list("identity_number", "ss12000_id")
    )
    today = today or timezone.localdate()
    year = today.year if today.month >= 7 else today.year - 1
    persons: dict[str, dict[str, Any]] = {}
    by_pupil: dict[str, tuple[int, str]] = {}  # pupil id -> (its first line, identity number)
    by_identity: dict[str, tuple[int, str]] = {}  # identity number -> (its first line, pupil id)
    classes: dict[str, dict[str, Any]] = {}
    for row in rows:
        fields = _Fields(row)
        given_id = fields.text("pupil_id", max_length=35)
        person = _pupil(fields, codes, guardians)
        identity = person["civicNo"]["value"]
        pupil_id = given_id or children.get(identity) or f"{CHILD_PREFIX}{identity}"
        if identity and (seen := by_pupil.get(pupil_id)) and seen[1] != identity:
            message = _("line %(line)d has this pupil_id with another identity number")
            fields.problem("pupil_id", message % {"line": seen[0]})
        if identity and (seen := by_identity.get(identity)) and seen[1] != pupil_id:
            message = _("line %(line)d has this identity number with another pupil_id")
            fields.problem("identity_number", message % {"line": seen[0]})
        if fields.problems:
            conversion.reject(CsvKind.PUPILS, row.line, "; ".join(fields.problems), given_id)
            continue
        by_pupil.setdefault(pupil_id, (row.line, identity))
        by_identity.setdefault(identity, (row.line, pupil_id))
        if pupil_id in persons:
            _merge(persons[pupil_id], person)
        else:
            persons[pupil_id] = {"id": pupil_id, **person}
            conversion.lines[("persons", pupil_id)] = row.line
        enrolment = person["enrolments"][0]
        code, name = enrolment["enroledAt"]["id"].removeprefix(UNIT_PREFIX), row.get("class")
        group = classes.setdefault(
            _class_id(code, year, name),
            {
                "id": _class_id(code, year, name),
                "displayName": name,
                "groupType": "Klass",
                "schoolType": enrolment["schoolType"],
                "organisation": enrolment["enroledAt"],
                "startDate": date(year, 7, 1).isoformat(),
                "groupMemberships": [],
            },
        )
        if all(m["person"]["id"] != pupil_id for m in group["groupMemberships"]):
            group["groupMemberships"].append({"person": {"id": pupil_id}})
        conversion.lines.setdefault(("groups", group["id"]), row.line)
    # The guardians are persons of their own, after the pupils whose responsibles name them (as SS 12000 has it).
    guardian_records = {g["id"]: g for p in persons.values() for g in p.pop("_embedded")["responsibles"]}
    conversion.records = {
        "persons": [*persons.values(), *guardian_records.values()],
        "groups": list(classes.values()),
    }
    return conversion


# -- absences ------------------------------------------------------------------------------------------------------


def _absence(fields: _Fields, lookup: Lookup, codes: set[str]) -> dict[str, Any] | None:
    identity = fields.identity_number("identity_number")
    code = fields.school_unit(codes)
    child_id, unit_id = lookup.children.get(f"{CHILD_PREFIX}{identity}"), lookup.units.get(f"{UNIT_PREFIX}{code}")
    placed = isinstance(lookup, CsvLookup) and (child_id, unit_id) in lookup.placed
    if identity and code and unit_id is not None and not placed:
        # The same words whether the child is unknown or placed elsewhere: the file says nothing of other schools.
        fields.problem(
            "identity_number",
            _("not matched: no pupil of this school has this identity number in Kring (import the pupils first)"),
        )
    day, start = fields.day("date"), fields.clock("start_time")
    kind = fields.choice("type", ABSENCE_TYPES, _("write Anmäld, Beviljad, Giltig or Ogiltig"))
    absence_id = fields.text("absence_id", max_length=64)
    minutes_text = fields.text("minutes", max_length=4)
    end = None if minutes_text else fields.clock("end_time", required=False)
    if minutes_text and not (minutes_text.isdigit() and 0 < int(minutes_text) <= 24 * 60):
        fields.problem("minutes", _("write a whole number of minutes from 1 to 1440"))
    elif not minutes_text and not fields.row.get("end_time"):
        fields.problem("minutes", _("missing: give minutes or end_time"))
    if fields.problems or day is None or start is None:
        return None
    starts = datetime.combine(day, start, tzinfo=SWEDISH_TIME)
    if end is not None:
        ends = datetime.combine(day, end, tzinfo=SWEDISH_TIME)
        if ends <= starts:
            fields.problem("end_time", _("not after start_time"))
            return None
    else:
        ends = starts + timedelta(minutes=int(minutes_text))
        if ends.date() != starts.date() and ends.time() != time(0):
            fields.problem("minutes", _("the absence runs past midnight: write one line for each day"))
            return None
    record_id = absence_id or "csv:" + _hashed(identity, day.isoformat(), start.strftime("%H:%M"), kind)
    student = {"id": f"{CHILD_PREFIX}{identity}"}
    times = {"startTime": starts.isoformat(), "endTime": ends.isoformat()}
    if kind not in ATTENDANCE_KINDS:
        return {
            "id": record_id,
            "student": student,
            "organisation": {"id": f"{UNIT_PREFIX}{code}"},
            **times,
            "type": kind,
        }
    lesson = {"id": f"csv-lesson:{_hashed(record_id)}", **times}
    minutes = int((ends - starts).total_seconds() // 60)
    return {
        "id": record_id,
        "calendarEvent": {"id": lesson["id"]},
        "student": student,
        kind: minutes,
        "_lesson": lesson,
    }


def convert_absences(rows: list[Row], lookup: Lookup) -> Conversion:
    """Absence lines -> SS 12000 absences of pupils already in Kring."""
    conversion = Conversion(rows=len(rows))
    codes = _unit_codes(lookup)
    for row in rows:
        fields = _Fields(row)
        record = _absence(fields, lookup, codes)
        resource = "attendances" if record is not None and "_lesson" in record else "absences"
        if record is not None and any((name, record["id"]) in conversion.lines for name in ("absences", "attendances")):
            line = conversion.lines.get(("absences", record["id"])) or conversion.lines[("attendances", record["id"])]
            fields.problem("absence_id", _("the same absence as on line %(line)d") % {"line": line})
        if record is None or fields.problems:
            conversion.reject(CsvKind.ABSENCES, row.line, "; ".join(fields.problems), fields.row.get("absence_id"))
            continue
        if resource == "attendances":
            conversion.add("calendarEvents", record.pop("_lesson"), row.line)
        conversion.add(resource, record, row.line)
    return conversion


CONVERT: dict[str, Callable[[list[Row], Lookup], Conversion]] = {
    CsvKind.PUPILS: convert_pupils,
    CsvKind.ABSENCES: convert_absences,
}


# -- applying, all or nothing ----------------------------------------------------------------------------------------


class _RolledBack(Exception):
    def __init__(self, rejections: list[RowRejection]) -> None:
        super().__init__(len(rejections))
        self.rejections = rejections


def _apply(conversion: Conversion, lookup: Lookup) -> tuple[dict[str, Counter[str]], set[int], list[RowRejection]]:
    counts: dict[str, Counter[str]] = {}
    units: set[int] = set()
    rejections: list[RowRejection] = []
    for resource, records in conversion.records.items():
        counter = counts.setdefault(resource, Counter())
        for start in range(0, len(records), PAGE):
            result = APPLY[resource](records[start : start + PAGE], lookup)
            counter.update(result.counts)
            units |= result.unit_ids
            rejections += [
                RowRejection(resource, r.source_id, conversion.lines.get((resource, r.source_id)), r.reason)
                for r in result.rejections
            ]
    return counts, units, rejections


def _public(text: str) -> str:
    """An id or reason without identity numbers in it (ids derived from them are `pnr:<number>`)."""
    return _IDENTITY_ID.sub("pnr:…", text)


def _audit(run: ImportRun, by: User, kind: str, details: dict[str, Any]) -> None:
    record_event(
        actor=by,
        actor_label=run.started_by_label or None,
        action=AuditAction.WRITE,
        target_type="schooldata_import",
        target_id=run.pk,
        municipality_id=run.municipality_id,
        details={"source": ImportSource.CSV, "kind": kind, **details},
    )


def _fail(
    run: ImportRun, *, by: User, kind: str, rows: int, rejections: Iterable[RowRejection], error: str
) -> ImportRun:
    refused = sorted(rejections, key=lambda r: (r.line or 0, r.resource))
    with transaction.atomic():
        run.counts = {"rows": {"read": rows}}
        run.rejected = len(refused)
        run.save(update_fields=["counts", "rejected"])
        ImportRejection.objects.bulk_create(
            [
                ImportRejection(
                    municipality_id=run.municipality_id,
                    run=run,
                    resource=r.resource,
                    source_id=_public(r.source_id)[:64] if not r.source_id.startswith(CHILD_PREFIX) else "",
                    row_number=r.line,
                    reason=_public(r.reason)[:2000],
                )
                for r in refused
            ],
            batch_size=BATCH,
        )
        message = error or ngettext(
            "Nothing was imported: the file has %(count)d error. Correct it and upload the whole file again.",
            "Nothing was imported: the file has %(count)d errors. Correct them and upload the whole file again.",
            len(refused),
        ) % {"count": len(refused)}
        _audit(run, by, kind, {"status": "failed", "rows": rows, "rejected": len(refused)})
        return finish_run(run, error=message)


def import_csv(*, municipality: Municipality, kind: str, file: BinaryFile, by: User) -> ImportRun:
    """Import a CSV file of pupils or absences into the municipality, all or nothing. Returns the run: completed,
    or failed with every refused row (nothing written then but the run, its rejections and the audit event)."""
    kind = CsvKind(kind)
    run = start_run(
        municipality=municipality,
        source=ImportSource.CSV,
        source_label=os.path.basename(file.name or "") or "upload.csv",
        by=by,
        by_label=str(getattr(by, "email", "") or ""),
    )
    lookup = csv_lookup(municipality.pk)
    try:
        rows, refused = read_csv(file, kind)
    except CsvFileError as error:
        return _fail(run, by=by, kind=kind, rows=0, rejections=[], error=str(error))
    conversion = CONVERT[kind](rows, lookup)
    try:
        with transaction.atomic():
            counts, units, rejected = _apply(conversion, lookup)
            if refused or conversion.rejections or rejected:
                raise _RolledBack(refused + conversion.rejections + rejected)
            run.counts = {
                "rows": {"read": len(rows)},
                **{r: {k: v for k, v in c.items() if v} for r, c in counts.items()},
            }
            run.save(update_fields=["counts"])
            _audit(run, by, kind, {"status": "completed", "rows": len(rows), "counts": run.counts})
    except _RolledBack as rolled_back:
        return _fail(run, by=by, kind=kind, rows=len(rows), rejections=rolled_back.rejections, error="")
    except DatabaseError as error:
        message = _("The database refused the file (%(error)s): nothing was imported.") % {
            "error": type(error).__name__
        }
        return _fail(run, by=by, kind=kind, rows=len(rows), rejections=[], error=message)
    recompute_after_import(municipality.pk, units, run)
    return finish_run(run)
