"""The local SS 12000 server itself, over raw HTTP: authentication, errors, page tokens, filters, and pages that
stay consistent while records change."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.core.management import CommandError, call_command

from kring.access.models import AuditAction, AuditEvent
from kring.demo.management.commands import serve_ss12000
from kring.schooldata.client import ClientSettings, Ss12000Client
from kring.schooldata.dataset import Cursor, Ss12000Dataset
from kring.schooldata.testserver import RunningServer, serve
from tests.conftest import World
from tests.schooldata.conftest import CLOCK, client_for, person_record, sid


def get(server: RunningServer, path: str, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.app.issue_token()}"}
    return httpx.get(f"{server.base_url}{path}", params=params, headers=headers)


def test_a_resource_without_a_bearer_token_is_401(ss12000_server: RunningServer) -> None:
    response = httpx.get(f"{ss12000_server.base_url}/persons", headers={"Authorization": "Bearer gissat"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


def test_an_unknown_path_is_404_in_json(ss12000_server: RunningServer) -> None:
    response = get(ss12000_server, "/students")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "no such resource: /students"}


def test_a_write_to_a_resource_is_405(ss12000_server: RunningServer) -> None:
    response = httpx.post(f"{ss12000_server.base_url}/persons", json={})

    assert response.status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "10001"},
        {"limit": "tio"},
        {"meta.modified.after": "igår"},
        {"meta.modified.after": "2026-09-01T06:00:00"},  # no offset
        {"expand": "placements"},
        {"pageToken": "inte-en-token"},
    ],
)
def test_bad_parameters_are_400_in_json(ss12000_server: RunningServer, params: dict[str, str]) -> None:
    response = get(ss12000_server, "/persons", **params)

    assert response.status_code == 400
    assert response.json()["message"]


def test_a_page_token_of_another_resource_is_400(ss12000_server: RunningServer) -> None:
    for n in range(3):
        ss12000_server.dataset.put("persons", person_record(n))
    token = get(ss12000_server, "/persons", limit="1").json()["pageToken"]

    response = get(ss12000_server, "/groups", pageToken=token)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_token"


def test_a_page_token_is_base64url_json_of_the_cursor_and_the_filters(ss12000_server: RunningServer) -> None:
    for n in range(3):
        ss12000_server.dataset.put("persons", person_record(n))

    token = get(ss12000_server, "/persons", limit="2").json()["pageToken"]

    state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert state == {
        "resource": "persons",
        "after": ["2026-09-01T06:00:00Z", sid("person", 1)],
        "filter": None,
        "expand": [],
        "limit": 2,
    }


def test_the_default_page_is_a_hundred_records(ss12000_server: RunningServer) -> None:
    for n in range(101):
        ss12000_server.dataset.put("persons", person_record(n))

    body = get(ss12000_server, "/persons").json()

    assert len(body["data"]) == 100
    assert "pageToken" in body


def test_records_changed_between_pages_are_neither_skipped_nor_lost(ss12000_server: RunningServer) -> None:
    dataset = ss12000_server.dataset
    for n in range(6):
        dataset.put("persons", person_record(n))
    first = get(ss12000_server, "/persons", limit="3").json()
    dataset.now = CLOCK + timedelta(minutes=1)
    dataset.put("persons", person_record(0, givenName="Ändrad"))  # already read: it comes again, changed
    dataset.put("persons", person_record(4, givenName="Ändrad"))  # not yet read: it moves to the end
    dataset.put("persons", person_record(6))  # new
    dataset.delete("persons", sid("person", 5))

    rest = read_all_from(ss12000_server, first["pageToken"])

    assert [r["id"] for r in first["data"]] == [sid("person", 0), sid("person", 1), sid("person", 2)]
    assert [r["id"] for r in rest] == [sid("person", 3), sid("person", 0), sid("person", 4), sid("person", 6)]
    assert {r["givenName"] for r in rest if r["id"] in (sid("person", 0), sid("person", 4))} == {"Ändrad"}


def read_all_from(server: RunningServer, token: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    body: dict[str, Any] = {"pageToken": token}
    while "pageToken" in body:
        body = get(server, "/persons", pageToken=body["pageToken"]).json()
        records.extend(body["data"])
    return records


def test_a_replaced_record_keeps_its_created_time(ss12000_server: RunningServer) -> None:
    dataset = ss12000_server.dataset
    dataset.put("persons", person_record(1))
    dataset.now = CLOCK + timedelta(days=1)
    dataset.put("persons", person_record(1, givenName="Ändrad"))

    [record] = get(ss12000_server, "/persons").json()["data"]

    assert record["meta"] == {"created": "2026-09-01T06:00:00Z", "modified": "2026-09-02T06:00:00Z"}


def test_the_token_endpoint_takes_credentials_in_the_form_too(ss12000_server: RunningServer) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": ss12000_server.client_id,
        "client_secret": ss12000_server.client_secret,
    }

    answer = httpx.post(ss12000_server.token_url, data=form).json()

    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    assert httpx.get(f"{ss12000_server.base_url}/persons", headers=headers).status_code == 200


def test_the_token_endpoint_refuses_wrong_secrets_and_other_grants(ss12000_server: RunningServer) -> None:
    auth = (ss12000_server.client_id, ss12000_server.client_secret)

    wrong = httpx.post(ss12000_server.token_url, data={"grant_type": "client_credentials"}, auth=("kring", "fel"))
    other = httpx.post(ss12000_server.token_url, data={"grant_type": "password"}, auth=auth)

    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert (other.status_code, other.json()["error"]) == (400, "unsupported_grant_type")


def test_the_request_log_has_method_path_and_query(ss12000_server: RunningServer) -> None:
    get(ss12000_server, "/groups", limit="5")

    [request] = ss12000_server.app.requests
    assert (request.method, request.path, request.query) == ("GET", "/groups", {"limit": "5"})


def test_deleted_entities_after_a_time(ss12000_server: RunningServer) -> None:
    dataset = ss12000_server.dataset
    for n in range(3):
        dataset.put("persons", person_record(n))
    dataset.delete("persons", sid("person", 0))
    dataset.delete("persons", sid("person", 1), when=CLOCK + timedelta(hours=1))

    everything = get(ss12000_server, "/deletedEntities").json()
    later = get(ss12000_server, "/deletedEntities", after="2026-09-01T06:30:00Z").json()

    assert everything == {"data": {"persons": [sid("person", 0), sid("person", 1)]}}
    assert later == {"data": {"persons": [sid("person", 1)]}}


def test_a_generated_resource_pages_by_its_own_cursor(ss12000_dataset: Ss12000Dataset) -> None:
    rows = [{"id": f"absence-{n}", "meta": {"modified": "2026-09-01T06:00:00Z"}} for n in range(25)]

    def fetch(after: Cursor | None, limit: int) -> tuple[list[dict[str, Any]], Cursor | None]:
        start = after[0] if after else 0
        return rows[start : start + limit], [start + limit] if start + limit < len(rows) else None

    ss12000_dataset.set_generated("absences", fetch)

    with serve(ss12000_dataset) as server, client_for(server, page_size=10) as client:
        pages = list(client.pages("absences"))
        newer = client.page("absences", modified_after=CLOCK)

    assert [len(page.records) for page in pages] == [10, 10, 5]
    assert [r["id"] for page in pages for r in page.records] == [row["id"] for row in rows]
    assert newer.records == []


def test_the_server_stops_at_the_end_of_the_block(ss12000_dataset: Ss12000Dataset) -> None:
    with serve(ss12000_dataset) as server:
        server.app.delay_next(1, seconds=30)  # a held request does not hold up the shutdown
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server.base_url}/persons", timeout=0.1)

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/persons", timeout=1)


# -- kring serve-ss12000 -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_serve_ss12000_serves_the_municipality_until_ctrl_c(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    output = io.StringIO()
    served: list[dict[str, Any]] = []

    def ctrl_c_after_one_read(seconds: float) -> None:
        base_url = re.search(r"API of Testkommun: (\S+)", output.getvalue())
        assert base_url is not None
        client_settings = ClientSettings(
            base_url=base_url[1],
            token_url=f"{base_url[1]}/token",
            client_id=serve_ss12000.DEV_CLIENT_ID,
            client_secret=serve_ss12000.DEV_CLIENT_SECRET,
        )
        with Ss12000Client(client_settings) as client:
            served.extend(client.page("persons").records)
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_ss12000.time, "sleep", ctrl_c_after_one_read)

    call_command("serve_ss12000", municipality="9001", port=0, stdout=output)

    assert {r["givenName"] for r in served} >= {"Alva", "Sigge"}
    assert "Annansson" not in {r["familyName"] for r in served}
    assert output.getvalue().endswith("Stopped.\n")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_label="kring serve-ss12000").count() == 1


@pytest.mark.django_db
def test_serve_ss12000_runs_only_in_development(world: World, settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="KRING_DEBUG"):
        call_command("serve_ss12000", municipality="9001", port=0)


@pytest.mark.django_db
def test_serve_ss12000_names_an_unknown_municipality(world: World, settings: Any) -> None:
    settings.DEBUG = True

    with pytest.raises(CommandError, match="No municipality with code 1234"):
        call_command("serve_ss12000", municipality="1234", port=0)
