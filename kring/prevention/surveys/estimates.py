"""The survey results' statistics, in plain Python (no heavy dependency at run time), checked in the tests against
statsmodels and scipy to 1e-9:

* `wilson_interval`: the Wilson score interval of a proportion (statsmodels `proportion_confint(method="wilson")`);
* `newcombe_difference`: the difference of two independent proportions with Newcombe's hybrid score interval
  (statsmodels `confint_proportions_2indep(method="newcomb")`);
* `cohens_h`: the effect size of two proportions (statsmodels `proportion_effectsize`);
* `mcnemar_exact`: the exact two-sided McNemar test of paired answers (statsmodels `mcnemar(exact=True)`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson_interval(positive: int, total: int, z: float = Z95) -> Interval:
    """The share `positive / total` with its Wilson score interval."""
    if total <= 0 or not 0 <= positive <= total:
        raise ValueError("0 <= positive <= total, total > 0")
    share = positive / total
    z2 = z * z
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = z / (1 + z2 / total) * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    return Interval(share, centre - half, centre + half)


def newcombe_difference(positive1: int, total1: int, positive2: int, total2: int, z: float = Z95) -> Interval:
    """The difference of shares (first minus second) with Newcombe's hybrid score interval (his method 10)."""
    first, second = wilson_interval(positive1, total1, z), wilson_interval(positive2, total2, z)
    difference = first.estimate - second.estimate
    low = difference - math.sqrt((first.estimate - first.low) ** 2 + (second.high - second.estimate) ** 2)
    high = difference + math.sqrt((first.high - first.estimate) ** 2 + (second.estimate - second.low) ** 2)
    return Interval(difference, low, high)


def cohens_h(share1: float, share2: float) -> float:
    """Cohen's h of two proportions (first minus second): 0.2 small, 0.5 medium, 0.8 large."""
    return 2 * math.asin(math.sqrt(share1)) - 2 * math.asin(math.sqrt(share2))


def _binomial_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Bin(n, 1/2), exactly (as a fraction of 2**n)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def mcnemar_exact(changed_up: int, changed_down: int) -> float:
    """The exact two-sided p-value of McNemar's test from the discordant pairs (positive only after, only before)."""
    total = changed_up + changed_down
    if total == 0:
        return 1.0
    return min(1.0, 2 * _binomial_cdf(min(changed_up, changed_down), total))
