from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from kring.directory.admin_views.common import manager_required
from kring.directory.http import AuthenticatedRequest
from kring.directory.queries import directory_overview


@login_required
@manager_required
def directory_admin(request: AuthenticatedRequest) -> HttpResponse:
    """The first page: counts, links, and the schools that lack two contact persons in social services."""
    context = {"overview": directory_overview(request.user), "section": "overview"}
    return render(request, "directory/admin/index.html", context)
