"""The organisation admin's pages keep a constant number of SQL queries whatever the size of the municipality."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.directory.models import UnitKind, User
from tests.conftest import World, login
from tests.factories import (
    ContactPersonFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)


def _populate(world: World, count: int) -> None:
    for _ in range(count):
        organisation = OrganisationFactory(municipality=world.municipality)
        school = UnitFactory(organisation=organisation)
        UnitFactory(organisation=organisation, kind=UnitKind.PRESCHOOL, school_forms=["FS"], grades=[])
        worker = UserFactory(municipality=world.municipality)
        MembershipFactory(user=worker, unit=world.social_services, role="social_worker")
        MembershipFactory(user=worker, unit=school, role="mentor")
        ContactPersonFactory(school=school, user=worker)
        teacher = UserFactory(municipality=world.municipality)
        MembershipFactory(user=teacher, unit=school, role="teacher")
        MembershipFactory(user=teacher, unit=world.school, role="teacher")


def _queries(client: Client, url: str, params: dict[str, object] | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _measure(client: Client, world: World, person: User) -> dict[str, int]:
    client.get("/")  # the first request checks two-factor set-up once per session
    pages = {
        "overview": ("/organisation/", None),
        "organisations": ("/organisation/organisations/", None),
        "units": ("/organisation/units/", None),
        "units filtered": ("/organisation/units/", {"kind": "school", "organisation": world.school.organisation_id}),
        "staff": ("/organisation/staff/", None),
        "staff filtered": ("/organisation/staff/", {"q": "a", "unit": world.school.pk, "role": "teacher"}),
        "staff member": (f"/organisation/staff/{person.pk}/", None),
        "contacts": (f"/organisation/units/{world.school.pk}/contacts/", None),
        "unit edit": (f"/organisation/units/{world.school.pk}/", None),
    }
    return {name: _queries(client, url, params) for name, (url, params) in pages.items()}


def test_admin_pages_keep_their_queries_constant_with_ten_times_the_data(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)
    _populate(world, 3)
    small = _measure(client, world, social_worker)

    _populate(world, 30)
    large = _measure(client, world, social_worker)

    assert small == large
    assert max(small.values()) <= 12, small
