"""The shape of the demo municipality, planned in memory before anything is written: sizes, schools and
preschools with their classes and seats. Pure and deterministic: the same seed and school year give the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from itertools import product

from kring.demo import names

GRADES = ("F", "1", "2", "3", "4", "5", "6", "7", "8", "9")
SCHOOL_TYPES: dict[str, tuple[str, ...]] = {"F-6": GRADES[:7], "F-9": GRADES, "7-9": GRADES[7:]}
PRESCHOOL_AGES = (2, 3, 4, 5)  # age reached in the calendar year the school year starts


@dataclass(frozen=True)
class SizeSpec:
    """How big the generated municipality is. `parallel` and the sizes are (low, high), inclusive."""

    name: str
    schools: int
    preschools: int
    parallel: tuple[int, int]
    class_size: tuple[int, int]
    preschool_groups: tuple[int, int]
    preschool_group_size: tuple[int, int]
    areas: int
    police_officers: int
    joint_teams: int
    school_types: tuple[str, ...] = ()  # fixed types for the first schools; the rest are drawn
    tsi_cases: int = 0  # open and closed cases of the joint teams (see kring.demo.cases)


SIZES: dict[str, SizeSpec] = {
    # Only for the test suite: the smallest municipality that still has every kind of thing.
    "tiny": SizeSpec("tiny", 2, 1, (1, 1), (8, 10), (2, 2), (8, 10), 1, 1, 1, ("F-9", "F-6")),
    "small": SizeSpec("small", 3, 2, (1, 1), (18, 24), (3, 3), (15, 20), 1, 2, 1, ("F-9", "F-6", "F-6"), 12),
    "medium": SizeSpec("medium", 22, 28, (1, 3), (20, 26), (3, 5), (15, 20), 3, 6, 1, ("F-9",), 150),
    "large": SizeSpec("large", 200, 400, (1, 3), (20, 26), (3, 5), (15, 20), 8, 20, 3, ("F-9",), 1000),
}
PUBLIC_SIZES = ("small", "medium", "large")


@dataclass(frozen=True)
class SchoolYear:
    """The current school year: it starts on 15 August."""

    start_year: int

    @classmethod
    def containing(cls, day: date) -> SchoolYear:
        return cls(day.year if day >= date(day.year, 8, 15) else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{str(self.start_year + 1)[2:]}"

    def start(self, years_ago: int = 0) -> date:
        return date(self.start_year - years_ago, 8, 15)


@dataclass(frozen=True)
class GroupPlan:
    """A class (or preschool group) with its seats: one child per seat."""

    name: str
    school_form: str
    grade: str
    birth_year: int
    seats: int
    start_date: date | None  # None: the child started at a date of their own (preschool)


@dataclass
class UnitPlan:
    name: str
    is_school: bool
    area: int
    grades: list[str]
    school_forms: list[str]
    school_unit_code: str
    address: str
    groups: list[GroupPlan] = field(default_factory=list)

    @property
    def pupils(self) -> int:
        return sum(group.seats for group in self.groups)


@dataclass
class MunicipalityPlan:
    spec: SizeSpec
    year: SchoolYear
    schools: list[UnitPlan]
    preschools: list[UnitPlan]

    @property
    def units(self) -> list[UnitPlan]:
        return self.schools + self.preschools

    @property
    def children(self) -> int:
        return sum(unit.pupils for unit in self.units)


def street_address(rng: random.Random) -> str:
    return f"{rng.choice(names.STREET_STEMS)}{rng.choice(names.STREET_SUFFIXES)} {rng.randint(1, 60)}"


def _unit_names(rng: random.Random, suffixes: tuple[str, ...], count: int) -> list[str]:
    combos = [
        f"{stem}{suffix}" for stem, suffix in product(names.PLACE_STEMS, suffixes) if stem.casefold() not in suffix
    ]
    if count > len(combos):
        raise ValueError(f"only {len(combos)} unit names for {count} units")
    return rng.sample(combos, count)


def _school_groups(rng: random.Random, spec: SizeSpec, year: SchoolYear, grades: tuple[str, ...]) -> list[GroupPlan]:
    parallel = rng.randint(*spec.parallel) * (2 if grades[0] == "7" else 1)  # a 7-9 school takes several
    first = GRADES.index(grades[0])
    groups = []
    for grade in grades:
        index = GRADES.index(grade)
        form = "FKLASS" if grade == "F" else "GR"
        for letter in "ABCDEFGH"[:parallel]:
            groups.append(
                GroupPlan(
                    name=f"{grade}{letter}",
                    school_form=form,
                    grade=grade,
                    birth_year=year.start_year - 6 - index,
                    seats=rng.randint(*spec.class_size),
                    start_date=year.start(years_ago=index - first),
                )
            )
    return groups


def _preschool_groups(rng: random.Random, spec: SizeSpec, year: SchoolYear, offset: int) -> list[GroupPlan]:
    count = rng.randint(*spec.preschool_groups)
    group_names = rng.sample(names.PRESCHOOL_GROUPS, count)
    return [
        GroupPlan(
            name=name,
            school_form="FS",
            grade="",
            birth_year=year.start_year - PRESCHOOL_AGES[(offset + index) % len(PRESCHOOL_AGES)],
            seats=rng.randint(*spec.preschool_group_size),
            start_date=None,
        )
        for index, name in enumerate(group_names)
    ]


def _school_type(rng: random.Random, spec: SizeSpec, index: int) -> str:
    if index < len(spec.school_types):
        return spec.school_types[index]
    return rng.choices(("F-6", "F-9", "7-9"), weights=(4, 3, 2))[0]


def _school_unit_codes(rng: random.Random, count: int) -> list[str]:
    """Eight digits like Skolverket's school unit codes, from a range (9xxxxxxx) not in use."""
    return [f"9{number:07d}" for number in rng.sample(range(10**7), count)]


def plan_municipality(spec: SizeSpec, year: SchoolYear, rng: random.Random) -> MunicipalityPlan:
    school_names = _unit_names(rng, names.SCHOOL_SUFFIXES, spec.schools)
    preschool_names = _unit_names(rng, names.PRESCHOOL_SUFFIXES, spec.preschools)
    codes = iter(_school_unit_codes(rng, spec.schools + spec.preschools))
    schools = []
    for index, name in enumerate(school_names):
        grades = SCHOOL_TYPES[_school_type(rng, spec, index)]
        forms = (["FKLASS"] if "F" in grades else []) + ["GR"] + (["FTH"] if "F" in grades else [])
        unit = UnitPlan(name, True, index % spec.areas, list(grades), forms, next(codes), street_address(rng))
        unit.groups = _school_groups(rng, spec, year, grades)
        schools.append(unit)
    preschools = []
    for index, name in enumerate(preschool_names):
        unit = UnitPlan(name, False, index % spec.areas, [], ["FS"], next(codes), street_address(rng))
        unit.groups = _preschool_groups(rng, spec, year, offset=index)
        preschools.append(unit)
    return MunicipalityPlan(spec, year, schools, preschools)
