"""The main menu leads those who follow absence to the early warning, and those who import school data to the
import history; nobody else sees either entry."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.directory.models import User
from tests.conftest import login


@pytest.mark.parametrize(
    ("persona", "absence", "school_data"),
    [
        ("principal", True, False),
        ("kurator", True, False),
        ("teacher", False, False),
        ("social_worker", False, False),
        ("administrator", False, True),
    ],
)
def test_main_menu_shows_absence_and_school_data_by_permission(
    client: Client, request: pytest.FixtureRequest, persona: str, absence: bool, school_data: bool
) -> None:
    user: User = request.getfixturevalue(persona)
    login(client, user)

    page = client.get("/").content.decode()
    menu = page[page.index('class="site-nav"') : page.index("</nav>")]

    assert ('href="/absence/"' in menu) is absence
    assert ('href="/school-data/imports/"' in menu) is school_data
