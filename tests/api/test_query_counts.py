"""The API's lists make the same number of queries whatever the data's size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.directory.models import UnitKind
from tests.api.conftest import Issued
from tests.conftest import World
from tests.factories import ContactPersonFactory, MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _more_schools_with_contacts(world: World, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        school = UnitFactory(organisation=world.school.organisation, name=f"Skola {n}")
        person = UserFactory(municipality=world.municipality, email=f"kontakt{n}@kommun.example")
        MembershipFactory(user=person, unit=world.social_services, role="social_worker")
        ContactPersonFactory(school=school, user=person, position=1)
    UnitFactory(organisation=world.social_services.organisation, name=f"Enhet {start}", kind=UnitKind.OTHER)


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/contact-persons", "/api/v1/tsi-cases/closed"])
def test_lists_make_a_constant_number_of_queries(
    client: Client, world: World, social_services_token: Issued, path: str
) -> None:
    headers = social_services_token.headers()
    client.get(path, **headers)  # the token's last use is written once a minute: not in what is measured
    _more_schools_with_contacts(world, 1)
    few = _queries(lambda: client.get(path, **headers))
    _more_schools_with_contacts(world, 6, start=1)

    many = _queries(lambda: client.get(path, **headers))

    assert many == few
