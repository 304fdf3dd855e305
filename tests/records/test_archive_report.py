"""A decided report of concern goes to the archive as a package too: valid against the METS schema, every file
listed with its checksum, the report as PDF/A-2b, marked secret; listed for its municipality's archivist only."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from kring.access.models import AuditEvent
from kring.casework.models import ReportAssessment, ReportOfConcern
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.legal import cite
from kring.records.archive import actions
from kring.records.models import ArchiveTransfer
from tests.conftest import login
from tests.records.archive_fixtures import NS, checksum_problems, mets_schema, schema

pytestmark = pytest.mark.django_db


def _export(report: ReportOfConcern, by: User | None, tmp_path: Path) -> Path:
    done = actions.export_record(by=by, record_type="report", record=report, parent=tmp_path, destination="download")
    return done.package.root


def test_a_decided_report_is_packaged_valid_complete_and_secret(
    decided_report: ReportOfConcern, archivist: User, tmp_path: Path
) -> None:
    package = _export(decided_report, archivist, tmp_path)
    validator = mets_schema()
    for path in (package / "METS.xml", package / "representations" / "rep1" / "METS.xml"):
        assert validator.validate(etree.parse(str(path))), validator.error_log
    record = etree.parse(str(package / "metadata" / "descriptive" / "record.xml"))
    assert schema("kring-record.xsd").validate(record)
    assert checksum_problems(package) == []
    root = record.getroot()
    assert root.find("k:recordType", NS).get("code") == "report"
    assert root.find("k:secrecy", NS).get("secret") == "true"
    assert cite("social_services_secrecy") in root.xpath("k:secrecy/k:provision/text()", namespaces=NS)
    pdf = PdfReader(package / "representations" / "rep1" / "data" / "01-report.pdf")
    assert 'pdfaid:part="2"' in pdf.xmp_metadata.rdf_root.toxml()
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "bråk hemma varje kväll" in text and "Familjen har redan stöd via TSI." in text
    reads = {e.target_type for e in AuditEvent.objects.filter(action="read", details__for="archive_package")}
    assert reads == {"report", "reportassessment", "reportfeedback"}


def test_a_report_without_a_decision_is_not_packaged(
    decided_report: ReportOfConcern, archivist: User, tmp_path: Path
) -> None:
    ReportAssessment.objects.filter(report=decided_report).update(decided_at=None, decision="")
    decided_report.refresh_from_db()
    decided_report.assessment.refresh_from_db()
    with pytest.raises(WorkflowError):
        _export(decided_report, archivist, tmp_path)
    with pytest.raises(CommandError, match="not closed"):
        call_command("archive_export", report=decided_report.pk, out=str(tmp_path), stdout=StringIO())
    assert list(tmp_path.iterdir()) == [] and not ArchiveTransfer.objects.exists()


def test_the_archivist_lists_and_exports_reports(
    client: Client, decided_report: ReportOfConcern, archivist: User
) -> None:
    login(client, archivist)
    url = reverse("records_archive_export", args=["report", decided_report.pk])
    page = client.get(reverse("records_archive"), {"type": "report"}).content.decode()
    assert f'"{url}"' in page and decided_report.child.first_name not in page
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert ArchiveTransfer.objects.get().record_type == "report"
    assert client.get(reverse("records_archive"), {"type": "nonsense"}).status_code == 404


@pytest.mark.parametrize("who", ["principal", "social_worker", "teacher", "outsider"])
def test_nobody_else_exports_a_report(
    client: Client, decided_report: ReportOfConcern, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("records_archive"), {"type": "report"}).status_code == 404
    url = reverse("records_archive_export", args=["report", decided_report.pk])
    assert client.post(url).status_code == 404
    assert not ArchiveTransfer.objects.exists()


def test_kring_archive_export_writes_a_report(decided_report: ReportOfConcern, tmp_path: Path) -> None:
    out = StringIO()
    call_command("archive_export", report=decided_report.pk, out=str(tmp_path), stdout=out)
    transfer = ArchiveTransfer.objects.get()
    assert transfer.objid.startswith(f"kring-{decided_report.municipality.code}-report-{decided_report.pk}-")
    assert checksum_problems(tmp_path / transfer.objid) == []
    with pytest.raises(CommandError, match="either"):
        call_command("archive_export", out=str(tmp_path), stdout=StringIO())
