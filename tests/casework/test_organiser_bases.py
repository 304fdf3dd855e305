"""Records a school keeps stay with it: a report of concern with the school that filed it, a concern with the school
where it was recorded, and nothing a school keeps crosses from one organiser (huvudman) to another when the child
moves (issue 12, 1.5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import basis_for, visible_to
from kring.casework.models import Concern, ReportOfConcern
from kring.casework.reports import actions
from kring.directory.models import OrganisationKind, Unit, User
from kring.people.models import Placement
from kring.schooldata.investigations import open_investigation
from kring.schooldata.models import AbsenceInvestigation, AbsenceRecord
from tests.conftest import World, _staff, login
from tests.factories import OrganisationFactory, PlacementFactory, UnitFactory

TODAY = timezone.localdate()

REPORT = actions.ReportInput(
    what_happened="Alva berättar att det är bråk hemma varje kväll.",
    when_and_where="I klassrummet, måndag, till mentor",
    guardians_informed=True,
    urgency="normal",
    child_words="Jag vill inte gå hem.",
)


@pytest.fixture
def independent_school(world: World) -> Unit:
    company = OrganisationFactory(
        municipality=world.municipality, name="Friskolor i Test AB", kind=OrganisationKind.INDEPENDENT_SCHOOL
    )
    return UnitFactory(organisation=company, name="Friskolan Tallen")


@pytest.fixture
def new_principal(world: World) -> User:
    """The principal of Björkskolan: the same organiser (the municipality) as Ekskolan."""
    return _staff(world.municipality, world.other_school, "principal", "rektor.bjork@kommun.example")


@pytest.fixture
def independent_principal(world: World, independent_school: Unit) -> User:
    return _staff(world.municipality, independent_school, "principal", "rektor@friskolan.example")


@pytest.fixture
def independent_kurator(world: World, independent_school: Unit) -> User:
    return _staff(world.municipality, independent_school, "kurator", "kurator@friskolan.example")


def _move(world: World, to: Unit) -> None:
    """Alva leaves Ekskolan yesterday and starts at another school today."""
    Placement.objects.filter(child=world.child, unit=world.school).update(end_date=TODAY - dt.timedelta(days=1))
    PlacementFactory(child=world.child, unit=to, start_date=TODAY)


def test_unit_organiser_is_the_municipality_or_an_independent_schools_company(
    world: World, independent_school: Unit
) -> None:
    assert world.school.organiser == world.other_school.organiser == f"municipality:{world.municipality.pk}"
    assert independent_school.organiser == f"organisation:{independent_school.organisation_id}"
    assert world.police_unit.organiser != world.school.organiser


def test_report_stays_with_the_filing_school_when_the_child_moves(
    client: Client, world: World, principal: User, social_worker: User, new_principal: User
) -> None:
    report = actions.file_report(by=principal, child=world.child, report=REPORT)
    _move(world, world.other_school)

    assert not visible_to(new_principal, ReportOfConcern.objects.all()).exists()
    assert basis_for(new_principal, report) is None
    login(client, new_principal)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    overview = client.get(f"/children/{world.child.pk}/").content.decode()
    assert "bråk hemma" not in overview
    assert not AuditEvent.objects.filter(actor_id=new_principal.pk, target_type="report_of_concern").exists()

    assert visible_to(principal, ReportOfConcern.objects.all()).get() == report
    login(client, principal)
    assert "bråk hemma" in client.get(f"/reports/{report.pk}/").content.decode()


def test_report_stays_with_the_filing_school_for_its_student_health_after_the_reporter_left(
    world: World, principal: User, kurator: User, social_worker: User
) -> None:
    report = actions.file_report(by=principal, child=world.child, report=REPORT)
    principal.memberships.update(active=False)
    _move(world, world.other_school)

    basis = basis_for(kurator, report)
    assert basis is not None and basis.kind == "report_school"
    assert visible_to(kurator, ReportOfConcern.objects.all()).get() == report


def test_report_stays_with_the_filing_school_and_never_reaches_another_organiser(
    world: World, principal: User, social_worker: User, independent_principal: User, independent_kurator: User
) -> None:
    actions.file_report(by=principal, child=world.child, report=REPORT)
    _move(world, Unit.objects.get(name="Friskolan Tallen"))

    for person in (independent_principal, independent_kurator):
        assert not visible_to(person, ReportOfConcern.objects.all()).exists()


def test_concern_stays_with_its_school_when_the_child_moves(
    world: World, teacher: User, principal: User, new_principal: User
) -> None:
    concern = actions.record_concern(
        by=teacher,
        child=world.child,
        concern=actions.ConcernInput("wellbeing", "Alva gråter ofta på rasterna.", TODAY, "Jag, på skolgården", ""),
    )
    _move(world, world.other_school)

    assert not visible_to(new_principal, Concern.objects.all()).exists()
    assert basis_for(new_principal, concern) is None
    assert visible_to(principal, Concern.objects.all()).get() == concern


def _absence(world: World, unit: Unit) -> AbsenceRecord:
    return AbsenceRecord.objects.create(
        municipality=world.municipality,
        child=world.child,
        unit=unit,
        day=TODAY - dt.timedelta(days=7),
        minutes=60,
        kind=1,
    )


def test_organiser_records_follow_the_child_within_the_municipality(
    world: World, principal: User, new_principal: User
) -> None:
    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    absence = _absence(world, world.school)
    _move(world, world.other_school)

    assert visible_to(new_principal, AbsenceInvestigation.objects.all()).get() == investigation
    assert visible_to(new_principal, AbsenceRecord.objects.all()).get() == absence
    basis = basis_for(new_principal, investigation)
    assert basis is not None and "Björkskolan" in basis.reason


def test_organiser_records_never_cross_to_an_independent_school(
    client: Client, world: World, principal: User, independent_principal: User
) -> None:
    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    absence = _absence(world, world.school)
    _move(world, Unit.objects.get(name="Friskolan Tallen"))

    assert not visible_to(independent_principal, AbsenceInvestigation.objects.all()).exists()
    assert not visible_to(independent_principal, AbsenceRecord.objects.all()).exists()
    assert basis_for(independent_principal, investigation) is None
    assert basis_for(independent_principal, absence) is None
    # the child's register data reaches the new school: it is where the child goes now
    assert basis_for(independent_principal, world.child) is not None
    reads = AuditEvent.objects.filter(actor_id=independent_principal.pk, action=AuditAction.READ)
    login(client, independent_principal)
    response = client.get(f"/children/{world.child.pk}/")
    assert response.status_code == 200
    assert reads.filter(target_type="absence_investigation").count() == 0
