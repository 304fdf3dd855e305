"""Writing validated SS 12000 records into Kring's models, keyed on the SS 12000 ids, one page at a time.

Each `apply_*` function takes one page of raw records, validates each one, writes what changed with bulk
statements, and reports what it created, changed, left as it was, skipped and rejected. Running a page twice changes
nothing the second time: that is what makes the import idempotent and resumable.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet

from kring.directory.models import Organisation, OrganisationKind, SchoolForm, Unit, UnitKind
from kring.people.identity import (
    identity_index,
    is_temporary_number,
    parse_identity_number,
    parse_temporary_number,
)
from kring.people.models import Child, Custody, CustodyKind, CustodyRelation, Group, Guardian, Placement, name_key
from kring.schooldata import schemas
from kring.schooldata.bulk import adapt_date, insert_rows
from kring.schooldata.models import (
    NOTIFIED_KINDS,
    AbsenceKind,
    AbsenceRecord,
    AbsenceSettings,
    Lesson,
    SourceResponsible,
)

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
ABSENCE_KINDS = {schemas.REPORTED_ABSENCE: AbsenceKind.REPORTED, schemas.GRANTED_LEAVE: AbsenceKind.GRANTED}
BATCH = 2000
AGGREGATED_PREFIX = "agg/"  # rows from /aggregatedAttendance (see aggregated_key)
R = TypeVar("R", bound=schemas.BaseModel)
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Rejection:
    source_id: str
    reason: str
    row_number: int | None = None


@dataclass
class PageResult:
    counts: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    unit_ids: set[int] = field(default_factory=set)  # units whose pupils' absence may have changed

    def reject(self, record: dict[str, Any] | Any, reason: str, row_number: int | None = None) -> None:
        source_id = record.get("id") if isinstance(record, dict) else getattr(record, "id", "")
        self.rejections.append(Rejection(str(source_id or "")[:64], reason, row_number))
        self.counts["rejected"] += 1


@dataclass
class Lookup:
    """The municipality's SS 12000 ids already in Kring, loaded once per run and kept up to date as pages land;
    with the provider's time zone (for times sent without an offset) and the length of a school day (the most
    absence one day can count)."""

    municipality_id: int
    units: dict[str, int] = field(default_factory=dict)
    children: dict[str, int] = field(default_factory=dict)
    guardians: dict[str, int] = field(default_factory=dict)
    responsible_ids: set[str] = field(default_factory=set)
    zone: ZoneInfo = SWEDISH_TIME
    school_day_minutes: int = 24 * 60

    @classmethod
    def load(cls, municipality_id: int, *, zone: ZoneInfo = SWEDISH_TIME) -> Lookup:
        lookup = cls(municipality_id, zone=zone)
        lookup.units = dict(
            Unit.objects.filter(municipality_id=municipality_id).exclude(ss12000_id="").values_list("ss12000_id", "pk")
        )
        lookup.children = dict(
            Child.objects.filter(municipality_id=municipality_id).exclude(ss12000_id="").values_list("ss12000_id", "pk")
        )
        lookup.guardians = dict(
            Guardian.objects.filter(municipality_id=municipality_id)
            .exclude(ss12000_id="")
            .values_list("ss12000_id", "pk")
        )
        lookup.responsible_ids = set(
            SourceResponsible.objects.filter(municipality_id=municipality_id).values_list("person_id", flat=True)
        )
        settings = AbsenceSettings.objects.filter(municipality_id=municipality_id).first()
        lookup.school_day_minutes = settings.school_day_minutes if settings else AbsenceSettings().school_day_minutes
        return lookup

    def local(self, moment: datetime) -> datetime:
        """A time in Swedish local time (a school day is Swedish); one without an offset is the provider's."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(SWEDISH_TIME)


def validate(model: type[R], records: Iterable[dict[str, Any]], result: PageResult) -> list[R]:
    valid = []
    for record in records:
        try:
            valid.append(model.model_validate(record))
        except schemas.ValidationError as error:
            result.reject(record, schemas.describe_error(error))
    return valid


def _sync(
    model: type[M],
    wanted: dict[str, dict[str, Any]],
    existing: Mapping[str, M],
    result: PageResult,
    make: Callable[[str, dict[str, Any]], M],
) -> list[M]:
    """Create what is new and update what differs; count what is already as the source says."""
    created: list[M] = []
    changed: list[M] = []
    fields: set[str] = set()
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            created.append(make(key, values))
            continue
        differing = [name for name, value in values.items() if getattr(row, name) != value]
        if differing:
            for name in differing:
                setattr(row, name, values[name])
            fields.update(differing)
            changed.append(row)
        else:
            result.counts["unchanged"] += 1
    if created:
        model._default_manager.bulk_create(created, batch_size=BATCH)
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields), batch_size=BATCH)
    result.counts["created"] += len(created)
    result.counts["updated"] += len(changed)
    return created


# -- organisations → units ------------------------------------------------------------------------------------


def _unit_kind(record: schemas.Organisation) -> str:
    return UnitKind.PRESCHOOL if set(record.school_types) <= {"FS"} and record.school_types else UnitKind.SCHOOL


def apply_organisations(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    result = PageResult()
    schools = []
    for record in validate(schemas.Organisation, records, result):
        if not record.is_school_unit:
            result.counts["skipped"] += 1
            continue
        schools.append(record)
        if record.school_unit_code and not record.register_code:
            result.counts["schoolUnitCode not 8 digits, left out"] += 1
    if not schools:
        return result
    units = Unit.objects.filter(municipality_id=lookup.municipality_id)
    codes = [s.register_code for s in schools if s.register_code]
    existing = {u.ss12000_id: u for u in units.filter(ss12000_id__in=[s.id for s in schools])}
    by_code = {u.school_unit_code: u for u in units.filter(school_unit_code__in=codes, ss12000_id="")}
    by_name = {u.name: u for u in units.filter(name__in=[s.display_name for s in schools])}
    organisation = (
        Organisation.objects.filter(municipality_id=lookup.municipality_id, kind=OrganisationKind.EDUCATION)
        .order_by("pk")
        .first()
    )
    wanted = {}
    for school in schools:
        if school.id not in existing:
            adopted = by_code.pop(school.register_code, None) if school.register_code else None
            named = by_name.get(school.display_name)
            if adopted is None and named is not None and named.ss12000_id:
                result.reject({"id": school.id}, "displayName: another unit in Kring has this name")
                continue
            adopted = adopted or named
            if adopted is not None:  # a unit set up by hand: adopt it
                adopted.ss12000_id = school.id
                adopted.save(update_fields=["ss12000_id"])
                existing[school.id] = adopted
        if school.id not in existing and organisation is None:
            result.reject({"id": school.id}, "no education organisation in Kring to put a new school unit under")
            continue
        wanted[school.id] = {
            "name": school.display_name,
            "school_unit_code": school.register_code,
            "school_forms": sorted(school.school_types),
        }
        if school.id not in existing:
            wanted[school.id]["kind"] = _unit_kind(school)

    def make(key: str, values: dict[str, Any]) -> Unit:
        return Unit(municipality_id=lookup.municipality_id, organisation=organisation, ss12000_id=key, **values)

    for values in (v for k, v in wanted.items() if k in existing):
        values.pop("kind", None)
    _sync(Unit, wanted, existing, result, make)
    lookup.units.update(
        Unit.objects.filter(municipality_id=lookup.municipality_id, ss12000_id__in=list(wanted)).values_list(
            "ss12000_id", "pk"
        )
    )
    return result


# -- persons → children, guardians, custody and school placements ---------------------------------------------


def _placeholder_number(municipality_id: int, person_id: str) -> str:
    """A stand-in for a pupil the source sends with no identity number: 'X' and 11 characters derived from the SS
    12000 id (the same on every run), never a number a person could have."""
    digest = hashlib.sha256(f"{municipality_id}:{person_id}".encode()).hexdigest()
    return "X" + digest[:11].upper()


def _identity(person: schemas.Person, lookup: Lookup, result: PageResult) -> tuple[str, date] | None:
    """The child's identity number and date of birth: a personal or coordination number, a temporary number of the
    school register (marked as such), or, with neither, a stand-in and the `birthDate` the source gives."""
    civic = person.civic_no
    value = civic.value.strip() if civic is not None else ""
    if value and civic is not None and civic.nationality not in ("", "SE"):
        result.counts["foreign civicNo not used"] += 1
        value = ""
    if not value:
        if person.birth_date is None:
            result.reject(person, "civicNo, birthDate: both missing (Kring needs one of them to know the child)")
            return None
        result.counts["without civicNo"] += 1
        return _placeholder_number(lookup.municipality_id, person.id), person.birth_date
    try:
        if is_temporary_number(value):
            number, born = parse_temporary_number(value)
            result.counts["temporary civicNo"] += 1
            return number, person.birth_date or born
        parsed = parse_identity_number(value)
    except DjangoValidationError as error:
        result.reject(person, f"civicNo: {error.messages[0]}")
        return None
    return parsed.canonical, person.birth_date or parsed.birth_date


def _text(value: str | None, length: int) -> str:
    return (value or "").strip()[:length]


def _address(person: schemas.Person) -> dict[str, str]:
    address = person.home_address
    return {
        "street_address": _text(address.street_address, 200) if address else "",
        "postal_code": _text(address.postal_code, 10) if address else "",
        "city": _text(address.locality, 100) if address else "",
    }


def _child_values(person: schemas.Person, identity_number: str, birth_date: date) -> dict[str, Any]:
    return {
        "identity_number": identity_number,
        "identity_index": identity_index(identity_number),
        "first_name": person.given_name,
        "last_name": person.family_name,
        "birth_date": birth_date,
        "protected_identity": person.protected_identity,
        "name_key": name_key(person.given_name, person.family_name),
        **_address(person),
    }


def apply_persons(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    """Children (with enrolments or someone responsible for them) and the adults who decide for them. Anyone else
    (staff, say) is skipped before validation: a field Kring does not need never rejects them."""
    result = PageResult()
    children, others = [], []
    for record in records:
        if not isinstance(record, dict) or not record.get("id") or schemas.is_child_record(record):
            children.append(record)
        else:
            others.append(record)
    pupils: dict[str, tuple[schemas.Person, dict[str, Any]]] = {}
    for person in validate(schemas.Person, children, result):
        identity = _identity(person, lookup, result)
        if identity is not None:
            pupils[person.id] = (person, _child_values(person, *identity))
    affected: set[int] = set()
    if pupils:
        _upsert_children(pupils, lookup, result)
        people = [person for person, _values in pupils.values()]
        affected |= _store_responsibles(people, lookup, result)
        _sync_enrolments(people, lookup, result)
    # After the children, whose links say which adults decide for them (on this page too).
    adults = [r for r in others if r["id"] in lookup.responsible_ids or r["id"] in lookup.guardians]
    if skipped := len(others) - len(adults):
        result.counts["skipped"] += skipped
    if adults:
        affected |= _upsert_guardians(validate(schemas.Person, adults, result), lookup, result)
    if affected:
        _sync_custody(affected, lookup, result)
    return result


def _upsert_children(
    pupils: dict[str, tuple[schemas.Person, dict[str, Any]]], lookup: Lookup, result: PageResult
) -> None:
    children = Child.objects.filter(municipality_id=lookup.municipality_id)
    existing = {c.ss12000_id: c for c in children.filter(ss12000_id__in=list(pupils))}
    numbers = {values["identity_number"]: key for key, (_p, values) in pupils.items() if key not in existing}
    for child in children.filter(identity_number__in=list(numbers)):
        if child.ss12000_id and child.ss12000_id != numbers[child.identity_number]:
            result.reject({"id": numbers.pop(child.identity_number)}, "civicNo: another SS 12000 person has it")
            continue
        existing[numbers[child.identity_number]] = child  # a child entered by hand: adopt it
        child.ss12000_id = numbers[child.identity_number]
        child.save(update_fields=["ss12000_id"])
    wanted = {key: values for key, (_p, values) in pupils.items() if key in existing or key in numbers.values()}

    def make(key: str, values: dict[str, Any]) -> Child:
        return Child(municipality_id=lookup.municipality_id, ss12000_id=key, **values)

    _sync(Child, wanted, existing, result, make)
    lookup.children.update(children.filter(ss12000_id__in=list(wanted)).values_list("ss12000_id", "pk"))


def _store_responsibles(pupils: list[schemas.Person], lookup: Lookup, result: PageResult) -> set[int]:
    """Replace the pupils' links to the adults who decide for them; returns the children whose links were read."""
    links: dict[tuple[int, str], str] = {}
    for pupil in pupils:
        child_id = lookup.children.get(pupil.id)
        if child_id is None:
            continue
        for responsible in pupil.responsibles or ():
            if responsible.decides_for_the_child:
                links[(child_id, responsible.person.id)] = responsible.relation_type or ""
            else:
                result.counts["responsibles without custody"] += 1
    child_ids = {lookup.children[p.id] for p in pupils if p.id in lookup.children}
    current = {(row.child_id, row.person_id): row for row in SourceResponsible.objects.filter(child_id__in=child_ids)}
    SourceResponsible.objects.filter(pk__in=[row.pk for key, row in current.items() if key not in links]).delete()
    changed = [row for key, row in current.items() if key in links and row.relation_type != links[key]]
    for row in changed:
        row.relation_type = links[(row.child_id, row.person_id)]
    SourceResponsible.objects.bulk_update(changed, ["relation_type"], batch_size=BATCH)
    SourceResponsible.objects.bulk_create(
        [
            SourceResponsible(municipality_id=lookup.municipality_id, child_id=c, person_id=p, relation_type=r)
            for (c, p), r in links.items()
            if (c, p) not in current
        ],
        batch_size=BATCH,
    )
    lookup.responsible_ids.update(person for _child, person in links)
    return child_ids


def _guardian_values(person: schemas.Person) -> dict[str, Any]:
    identity = ""
    if person.civic_no is not None:
        try:
            identity = parse_identity_number(person.civic_no.value).canonical
        except DjangoValidationError:
            identity = ""
    emails = person.emails or []
    phones = person.phone_numbers or []
    return {
        "identity_number": identity,
        "identity_index": identity_index(identity),
        "first_name": person.given_name,
        "last_name": person.family_name,
        "email": _text(emails[0].value, 254) if emails else "",
        "phone": _text(phones[0].value, 40) if phones else "",
        **_address(person),
    }


def _upsert_guardians(adults: list[schemas.Person], lookup: Lookup, result: PageResult) -> set[int]:
    """The adults' own records become Kring's guardians; returns the children they decide for."""
    guardians = Guardian.objects.filter(municipality_id=lookup.municipality_id)
    by_id = {person.id: person for person in adults}
    existing = {g.ss12000_id: g for g in guardians.filter(ss12000_id__in=list(by_id))}
    wanted = {key: _guardian_values(person) for key, person in by_id.items()}
    numbers = {v["identity_number"]: k for k, v in wanted.items() if k not in existing and v["identity_number"]}
    for guardian in guardians.filter(ss12000_id="", identity_number__in=list(numbers)):  # entered by hand: adopt
        guardian.ss12000_id = numbers.pop(guardian.identity_number, "")
        if guardian.ss12000_id:
            guardian.save(update_fields=["ss12000_id"])
            existing[guardian.ss12000_id] = guardian
    counts = PageResult()
    _sync(
        Guardian,
        wanted,
        existing,
        counts,
        lambda key, values: Guardian(municipality_id=lookup.municipality_id, ss12000_id=key, **values),
    )
    for name, number in counts.counts.items():
        result.counts[f"guardians {name}"] += number
    lookup.guardians.update(guardians.filter(ss12000_id__in=list(by_id)).values_list("ss12000_id", "pk"))
    return set(
        SourceResponsible.objects.filter(municipality_id=lookup.municipality_id, person_id__in=list(by_id)).values_list(
            "child_id", flat=True
        )
    )


def _sync_custody(child_ids: set[int], lookup: Lookup, result: PageResult) -> None:
    """Custody of these children as their links say, for the adults whose records have been read: joint with two
    guardians (vårdnadshavare) or more; a good man (god man) decides in a guardian's place."""
    links: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    for child_id, person_id, relation in SourceResponsible.objects.filter(child_id__in=child_ids).values_list(
        "child_id", "person_id", "relation_type"
    ):
        links[child_id].append((person_id, relation))
    wanted: dict[tuple[int, int], tuple[str, str]] = {}
    for child_id, people in links.items():
        keepers = sum(1 for _person, relation in people if relation == schemas.GUARDIAN)
        kind = CustodyKind.JOINT if keepers > 1 else CustodyKind.SOLE
        for person_id, relation in people:
            guardian_id = lookup.guardians.get(person_id)
            if guardian_id is not None:
                role = CustodyRelation.GUARDIAN if relation == schemas.GUARDIAN else CustodyRelation.GOOD_MAN
                wanted[(child_id, guardian_id)] = (kind, role)
    current = {
        (c.child_id, c.guardian_id): c
        for c in Custody.objects.filter(child_id__in=child_ids).exclude(guardian__ss12000_id="")
    }
    stale = [c.pk for key, c in current.items() if key not in wanted]
    changed = [c for key, c in current.items() if key in wanted and (c.kind, c.relation) != wanted[key]]
    for custody in changed:
        custody.kind, custody.relation = wanted[(custody.child_id, custody.guardian_id)]
    Custody.objects.filter(pk__in=stale).delete()
    Custody.objects.bulk_update(changed, ["kind", "relation"], batch_size=BATCH)
    created = [
        Custody(municipality_id=lookup.municipality_id, child_id=c, guardian_id=g, kind=k, relation=r)
        for (c, g), (k, r) in wanted.items()
        if (c, g) not in current
    ]
    Custody.objects.bulk_create(created, batch_size=BATCH)
    for name, number in (("created", len(created)), ("updated", len(changed)), ("deleted", len(stale))):
        if number:
            result.counts[f"custody {name}"] += number


def missing_guardians(lookup: Lookup) -> list[str]:
    """The adults linked from a child as deciding for them whose own person record has not been read (yet)."""
    return sorted(lookup.responsible_ids - lookup.guardians.keys())


def grade_of(school_year: int | None) -> str:
    if school_year is None:
        return ""
    return "F" if school_year == 0 else str(school_year)


def _sync_enrolments(pupils: list[schemas.Person], lookup: Lookup, result: PageResult) -> None:
    """A pupil's enrolments become their school placements, keyed '<person>/<school unit>/<start date>'."""
    wanted: dict[str, dict[str, Any]] = {}
    for pupil in pupils:
        child_id = lookup.children.get(pupil.id)
        if child_id is None:
            continue
        for enrolment in pupil.enrolments or ():
            if enrolment.cancelled:  # cancelled in advance: the pupil never went there (a placement made before ends)
                continue
            unit_id = lookup.units.get(enrolment.enroled_at.id)
            if unit_id is None:
                result.reject(pupil, f"enrolments: unknown school unit {enrolment.enroled_at.id}")
                continue
            key = f"{pupil.id}/{enrolment.enroled_at.id}/{enrolment.start_date.isoformat()}"
            wanted[key] = {
                "child_id": child_id,
                "unit_id": unit_id,
                "school_form": enrolment.school_type if enrolment.school_type in SchoolForm.values else "",
                "grade": grade_of(enrolment.school_year),
                "start_date": enrolment.start_date,
                "end_date": enrolment.end_date,
            }
    prefixes = Q()
    for pupil in pupils:
        prefixes |= Q(ss12000_id__startswith=f"{pupil.id}/")
    child_ids = [lookup.children[p.id] for p in pupils if p.id in lookup.children]
    existing = {p.ss12000_id: p for p in Placement.objects.filter(child_id__in=child_ids).filter(prefixes)}
    stale = [p.pk for key, p in existing.items() if key not in wanted]
    if stale:
        Placement.objects.filter(pk__in=stale).delete()
        result.counts["placements deleted"] += len(stale)
    counts = PageResult()
    _sync(
        Placement,
        wanted,
        existing,
        counts,
        lambda key, values: Placement(municipality_id=lookup.municipality_id, ss12000_id=key, **values),
    )
    for name, number in counts.counts.items():
        result.counts[f"placements {name}"] += number
    if stale or counts.counts["created"] or counts.counts["updated"]:  # who is placed where has changed
        result.unit_ids.update(values["unit_id"] for values in wanted.values())
        result.unit_ids.update(p.unit_id for p in existing.values())


# -- preschool placements ------------------------------------------------------------------------------------


def apply_placements(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    result = PageResult()
    wanted: dict[str, dict[str, Any]] = {}
    for record in validate(schemas.Placement, records, result):
        child_id, unit_id = lookup.children.get(record.child.id), lookup.units.get(record.placed_at.id)
        if child_id is None:
            result.reject(record, f"child: unknown person {record.child.id}")
        elif unit_id is None:
            result.reject(record, f"placedAt: unknown school unit {record.placed_at.id}")
        elif record.end_date is not None and record.end_date < record.start_date:
            result.reject(record, "endDate: before startDate")
        else:
            wanted[record.id] = {
                "child_id": child_id,
                "unit_id": unit_id,
                "school_form": record.school_type if record.school_type in SchoolForm.values else "",
                "start_date": record.start_date,
                "end_date": record.end_date,
            }
    existing = {p.ss12000_id: p for p in Placement.objects.filter(ss12000_id__in=list(wanted))}
    _sync(
        Placement,
        wanted,
        existing,
        result,
        lambda key, values: Placement(municipality_id=lookup.municipality_id, ss12000_id=key, **values),
    )
    if result.counts["created"] or result.counts["updated"]:
        result.unit_ids.update(values["unit_id"] for values in wanted.values())
        result.unit_ids.update(p.unit_id for p in existing.values())
    return result


# -- groups and their members ----------------------------------------------------------------------------------


def _school_year_label(start: date | None) -> str:
    if start is None:
        return ""
    first = start.year if start.month >= 7 else start.year - 1
    return f"{first}/{str(first + 1)[2:]}"


def apply_groups(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    result = PageResult()
    classes = []
    wanted_records = [r for r in records if not isinstance(r, dict) or schemas.is_class_record(r)]
    if skipped := len(records) - len(wanted_records):  # teaching groups and the like: not validated
        result.counts["skipped"] += skipped
    for record in validate(schemas.Group, wanted_records, result):
        if record.organisation.id not in lookup.units:
            result.reject(record, f"organisation: unknown school unit {record.organisation.id}")
        else:
            classes.append(record)
    wanted = {
        g.id: {
            "unit_id": lookup.units[g.organisation.id],
            "name": g.display_name,
            "school_year": _school_year_label(g.start_date),
        }
        for g in classes
    }
    existing = {g.ss12000_id: g for g in Group.objects.filter(ss12000_id__in=list(wanted))}
    for key, values in wanted.items():  # a class set up by hand with the same name and year: adopt it
        if key not in existing:
            match = Group.objects.filter(ss12000_id="", **values).first()
            if match is not None:
                match.ss12000_id = key
                match.save(update_fields=["ss12000_id"])
                existing[key] = match
    _sync(
        Group,
        wanted,
        existing,
        result,
        lambda key, values: Group(municipality_id=lookup.municipality_id, ss12000_id=key, **values),
    )
    group_ids = dict(Group.objects.filter(ss12000_id__in=list(wanted)).values_list("ss12000_id", "pk"))
    for group in classes:
        memberships = group.group_memberships or ()
        members = [lookup.children[m.person.id] for m in memberships if m.person.id in lookup.children]
        moved = (
            Placement.objects.filter(child_id__in=members, unit_id=lookup.units[group.organisation.id])
            .exclude(group_id=group_ids[group.id])
            .update(group_id=group_ids[group.id])
        )
        result.counts["placements grouped"] += moved
    return result


# -- absences: notified absence (/absences) and lessons missed (/calendarEvents, /attendances) ------------------


ABSENCE_FIELDS = ("municipality", "child", "unit", "day", "minutes", "kind", "source_id")
AbsenceRow = tuple[int, int, date, int, int]  # child, unit, day, minutes, kind


def _school_units(child_ids: Iterable[int]) -> dict[int, list[tuple[int, date, date | None]]]:
    """Each child's school placements (unit, start, end), for records that name no school unit."""
    found: defaultdict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    rows = Placement.objects.filter(child_id__in=set(child_ids), unit__kind=UnitKind.SCHOOL).order_by("-start_date")
    for child_id, unit_id, start, end in rows.values_list("child_id", "unit_id", "start_date", "end_date"):
        found[child_id].append((unit_id, start, end))
    return found


def _unit_on(placements: list[tuple[int, date, date | None]], day: date) -> int | None:
    return next((unit for unit, start, end in placements if start <= day and (end is None or day <= end)), None)


def _record_of(key: str) -> str:
    """The source record an absence row came from: '<id>', '<id>/<…>', or a pupil's in 'agg/<student>/<…>'."""
    parts = key.split("/")
    return parts[1] if key.startswith(AGGREGATED_PREFIX) and len(parts) > 1 else parts[0]


def _write_absences(
    wanted: dict[str, AbsenceRow], existing: dict[str, tuple[Any, ...]], lookup: Lookup, result: PageResult
) -> None:
    """Insert what is new, update what differs, and delete the rows of this page's records that they no longer
    give (a rejected record's rows stay as they were)."""
    rejected = {r.source_id for r in result.rejections}
    stale = [row[1] for key, row in existing.items() if key not in wanted and _record_of(key) not in rejected]
    created: list[tuple[Any, ...]] = []
    changed: list[AbsenceRecord] = []
    for key, values in wanted.items():
        row = existing.get(key)
        child_id, unit_id, day, minutes, kind = values
        if row is None:
            created.append((lookup.municipality_id, child_id, unit_id, adapt_date(day), minutes, kind, key))
        elif row[2:] != values:
            changed.append(
                AbsenceRecord(
                    pk=row[1], municipality_id=lookup.municipality_id, source_id=key, child_id=child_id,
                    unit_id=unit_id, day=day, minutes=minutes, kind=kind,
                )
            )  # fmt: skip
            result.unit_ids.add(row[3])
        else:
            result.counts["unchanged"] += 1
            continue
        result.unit_ids.add(unit_id)
    if stale:
        result.unit_ids.update(AbsenceRecord.objects.filter(pk__in=stale).values_list("unit_id", flat=True))
        AbsenceRecord.objects.filter(pk__in=stale).delete()
        result.counts["deleted"] += len(stale)
    insert_rows(AbsenceRecord, ABSENCE_FIELDS, created)
    AbsenceRecord.objects.bulk_update(changed, ["child_id", "unit_id", "day", "minutes", "kind"], batch_size=BATCH)
    result.counts["created"] += len(created)
    result.counts["updated"] += len(changed)


def _existing_absences(lookup: Lookup, query: Q) -> dict[str, tuple[Any, ...]]:
    return {
        row[0]: row
        for row in AbsenceRecord.objects.filter(query, municipality_id=lookup.municipality_id).values_list(
            "source_id", "pk", "child_id", "unit_id", "day", "minutes", "kind"
        )
    }


def _days_of(start: datetime, end: datetime, cap: int) -> list[tuple[date, int]]:
    """The school days (Monday–Friday) an absence from `start` to `end` (Swedish time) covers, with its minutes on
    each, at most a school day's."""
    days = []
    day = start.date()
    while day <= end.date():
        midnight = datetime.combine(day, time(0), tzinfo=SWEDISH_TIME)
        following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=SWEDISH_TIME)
        minutes = int((min(end, following) - max(start, midnight)).total_seconds() // 60)
        if day.weekday() < 5 and minutes > 0:
            days.append((day, min(minutes, cap, 32767)))
        day += timedelta(days=1)
    return days


def absence_keys(record_id: str, days: list[date]) -> list[str]:
    """The rows of a notified absence: its first school day under the record's own id, each further day under
    '<id>/<date>' (an absence of a week is five days of absence, not one)."""
    return [record_id if n == 0 else f"{record_id}/{day.isoformat()}" for n, day in enumerate(days)]


def apply_absences(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    """Granted leave and reported absence, a row for each school day they cover."""
    result = PageResult()
    wanted: dict[str, AbsenceRow] = {}
    valid = validate(schemas.Absence, records, result)
    placements = _school_units(lookup.children[r.student.id] for r in valid if r.student.id in lookup.children)
    for record in valid:
        child_id = lookup.children.get(record.student.id)
        if child_id is None:
            result.reject(record, f"student: unknown person {record.student.id}")
            continue
        if record.organisation is not None and record.organisation.id not in lookup.units:
            result.reject(record, f"organisation: unknown school unit {record.organisation.id}")
            continue
        days = _days_of(lookup.local(record.start_time), lookup.local(record.end_time), lookup.school_day_minutes)
        if len(record.id) > 53 and len(days) > 1:
            result.reject(record, "id: too long for an absence of several days (at most 53 characters)")
            continue
        kind = ABSENCE_KINDS[record.type]
        rows: dict[str, AbsenceRow] = {}
        for key, (day, minutes) in zip(absence_keys(record.id, [d for d, _m in days]), days, strict=True):
            unit_id = (
                lookup.units[record.organisation.id] if record.organisation else _unit_on(placements[child_id], day)
            )
            if unit_id is None:
                result.reject(record, "organisation: missing, and the pupil is placed at no school unit that day")
                rows = {}
                break
            rows[key] = (child_id, unit_id, day, minutes, kind)
        if not days:
            result.counts["no school day"] += 1
        wanted.update(rows)
    ids = [r.id for r in valid]
    children = {lookup.children[r.student.id] for r in valid if r.student.id in lookup.children}
    existing = _existing_absences(lookup, Q(source_id__in=ids))
    prefixes = tuple(f"{record_id}/" for record_id in ids)
    split = _existing_absences(
        lookup, Q(child_id__in=children, kind__in=list(NOTIFIED_KINDS), source_id__contains="/")
    )  # a child's rows of notified absences of several days: few, and found through the index on child
    existing.update({key: row for key, row in split.items() if key.startswith(prefixes)})
    _write_absences(wanted, existing, lookup, result)
    return result


def apply_calendar_events(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    """The day of each calendar event (lesson), for the attendances that name it."""
    result = PageResult()
    wanted = {
        event.id: {"day": lookup.local(event.start_time).date()}
        for event in validate(schemas.CalendarEvent, records, result)
    }
    existing = {
        lesson.ss12000_id: lesson
        for lesson in Lesson.objects.filter(municipality_id=lookup.municipality_id, ss12000_id__in=list(wanted))
    }
    moved = {lesson.ss12000_id for key, lesson in existing.items() if lesson.day != wanted[key]["day"]}
    for lesson in (existing[key] for key in moved):
        lesson.day = wanted[lesson.ss12000_id]["day"]
    Lesson.objects.bulk_update([existing[key] for key in moved], ["day"], batch_size=BATCH)
    created = [(lookup.municipality_id, key, adapt_date(v["day"])) for key, v in wanted.items() if key not in existing]
    insert_rows(Lesson, ("municipality", "ss12000_id", "day"), created)  # one prepared INSERT, as for absences
    result.counts["created"] += len(created)
    result.counts["updated"] += len(moved)
    result.counts["unchanged"] += len(existing) - len(moved)
    if moved:  # a lesson moved to another day takes its absence along
        rows = list(
            AbsenceRecord.objects.filter(
                municipality_id=lookup.municipality_id,
                source_id__in=[f"{key}/{suffix}" for key in moved for suffix in ATTENDANCE_SUFFIXES],
            ).only("pk", "day", "source_id", "unit_id")
        )
        for row in rows:
            result.unit_ids.add(row.unit_id)
            row.day = wanted[row.source_id.split("/")[0]]["day"]
        AbsenceRecord.objects.bulk_update(rows, ["day"], batch_size=BATCH)
    return result


# An attendance's absent minutes: valid (excused) and invalid (unexcused), each a row of its own.
ATTENDANCE_SUFFIXES = {"valid": AbsenceKind.VALID, "invalid": AbsenceKind.INVALID}


def apply_attendances(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    """Each lesson's valid and invalid absence, on the lesson's day, at the school the pupil is placed at."""
    result = PageResult()
    valid = validate(schemas.Attendance, records, result)
    lessons = dict(
        Lesson.objects.filter(
            municipality_id=lookup.municipality_id, ss12000_id__in=[r.calendar_event.id for r in valid]
        ).values_list("ss12000_id", "day")
    )
    placements = _school_units(lookup.children[r.student.id] for r in valid if r.student.id in lookup.children)
    wanted: dict[str, AbsenceRow] = {}
    for record in valid:
        child_id, day = lookup.children.get(record.student.id), lessons.get(record.calendar_event.id)
        if child_id is None:
            result.reject(record, f"student: unknown person {record.student.id}")
        elif day is None:
            result.reject(record, f"calendarEvent: unknown calendar event {record.calendar_event.id}")
        elif (unit_id := _unit_on(placements[child_id], day)) is None:
            result.reject(record, "student: placed at no school unit on the day of the calendarEvent")
        else:
            minutes = {"valid": record.valid_absence_minutes or 0, "invalid": record.invalid_absence_minutes or 0}
            for suffix, kind in ATTENDANCE_SUFFIXES.items():
                if minutes[suffix] > 0:
                    wanted[f"{record.id}/{suffix}"] = (child_id, unit_id, day, min(minutes[suffix], 32767), kind)
            if not any(minutes.values()):
                result.counts["present"] += 1
    keys = [f"{r.id}/{suffix}" for r in valid for suffix in ATTENDANCE_SUFFIXES]
    existing = _existing_absences(lookup, Q(source_id__in=keys))
    _write_absences(wanted, existing, lookup, result)
    return result


def aggregated_key(student_id: str, day: date, suffix: str) -> str:
    """A day's summed absence of a pupil from /aggregatedAttendance: 'agg/<student>/<day>/<valid|invalid>'."""
    return f"{AGGREGATED_PREFIX}{student_id}/{day.isoformat()}/{suffix}"


def apply_aggregated_attendance(records: Sequence[dict[str, Any]], lookup: Lookup, day: date) -> PageResult:
    """One day's attendance summed per pupil (over the activities of the day): valid and invalid minutes. The rows
    of the day that the answer no longer gives go: give every page of the day at once."""
    result = PageResult()
    valid = validate(schemas.AggregatedAttendance, records, result)
    placements = _school_units(lookup.children[r.student.id] for r in valid if r.student.id in lookup.children)
    sums: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record in valid:
        if record.start_date != day or record.end_date != day:
            result.reject({"id": record.student.id}, "startDate, endDate: not the day asked for")
        elif record.student.id not in lookup.children:
            result.reject({"id": record.student.id}, f"student: unknown person {record.student.id}")
        else:
            totals = sums[record.student.id]
            totals[0] += record.valid_absence_sum or 0
            totals[1] += record.invalid_absence_sum or 0
    wanted: dict[str, AbsenceRow] = {}
    for student_id, (valid_minutes, invalid_minutes) in sums.items():
        child_id = lookup.children[student_id]
        unit_id = _unit_on(placements[child_id], day)
        if unit_id is None:
            result.reject({"id": student_id}, "student: placed at no school unit on the day")
            continue
        for suffix, minutes in (("valid", valid_minutes), ("invalid", invalid_minutes)):
            if minutes > 0:
                wanted[aggregated_key(student_id, day, suffix)] = (
                    child_id, unit_id, day, min(minutes, 32767), ATTENDANCE_SUFFIXES[suffix]
                )  # fmt: skip
    existing = _existing_absences(
        lookup, Q(unit_id__in=list(lookup.units.values()), day=day, source_id__startswith=AGGREGATED_PREFIX)
    )
    _write_absences(wanted, existing, lookup, result)
    return result


APPLY: dict[str, Callable[[Sequence[dict[str, Any]], Lookup], PageResult]] = {
    "organisations": apply_organisations,
    "persons": apply_persons,
    "placements": apply_placements,
    "groups": apply_groups,
    "absences": apply_absences,
    "calendarEvents": apply_calendar_events,
    "attendances": apply_attendances,
}


# -- deletions ---------------------------------------------------------------------------------------------------


def _delete_rows(rows: QuerySet[AbsenceRecord], result: PageResult) -> None:
    result.unit_ids.update(rows.values_list("unit_id", flat=True).distinct())
    result.counts["absences deleted"] += rows.delete()[0]


def _delete_absences(lookup: Lookup, ids: list[str], result: PageResult) -> None:
    """Notified absences: the first day's row by its id, the further days' by the id's prefix (among the rows of the
    same children: few, found through the index on child)."""
    first = AbsenceRecord.objects.filter(municipality_id=lookup.municipality_id, source_id__in=ids)
    children = set(first.values_list("child_id", flat=True))
    prefixes = tuple(f"{key}/" for key in ids)
    further = [
        pk
        for pk, key in AbsenceRecord.objects.filter(
            child_id__in=children, kind__in=list(NOTIFIED_KINDS), source_id__contains="/"
        ).values_list("pk", "source_id")
        if key.startswith(prefixes)
    ]
    _delete_rows(AbsenceRecord.objects.filter(Q(pk__in=further) | Q(pk__in=first.values("pk"))), result)


def apply_deletions(deleted: dict[str, list[str]], lookup: Lookup) -> PageResult:
    """What the source deleted: absences, groups and placements go; a deleted person's placements and custody
    go (the child stays, since cases and audit refer to them); school units stay (they are managed in Kring)."""
    result = PageResult()
    m = lookup.municipality_id
    if ids := deleted.get("absences"):
        for start in range(0, len(ids), BATCH):
            _delete_absences(lookup, ids[start : start + BATCH], result)
    if ids := deleted.get("attendances"):
        for start in range(0, len(ids), BATCH):
            keys = [f"{key}/{suffix}" for key in ids[start : start + BATCH] for suffix in ATTENDANCE_SUFFIXES]
            _delete_rows(AbsenceRecord.objects.filter(municipality_id=m, source_id__in=keys), result)
    if ids := deleted.get("calendarEvents"):
        result.counts["lessons deleted"] += Lesson.objects.filter(municipality_id=m, ss12000_id__in=ids).delete()[0]
    if ids := deleted.get("groups"):
        result.counts["groups deleted"] += Group.objects.filter(unit__municipality_id=m, ss12000_id__in=ids).delete()[0]
    if ids := deleted.get("placements"):
        result.counts["placements deleted"] += Placement.objects.filter(
            unit__municipality_id=m, ss12000_id__in=ids
        ).delete()[0]
    if ids := deleted.get("persons"):
        prefixes = Q()
        for person_id in ids:
            prefixes |= Q(ss12000_id__startswith=f"{person_id}/")
        children = Child.objects.filter(municipality_id=m, ss12000_id__in=ids)
        result.counts["placements deleted"] += Placement.objects.filter(child__in=children).filter(prefixes).delete()[0]
        SourceResponsible.objects.filter(municipality_id=m, child__in=children).delete()
        result.counts["custody deleted"] += Custody.objects.filter(
            guardian__municipality_id=m, guardian__ss12000_id__in=ids
        ).delete()[0]
    return result
