"""The social investment's figures: the teams' costs by year and payer, the costs avoided as a range, the
break-even years, and the cost by school; read from the evaluation's panel (three queries, and the costs) and
published only over at least `THRESHOLD` cases."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.database import reading_from_replica
from kring.directory.models import Unit, User
from kring.insights.evaluation.estimates import Estimate
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.evaluation.results import Figures, municipality_figures
from kring.insights.investment import model
from kring.insights.investment.models import TeamCost, UnitCosts
from kring.insights.investment.queries import investment_municipality
from kring.insights.models import StatisticsRefresh
from kring.insights.statistics import THRESHOLD


@dataclass(frozen=True)
class SchoolCost:
    name: str
    cases: int | None  # None: under the threshold
    cost: int | None


@dataclass(frozen=True)
class Investment:
    municipality_id: int
    refreshed_at: datetime | None
    costs: list[TeamCost]
    prices: UnitCosts | None
    avoided: Estimate | None  # the share of children spared an investigation
    comparison_n: int
    per_case: model.AvoidedPerCase | None
    years: list[model.YearRow]
    break_even: tuple[int | None, int | None]
    schools_year: int | None
    schools: list[SchoolCost]
    evaluation: Figures | None
    evaluation_year: int | None


def investment_for_user(user: User) -> Investment:
    """The municipality's social investment; 404 without the permission. Audited."""
    municipality_id = investment_municipality(user)
    with reading_from_replica():
        refresh = StatisticsRefresh.objects.filter(municipality_id=municipality_id).first()
        cases = list(EvaluatedCase.objects.filter(municipality_id=municipality_id)
                     .values_list("pk", "closed_month", "school_id", "investigation_after"))  # fmt: skip
        pupils = list(ComparisonPupil.objects.filter(municipality_id=municipality_id)
                      .values_list("investigation_after", flat=True))  # fmt: skip
    costs = list(TeamCost.objects.filter(municipality_id=municipality_id).select_related("team"))
    prices = UnitCosts.objects.filter(municipality_id=municipality_id).first()
    treated = [flag for _pk, _month, _school, flag in cases if flag is not None]
    compared = [flag for flag in pupils if flag is not None]
    avoided = model.avoided_share(treated, compared) if min(len(treated), len(compared)) >= THRESHOLD else None
    per_case = model.avoided_per_case(avoided, _prices(prices)) if avoided and prices else None
    by_year = Counter(month.year for _pk, month, _school, _flag in cases)
    cost_by_year: dict[int, int] = defaultdict(int)
    for cost in costs:
        cost_by_year[cost.year] += cost.cost
    rows = model.years(cost_by_year, by_year, per_case)
    schools_year = max(cost_by_year) if cost_by_year else None
    figures = municipality_figures(municipality_id) if refresh else {}
    enough = [year for year, found in figures.items() if not found.too_few]
    evaluation_year = max(enough) if enough else None
    record_event(actor=user, action=AuditAction.READ, target_type="investment", target_id=municipality_id,
                 details={"as_of": refresh.refreshed_at.isoformat() if refresh else None})  # fmt: skip
    return Investment(
        municipality_id, refresh.refreshed_at if refresh else None, costs, prices, avoided, len(compared), per_case,
        _published(rows), _break_even(rows), schools_year,
        _schools(cases, cost_by_year.get(schools_year or 0, 0), schools_year, by_year.get(schools_year or 0, 0)),
        figures.get(evaluation_year) if evaluation_year else None, evaluation_year,
    )  # fmt: skip


def _break_even(rows: list[model.YearRow]) -> tuple[int | None, int | None]:
    """The break-even years, only from years whose sums are shown."""
    return model.break_even([row for row in _published(rows) if not row.hidden_sums])


def _prices(prices: UnitCosts) -> model.Prices:
    return model.Prices(prices.investigation, prices.placement_per_year, prices.placement_years,
                        prices.placement_share_low, prices.placement_share_high)  # fmt: skip


def _published(rows: list[model.YearRow]) -> list[model.YearRow]:
    """A year's cases (and its avoided costs) only at or over the threshold, zero shown as zero; the sums of avoided
    costs from the first hidden year on are hidden too (a difference of two sums would give the year's)."""
    published, hiding = [], False
    for row in rows:
        hidden = 0 < row.cases < THRESHOLD
        hiding = hiding or hidden
        published.append(replace(row, hidden=hidden, hidden_sums=hiding))
    return published


def _schools(cases: Sequence[tuple[Any, ...]], cost: int, year: int | None, total: int) -> list[SchoolCost]:
    """Each school's part of the year's cost, by its share of the year's cases; only where it has enough."""
    if year is None or not total:
        return []
    count = Counter(school for _pk, month, school, _flag in cases if month.year == year and school)
    names = dict(Unit.objects.filter(pk__in=list(count)).values_list("pk", "name"))
    return sorted(
        (SchoolCost(names.get(school, ""), n if n >= THRESHOLD else None,
                    round(cost * n / total) if n >= THRESHOLD else None)
         for school, n in count.items()),
        key=lambda row: row.name,
    )  # fmt: skip
