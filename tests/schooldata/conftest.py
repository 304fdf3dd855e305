"""A local SS 12000 server over real HTTP (`kring.schooldata.testserver`), and a client for it with small backoff
and timeout so that retries are quick."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from faker import Faker

from kring.people.identity import make_identity_number
from kring.schooldata.client import ClientSettings, Ss12000Client
from kring.schooldata.dataset import Ss12000Dataset
from kring.schooldata.testserver import RunningServer, serve

CLOCK = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def ss12000_dataset() -> Ss12000Dataset:
    """An empty dataset whose clock stands at CLOCK until a test moves it."""
    return Ss12000Dataset(now=CLOCK)


@pytest.fixture
def ss12000_server(ss12000_dataset: Ss12000Dataset) -> Iterator[RunningServer]:
    with serve(ss12000_dataset) as server:
        yield server


def client_for(server: RunningServer, **settings: Any) -> Ss12000Client:
    """A client of the server with OAuth2 client credentials; `settings` override ClientSettings' fields."""
    options: dict[str, Any] = {
        "base_url": server.base_url,
        "token_url": server.token_url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.01,
        "page_size": 10,
    } | settings
    return Ss12000Client(ClientSettings(**options))


# The standard's ids are UUIDs; the tests' say what they are: the kind in the first group, the number in the last.
KINDS = {"person": 1, "organisation": 2, "group": 3, "lesson": 4, "attendance": 5, "absence": 6, "activity": 7}


def sid(kind: str, n: int) -> str:
    """The id of the test record `kind` number `n`: sid("person", 7) == "00000001-0000-4000-8000-000000000007"."""
    return f"{KINDS[kind]:08x}-0000-4000-8000-{n:012d}"


_names = Faker("sv_SE")
_names.seed_instance(12000)


def person_record(n: int, **fields: Any) -> dict[str, Any]:
    """A pupil or guardian in SS 12000's shape: a generated name and a test-series identity number."""
    birth_date = date(2014, 1, 1) + timedelta(days=n // 20)
    return {
        "id": sid("person", n),
        "givenName": _names.first_name(),
        "familyName": _names.last_name(),
        "civicNo": {"value": make_identity_number(birth_date, 980 + n % 20), "nationality": "SE"},
        "birthDate": birth_date.isoformat(),
    } | fields
