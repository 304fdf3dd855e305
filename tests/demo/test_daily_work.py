"""The demo's work of the day: every demo login's start page has work on it, on any day of the year."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from kring.demo.actions import seed_demo
from kring.demo.generator import DemoResult
from kring.directory.models import User
from tests.conftest import login
from tests.demo.test_any_day import DAYS


def start_page_items(client: Client, email: str) -> list[str]:
    user = User.objects.get(email=email)
    response = login(client, user).get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    items = re.findall(r'<li class="worklist__item[^"]*">(.*?)</li>', response.content.decode(), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def test_every_demo_login_has_work_on_the_start_page(client: Client, small_demo: DemoResult) -> None:
    for demo_login in small_demo.logins:
        assert start_page_items(client, demo_login.email), demo_login.email
    assert small_demo.counts["demo_reports"] == 7
    assert small_demo.counts["demo_roles_awaiting"] == 2
    assert small_demo.counts["demo_handovers"] == 2
    assert small_demo.counts["demo_approvals"] == 1
    manager = start_page_items(client, small_demo.login_for("unit_manager").email)
    assert any(item.startswith("Today Approve: Initial assessment") for item in manager)


def test_the_social_worker_has_a_report_overdue_and_one_due_today(client: Client, small_demo: DemoResult) -> None:
    items = start_page_items(client, small_demo.login_for("social_worker").email)
    assert items[0].startswith("Overdue Register the report as received")
    assert any(item.startswith("Today Protection assessment") for item in items)
    assert any("Decide whether to open an investigation" in item for item in items)
    assert any(item.startswith("Today Accept or decline a handover") for item in items)
    tsi = start_page_items(client, small_demo.login_for("tsi_team_member").email)
    assert any(item.startswith("For your information Waiting for") for item in tsi)


@pytest.mark.parametrize("moment", DAYS.values(), ids=DAYS.keys())
def test_the_daily_work_holds_on_any_day(db: None, client: Client, moment: object) -> None:
    with time_machine.travel(moment, tick=False):
        demo = seed_demo(size="tiny", seed=11)
        for role in ("teacher", "principal", "social_worker", "police_officer", "coordinator", "administrator"):
            items = start_page_items(client, demo.login_for(role).email)
            assert items, role
        worker = start_page_items(client, demo.login_for("social_worker").email)
    assert worker[0].startswith("Overdue Register the report as received")
    assert sum(item.startswith(("Today Register", "Today Protection")) for item in worker) == 2
