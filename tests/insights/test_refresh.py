"""The statistics' summary: its constraints, the refresh's task and command, the demo's refresh, and the API reading
the same summary as the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import Concern
from kring.demo.actions import seed_demo
from kring.demo.names import MUNICIPALITY_CODE
from kring.directory.models import Municipality, Unit, User
from kring.insights.actions import refresh_statistics
from kring.insights.models import CountKind, MonthlyCount, StatisticsRefresh
from kring.insights.statistics import statistics_for_user
from kring.insights.tasks import refresh_statistics_task
from kring.people.identity import make_identity_number
from kring.people.models import Child
from tests.api.conftest import issue
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory
from tests.insights.test_statistics import add_concerns, add_reports

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 11, 1)


def _row(world: World, **fields: Any) -> MonthlyCount:
    given: dict[str, Any] = {
        "municipality": world.municipality, "kind": CountKind.CONCERNS, "month": MONTH, "unit": world.school,
        "category": "wellbeing", "sex": "girl", "age_band": "10-12", "count": 3,
    }  # fmt: skip
    return MonthlyCount(**{**given, **fields})


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"count": 0}, "monthly_count_positive"),
        ({"kind": CountKind.CONSULTATIONS, "category": "", "sex": ""}, None),
        ({"kind": CountKind.REPORTS, "category": ""}, "monthly_count_receiving_unit_of_reports"),
        ({"receiving_unit": "social_services"}, "monthly_count_receiving_unit_of_reports"),
        ({"category": ""}, "monthly_count_category_of_concerns"),
        ({"kind": CountKind.CONSULTATIONS, "sex": ""}, "monthly_count_category_of_concerns"),
        ({"sex": ""}, "monthly_count_child_of_concerns_and_reports"),
        ({"age_band": ""}, "monthly_count_(child_of_concerns_and_reports|age_band_of_children)"),  # breaks both
        ({"kind": CountKind.CONSULTATIONS, "category": "", "sex": "", "grade": "7"}, "monthly_count_child_of_concerns"),
        ({"kind": CountKind.CONSULTATIONS, "category": "", "sex": "", "age_band": ""}, "monthly_count_age_band_of"),
        ({"decision": "opened"}, "monthly_count_decision_of_reports"),
        ({"deadline": "protection", "kept": "late"}, "monthly_count_deadline_with_result"),
        (
            {
                "kind": CountKind.DEADLINES,
                "category": "",
                "receiving_unit": "social_services",
                "deadline": "protection",
                "sex": "",
                "age_band": "",
            },
            "monthly_count_deadline_with_result",
        ),
    ],
)
def test_each_constraint_of_the_summary_refuses_a_row_that_breaks_it(
    world: World, fields: dict[str, Any], constraint: str | None
) -> None:
    if fields.get("receiving_unit") == "social_services":
        fields = {**fields, "receiving_unit": world.social_services}
    row = _row(world, **fields)
    if constraint is None:  # the control: a valid row of another kind is saved
        row.save()
        return
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        row.save()


@pytest.mark.parametrize("receiving", [False, True])
def test_the_summary_holds_one_row_per_combination_of_dimensions(world: World, receiving: bool) -> None:
    fields: dict[str, Any] = {"kind": CountKind.REPORTS, "category": "", "receiving_unit": world.social_services}
    given = fields if receiving else {}
    _row(world, **given).save()
    name = "monthly_count_one_per_dimensions" + ("" if receiving else "_unreceived")
    sqlite = "UNIQUE constraint failed: .*unit_id, " + ("insights_monthlycount.receiving_unit_id" if receiving else "")
    with pytest.raises(IntegrityError, match=f'"{name}"|{sqlite}'), transaction.atomic():
        _row(world, **given).save()


def test_the_refresh_counts_each_child_by_grade_age_band_and_sex_on_the_day(world: World, teacher: User) -> None:
    day = timezone.make_aware(dt.datetime(2026, 10, 5, 10))  # a Monday of the autumn term
    girl = _child(world, dt.date(2015, 10, 6), 982)  # test series birth numbers: an even third digit for a girl
    boy = _child(world, dt.date(2012, 1, 1), 991)
    unknown = ChildFactory(
        municipality=world.municipality, birth_date=dt.date(2010, 5, 5), identity_number="20100505TF01"
    )
    PlacementFactory(child=girl, unit=world.school, grade="4", start_date=dt.date(2026, 8, 17))
    PlacementFactory(
        child=girl, unit=world.school, grade="3", start_date=dt.date(2025, 8, 18), end_date=dt.date(2026, 6, 12)
    )
    PlacementFactory(child=boy, unit=world.school, grade="8", start_date=dt.date(2026, 8, 17))
    # Placed since 2020, in grade 6 now: the register keeps the latest grade, so last spring she was in grade 5.
    earlier = _child(world, dt.date(2014, 6, 1), 984)
    PlacementFactory(child=earlier, unit=world.school, grade="6", start_date=dt.date(2020, 8, 17))
    last_spring = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    for child, moment in ((girl, day), (boy, day), (boy, day), (unknown, day), (earlier, last_spring)):
        Concern.objects.create(
            municipality=world.municipality, child=child, unit=world.school, reported_by=teacher, reported_at=moment,
            category="wellbeing", observed="Ledsen.", observed_on=moment.date(), observed_by="mentor",
        )  # fmt: skip

    refresh_statistics(municipality=world.municipality, at=day + dt.timedelta(days=1))

    rows = MonthlyCount.objects.filter(kind=CountKind.CONCERNS).values_list("grade", "age_band", "sex", "count")
    # The girl turns 11 the next day: 10 on the day, in grade 4 (her grade 3 placement has ended); the boy is 14; the
    # third has a temporary number and no placement, and is 16; the fourth was 11 and in grade 5.
    assert sorted(rows) == [
        ("", "16-18", "unknown", 1), ("4", "10-12", "girl", 1), ("5", "10-12", "girl", 1), ("8", "13-15", "boy", 2)
    ]  # fmt: skip


def _child(world: World, born: dt.date, birth_number: int) -> Child:
    number = make_identity_number(born, birth_number)
    return ChildFactory(municipality=world.municipality, birth_date=born, identity_number=number)


def test_the_task_refreshes_every_municipality_and_the_command_one(
    world: World, teacher: User, outsider: User, capsys: pytest.CaptureFixture[str]
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)

    rows = refresh_statistics_task.call()

    assert set(rows) == set(Municipality.objects.values_list("code", flat=True))
    assert rows[world.municipality.code] == 1
    assert StatisticsRefresh.objects.count() == Municipality.objects.count()
    assert AuditEvent.objects.filter(target_type="statistics_refresh", actor_label="scheduled statistics refresh")
    call_command("refresh_statistics", municipality=world.municipality.code)
    out = capsys.readouterr().out
    assert f"Testkommun ({world.municipality.code}): 1 summary rows" in out and " s\n" in out
    with pytest.raises(CommandError, match="No municipality with code 0000"):
        call_command("refresh_statistics", municipality="0000")
    call_command("refresh_statistics", "--enqueue")
    assert "Enqueued the refresh of the statistics" in capsys.readouterr().out


def test_the_demo_seed_refreshes_so_the_page_has_figures(db: None) -> None:
    result = seed_demo(size="small", seed=4)

    refresh = StatisticsRefresh.objects.get(municipality=result.municipality)
    coordinator = User.objects.get(email=result.login_for("coordinator").email)
    stats = statistics_for_user(coordinator)
    assert stats.refreshed_at == refresh.refreshed_at
    assert stats.reports is not None and result.municipality.code == MUNICIPALITY_CODE
    assert refresh.rows == MonthlyCount.objects.filter(municipality=result.municipality).count()


def _api_client(unit: Unit, role: str) -> Client:
    issued = issue(unit, role, f"Statistik {role}")
    return Client(headers={"Authorization": f"Bearer {issued.secret}"})


def test_the_api_reads_the_same_summary_as_the_page(world: World, principal: User, teacher: User) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)
    api = _api_client(world.school, "principal")

    before = api.get("/api/v1/statistics").json()
    refresh = refresh_statistics(municipality=world.municipality)
    add_concerns(world, teacher, world.school, "wellbeing", 4)  # after the refresh: not counted yet
    after = api.get("/api/v1/statistics").json()

    assert before["refreshed_at"] is None and before["concerns"] is None and before["reports"] is None
    assert before["compliance"] == []
    as_of = dt.datetime.fromisoformat(after["refreshed_at"])
    assert abs(as_of - refresh.refreshed_at) < dt.timedelta(milliseconds=1)
    assert after["concerns"]["total"] == 6
    page = statistics_for_user(principal)
    assert page.concerns is not None and after["concerns"]["cells"] == page.concerns.counts.cells


def test_a_role_without_a_scope_reads_nothing_of_the_summary_through_the_api(
    world: World, principal: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 9)
    add_reports(world, principal, 6)
    refresh_statistics(municipality=world.municipality)

    answer = _api_client(world.school, "teacher").get("/api/v1/statistics")

    assert answer.status_code == 404 and "9" not in answer.content.decode().replace("404", "")
    assert not AuditEvent.objects.filter(target_type="statistics").exists()
