"""The demo's evaluation: two school years of closed TSI cases at several schools, with a comparison group that
starts alike and a plausible effect (`kring.demo.past_cases`)."""

from __future__ import annotations

from django.utils import translation

from kring.demo.generator import DemoResult
from kring.directory.models import User
from kring.insights.evaluation.results import evaluation_for_user
from kring.insights.investment.results import investment_for_user
from kring.insights.investment.voices import children_quotes
from kring.insights.violence import violence_for_user


def test_the_demo_has_two_school_years_of_cases_with_a_comparison_group_and_a_plausible_effect(
    small_demo: DemoResult,
) -> None:
    coordinator = User.objects.get(email=small_demo.login_for("coordinator").email)
    with translation.override("en"):
        result = evaluation_for_user(coordinator)
    assert len(result.years) >= 2
    figures = result.figures
    assert figures is not None and not figures.too_few and figures.did is not None
    assert figures.did.clusters >= 2 and figures.comparisons is not None
    # Attendance rose among the children with a case, more than among the comparison pupils, by a plausible amount.
    assert figures.did.treated_change > 0 and 0 < figures.did.estimate.value < 15
    assert all(row.cases is not None and row.comparison is not None for row in figures.attendance)
    absence = figures.balance[0]
    assert abs(absence.matched_difference) < 0.25 < abs(absence.pool_difference)  # type: ignore[arg-type]
    assert figures.in_order is not None and 0.5 < figures.in_order.value < 1


def test_the_demo_has_a_social_investment_with_costs_and_avoided_costs(small_demo: DemoResult) -> None:
    coordinator = User.objects.get(email=small_demo.login_for("coordinator").email)
    found = investment_for_user(coordinator)
    assert found.costs and found.prices is not None
    assert found.avoided is not None and found.avoided.value > 0 and found.per_case is not None
    assert 0 <= found.per_case.low < found.per_case.high
    assert found.years and found.evaluation is not None


def test_the_demo_follows_mvp_at_two_schools_over_four_terms(small_demo: DemoResult) -> None:
    coordinator = User.objects.get(email=small_demo.login_for("coordinator").email)
    found = violence_for_user(coordinator)
    assert found.programme is not None and found.programme.name.startswith("MVP")
    assert [row.schools_with_programme for row in found.groups] == [2, 2, 2, 2]
    shown = [row for row in found.groups if row.rate_with and row.rate_others]
    assert shown, "the demo's figures are large enough to show in some term"
    assert sum(row.rate_with.value for row in shown) < sum(row.rate_others.value for row in shown)  # type: ignore[union-attr]


def test_the_report_quotes_the_pupils_only_from_a_survey_with_enough_answers(small_demo: DemoResult) -> None:
    coordinator = User.objects.get(email=small_demo.login_for("coordinator").email)
    manager = User.objects.get(email=small_demo.login_for("unit_manager").email)
    survey, quotes = children_quotes(coordinator)
    assert survey.startswith("Börja prata") and 0 < len(quotes) <= 3
    assert children_quotes(manager) == ("", [])  # who may not read the surveys' results gets none
