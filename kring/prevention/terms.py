"""Terms as the prevention work counts them: each is kept as the date it began (15 August or 7 January, from
`kring.schooldata.school_calendar`), so that terms sort and compare as dates."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from kring.schooldata.school_calendar import AUTUMN, SPRING, term_start


def term_of(day: date) -> date:
    """The term `day` belongs to (a holiday belongs to the term before it)."""
    return term_start(day)


def term_label(term: date) -> str:
    """ "HT 2026" for the autumn term of 2026, "VT 2027" for the spring term of 2027 (in English: autumn, spring)."""
    if term.month >= AUTUMN[0][0]:
        return _("autumn %(year)s") % {"year": term.year}
    return _("spring %(year)s") % {"year": term.year}


def previous_terms(term: date, count: int) -> list[date]:
    """`count` terms ending with `term`, the oldest first."""
    terms = [term]
    while len(terms) < count:
        current = terms[0]
        if current.month >= AUTUMN[0][0]:
            terms.insert(0, date(current.year, *SPRING[0]))
        else:
            terms.insert(0, date(current.year - 1, *AUTUMN[0]))
    return terms
