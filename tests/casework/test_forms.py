"""Every form refuses a date far in the past or future with a clear message, keeps what was typed, and no page
answers 500 to an edge date (issue 12, section 3)."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.casework.models import Meeting, OutcomeMeasure, TsiCase
from kring.directory.models import User
from tests.conftest import login

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
OUT_OF_RANGE = "Enter a date between the years 1900 and 2100."


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_out_of_range_are_refused_in_log_review_without_an_error_page(
    client: Client, administrator: User, day: str
) -> None:
    response = login(client, administrator).get(f"/audit/?date_to={day}", headers=EN)

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()


def test_dates_out_of_range_are_refused_for_a_meeting_and_the_input_kept(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    response = login(client, tsi_member).post(
        f"/cases/{consented_case.pk}/meetings/new/",
        {"kind": "network", "starts_at": "0001-01-01T10:00", "place": "Biblioteket i år ett"},
        headers=EN,
    )

    body = response.content.decode()
    assert response.status_code == 200 and "Biblioteket i år ett" in body
    assert OUT_OF_RANGE in body or "Enter a valid date/time." in body
    assert not Meeting.objects.filter(case=consented_case).exists()


def test_dates_out_of_range_are_refused_for_an_outcome_and_the_case_page_still_works(
    client: Client, consented_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)
    response = client.post(
        f"/cases/{consented_case.pk}/outcomes/new/",
        {"measured_on": "0001-01-01", "occasion": "start", "attendance_percent": "80"},
        headers=EN,
    )

    assert response.status_code == 200 and OUT_OF_RANGE in response.content.decode()
    assert not OutcomeMeasure.objects.filter(case=consented_case).exists()
    assert client.get(f"/cases/{consented_case.pk}/").status_code == 200
