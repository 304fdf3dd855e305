"""Log review (loggkontroll): for roles with the audit review permission, within their own municipality."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from kring.access.acting import StaffRequest
from kring.access.policy import can
from kring.access.review import AuditFilterForm, review_events_for_user
from kring.access.roles import Permission


@login_required
def audit_review(request: StaffRequest) -> HttpResponse:
    if not can(request.user, Permission.AUDIT_REVIEW):
        raise Http404
    form = AuditFilterForm(request.GET or None, municipality_id=request.user.municipality_id)
    review = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        review = review_events_for_user(request.user, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/audit_review.html", {"form": form, "review": review, "query": query.urlencode()})
