"""Children and their families: guardians, custody, and each child's placement in a class.

Every seat of every class is filled by one child. Children are grouped into families of one to three siblings
of different ages, who share a surname, an address and their guardians. Written in chunks with bulk inserts;
`name_key` is set here because bulk_create bypasses `Child.save()`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from kring.demo import names
from kring.demo.identities import IdentityPool
from kring.demo.plan import GroupPlan, street_address
from kring.demo.structure import BATCH_SIZE, Structure
from kring.directory.models import Municipality, Unit
from kring.people.identity import identity_index
from kring.people.models import Child, Custody, CustodyKind, Group, Guardian, Placement, name_key

CHUNK_CHILDREN = 10_000
PROTECTED_SHARE = 0.005
SIBLING_WEIGHTS = (50, 35, 15)  # families with one, two and three children


@dataclass(frozen=True)
class Seat:
    unit: Unit
    group: Group
    plan: GroupPlan
    is_demo_school: bool


@dataclass
class Household:
    """Where a child lives (blank for protected identity: the register does not give the address)."""

    street: str
    postal_code: str
    city: str


@dataclass
class Family:
    seats: list[Seat]
    language: str
    surname: str
    custody: str  # "together", "apart" (joint custody, one guardian outside the household) or "sole"
    protected: bool
    home: Household


@dataclass
class Batch:
    children: list[Child] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    custodies: list[Custody] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)

    def write(self) -> None:
        Child.objects.bulk_create(self.children, batch_size=BATCH_SIZE)
        Guardian.objects.bulk_create(self.guardians, batch_size=BATCH_SIZE)
        Custody.objects.bulk_create(self.custodies, batch_size=BATCH_SIZE)
        Placement.objects.bulk_create(self.placements, batch_size=BATCH_SIZE)


def _seats(structure: Structure) -> list[Seat]:
    demo_unit = structure.demo_school.unit
    return [
        Seat(school.unit, group, group_plan, school.unit is demo_unit)
        for school in structure.schools
        for group_plan, group in school.groups
        for _ in range(group_plan.seats)
    ]


class _SeatDraw:
    """Seats in a random order, and unassigned seats of a given birth year for siblings."""

    def __init__(self, seats: list[Seat], rng: random.Random) -> None:
        self.seats = seats
        self.order = list(range(len(seats)))
        rng.shuffle(self.order)
        self.by_year: dict[int, list[int]] = {}
        for index in self.order:
            self.by_year.setdefault(seats[index].plan.birth_year, []).append(index)
        self.taken = bytearray(len(seats))

    def take(self, index: int) -> Seat:
        self.taken[index] = 1
        return self.seats[index]

    def sibling(self, year: int) -> Seat | None:
        candidates = self.by_year.get(year, [])
        while candidates:
            index = candidates.pop()
            if not self.taken[index]:
                return self.take(index)
        return None

    def families(self, rng: random.Random) -> Iterator[list[Seat]]:
        for index in self.order:
            if self.taken[index]:
                continue
            first = self.take(index)
            seats = [first]
            for _ in range(rng.choices((0, 1, 2), weights=SIBLING_WEIGHTS)[0]):
                year = first.plan.birth_year + rng.choice((-5, -4, -3, -2, -1, 1, 2, 3, 4, 5))
                sibling = None if year in {seat.plan.birth_year for seat in seats} else self.sibling(year)
                if sibling is not None:
                    seats.append(sibling)
            yield seats


def _custody_pattern(rng: random.Random) -> str:
    draw = rng.random()
    return "together" if draw < 0.72 else "apart" if draw < 0.86 else "sole"


def _household(rng: random.Random, locality: tuple[str, int] | None = None) -> Household:
    city, postal = locality or rng.choice(names.LOCALITIES)
    return Household(street_address(rng), f"{postal} {rng.randint(10, 99)}", city)


class PopulationWriter:
    """Turns seats into families, children, guardians, custody and placements, and writes them in chunks."""

    def __init__(self, structure: Structure, rng: random.Random, pool: IdentityPool) -> None:
        self.municipality: Municipality = structure.municipality
        self.structure = structure
        self.rng = rng
        self.pool = pool
        self.counts: Counter[str] = Counter()
        self.easy_names = {True: list(names.EASY_FEMALE_NAMES), False: list(names.EASY_MALE_NAMES)}
        self.demo_protected_planted = False
        self.email_counter = 0

    def _family(self, seats: list[Seat]) -> Family:
        rng = self.rng
        language = names.LANGUAGES.pick(rng)
        protected = rng.random() < PROTECTED_SHARE
        if not self.demo_protected_planted and any(seat.is_demo_school for seat in seats):
            protected = self.demo_protected_planted = True  # the demo school always has one such child
        surname = names.names_for(language).last.pick(rng)
        home = Household("", "", "") if protected else _household(rng)
        return Family(seats, language, surname, _custody_pattern(rng), protected, home)

    def _first_name(self, family: Family, seat: Seat, female: bool) -> str:
        easy = self.easy_names[female]
        if seat.is_demo_school and easy and not family.protected:
            return easy.pop(0)
        lists = names.names_for(family.language)
        return (lists.female if female else lists.male).pick(self.rng)

    def _languages(self, language: str) -> list[str]:
        if language == "sv":
            return ["sv"]
        return [language] if self.rng.random() < 0.15 else [language, "sv"]

    def _child(self, family: Family, seat: Seat) -> Child:
        female = self.rng.random() < 0.49
        coordination = family.language != "sv" and self.rng.random() < 0.05
        identity = self.pool.take(seat.plan.birth_year, female=female, coordination=coordination)
        first_name = self._first_name(family, seat, female)
        self.counts["coordination_numbers"] += identity.coordination
        self.counts["protected_children"] += family.protected
        return Child(
            municipality=self.municipality,
            identity_number=identity.identity_number,
            identity_index=identity_index(identity.identity_number),
            first_name=first_name,
            last_name=family.surname,
            name_key=name_key(first_name, family.surname),
            birth_date=identity.birth_date,
            languages=self._languages(family.language),
            protected_identity=family.protected,
            street_address=family.home.street,
            postal_code=family.home.postal_code,
            city=family.home.city,
        )

    def _placement(self, child: Child, seat: Seat) -> Placement:
        start = seat.plan.start_date or child.birth_date + timedelta(days=365 + self.rng.randint(0, 200))
        return Placement(
            municipality_id=child.municipality_id,
            child=child,
            unit=seat.unit,
            school_form=seat.plan.school_form,
            grade=seat.plan.grade,
            group=seat.group,
            start_date=start,
        )

    def _guardian(self, family: Family, year: int, female: bool, surname: str, home: Household) -> Guardian:
        lists = names.names_for(family.language)
        first_name = (lists.female if female else lists.male).pick(self.rng)
        coordination = family.language != "sv" and self.rng.random() < 0.08
        identity = self.pool.take(year, female=female, coordination=coordination)
        self.counts["coordination_numbers"] += identity.coordination
        self.email_counter += 1
        domain = self.rng.choice(names.HOME_EMAIL_DOMAINS)
        email = f"{names.email_local_part(first_name, surname)}.{self.email_counter}@{domain}"
        return Guardian(
            municipality=self.municipality,
            identity_number=identity.identity_number,
            identity_index=identity_index(identity.identity_number),
            first_name=first_name,
            last_name=surname,
            phone=self.rng.choice(names.FICTIONAL_MOBILE_NUMBERS),
            email=email if self.rng.random() < 0.9 else "",
            language=family.language,
            street_address=home.street,
            postal_code=home.postal_code,
            city=home.city,
        )

    def _guardians(self, family: Family, eldest_birth_year: int) -> list[Guardian]:
        rng = self.rng
        first_female = rng.random() < 0.6
        first_year = eldest_birth_year - rng.randint(22, 42)
        guardians = [self._guardian(family, first_year, first_female, family.surname, family.home)]
        if family.custody == "sole":
            return guardians
        second_female = first_female if rng.random() < 0.05 else not first_female
        surname = family.surname if rng.random() < 0.65 else names.names_for(family.language).last.pick(rng)
        home = family.home
        if family.custody == "apart":
            home = _household(rng, names.OUTSIDE_LOCALITY if rng.random() < 0.3 else None)
        guardians.append(self._guardian(family, first_year + rng.randint(-4, 6), second_female, surname, home))
        return guardians

    def add_family(self, seats: list[Seat], batch: Batch) -> None:
        family = self._family(seats)
        guardians = self._guardians(family, min(seat.plan.birth_year for seat in seats))
        kind = CustodyKind.SOLE if family.custody == "sole" else CustodyKind.JOINT
        batch.guardians.extend(guardians)
        for seat in seats:
            child = self._child(family, seat)
            batch.children.append(child)
            batch.placements.append(self._placement(child, seat))
            batch.custodies.extend(
                Custody(municipality_id=child.municipality_id, child=child, guardian=guardian, kind=kind)
                for guardian in guardians
            )
        self.counts[f"families_{family.custody}"] += 1

    def write(self, progress: Callable[[int, int], None] | None = None) -> Counter[str]:
        seats = _seats(self.structure)
        draw = _SeatDraw(seats, self.rng)
        batch = Batch()
        for family_seats in draw.families(self.rng):
            self.add_family(family_seats, batch)
            if len(batch.children) >= CHUNK_CHILDREN:
                self._flush(batch, progress, len(seats))
                batch = Batch()
        self._flush(batch, progress, len(seats))
        return self.counts

    def _flush(self, batch: Batch, progress: Callable[[int, int], None] | None, total: int) -> None:
        batch.write()
        self.counts["children"] += len(batch.children)
        self.counts["guardians"] += len(batch.guardians)
        self.counts["custodies"] += len(batch.custodies)
        self.counts["placements"] += len(batch.placements)
        if progress is not None:
            progress(self.counts["children"], total)
