"""Statistics of concerns, consultations and reports of concern: each role's scope, small numbers hidden, one
audit event per view, deadline compliance, and constant query counts. The page reads the summary, so each test
refreshes it (`refreshed_for`) before it reads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest.mock import patch

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import Concern, ConcernCategory, Consultation, ReportOfConcern
from kring.casework.reports import actions
from kring.directory.models import Unit, User
from kring.insights.actions import refresh_statistics
from kring.insights.models import CountKind, MonthlyCount, StatisticsRefresh
from kring.insights.statistics import CountTable, Statistics, months_until, statistics_for_user
from kring.suppression import suppress
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
REPORT = actions.ReportInput(
    what_happened="Alva berättar om bråk hemma.",
    when_and_where="I skolan, till mentor",
    guardians_informed=True,
    urgency="normal",
)


@pytest.fixture
def coordinator(world: World) -> User:
    return _staff(world.municipality, world.school, "coordinator", "samordnare@kommun.example")


def refreshed_for(user: User, scope: str = "") -> Statistics:
    """Refresh the user's municipality's summary now, then read the statistics as the user."""
    refresh_statistics(municipality=user.municipality)
    return statistics_for_user(user, scope)


def add_concerns(
    world: World, by: User, unit: Unit, category: str, count: int, when: dt.datetime | None = None
) -> None:
    for _ in range(count):
        Concern.objects.create(
            municipality=world.municipality, child=world.child, unit=unit, reported_by=by,
            reported_at=when or timezone.now(), category=category, observed="Ledsen.", observed_on=timezone.localdate(),
            observed_by="mentor",
        )  # fmt: skip


def add_consultations(world: World, by: User, unit: Unit, count: int) -> None:
    for _ in range(count):
        Consultation.objects.create(
            municipality=world.municipality, unit=unit, asked_by=by, asked_at=timezone.now(), age_band="10-12",
            question="En elev berättar om bråk hemma.",
        )  # fmt: skip


def add_reports(world: World, by: User, count: int, school: Unit | None = None) -> list[ReportOfConcern]:
    reports = []
    for _ in range(count):
        child = ChildFactory(municipality=world.municipality)
        PlacementFactory(child=child, unit=school or world.school)
        reports.append(actions.file_report(by=by, child=child, report=REPORT))
    return reports


def published_numbers(stats: Statistics) -> list[int]:
    tables = [t for t in (stats.concerns, stats.reports, stats.consultations) if t is not None]
    numbers: list[int | None] = []
    for table in tables:
        counts = table.counts
        numbers += [value for row in counts.cells for value in row]
        numbers += [*counts.row_totals, *counts.column_totals, counts.total]
    for row in stats.compliance:
        numbers += [row.on_time, row.late, row.total]
    return [number for number in numbers if number is not None]


def test_the_principal_sees_the_counts_of_their_own_school_only(
    client: Client, world: World, principal: User, teacher: User, other_teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 8)
    add_concerns(world, teacher, world.school, "absence", 6)
    add_concerns(world, teacher, world.school, "violence", 2)
    add_concerns(world, other_teacher, world.other_school, "wellbeing", 30)
    add_concerns(world, teacher, world.school, "wellbeing", 9, timezone.now() - dt.timedelta(days=400))

    stats = refreshed_for(principal)

    assert stats.scope.key == "schools" and "Ekskolan" in stats.scope.label
    assert stats.concerns is not None
    assert stats.concerns.counts.total == 16
    rows = ConcernCategory.values
    raw = {(rows.index("wellbeing"), -1): 8, (rows.index("absence"), -1): 6, (rows.index("violence"), -1): 2}
    assert stats.concerns.counts == suppress(_grid(stats.concerns, raw))
    assert min(published_numbers(stats), default=5) >= 5


def _grid(table: CountTable, counts: dict[tuple[int, int], int]) -> list[list[int]]:
    """The table's raw counts: (row, month counted back from this one as -1) → count, zero elsewhere."""
    width = len(table.columns)
    return [[counts.get((row, column - width), 0) for column in range(width)] for row in range(len(table.rows))]


def test_statistics_page_hides_small_numbers_and_is_audited_once(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "violence", 2)
    refresh = refresh_statistics(municipality=world.municipality)
    login(client, principal)

    response = client.get("/statistics/", headers=EN)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Concerns by category and month" in body and "<caption>" in body and 'scope="row"' in body
    assert '<span aria-hidden="true">..</span>' in body
    assert "fewer than 5" in body
    assert f"Figures as of {timezone.localtime(refresh.refreshed_at):%Y-%m-%d %H:%M}." in body
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="statistics")
    assert event.actor_id == principal.pk and event.child_id is None
    assert event.target_id == "schools" and event.details["units"] == [world.school.pk]


def test_statistics_page_before_the_first_refresh_says_when_the_figures_come(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "violence", 7)
    login(client, principal)

    response = client.get("/statistics/", headers=EN)

    body = response.content.decode()
    assert response.status_code == 200 and "have not been computed yet" in body
    assert "<table" not in body and "Figures as of" not in body
    stats = statistics_for_user(principal)
    assert stats.refreshed_at is None and stats.concerns is None and stats.reports is None and stats.compliance == []


@pytest.mark.parametrize("persona", ["teacher", "kurator", "police_officer", "tsi_member"])
def test_statistics_are_404_for_roles_without_a_scope(
    client: Client, world: World, request: pytest.FixtureRequest, persona: str
) -> None:
    add_reports(world, request.getfixturevalue("principal"), 6)
    refresh_statistics(municipality=world.municipality)
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get("/statistics/").status_code == 404
    assert not AuditEvent.objects.filter(target_type="statistics").exists()
    with pytest.raises(Http404):
        statistics_for_user(user)


def test_another_municipality_counts_nothing_of_ours(
    world: World, outsider: User, teacher: User, principal: User, social_worker: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 20)
    add_reports(world, principal, 6)
    refresh_statistics(municipality=world.municipality)
    stats = refreshed_for(outsider)
    assert stats.refreshed_at is not None and MonthlyCount.objects.filter(municipality=world.municipality).exists()
    assert stats.concerns is not None and stats.concerns.counts.total is None  # zero: hidden
    assert published_numbers(stats) == []


def test_social_services_count_the_reports_their_unit_received_and_not_the_schools_concerns(
    world: World, principal: User, teacher: User, social_worker: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 20)
    add_reports(world, principal, 7)
    add_consultations(world, principal, world.school, 6)
    add_consultations(world, principal, world.other_school, 9)  # no contact person of the unit

    stats = refreshed_for(social_worker)

    assert stats.scope.key == "unit" and stats.concerns is None
    assert stats.reports.counts.total == 7
    assert stats.consultations.counts.total == 6


def test_coordinator_sees_the_whole_municipality_and_can_choose_no_other_scope(
    world: World, coordinator: User, principal: User, teacher: User, other_teacher: User, social_worker: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 8)
    add_concerns(world, other_teacher, world.other_school, "wellbeing", 9)
    add_consultations(world, principal, world.school, 5)
    add_consultations(world, principal, world.other_school, 5)

    stats = refreshed_for(coordinator, "unit")

    assert stats.scope.key == "municipality" and [s.key for s in stats.scopes] == ["municipality"]
    assert stats.concerns is not None and stats.concerns.counts.total == 17
    assert stats.consultations.counts.total == 10


def test_deadline_compliance_counts_steps_within_their_limits(
    world: World, principal: User, social_worker: User, coordinator: User
) -> None:
    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)  # decision and feedback due 2026-11-16
    with time_machine.travel(start, tick=False):
        reports = add_reports(world, principal, 12)
        for report in reports:
            actions.receive_report(by=social_worker, report=report)
    for number, report in enumerate(reports):
        with time_machine.travel(start + dt.timedelta(days=0 if number < 7 else 1), tick=False):
            actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
        with time_machine.travel(start + dt.timedelta(days=10 if number < 7 else 20), tick=False):
            actions.record_decision(by=social_worker, report=report, decision="not_opened", note="")
        with time_machine.travel(start + dt.timedelta(days=10 if number < 6 else 20), tick=False):
            actions.give_feedback(by=social_worker, report=report, kind="not_opened")
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), tick=False):
        stats = refreshed_for(coordinator)

    rows = [(row.on_time, row.late, row.total, row.share) for row in stats.compliance]
    assert rows == [(7, 5, 12, 58), (7, 5, 12, 58), (6, 6, 12, 50)]


def test_deadline_compliance_counts_from_arrival_also_reports_never_received(
    world: World, principal: User, social_worker: User, coordinator: User
) -> None:
    """Reports that came in and were received late or never: their steps count as late from the day they came in."""
    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        never_received = add_reports(world, principal, 6)
        received_late = add_reports(world, principal, 6)
        on_time = add_reports(world, principal, 6)
        for report in on_time:
            actions.receive_report(by=social_worker, report=report)
            actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    for report in received_late:
        with time_machine.travel(start + dt.timedelta(days=3), tick=False):  # receipt registered three days late
            actions.receive_report(by=social_worker, report=report)
            actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), tick=False):
        stats = refreshed_for(coordinator)

    protection, decision, feedback = stats.compliance
    assert (protection.on_time, protection.late, protection.total) == (6, 12, 18)
    assert decision.total == feedback.total == 18  # none decided by 16 November: all late (and so hidden)
    assert len(never_received) == 6


def test_deadline_compliance_with_none_late_hides_the_zero_and_shows_the_rest(
    world: World, principal: User, social_worker: User, coordinator: User
) -> None:
    reports = add_reports(world, principal, 8)
    for report in reports:
        actions.receive_report(by=social_worker, report=report)
        actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")

    stats = refreshed_for(coordinator)

    protection = stats.compliance[0]
    # None late: a zero is hidden like every number under 5, but it is no secret (ADR 0025), so the 8 on time show.
    assert protection.total == 8 and protection.late is None and protection.on_time == 8
    assert protection.share == 100
    assert min(published_numbers(stats), default=5) >= 5


def test_reports_are_counted_by_outcome(world: World, principal: User, social_worker: User, coordinator: User) -> None:
    reports = add_reports(world, principal, 11)
    for report in reports[:6]:
        actions.receive_report(by=social_worker, report=report)
        actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
        actions.record_decision(by=social_worker, report=report, decision="opened", note="")

    stats = refreshed_for(coordinator)

    raw = {(0, -1): 6, (3, -1): 5}  # opened; not decided yet
    assert stats.reports.counts == suppress(_grid(stats.reports, raw))
    assert stats.reports.counts.total == 11
    # The zero rows are hidden; a zero is no secret (ADR 0025), so the 5 undecided show.
    assert stats.reports.counts.row_totals == [6, None, None, 5]


def test_months_run_back_a_year_across_new_year() -> None:
    months = months_until(dt.date(2026, 2, 14))
    assert months[0] == dt.date(2025, 3, 1) and months[-1] == dt.date(2026, 2, 1) and len(months) == 12


def test_a_concern_recorded_after_the_refresh_counts_from_the_next_refresh(
    client: Client, world: World, coordinator: User, teacher: User
) -> None:
    earlier = timezone.now() - dt.timedelta(hours=1)
    add_concerns(world, teacher, world.school, "wellbeing", 6, earlier - dt.timedelta(minutes=1))
    refresh_statistics(municipality=world.municipality, at=earlier)
    add_concerns(world, teacher, world.school, "wellbeing", 3)

    before = statistics_for_user(coordinator)
    now = timezone.now()
    refresh_statistics(municipality=world.municipality, at=now)
    after = statistics_for_user(coordinator)

    assert before.concerns is not None and before.concerns.counts.total == 6
    assert before.refreshed_at == earlier
    assert after.concerns is not None and after.concerns.counts.total == 9
    assert after.refreshed_at == now


def test_the_window_is_the_pages_today_over_the_months_of_the_summary(
    world: World, coordinator: User, teacher: User
) -> None:
    """A summary refreshed in November is read in the next November: the months before the window are left out."""
    add_concerns(world, teacher, world.school, "wellbeing", 7, dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    add_concerns(world, teacher, world.school, "absence", 8, dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC), tick=False):
        refresh_statistics(municipality=world.municipality)
    with time_machine.travel(dt.datetime(2027, 11, 5, 9, tzinfo=dt.UTC), tick=False):
        later = statistics_for_user(coordinator)

    assert later.first_month == dt.date(2026, 12, 1) and later.last_month == dt.date(2027, 11, 1)
    assert later.concerns is not None and later.concerns.counts.total is None  # nothing in the window: zero, hidden
    assert later.refreshed_at == dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)


def test_the_refresh_is_audited_without_personal_data_and_replaces_the_summary(
    world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)
    add_reports(world, principal, 5)
    refresh_statistics(municipality=world.municipality, by_label="kring refresh-statistics")
    first = set(MonthlyCount.objects.values_list("pk", flat=True))

    refresh = refresh_statistics(municipality=world.municipality, by_label="kring refresh-statistics")

    rows = MonthlyCount.objects.filter(municipality=world.municipality)
    assert refresh.rows == rows.count() and not first & set(rows.values_list("pk", flat=True))
    assert sum(rows.filter(kind=CountKind.CONCERNS).values_list("count", flat=True)) == 6
    assert sum(rows.filter(kind=CountKind.REPORTS).values_list("count", flat=True)) == 5
    assert StatisticsRefresh.objects.filter(municipality=world.municipality).count() == 1
    events = AuditEvent.objects.filter(target_type="statistics_refresh").order_by("sequence")
    assert events.count() == 2
    event = events.last()
    assert event is not None and event.action == AuditAction.WRITE and event.actor_id is None
    assert event.actor_label == "kring refresh-statistics" and event.child_id is None
    assert event.municipality_id == world.municipality.pk
    assert event.details["counted"] == {"concerns": 6, "reports": 5}  # no deadline has come yet
    text = json.dumps(event.details)
    assert world.child.last_name not in text and "Ledsen" not in text


def test_a_failing_audit_write_leaves_the_old_summary(world: World, teacher: User) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)
    refresh_statistics(municipality=world.municipality)
    before = list(MonthlyCount.objects.values_list("pk", "count"))
    add_concerns(world, teacher, world.school, "wellbeing", 3)

    with (
        patch("kring.insights.actions.record_event", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        refresh_statistics(municipality=world.municipality)

    assert list(MonthlyCount.objects.values_list("pk", "count")) == before


def test_the_refresh_makes_the_same_number_of_queries_with_ten_times_the_data(
    world: World, principal: User, teacher: User, social_worker: User
) -> None:
    def add(times: int) -> None:
        add_concerns(world, teacher, world.school, "wellbeing", 2 * times)
        add_concerns(world, teacher, world.other_school, "absence", times)
        add_consultations(world, principal, world.school, times)
        for report in add_reports(world, principal, times):
            actions.receive_report(by=social_worker, report=report)

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            refresh_statistics(municipality=world.municipality)
        return len(context.captured_queries)

    refresh_statistics(municipality=world.municipality)  # the first creates the refresh record
    add(2)
    small = measure()
    add(18)
    assert measure() == small


def test_statistics_queries_are_constant_with_ten_times_the_data(
    client: Client,
    world: World,
    coordinator: User,
    principal: User,
    teacher: User,
    social_worker: User,
    django_assert_max_num_queries: Any,
) -> None:
    def add(times: int) -> None:
        add_concerns(world, teacher, world.school, "wellbeing", 2 * times)
        add_consultations(world, principal, world.school, times)
        for report in add_reports(world, principal, times):
            actions.receive_report(by=social_worker, report=report)

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/statistics/")
        assert response.status_code == 200
        return len(context.captured_queries)

    login(client, coordinator)
    client.get("/")
    add(2)
    refresh_statistics(municipality=world.municipality)
    small = measure()
    add(18)
    refresh_statistics(municipality=world.municipality)
    assert measure() == small
    with django_assert_max_num_queries(small):
        statistics_for_user(principal)


def test_the_figures_kept_between_views_are_new_after_each_refresh(
    world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 8)
    assert refreshed_for(principal).concerns.counts.total == 8
    assert statistics_for_user(principal).concerns.counts.total == 8  # kept: no refresh in between

    add_concerns(world, teacher, world.school, "wellbeing", 6)
    assert statistics_for_user(principal).concerns.counts.total == 8  # the summary is as of the last refresh
    assert refreshed_for(principal).concerns.counts.total == 14
