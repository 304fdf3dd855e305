"""Child search and child overview keep a constant number of SQL queries whatever the data size."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import World, login
from tests.factories import ChildFactory, CustodyFactory, GroupFactory, PlacementFactory, UnitFactory


def _populate(world: World, count: int) -> None:
    group = GroupFactory(unit=world.school)
    for _ in range(count):
        child = ChildFactory(municipality=world.municipality, first_name="Alvin")
        PlacementFactory(child=child, unit=world.school, group=group)
        CustodyFactory(child=child)
        CustodyFactory(child=child)
        elsewhere = ChildFactory(municipality=world.municipality, first_name="Alvin")
        PlacementFactory(child=elsewhere, unit=world.other_school)
    UnitFactory.create_batch(count // 5 + 1, organisation=world.school.organisation)


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.post(url, params) if params else client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _measure(client: Client, world: World) -> tuple[int, int]:
    client.get("/")  # the first request checks two-factor set-up once per session
    search = _queries(client, "/children/", {"q": "Alv"})
    overview = _queries(client, f"/children/{world.child.pk}/")
    return search, overview


def test_child_search_and_overview_queries_are_constant_with_ten_times_the_data(
    client: Client, world: World, teacher
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    _populate(world, 4)
    small = _measure(client, world)

    _populate(world, 40)
    large = _measure(client, world)

    assert small == large
    # The overview also reads the child's whole picture: concerns, reports, TSI cases, investigations, indicators;
    # every page counts the person's unread notifications (with the other counts beside the menu, in one query);
    # each basis provider asks once for the bases of the children shown (the class staff's, the collaboration
    # groups': one query each).
    assert small[0] <= 18 and small[1] <= 23, small
