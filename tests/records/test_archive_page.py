"""The archivist's archive page: the municipality's closed cases, "Export archive package" (a ZIP of the package),
the command `kring archive-export`; nobody else sees a thing (404), not even an archivist of another municipality."""

from __future__ import annotations

import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import TsiCase
from kring.directory.models import Unit, User
from kring.records.models import ArchiveTransfer
from tests.conftest import World, _staff, login
from tests.factories import OrganisationFactory, UnitFactory
from tests.records.archive_fixtures import checksum_problems

pytestmark = pytest.mark.django_db


def _case_label(case: TsiCase) -> str:
    return f'"{reverse("records_archive_export", args=["tsi_case", case.pk])}"'


def test_the_archivist_sees_the_closed_cases_and_not_the_open_ones(
    client: Client, archivist: User, closed_case: TsiCase, world: World, tsi_team: Unit, principal: User
) -> None:
    from kring.casework.tsi import actions as tsi_actions

    still_open = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ny.", tried="")
    page = login(client, archivist).get(reverse("records_archive"))
    text = page.content.decode()
    assert page.status_code == 200
    assert _case_label(closed_case) in text and _case_label(still_open) not in text
    assert closed_case.child.first_name not in text  # the list names no child
    assert reverse("records_archive") in client.get(reverse("home")).content.decode()  # in the menu
    read = AuditEvent.objects.get(target_type="archive_candidates")
    assert read.details["records"] == [closed_case.pk] and read.details["children"] == [closed_case.child_id]


def test_the_archivist_exports_a_package_as_a_zip_with_one_root_folder(
    client: Client, archivist: User, closed_case: TsiCase, tmp_path: Path
) -> None:
    login(client, archivist)
    response = client.post(reverse("records_archive_export", args=["tsi_case", closed_case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    transfer = ArchiveTransfer.objects.get()
    assert f'filename="{transfer.objid}.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {transfer.objid}  # CSIPSTR1, CSIPSTR2
        archive.extractall(tmp_path)
    assert checksum_problems(tmp_path / transfer.objid) == []
    assert (transfer.record_id, transfer.exported_by, transfer.destination) == (closed_case.pk, archivist, "download")
    assert AuditEvent.objects.filter(action="export", target_type="archive_package", actor_id=archivist.pk).exists()
    page = client.get(reverse("records_archive")).content.decode()
    assert timezone.localtime(transfer.exported_at).strftime("%Y-%m-%d") in page


def test_an_open_case_cannot_be_exported(client: Client, archivist: User, consented_case: TsiCase) -> None:
    login(client, archivist)
    assert client.post(reverse("records_archive_export", args=["tsi_case", consented_case.pk])).status_code == 404
    assert not ArchiveTransfer.objects.exists()


@pytest.mark.parametrize(
    "who", ["teacher", "principal", "tsi_member", "social_worker", "police_officer", "administrator", "coordinator"]
)
def test_nobody_else_sees_the_archive_page_or_exports(
    client: Client, closed_case: TsiCase, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("records_archive")).status_code == 404
    assert client.post(reverse("records_archive_export", args=["tsi_case", closed_case.pk])).status_code == 404
    assert reverse("records_archive") not in client.get(reverse("home")).content.decode()
    assert not ArchiveTransfer.objects.exists()


def test_an_archivist_of_another_municipality_sees_nothing(client: Client, world: World, closed_case: TsiCase) -> None:
    elsewhere = world.other_municipality_child.municipality
    office = UnitFactory(organisation=OrganisationFactory(municipality=elsewhere), school_forms=[], grades=[])
    login(client, _staff(elsewhere, office, "archivist", "arkivarie@annanstad.example"))
    page = client.get(reverse("records_archive"))
    assert page.status_code == 200 and _case_label(closed_case) not in page.content.decode()
    assert client.post(reverse("records_archive_export", args=["tsi_case", closed_case.pk])).status_code == 404
    assert not ArchiveTransfer.objects.exists()
    assert not AuditEvent.objects.filter(target_type="archive_candidates").exists()


def test_the_archive_page_takes_the_same_number_of_queries_for_many_cases(
    client: Client, archivist: User, closed_case: TsiCase
) -> None:
    login(client, archivist)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("records_archive")).status_code == 200
        return len(queries)

    count()  # the first request of a session does a little more (whatever the page)
    one = count()
    for _ in range(4):
        copy = TsiCase.objects.get(pk=closed_case.pk)
        copy.pk = None
        copy.save()
    ArchiveTransfer.objects.create(
        municipality_id=closed_case.municipality_id, record_type="tsi_case", record_id=closed_case.pk,
        objid="kring-x", mets_sha256="0" * 64, documents=1, destination="download", exported_at=closed_case.closed_at,
    )  # fmt: skip
    assert count() == one


def test_kring_archive_export_writes_the_package_into_the_folder(  # type: ignore[no-untyped-def]
    closed_case: TsiCase, tmp_path: Path, settings
) -> None:
    settings.KRING_ARCHIVE_DIR = str(tmp_path)
    out = StringIO()
    call_command("archive_export", case=closed_case.pk, out=str(tmp_path), stdout=out)
    transfer = ArchiveTransfer.objects.get()
    assert out.getvalue().startswith(f"Wrote {tmp_path / transfer.objid} (3 documents")
    assert checksum_problems(tmp_path / transfer.objid) == []
    assert (transfer.exported_by, transfer.destination) == (None, "archive_dir")


def test_a_package_written_outside_the_archive_does_not_count_as_handed_over(  # type: ignore[no-untyped-def]
    closed_case: TsiCase, tmp_path: Path, settings
) -> None:
    settings.KRING_ARCHIVE_DIR = str(tmp_path / "archive")
    call_command("archive_export", case=closed_case.pk, out=str(tmp_path / "scratch"), stdout=StringIO())
    assert ArchiveTransfer.objects.get().destination == "download"
    export = AuditEvent.objects.get(action="export", target_type="archive_package")
    assert export.actor_label == "kring archive" and export.municipality_id == closed_case.municipality_id


def test_kring_archive_export_refuses_an_open_or_unknown_case(consented_case: TsiCase, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not closed"):
        call_command("archive_export", case=consented_case.pk, out=str(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError, match="No TSI case"):
        call_command("archive_export", case=999999, out=str(tmp_path), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []
