"""The page where the municipality sets its absence thresholds: only for those who import school data, in their own
municipality; validated with the input kept; saved with an audit event of the old and new values; and every
pupil's absence indicator recomputed at once."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kring.access.auth import activate_totp
from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import User
from kring.schooldata.indicators import recompute_indicators
from kring.schooldata.models import AbsenceIndicator, AbsenceLevel, AbsenceSettings
from kring.schooldata.settings_actions import default_values, update_absence_settings
from tests.conftest import TOTP_SECRET, World, login
from tests.factories import MembershipFactory, UserFactory
from tests.schooldata.test_indicators import TODAY, absent

pytestmark = pytest.mark.django_db

URL = "/school-data/absence-settings/"
REFUSED = ["teacher", "principal", "social_worker", "police_officer", "outsider"]
VALUES = {
    "window_days": "21",
    "window_percent": "12",
    "unexcused_per_month": "4",
    "term_percent": "20",
    "consecutive_days": "6",
    "school_day_minutes": "330",
}
# Wednesday 14 October 2026, 10:00 in Sweden: the day test_indicators' hand-made absence is computed on.
MORNING = dt.datetime(2026, 10, 14, 8, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    """The page in English, so that the assertions hold whatever the Swedish translation says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def persona(request: pytest.FixtureRequest, world: World) -> User:
    user: User = request.getfixturevalue(request.param)
    return user


@pytest.fixture
def coordinator(world: World) -> User:
    user = cast(User, UserFactory(municipality=world.municipality, email="samordnare@kommun.example"))
    MembershipFactory(user=user, unit=world.social_services, role="coordinator")
    activate_totp(user, TOTP_SECRET)
    return user


@pytest.fixture
def other_administrator(world: World) -> User:
    """An administrator in the other municipality."""
    school = world.other_municipality_child.placements.get().unit
    user = cast(User, UserFactory(municipality=school.municipality, email="admin@annanstad.example"))
    MembershipFactory(user=user, unit=school, role="administrator")
    activate_totp(user, TOTP_SECRET)
    return user


def saved(world: World) -> AbsenceSettings:
    return AbsenceSettings.objects.get(municipality=world.municipality)


def twelve_percent_in_the_window(world: World) -> None:
    """Alva misses 720 of the window's 6,000 minutes (12.0 %), in part days: a signal under the defaults and nothing
    else (5.6 % of the term, no run of whole days, no unexcused absence)."""
    for day in ("2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08", "2026-10-09", "2026-10-12"):
        absent(world.child, world.school, day, minutes=120)


# --- who may -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["administrator", "coordinator"], indirect=True)
def test_page_opens_with_the_defaults_before_any_are_saved(client: Client, world: World, persona: User) -> None:
    login(client, persona)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Skollagen 7 kap 19 a §" in body
    assert re.search(r'name="window_days" value="28"', body)
    assert re.search(r'name="window_percent" value="10"', body)
    assert re.search(r'name="school_day_minutes" value="300"', body)
    assert 'aria-describedby="id_window_days-hint"' in body and 'id="id_window_days-hint"' in body
    assert "From 7 to 90; the default is 28." in body
    assert 'name="restore-defaults"' in body
    assert not AbsenceSettings.objects.exists()  # looking saves nothing
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="absence_settings")
    assert event.actor_id == persona.pk and event.municipality_id == world.municipality.pk


def test_page_shows_the_saved_values(client: Client, world: World, administrator: User) -> None:
    AbsenceSettings.objects.create(municipality=world.municipality, window_percent=17, consecutive_days=8)
    login(client, administrator)

    body = client.get(URL).content.decode()

    assert 'name="window_percent" value="17"' in body and 'name="consecutive_days" value="8"' in body
    assert 'name="term_percent" value="15"' in body


def test_import_history_links_to_the_page(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    assert f'href="{URL}"' in client.get("/school-data/imports/").content.decode()


@pytest.mark.parametrize("persona", REFUSED, indirect=True)
def test_page_is_not_found_for_everyone_else(client: Client, world: World, persona: User) -> None:
    login(client, persona)
    before = AuditEvent.objects.count()

    assert client.get(URL).status_code == 404
    assert client.post(URL, VALUES).status_code == 404
    assert client.post(URL, {"restore-defaults": "1"}).status_code == 404

    assert not AbsenceSettings.objects.exists()
    assert AuditEvent.objects.count() == before


def test_page_sends_anonymous_users_to_login(client: Client, world: World) -> None:
    response = client.post(URL, VALUES)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AbsenceSettings.objects.exists()


def test_an_administrator_sets_only_their_own_municipality(
    client: Client, world: World, other_administrator: User
) -> None:
    login(client, other_administrator)

    client.post(URL, VALUES)

    theirs = AbsenceSettings.objects.get()
    assert theirs.municipality_id == other_administrator.municipality_id != world.municipality.pk
    with pytest.raises(PermissionDenied):
        update_absence_settings(municipality=world.municipality, by=other_administrator, window_percent=50)
    assert not AbsenceSettings.objects.filter(municipality=world.municipality).exists()


def test_the_action_refuses_those_who_may_not_import(world: World, principal: User) -> None:
    with pytest.raises(PermissionDenied):
        update_absence_settings(municipality=world.municipality, by=principal, window_percent=50)
    assert not AbsenceSettings.objects.exists()


# --- validation ----------------------------------------------------------------------------------------------------


def test_values_out_of_range_or_not_numbers_are_refused_and_kept(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)
    typed = VALUES | {"window_days": "6", "window_percent": "101", "consecutive_days": "tre", "school_day_minutes": ""}

    response = client.post(URL, typed)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    for name in ("window_days", "window_percent", "consecutive_days", "school_day_minutes"):
        assert f'href="#id_{name}"' in body, name
        assert f'id="id_{name}-error"' in body, name
    assert "Enter a whole number from 7 to 90." in body
    assert "Enter a whole number from 1 to 100." in body
    assert "Enter a whole number, in digits." in body
    assert "Enter a number." in body
    assert 'name="window_days" value="6"' in body and 'name="window_percent" value="101"' in body
    assert 'name="consecutive_days" value="tre"' in body and 'name="term_percent" value="20"' in body
    assert re.search(r'name="window_days"[^>]*aria-describedby="id_window_days-hint id_window_days-error"', body)
    assert re.search(r'name="window_days"[^>]*aria-invalid="true"', body)
    assert not AbsenceSettings.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.WRITE).exists()


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("window_days", 7, 90),
        ("window_percent", 1, 100),
        ("term_percent", 1, 100),
        ("unexcused_per_month", 1, 31),
        ("consecutive_days", 2, 30),
        ("school_day_minutes", 60, 600),
    ],
)
def test_each_range_includes_its_ends_only(
    client: Client, world: World, administrator: User, name: str, low: int, high: int
) -> None:
    login(client, administrator)

    for value in (low - 1, high + 1):
        response = client.post(URL, VALUES | {name: str(value)})
        assert response.status_code == 200 and f'href="#id_{name}"' in response.content.decode(), value
    for value in (low, high):
        assert client.post(URL, VALUES | {name: str(value)}).status_code == 302, value
        assert getattr(saved(world), name) == value


def test_the_action_refuses_values_out_of_range_and_unknown_fields(world: World, administrator: User) -> None:
    with pytest.raises(ValidationError):
        update_absence_settings(municipality=world.municipality, by=administrator, window_days=91)
    with pytest.raises(TypeError):
        update_absence_settings(municipality=world.municipality, by=administrator, holidays=3)
    assert not AbsenceSettings.objects.exists()


# --- saving --------------------------------------------------------------------------------------------------------


def test_saving_updates_the_settings_audits_old_and_new_and_redirects(
    client: Client, world: World, administrator: User
) -> None:
    AbsenceSettings.objects.create(municipality=world.municipality, window_percent=11)
    login(client, administrator)

    response = client.post(URL, VALUES)

    assert response.status_code == 302 and response["Location"] == URL
    row = saved(world)
    assert (row.window_days, row.window_percent, row.unexcused_per_month) == (21, 12, 4)
    assert (row.term_percent, row.consecutive_days, row.school_day_minutes) == (20, 6, 330)
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="absence_settings")
    assert event.actor_id == administrator.pk and event.target_id == str(row.pk)
    assert event.municipality_id == world.municipality.pk and event.child_id is None
    assert event.details["old"] == default_values() | {"window_percent": 11}
    assert event.details["new"] == {name: int(value) for name, value in VALUES.items()}
    assert event.details["changed"] == sorted(VALUES)
    page = client.get(URL).content.decode()
    assert "The thresholds were saved" in page and 'name="window_days" value="21"' in page


def test_saving_the_same_values_writes_nothing(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)
    client.post(URL, VALUES)
    writes = AuditEvent.objects.filter(action=AuditAction.WRITE).count()

    response = client.post(URL, VALUES)

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.WRITE).count() == writes == 1


def test_saving_recomputes_the_indicators_at_once(client: Client, world: World, administrator: User) -> None:
    twelve_percent_in_the_window(world)
    login(client, administrator)
    with time_machine.travel(MORNING, tick=False):
        recompute_indicators(world.municipality.pk)
        before = AbsenceIndicator.objects.get(child=world.child)
        assert before.window_percent == 12.0
        assert before.level == AbsenceLevel.SIGNAL and before.reasons == ["window"]

        # Only the signal's threshold moves, from 10 to 15 %.
        response = client.post(
            URL, {name: str(value) for name, value in default_values().items()} | {"window_percent": "15"}
        )

    assert response.status_code == 302
    after = AbsenceIndicator.objects.get(child=world.child)
    assert after.computed_on == TODAY and after.window_percent == 12.0
    assert after.level == AbsenceLevel.NONE and after.reasons == []


# --- restoring the defaults ----------------------------------------------------------------------------------------


def test_restore_the_defaults_saves_them_and_recomputes(client: Client, world: World, administrator: User) -> None:
    AbsenceSettings.objects.create(municipality=world.municipality, window_percent=15, consecutive_days=9)
    twelve_percent_in_the_window(world)
    login(client, administrator)
    with time_machine.travel(MORNING, tick=False):
        recompute_indicators(world.municipality.pk)
        assert AbsenceIndicator.objects.get(child=world.child).level == AbsenceLevel.NONE

        # What is typed in the form is not what is restored.
        response = client.post(URL, VALUES | {"window_percent": "999", "restore-defaults": "1"})
        page = client.get(URL).content.decode()  # the same day: the session's idle timeout counts from the post

    assert response.status_code == 302 and response["Location"] == URL
    row = saved(world)
    assert {name: getattr(row, name) for name in default_values()} == default_values()
    event = AuditEvent.objects.get(action=AuditAction.WRITE, target_type="absence_settings")
    assert event.details["old"]["window_percent"] == 15 and event.details["new"]["window_percent"] == 10
    assert event.details["changed"] == ["consecutive_days", "window_percent"]
    assert AbsenceIndicator.objects.get(child=world.child).level == AbsenceLevel.SIGNAL
    assert "The default thresholds were restored" in page
    assert "The thresholds in use are the defaults." in page


def test_restore_the_defaults_before_any_are_saved_changes_nothing(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)

    response = client.post(URL, {"restore-defaults": "1"})

    assert response.status_code == 302
    assert {name: getattr(saved(world), name) for name in default_values()} == default_values()
    assert not AuditEvent.objects.filter(action=AuditAction.WRITE).exists()
