"""The archivist's page: the closed records of the municipality (TSI cases, reports of concern), and "Export
archive package" (a ZIP to download)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kring.directory.http import AuthenticatedRequest
from kring.records.archive import actions, queries
from kring.records.archive.package import zip_package
from kring.records.models import RecordType, TransferDestination

TYPES = [(RecordType.TSI_CASE, RecordType.TSI_CASE.label), (RecordType.REPORT, RecordType.REPORT.label)]


@login_required
def archive(request: AuthenticatedRequest) -> HttpResponse:
    record_type = request.GET.get("type", RecordType.TSI_CASE)
    candidates = queries.closed_records_for_user(request.user, record_type, request.GET.get("page"))
    context = {"page": candidates.page, "records": candidates.rows, "record_type": record_type, "types": TYPES}
    return render(request, "records/archive.html", context)


@login_required
@require_POST
def export(request: AuthenticatedRequest, record_type: str, pk: int) -> HttpResponse:
    record = queries.closed_record_for_user(request.user, record_type, pk)
    with tempfile.TemporaryDirectory(prefix="kring-archive-") as folder:
        done = actions.export_record(
            by=request.user, record_type=record_type, record=record, parent=Path(folder),
            destination=TransferDestination.DOWNLOAD,
        )  # fmt: skip
        data = zip_package(done.package)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{done.transfer.objid}.zip"'
    return response
