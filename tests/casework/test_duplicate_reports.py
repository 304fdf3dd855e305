"""A second report about the same child within 30 days: social services see the earlier one on the report page;
the reporter is told neutrally, before sending, that their unit filed one on date X (only if they may see it); the
form says where the report goes; a report filled from a concern carries its category and who observed what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kring.casework.reports import actions as report_actions
from kring.directory.models import User
from tests.casework.test_start_page import concern_input, report_input
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_social_services_see_the_earlier_report_on_the_second(
    client: Client, world: World, principal: User, kurator: User, social_worker: User
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        first = report_actions.file_report(by=principal, child=world.child, report=report_input())
    second = report_actions.file_report(by=kurator, child=world.child, report=report_input())
    login(client, social_worker)
    page = client.get(f"/reports/{second.pk}/", **EN).content.decode()
    assert "Earlier reports about the child in the 30 days before this one" in page
    assert f'href="/reports/{first.pk}/"' in page
    assert "Earlier reports" not in client.get(f"/reports/{first.pk}/", **EN).content.decode()
    login(client, kurator)  # the reporter of the second does not see the list (nor social services' decision)
    assert "Earlier reports" not in client.get(f"/reports/{second.pk}/", **EN).content.decode()


def test_a_report_older_than_30_days_is_not_listed(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        report_actions.file_report(by=principal, child=world.child, report=report_input())
    second = report_actions.file_report(by=principal, child=world.child, report=report_input())
    login(client, social_worker)
    assert "Earlier reports" not in client.get(f"/reports/{second.pk}/", **EN).content.decode()


def test_the_reporter_is_told_their_unit_filed_one_and_where_it_goes(
    client: Client, world: World, principal: User, kurator: User, teacher: User, social_worker: User
) -> None:
    first = report_actions.file_report(by=principal, child=world.child, report=report_input())
    login(client, kurator)
    form = client.get(f"/reports/new/{world.child.pk}/", **EN).content.decode()
    day = timezone.localtime(first.filed_at).date().isoformat()
    assert f"Ekskolan filed a report of concern about this child on {day}." in form
    assert "The report goes to <strong>Barn och unga</strong> in social services." in form
    login(client, teacher)  # a teacher does not see the school's reports, and is not told of them
    form = client.get(f"/reports/new/{world.child.pk}/", **EN).content.decode()
    assert "filed a report of concern about this child" not in form
    assert "The report goes to" in form


def test_a_report_from_a_concern_carries_its_category_and_who_observed(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    concern = report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())
    login(client, principal)
    form = client.get(f"/reports/new/{world.child.pk}/?concern={concern.pk}", **EN).content.decode()
    assert "Mental health, low mood. Observed by Mentor on" in form
    assert "observed by Mentor (concern recorded at Ekskolan)" in form
