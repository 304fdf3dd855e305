"""What each record type is in the database, and which of its rows a rule makes due on a day.

A row is due when its anchor (closure, the day recorded, the child's birth or 18th birthday, the end of the school
year) lies `keep_years` years or more before today: a row closed on 3 March 2021 under "5 years after closure" is due
from 3 March 2026, not a day before (and a 29 February counts on to 1 March in a year without one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Q, QuerySet

from kring.casework.models import Concern, Consultation, ReportOfConcern, TsiCase
from kring.prevention.models import SurveyResponse
from kring.records.models import CountedFrom, RecordType
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceRecord

ADULT_AGE = 18


@dataclass(frozen=True)
class Tally:
    """What an anonymising rule keeps of a row: the year of `year_path` (a date or date-time) and its `kind_path`
    value ("" for a type of one kind only)."""

    year_path: str
    kind_path: str = ""


@dataclass(frozen=True)
class RecordKind:
    """A record type: its model (deleting a row deletes its parts: assessments, stories, plans, answers), where
    its municipality is, and the date each anchor it can be counted from is read from."""

    model: type[Model]
    municipality: str
    anchors: dict[str, str]  # CountedFrom -> a date (or datetime: `__date`) lookup path
    tally: Tally | None = None  # how it may be anonymised (None: it may not; survey answers are anonymous already)

    def rows(self, municipality_id: int) -> QuerySet[Model]:
        return self.model._default_manager.filter(**{self.municipality: municipality_id})


KINDS: dict[str, RecordKind] = {
    RecordType.CONCERN: RecordKind(
        Concern, "municipality_id",
        {CountedFrom.CLOSED: "closed_at__date", CountedFrom.RECORDED: "reported_at__date",
         CountedFrom.TURNED_18: "child__birth_date", CountedFrom.BIRTH: "child__birth_date"},
        Tally("reported_at", "category"),
    ),
    RecordType.CONSULTATION: RecordKind(
        Consultation, "municipality_id", {CountedFrom.RECORDED: "asked_at__date"}, Tally("asked_at")
    ),
    RecordType.REPORT: RecordKind(
        ReportOfConcern, "municipality_id",
        {CountedFrom.CLOSED: "assessment__decided_at__date", CountedFrom.RECORDED: "filed_at__date",
         CountedFrom.TURNED_18: "child__birth_date", CountedFrom.BIRTH: "child__birth_date"},
        Tally("filed_at", "assessment__decision"),
    ),
    RecordType.TSI_CASE: RecordKind(
        TsiCase, "municipality_id",
        {CountedFrom.CLOSED: "closed_at__date", CountedFrom.RECORDED: "requested_at__date",
         CountedFrom.TURNED_18: "child__birth_date", CountedFrom.BIRTH: "child__birth_date"},
        Tally("requested_at", "closure_reason"),
    ),
    RecordType.ABSENCE: RecordKind(
        AbsenceRecord, "municipality_id",
        {CountedFrom.SCHOOL_YEAR_END: "day", CountedFrom.RECORDED: "day", CountedFrom.TURNED_18: "child__birth_date"},
        Tally("day", "kind"),
    ),
    RecordType.ABSENCE_INDICATOR: RecordKind(
        AbsenceIndicator, "municipality_id",
        {CountedFrom.SCHOOL_YEAR_END: "computed_on", CountedFrom.RECORDED: "computed_on"},
        Tally("computed_on", "level"),
    ),
    RecordType.INVESTIGATION: RecordKind(
        AbsenceInvestigation, "municipality_id",
        {CountedFrom.CLOSED: "closed_at__date", CountedFrom.RECORDED: "opened_at__date",
         CountedFrom.TURNED_18: "child__birth_date", CountedFrom.BIRTH: "child__birth_date"},
        Tally("opened_at", "status"),
    ),
    RecordType.SURVEY_ANSWERS: RecordKind(
        SurveyResponse, "wave_class__wave__series__municipality_id",
        {CountedFrom.CLOSED: "wave_class__wave__closes_on", CountedFrom.RECORDED: "answered_on",
         CountedFrom.SCHOOL_YEAR_END: "answered_on"},
    ),
}  # fmt: skip


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def last_school_year_end(today: date, years: int) -> date:
    """The latest end of a school year (30 June) that lies `years` years or more before today."""
    year = today.year - years if (today.month, today.day) >= (6, 30) else today.year - years - 1
    return date(year, 6, 30)


def latest_anchor(counted_from: str, keep_years: int, today: date) -> date:
    """The latest anchor date of a row that is due today."""
    if counted_from == CountedFrom.TURNED_18:
        return years_before(today, ADULT_AGE + keep_years)  # the birth date of one who turned 18 that long ago
    if counted_from == CountedFrom.SCHOOL_YEAR_END:
        return last_school_year_end(today, keep_years)
    return years_before(today, keep_years)


def due(record_type: str, municipality_id: int, counted_from: str, keep_years: int, today: date) -> QuerySet[Model]:
    """The rows of this type in the municipality the rule makes due today (none when the rule counts from an
    anchor the type does not have, or a case still open)."""
    kind = KINDS[record_type]
    path = kind.anchors.get(counted_from)
    if path is None:
        return kind.model._default_manager.none()
    condition = Q(**{f"{path}__lte": latest_anchor(counted_from, keep_years, today)})
    if record_type == RecordType.TSI_CASE:
        condition &= Q(closed_at__isnull=False)  # an open case is never cleared, whatever it counts from
    if record_type in (RecordType.CONCERN, RecordType.INVESTIGATION):
        condition &= Q(closed_at__isnull=False)
    if record_type == RecordType.REPORT:
        condition &= Q(assessment__decided_at__isnull=False)
    return kind.rows(municipality_id).filter(condition)
