"""How far the trygg-bas inventory reaches, term by term: for the principal and student health of a school (their
school's counts, by grade and class, and the class reviews' wellbeing distribution), and for the municipality's
coordinator (every school, aggregates only: small counts suppressed so that no pupil can be singled out).

The coverage of a term is the share of the pupils inventoried that term who have a named safe adult. Counts are
aggregates in a constant number of queries whatever the number of pupils; each page's read is audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, visible_to
from kring.access.roles import Permission
from kring.directory.models import Unit, UnitKind, User
from kring.prevention.models import AgreedRating, SafeAdultEntry, SafeAdultStatus, Wellbeing
from kring.prevention.models.trygg_bas import WELLBEING_ORDER
from kring.prevention.terms import previous_terms, term_label, term_of
from kring.suppression import SuppressedTable, suppress

TERMS_SHOWN = 6
THRESHOLD = 5
STATUS_ORDER = (SafeAdultStatus.NAMED, SafeAdultStatus.NONE_YET, SafeAdultStatus.UNSURE)


def share(part: int | None, whole: int | None) -> int | None:
    """A whole per cent, only from numbers that are shown."""
    if part is None or not whole:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True)
class CoverageRow:
    label: str
    recorded: int
    named: int

    @property
    def percent(self) -> int | None:
        return share(self.named, self.recorded)

    @property
    def gaps(self) -> int:
        return self.recorded - self.named


@dataclass(frozen=True)
class Distribution:
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class SchoolCoverage:
    unit: Unit
    terms: list[date]
    by_term: list[CoverageRow]
    by_grade: dict[str, list[int | None]]  # grade -> per cent named, per term (None: nobody inventoried)
    by_class: list[CoverageRow]  # this term
    wellbeing: list[Distribution]  # per term, the agreed ratings

    @property
    def term_labels(self) -> list[str]:
        return [term_label(term) for term in self.terms]


def _grouped(rows: QuerySet[Any], *keys: str) -> dict[tuple[Any, ...], int]:
    found: dict[tuple[Any, ...], int] = defaultdict(int)
    for *values, count in rows.values(*keys).annotate(n=Count("pk")).values_list(*keys, "n"):
        found[tuple(values)] = count
    return found


def school_coverage(user: User, unit: Unit, today: date) -> SchoolCoverage:
    """The school's coverage over the last terms, by grade and, this term, by class; the caller has checked that
    the user leads the school's prevention. Audited as an aggregate read (no child named)."""
    terms = previous_terms(term_of(today), TERMS_SHOWN)
    entries = visible_to(user, SafeAdultEntry.objects.filter(unit=unit, term__in=terms))
    counts = _grouped(entries, "term", "grade", "status")
    by_term = [_row(term_label(term), counts, lambda key, t=term: key[0] == t) for term in terms]
    grades = sorted({key[1] for key in counts}, key=_grade_order)
    by_grade = {
        grade or "–": [_row("", counts, lambda k, g=grade, t=term: k[0] == t and k[1] == g).percent for term in terms]
        for grade in grades
    }
    classes = _grouped(entries.filter(term=terms[-1]), "group__name", "status")
    by_class = [
        _row(name or "–", classes, lambda key, n=name: key[0] == n)
        for name in sorted({key[0] for key in classes}, key=lambda n: n or "")
    ]
    agreed = _grouped(visible_to(user, AgreedRating.objects.filter(unit=unit, term__in=terms)), "term", "rating")
    wellbeing = [
        Distribution(term_label(term), {rating: agreed.get((term, rating), 0) for rating in WELLBEING_ORDER})
        for term in terms
    ]
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="trygg_bas_coverage",
        target_id=unit.pk,
        details={"terms": [term.isoformat() for term in terms]},
    )
    return SchoolCoverage(unit, terms, by_term, by_grade, by_class, wellbeing)


def _row(label: str, counts: dict[tuple[Any, ...], int], keep: Any) -> CoverageRow:
    recorded = named = 0
    for key, count in counts.items():
        if keep(key):
            recorded += count
            named += count if key[-1] == SafeAdultStatus.NAMED else 0
    return CoverageRow(label, recorded, named)


def _grade_order(grade: str) -> tuple[int, str]:
    return (int(grade), "") if grade.isdigit() else (99, grade)


# --- the municipality, suppressed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedCounts:
    """A table of counts as published (None: suppressed), rows by name."""

    caption: str
    rows: list[str]
    columns: list[str]
    counts: SuppressedTable

    @property
    def body(self) -> list[tuple[str, list[int | None], int | None, int | None]]:
        """Each row: its label, its cells, its total and, for the safe-adult table, the per cent named."""
        return [
            (label, cells, total, share(cells[0], total))
            for label, cells, total in zip(self.rows, self.counts.cells, self.counts.row_totals, strict=True)
        ]

    @property
    def total_share(self) -> int | None:
        return share(self.counts.column_totals[0] if self.counts.column_totals else None, self.counts.total)


@dataclass(frozen=True)
class MunicipalityCoverage:
    term: date
    schools: SuppressedCounts
    trend: SuppressedCounts
    wellbeing: SuppressedCounts

    @property
    def term_label(self) -> str:
        return term_label(self.term)


def _suppressed(caption: str, rows: list[str], columns: list[str], table: list[list[int]]) -> SuppressedCounts:
    if not rows:
        return SuppressedCounts(caption, [], columns, SuppressedTable([], [], [None] * len(columns), None))
    return SuppressedCounts(caption, rows, columns, suppress(table, THRESHOLD))


def municipality_coverage(user: User, today: date) -> MunicipalityCoverage:
    """Every school's counts this term, the municipality's over terms and the wellbeing distribution, with small
    counts suppressed; for those who follow the municipality's prevention (404 otherwise). No pupil is read: the
    counts are aggregates of the municipality's rows, audited as such."""
    if not can(user, Permission.PREVENTION_FOLLOW):
        raise Http404
    term = term_of(today)
    terms = previous_terms(term, TERMS_SHOWN)
    tenant = {"municipality_id": user.municipality_id}
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, **tenant).order_by("name").values_list("pk", "name"))
    now = _grouped(SafeAdultEntry.objects.filter(term=term, **tenant), "unit_id", "status")
    over_time = _grouped(SafeAdultEntry.objects.filter(term__in=terms, **tenant), "term", "status")
    agreed = _grouped(AgreedRating.objects.filter(term=term, **tenant), "unit_id", "rating")
    status_labels = [str(SafeAdultStatus(status).label) for status in STATUS_ORDER]
    shown = [(pk, name) for pk, name in schools if any(now.get((pk, s)) for s in STATUS_ORDER)]
    rated = [(pk, name) for pk, name in schools if any(agreed.get((pk, r)) for r in WELLBEING_ORDER)]
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="trygg_bas_municipality",
        target_id=user.municipality_id,
        details={"term": term.isoformat()},
    )
    return MunicipalityCoverage(
        term,
        _suppressed(
            _("Safe adults this term, by school"),
            [name for _pk, name in shown],
            status_labels,
            [[now.get((pk, s), 0) for s in STATUS_ORDER] for pk, _name in shown],
        ),
        _suppressed(
            _("Safe adults in the municipality, by term"),
            [term_label(t) for t in terms],
            status_labels,
            [[over_time.get((t, s), 0) for s in STATUS_ORDER] for t in terms],
        ),
        _suppressed(
            _("Agreed wellbeing this term, by school"),
            [name for _pk, name in rated],
            [str(Wellbeing(r).label) for r in WELLBEING_ORDER],
            [[agreed.get((pk, r), 0) for r in WELLBEING_ORDER] for pk, _name in rated],
        ),
    )
