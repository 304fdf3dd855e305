"""Writing the municipality's organisations and units (schools, preschools, teams) and their classes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kring.demo import names
from kring.demo.plan import GroupPlan, MunicipalityPlan, UnitPlan, street_address
from kring.directory.models import Municipality, Organisation, OrganisationKind, Unit, UnitKind
from kring.people.models import Group

BATCH_SIZE = 2000


@dataclass
class School:
    """A school or preschool as planned and as written, with its classes."""

    plan: UnitPlan
    unit: Unit
    groups: list[tuple[GroupPlan, Group]] = field(default_factory=list)


@dataclass
class Structure:
    municipality: Municipality
    organisations: dict[str, Organisation]
    schools: list[School]
    health_teams: list[Unit]  # one per area
    social_units: list[Unit]  # one per area
    intake_unit: Unit
    outpatient_unit: Unit
    joint_teams: list[Unit]
    police_unit: Unit
    region_units: list[Unit]
    safety_unit: Unit
    it_unit: Unit
    education_office: Unit

    @property
    def demo_school(self) -> School:
        """The school of the demo logins: the first one, a school with grades F-9."""
        return self.schools[0]

    def units(self) -> list[Unit]:
        fixed = [self.intake_unit, self.outpatient_unit, self.police_unit, self.safety_unit, self.it_unit]
        fixed.append(self.education_office)
        teams = self.health_teams + self.social_units + self.joint_teams + self.region_units
        return [school.unit for school in self.schools] + teams + fixed


_ORGANISATIONS = {
    "education": ("Utbildningsförvaltningen", OrganisationKind.EDUCATION),
    "student_health": ("Elevhälsan", OrganisationKind.STUDENT_HEALTH),
    "social": ("Socialförvaltningen", OrganisationKind.SOCIAL_SERVICES),
    "police": (f"Lokalpolisområde {names.MUNICIPALITY_NAME}", OrganisationKind.POLICE),
    "region": ("Region Demoland, hälso- och sjukvård", OrganisationKind.HEALTH_CARE),
    "executive": ("Kommunledningsförvaltningen", OrganisationKind.OTHER),
    "independent": ("Demoskolor AB", OrganisationKind.INDEPENDENT_SCHOOL),
}


class _UnitMaker:
    """Builds unsaved units with a fictional address, phone number and e-mail address."""

    def __init__(self, municipality: Municipality, rng: random.Random) -> None:
        self.municipality = municipality
        self.rng = rng

    def address(self, street: str | None = None) -> str:
        locality, postal = self.rng.choice(names.LOCALITIES)
        return f"{street or street_address(self.rng)}, {postal} {self.rng.randint(10, 99)} {locality}"

    def __call__(self, organisation: Organisation, name: str, kind: str, **fields: object) -> Unit:
        return Unit(
            municipality=self.municipality,
            organisation=organisation,
            name=name,
            kind=kind,
            address=self.address(str(fields.pop("street", "")) or None),
            phone=self.rng.choice(names.FICTIONAL_MOBILE_NUMBERS),
            email=f"{names.email_local_part(name.replace(' ', '.'))}@{names.EMAIL_DOMAIN}",
            **fields,
        )


def _school_organisation(plan: MunicipalityPlan, index: int, orgs: dict[str, Organisation]) -> Organisation:
    """The municipality runs every school but the last, which an independent organiser (friskola) runs."""
    last = len(plan.schools) - 1
    return orgs["independent"] if index == last and last > 0 else orgs["education"]


def _school_units(plan: MunicipalityPlan, orgs: dict[str, Organisation], make: _UnitMaker) -> list[School]:
    return [
        School(
            unit_plan,
            make(
                _school_organisation(plan, index, orgs),
                unit_plan.name,
                UnitKind.SCHOOL if unit_plan.is_school else UnitKind.PRESCHOOL,
                street=unit_plan.address,
                school_forms=unit_plan.school_forms,
                grades=unit_plan.grades,
                school_unit_code=unit_plan.school_unit_code,
            ),
        )
        for index, unit_plan in enumerate(plan.units)
    ]


def _area_names(count: int) -> list[str]:
    return list(names.AREA_NAMES[:count])


def _build(plan: MunicipalityPlan, municipality: Municipality, rng: random.Random) -> Structure:
    orgs = {
        key: Organisation(municipality=municipality, name=name, kind=kind)
        for key, (name, kind) in _ORGANISATIONS.items()
    }
    Organisation.objects.bulk_create(orgs.values())
    make = _UnitMaker(municipality, rng)
    areas = _area_names(plan.spec.areas)
    social, education = orgs["social"], orgs["education"]
    return Structure(
        municipality=municipality,
        organisations=orgs,
        schools=_school_units(plan, orgs, make),
        health_teams=[make(orgs["student_health"], f"Elevhälsoteam {a}", UnitKind.STUDENT_HEALTH_TEAM) for a in areas],
        social_units=[make(social, f"Barn och unga {a}", UnitKind.SOCIAL_SERVICES_UNIT) for a in areas],
        intake_unit=make(social, "Mottagningen barn och unga", UnitKind.SOCIAL_SERVICES_UNIT),
        outpatient_unit=make(social, "Öppenvården barn och unga", UnitKind.SOCIAL_SERVICES_UNIT),
        joint_teams=[
            make(education, f"{name} (TSI-team)", UnitKind.JOINT_TEAM, co_organisation=social)
            for name in names.JOINT_TEAM_NAMES[: plan.spec.joint_teams]
        ],
        police_unit=make(orgs["police"], f"Kommunpolisen {names.MUNICIPALITY_NAME}", UnitKind.POLICE_UNIT),
        region_units=[
            make(orgs["region"], f"BUP {names.MUNICIPALITY_NAME}", UnitKind.OTHER),
            make(orgs["region"], f"Ungdomsmottagningen {names.MUNICIPALITY_NAME}", UnitKind.OTHER),
        ],
        safety_unit=make(orgs["executive"], "Trygghet och samverkan", UnitKind.OTHER),
        it_unit=make(orgs["executive"], "Digitalisering och IT", UnitKind.OTHER),
        education_office=make(education, "Utbildningskontoret", UnitKind.OTHER),
    )


def _write_groups(structure: Structure, school_year: str) -> None:
    for school in structure.schools:
        school.groups = [
            (
                group_plan,
                Group(
                    municipality=structure.municipality,
                    unit=school.unit,
                    name=group_plan.name,
                    school_year=school_year,
                ),
            )
            for group_plan in school.plan.groups
        ]
    Group.objects.bulk_create(
        [group for school in structure.schools for _, group in school.groups], batch_size=BATCH_SIZE
    )


def write_structure(plan: MunicipalityPlan, rng: random.Random) -> Structure:
    """The municipality, its seven organisations, every unit and every class, in a few bulk inserts."""
    municipality = Municipality.objects.create(name=names.MUNICIPALITY_NAME, code=names.MUNICIPALITY_CODE)
    structure = _build(plan, municipality, rng)
    Unit.objects.bulk_create(structure.units(), batch_size=BATCH_SIZE)
    _write_groups(structure, plan.year.label)
    return structure
