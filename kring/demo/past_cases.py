"""The demo's past TSI cases: two school years of closed cases at the compulsory schools, with their children's
absence before, during and after, and pupils of the same school, grade and sex who were as often absent before and
never had a case, so that the evaluation page (`kring.insights.evaluation`) has a comparison group and figures.

The children with a case were absent on about a fifth of the school days in the two months before the request,
less during the case and about a tenth after; the comparison pupils start alike and come back a little on their own
(regression to the mean): a plausible effect of some six percentage points, not a miracle. Each case has its steps
(consent and the child's voice before the network meeting, the plan agreed there, follow-ups, mostly on time) and
the family's ratings at the start and at closure. Every period ends before the absence that `kring.demo.attendance`
writes for this term, so the two never overlap. Written in bulk, marked by `PAST_REASON`, the same for the same seed.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kring.access.roles import Origin
from kring.casework.models import (
    CaseStage,
    ChildAgreement,
    ChildVoice,
    ClosureReason,
    Consent,
    ConsentMethod,
    Decision,
    FeedbackKind,
    FollowUp,
    Meeting,
    MeetingKind,
    Occasion,
    OutcomeMeasure,
    PlanVersion,
    ProtectionOutcome,
    RatingGiver,
    ReportAssessment,
    ReportFeedback,
    ReportOfConcern,
    TsiCase,
    Urgency,
)
from kring.casework.reports import deadlines
from kring.demo.attendance import DAY_SHAPES, school_days
from kring.demo.structure import Structure
from kring.directory.models import Membership, Unit
from kring.insights.children import school_year
from kring.insights.evaluation.panel import Calendar, Periods
from kring.insights.investment.models import TeamCost, UnitCosts
from kring.people.identity import registered_sex
from kring.people.models import Placement
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.school_calendar import is_school_day

PAST_REASON = "Hög frånvaro och konflikter hemma; skolan har provat anpassningar utan att det räckt."
CASES_PER_SCHOOL_YEAR = 5  # at least, spread over the schools
COMPARISON_PUPILS = 3  # alike in absence before, per case
GRADES = ("3", "4", "5", "6", "7", "8", "9")  # now: so that they were in school when their case began
PAST_SOURCE = "past-"  # how the past absence's ids begin
# Share of school days absent: (before, during, after), as a range drawn from.
CASE_ABSENCE = ((0.17, 0.27), (0.12, 0.18), (0.07, 0.13))
LIKE_CHANGE = (-0.01, -0.03)  # the comparison pupils' change from before: during, after
INVESTIGATED_WITH_TSI = 0.06  # children with a case who had an investigation opened within a year
INVESTIGATED_WITHOUT = 0.2  # comparison pupils who did
QUIET_DAYS = 21
COST_SHARES = [
    {"payer": "Utbildningsförvaltningen", "percent": 25},
    {"payer": "Socialförvaltningen", "percent": 25},
    {"payer": "Kultur- och fritidsförvaltningen", "percent": 25},
    {"payer": "Sociala investeringsfonden", "percent": 25},
]
CLOSURE_WEIGHTS = {
    ClosureReason.GOALS_REACHED: 70, ClosureReason.MOVED: 8, ClosureReason.CONSENT_WITHDRAWN: 7,
    ClosureReason.ESCALATED: 8, ClosureReason.OTHER: 7,
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    child_id: int
    unit_id: int
    grade: str
    sex: str


class PastCasesWriter:
    def __init__(self, structure: Structure, rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        self.municipality_id = structure.municipality.pk
        self.calendar = Calendar(today)
        self.counts: Counter[str] = Counter()
        self.absences: list[AbsenceRecord] = []
        self.social: list[tuple[Unit, int]] = []

    def write(self) -> Counter[str]:
        schools = [school.unit.pk for school in self.structure.schools if school.plan.is_school]
        teams = list(self.structure.joint_teams)
        if not schools or not teams:
            return self.counts
        pupils = self._pupils(schools)
        self.social = _social_units(self.structure)
        requesters = _members(schools, ("principal", "kurator"))
        workers = _members([team.pk for team in teams], ("tsi_team_member",))
        end = school_days(self.today)[0].replace(day=1)  # this term's absence is written elsewhere
        used: set[int] = set()
        for year in (school_year(self.today) - 2, school_year(self.today) - 1):
            for index in range(max(CASES_PER_SCHOOL_YEAR, len(schools))):
                school = schools[index % len(schools)]
                team = teams[index % len(teams)]
                self._case(year, school, team, pupils, used, end, requesters, workers)
        AbsenceRecord.objects.bulk_create(self.absences, batch_size=2000)
        self.counts["past_absences"] = len(self.absences)
        self._costs(teams, requesters)
        return self.counts

    def _costs(self, teams: list[Unit], requesters: dict[int, list[int]]) -> None:
        """Each team's cost of each year so far, paid a quarter each by three administrations and the social
        investment fund (as in Uddevalla), and the unit costs of an investigation and a placement."""
        manager = next(iter(requesters.values()))[0]
        first = school_year(self.today) - 2
        for team in teams:
            for year in range(first, self.today.year + 1):
                TeamCost.objects.create(
                    municipality_id=self.municipality_id, team=team, year=year, staff=Decimal("4.50"), hours=7_200,
                    cost=3_200_000 + 100_000 * (year - first), shares=COST_SHARES, entered_by_id=manager,
                    entered_at=timezone.now(),
                )  # fmt: skip
        UnitCosts.objects.create(
            municipality_id=self.municipality_id, investigation=115_000, placement_per_year=1_100_000,
            placement_years=Decimal("1.5"), placement_share_low=10, placement_share_high=25, updated_by_id=manager,
            updated_at=timezone.now(),
        )  # fmt: skip

    def _pupils(self, schools: list[int]) -> dict[tuple[int, str, str], list[Candidate]]:
        """The schools' pupils of grades 3-9 without a TSI case, by school, grade and sex."""
        with_case = TsiCase.objects.filter(municipality_id=self.municipality_id).values("child_id")
        placements = (
            Placement.objects.current(self.today)
            .filter(unit_id__in=schools, grade__in=GRADES, child__protected_identity=False)
            .exclude(child_id__in=with_case)
            .order_by("child_id")
            .values_list("child_id", "unit_id", "grade", "child__identity_number")
        )
        found: dict[tuple[int, str, str], list[Candidate]] = {}
        for child_id, unit_id, grade, number in placements:
            sex = registered_sex(number) or ""
            found.setdefault((unit_id, grade, sex), []).append(Candidate(child_id, unit_id, grade, sex))
        return found

    def _case(
        self,
        year: int,
        school: int,
        team: Unit,
        pupils: dict[tuple[int, str, str], list[Candidate]],
        used: set[int],
        end: date,
        requesters: dict[int, list[int]],
        workers: dict[int, list[int]],
    ) -> None:
        groups = [key for key, found in pupils.items() if key[0] == school and len(found) > COMPARISON_PUPILS]
        if not groups or not requesters.get(school) or not workers.get(team.pk):
            return
        requested, closed, periods = self._dates(year, end)
        if periods is None:
            return
        group = pupils[self.rng.choice(sorted(groups))]
        free = [pupil for pupil in group if pupil.child_id not in used]
        if len(free) <= COMPARISON_PUPILS:
            return
        child, *alike = self.rng.sample(free, COMPARISON_PUPILS + 1)
        used.update(pupil.child_id for pupil in (child, *alike))
        shares = [self.rng.uniform(*bounds) for bounds in CASE_ABSENCE]
        self._absent(child, periods, shares)
        for pupil in alike:
            before = shares[0] + self.rng.uniform(-0.015, 0.015)
            self._absent(pupil, periods, [before, before + LIKE_CHANGE[0], before + LIKE_CHANGE[1]])
        self._investigations(child, requested, INVESTIGATED_WITH_TSI, requesters[school])
        for pupil in alike:
            self._investigations(pupil, requested, INVESTIGATED_WITHOUT, requesters[school])
        case = self._write_case(child, school, team, requested, closed, requesters, workers)
        self._steps(case, requested, closed, workers[team.pk])
        self.counts["past_tsi_cases"] += 1
        self.counts["past_comparison_pupils"] += len(alike)

    def _investigations(self, pupil: Candidate, requested: date, chance: float, reporters: list[int]) -> None:
        """With `chance`, a report of concern about the pupil within the year after the request that social
        services opened an investigation on (what the social investment counts as avoided or not)."""
        if self.rng.random() >= chance or not self.social:
            return
        filed = requested + timedelta(days=self.rng.randint(20, 330))
        if filed > self.today - timedelta(days=QUIET_DAYS):
            return
        at, unit = _at(filed, 10), self.social[pupil.unit_id % len(self.social)]
        report = ReportOfConcern.objects.create(
            municipality_id=self.municipality_id, child_id=pupil.child_id, origin=Origin.SCHOOL,
            reporter_id=self.rng.choice(reporters), reporter_unit_id=pupil.unit_id, receiving_unit=unit[0],
            filed_at=at, what_happened="Oro för barnets situation hemma; se samtalsanteckningen.",
            when_and_where="I skolan", guardians_informed=True, urgency=Urgency.NORMAL,
            protection_due=deadlines.protection_due(filed), decision_due=deadlines.decision_due(filed),
            feedback_due=deadlines.feedback_due(filed), received_at=at,
        )  # fmt: skip
        decided = at + timedelta(days=self.rng.randint(3, 12))
        ReportAssessment.objects.create(
            municipality_id=self.municipality_id, report=report, received_at=at, received_by_id=unit[1],
            protection_assessed_at=at + timedelta(hours=2), protection_outcome=ProtectionOutcome.NOT_NEEDED,
            decided_at=decided, decision=Decision.INVESTIGATION_OPENED, decision_note="Utredning inleds.",
            investigation_due=deadlines.investigation_due(timezone.localdate(decided)),
        )  # fmt: skip
        ReportFeedback.objects.create(
            municipality_id=self.municipality_id, report=report, kind=FeedbackKind.INVESTIGATION_OPENED,
            given_at=decided, given_by_id=unit[1],
        )  # fmt: skip
        self.counts["past_investigations"] += 1

    def _dates(self, year: int, end: date) -> tuple[date, date, Periods | None]:
        """A request in the school year and a closure three to five months later, every period before `end`."""
        for _attempt in range(20):
            requested = date(year, 8, 20) + timedelta(days=self.rng.randint(0, 300))
            closed = requested + timedelta(days=self.rng.randint(90, 150))
            if not is_school_day(requested) or not is_school_day(closed):
                continue
            periods = self.calendar.periods(requested, closed)
            if periods.before and periods.after and periods.after[-1] < end:
                return requested, closed, periods
        return self.today, self.today, None

    def _absent(self, pupil: Candidate, periods: Periods, shares: list[float]) -> None:
        """Whole days away: in each period, the share of its school days, the days drawn at random."""
        for months, share in zip((periods.before, periods.during, periods.after), shares, strict=True):
            days = [day for month in months for day in _days_of(month) if is_school_day(day)]
            for day in sorted(self.rng.sample(days, min(len(days), round(max(share, 0.0) * len(days))))):
                kind = self.rng.choice([AbsenceKind.REPORTED, AbsenceKind.INVALID])
                self.absences += [
                    AbsenceRecord(
                        municipality_id=self.municipality_id, child_id=pupil.child_id, unit_id=pupil.unit_id,
                        day=day, minutes=minutes, kind=kind,
                        source_id=f"{PAST_SOURCE}{len(self.absences) + n:07d}",
                    )
                    for n, minutes in enumerate(DAY_SHAPES[0])
                ]  # fmt: skip  # every lesson of the day

    def _write_case(
        self, child: Candidate, school: int, team: Unit, requested: date, closed: date,
        requesters: dict[int, list[int]], workers: dict[int, list[int]],
    ) -> TsiCase:  # fmt: skip
        reason = self.rng.choices(list(CLOSURE_WEIGHTS), list(CLOSURE_WEIGHTS.values()))[0]
        return TsiCase.objects.create(
            municipality_id=self.municipality_id, child_id=child.child_id, team=team,
            requesting_unit_id=school, requested_by_id=self.rng.choice(requesters[school]),
            requested_at=_at(requested, 9), reason=PAST_REASON, stage=CaseStage.CLOSED, stage_since=_at(closed, 15),
            lead_id=self.rng.choice(workers[team.pk]), closed_at=_at(closed, 15), closure_reason=reason,
        )  # fmt: skip

    def _steps(self, case: TsiCase, requested: date, closed: date, workers: list[int]) -> None:
        """Consent and the child's voice, then the network meeting and the plan, follow-ups every six weeks
        (mostly on time), and the family's ratings at the start and at closure. Some cases skip a step."""
        worker = self.rng.choice(workers)
        network = requested + timedelta(days=self.rng.randint(12, 35))
        common = {"municipality_id": self.municipality_id, "case": case}
        recorded = {"recorded_by_id": worker}
        in_order = self.rng.random() < 0.8
        consent_on = network - timedelta(days=self.rng.randint(3, 10)) if in_order else network + timedelta(days=2)
        Consent.objects.create(**common, **recorded, method=ConsentMethod.WRITTEN, given_on=consent_on,
                               valid_until=consent_on + timedelta(days=365), child_agreement=ChildAgreement.AGREES,
                               recorded_at=_at(consent_on, 10))  # fmt: skip
        ChildVoice.objects.create(**common, **recorded, given_on=network - timedelta(days=2), occasion=Occasion.START,
                                  how_it_goes=self.rng.randint(1, 3), listened_to=self.rng.randint(1, 3),
                                  recorded_at=_at(network - timedelta(days=2), 11))  # fmt: skip
        Meeting.objects.create(**common, kind=MeetingKind.NETWORK, starts_at=_at(network, 13), place="Skolan",
                               held=True, booked_by_id=worker)  # fmt: skip
        goals = [{"text": "Komma till skolan varje dag"}]
        PlanVersion.objects.create(**common, **recorded, number=1, agreed_on=network, goals=goals,
                                   next_follow_up=network + timedelta(days=42), overall_responsible="Mentor",
                                   recorded_at=_at(network, 15))  # fmt: skip
        due = network + timedelta(days=42)
        while due < closed:
            done = due + timedelta(days=self.rng.choice([-3, -1, 0, 0, 0, 2, 9]))
            FollowUp.objects.create(**common, due_on=due, done_on=min(done, closed))
            due += timedelta(days=42)
        self._ratings(case, requested, closed, worker)
        self.counts["past_network_meetings"] += 1

    def _ratings(self, case: TsiCase, requested: date, closed: date, worker: int) -> None:
        start_conflicts = self.rng.randint(3, 5)
        start_listened = self.rng.randint(1, 3)
        rows = [
            (requested, Occasion.START, RatingGiver.GUARDIAN, {"home_conflicts": start_conflicts}),
            (closed, Occasion.CLOSURE, RatingGiver.GUARDIAN,
             {"home_conflicts": max(1, start_conflicts - self.rng.choice([0, 1, 1, 2]))}),
            (requested, Occasion.START, RatingGiver.CHILD, {"listened_to": start_listened}),
            (closed, Occasion.CLOSURE, RatingGiver.CHILD,
             {"listened_to": min(5, start_listened + self.rng.choice([0, 1, 1, 2]))}),
        ]  # fmt: skip
        OutcomeMeasure.objects.bulk_create(
            OutcomeMeasure(municipality_id=self.municipality_id, case=case, measured_on=day, occasion=occasion,
                           given_by=giver, recorded_by_id=worker, **values)
            for day, occasion, giver, values in rows
        )  # fmt: skip


def _social_units(structure: Structure) -> list[tuple[Unit, int]]:
    """The social services units with a social worker of theirs (who receives and decides a report)."""
    found = _members([unit.pk for unit in structure.social_units], ("social_worker",))
    return [(unit, found[unit.pk][0]) for unit in structure.social_units if found.get(unit.pk)]


def _members(unit_ids: list[int], roles: tuple[str, ...]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    memberships = Membership.objects.filter(unit_id__in=unit_ids, role__in=roles, active=True).order_by("user_id")
    for unit_id, user_id in memberships.values_list("unit_id", "user_id"):
        found.setdefault(unit_id, []).append(user_id)
    return found


def _days_of(month: date) -> list[date]:
    days, day = [], month
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def write_past_cases(structure: Structure, rng: random.Random, today: date) -> Counter[str]:
    return PastCasesWriter(structure, rng, today).write()
