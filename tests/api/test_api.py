"""The API's behaviour beyond the matrix: its schema, the public's report landing in social services' inbox, problem
details, rate limits, the statistics' suppression and the closed case's bundle."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from openapi_spec_validator import validate

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import ReportOfConcern, TsiCase
from kring.casework.reports import deadlines
from kring.directory.models import User
from kring.insights.actions import refresh_statistics
from tests.api.conftest import Issued
from tests.api.test_matrix import report_body
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _post(client: Client, issued: Issued, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/reports-of-concern", json.dumps(body), content_type="application/json", **issued.headers()
    )


def test_the_schema_is_valid_openapi_3_1_and_documents_errors_as_problems(client: Client) -> None:
    answer = client.get("/api/v1/openapi.json")

    schema = answer.json()
    validate(schema)
    assert schema["openapi"].startswith("3.1")
    responses = schema["paths"]["/api/v1/units"]["get"]["responses"]
    assert list(responses["404"]["content"]) == ["application/problem+json"]
    assert list(schema["paths"]["/api/v1/tsi-cases/{case_id}/bundle"]["get"]["responses"]["200"]["content"]) == [
        "application/zip"
    ]


def test_a_public_report_lands_in_social_services_inbox_as_a_report_filed_in_kring(
    client: Client, world: World, e_service: Issued, social_worker: User
) -> None:
    answer = _post(client, e_service, report_body(world))

    assert answer.status_code == 201
    assert set(answer.json()) == {"reference", "filed_at"}
    report = ReportOfConcern.objects.get(pk=answer.json()["reference"])
    arrived = timezone.localtime(report.filed_at).date()  # the Stockholm date, not the machine's
    assert report.child == world.child and report.reporter == e_service.user
    assert report.receiving_unit == world.social_services and report.handler == social_worker
    assert report.decision_due == deadlines.decision_due(arrived)
    assert "Greta Granne" in report.what_happened and "070-000 00 00" in report.what_happened
    event = AuditEvent.objects.get(target_type="reportofconcern", target_id=str(report.pk))
    assert event.actor_id == e_service.user.pk and event.action == AuditAction.WRITE
    assert event.details["via"] == "api" and event.details["token"] == e_service.token.prefix


def test_an_anonymous_report_about_a_child_outside_the_register(
    client: Client, world: World, e_service: Issued
) -> None:
    body = report_body(world)
    body["reporter"] = {"anonymous": True}
    body["child"] = {"first_name": "Okänd", "last_name": "Pojke", "birth_date": "2016-03-01", "school": "Ekskolan"}

    answer = _post(client, e_service, body)

    assert answer.status_code == 201
    report = ReportOfConcern.objects.get(pk=answer.json()["reference"])
    assert not report.child.in_register and "Ekskolan" in report.known_about_child
    assert "Greta" not in report.what_happened


def test_an_invalid_report_gets_every_field_error_and_no_echo_of_what_was_sent(
    client: Client, world: World, e_service: Issued
) -> None:
    body = report_body(world)
    body["child"] = {"identity_number": "19990101-1235"}
    body["reporter"] = {"anonymous": True, "name": "Hemlig Person"}
    body["urgency"] = "whenever"
    body["unexpected"] = "x"

    answer = _post(client, e_service, body)

    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    fields = {error["field"].split(".")[0] for error in problem["errors"]}
    assert {"child", "reporter", "urgency", "unexpected"} <= fields
    assert "Hemlig Person" not in answer.content.decode() and "19990101" not in answer.content.decode()
    assert not ReportOfConcern.objects.exists()


def test_malformed_json_is_a_problem_too(client: Client, e_service: Issued) -> None:
    answer = client.post(
        "/api/v1/reports-of-concern", "{not json", content_type="application/json", **e_service.headers()
    )

    assert answer.status_code in (400, 422) and answer["Content-Type"] == "application/problem+json"


def test_an_unknown_path_under_the_api_is_a_404_problem(client: Client, case_system: Issued) -> None:
    answer = client.get("/api/v1/children", **case_system.headers())

    assert answer.status_code == 404 and answer.json()["instance"] == "/api/v1/children"


@override_settings(KRING_API_RATE_LIMIT=3)
def test_calls_over_the_tokens_limit_get_429_with_retry_after(
    client: Client, case_system: Issued, social_services_token: Issued
) -> None:
    cache.clear()
    statuses = [client.get("/api/v1/units", **case_system.headers()).status_code for _ in range(4)]
    other = client.get("/api/v1/units", **social_services_token.headers())
    limited = client.get("/api/v1/units", **case_system.headers())

    assert statuses == [200, 200, 200, 429] and other.status_code == 200
    assert 1 <= int(limited["Retry-After"]) <= 60 and limited.json()["type"].endswith("rate-limited")
    cache.clear()


def test_statistics_never_publish_a_count_under_five(
    client: Client, world: World, e_service: Issued, social_services_token: Issued
) -> None:
    for _ in range(3):
        assert _post(client, e_service, report_body(world)).status_code == 201
    refresh_statistics(municipality=world.municipality)

    answer = client.get("/api/v1/statistics", **social_services_token.headers())

    stats = answer.json()
    reports = stats["reports"]
    assert stats["scope"]["key"] and stats["threshold"] == 5 and len(reports["months"]) == 12
    assert stats["refreshed_at"] is not None
    published = [n for row in reports["cells"] for n in row] + reports["row_totals"] + reports["column_totals"]
    assert all(n is None or n == 0 or n >= 5 for n in [*published, reports["total"]])
    assert reports["total"] is None


def test_the_term_statistics_are_the_pages_tables_and_never_a_count_under_five(
    client: Client, world: World, e_service: Issued, social_services_token: Issued
) -> None:
    for _ in range(3):
        assert _post(client, e_service, report_body(world)).status_code == 201
    refresh_statistics(municipality=world.municipality)

    answer = client.get("/api/v1/statistics/terms", **social_services_token.headers())

    stats = answer.json()
    assert answer.status_code == 200 and len(stats["terms"]) == 4 and stats["threshold"] == 5
    reports = next(m for m in stats["measures"] if m["key"] == "reports")
    assert {m["key"] for m in stats["measures"]}.isdisjoint({"concerns", "absence_investigations"})
    for table in reports["tables"]:
        published = [n for row in table["cells"] for n in row] + table["row_totals"] + table["column_totals"]
        assert all(n is None or n == 0 or n >= 5 for n in [*published, table["total"]])
        assert table["terms"] == stats["terms"]


def test_the_closed_case_bundle_holds_the_pdfs_and_an_index_and_is_audited(
    client: Client, closed_case: TsiCase, case_system: Issued
) -> None:
    answer = client.get(f"/api/v1/tsi-cases/{closed_case.pk}/bundle", **case_system.headers())

    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    index = json.loads(archive.read("index.json"))
    files = [document["file"] for document in index["documents"]]
    assert files == ["plan-v1.pdf", "information-letter.pdf"]
    assert all(archive.read(name).startswith(b"%PDF") for name in files)
    assert index["case"]["id"] == closed_case.pk and index["child"]["last_name"] == closed_case.child.last_name
    export = AuditEvent.objects.get(target_type="tsi_case_bundle")
    assert export.action == AuditAction.EXPORT and export.child_id == closed_case.child_id
    assert export.actor_id == case_system.user.pk and export.details["integration"] == case_system.token.name


def test_an_open_case_has_no_bundle(client: Client, consented_case: TsiCase, case_system: Issued) -> None:
    answer = client.get(f"/api/v1/tsi-cases/{consented_case.pk}/bundle", **case_system.headers())

    assert answer.status_code == 409 and answer.json()["type"].endswith("case-not-closed")
    assert not AuditEvent.objects.filter(target_type="tsi_case_bundle").exists()


def test_reading_the_closed_cases_is_audited_with_the_integration(
    client: Client, closed_case: TsiCase, case_system: Issued
) -> None:
    client.get("/api/v1/tsi-cases/closed", **case_system.headers())

    event = AuditEvent.objects.filter(target_type="tsi_case_list").latest("sequence")
    assert event.details["children"] == [closed_case.child_id] and event.details["via"] == "api"


def test_a_method_an_operation_lacks_is_a_405_problem(client: Client, case_system: Issued) -> None:
    answer = client.delete("/api/v1/units", **case_system.headers())

    assert answer.status_code == 405 and answer["Content-Type"] == "application/problem+json"
    assert answer["Allow"] == "GET" and answer.json()["status"] == 405
