"""A child's dimensions in the statistics on a day: grade in compulsory school, age band and sex (as the identity
number registers it), worked out from the child's placement in force that day; counted, never stored with who."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate

from kring.casework.models import AgeBand
from kring.directory.models import Municipality, SchoolForm
from kring.insights.models import COMPULSORY_GRADES, Sex
from kring.people.identity import age_on, registered_sex
from kring.people.models import Child, Placement
from kring.schooldata.models import AbsenceRecord, AbsenceSettings
from kring.schooldata.school_calendar import AUTUMN, SPRING, is_school_day

BATCH = 2000

COMPULSORY_FORMS = frozenset({SchoolForm.PRESCHOOL_CLASS, SchoolForm.COMPULSORY, SchoolForm.COMPULSORY_ADAPTED})
# Each age band by its oldest age (a younger child counts in the first band, an older one in the last).
AGE_BANDS = (
    (AgeBand.PRESCHOOL, 5),
    (AgeBand.YOUNGER, 9),
    (AgeBand.MIDDLE, 12),
    (AgeBand.OLDER, 15),
    (AgeBand.YOUTH, 18),
)


def child_dimensions(row: Mapping[str, Any], today: date) -> tuple[str, str, str]:
    """The child's grade, age band and sex on the row's day."""
    age = age_on(row["child__birth_date"], row["day"])
    band = next((value for value, top in AGE_BANDS if age <= top), AGE_BANDS[-1][0])
    sex = registered_sex(row["child__identity_number"]) or Sex.UNKNOWN
    return (grade_then(row, today), band, sex)


def grade_then(row: Mapping[str, Any], today: date) -> str:
    """The grade of compulsory school (F–9) the child was in on the row's day, or blank. A placement's grade is the
    register's latest (an import updates it each school year), as of its end or today: counted back by the school
    years since the row's day."""
    grade, form = row["placed_grade"] or "", row["placed_form"] or ""
    if form not in COMPULSORY_FORMS or grade not in COMPULSORY_GRADES:
        return ""
    as_of = min(row["placed_until"] or today, today)
    then = COMPULSORY_GRADES.index(grade) - (school_year(as_of) - school_year(row["day"]))
    return COMPULSORY_GRADES[then] if 0 <= then < len(COMPULSORY_GRADES) else ""


def school_year(day: date) -> int:
    """The calendar year a school year begins in (July counts with the year to come)."""
    return day.year if day.month >= 7 else day.year - 1


def about_children(rows: QuerySet[Any], moment: str, *keys: str) -> Iterable[dict[str, Any]]:
    """Each row's `keys`, local month and day, and its child's date of birth, identity number and the placement in
    force that day (the latest begun if several): its grade, school form and end. Read in chunks: the refresh is a
    task, not a page."""
    in_force = Placement.objects.current(OuterRef("day"))  # type: ignore[arg-type]  # the row's day, in SQL
    placement = in_force.filter(child=OuterRef("child")).order_by("-start_date", "-pk")
    annotated = rows.annotate(day=TruncDate(moment)).annotate(
        placed_grade=Subquery(placement.values("grade")[:1]),
        placed_form=Subquery(placement.values("school_form")[:1]),
        placed_until=Subquery(placement.values("end_date")[:1]),
        placed_unit=Subquery(placement.values("unit_id")[:1]),
    )
    placed = ("placed_grade", "placed_form", "placed_until", "placed_unit")
    fields = ("day", *placed, "child__birth_date", "child__identity_number")
    for row in annotated.values(*fields, *keys).order_by().iterator(chunk_size=BATCH):
        row["month"] = row["day"].replace(day=1)
        yield row


def term_end(term: date) -> date:
    """The last day of the term that began on `term`."""
    return date(term.year, *(AUTUMN[1] if term.month >= AUTUMN[0][0] else SPRING[1]))


def high_absence(
    municipality: Municipality, term: date, today: date, settings: AbsenceSettings
) -> list[dict[str, Any]]:
    """The pupils absent more than the term's threshold (`term_percent` of the scheduled minutes, as the early
    warning reckons it) from the term's start up to yesterday or its end, at each school they were absent from: three
    queries (the absence summed by pupil and school, their placements and their records), whatever the size. Each
    row as `child_dimensions` reads it, on the last day counted."""
    last = min(term_end(term), today - timedelta(days=1))
    days = sum(1 for n in range((last - term).days + 1) if is_school_day(term + timedelta(days=n)))
    scheduled = days * settings.school_day_minutes
    if scheduled <= 0:
        return []
    totals = (
        AbsenceRecord.objects.filter(municipality=municipality, day__range=(term, last))
        .values("child_id", "unit_id").annotate(total=Sum("minutes")).order_by()
    )  # fmt: skip
    high = [
        (row["child_id"], row["unit_id"]) for row in totals if 100 * row["total"] > settings.term_percent * scheduled
    ]
    if not high:
        return []
    ids = {child_id for child_id, _unit in high}
    placed: dict[int, Mapping[str, Any]] = {
        p["child_id"]: p
        for p in Placement.objects.current(last).filter(child_id__in=ids).order_by("start_date", "pk")
        .values("child_id", "grade", "school_form", "end_date")
    }  # fmt: skip  # the latest begun, if several
    children = {c["pk"]: c for c in Child.objects.filter(pk__in=ids).values("pk", "birth_date", "identity_number")}
    return [_high_row(last, unit_id, children[child_id], placed.get(child_id, {})) for child_id, unit_id in high]


def _high_row(day: date, unit_id: int, child: Mapping[str, Any], placement: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "day": day, "unit_id": unit_id, "child__birth_date": child["birth_date"],
        "child__identity_number": child["identity_number"], "placed_grade": placement.get("grade"),
        "placed_form": placement.get("school_form"), "placed_until": placement.get("end_date"),
    }  # fmt: skip
