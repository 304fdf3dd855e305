"""Statistics by term: each measure by category or outcome, school, grade, age band and sex, suppressed together;
who sees which figures; the chart and the CSV hold only what the page shows; constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import CaseStage, TsiCase
from kring.casework.reports import actions
from kring.directory.models import Unit, User
from kring.insights.actions import refresh_statistics
from kring.insights.breakdowns import (
    Measure,
    TermStatistics,
    term_of_month,
    term_statistics_for_user,
    terms_until,
)
from tests.conftest import World, _staff, login
from tests.insights.test_statistics import add_concerns, add_consultations, add_reports

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def coordinator(world: World) -> User:
    return _staff(world.municipality, world.school, "coordinator", "samordnare@kommun.example")


def refreshed_by_term(user: User, scope: str = "") -> TermStatistics:
    refresh_statistics(municipality=user.municipality)
    with translation.override("en"):
        return term_statistics_for_user(user, scope)


def measure(stats: TermStatistics, key: str) -> Measure:
    return next(m for m in stats.measures if m.key == key)


def table(stats: TermStatistics, key: str, row_header: str) -> dict[str, list[int | None]]:
    """A measure's table by its row header, as {row label: [cells…, row total]}."""
    found = next(t for t in measure(stats, key).tables if t.row_header == row_header)
    return {label: [*cells, total] for label, cells, total in found.body}


@pytest.mark.parametrize(
    ("month", "term"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 7)),  # the Christmas holiday's first days count in the spring term
        (dt.date(2026, 7, 1), dt.date(2026, 1, 7)),  # the summer holiday too
        (dt.date(2026, 8, 1), dt.date(2026, 8, 15)),
        (dt.date(2026, 12, 1), dt.date(2026, 8, 15)),
    ],
)
def test_a_month_counts_in_the_term_it_mostly_belongs_to(month: dt.date, term: dt.date) -> None:
    assert term_of_month(month) == term


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2027, 1, 3), dt.date(2025, 8, 15), dt.date(2027, 1, 7)),
        (dt.date(2028, 2, 29), dt.date(2026, 8, 15), dt.date(2028, 1, 7)),
        (dt.date(2026, 12, 24), dt.date(2025, 1, 7), dt.date(2026, 8, 15)),
        (dt.date(2027, 7, 14), dt.date(2025, 8, 15), dt.date(2027, 1, 7)),
    ],
)
def test_four_terms_end_with_the_term_of_todays_month(today: dt.date, first: dt.date, last: dt.date) -> None:
    terms = terms_until(today)
    assert (len(terms), terms[0], terms[-1]) == (4, first, last)


def test_the_principal_sees_their_school_by_category_grade_age_and_sex(
    world: World, principal: User, teacher: User, other_teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 8)
    add_concerns(world, teacher, world.school, "absence", 6)
    add_concerns(world, other_teacher, world.other_school, "wellbeing", 30)

    stats = refreshed_by_term(principal)

    concerns = measure(stats, "concerns")
    assert stats.scope.key == "schools" and concerns.totals[-1] == 14
    assert [t.row_header for t in concerns.tables] == ["Category", "Grade", "Age", "Sex"]  # one school: no school table
    by_category = table(stats, "concerns", "Category")
    assert by_category["Mental health, low mood"][-2:] == [8, 8]
    assert by_category["School absence"][-2:] == [6, 6]
    # The world's child counts 14 times in one grade, one age band, one sex: published whole.
    grades = table(stats, "concerns", "Grade")
    assert sorted(row[-1] for row in grades.values() if row[-1]) == [14]
    assert sorted(row[-1] for row in table(stats, "concerns", "Sex").values() if row[-1]) == [14]
    for m in stats.measures:
        assert all(t.counts.column_totals == m.totals for t in m.tables), "one measure, one row of totals"


def test_a_small_count_in_one_breakdown_hides_what_would_reveal_it_in_the_others(
    world: World,
    coordinator: User,
    teacher: User,
    other_teacher: User,
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 12)
    add_concerns(world, other_teacher, world.other_school, "wellbeing", 3)

    stats = refreshed_by_term(coordinator)

    schools = table(stats, "concerns", "School")
    assert schools[world.other_school.name][-1] is None and schools[world.school.name][-1] is None
    # The other tables count the same 15 concerns (one child, one category): each shows 15, so the school table
    # must not show the 12 beside it, or the 3 follows. Zeros count as known (a 7–9 school has no grade 4).
    concerns = measure(stats, "concerns")
    numbers = {v for t in concerns.tables for row in t.counts.cells for v in row if v is not None}
    numbers |= {v for t in concerns.tables for v in t.counts.row_totals if v is not None}
    assert 12 not in numbers and 3 not in numbers and concerns.totals[-1] == 15


def test_social_services_see_the_reports_they_received_by_term(
    world: World, principal: User, social_worker: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 20)
    add_reports(world, principal, 7)
    add_consultations(world, principal, world.school, 6)

    stats = refreshed_by_term(social_worker)

    assert stats.scope.key == "unit" and [m.key for m in stats.measures][:2] == ["reports", "consultations"]
    assert measure(stats, "reports").totals[-1] == 7
    assert table(stats, "reports", "Outcome")["Not decided yet"][-1] == 7
    assert measure(stats, "consultations").totals[-1] == 6


def test_another_municipality_sees_none_of_our_figures(
    world: World, outsider: User, teacher: User, principal: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 20)
    add_reports(world, principal, 6)
    refresh_statistics(municipality=world.municipality)

    stats = refreshed_by_term(outsider)

    school_names = {world.school.name, world.other_school.name}
    for m in stats.measures:
        for t in m.tables:
            assert not school_names & set(t.rows)
            assert all(v is None for row in t.counts.cells for v in row) and t.counts.total is None


@pytest.mark.parametrize("persona", ["teacher", "kurator", "police_officer", "tsi_member"])
@pytest.mark.parametrize(
    "path", ["/statistics/terms/", "/statistics/terms/chart.svg", "/statistics/terms/statistics.csv"]
)
def test_roles_without_a_scope_get_nothing_by_term(
    client: Client, world: World, request: pytest.FixtureRequest, persona: str, path: str
) -> None:
    add_concerns(world, request.getfixturevalue("teacher"), world.school, "wellbeing", 9)
    refresh_statistics(municipality=world.municipality)
    login(client, request.getfixturevalue(persona))

    response = client.get(path)

    assert response.status_code == 404 and b"Ekskolan" not in response.content and b"9" not in response.content
    assert not AuditEvent.objects.filter(target_type="statistics").exists()


def test_the_page_shows_the_tables_and_the_chart_and_is_audited_once(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "violence", 7)
    refresh = refresh_statistics(municipality=world.municipality)
    login(client, principal)

    response = client.get("/statistics/terms/", headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "By category and term" in body and "By sex and term" in body and 'scope="row"' in body
    assert 'src="/statistics/terms/chart.svg?scope=schools"' in body and "Download the tables as CSV" in body
    assert f"Figures as of {timezone.localtime(refresh.refreshed_at):%Y-%m-%d %H:%M}." in body
    assert 'aria-current="page">By term' in body
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="statistics")
    assert event.actor_id == principal.pk and event.details["by"] == "term" and event.child_id is None
    chart = client.get("/statistics/terms/chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    assert b"style=" not in chart.content


def test_the_page_shows_one_measure_at_a_time(client: Client, world: World, principal: User) -> None:
    refresh_statistics(municipality=world.municipality)
    login(client, principal)

    first = client.get("/statistics/terms/", headers=EN).content.decode()
    reports = client.get("/statistics/terms/?measure=reports", headers=EN).content.decode()

    assert "By category and term" in first and "By outcome and term" not in first
    assert "By outcome and term" in reports and "By category and term" not in reports
    assert 'href="?scope=schools&amp;measure=high_absence"' in reports


def test_the_csv_holds_the_published_tables_and_nothing_else(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 8)
    add_concerns(world, teacher, world.school, "violence", 2)
    refresh_statistics(municipality=world.municipality)
    login(client, principal)
    stats = term_statistics_for_user(principal)

    response = client.get("/statistics/terms/statistics.csv", headers=EN)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["Measure", "Table", "Row", *stats.term_labels, "Total"]
    violence = next(line for line in lines if line[2] == "Violence or threats")
    assert violence[-1] == ".." and "2" not in violence[3:]
    numbers = {int(value) for line in lines[1:] for value in line[3:] if value != ".."}
    assert numbers and min(numbers) >= 5
    body = response.content.decode()
    assert world.child.first_name not in body and world.child.identity_number not in body


def test_the_page_before_the_first_refresh_says_when_the_figures_come(
    client: Client, world: World, principal: User
) -> None:
    login(client, principal)
    body = client.get("/statistics/terms/", headers=EN).content.decode()
    assert "have not been computed yet" in body and "<table" not in body


def test_statistics_by_term_keep_their_queries_with_ten_times_the_data(
    client: Client,
    world: World,
    coordinator: User,
    principal: User,
    teacher: User,
    other_teacher: User,
    social_worker: User,
) -> None:
    def add(times: int) -> None:
        add_concerns(world, teacher, world.school, "wellbeing", 2 * times)
        add_concerns(
            world, other_teacher, world.other_school, "absence", times, timezone.now() - dt.timedelta(days=200)
        )
        add_consultations(world, principal, world.school, times)
        for report in add_reports(world, principal, times):
            actions.receive_report(by=social_worker, report=report)

    def measured() -> list[int]:
        counts = []
        for path in ("/statistics/terms/", "/statistics/terms/chart.svg", "/statistics/terms/statistics.csv"):
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    login(client, coordinator)
    client.get("/")
    add(2)
    refresh_statistics(municipality=world.municipality)
    small = measured()
    add(18)
    refresh_statistics(municipality=world.municipality)
    assert measured() == small


def add_tsi_cases(world: World, team: Unit, by: User, stage: str, count: int, **fields: object) -> None:
    now = timezone.now()
    for _ in range(count):
        TsiCase.objects.create(
            municipality=world.municipality, child=world.child, team=team, requesting_unit=world.school,
            requested_by=by, requested_at=now, reason="Ofta borta.", stage=stage, stage_since=now, **fields,
        )  # fmt: skip


def test_tsi_cases_are_counted_by_what_became_of_the_request_and_by_reason_for_closing(
    world: World, coordinator: User, principal: User, social_worker: User, tsi_team: Unit
) -> None:
    add_tsi_cases(world, tsi_team, principal, CaseStage.ACTIVE, 7)
    add_tsi_cases(world, tsi_team, principal, CaseStage.DECLINED, 6, decline_advice="student_health")
    add_tsi_cases(world, tsi_team, principal, CaseStage.MORE_INFO, 5)
    closed = {"closed_at": timezone.now(), "closure_reason": "goals_reached"}
    add_tsi_cases(world, tsi_team, principal, CaseStage.CLOSED, 5, **closed)

    stats = refreshed_by_term(coordinator)

    requests = table(stats, "tsi_requests", "Request")
    # The closed ones were accepted first.
    assert requests["Accepted by the team"][-1] == 12 and requests["Declined by the team"][-1] == 6
    assert requests["Not decided yet"][-1] == 5  # more information asked for
    assert measure(stats, "tsi_requests").totals[-1] == 23
    assert table(stats, "tsi_closed", "Reason")["Goals reached"][-1] == 5
    # The principal of the asking school sees them too; a social services unit that is not the team does not.
    assert measure(refreshed_by_term(principal), "tsi_requests").totals[-1] == 23
    assert measure(refreshed_by_term(social_worker), "tsi_requests").totals[-1] is None  # zero
