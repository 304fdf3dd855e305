"""The in-memory SS 12000 dataset, and the export of a municipality in Kring's database into it."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kring.directory.models import UnitKind
from kring.people.models import Child, Group, Guardian
from kring.schooldata import schemas
from kring.schooldata.dataset import Record, Ss12000Dataset, dataset_from_municipality, stable_id
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.testserver import serve
from tests.conftest import World
from tests.factories import ChildFactory, CustodyFactory, GroupFactory, PlacementFactory, UnitFactory
from tests.schooldata.conftest import CLOCK, client_for, person_record, sid

EXPORTED_AT = datetime(2026, 10, 1, 4, 0, tzinfo=UTC)
OWN_ID = "0e9e1d00-0000-4000-8000-000000000001"  # a child's own SS 12000 id, from an import before

# -- the store ---------------------------------------------------------------------------------------------------


def test_put_stamps_meta_and_reads_in_modified_then_id_order(ss12000_dataset: Ss12000Dataset) -> None:
    ss12000_dataset.put("persons", person_record(2))
    ss12000_dataset.put("persons", person_record(1))
    ss12000_dataset.put("persons", person_record(3), modified=CLOCK - timedelta(days=1))

    records = ss12000_dataset.records("persons")

    assert [r["id"] for r in records] == [sid("person", 3), sid("person", 1), sid("person", 2)]
    assert records[0]["meta"] == {"created": "2026-08-31T06:00:00Z", "modified": "2026-08-31T06:00:00Z"}


def test_records_modified_after_are_strictly_after(ss12000_dataset: Ss12000Dataset) -> None:
    ss12000_dataset.put("persons", person_record(1))
    ss12000_dataset.now += timedelta(seconds=1)
    ss12000_dataset.put("persons", person_record(2))

    assert [r["id"] for r in ss12000_dataset.records("persons", modified_after=CLOCK)] == [sid("person", 2)]
    assert ss12000_dataset.records("persons", modified_after=ss12000_dataset.now) == []


def test_put_keeps_a_copy(ss12000_dataset: Ss12000Dataset) -> None:
    record = person_record(1)
    ss12000_dataset.put("persons", record)
    record["givenName"] = "Ändrad efteråt"

    assert ss12000_dataset.records("persons")[0]["givenName"] != "Ändrad efteråt"


def test_delete_is_reported_from_its_time(ss12000_dataset: Ss12000Dataset) -> None:
    ss12000_dataset.put("persons", person_record(1))
    ss12000_dataset.put("groups", {"id": "group-1"})
    ss12000_dataset.delete("groups", "group-1", when=CLOCK + timedelta(hours=2))
    ss12000_dataset.delete("persons", sid("person", 1))

    assert ss12000_dataset.records("persons") == []
    assert ss12000_dataset.deleted() == {"persons": [sid("person", 1)], "groups": ["group-1"]}
    assert ss12000_dataset.deleted(CLOCK) == {"groups": ["group-1"]}


def test_the_dataset_refuses_unknown_resources_and_naive_clocks(ss12000_dataset: Ss12000Dataset) -> None:
    with pytest.raises(KeyError):
        ss12000_dataset.put("students", person_record(1))
    with pytest.raises(ValueError, match="aware"):
        ss12000_dataset.now = datetime(2026, 9, 1)
    with pytest.raises(ValueError, match="id"):
        ss12000_dataset.put("persons", {"givenName": "Utan id"})


def test_a_generated_resource_is_read_only(ss12000_dataset: Ss12000Dataset) -> None:
    ss12000_dataset.set_generated("absences", lambda after, limit: ([], None))

    with pytest.raises(TypeError):
        ss12000_dataset.put("absences", {"id": "absence-1"})


# -- the export of a municipality ----------------------------------------------------------------------------------


@pytest.fixture
def exported_world(world: World) -> World:
    """The world's Ekskolan (Alva and the protected Sigge) with a class, a school unit code and absences, and a
    preschool with a group (avdelning) and a child placed in it."""
    world.school.school_unit_code = "12345678"
    world.school.save()
    klass = GroupFactory(unit=world.school, name="5A", school_year="2026/27")
    world.child.placements.update(group=klass)
    preschool = UnitFactory(
        organisation=world.school.organisation, name="Förskolan Ekorren", kind=UnitKind.PRESCHOOL, school_forms=[]
    )
    avdelning = GroupFactory(unit=preschool, name="Blåbäret", school_year="")
    toddler = ChildFactory(municipality=world.municipality, birth_date=dt.date(2023, 3, 1), ss12000_id=OWN_ID)
    PlacementFactory(child=toddler, unit=preschool, school_form="FS", grade="", group=avdelning)
    CustodyFactory(child=toddler)
    for n, (day, minutes, kind) in enumerate(
        [
            ("2026-09-14", 60, AbsenceKind.INVALID),
            ("2026-09-14", 40, AbsenceKind.VALID),
            ("2026-09-15", 300, AbsenceKind.REPORTED),
            ("2026-01-20", 50, AbsenceKind.GRANTED),
        ]
    ):
        AbsenceRecord.objects.create(
            municipality=world.municipality,
            child=world.child,
            unit=world.school,
            day=dt.date.fromisoformat(day),
            minutes=minutes,
            kind=kind,
            source_id=f"lektion-{n}" if n else "",
        )
    return world


def by_id(records: list[Record]) -> dict[str, Record]:
    return {record["id"]: record for record in records}


def test_every_exported_record_validates(exported_world: World) -> None:
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    counts = {}
    for resource, schema in schemas.RESOURCES.items():
        records = dataset.records(resource)
        counts[resource] = len(records)
        for record in records:
            schema.model_validate(record)
            assert record["meta"] == {"created": "2026-10-01T04:00:00Z", "modified": "2026-10-01T04:00:00Z"}
    # Huvudman, Ekskolan, Björkskolan, the preschool; three children and the two guardians of Alva and the toddler;
    # the toddler's placement; 5A and Blåbäret; Alva's absences (not the other municipality's child)
    assert counts == {
        "organisations": 4,
        "persons": 5,
        "placements": 1,
        "groups": 2,
        "duties": 0,
        "absences": 2,  # notified: granted leave and reported absence
        "calendarEvents": 2,  # the lessons missed, and the attendance at them
        "attendances": 2,
    }


def test_the_export_is_deterministic(exported_world: World) -> None:
    first = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)
    second = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    for resource in schemas.RESOURCES:
        assert first.records(resource) == second.records(resource)


def test_only_schools_and_preschools_are_organisations(exported_world: World) -> None:
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    organisations = [schemas.Organisation.model_validate(r) for r in dataset.records("organisations")]

    [organiser] = [o for o in organisations if o.organisation_type == "Huvudman"]
    units = {o.display_name: o for o in organisations if o.is_school_unit}
    assert sorted(units) == ["Björkskolan", "Ekskolan", "Förskolan Ekorren"]
    assert units["Ekskolan"].school_unit_code == "12345678"
    assert units["Björkskolan"].school_unit_code is None
    assert units["Förskolan Ekorren"].school_types == ["FS"]
    assert {u.parent_organisation.id for u in units.values() if u.parent_organisation} == {organiser.id}
    assert organiser.municipality_code == "9001"


def test_children_are_pupils_with_guardians_and_enrolments(exported_world: World) -> None:
    world = exported_world
    dataset = dataset_from_municipality(world.municipality, now=EXPORTED_AT)
    persons = by_id(dataset.records("persons"))

    alva = schemas.Person.model_validate(persons[stable_id(Child, world.child.pk)])

    assert alva.civic_no is not None and alva.civic_no.value == world.child.identity_number
    assert alva.birth_date == world.child.birth_date
    assert alva.security_marking == "Ingen"
    assert alva.home_address is not None and alva.home_address.street_address == world.child.street_address
    [enrolment] = alva.enrolments
    assert (enrolment.school_year, enrolment.school_type) == (5, "GR")
    assert enrolment.enroled_at.id == stable_id(type(world.school), world.school.pk)
    guardian = Guardian.objects.get(custodies__child=world.child)
    assert [(r.person.id, r.relation_type) for r in alva.responsibles] == [
        (stable_id(Guardian, guardian.pk), "Vårdnadshavare")
    ]
    guardian_record = schemas.Person.model_validate(persons[stable_id(Guardian, guardian.pk)])
    assert guardian_record.emails and guardian_record.emails[0].value == guardian.email
    assert not schemas.is_child_record(persons[stable_id(Guardian, guardian.pk)])


def test_a_protected_child_is_marked_and_has_no_address(exported_world: World) -> None:
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    sigge = schemas.Person.model_validate(dataset.get("persons", stable_id(Child, exported_world.protected_child.pk)))

    assert sigge.security_marking == "Skyddad folkbokföring"
    assert sigge.addresses == []


def test_preschool_placements_and_groups(exported_world: World) -> None:
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    [placement] = [schemas.Placement.model_validate(r) for r in dataset.records("placements")]
    groups = {g.display_name: g for g in (schemas.Group.model_validate(r) for r in dataset.records("groups"))}

    assert placement.child.id == OWN_ID  # the child's own SS 12000 id
    assert placement.school_type == "FS"
    assert placement.group is not None and placement.group.id == groups["Blåbäret"].id
    assert groups["Blåbäret"].group_type == "Avdelning"
    assert [m.person.id for m in groups["Blåbäret"].group_memberships] == [OWN_ID]
    klass = groups["5A"]
    assert (klass.group_type, klass.school_type) == ("Klass", "GR")
    assert (klass.start_date, klass.end_date) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    assert [m.person.id for m in klass.group_memberships] == [stable_id(Child, exported_world.child.pk)]
    assert klass.id == stable_id(Group, Group.objects.get(name="5A").pk)


def test_absences_follow_each_other_from_eight_in_local_time(exported_world: World) -> None:
    """Notified absence is `/absences` with the standard's types; a lesson missed is a calendar event and the pupil's
    attendance at it, with valid or invalid minutes."""
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    absences = sorted(
        (schemas.Absence.model_validate(r) for r in dataset.records("absences")), key=lambda a: a.start_time
    )
    lessons = {e["id"]: e for e in dataset.records("calendarEvents")}
    attendances = [schemas.Attendance.model_validate(r) for r in dataset.records("attendances")]

    assert [(a.start_time.isoformat(), a.end_time.isoformat(), a.type) for a in absences] == [
        ("2026-01-20T08:00:00+01:00", "2026-01-20T08:50:00+01:00", "Beviljad ledighet"),
        ("2026-09-15T08:00:00+02:00", "2026-09-15T13:00:00+02:00", "Anmäld frånvaro"),
    ]
    missed = sorted(
        (lessons[a.calendar_event.id]["startTime"], a.valid_absence_minutes, a.invalid_absence_minutes, a.id)
        for a in attendances
    )
    first = AbsenceRecord.objects.get(source_id="")
    assert missed == [
        ("2026-09-14T08:00:00+02:00", None, 60, stable_id(AbsenceRecord, first.pk)),  # no source id: a derived one
        ("2026-09-14T09:00:00+02:00", 40, None, missed[1][3]),
    ]
    assert missed[1][3] != "lektion-1" and len(missed[1][3]) == 36  # a UUID derived from the source id
    assert {a.student.id for a in [*absences, *attendances]} == {stable_id(Child, exported_world.child.pk)}


def test_lazy_absences_page_like_the_eager_ones(exported_world: World) -> None:
    eager = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)
    lazy = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT, lazy_absences=True)

    pages, cursor = [], None
    while True:  # one at a time: the running start times go on across the pages
        page, cursor = lazy.page("attendances", after=cursor, limit=1)
        pages.append(page)
        if cursor is None:
            break

    assert len(pages) == 2
    assert sorted(r["id"] for page in pages for r in page) == sorted(r["id"] for r in eager.records("attendances"))
    assert by_id([r for page in pages for r in page]) == by_id(eager.records("attendances"))
    for resource in ("absences", "calendarEvents"):
        assert by_id(lazy.records(resource)) == by_id(eager.records(resource))
    assert lazy.page("absences", modified_after=EXPORTED_AT) == ([], None)


def test_the_export_makes_as_many_queries_for_many_children_as_for_few(exported_world: World) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)
        return len(captured)

    few = queries()
    for _ in range(20):
        child = ChildFactory(municipality=exported_world.municipality)
        PlacementFactory(child=child, unit=exported_world.school)
        CustodyFactory(child=child)

    assert queries() == few


def test_the_served_export_reads_back_through_the_client(exported_world: World) -> None:
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    with serve(dataset) as server, client_for(server, page_size=2) as client:
        records: list[dict[str, Any]] = [r for page in client.pages("persons") for r in page.records]
        alva = schemas.Person.model_validate(by_id(records)[stable_id(Child, exported_world.child.pk)])
        guardians = client.lookup_persons([r.person.id for r in alva.responsibles or ()])

    assert sorted(g["familyName"] for g in guardians) == sorted(
        g.last_name for g in Guardian.objects.filter(custodies__child=exported_world.child)
    )
    assert CLOCK < EXPORTED_AT
