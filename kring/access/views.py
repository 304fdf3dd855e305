"""Log review (loggkontroll): for roles with the audit review permission, within their own municipality."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kring.access.acting import StaffRequest
from kring.access.policy import can
from kring.access.review import AuditFilterForm, review_events_for_user
from kring.access.roles import Permission


@login_required
def audit_review(request: StaffRequest) -> HttpResponse:
    """The filters are posted (a child's identity number never goes into a URL) and come back as a URL with the
    child as a signed reference, which pagination and bookmarks keep."""
    if not can(request.user, Permission.AUDIT_REVIEW):
        raise Http404
    municipality_id = request.user.municipality_id
    if request.method == "POST":
        form = AuditFilterForm(request.POST, municipality_id=municipality_id)
        if form.is_valid():
            return redirect(f"{reverse('audit_review')}?{form.url_query()}")
        return render(request, "access/audit_review.html", {"form": form, "review": None, "query": ""})
    form = AuditFilterForm(request.GET or None, municipality_id=municipality_id)
    review = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        review = review_events_for_user(request.user, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/audit_review.html", {"form": form, "review": review, "query": query.urlencode()})
