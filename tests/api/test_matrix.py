"""Every endpoint × every kind of caller: tokens of each role, of another municipality, expired, revoked, unknown,
and none. Each gets the expected status, and nothing of what it may not see is in the answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kring.casework.models import ReportOfConcern, TsiCase
from kring.directory.models import User
from tests.api.conftest import Issued
from tests.conftest import World

pytestmark = pytest.mark.django_db

CALLERS = ["e_service", "case_system", "social", "principal", "outsider", "expired", "revoked", "unknown", "none"]

# caller -> status for: units, one unit, contact persons, file a report, statistics, closed cases, the bundle
EXPECTED: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "e_service": (403, 403, 403, 201, 404, 200, 404),
    "case_system": (200, 200, 200, 403, 404, 200, 200),
    "social": (200, 200, 200, 403, 200, 200, 404),
    # the principal of the school that asked for the case keeps a basis for it (the requesting school)
    "principal": (200, 200, 200, 403, 200, 200, 200),
    "outsider": (200, 404, 200, 403, 200, 200, 404),
    "expired": (401,) * 7,
    "revoked": (401,) * 7,
    "unknown": (401,) * 7,
    "none": (401,) * 7,
}


def report_body(world: World) -> dict[str, Any]:
    return {
        "reporter": {"anonymous": False, "name": "Greta Granne", "phone": "070-000 00 00"},
        "child": {"identity_number": world.child.identity_number},
        "what_happened": "Jag hör ett barn gråta och vuxna skrika sent på kvällarna.",
        "when_and_where": "Flera kvällar i veckan, i trapphuset.",
        "guardians_informed": False,
        "guardians_not_informed_why": "Jag känner inte familjen.",
        "urgency": "normal",
    }


@pytest.fixture
def callers(
    request: pytest.FixtureRequest,
    e_service: Issued,
    case_system: Issued,
    social_services_token: Issued,
    principal_token: Issued,
    outsider_token: Issued,
    expired_token: Issued,
    revoked_token: Issued,
) -> dict[str, dict[str, str]]:
    unknown = {"HTTP_AUTHORIZATION": "Bearer kring_thisisnotatokenanyonewasevergiven0000000000"}
    return {
        "e_service": e_service.headers(),
        "case_system": case_system.headers(),
        "social": social_services_token.headers(),
        "principal": principal_token.headers(),
        "outsider": outsider_token.headers(),
        "expired": expired_token.headers(),
        "revoked": revoked_token.headers(),
        "unknown": unknown,
        "none": {},
    }


@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_for_every_caller(
    client: Client,
    world: World,
    closed_case: TsiCase,
    social_worker: User,
    callers: dict[str, dict[str, str]],
    caller: str,
) -> None:
    headers = callers[caller]
    answers = [
        client.get("/api/v1/units", **headers),
        client.get(f"/api/v1/units/{world.school.pk}", **headers),
        client.get("/api/v1/contact-persons", **headers),
        client.post(
            "/api/v1/reports-of-concern", json.dumps(report_body(world)), content_type="application/json", **headers
        ),
        client.get("/api/v1/statistics", **headers),
        client.get("/api/v1/tsi-cases/closed", **headers),
        client.get(f"/api/v1/tsi-cases/{closed_case.pk}/bundle", **headers),
    ]

    assert tuple(answer.status_code for answer in answers) == EXPECTED[caller]
    for answer in answers:
        if answer.status_code >= 400:
            assert answer["Content-Type"] == "application/problem+json"
            problem = answer.json()
            assert problem["status"] == answer.status_code and problem["instance"] and problem["title"]
        if answer.status_code == 401:
            assert answer["WWW-Authenticate"].startswith("Bearer")
    text = b"".join(answer.content for answer in answers[:6]).decode()
    assert world.child.last_name not in text and world.child.identity_number not in text
    if caller == "outsider":
        assert world.school.name not in text and social_worker.email not in text
    if caller in ("case_system", "social", "principal"):
        assert world.school.name in answers[0].content.decode() and social_worker.email in answers[2].content.decode()
    if caller in ("case_system", "principal"):
        assert [case["id"] for case in answers[5].json()] == [closed_case.pk]
    elif answers[5].status_code == 200:
        assert answers[5].json() == []
    filed = ReportOfConcern.objects.filter(reporter__api_token__isnull=False).count()
    assert filed == (1 if caller == "e_service" else 0)
