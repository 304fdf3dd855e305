"""Writing validated SS 12000 records into Kring's models, keyed on the SS 12000 ids, one page at a time.

Each `apply_*` function takes one page of raw records, validates each one, writes what changed with bulk
statements, and reports what it created, changed, left as it was, skipped and rejected. Running a page twice changes
nothing the second time: that is what makes the import idempotent and resumable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q

from kring.directory.models import Organisation, OrganisationKind, SchoolForm, Unit, UnitKind
from kring.people.identity import parse_identity_number
from kring.people.models import Child, Custody, CustodyKind, Group, Guardian, Placement, name_key
from kring.schooldata import schemas
from kring.schooldata.bulk import adapt_date, insert_rows
from kring.schooldata.models import AbsenceKind, AbsenceRecord

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
ABSENCE_KINDS = {
    "Anmäld": AbsenceKind.REPORTED,
    "Beviljad": AbsenceKind.GRANTED,
    "Giltig": AbsenceKind.VALID,
    "Ogiltig": AbsenceKind.INVALID,
}
BATCH = 2000
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
    """The municipality's SS 12000 ids already in Kring, loaded once per run and kept up to date as pages land."""

    municipality_id: int
    units: dict[str, int] = field(default_factory=dict)
    children: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, municipality_id: int) -> Lookup:
        lookup = cls(municipality_id)
        lookup.units = dict(
            Unit.objects.filter(municipality_id=municipality_id).exclude(ss12000_id="").values_list("ss12000_id", "pk")
        )
        lookup.children = dict(
            Child.objects.filter(municipality_id=municipality_id).exclude(ss12000_id="").values_list("ss12000_id", "pk")
        )
        return lookup


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
        if record.is_school_unit:
            schools.append(record)
        else:
            result.counts["skipped"] += 1
    if not schools:
        return result
    units = Unit.objects.filter(municipality_id=lookup.municipality_id)
    codes = [s.school_unit_code for s in schools if s.school_unit_code]
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
            adopted = by_code.pop(school.school_unit_code, None) if school.school_unit_code else None
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
            "school_unit_code": school.school_unit_code or "",
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


def _identity(person: schemas.Person, result: PageResult) -> tuple[str, date] | None:
    if person.civic_no is None:
        result.reject(person, "civicNo: missing (Kring needs a pupil's identity number)")
        return None
    try:
        parsed = parse_identity_number(person.civic_no.value)
    except DjangoValidationError as error:
        result.reject(person, f"civicNo: {error.messages[0]}")
        return None
    return parsed.canonical, person.birth_date or parsed.birth_date


def _address(person: schemas.Person) -> dict[str, str]:
    address = person.home_address
    return {
        "street_address": (address.street_address or "") if address else "",
        "postal_code": (address.postal_code or "") if address else "",
        "city": (address.locality or "") if address else "",
    }


def _child_values(person: schemas.Person, identity_number: str, birth_date: date) -> dict[str, Any]:
    return {
        "identity_number": identity_number,
        "first_name": person.given_name,
        "last_name": person.family_name,
        "birth_date": birth_date,
        "protected_identity": person.protected_identity,
        "name_key": name_key(person.given_name, person.family_name),
        **_address(person),
    }


def apply_persons(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    result = PageResult()
    pupils: dict[str, tuple[schemas.Person, dict[str, Any]]] = {}
    for person in validate(schemas.Person, records, result):
        if not person.is_pupil:
            result.counts["skipped"] += 1
            continue
        identity = _identity(person, result)
        if identity is not None:
            pupils[person.id] = (person, _child_values(person, *identity))
    if not pupils:
        return result
    _upsert_children(pupils, lookup, result)
    _sync_guardians([person for person, _values in pupils.values()], lookup, result)
    _sync_enrolments([person for person, _values in pupils.values()], lookup, result)
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


def _guardian_values(person: schemas.Person) -> dict[str, Any]:
    identity = ""
    if person.civic_no is not None:
        try:
            identity = parse_identity_number(person.civic_no.value).canonical
        except DjangoValidationError:
            identity = ""
    return {
        "identity_number": identity,
        "first_name": person.given_name,
        "last_name": person.family_name,
        "email": person.emails[0].value if person.emails else "",
        "phone": person.phone_numbers[0].value if person.phone_numbers else "",
        **_address(person),
    }


def _sync_guardians(pupils: list[schemas.Person], lookup: Lookup, result: PageResult) -> None:
    """Guardians come embedded in their children's records (expand=responsibles); custody follows the source."""
    embedded = {g.id: g for p in pupils if p.embedded for g in p.embedded.responsibles}
    guardians = Guardian.objects.filter(municipality_id=lookup.municipality_id)
    existing = {g.ss12000_id: g for g in guardians.filter(ss12000_id__in=list(embedded))}
    wanted = {key: _guardian_values(person) for key, person in embedded.items()}
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
    guardian_ids = dict(guardians.filter(ss12000_id__in=list(embedded)).values_list("ss12000_id", "pk"))
    child_ids = [lookup.children[p.id] for p in pupils if p.id in lookup.children]
    wanted_custody: dict[tuple[int, int], str] = {}
    for pupil in pupils:
        keepers = [r.person.id for r in pupil.responsibles if r.has_custody and r.person.id in guardian_ids]
        kind = CustodyKind.JOINT if len(keepers) > 1 else CustodyKind.SOLE
        for keeper in keepers:
            if pupil.id in lookup.children:
                wanted_custody[(lookup.children[pupil.id], guardian_ids[keeper])] = kind
    current = {
        (c.child_id, c.guardian_id): c
        for c in Custody.objects.filter(child_id__in=child_ids).exclude(guardian__ss12000_id="")
    }
    stale = [c.pk for key, c in current.items() if key not in wanted_custody]
    changed = [c for key, c in current.items() if key in wanted_custody and c.kind != wanted_custody[key]]
    for custody in changed:
        custody.kind = wanted_custody[(custody.child_id, custody.guardian_id)]
    Custody.objects.filter(pk__in=stale).delete()
    Custody.objects.bulk_update(changed, ["kind"], batch_size=BATCH)
    Custody.objects.bulk_create(
        [Custody(child_id=c, guardian_id=g, kind=k) for (c, g), k in wanted_custody.items() if (c, g) not in current],
        batch_size=BATCH,
    )


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
        for enrolment in pupil.enrolments:
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
    _sync(Placement, wanted, existing, counts, lambda key, values: Placement(ss12000_id=key, **values))
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
    _sync(Placement, wanted, existing, result, lambda key, values: Placement(ss12000_id=key, **values))
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
    for record in validate(schemas.Group, records, result):
        if not record.is_class:
            result.counts["skipped"] += 1
        elif record.organisation.id not in lookup.units:
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
    _sync(Group, wanted, existing, result, lambda key, values: Group(ss12000_id=key, **values))
    group_ids = dict(Group.objects.filter(ss12000_id__in=list(wanted)).values_list("ss12000_id", "pk"))
    for group in classes:
        members = [lookup.children[m.person.id] for m in group.group_memberships if m.person.id in lookup.children]
        moved = (
            Placement.objects.filter(child_id__in=members, unit_id=lookup.units[group.organisation.id])
            .exclude(group_id=group_ids[group.id])
            .update(group_id=group_ids[group.id])
        )
        result.counts["placements grouped"] += moved
    return result


# -- absences ----------------------------------------------------------------------------------------------------


ABSENCE_FIELDS = ("municipality", "child", "unit", "day", "minutes", "kind", "source_id")


def apply_absences(records: Sequence[dict[str, Any]], lookup: Lookup) -> PageResult:
    result = PageResult()
    wanted: dict[str, tuple[int, int, date, int, int]] = {}
    for record in validate(schemas.Absence, records, result):
        child_id, unit_id = lookup.children.get(record.student.id), lookup.units.get(record.organisation.id)
        if child_id is None:
            result.reject(record, f"student: unknown person {record.student.id}")
        elif unit_id is None:
            result.reject(record, f"organisation: unknown school unit {record.organisation.id}")
        else:
            start = record.start_time.astimezone(SWEDISH_TIME) if record.start_time.tzinfo else record.start_time
            wanted[record.id] = (
                child_id,
                unit_id,
                start.date(),
                min(record.minutes, 32767),
                ABSENCE_KINDS[record.type],
            )
    existing = {
        row[0]: row
        for row in AbsenceRecord.objects.filter(
            municipality_id=lookup.municipality_id, source_id__in=list(wanted)
        ).values_list("source_id", "pk", "child_id", "unit_id", "day", "minutes", "kind")
    }
    created: list[tuple[Any, ...]] = []
    changed: list[AbsenceRecord] = []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            child_id, unit_id, day, minutes, kind = values
            created.append((lookup.municipality_id, child_id, unit_id, adapt_date(day), minutes, kind, key))
        elif row[2:] != values:
            child_id, unit_id, day, minutes, kind = values
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
        result.unit_ids.add(values[1])
    insert_rows(AbsenceRecord, ABSENCE_FIELDS, created)
    AbsenceRecord.objects.bulk_update(changed, ["child_id", "unit_id", "day", "minutes", "kind"], batch_size=BATCH)
    result.counts["created"] += len(created)
    result.counts["updated"] += len(changed)
    return result


APPLY: dict[str, Callable[[Sequence[dict[str, Any]], Lookup], PageResult]] = {
    "organisations": apply_organisations,
    "persons": apply_persons,
    "placements": apply_placements,
    "groups": apply_groups,
    "absences": apply_absences,
}


# -- deletions ---------------------------------------------------------------------------------------------------


def apply_deletions(deleted: dict[str, list[str]], lookup: Lookup) -> PageResult:
    """What the source deleted: absences, groups and placements go; a deleted person's placements and custody
    go (the child stays, since cases and audit refer to them); school units stay (they are managed in Kring)."""
    result = PageResult()
    m = lookup.municipality_id
    if ids := deleted.get("absences"):
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            result.unit_ids.update(
                AbsenceRecord.objects.filter(municipality_id=m, source_id__in=chunk).values_list("unit_id", flat=True)
            )
            result.counts["absences deleted"] += AbsenceRecord.objects.filter(
                municipality_id=m, source_id__in=chunk
            ).delete()[0]
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
        result.counts["custody deleted"] += Custody.objects.filter(
            guardian__municipality_id=m, guardian__ss12000_id__in=ids
        ).delete()[0]
    return result
