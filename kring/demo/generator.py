"""The demo municipality: a deterministic generator of a fictional Swedish municipality.

`generate_municipality(size=..., seed=...)` writes Demokommun (code 9980): its administrations, schools and
preschools with classes, children placed in them with their guardians and custody, every kind of staff with their
roles, two social services contact persons per school, one demo login per role with TOTP, TSI cases of the
joint teams in every stage, written through the casework actions by the demo users (see `kring.demo.cases`), and
the pupils' lesson-level absence this term with the absence indicators computed from it (`kring.demo.attendance`).

Only generated identities: every personnummer is in Skatteverket's test series (birth numbers 980-999), e-mail
addresses are at .example domains, phone numbers are in PTS's series for fiction, streets and places are made up.
The same seed (in the same school year) gives the same municipality: each part draws from its own random
generator derived from the seed, so that adding to one part does not change the others.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from kring.casework.models import Consent, FollowUp, Meeting, Need, OutcomeMeasure, Story, TsiCase
from kring.demo.attendance import write_attendance
from kring.demo.cases import write_cases
from kring.demo.collaboration import write_collaboration
from kring.demo.daily_work import write_daily_work
from kring.demo.extracts import write_extract_requests
from kring.demo.families import write_families
from kring.demo.history import write_history
from kring.demo.identities import IdentityPool
from kring.demo.past_cases import write_past_cases
from kring.demo.plan import SIZES, MunicipalityPlan, SchoolYear, plan_municipality
from kring.demo.population import CHUNK_CHILDREN, PopulationWriter
from kring.demo.prevention import write_prevention
from kring.demo.programmes import write_programmes
from kring.demo.staff import DemoLogin, write_staff
from kring.demo.structure import Structure, write_structure
from kring.demo.via_ss12000 import round_trip_absences, round_trip_people
from kring.directory.models import ContactPerson, Membership, Municipality, Unit, User
from kring.people.models import Child, Custody, Group, Guardian, Placement
from kring.schooldata.indicators import recompute_indicators
from kring.schooldata.models import AbsenceIndicator, AbsenceRecord, ImportRun
from kring.schooldata.partitions import maintain_absence_partitions

__all__ = ["DemoLogin", "DemoResult", "generate_municipality", "plan_for"]


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class DemoResult:
    municipality: Municipality
    logins: list[DemoLogin]
    counts: dict[str, int]
    seconds: float
    size: str
    seed: int

    def login_for(self, role: str) -> DemoLogin:
        return next(login for login in self.logins if login.role == role)


class _Progress:
    """Prints how far the children have come, for sizes that take more than one chunk."""

    def __init__(self, stdout: Writable | None, started: float) -> None:
        self.stdout = stdout
        self.started = started

    def __call__(self, done: int, total: int) -> None:
        if self.stdout is not None and total > CHUNK_CHILDREN:
            elapsed = time.perf_counter() - self.started
            self.stdout.write(f"  children {done:>9,} of {total:,}  ({elapsed:.0f} s)\n")

    def step(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(f"  {text}  ({time.perf_counter() - self.started:.1f} s)\n")


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def plan_for(*, size: str, seed: int, today: date | None = None) -> MunicipalityPlan:
    """The plan (units, classes, seats) without writing anything."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    year = SchoolYear.containing(today or timezone.localdate())
    return plan_municipality(SIZES[size], year, _rng(seed, "plan"))


def _structure_counts(structure: Structure) -> Counter[str]:
    return Counter(
        organisations=len(structure.organisations),
        units=len(structure.units()),
        schools=sum(school.plan.is_school for school in structure.schools),
        preschools=sum(not school.plan.is_school for school in structure.schools),
        groups=sum(len(school.groups) for school in structure.schools),
    )


PEOPLE_MODELS = (Child, Guardian, Custody, Placement, Group, Unit, Membership, ContactPerson, User)
CASE_MODELS = (TsiCase, Consent, Story, Need, Meeting, FollowUp, OutcomeMeasure)
ATTENDANCE_MODELS = (AbsenceRecord,)


def update_planner_statistics(models: tuple[type[Model], ...] = PEOPLE_MODELS) -> None:
    """ANALYZE the tables just filled in bulk. Without statistics SQLite walks every child of the municipality in
    name order to search a school's pupils; with them it starts from the school's placements (about 8x faster at
    100,000 children)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _records(run: ImportRun) -> int:
    """What an import created, over every resource (pupils, guardians, placements, ...)."""
    return sum(
        number
        for counts in run.counts.values()
        for name, number in counts.items()
        if isinstance(number, int) and name.endswith("created")
    )


def generate_municipality(
    *, size: str, seed: int, stdout: Writable | None = None, today: date | None = None, via_ss12000: bool = False
) -> DemoResult:
    """Write a new demo municipality into the database, in one transaction. With `via_ss12000` the pupils,
    guardians, placements, classes and absences are loaded through the SS 12000 import from the local server
    (`kring.demo.via_ss12000`)."""
    started = time.perf_counter()
    progress = _Progress(stdout if size == "large" else None, started)
    today = today or timezone.localdate()
    plan = plan_for(size=size, seed=seed, today=today)
    with transaction.atomic():
        structure = write_structure(plan, _rng(seed, "units"))
        progress.step(f"{len(structure.units())} units, {plan.children:,} seats in classes")
        people = PopulationWriter(structure, _rng(seed, "people"), IdentityPool(_rng(seed, "identities")))
        population = people.write(progress)
        if via_ss12000:
            run = round_trip_people(structure.municipality)
            population["records_imported_via_ss12000"] += _records(run)
            progress.step(f"pupils imported through SS 12000 in {run.seconds or 0:.1f} s")
        logins, staff = write_staff(
            structure, _rng(seed, "staff"), _rng(seed, "totp"), police_officers=plan.spec.police_officers
        )
        progress.step(f"{staff['staff']:,} staff")
        update_planner_statistics()
        cases = write_cases(structure, logins, _rng(seed, "cases"), count=plan.spec.tsi_cases, seed=seed)
        progress.step(f"{cases['tsi_cases']:,} TSI cases")
        update_planner_statistics(CASE_MODELS)
        # After the cases: their children's absence follows the case (more before the request, less after).
        attendance = write_attendance(structure, _rng(seed, "attendance"), today=today)
        progress.step(f"{attendance['absences']:,} absences in {attendance['school_days']} school days")
        if via_ss12000:
            run = round_trip_absences(structure.municipality)
            attendance["records_imported_via_ss12000"] += _records(run)
            progress.step(f"absences imported through SS 12000 in {run.seconds or 0:.1f} s")
        maintain_absence_partitions(today)  # PostgreSQL: past school years' rows out of DEFAULT
        update_planner_statistics(ATTENDANCE_MODELS)
        attendance["absence_indicators"] = recompute_indicators(structure.municipality.pk, today=today)
        update_planner_statistics((AbsenceIndicator,))
        progress.step(f"{attendance['absence_indicators']:,} absence indicators")
        daily = write_daily_work(structure, logins, _rng(seed, "daily work"), today)
        daily += write_prevention(structure, logins, _rng(seed, "prevention"), today)
        daily += write_programmes(structure, logins, _rng(seed, "programmes"), today)
        daily += write_collaboration(structure, logins, _rng(seed, "collaboration"), today)
        daily += write_families(structure, today)
        daily += write_extract_requests(structure, logins, today)
        daily += write_history(structure, _rng(seed, "history"), today)
        daily += write_past_cases(structure, _rng(seed, "past cases"), today)
    counts = dict(_structure_counts(structure) + population + staff + cases + attendance + daily)
    return DemoResult(structure.municipality, logins, counts, time.perf_counter() - started, size, seed)
