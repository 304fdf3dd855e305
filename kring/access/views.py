"""Log review (loggkontroll). (Being built.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kring.access.policy import can
from kring.access.roles import Permission


@login_required
def audit_review(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Permission.AUDIT_REVIEW):
        raise Http404
    return render(request, "access/audit_review.html", {})
