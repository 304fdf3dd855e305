"""The evaluation page's figures: what became of the children of the TSI cases closed in a school year, beside the
matched comparison group, in the user's statistics scope (`kring.insights.statistics.scopes_for_user`).

Read from the panel (`EvaluatedCase`, `ComparisonPupil`: two queries whatever the size) and kept in the cache
until the next refresh. **Disclosure control**: only figures over at least `THRESHOLD` cases are shown; each group
of figures is worked out over one set of cases (attendance and the difference in differences: the cases with
attendance before *and* after; a rating: the cases with the rating at the start *and* the end), and the school years
to choose from do not overlap, so that no figure can be subtracted from another to reveal one child's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.models import ClosureReason
from kring.database import reading_from_replica
from kring.directory.models import User
from kring.insights.children import school_year
from kring.insights.evaluation.estimates import (
    DifferenceInDifferences,
    Estimate,
    Moments,
    Subject,
    difference_in_differences,
    mean_with_interval,
    median,
    share_with_interval,
    standardised_difference,
)
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.evaluation.panel import first_day_evaluated
from kring.insights.models import Sex
from kring.insights.statistics import THRESHOLD, Scope, chosen_scope, published_once

PERIODS = ("before", "during", "after")


@dataclass(frozen=True)
class AttendanceRow:
    label: str
    cases: Estimate | None
    comparison: Estimate | None


@dataclass(frozen=True)
class BalanceRow:
    """A matching variable: its mean among the cases, in the pool before matching and among the matched pupils,
    with the standardised differences (None: exact by design, or not worked out)."""

    label: str
    cases: float | None
    pool: float | None
    pool_difference: float | None
    matched: float | None
    matched_difference: float | None


@dataclass(frozen=True)
class RatingRow:
    label: str
    start: Estimate | None
    end: Estimate | None
    change: Estimate | None


@dataclass(frozen=True)
class Figures:
    """The published figures of one school year in one scope (None or empty where too few cases)."""

    closed: int | None
    analysed: int | None
    comparisons: int | None
    attendance: list[AttendanceRow]
    did: DifferenceInDifferences | None
    balance: list[BalanceRow]
    ratings: list[RatingRow]
    goals_reached: Estimate | None
    in_order: Estimate | None
    steps: list[tuple[str, float | None]]  # each step's median days (None: fewer than the threshold)
    follow_ups_on_time: Estimate | None

    @property
    def too_few(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class Evaluation:
    scope: Scope
    scopes: list[Scope]
    years: list[tuple[int, str]]
    year: int | None
    refreshed_at: datetime | None
    figures: Figures | None


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def evaluation_for_user(user: User, scope_key: str = "", year: str = "") -> Evaluation:
    """The evaluation of the TSI cases closed in a school year (the one asked for, or the latest with enough
    cases), in the user's scope; 404 without a scope. Audited."""
    scope, scopes, municipality_id, refresh = chosen_scope(user, scope_key)
    years: list[tuple[int, str]] = []
    chosen: int | None = None
    figures = None
    if refresh is not None:
        by_year = published_once(municipality_id, ("evaluation", scope.key, scope.unit_ids),
                                 lambda: _figures_by_year(municipality_id, scope))  # fmt: skip
        # Every school year of the panel is offered, with cases or not: which years list cases says nothing.
        first = school_year(first_day_evaluated(timezone.localdate()))
        offered = list(range(school_year(timezone.localdate()), first - 1, -1))
        years = [(value, year_label(value)) for value in offered]
        chosen = _chosen_year({value: by_year.get(value, TOO_FEW) for value in offered}, year)
        figures = by_year.get(chosen, TOO_FEW) if chosen is not None else None
    record_event(
        actor=user, action=AuditAction.READ, target_type="evaluation", target_id=scope.key,
        details={"scope": scope.key, "units": list(scope.unit_ids), "school_year": chosen,
                 "as_of": refresh.refreshed_at.isoformat() if refresh else None},
    )  # fmt: skip
    return Evaluation(scope, scopes, years, chosen, refresh.refreshed_at if refresh else None, figures)


def _chosen_year(by_year: dict[int, Figures], asked: str) -> int | None:
    if asked.isdigit() and int(asked) in by_year:
        return int(asked)
    enough = [year for year, figures in by_year.items() if not figures.too_few]
    candidates = enough or list(by_year)
    return max(candidates) if candidates else None


def _figures_by_year(municipality_id: int, scope: Scope) -> dict[int, Figures]:
    """Two queries: the scope's evaluated cases and their comparison pupils, then the figures of each year."""
    with reading_from_replica():
        cases = list(EvaluatedCase.objects.filter(municipality_id=municipality_id).filter(scope.tsi_cases))
        pupils = ComparisonPupil.objects.filter(case__in=[case.pk for case in cases]).values_list(
            "case_id", "before", "during", "after"
        )
        comparisons: dict[int, list[tuple[float, float | None, float | None]]] = defaultdict(list)
        for case_id, *values in pupils.order_by("pk"):
            comparisons[case_id].append(tuple(values))  # type: ignore[arg-type]
    years: dict[int, list[EvaluatedCase]] = defaultdict(list)
    for case in cases:
        years[case.school_year].append(case)
    return {year: _figures(of_year, comparisons) for year, of_year in years.items()}


TOO_FEW = Figures(None, None, None, [], None, [], [], None, None, [], None)


def _enough(estimate: Estimate | None) -> Estimate | None:
    return estimate if estimate is not None and estimate.n >= THRESHOLD else None


def _figures(cases: list[EvaluatedCase], comparisons: dict[int, list[tuple[Any, ...]]]) -> Figures:
    if len(cases) < THRESHOLD:
        return TOO_FEW
    analysed = [c for c in cases if c.before is not None and c.after is not None]
    matched = [(c, p) for c in analysed for p in comparisons.get(c.pk, []) if p[2] is not None]
    enough = len(analysed) >= THRESHOLD
    closed_well = sum(1 for c in cases if c.closure_reason == ClosureReason.GOALS_REACHED)
    due = sum(c.follow_ups_due for c in cases)
    return Figures(
        closed=len(cases),
        analysed=len(analysed) if enough else None,
        comparisons=len(matched) if enough and len(matched) >= THRESHOLD else None,
        attendance=_attendance(analysed, matched) if enough else [],
        did=_did(analysed, matched) if enough and len(matched) >= THRESHOLD else None,
        balance=_balance(analysed, matched) if enough and len(matched) >= THRESHOLD else [],
        ratings=_ratings(cases),
        goals_reached=share_with_interval(closed_well, len(cases)),
        in_order=share_with_interval(sum(1 for c in cases if c.in_order), len(cases)),
        steps=_steps(cases),
        follow_ups_on_time=_enough(share_with_interval(sum(c.follow_ups_on_time for c in cases), due)),
    )


def _steps(cases: list[EvaluatedCase]) -> list[tuple[str, float | None]]:
    """The median days from the request to each step of the method, over the cases that reached it."""
    steps = (
        (_("Request to consent"), lambda c: c.days_to_consent),
        (_("Request to network meeting"), lambda c: c.days_to_network),
        (_("Request to the first follow-up done"), lambda c: c.days_to_follow_up),
        (_("Request to closure"), lambda c: c.days_open),
    )
    found = []
    for label, of in steps:
        days = [float(value) for value in map(of, cases) if value is not None]
        found.append((label, median(days) if len(days) >= THRESHOLD else None))
    return found


def _period_labels() -> list[str]:
    return [_("Before the case"), _("During the case"), _("After closure")]


def _attendance(
    analysed: list[EvaluatedCase], matched: list[tuple[EvaluatedCase, tuple[Any, ...]]]
) -> list[AttendanceRow]:
    rows = []
    for index, (period, label) in enumerate(zip(PERIODS, _period_labels(), strict=True)):
        own = [getattr(c, period) for c in analysed if getattr(c, period) is not None]
        theirs = [p[index] for _c, p in matched if p[index] is not None]
        rows.append(AttendanceRow(label, _enough(mean_with_interval(own)), _enough(mean_with_interval(theirs))))
    return rows


def _did(
    analysed: list[EvaluatedCase], matched: list[tuple[EvaluatedCase, tuple[Any, ...]]]
) -> DifferenceInDifferences | None:
    subjects = [Subject(True, c.school_id or 0, c.before, c.after) for c in analysed]  # type: ignore[arg-type]
    subjects += [Subject(False, c.school_id or 0, p[0], p[2]) for c, p in matched]
    return difference_in_differences(subjects)


def _balance(analysed: list[EvaluatedCase], matched: list[tuple[EvaluatedCase, tuple[Any, ...]]]) -> list[BalanceRow]:
    """Absence before and the share of girls, among the cases, the pool and the matched pupils; grade, school and
    term are the same by design (the pool is drawn from them)."""
    cases_absence = Moments.of([100 - c.before for c in analysed])  # type: ignore[operator]
    matched_absence = Moments.of([100 - p[0] for _c, p in matched])
    pool_absence = Moments(0, 0.0, 0.0)
    for c in analysed:
        pool_absence = pool_absence + Moments(c.pool_n, c.pool_absence_sum, c.pool_absence_squares)
    girls = Moments.of([float(c.sex == Sex.GIRL) for c in analysed])
    matched_girls = Moments.of([float(c.sex == Sex.GIRL) for c, _p in matched])
    pool_girls = Moments(pool_absence.n, float(sum(c.pool_girls for c in analysed)),
                         float(sum(c.pool_girls for c in analysed)))  # fmt: skip  # 0/1: squares = sum
    return [
        _balance_row(_("Absence before (%)"), cases_absence, pool_absence, matched_absence),
        _balance_row(_("Girls (share)"), girls, pool_girls, matched_girls),
    ]


def _balance_row(label: str, cases: Moments, pool: Moments, matched: Moments) -> BalanceRow:
    return BalanceRow(label, cases.mean, pool.mean, standardised_difference(cases, pool), matched.mean,
                      standardised_difference(cases, matched))  # fmt: skip


def _ratings(cases: list[EvaluatedCase]) -> list[RatingRow]:
    measures: Sequence[tuple[str, Callable[[EvaluatedCase], tuple[float | None, float | None]]]] = (
        (_("Conflicts at home (the guardians' rating, 1 = none, 5 = every day)"),
         lambda c: (c.conflicts_start, c.conflicts_end)),
        (_("The child feels listened to (the child's rating, 1 = not at all, 5 = completely)"),
         lambda c: (c.listened_start, c.listened_end)),
    )  # fmt: skip
    rows = []
    for label, of in measures:
        pairs = [(start, end) for start, end in map(of, cases) if start is not None and end is not None]
        if len(pairs) < THRESHOLD:
            rows.append(RatingRow(label, None, None, None))
            continue
        starts, ends = [s for s, _e in pairs], [e for _s, e in pairs]
        changes = [e - s for s, e in pairs]
        rows.append(RatingRow(label, mean_with_interval(starts), mean_with_interval(ends), mean_with_interval(changes)))
    return rows


def what_it_shows(did: DifferenceInDifferences) -> list[str]:
    """The difference in differences in plain words: what it does and does not show."""
    numbers = {
        "own": f"{did.treated_change:+.1f}",
        "theirs": f"{did.comparison_change:+.1f}",
        "difference": f"{did.estimate.value:+.1f}",
    }
    sentences = [
        _(
            "From before the case to after closure, attendance among the children with a TSI case changed by "
            "%(own)s percentage points, and among comparable pupils without a case by %(theirs)s. The difference, "
            "%(difference)s points, is the change that the season, the school and the grade do not explain."
        )
        % numbers
    ]
    if did.estimate.low is None or did.estimate.high is None:
        sentences.append(_("The cases come from one school only, so there is no interval: read the figure with care."))
    elif did.estimate.low > 0:
        sentences.append(_("The interval lies above zero: attendance rose more than among the comparison pupils."))
    elif did.estimate.high < 0:
        sentences.append(_("The interval lies below zero: attendance fell more than among the comparison pupils."))
    else:
        sentences.append(_("The interval includes zero: these figures cannot tell an effect from chance."))
    sentences.append(
        _(
            "It does not prove that the TSI work caused the change. The comparison pupils are alike in school, grade, "
            "sex and absence before, but not in what made the school ask for help, and pupils who are often absent "
            "tend to come back somewhat on their own. With few schools, the interval is itself uncertain."
        )
    )
    return sentences


def municipality_figures(municipality_id: int) -> dict[int, Figures]:
    """The evaluation of the whole municipality by school year (the social investment's report reads it)."""
    whole = Scope("municipality", _("The whole municipality"), Q(), Q(), Q(), Q())
    return published_once(
        municipality_id, ("evaluation", whole.key, ()), lambda: _figures_by_year(municipality_id, whole)
    )
