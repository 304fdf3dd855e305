"""The SS 12000 client against the local test server over real HTTP: paging, incremental sync, deletions, retries,
timeouts and OAuth2 client credentials."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kring.schooldata import schemas
from kring.schooldata.client import Ss12000Error
from kring.schooldata.dataset import Ss12000Dataset
from kring.schooldata.testserver import RunningServer
from tests.schooldata.conftest import CLOCK, client_for, person_record, sid


def put_persons(dataset: Ss12000Dataset, numbers: range) -> None:
    for n in numbers:
        dataset.put("persons", person_record(n))


def test_pages_return_every_record_exactly_once(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(35))

    with client_for(ss12000_server, page_size=10) as client:
        pages = list(client.pages("persons"))

    ids = [record["id"] for page in pages for record in page.records]
    assert [len(page.records) for page in pages] == [10, 10, 10, 5]
    assert sorted(ids) == [sid("person", n) for n in range(35)]
    requests = ss12000_server.app.requests_to("/persons")
    assert requests[0].query == {"limit": "10"}
    assert all(set(request.query) == {"pageToken"} for request in requests[1:])


def test_pages_of_an_empty_resource_is_one_empty_page(ss12000_server: RunningServer) -> None:
    with client_for(ss12000_server) as client:
        pages = list(client.pages("absences"))

    assert [page.records for page in pages] == [[]]
    assert pages[0].next_token is None


def test_modified_after_returns_only_records_modified_later(ss12000_server: RunningServer) -> None:
    dataset = ss12000_server.dataset
    put_persons(dataset, range(5))
    dataset.now = CLOCK + timedelta(hours=1)
    put_persons(dataset, range(5, 8))
    dataset.put("persons", person_record(2, givenName="Ändrad"))

    with client_for(ss12000_server, page_size=2) as client:
        changed = [r["id"] for page in client.pages("persons", modified_after=CLOCK) for r in page.records]
        at_the_last_change = client.page("persons", modified_after=CLOCK + timedelta(hours=1))

    assert sorted(changed) == [sid("person", 2), sid("person", 5), sid("person", 6), sid("person", 7)]
    assert at_the_last_change.records == []  # strictly after
    assert ss12000_server.app.requests_to("/persons")[0].query["meta.modified.after"] == "2026-09-01T06:00:00Z"


def test_deleted_entities_since_a_time_over_several_pages(ss12000_server: RunningServer) -> None:
    dataset = ss12000_server.dataset
    put_persons(dataset, range(160))
    dataset.put("absences", {"id": "absence-1"})
    dataset.delete("persons", sid("person", 0))
    dataset.now = CLOCK + timedelta(minutes=5)
    for n in range(1, 151):
        dataset.delete("persons", sid("person", n))
    dataset.delete("absences", "absence-1")

    with client_for(ss12000_server) as client:
        deleted = client.deleted_entities(CLOCK)

    assert deleted == {"persons": [sid("person", n) for n in range(1, 151)], "absences": ["absence-1"]}
    assert len(ss12000_server.app.requests_to("/deletedEntities")) == 2  # a hundred a page


def test_a_server_error_is_retried_and_then_succeeds(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(3))
    ss12000_server.app.fail_next(1, status=500, path="/persons")

    with client_for(ss12000_server) as client:
        page = client.page("persons")

    assert len(page.records) == 3
    assert len(ss12000_server.app.requests_to("/persons")) == 2


def test_a_timeout_is_retried_and_then_succeeds(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(3))
    ss12000_server.app.delay_next(1, seconds=2.0, path="/persons")

    with client_for(ss12000_server, timeout=0.3) as client:
        page = client.page("persons")

    assert len(page.records) == 3
    assert len(ss12000_server.app.requests_to("/persons")) == 2


def test_a_persistent_server_error_raises_after_the_retries(ss12000_server: RunningServer) -> None:
    ss12000_server.app.fail_next(10, status=503, path="/persons")

    with client_for(ss12000_server, retries=2) as client, pytest.raises(Ss12000Error, match="HTTP 503"):
        client.page("persons")

    assert len(ss12000_server.app.requests_to("/persons")) == 3


def test_client_credentials_fetch_one_token_and_send_it_as_bearer(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(25))

    with client_for(ss12000_server) as client:
        pages = list(client.pages("persons"))

    assert len(pages) == 3  # the server answers 401 without a valid bearer token
    assert len(ss12000_server.app.requests_to("/token")) == 1


def test_an_expired_token_is_refreshed_once(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(3))

    with client_for(ss12000_server) as client:
        client.page("persons")
        ss12000_server.app.expire_tokens()
        page = client.page("persons")

    assert len(page.records) == 3
    assert len(ss12000_server.app.requests_to("/token")) == 2
    assert len(ss12000_server.app.requests_to("/persons")) == 3  # ok, 401, ok


def test_a_refused_fresh_token_raises_instead_of_looping(ss12000_server: RunningServer) -> None:
    ss12000_server.app.fail_next(5, status=401, path="/persons")

    with client_for(ss12000_server) as client, pytest.raises(Ss12000Error, match="HTTP 401"):
        client.page("persons")

    assert len(ss12000_server.app.requests_to("/token")) == 2
    assert len(ss12000_server.app.requests_to("/persons")) == 2


def test_a_wrong_client_secret_raises(ss12000_server: RunningServer) -> None:
    with client_for(ss12000_server, client_secret="fel") as client, pytest.raises(Ss12000Error, match="HTTP 401"):
        client.page("persons")

    assert ss12000_server.app.requests_to("/persons") == []


def test_a_fixed_token_is_not_refreshed(ss12000_server: RunningServer) -> None:
    token = ss12000_server.app.issue_token()

    with client_for(ss12000_server, token=token, token_url=None) as client:
        assert client.page("persons").records == []
        ss12000_server.app.expire_tokens()
        with pytest.raises(Ss12000Error, match="HTTP 401"):
            client.page("persons")

    assert ss12000_server.app.requests_to("/token") == []


def test_guardians_are_persons_of_their_own_and_lookup_finds_them_by_id(ss12000_server: RunningServer) -> None:
    """SS 12000 links a pupil to a guardian by `responsibles[].person.id`; `/persons/lookup` brings many at once."""
    dataset = ss12000_server.dataset
    guardians = [person_record(900), person_record(901)]
    for guardian in guardians:
        dataset.put("persons", guardian)
    responsibles = [{"person": {"id": g["id"]}, "relationType": "Vårdnadshavare"} for g in guardians]
    dataset.put("persons", person_record(1, responsibles=responsibles))

    with client_for(ss12000_server) as client:
        found = client.lookup_persons([sid("person", 901), sid("person", 900), sid("person", 9999)])
        records = {r["id"]: r for r in client.page("persons").records}
        pupil = schemas.Person.model_validate(records[sid("person", 1)])

    assert sorted(record["id"] for record in found) == [sid("person", 900), sid("person", 901)]
    assert pupil.responsibles and all(r.decides_for_the_child for r in pupil.responsibles)


def test_a_malformed_record_comes_back_raw_with_the_rest(ss12000_server: RunningServer) -> None:
    put_persons(ss12000_server.dataset, range(4))
    ss12000_server.dataset.put("persons", person_record(4, givenName=""))

    with client_for(ss12000_server) as client:
        records = client.page("persons").records

    assert len(records) == 5
    valid, reasons = [], []
    for record in records:
        try:
            valid.append(schemas.Person.model_validate(record))
        except schemas.ValidationError as error:
            reasons.append(schemas.describe_error(error))
    assert len(valid) == 4
    assert len(reasons) == 1
    assert "givenName" in reasons[0]


@pytest.mark.parametrize("path", ["/token", "/persons"])
def test_an_answer_that_is_not_json_raises(ss12000_server: RunningServer, path: str) -> None:
    ss12000_server.app.fail_next(1, status=200, path=path, body="<html>Logga in</html>")

    with client_for(ss12000_server) as client, pytest.raises(Ss12000Error, match="not JSON"):
        client.page("persons")


def test_client_secret_post_sends_the_secret_in_the_form_with_the_scope(ss12000_server: RunningServer) -> None:
    with client_for(ss12000_server, auth_method="client_secret_post", scope="ss12000:read") as client:
        assert client.page("persons").records == []

    [token_request] = ss12000_server.app.requests_to("/token")
    assert token_request.method == "POST"


def test_an_unknown_auth_method_is_refused(ss12000_server: RunningServer) -> None:
    with pytest.raises(ValueError, match="auth_method"):
        client_for(ss12000_server, auth_method="private_key_jwt")


def test_a_token_is_fetched_again_before_it_expires(ss12000_dataset: Any) -> None:
    import time

    from kring.schooldata.testserver import serve

    with serve(ss12000_dataset, token_lifetime=2) as server, client_for(server) as client:
        client.page("persons")
        time.sleep(1.1)  # past half the token's life: the client does not wait for a 401
        client.page("persons")
        statuses = len(server.app.requests_to("/token"))

    assert statuses == 2
