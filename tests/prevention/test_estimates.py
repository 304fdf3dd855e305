"""The survey statistics agree with statsmodels and scipy to 1e-9."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportion_effectsize

from kring.prevention.surveys.estimates import cohens_h, mcnemar_exact, newcombe_difference, wilson_interval

TOLERANCE = 1e-9


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    total = draw(st.integers(1, 400))
    return draw(st.integers(0, total)), total


@settings(max_examples=200, deadline=None)
@given(counts())
def test_wilson_interval_agrees_with_statsmodels(count: tuple[int, int]) -> None:
    positive, total = count
    low, high = proportion_confint(positive, total, alpha=0.05, method="wilson")

    interval = wilson_interval(positive, total)

    assert interval.low == pytest.approx(low, abs=TOLERANCE)
    assert interval.high == pytest.approx(high, abs=TOLERANCE)
    assert interval.estimate == pytest.approx(positive / total, abs=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(counts(), counts())
def test_newcombe_difference_agrees_with_statsmodels(first: tuple[int, int], second: tuple[int, int]) -> None:
    low, high = confint_proportions_2indep(first[0], first[1], second[0], second[1], method="newcomb",
                                           compare="diff", alpha=0.05)  # fmt: skip

    interval = newcombe_difference(first[0], first[1], second[0], second[1])

    assert interval.low == pytest.approx(low, abs=TOLERANCE)
    assert interval.high == pytest.approx(high, abs=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1))
def test_cohens_h_agrees_with_statsmodels(share1: float, share2: float) -> None:
    assert cohens_h(share1, share2) == pytest.approx(proportion_effectsize(share1, share2), abs=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60))
def test_mcnemar_exact_agrees_with_statsmodels_and_scipy(up: int, down: int) -> None:
    expected = mcnemar([[10, up], [down, 10]], exact=True).pvalue
    if up + down:
        scipy_value = stats.binomtest(min(up, down), up + down, 0.5).pvalue
        assert mcnemar_exact(up, down) == pytest.approx(scipy_value, abs=TOLERANCE)

    assert mcnemar_exact(up, down) == pytest.approx(expected, abs=TOLERANCE)


def test_wilson_interval_refuses_an_impossible_count() -> None:
    with pytest.raises(ValueError):
        wilson_interval(5, 3)
