"""The social investment model, as Swedish social investment funds reckon it: what the work cost each year, and
the costs it avoided — investigations not needed (the difference between the comparison group and the TSI group in
how many had an investigation opened within a year, with its 95 % interval), and the placements some of those
investigations would have led to (a share the municipality sets, low and high) — always as a range, with the
break-even year for each end of it. Plain numbers; the tests check the interval against Newcombe's formula."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from statsmodels.stats.proportion import confint_proportions_2indep

from kring.insights.evaluation.estimates import LEVEL, Estimate


def avoided_share(treated: Sequence[bool], comparison: Sequence[bool]) -> Estimate | None:
    """The share of children with an investigation among the comparison pupils minus that among the children with
    a TSI case (positive: fewer investigations with TSI), with Newcombe's hybrid score interval; None without
    both groups."""
    if not treated or not comparison:
        return None
    t, c = sum(treated), sum(comparison)
    low, high = confint_proportions_2indep(c, len(comparison), t, len(treated), compare="diff", method="newcomb",
                                           alpha=1 - LEVEL)  # fmt: skip
    return Estimate(len(treated), c / len(comparison) - t / len(treated), float(low), float(high))


@dataclass(frozen=True)
class Prices:
    investigation: int
    placement_per_year: int
    placement_years: Decimal
    placement_share_low: int  # per cent
    placement_share_high: int

    def per_investigation(self, share: int) -> float:
        """An investigation avoided, with the placements that share of them would have led to."""
        placement = self.placement_per_year * float(self.placement_years) * share / 100
        return self.investigation + placement


@dataclass(frozen=True)
class AvoidedPerCase:
    """Kronor avoided per TSI case: the low end (the interval's low end, the low share of placements) and the
    high end; never below zero."""

    low: float
    high: float


def avoided_per_case(share: Estimate, prices: Prices) -> AvoidedPerCase:
    low = max(0.0, share.low if share.low is not None else share.value) * prices.per_investigation(
        prices.placement_share_low
    )
    high = max(0.0, share.high if share.high is not None else share.value) * prices.per_investigation(
        prices.placement_share_high
    )
    return AvoidedPerCase(low, high)


@dataclass(frozen=True)
class YearRow:
    year: int
    cost: int
    cases: int
    avoided_low: float
    avoided_high: float
    cumulative_cost: int
    cumulative_low: float
    cumulative_high: float
    hidden: bool = False  # too few cases to show the year's cases and what follows from them
    hidden_sums: bool = False  # the sums of avoided costs so far would reveal a hidden year's cases

    @property
    def cost_per_case(self) -> float | None:
        return self.cost / self.cases if self.cases else None


def years(costs: Mapping[int, int], cases: Mapping[int, int], per_case: AvoidedPerCase | None) -> list[YearRow]:
    """Each year with costs or cases: the cost, the cases closed, the avoided costs (range) and the sums so far."""
    rows: list[YearRow] = []
    total, low, high = 0, 0.0, 0.0
    for year in sorted(set(costs) | set(cases)):
        n = cases.get(year, 0)
        year_low = n * per_case.low if per_case else 0.0
        year_high = n * per_case.high if per_case else 0.0
        total, low, high = total + costs.get(year, 0), low + year_low, high + year_high
        rows.append(YearRow(year, costs.get(year, 0), n, year_low, year_high, total, low, high))
    return rows


def break_even(rows: Sequence[YearRow]) -> tuple[int | None, int | None]:
    """The first year the avoided costs so far reach the costs so far: at the high end of the range (the earliest)
    and at the low end (None: not within the years shown)."""
    early = next((row.year for row in rows if row.cumulative_cost and row.cumulative_high >= row.cumulative_cost), None)
    late = next((row.year for row in rows if row.cumulative_cost and row.cumulative_low >= row.cumulative_cost), None)
    return early, late


def rounded(kronor: float) -> int:
    """To the nearest thousand kronor: the figures are estimates, not accounts."""
    return int(math.floor(kronor / 1000 + 0.5) * 1000)
