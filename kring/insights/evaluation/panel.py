"""The evaluation's panel: every TSI case closed in the last two school years and this one, with the attendance of
its child and of up to `MATCHES` matched pupils without a case before, during and after it, the family's ratings and the
method's steps. Written by `refresh_evaluation` (with the statistics' refresh, in its transaction), read by the page.

**Periods** are whole months, the same for a case and its comparison pupils (so that the season is the same):
*before*, the `PERIOD_MONTHS` school months before the month of the request; *during*, the months from the request
to closure; *after*, the `PERIOD_MONTHS` school months after the month of closure, once they are over. Attendance is
100 - the share of the scheduled minutes (school days × the municipality's school day) the child was absent, each
day's absence counted up to a whole school day, as on the case's page. A period is measured only if the school's
absence was imported for each of its months (a month without any absence at the school is taken as not imported,
not as perfect attendance).

**Matching**: pupils placed at the same school in the same grade on the day of the request, of the same sex, who
never had a TSI case, with attendance measured before; the nearest in absence before, within `CALIPER` percentage
points, at most `MATCHES` per case, each pupil used once (the cases in the order they were requested). The pool
they were drawn from is kept as sums (for the balance before matching), never as rows.

A fixed number of queries whatever the data size (the cases, the placements of their schools, the absence, the
ratings and five of the method's steps); no identity is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import fmean
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from kring.casework.models import (
    ChildVoice,
    Consent,
    Decision,
    FollowUp,
    Meeting,
    MeetingKind,
    Occasion,
    OutcomeMeasure,
    PlanVersion,
    RatingGiver,
    ReportAssessment,
    TsiCase,
)
from kring.directory.models import Municipality
from kring.insights.children import about_children, child_dimensions, grade_then, school_year
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.models import Sex
from kring.people.identity import registered_sex
from kring.people.models import Placement
from kring.schooldata.models import AbsenceRecord, AbsenceSettings
from kring.schooldata.school_calendar import is_school_day

PERIOD_MONTHS = 2
LOOK_MONTHS = 4  # how far to look for a period's school months past the summer holiday
CALIPER = 5.0  # percentage points of absence before
MATCHES = 2
FOLLOW_DAYS = 365  # how long after the request an investigation is looked for
BATCH = 2000


def first_day_evaluated(today: date) -> date:
    """Cases closed from this day on are evaluated: the start of the school year two before this one (two whole
    school years and this one so far)."""
    return date(school_year(today) - 2, 7, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


class Calendar:
    """School days per month (the municipality's calendar) and which months are over."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._days: dict[date, int] = {}

    def school_days(self, month: date) -> int:
        if month not in self._days:
            end = _month_end(month)
            self._days[month] = sum(is_school_day(month + timedelta(n)) for n in range((end - month).days + 1))
        return self._days[month]

    def _months(self, start: date, step: int, over: bool) -> tuple[date, ...]:
        found: list[date] = []
        for n in range(1, LOOK_MONTHS + 1):
            month = add_months(start, step * n)
            if over and _month_end(month) >= self.today:
                break
            if self.school_days(month):
                found.append(month)
            if len(found) == PERIOD_MONTHS:
                return tuple(sorted(found))
        return ()

    def periods(self, requested: date, closed: date) -> Periods:
        first, last = requested.replace(day=1), closed.replace(day=1)
        during, month = [], first
        while month <= last:
            if self.school_days(month):
                during.append(month)
            month = add_months(month, 1)
        before = self._months(first, -1, over=False)
        return Periods(before, tuple(during), self._months(last, 1, over=True))


@dataclass(frozen=True)
class Periods:
    before: tuple[date, ...]
    during: tuple[date, ...]
    after: tuple[date, ...]

    @property
    def months(self) -> tuple[date, ...]:
        return (*self.before, *self.during, *self.after)


@dataclass
class Absence:
    """Minutes absent per child and month (each day up to a school day), and which schools' months were imported."""

    day_minutes: int
    calendar: Calendar
    minutes: dict[tuple[int, date], int] = field(default_factory=lambda: defaultdict(int))
    imported: set[tuple[int, date]] = field(default_factory=set)

    def attendance(self, child_id: int, school_id: int | None, months: tuple[date, ...]) -> float | None:
        if not months or school_id is None or any((school_id, month) not in self.imported for month in months):
            return None
        scheduled = sum(self.calendar.school_days(month) for month in months) * self.day_minutes
        missed = sum(self.minutes.get((child_id, month), 0) for month in months)
        return round(100 - 100 * min(missed, scheduled) / scheduled, 4)


@dataclass(frozen=True)
class PanelCase:
    """An evaluated case (unsaved) with its child, and its comparison pupils with theirs: the refresh writes the
    rows without the children; a research export (`kring.insights.research`) pseudonymises them."""

    child_id: int
    case: EvaluatedCase
    comparisons: list[tuple[int, ComparisonPupil]]


def evaluation_rows(municipality: Municipality, today: date, *, closed_from: date | None = None) -> list[PanelCase]:
    """The panel as of `today`: each case closed since `closed_from` (by default `first_day_evaluated`) with its
    comparison pupils."""
    start = timezone.make_aware(datetime.combine(closed_from or first_day_evaluated(today), time.min))
    closed = TsiCase.objects.filter(municipality=municipality, closed_at__gte=start, closed_at__isnull=False)
    keys = ("pk", "child_id", "requesting_unit_id", "team_id", "closed_at", "closure_reason")
    cases = list(about_children(closed.order_by("requested_at", "pk"), "requested_at", *keys))
    if not cases:
        return []
    calendar = Calendar(today)
    periods = {case["pk"]: calendar.periods(case["day"], timezone.localdate(case["closed_at"])) for case in cases}
    schools = {case["placed_unit"] for case in cases if case["placed_unit"]}
    months = [month for period in periods.values() for month in period.months] or [today.replace(day=1)]
    absence = _absence(municipality, schools, min(months), _month_end(max(months)), calendar)
    pools = _pools(municipality, schools, max(case["day"] for case in cases))
    steps = _steps(closed)
    ratings = _ratings(closed)
    investigations = _investigations(municipality, min(case["day"] for case in cases))
    used: set[int] = set()
    rows = []
    for case in cases:
        evaluated = _evaluated(municipality, case, periods[case["pk"]], absence, today)
        _rate(evaluated, ratings.get(case["pk"], []))
        _follow_method(evaluated, case, steps)
        comparisons = _match(evaluated, case, periods[case["pk"]], absence, pools, used, today)
        evaluated.investigation_after = investigated(investigations, case["child_id"], case["day"], today)
        for child_id, pupil in comparisons:
            pupil.investigation_after = investigated(investigations, child_id, case["day"], today)
        rows.append(PanelCase(case["child_id"], evaluated, comparisons))
    return rows


def _investigations(municipality: Municipality, first: date) -> dict[int, list[date]]:
    """The days social services opened an investigation about each child, since `first` (one query)."""
    opened = ReportAssessment.objects.filter(
        municipality=municipality, decision=Decision.INVESTIGATION_OPENED, decided_at__date__gte=first
    ).values_list("report__child_id", "decided_at")
    found: dict[int, list[date]] = defaultdict(list)
    for child_id, decided_at in opened.order_by().iterator(chunk_size=BATCH):
        found[child_id].append(timezone.localdate(decided_at))
    return found


def investigated(investigations: Mapping[int, list[date]], child_id: int, requested: date, today: date) -> bool | None:
    """Whether an investigation was opened about the child within `FOLLOW_DAYS` after the request (for a comparison
    pupil: after their case's request); None while that time is not over."""
    end = requested + timedelta(days=FOLLOW_DAYS)
    if end >= today:
        return None
    return any(requested < day <= end for day in investigations.get(child_id, []))


def _evaluated(
    municipality: Municipality, case: Mapping[str, Any], periods: Periods, absence: Absence, today: date
) -> EvaluatedCase:
    grade, band, sex = child_dimensions(case, today)
    closed_on = timezone.localdate(case["closed_at"])
    school = case["placed_unit"]
    return EvaluatedCase(
        municipality=municipality,
        unit_id=case["requesting_unit_id"],
        receiving_unit_id=case["team_id"],
        school_id=school,
        requested_month=case["month"],
        closed_month=closed_on.replace(day=1),
        school_year=school_year(closed_on),
        grade=grade,
        sex=sex,
        age_band=band,
        closure_reason=case["closure_reason"],
        before=absence.attendance(case["child_id"], school, periods.before),
        during=absence.attendance(case["child_id"], school, periods.during),
        after=absence.attendance(case["child_id"], school, periods.after),
        in_order=False,
    )


def _absence(municipality: Municipality, schools: set[int], first: date, last: date, calendar: Calendar) -> Absence:
    """One aggregate query: each child's absence per day at the schools, counted up to a school day per day."""
    settings = AbsenceSettings.objects.filter(municipality=municipality).first()
    day_minutes = (settings or AbsenceSettings()).school_day_minutes
    absence = Absence(day_minutes, calendar)
    records = AbsenceRecord.objects.filter(municipality=municipality, unit_id__in=schools, day__range=(first, last))
    by_day: dict[tuple[int, date], int] = defaultdict(int)
    grouped = records.values("child_id", "unit_id", "day").annotate(total=Sum("minutes")).order_by()
    for row in grouped.iterator(chunk_size=BATCH):
        by_day[(row["child_id"], row["day"])] += row["total"]
        absence.imported.add((row["unit_id"], row["day"].replace(day=1)))
    for (child_id, day), minutes in by_day.items():
        absence.minutes[(child_id, day.replace(day=1))] += min(minutes, day_minutes)
    return absence


@dataclass(frozen=True)
class Pupil:
    child_id: int
    row: dict[str, Any]  # the placement, as `grade_then` reads it
    start: date
    end: date | None
    sex: str


def _pools(municipality: Municipality, schools: set[int], last_day: date) -> dict[int, list[Pupil]]:
    """The placements at the schools begun by the last request, of children who never had a TSI case."""
    with_case = TsiCase.objects.filter(municipality=municipality).values("child_id")
    placements = (
        Placement.objects.filter(municipality=municipality, unit_id__in=schools, start_date__lte=last_day)
        .exclude(child_id__in=with_case)
        .values("child_id", "unit_id", "grade", "school_form", "start_date", "end_date", "child__identity_number")
        .order_by("child_id", "pk")
    )
    pools: dict[int, list[Pupil]] = defaultdict(list)
    for p in placements.iterator(chunk_size=BATCH):
        row = {"placed_grade": p["grade"], "placed_form": p["school_form"], "placed_until": p["end_date"]}
        sex = registered_sex(p["child__identity_number"]) or Sex.UNKNOWN
        pools[p["unit_id"]].append(Pupil(p["child_id"], row, p["start_date"], p["end_date"], sex))
    return pools


def _match(
    evaluated: EvaluatedCase,
    case: Mapping[str, Any],
    periods: Periods,
    absence: Absence,
    pools: Mapping[int, list[Pupil]],
    used: set[int],
    today: date,
) -> list[tuple[int, ComparisonPupil]]:
    """The case's comparison pupils with their children (and the pool's sums on `evaluated`); none without
    attendance before."""
    if evaluated.before is None or evaluated.school_id is None:
        return []
    day, school = case["day"], evaluated.school_id
    candidates: list[tuple[float, int, float]] = []
    for pupil in pools.get(school, []):
        if pupil.start > day or (pupil.end is not None and pupil.end < day):
            continue
        if grade_then({**pupil.row, "day": day}, today) != evaluated.grade:
            continue
        before = absence.attendance(pupil.child_id, school, periods.before)
        if before is None:
            continue
        evaluated.pool_n += 1
        evaluated.pool_absence_sum += 100 - before
        evaluated.pool_absence_squares += (100 - before) ** 2
        evaluated.pool_girls += pupil.sex == Sex.GIRL
        if pupil.sex == evaluated.sex and pupil.child_id not in used and abs(before - evaluated.before) <= CALIPER:
            candidates.append((abs(before - evaluated.before), pupil.child_id, before))
    chosen = sorted(candidates)[:MATCHES]
    used.update(child_id for _distance, child_id, _before in chosen)
    return [
        (child_id, ComparisonPupil(
            municipality_id=evaluated.municipality_id,
            before=before,
            during=absence.attendance(child_id, school, periods.during),
            after=absence.attendance(child_id, school, periods.after),
        ))
        for _distance, child_id, before in chosen
    ]  # fmt: skip


Rating = dict[str, Any]


def _ratings(closed: Any) -> dict[int, list[Rating]]:
    """The outcome measures of the cases given by a guardian or the child, in date order."""
    measures = OutcomeMeasure.objects.filter(
        case__in=closed.values("pk"), given_by__in=(RatingGiver.GUARDIAN, RatingGiver.CHILD)
    ).values("case_id", "occasion", "given_by", "measured_on", "home_conflicts", "listened_to")
    found: dict[int, list[Rating]] = defaultdict(list)
    for row in measures.order_by("measured_on", "pk").iterator(chunk_size=BATCH):
        found[row["case_id"]].append(dict(row))
    return found


def _rate(evaluated: EvaluatedCase, measures: list[Rating]) -> None:
    """The guardians' rating of conflicts at home and the child's of being listened to, at the start and at the
    end (at closure, or else the latest follow-up): the mean of the ratings given then."""
    conflicts = _first_and_last(measures, RatingGiver.GUARDIAN, "home_conflicts")
    evaluated.conflicts_start, evaluated.conflicts_end = conflicts
    evaluated.listened_start, evaluated.listened_end = _first_and_last(measures, RatingGiver.CHILD, "listened_to")


def _first_and_last(measures: list[Rating], giver: str, name: str) -> tuple[float | None, float | None]:
    given = [m for m in measures if m["given_by"] == giver and m[name] is not None]
    start = [m[name] for m in given if m["occasion"] == Occasion.START]
    end = [m[name] for m in given if m["occasion"] == Occasion.CLOSURE]
    if not end:
        follow_ups = [m for m in given if m["occasion"] == Occasion.FOLLOW_UP]
        latest = follow_ups[-1]["measured_on"] if follow_ups else None
        end = [m[name] for m in follow_ups if m["measured_on"] == latest]
    return (fmean(start) if start else None, fmean(end) if end else None)


@dataclass
class Steps:
    """The dates of the method's steps in each case, from five queries."""

    network: dict[int, date] = field(default_factory=dict)
    consent: dict[int, date] = field(default_factory=dict)
    voice: dict[int, date] = field(default_factory=dict)
    plan: dict[int, date] = field(default_factory=dict)
    follow_ups: dict[int, list[tuple[date, date | None]]] = field(default_factory=lambda: defaultdict(list))


def _steps(closed: Any) -> Steps:
    of_cases = {"case__in": closed.values("pk")}
    steps = Steps()
    networks = Meeting.objects.filter(**of_cases, kind=MeetingKind.NETWORK, held=True)
    meetings = networks.values_list("case_id", "starts_at")
    _earliest(steps.network, ((case, timezone.localdate(at)) for case, at in meetings.order_by()))
    _earliest(steps.consent, Consent.objects.filter(**of_cases).values_list("case_id", "given_on").order_by())
    _earliest(steps.voice, ChildVoice.objects.filter(**of_cases).values_list("case_id", "given_on").order_by())
    _earliest(steps.plan, PlanVersion.objects.filter(**of_cases).values_list("case_id", "agreed_on").order_by())
    for case_id, due, done in FollowUp.objects.filter(**of_cases).values_list("case_id", "due_on", "done_on"):
        steps.follow_ups[case_id].append((due, done))
    return steps


def _earliest(found: dict[int, date], rows: Iterable[tuple[int, date]]) -> None:
    for case_id, day in rows:
        if case_id not in found or day < found[case_id]:
            found[case_id] = day


def _days(start: date, end: date | None) -> int | None:
    return (end - start).days if end is not None and end >= start else None


def _follow_method(evaluated: EvaluatedCase, case: Mapping[str, Any], steps: Steps) -> None:
    """Magneten's steps, each after the one before: consent and the child's voice before the network meeting, the
    plan agreed at it or after, a follow-up done after the plan, closure after the last follow-up. And the days from
    the request to the network meeting, and the follow-ups due by closure that were done by their date."""
    pk, requested, closed = case["pk"], case["day"], timezone.localdate(case["closed_at"])
    network, consent, voice = steps.network.get(pk), steps.consent.get(pk), steps.voice.get(pk)
    plan = steps.plan.get(pk)
    due = [(due_on, done_on) for due_on, done_on in steps.follow_ups.get(pk, []) if due_on <= closed]
    done = sorted(done_on for _due, done_on in steps.follow_ups.get(pk, []) if done_on is not None)
    evaluated.follow_ups_due = len(due)
    evaluated.follow_ups_on_time = sum(1 for due_on, done_on in due if done_on is not None and done_on <= due_on)
    evaluated.days_to_network = _days(requested, network)
    evaluated.days_to_consent = _days(requested, consent)
    evaluated.days_to_follow_up = _days(requested, done[0] if done else None)
    evaluated.days_open = _days(requested, closed)
    evaluated.in_order = bool(
        network and consent and voice and plan and done
        and consent <= network and voice <= network and network <= plan <= done[-1] <= closed
    )  # fmt: skip
