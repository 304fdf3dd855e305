"""The import history, a run's page and the CSV upload: only for those who may import school data, only their own
municipality's runs, audited, with a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import cast

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.auth import activate_totp
from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import Municipality, Unit, User
from kring.people.models import Child
from kring.schooldata import csv_import
from kring.schooldata.models import ImportRejection, ImportRun, ImportSource, ImportStatus
from tests.conftest import TOTP_SECRET, World, login
from tests.factories import MembershipFactory, UserFactory
from tests.schooldata.test_csv_import import ELSA, OMAR, csv_file, pupil

REFUSED = ["teacher", "principal", "social_worker", "police_officer", "outsider"]


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    """The pages in English, so that the assertions hold whatever the Swedish translation says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def coordinator(world: World) -> User:
    user = cast(User, UserFactory(municipality=world.municipality, email="samordnare@kommun.example"))
    MembershipFactory(user=user, unit=world.social_services, role="coordinator")
    activate_totp(user, TOTP_SECRET)
    return user


@pytest.fixture
def persona(request: pytest.FixtureRequest, world: World) -> User:
    user: User = request.getfixturevalue(request.param)
    return user


@pytest.fixture
def codes(world: World) -> None:
    Unit.objects.filter(pk=world.school.pk).update(school_unit_code="99990001")


def make_run(municipality: Municipality, *, by: User | None = None, rejected: int = 0, **fields: object) -> ImportRun:
    run = ImportRun.objects.create(
        municipality=municipality,
        source=ImportSource.CSV,
        source_label="elever.csv",
        started_by=by,
        status=ImportStatus.FAILED if rejected else ImportStatus.COMPLETED,
        counts={"rows": {"read": 12}, "persons": {"created": 10, "unchanged": 2}},
        rejected=rejected,
        **fields,
    )
    ImportRun.objects.filter(pk=run.pk).update(finished_at=run.started_at + timedelta(seconds=75))
    ImportRejection.objects.bulk_create(
        ImportRejection(
            municipality_id=run.municipality_id, run=run, resource="pupils", row_number=n + 2, reason=f"grade: fel {n}"
        )
        for n in range(rejected)
    )
    return run


def urls(run: ImportRun) -> list[str]:
    return ["/school-data/imports/", f"/school-data/imports/{run.pk}/", "/school-data/imports/csv/"]


@pytest.mark.parametrize("persona", ["administrator", "coordinator"], indirect=True)
def test_import_pages_open_for_those_who_import(client: Client, world: World, persona: User) -> None:
    run = make_run(world.municipality, by=persona)
    login(client, persona)

    for url in urls(run):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", REFUSED, indirect=True)
def test_import_pages_are_not_found_for_everyone_else(client: Client, world: World, persona: User) -> None:
    run = make_run(world.municipality, rejected=1)
    login(client, persona)
    before = (ImportRun.objects.count(), AuditEvent.objects.count())

    for url in urls(run):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "elever.csv" not in response.content.decode()
    upload = client.post("/school-data/imports/csv/", {"kind": "pupils", "file": csv_file([pupil()])})

    assert upload.status_code == 404
    assert (ImportRun.objects.count(), AuditEvent.objects.count()) == before


def test_import_pages_send_anonymous_users_to_login(client: Client, world: World) -> None:
    for url in urls(make_run(world.municipality)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_run_of_another_municipality_is_not_found(client: Client, world: World, administrator: User) -> None:
    ours = make_run(world.municipality)
    theirs = make_run(world.other_municipality_child.municipality, rejected=2)
    login(client, administrator)

    assert client.get(f"/school-data/imports/{theirs.pk}/").status_code == 404
    listing = client.get("/school-data/imports/").content.decode()
    assert f"/school-data/imports/{ours.pk}/" in listing
    assert f"/school-data/imports/{theirs.pk}/" not in listing


def test_history_lists_runs_with_counts_and_is_audited(client: Client, world: World, administrator: User) -> None:
    run = make_run(world.municipality, by=administrator, rejected=3)
    login(client, administrator)

    response = client.get("/school-data/imports/")

    body = response.content.decode()
    assert "elever.csv" in body and str(administrator) in body
    assert "10 new, 2 unchanged" in body
    assert "1 min 15 s" in body
    assert f'href="/school-data/imports/{run.pk}/"' in body
    assert re.search(r"<caption>\s*1 ", body)
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="schooldata_import")
    assert event.actor_id == administrator.pk and event.child_id is None


def test_run_page_lists_its_rejections_a_hundred_at_a_time(client: Client, world: World, administrator: User) -> None:
    run = make_run(world.municipality, rejected=150)
    login(client, administrator)

    first = client.get(f"/school-data/imports/{run.pk}/").content.decode()
    second = client.get(f"/school-data/imports/{run.pk}/", {"page": 2}).content.decode()

    assert first.count("grade: fel") == 100 and second.count("grade: fel") == 50
    assert "grade: fel 149" in second and '<th scope="row">151</th>' in second
    reads = AuditEvent.objects.filter(action=AuditAction.READ, target_id=str(run.pk))
    assert reads.count() == 2


def test_upload_of_a_good_file_imports_it_and_shows_the_run(
    client: Client, world: World, administrator: User, codes: None
) -> None:
    login(client, administrator)

    response = client.post("/school-data/imports/csv/", {"kind": "pupils", "file": csv_file([pupil()])})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/school-data/imports/{run.pk}/"
    assert run.status == ImportStatus.COMPLETED and run.started_by == administrator
    assert Child.objects.filter(identity_number=ELSA).exists()
    assert AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="schooldata_import").count() == 1


def test_upload_of_a_bad_file_shows_every_line_and_keeps_the_kind(
    client: Client, world: World, administrator: User, codes: None
) -> None:
    login(client, administrator)
    rows = [pupil(), pupil(OMAR, grade="10")]

    response = client.post("/school-data/imports/csv/", {"kind": "pupils", "file": csv_file(rows)})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body and 'href="#id_file"' in body
    assert '<th scope="row">3</th>' in body
    assert "grade: write F or a grade from 1 to 9" in body
    assert re.search(r'value="pupils"[^>]*checked', body)
    assert 'aria-invalid="true"' in body
    assert not Child.objects.filter(identity_number=ELSA).exists()
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_upload_without_a_file_or_kind_says_what_is_missing(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    body = client.post("/school-data/imports/csv/", {}).content.decode()

    assert 'href="#id_kind"' in body and 'href="#id_file"' in body
    assert ImportRun.objects.count() == 0


def test_upload_of_a_file_too_large_is_refused_before_import(
    client: Client, world: World, administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "MAX_BYTES", 100)
    login(client, administrator)

    response = client.post("/school-data/imports/csv/", {"kind": "pupils", "file": csv_file([pupil()])})

    assert response.status_code == 200
    assert "The file is larger than 50 MB" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_start_page_links_to_the_imports_for_those_who_import(
    client: Client, world: World, administrator: User, teacher: User
) -> None:
    assert "/school-data/imports/" in login(client, administrator).get("/").content.decode()
    client.logout()
    assert "/school-data/imports/" not in login(client, teacher).get("/").content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_history_keeps_its_queries_constant_with_ten_times_the_runs(
    client: Client, world: World, administrator: User, coordinator: User
) -> None:
    login(client, administrator)
    client.get("/")  # the first request checks two-factor set-up once per session
    for n in range(3):
        make_run(world.municipality, by=administrator if n % 2 else coordinator, rejected=n % 2)
    small = _queries(client, "/school-data/imports/")

    for n in range(27):
        make_run(world.municipality, by=administrator if n % 2 else coordinator, rejected=n % 2)
    large = _queries(client, "/school-data/imports/")

    assert ImportRun.objects.count() == 30
    assert small == large
    assert small <= 15, small


def test_runs_are_listed_newest_first(client: Client, world: World, administrator: User) -> None:
    older = make_run(world.municipality)
    ImportRun.objects.filter(pk=older.pk).update(started_at=timezone.now() - timedelta(days=1))
    newer = make_run(world.municipality)
    login(client, administrator)

    body = client.get("/school-data/imports/").content.decode()

    assert body.index(f"/school-data/imports/{newer.pk}/") < body.index(f"/school-data/imports/{older.pk}/")


def test_a_runs_warnings_are_said_in_the_readers_language(client: Client, world: World, coordinator: User) -> None:
    warnings = [
        {"code": "not_offered", "resource": "absences", "status": 404},
        {"code": "guardians_missing", "count": 2},
    ]
    run = make_run(world.municipality, by=coordinator, warnings=warnings)
    login(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    detail = client.get(f"/school-data/imports/{run.pk}/").content.decode()
    history = client.get("/school-data/imports/").content.decode()

    assert "Frånvarotillfällen: leverantören erbjuder den inte" in detail and "(HTTP 404)" in detail
    assert "2 vårdnadshavare som elever är kopplade till hittades inte" in detail
    assert "2 varningar" in history
