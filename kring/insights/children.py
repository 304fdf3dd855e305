"""A child's dimensions in the statistics on a day: grade in compulsory school, age band and sex (as the identity
number registers it), worked out from the child's placement in force that day; counted, never stored with who."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate

from kring.casework.models import AgeBand
from kring.directory.models import SchoolForm
from kring.insights.models import COMPULSORY_GRADES, Sex
from kring.people.identity import age_on, registered_sex
from kring.people.models import Placement

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
