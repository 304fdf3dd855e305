"""The social investment: the model (Newcombe's interval to 1e-9, the sums and the break-even years), the page
(costs and unit costs entered, kept when wrong, audited), the report for the politicians in Swedish and English,
who sees it, nothing under the threshold, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from scipy import stats

from kring.access.models import AuditEvent
from kring.directory.models import Unit, User
from kring.insights.actions import refresh_statistics
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.investment import model
from kring.insights.investment.models import TeamCost, UnitCosts
from tests.conftest import World, _staff, login

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _wilson(successes: int, n: int) -> tuple[float, float]:
    z = float(stats.norm.ppf(0.975))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("treated", "n_treated", "compared", "n_compared"), [(3, 40, 12, 80), (0, 12, 2, 24), (5, 9, 5, 9)]
)
def test_the_avoided_share_has_newcombes_interval(treated: int, n_treated: int, compared: int, n_compared: int) -> None:
    estimate = model.avoided_share([True] * treated + [False] * (n_treated - treated),
                                   [True] * compared + [False] * (n_compared - compared))  # fmt: skip
    p1, p2 = compared / n_compared, treated / n_treated
    (l1, u1), (l2, u2) = _wilson(compared, n_compared), _wilson(treated, n_treated)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert estimate is not None and math.isclose(estimate.value, p1 - p2, abs_tol=1e-12)
    assert math.isclose(estimate.low, low, abs_tol=1e-9) and math.isclose(estimate.high, high, abs_tol=1e-9)  # type: ignore[arg-type]


def test_the_years_sum_up_and_break_even_at_each_end_of_the_range() -> None:
    prices = model.Prices(100_000, 1_000_000, Decimal("1.5"), 10, 30)
    per_case = model.AvoidedPerCase(10_000, 60_000)
    rows = model.years({2025: 500_000, 2026: 500_000, 2027: 500_000}, {2025: 10, 2026: 10, 2027: 10}, per_case)
    assert [row.cumulative_cost for row in rows] == [500_000, 1_000_000, 1_500_000]
    assert [row.cumulative_high for row in rows] == [600_000, 1_200_000, 1_800_000]
    assert model.break_even(rows) == (2025, None)
    assert prices.per_investigation(10) == 100_000 + 1_000_000 * 1.5 * 0.10
    share = model.avoided_share([False] * 20, [True] * 5 + [False] * 15)
    assert share is not None and model.avoided_per_case(share, prices).low >= 0


@pytest.fixture
def manager(world: World, tsi_team: Unit) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")


def _panel(world: World, team: Unit, count: int) -> None:
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=400)
    for n in range(count):
        case = EvaluatedCase.objects.create(
            municipality=world.municipality, unit=world.school, receiving_unit=team, school=world.school,
            requested_month=month.replace(day=1), closed_month=month.replace(day=1), school_year=month.year,
            grade="5", sex="girl", age_band="10-12", closure_reason="goals_reached", before=80, during=85, after=90,
            in_order=True, investigation_after=n % 10 == 0,
        )  # fmt: skip
        ComparisonPupil.objects.create(municipality=world.municipality, case=case, before=80, after=82,
                                       investigation_after=n % 4 == 0)  # fmt: skip


def _cost_form(team: Unit, **fields: object) -> dict[str, object]:
    return {"form": "cost", "cost-team": team.pk, "cost-year": 2026, "cost-staff": "4.5", "cost-hours": 7000,
            "cost-cost": 3_000_000, "cost-payer_1": "Utbildningsförvaltningen", "cost-percent_1": 25,
            "cost-payer_2": "Socialförvaltningen", "cost-percent_2": 25, "cost-payer_3": "Sociala investeringsfonden",
            "cost-percent_3": 50} | fields  # fmt: skip


def test_the_coordinator_enters_costs_and_a_wrong_form_keeps_what_was_typed(
    client: Client, world: World, tsi_team: Unit, coordinator: User
) -> None:
    login(client, coordinator)
    wrong = client.post("/statistics/investment/", _cost_form(tsi_team, **{"cost-percent_3": 40}), headers=EN)
    assert wrong.status_code == 200 and "must add up to 100 %" in wrong.content.decode()
    assert 'value="Sociala investeringsfonden"' in wrong.content.decode() and not TeamCost.objects.exists()

    assert client.post("/statistics/investment/", _cost_form(tsi_team)).status_code == 302
    prices = {"form": "prices", "prices-investigation": 120_000, "prices-placement_per_year": 1_200_000,
              "prices-placement_years": "1.5", "prices-placement_share_low": 10,
              "prices-placement_share_high": 25}  # fmt: skip
    assert client.post("/statistics/investment/", prices).status_code == 302

    saved = TeamCost.objects.get()
    assert saved.cost == 3_000_000 and [share["percent"] for share in saved.shares] == [25, 25, 50]
    assert UnitCosts.objects.get().placement_share_high == 25
    assert AuditEvent.objects.filter(target_type__in=["team_cost", "unit_costs"]).count() == 2


def test_the_page_and_the_report_show_the_avoided_costs_as_a_range(
    client: Client, world: World, tsi_team: Unit, coordinator: User
) -> None:
    _panel(world, tsi_team, 40)
    login(client, coordinator)
    client.post("/statistics/investment/", _cost_form(tsi_team, **{"cost-year": timezone.localdate().year - 1}))
    client.post("/statistics/investment/", {"form": "prices", "prices-investigation": 120_000,
                "prices-placement_per_year": 1_200_000, "prices-placement_years": "1.5",
                "prices-placement_share_low": 10, "prices-placement_share_high": 25})  # fmt: skip
    refresh_statistics(municipality=world.municipality)
    _panel(world, tsi_team, 40)  # the refresh rewrote the panel from the (empty) cases

    page = client.get("/statistics/investment/", headers=EN).content.decode()
    assert "fewer in a hundred had an investigation opened" in page and "Costs avoided per case" in page
    for language, words in (("sv", "Vad siffrorna inte visar"), ("en", "What the figures do not show")):
        response = client.get(f"/statistics/investment/report.pdf?lang={language}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert words in text
    assert AuditEvent.objects.filter(actor_id=coordinator.pk, target_type="investment").count() == 3


def test_the_unit_manager_follows_it_and_the_school_does_not(
    client: Client, world: World, manager: User, principal: User, teacher: User, social_worker: User
) -> None:
    assert login(client, manager).get("/statistics/investment/").status_code == 200
    for user in (principal, teacher, social_worker):
        login(client, user)
        assert client.get("/statistics/investment/").status_code == 404
        assert client.get("/statistics/investment/report.pdf").status_code == 404
        assert client.post("/statistics/investment/", {"form": "cost"}).status_code == 404


def test_too_few_cases_in_a_year_are_not_shown(client: Client, world: World, tsi_team: Unit, coordinator: User) -> None:
    _panel(world, tsi_team, 3)
    login(client, coordinator)
    client.post("/statistics/investment/", _cost_form(tsi_team, **{"cost-year": timezone.localdate().year - 1}))
    page = client.get("/statistics/investment/", headers=EN).content.decode()
    assert "Too few cases and comparison pupils" in page
    assert "<td>3</td>" not in page


def test_the_page_reads_a_constant_number_of_queries(
    client: Client, world: World, tsi_team: Unit, coordinator: User
) -> None:
    login(client, coordinator).get("/statistics/investment/")

    def queries(count: int) -> int:
        EvaluatedCase.objects.all().delete()
        _panel(world, tsi_team, count)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/investment/").status_code == 200
        return len(captured)

    assert queries(10) == queries(100)
