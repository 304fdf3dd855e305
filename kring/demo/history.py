"""The demo's past: four terms of concerns, anonymous consultations and reports of concern at every school, so that
the statistics (by month and by term) have figures wherever a count is large enough to show.

Written in bulk (thousands of rows at size large), with invented texts, for the school's current pupils (never one
with protected identity), recorded by the school's own staff. Everything is finished — concerns closed after their
triage, consultations answered, reports received, assessed, decided and given feedback — and at least
`QUIET_DAYS` old, so that no start page's work grows. Most deadlines are kept, some are not. Nothing here happens in
a school holiday's empty weeks (mid-June to mid-August, the Christmas days).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.utils import timezone

from kring.access.roles import SOCIAL_SERVICES_ROLES, Origin, Role
from kring.casework.models import (
    AgeBand,
    Concern,
    ConcernCategory,
    ConcernStatus,
    Consultation,
    ConsultationStatus,
    Decision,
    FeedbackKind,
    ProtectionOutcome,
    ReportAssessment,
    ReportFeedback,
    ReportOfConcern,
    Triage,
    Urgency,
)
from kring.casework.reports import deadlines
from kring.demo.structure import Structure
from kring.directory.models import ContactPerson, Membership, Unit, UnitKind
from kring.insights.breakdowns import first_month_of_terms
from kring.people.models import Child, Placement
from kring.prevention.models import ProgrammeRun

QUIET_DAYS = 21
RECORDING_ROLES = frozenset({Role.TEACHER, Role.MENTOR, Role.KURATOR, Role.PRINCIPAL, Role.SCHOOL_NURSE})
BATCH = 1000
# Per pupil and school month: concerns recorded, reports of concern filed (a demo, so more than most schools see).
CONCERN_RATE = 0.015
VIOLENCE_RATE = 0.025  # concerns of violence besides, per pupil and school month (half at the MVP schools)
VIOLENCE_AT_LEAST = 16  # at every school in a term, on average: enough to be shown, this term too
TERM_SCHOOL_DAYS = 90
REPORT_RATE = 0.004
CONSULTATIONS_PER_SCHOOL_MONTH = 1.2
CATEGORY_WEIGHTS = {
    ConcernCategory.WELLBEING: 28, ConcernCategory.ABSENCE: 20, ConcernCategory.BEHAVIOUR: 18,
    ConcernCategory.VIOLENCE: 11, ConcernCategory.NEGLECT: 7, ConcernCategory.CRIME: 5, ConcernCategory.SUBSTANCES: 3,
    ConcernCategory.HONOUR: 2, ConcernCategory.ABUSE: 2, ConcernCategory.OTHER: 4,
}  # fmt: skip
OBSERVED = {
    ConcernCategory.WELLBEING: "Har verkat ledsen och trött i flera veckor och drar sig undan på rasterna.",
    ConcernCategory.ABSENCE: "Kommer sent flera dagar i veckan och saknas ofta efter lunch.",
    ConcernCategory.BEHAVIOUR: "Hamnar ofta i bråk på rasterna; har svårt att komma till ro efteråt.",
    ConcernCategory.VIOLENCE: "Berättade om slag i hemmet; hade ett blåmärke på överarmen.",
    ConcernCategory.NEGLECT: "Har ofta inte ätit frukost och saknar kläder efter väder.",
    ConcernCategory.CRIME: "Har setts med äldre ungdomar som misstänks för stölder i centrum.",
    ConcernCategory.SUBSTANCES: "Luktade alkohol en måndag morgon och var mycket trött.",
    ConcernCategory.HONOUR: "Säger att familjen bestämmer vem hen får umgås med och vart hen får gå.",
    ConcernCategory.ABUSE: "Berättade för mentorn om något som hänt; samtalet skrevs ned ordagrant.",
    ConcernCategory.OTHER: "Har berättat om stor oro för en förälder som är sjuk.",
}
DECISION_WEIGHTS = {Decision.INVESTIGATION_OPENED: 45, Decision.NOT_OPENED: 45, Decision.ALREADY_OPEN: 10}
FEEDBACK_OF = {
    Decision.INVESTIGATION_OPENED: FeedbackKind.INVESTIGATION_OPENED,
    Decision.NOT_OPENED: FeedbackKind.NOT_OPENED,
    Decision.ALREADY_OPEN: FeedbackKind.ALREADY_OPEN,
}


@dataclass(frozen=True)
class SchoolPast:
    unit: Unit
    pupils: list[Child]
    staff: list[int]  # user ids of the school's staff
    receiver: Unit
    workers: list[int]  # the receiving unit's social workers


class HistoryWriter:
    def __init__(self, structure: Structure, rng: random.Random, today: date) -> None:
        self.structure, self.rng, self.today = structure, rng, today
        self.municipality_id = structure.municipality.pk
        self.counts: Counter[str] = Counter()

    def write(self) -> Counter[str]:
        days = self._school_days()
        for school in self._schools():
            self._concerns(school, days)
            self._consultations(school, days)
            self._reports(school, days)
        return self.counts

    @cached_property
    def _mvp_schools(self) -> set[int]:
        runs = ProgrammeRun.objects.filter(municipality_id=self.municipality_id, programme__name__startswith="MVP")
        return set(runs.values_list("unit_id", flat=True))

    def _school_days(self) -> list[date]:
        """Weekdays from the first month the term statistics count until `QUIET_DAYS` ago, out of the holidays."""
        day, last = first_month_of_terms(self.today), self.today - timedelta(days=QUIET_DAYS)
        days = []
        while day <= last:
            holiday = (6, 15) <= (day.month, day.day) <= (8, 16) or (day.month, day.day) >= (12, 22)
            if day.weekday() < 5 and not holiday and (day.month, day.day) >= (1, 7):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _schools(self) -> list[SchoolPast]:
        social_units = list(
            Unit.objects.filter(municipality_id=self.municipality_id, kind=UnitKind.SOCIAL_SERVICES_UNIT)
        )
        schools = []
        for school in self.structure.schools:
            unit = school.unit
            placed = Placement.objects.current(self.today).filter(unit=unit).values("child_id")
            pupils = list(Child.objects.filter(pk__in=placed, protected_identity=False).order_by("pk"))
            staff = _members(unit, RECORDING_ROLES)
            receiver = self._receiver(unit, social_units)
            workers = _members(receiver, SOCIAL_SERVICES_ROLES) if receiver is not None else []
            if pupils and staff and receiver is not None and workers:
                schools.append(SchoolPast(unit, pupils, staff, receiver, workers))
        return schools

    def _receiver(self, school: Unit, social_units: list[Unit]) -> Unit | None:
        """The social services unit of the school's first contact person, else the first (as a report goes)."""
        contact = ContactPerson.objects.filter(school=school).order_by("position").values_list("user_id", flat=True)
        unit_ids = Membership.objects.filter(user_id__in=contact, unit__in=social_units, active=True).values("unit_id")
        found = [unit for unit in social_units if unit.pk in {row["unit_id"] for row in unit_ids}]
        candidates = found or sorted(social_units, key=lambda unit: unit.name)
        return candidates[0] if candidates else None

    def _events(self, days: list[date], per_school_day: float) -> list[datetime]:
        """The moments of events at a steady rate over the school days (a whole number around the rate each day)."""
        moments = []
        for day in days:
            count = int(per_school_day) + (self.rng.random() < per_school_day % 1)
            moments += [_at(day, self.rng.randint(8, 15), self.rng.randint(0, 59)) for _ in range(count)]
        return moments

    def _concerns(self, school: SchoolPast, days: list[date]) -> None:
        categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
        moments = [(m, self.rng.choices(categories, weights)[0])
                   for m in self._events(days, len(school.pupils) * CONCERN_RATE / 21)]  # fmt: skip
        # Violence and threats besides, as at Botkyrka's schools before MVP: half as many where MVP runs.
        violence = VIOLENCE_RATE / 2 if school.unit.pk in self._mvp_schools else VIOLENCE_RATE
        per_day = max(len(school.pupils) * violence / 21, VIOLENCE_AT_LEAST / TERM_SCHOOL_DAYS)  # a small school too
        moments += [(m, ConcernCategory.VIOLENCE) for m in self._events(days, per_day)]
        rows = []
        for moment, category in sorted(moments):
            triage = Triage.REPORT if category in (ConcernCategory.VIOLENCE, ConcernCategory.ABUSE) else (
                self.rng.choice([Triage.STUDENT_HEALTH, Triage.STUDENT_HEALTH, Triage.NO_ACTION, Triage.CONSULTATION])
            )  # fmt: skip
            rows.append(Concern(
                municipality_id=self.municipality_id, child=self.rng.choice(school.pupils), unit=school.unit,
                reported_by_id=self.rng.choice(school.staff), reported_at=moment, category=category,
                observed=OBSERVED[category], observed_on=moment.date(), observed_by="Mentor",
                status=ConcernStatus.CLOSED, triage=triage, handled_by_id=self.rng.choice(school.staff),
                closed_at=moment + timedelta(days=self.rng.randint(1, 10)),
            ))  # fmt: skip
        Concern.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["past_concerns"] += len(rows)

    def _consultations(self, school: SchoolPast, days: list[date]) -> None:
        bands = [AgeBand.YOUNGER, AgeBand.MIDDLE, AgeBand.OLDER]
        rows = [
            Consultation(
                municipality_id=self.municipality_id, unit=school.unit, asked_by_id=self.rng.choice(school.staff),
                asked_at=moment, age_band=self.rng.choice(bands), status=ConsultationStatus.CLOSED,
                question="En elev berättar om oro hemma. Är det en orosanmälan, eller ska vi först prata med "
                "vårdnadshavarna?",
            )
            for moment in self._events(days, CONSULTATIONS_PER_SCHOOL_MONTH / 21)
        ]  # fmt: skip
        Consultation.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["past_consultations"] += len(rows)

    def _reports(self, school: SchoolPast, days: list[date]) -> None:
        reports, steps = [], []
        for moment in self._events(days, len(school.pupils) * REPORT_RATE / 21):
            arrived, informed = moment.date(), self.rng.random() < 0.7
            reports.append(ReportOfConcern(
                municipality_id=self.municipality_id, child=self.rng.choice(school.pupils), origin=Origin.SCHOOL,
                reporter_id=self.rng.choice(school.staff), reporter_unit=school.unit, receiving_unit=school.receiver,
                filed_at=moment, what_happened="Eleven har berättat om oro hemma; se samtalsanteckningen.",
                when_and_where="I skolan, till mentor", guardians_informed=informed,
                guardians_not_informed_why="" if informed else "Vårdnadshavarna kan vara inblandade.",
                urgency=Urgency.NORMAL, protection_due=deadlines.protection_due(arrived),
                decision_due=deadlines.decision_due(arrived), feedback_due=deadlines.feedback_due(arrived),
                received_at=moment,
            ))  # fmt: skip
        ReportOfConcern.objects.bulk_create(reports, batch_size=BATCH)
        for report in reports:
            steps.append(self._steps(report, school))
        ReportAssessment.objects.bulk_create([assessment for assessment, _feedback in steps], batch_size=BATCH)
        ReportFeedback.objects.bulk_create([feedback for _assessment, feedback in steps], batch_size=BATCH)
        self.counts["past_reports"] += len(reports)

    def _steps(self, report: ReportOfConcern, school: SchoolPast) -> tuple[ReportAssessment, ReportFeedback]:
        """Received at once; the protection assessment mostly the same day; the decision mostly within its limit;
        feedback soon after."""
        filed = report.filed_at
        assessed = filed + timedelta(hours=2) if self.rng.random() < 0.93 else filed + timedelta(days=1, hours=2)
        decided = filed + timedelta(days=self.rng.randint(3, 13) if self.rng.random() < 0.88 else 16)
        decision = self.rng.choices(list(DECISION_WEIGHTS), list(DECISION_WEIGHTS.values()))[0]
        worker = self.rng.choice(school.workers)
        assessment = ReportAssessment(
            municipality_id=self.municipality_id, report=report, received_at=filed, received_by_id=worker,
            protection_assessed_at=assessed, protection_outcome=ProtectionOutcome.NOT_NEEDED, decided_at=decided,
            decision=decision, decision_note="Bedömning gjord.",
            investigation_due=(
                deadlines.investigation_due(timezone.localdate(decided))
                if decision == Decision.INVESTIGATION_OPENED else None
            ),
        )  # fmt: skip
        feedback = ReportFeedback(
            municipality_id=self.municipality_id, report=report, kind=FEEDBACK_OF[decision],
            given_at=decided + timedelta(days=self.rng.randint(0, 3)), given_by_id=worker,
        )  # fmt: skip
        return assessment, feedback


def _members(unit: Unit, roles: frozenset[str]) -> list[int]:
    memberships = Membership.objects.filter(unit=unit, role__in=roles, active=True).order_by("user_id")
    return list(memberships.values_list("user_id", flat=True).distinct())


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def write_history(structure: Structure, rng: random.Random, today: date) -> Counter[str]:
    return HistoryWriter(structure, rng, today).write()
