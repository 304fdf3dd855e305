"""Statistics by term: concerns, reports of concern, anonymous consultations, TSI cases (requested, closed),
investigations of absence and the pupils over the term's absence threshold, of the last `TERMS` terms, each broken
down by category, outcome or reason, school, grade, age band and sex.

Read from the same summary as the monthly statistics (`MonthlyCount`, one aggregate query whatever the size, and
one for the schools' names), in the same scopes, and kept in the cache until the next refresh (`published_once`).
A calendar month counts in the term it mostly belongs to (January to July in the spring term, August to December in
the autumn term). The tables of one measure count the same things over the same terms, so they are suppressed
*together* (`kring.suppression.suppress_together`): nothing under 5 is shown, and nothing hidden in one table can be
worked out from another. The rows are fixed lists (every school and preschool of the scope, every grade, age band
and sex), never only those that happen to have counts, so that a row's presence says nothing either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.models import AgeBand, ClosureReason, ConcernCategory, Decision
from kring.database import reading_from_replica
from kring.directory.models import SCHOOL_KINDS, Unit, User
from kring.insights.models import ABSENCE_KINDS, TSI_KINDS, CountKind, MonthlyCount, RequestStatus, Sex
from kring.insights.models import COMPULSORY_GRADES as GRADES
from kring.insights.statistics import NOT_DECIDED, THRESHOLD, CountTable, Scope, chosen_scope, published_once
from kring.prevention.terms import previous_terms, term_label, term_of
from kring.suppression import suppress_together

TERMS = 4
OTHER = "other"

Row = Mapping[str, Any]


def term_of_month(month: date) -> date:
    """The term a calendar month counts in: the one its middle day belongs to (August is the autumn term's)."""
    return term_of(month.replace(day=15))


def terms_until(today: date, count: int = TERMS) -> list[date]:
    """The last `count` terms (each as the day it began), oldest first, ending with the term of today's month."""
    return previous_terms(term_of_month(today.replace(day=1)), count)


def first_month_of_terms(today: date) -> date:
    """The first month the term statistics count: the summary is refreshed from it."""
    return terms_until(today)[0].replace(day=1)


@dataclass(frozen=True)
class Breakdown:
    """One table of a measure: its rows (key, label) and how a summary row picks its key."""

    caption: str
    row_header: str
    keys: list[tuple[Any, str]]
    key_of: Callable[[Row], Any]


@dataclass(frozen=True)
class Measure:
    """A measure's tables, suppressed together; their column totals are the same published numbers."""

    key: str
    heading: str
    tables: list[CountTable]

    @property
    def totals(self) -> list[int | None]:
        return self.tables[0].counts.column_totals if self.tables else []


@dataclass(frozen=True)
class TermStatistics:
    scope: Scope
    scopes: list[Scope]
    terms: list[date]
    refreshed_at: Any
    measures: list[Measure]

    @property
    def term_labels(self) -> list[str]:
        return [term_label(term) for term in self.terms]


def term_statistics_for_user(user: User, scope_key: str = "") -> TermStatistics:
    """The term statistics of the user's scope (the one asked for, or the widest), as of the summary's last refresh;
    404 without a scope. Audited."""
    scope, scopes, municipality_id, refresh = chosen_scope(user, scope_key)
    terms = terms_until(timezone.localdate())
    measures = []
    if refresh is not None:
        view = ("terms", scope.key, scope.unit_ids, terms[0])
        measures = published_once(municipality_id, view, lambda: _published(municipality_id, scope, terms))
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="statistics",
        target_id=scope.key,
        details={
            "scope": scope.key,
            "units": list(scope.unit_ids),
            "by": "term",
            "from": terms[0].isoformat(),
            "as_of": refresh.refreshed_at.isoformat() if refresh else None,
        },
    )
    return TermStatistics(scope, scopes, terms, refresh.refreshed_at if refresh else None, measures)


def _published(municipality_id: int, scope: Scope, terms: list[date]) -> list[Measure]:
    """The scope's measures as published: one aggregate query over the summary, one for the schools' names."""
    with reading_from_replica():
        rows = _rows(municipality_id, scope, terms)
        schools = _schools(municipality_id, scope)
    return _measures(scope, terms, rows, schools)


def _rows(municipality_id: int, scope: Scope, terms: list[date]) -> list[dict[str, Any]]:
    """One aggregate query: the scope's summary rows since the first term, by every dimension a table shows."""
    chosen = Q(kind=CountKind.REPORTS) & scope.reports | Q(kind=CountKind.CONSULTATIONS) & scope.consultations
    chosen |= Q(kind__in=TSI_KINDS) & scope.tsi_cases
    if scope.concerns is not None:  # the school's own information: concerns, and its pupils' absence
        chosen |= Q(kind__in=(CountKind.CONCERNS, *ABSENCE_KINDS)) & scope.concerns
    summary = MonthlyCount.objects.filter(municipality_id=municipality_id, month__gte=terms[0].replace(day=1))
    grouped = summary.filter(chosen).values(
        "kind", "month", "unit_id", "category", "decision", "grade", "age_band", "sex"
    )
    return [dict(row) for row in grouped.annotate(n=Sum("count")).order_by()]


def _schools(municipality_id: int, scope: Scope) -> list[tuple[int, str]]:
    """The schools a table by school lists: the principal's own, else every school and preschool of the
    municipality."""
    units = Unit.objects.filter(municipality_id=municipality_id)
    schools = units.filter(pk__in=scope.unit_ids) if scope.key == "schools" else units.filter(kind__in=SCHOOL_KINDS)
    return list(schools.order_by("name").values_list("pk", "name"))


def _measures(
    scope: Scope, terms: list[date], rows: list[dict[str, Any]], schools: list[tuple[int, str]]
) -> list[Measure]:
    """Each measure of the scope with its tables (a principal with one school gets no table by school)."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    school_keys = [*schools, (OTHER, _("Other units"))] if scope.key != "schools" else schools
    by_school = [_by_school(school_keys, {pk for pk, _name in schools})]
    if scope.key == "schools" and len(schools) < 2:
        by_school = []
    child = [_by_grade(), _by_age_band(), _by_sex()]
    measures = [
        (CountKind.CONCERNS, _("Concerns"), [_by_category(), *by_school, *child]),
        (CountKind.REPORTS, _("Reports of concern"), [_by_outcome(), *by_school, *child]),
        (CountKind.CONSULTATIONS, _("Anonymous consultations"), [*by_school, _by_age_band()]),
        (CountKind.TSI_REQUESTS, _("TSI cases requested"), [_by_request_status(), *by_school, *child]),
        (CountKind.TSI_CLOSED, _("TSI cases closed"), [_by_closure_reason(), *by_school]),
        (CountKind.ABSENCE_INVESTIGATIONS, _("Investigations of absence opened"), [*by_school, *child]),
        (CountKind.HIGH_ABSENCE, _("Pupils absent more than the term's threshold"), [*by_school, *child]),
    ]
    schools_own = (CountKind.CONCERNS, *ABSENCE_KINDS)
    return [
        _measure(kind, heading, tables, terms, by_kind)
        for kind, heading, tables in measures
        if kind not in schools_own or scope.concerns is not None
    ]


def _measure(
    kind: str, heading: str, breakdowns: list[Breakdown], terms: list[date], by_kind: Mapping[str, list[dict[str, Any]]]
) -> Measure:
    grids = []
    for breakdown in breakdowns:
        counts: dict[tuple[Any, date], int] = defaultdict(int)
        for row in by_kind.get(kind, []):
            counts[(breakdown.key_of(row), term_of_month(row["month"]))] += row["n"]
        grids.append([[counts.get((key, term), 0) for term in terms] for key, _label in breakdown.keys])
    published = suppress_together(grids, THRESHOLD)
    columns = [term_label(term) for term in terms]
    tables = [
        CountTable(b.caption, b.row_header, [label for _key, label in b.keys], columns, counts)
        for b, counts in zip(breakdowns, published, strict=True)
    ]
    return Measure(str(kind), heading, tables)


def _choices(choices: list[tuple[str, Any]]) -> list[tuple[Any, str]]:
    return [(value, str(label)) for value, label in choices]


def _by_category() -> Breakdown:
    return Breakdown(
        _("By category and term"), _("Category"), _choices(ConcernCategory.choices), lambda r: r["category"]
    )


def _by_outcome() -> Breakdown:
    outcomes = [*_choices(Decision.choices), (NOT_DECIDED, _("Not decided yet"))]
    return Breakdown(_("By outcome and term"), _("Outcome"), outcomes, lambda r: r["decision"] or NOT_DECIDED)


def _by_school(keys: list[tuple[Any, str]], school_ids: set[int]) -> Breakdown:
    return Breakdown(
        _("By school and term"), _("School"), keys, lambda r: r["unit_id"] if r["unit_id"] in school_ids else OTHER
    )


def _by_grade() -> Breakdown:
    keys = [*((grade, _("Grade %(grade)s") % {"grade": grade}) for grade in GRADES), (OTHER, _("Other or none"))]
    return Breakdown(_("By grade and term"), _("Grade"), keys, lambda r: r["grade"] if r["grade"] in GRADES else OTHER)


def _by_age_band() -> Breakdown:
    return Breakdown(_("By age and term"), _("Age"), _choices(AgeBand.choices), lambda r: r["age_band"])


def _by_sex() -> Breakdown:
    return Breakdown(_("By sex and term"), _("Sex"), _choices(Sex.choices), lambda r: r["sex"])


def _by_request_status() -> Breakdown:
    statuses = _choices(RequestStatus.choices)
    return Breakdown(_("By what became of the request, and term"), _("Request"), statuses, lambda r: r["decision"])


def _by_closure_reason() -> Breakdown:
    reasons = _choices(ClosureReason.choices)
    return Breakdown(_("By reason for closing and term"), _("Reason"), reasons, lambda r: r["category"])
