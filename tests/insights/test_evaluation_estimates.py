"""The evaluation's arithmetic checked against independent computations to 1e-9: scipy and statsmodels' own
classes for the intervals, numpy for the standardised differences, the plain 2×2 differences of means and a
cluster-robust sandwich written out in numpy for the difference in differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from kring.insights.evaluation.estimates import (
    Moments,
    Subject,
    difference_in_differences,
    mean_with_interval,
    share_with_interval,
    standardised_difference,
)

TOLERANCE = 1e-9
percent = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(percent, min_size=2, max_size=40))
def test_the_mean_and_its_interval_are_statsmodels_t_interval(values: list[float]) -> None:
    estimate = mean_with_interval(values)
    low, high = DescrStatsW(np.array(values)).tconfint_mean(alpha=0.05)
    assert estimate is not None and estimate.n == len(values)
    assert math.isclose(estimate.value, float(np.mean(values)), abs_tol=TOLERANCE)
    if np.std(values) > 0:
        assert math.isclose(estimate.low, low, abs_tol=TOLERANCE)  # type: ignore[arg-type]
        assert math.isclose(estimate.high, high, abs_tol=TOLERANCE)  # type: ignore[arg-type]


def test_a_single_value_has_no_interval_and_no_values_no_mean() -> None:
    assert mean_with_interval([]) is None
    one = mean_with_interval([80.0])
    assert one is not None and (one.value, one.low, one.high) == (80.0, None, None)


@pytest.mark.parametrize(("successes", "n"), [(0, 5), (3, 7), (5, 5), (12, 40), (1, 200)])
def test_a_share_has_wilsons_interval(successes: int, n: int) -> None:
    estimate = share_with_interval(successes, n)
    z = float(stats.norm.ppf(0.975))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert estimate is not None
    assert math.isclose(estimate.low, max(0.0, centre - half), abs_tol=TOLERANCE)  # type: ignore[arg-type]
    assert math.isclose(estimate.high, min(1.0, centre + half), abs_tol=TOLERANCE)  # type: ignore[arg-type]
    assert 0 <= estimate.low <= estimate.value <= estimate.high <= 1  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(st.lists(percent, min_size=2, max_size=30), st.lists(percent, min_size=2, max_size=30))
def test_the_standardised_difference_is_the_pooled_sd_formula(treated: list[float], comparison: list[float]) -> None:
    spread = math.sqrt((np.var(treated, ddof=1) + np.var(comparison, ddof=1)) / 2)
    found = standardised_difference(Moments.of(treated), Moments.of(comparison))
    if spread > 1e-6:
        expected = (np.mean(treated) - np.mean(comparison)) / spread
        assert found is not None and math.isclose(found, expected, rel_tol=1e-7, abs_tol=TOLERANCE)


def test_moments_add_up_to_the_moments_of_the_whole() -> None:
    a, b = [1.0, 4.0, 9.5], [2.0, 0.0]
    whole = Moments.of(a) + Moments.of(b)
    assert whole.n == 5 and math.isclose(whole.variance, float(np.var(a + b, ddof=1)), abs_tol=TOLERANCE)  # type: ignore[arg-type]


def _subjects(seed: int, schools: int, per_school: int) -> list[Subject]:
    rng = np.random.default_rng(seed)
    subjects = []
    for school in range(schools):
        shift = rng.normal(0, 3)
        for index in range(per_school):
            treated = index % 3 == 0
            before = 80 + shift + rng.normal(0, 6)
            after = before + 2 + (5 if treated else 0) + rng.normal(0, 4)
            subjects.append(Subject(treated, school, float(before), float(after)))
    return subjects


def _cluster_robust(subjects: list[Subject]) -> tuple[float, float]:
    """The interaction's coefficient and its CR1 standard error, written out: (X'X)^-1 (Σ_g X_g' u_g u_g' X_g)
    (X'X)^-1 × G/(G-1) × (N-1)/(N-K)."""
    rows, outcome, groups = [], [], []
    for s in subjects:
        for after, value in ((0.0, s.before), (1.0, s.after)):
            group = float(s.treated)
            rows.append([1.0, group, after, group * after])
            outcome.append(value)
            groups.append(s.cluster)
    x, y, g = np.array(rows), np.array(outcome), np.array(groups)
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    residuals = y - x @ beta
    meat = np.zeros((4, 4))
    for cluster in np.unique(g):
        score = x[g == cluster].T @ residuals[g == cluster]
        meat += np.outer(score, score)
    n, k, clusters = len(y), x.shape[1], len(np.unique(g))
    covariance = bread @ meat @ bread * clusters / (clusters - 1) * (n - 1) / (n - k)
    return float(beta[3]), float(math.sqrt(covariance[3, 3]))


@pytest.mark.parametrize(("seed", "schools", "per_school"), [(1, 6, 9), (2, 12, 5), (3, 2, 30)])
def test_the_difference_in_differences_is_the_2x2_difference_with_cluster_robust_errors(
    seed: int, schools: int, per_school: int
) -> None:
    subjects = _subjects(seed, schools, per_school)
    did = difference_in_differences(subjects)
    treated = [s.after - s.before for s in subjects if s.treated]
    comparison = [s.after - s.before for s in subjects if not s.treated]
    coefficient, error = _cluster_robust(subjects)
    assert did is not None
    assert math.isclose(did.estimate.value, float(np.mean(treated) - np.mean(comparison)), abs_tol=TOLERANCE)
    assert math.isclose(did.estimate.value, coefficient, abs_tol=TOLERANCE)
    assert math.isclose(did.standard_error, error, abs_tol=TOLERANCE)  # type: ignore[arg-type]
    half = float(stats.t.ppf(0.975, schools - 1)) * error
    assert math.isclose(did.estimate.low, coefficient - half, abs_tol=TOLERANCE)  # type: ignore[arg-type]
    assert math.isclose(did.estimate.high, coefficient + half, abs_tol=TOLERANCE)  # type: ignore[arg-type]
    assert (did.clusters, did.treated, did.comparison) == (schools, len(treated), len(comparison))


def test_one_school_gives_the_difference_without_an_interval_and_one_group_none() -> None:
    subjects = _subjects(4, 1, 12)
    did = difference_in_differences(subjects)
    assert did is not None and did.estimate.low is None and did.standard_error is None
    assert difference_in_differences([s for s in subjects if s.treated]) is None
