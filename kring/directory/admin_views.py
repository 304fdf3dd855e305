"""Organisation admin: organisations, units, staff and roles, contact persons. (Being built.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kring.access.policy import can
from kring.access.roles import Permission


@login_required
def directory_admin(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Permission.DIRECTORY_MANAGE):
        raise Http404
    return render(request, "directory/admin/index.html", {})
