"""Schemathesis against the API's own OpenAPI schema: generated requests to every operation, with valid tokens, must
give no server error and no answer that breaks the schema (status, content type, body, headers)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kring.casework.models import TsiCase
from tests.api.conftest import Issued

# Examples per operation: 30 in the suite (under a minute); .ci/run runs it again with more (KRING_API_FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("KRING_API_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def tokens(e_service: Issued, case_system: Issued, closed_case: TsiCase) -> dict[str, Issued]:
    """The e-service files reports; social services' case system reads (it has a closed case to hand over)."""
    return {"POST": e_service, "GET": case_system}


def _check(operation: APIOperation, issued: Issued) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def generated(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {issued.secret}"}, checks=CHECKS)

    generated()


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    """As Django's test client does: a request's end must not close the test's database connection (on PostgreSQL
    that would end the test's transaction); schemathesis calls the WSGI application itself."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@override_settings(KRING_API_RATE_LIMIT=100_000)
def test_the_api_keeps_its_schema(db: None, tokens: dict[str, Issued]) -> None:
    cache.clear()
    with _connection_kept_open():
        _check_every_operation(tokens)


def _check_every_operation(tokens: dict[str, Issued]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation in operations:
        _check(operation, tokens[operation.method.upper()])

    assert len(operations) == 8
