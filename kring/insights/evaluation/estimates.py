"""The evaluation's arithmetic, on plain numbers (no database, no Django): means and shares with their 95 %
intervals, standardised mean differences for the matching's balance, and the difference in differences of
attendance with standard errors clustered by school (statsmodels). Each function says what it assumes; the tests
check each against an independent computation (scipy, statsmodels' own classes, numpy) to 1e-9."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A figure over `n` cases with its 95 % interval (None when `n` is too small for one)."""

    n: int
    value: float
    low: float | None
    high: float | None


def mean_with_interval(values: Sequence[float]) -> Estimate | None:
    """The mean with a t interval (the values taken as a sample of cases like them); None without values."""
    n = len(values)
    if n == 0:
        return None
    mean = math.fsum(values) / n
    if n < 2:
        return Estimate(n, mean, None, None)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1)) * sd / math.sqrt(n)
    return Estimate(n, mean, mean - half, mean + half)


def share_with_interval(successes: int, n: int) -> Estimate | None:
    """The share (0–1) with Wilson's score interval, which stays within 0–1 for small and extreme shares."""
    if n == 0:
        return None
    low, high = proportion_confint(successes, n, alpha=1 - LEVEL, method="wilson")
    return Estimate(n, successes / n, float(low), float(high))


def median(values: Sequence[float]) -> float | None:
    return float(np.median(values)) if values else None


@dataclass(frozen=True)
class Moments:
    """A variable's count, sum and sum of squares: enough for its mean and standard deviation, and addable."""

    n: int
    total: float
    squares: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Moments:
        return cls(len(values), math.fsum(values), math.fsum(v * v for v in values))

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.squares + other.squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1), never below 0 from rounding."""
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


def standardised_difference(treated: Moments, comparison: Moments) -> float | None:
    """The standardised mean difference (Austin 2009): the difference of the means over the square root of the
    mean of the two variances. Under 0.1 is usually read as balanced. None when it cannot be worked out; 0 when
    both groups have no spread and the same mean."""
    if treated.mean is None or comparison.mean is None or treated.variance is None or comparison.variance is None:
        return None
    spread = math.sqrt((treated.variance + comparison.variance) / 2)
    difference = treated.mean - comparison.mean
    if spread == 0:
        return 0.0 if difference == 0 else None
    return difference / spread


@dataclass(frozen=True)
class Subject:
    """One child in the difference in differences: attendance before and after, in the TSI group or not, and the
    cluster (the school) whose children's errors may go together."""

    treated: bool
    cluster: int
    before: float
    after: float


@dataclass(frozen=True)
class DifferenceInDifferences:
    """The change in the TSI group minus the change in the comparison group, with its interval."""

    estimate: Estimate
    treated_change: float
    comparison_change: float
    standard_error: float | None
    clusters: int
    treated: int
    comparison: int


def difference_in_differences(subjects: Sequence[Subject]) -> DifferenceInDifferences | None:
    """OLS of attendance on group, period and their interaction, two rows per child (before, after); the
    interaction is the difference in differences. Standard errors clustered (statsmodels' CR1 with the small-sample
    correction) and the interval from t with clusters - 1 degrees of freedom; no interval under two clusters.
    None unless both groups have a child."""
    treated = sum(1 for s in subjects if s.treated)
    comparison = len(subjects) - treated
    if not treated or not comparison:
        return None
    group = np.array([[float(s.treated)] * 2 for s in subjects]).ravel()
    after = np.tile([0.0, 1.0], len(subjects))
    design = np.column_stack([np.ones_like(group), group, after, group * after])
    outcome = np.array([[s.before, s.after] for s in subjects], dtype=float).ravel()
    clusters = np.repeat([s.cluster for s in subjects], 2)
    n_clusters = len(set(clusters.tolist()))
    changes = _changes(subjects)
    if n_clusters < 2:
        fitted = sm.OLS(outcome, design).fit()
        value = float(fitted.params[3])
        return DifferenceInDifferences(Estimate(treated, value, None, None), *changes, None, n_clusters, treated,
                                       comparison)  # fmt: skip
    fitted = sm.OLS(outcome, design).fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    value = float(fitted.params[3])
    error = math.sqrt(max(0.0, float(fitted.cov_params()[3, 3])))  # a rounding below 0 is no spread at all
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n_clusters - 1)) * error  # as statsmodels' conf_int: t, G - 1 df
    low, high = value - half, value + half
    estimate = Estimate(treated, value, low, high)
    return DifferenceInDifferences(estimate, *changes, error, n_clusters, treated, comparison)


def _changes(subjects: Sequence[Subject]) -> tuple[float, float]:
    """The mean change (after - before) in the TSI group and in the comparison group."""
    treated = [s.after - s.before for s in subjects if s.treated]
    comparison = [s.after - s.before for s in subjects if not s.treated]
    return math.fsum(treated) / len(treated), math.fsum(comparison) / len(comparison)


def rate_with_interval(count: int, exposure: int, per: int = 100) -> Estimate | None:
    """A count per `per` of `exposure` (concerns per hundred pupils) with the exact (Garwood) Poisson interval from
    the chi-squared distribution; None without exposure."""
    if exposure <= 0:
        return None
    low = float(stats.chi2.ppf((1 - LEVEL) / 2, 2 * count)) / 2 if count else 0.0
    high = float(stats.chi2.ppf(0.5 + LEVEL / 2, 2 * count + 2)) / 2
    scale = per / exposure
    return Estimate(count, count * scale, low * scale, high * scale)
