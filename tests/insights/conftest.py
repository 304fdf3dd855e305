"""Fixtures shared by the statistics' tests: the evaluation's world of closed TSI cases and their pupils."""

from tests.insights.test_evaluation import evaluated  # noqa: F401  (the fixture, for the research export's tests)
