"""The archivist's page: the closed cases of the municipality, and "Export archive package" (a ZIP to download)."""

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
from kring.records.models import TransferDestination


@login_required
def archive(request: AuthenticatedRequest) -> HttpResponse:
    candidates = queries.closed_cases_for_user(request.user, request.GET.get("page"))
    return render(request, "records/archive.html", {"page": candidates.page, "cases": candidates.rows})


@login_required
@require_POST
def export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = queries.closed_case_for_user(request.user, pk)
    with tempfile.TemporaryDirectory(prefix="kring-archive-") as folder:
        done = actions.export_case(
            by=request.user, case=case, parent=Path(folder), destination=TransferDestination.DOWNLOAD
        )
        data = zip_package(done.package)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{done.transfer.objid}.zip"'
    return response
