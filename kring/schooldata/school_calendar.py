"""Kring's school calendar, until one is imported (SS 12000 CalendarEvents): the autumn term from 15 August to
21 December with the autumn break in week 44, the spring term from 7 January to 12 June, school on Monday to
Friday. Used by the outcome link and the demo; the absence indicators count every weekday of the term (see
`kring.schooldata.indicators`) and take the term's start, and in a holiday the last day of the term that just
ended, from here."""

from __future__ import annotations

from datetime import date

AUTUMN = ((8, 15), (12, 21))  # first and last day of the autumn term
SPRING = ((1, 7), (6, 12))
AUTUMN_BREAK_WEEK = 44


def term_start(day: date) -> date:
    """The first day of the term that `day` is in: the autumn term starts on 15 August, the spring term on 7 January.

    1–6 January still belong to the autumn term that began the August before; the summer holiday belongs to the
    spring term until the autumn term starts."""
    autumn = date(day.year, *AUTUMN[0])
    if day >= autumn:
        return autumn
    spring = date(day.year, *SPRING[0])
    if day >= spring:
        return spring
    return date(day.year - 1, *AUTUMN[0])


def in_term(day: date) -> bool:
    return any(date(day.year, *first) <= day <= date(day.year, *last) for first, last in (AUTUMN, SPRING))


def is_school_day(day: date) -> bool:
    """Monday to Friday in a term, outside the autumn break."""
    return day.weekday() < 5 and day.isocalendar().week != AUTUMN_BREAK_WEEK and in_term(day)


def last_term_day(day: date) -> date:
    """`day` itself in term time; in a holiday (Christmas, summer) the last day of the term that ended before it."""
    if in_term(day):
        return day
    ends = [date(year, *last) for year in (day.year - 1, day.year) for _first, last in (AUTUMN, SPRING)]
    return max(end for end in ends if end <= day)
