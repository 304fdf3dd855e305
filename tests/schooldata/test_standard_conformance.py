"""Kring's SS 12000 stand-in (`kring serve-ss12000`, `kring.schooldata.testserver`) answers exactly as the official
OpenAPI description of SS 12000 v2.1 says: every page of every resource Kring reads, the lookup, the deletions and
the errors, for the import tests' dataset and for the export of a municipality."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from kring.schooldata.dataset import dataset_from_municipality
from kring.schooldata.testserver import RunningServer, serve
from tests.conftest import World
from tests.schooldata.conftest import CLOCK, client_for, sid
from tests.schooldata.official import official, problems
from tests.schooldata.test_dataset import EXPORTED_AT, exported_world  # noqa: F401 (a fixture)
from tests.schooldata.test_import import fill

pytestmark = pytest.mark.conformance

WINDOW = {"startTime.onOrAfter": "2026-01-01T00:00:00+01:00", "startTime.onOrBefore": "2027-01-01T00:00:00+01:00"}
RESOURCES = ["organisations", "persons", "placements", "groups", "duties", "absences", "calendarEvents", "attendances"]


@pytest.fixture(autouse=True)
def _the_document() -> None:
    official()


def _get(server: RunningServer, token: str, path: str, query: dict[str, str]) -> httpx.Response:
    return httpx.get(server.base_url + path, params=query, headers={"Authorization": f"Bearer {token}"}, timeout=5)


def _every_page(server: RunningServer, path: str, query: dict[str, str]) -> list[str]:
    """Every page of a resource, each answer checked; the problems found, named by page and place."""
    token = server.app.issue_token()
    found: list[str] = []
    page = 0
    while True:
        response = _get(server, token, path, query)
        assert response.status_code == 200, (path, response.text)
        found += [f"{path} page {page}: {p}" for p in problems("GET", path, query, 200, response.json())]
        next_token = response.json().get("pageToken")
        if not next_token:
            return found
        query, page = {"pageToken": next_token}, page + 1


def _check_everything(server: RunningServer) -> list[str]:
    found: list[str] = []
    for resource in RESOURCES:
        query = {"limit": "3", **(WINDOW if resource == "calendarEvents" else {})}
        found += _every_page(server, f"/{resource}", query)
    found += _every_page(server, "/deletedEntities", {"after": "2026-01-01T00:00:00Z"})
    for day in ("2026-08-17", "2026-09-14"):
        found += _every_page(server, "/aggregatedAttendance", {"startDate": day, "endDate": day})
    found += _every_page(server, "/persons", {"limit": "3", "meta.modified.after": "2026-01-01T00:00:00Z"})
    return found


def test_every_answer_for_the_import_tests_dataset_follows_the_standard(ss12000_server: RunningServer) -> None:
    fill(ss12000_server.dataset)
    ss12000_server.dataset.now = CLOCK + timedelta(days=1)
    ss12000_server.dataset.delete("attendances", sid("attendance", 3))

    found = _check_everything(ss12000_server)

    assert found == [], "\n".join(found)


def test_every_answer_for_an_exported_municipality_follows_the_standard(exported_world: World) -> None:  # noqa: F811
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT)

    with serve(dataset) as server:
        found = _check_everything(server)

    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lazy", [False, True])
def test_the_exported_absences_follow_the_standard_lazy_or_not(exported_world: World, lazy: bool) -> None:  # noqa: F811
    """Page by page as the server would give them (read here, not over HTTP: a lazy export reads the test's
    database, which another thread's connection cannot see)."""
    dataset = dataset_from_municipality(exported_world.municipality, now=EXPORTED_AT, lazy_absences=lazy)

    found = []
    for name in ("absences", "calendarEvents", "attendances"):
        cursor = None
        while True:
            page, cursor = dataset.page(name, after=cursor, limit=1)
            query = {"limit": "1", **(WINDOW if name == "calendarEvents" else {})}
            found += problems("GET", f"/{name}", query, 200, {"data": page, "pageToken": "next" if cursor else None})
            if cursor is None:
                break

    assert found == []


def test_the_lookup_follows_the_standard(ss12000_server: RunningServer) -> None:
    fill(ss12000_server.dataset)
    body = {"ids": [sid("person", 100), sid("person", 101)]}

    with client_for(ss12000_server) as client:
        answer = client.lookup_persons(body["ids"])

    assert len(answer) == 2
    assert problems("POST", "/persons/lookup", {}, 200, answer, request_body=body) == []


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/persons", {"limit": "0"}, 400),
        ("/persons", {"pageToken": "not-a-token"}, 400),
        ("/calendarEvents", {}, 400),  # the window is required
        ("/persons", {"expand": "nothing"}, 400),
    ],
)
def test_an_error_is_the_standards_error_object(
    ss12000_server: RunningServer, path: str, query: dict[str, str], status: int
) -> None:
    response = _get(ss12000_server, ss12000_server.app.issue_token(), path, query)

    assert response.status_code == status
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message"}
    assert problems("GET", path, {"limit": "1"}, status, body) == []


def test_every_resource_kring_reads_is_a_path_of_the_standard() -> None:
    paths = set((official().spec / "paths").keys())

    assert {f"/{name}" for name in RESOURCES} | {
        "/persons/lookup",
        "/deletedEntities",
        "/aggregatedAttendance",
    } <= paths
