"""Log review (loggkontroll): for roles with the audit review permission, within their own municipality."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.acting import StaffRequest
from kring.access.policy import can
from kring.access.review import (
    AuditFilterForm,
    ConclusionForm,
    log_reviews_for_user,
    record_log_review,
    review_events_for_user,
)
from kring.access.roles import Permission


def _reviewer(request: StaffRequest) -> None:
    if not can(request.user, Permission.AUDIT_REVIEW):
        raise Http404


def _render_review(request: StaffRequest, query: QueryDict, conclusion: ConclusionForm | None = None) -> HttpResponse:
    form = AuditFilterForm(query or None, municipality_id=request.user.municipality_id)
    review = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        review = review_events_for_user(request.user, filters, query.get("page"))
    kept = query.copy()
    kept.pop("page", None)
    context = {
        "form": form,
        "review": review,
        "query": kept.urlencode(),
        "conclusion_form": conclusion or ConclusionForm(initial={"query": kept.urlencode()}),
    }
    return render(request, "access/audit_review.html", context)


@login_required
def audit_review(request: StaffRequest) -> HttpResponse:
    """The filters are posted (a child's identity number never goes into a URL) and come back as a URL with the
    child as a signed reference, which pagination and bookmarks keep."""
    _reviewer(request)
    if request.method == "POST":
        form = AuditFilterForm(request.POST, municipality_id=request.user.municipality_id)
        if form.is_valid():
            return redirect(f"{reverse('audit_review')}?{form.url_query()}")
        context = {"form": form, "review": None, "query": "", "conclusion_form": None}
        return render(request, "access/audit_review.html", context)
    return _render_review(request, request.GET)


@login_required
@require_POST
def audit_review_record(request: StaffRequest) -> HttpResponse:
    """Record the review of the events the filters show, with what the reviewer concluded."""
    _reviewer(request)
    conclusion = ConclusionForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    filters = AuditFilterForm(query or None, municipality_id=request.user.municipality_id)
    if not conclusion.is_valid() or (filters.is_bound and not filters.is_valid()):
        return _render_review(request, query, conclusion)
    record_log_review(
        by=request.user,
        filters=filters.cleaned_data if filters.is_bound else {},
        query=query.urlencode(),
        conclusion=conclusion.cleaned_data["conclusion"],
        note=conclusion.cleaned_data["note"],
    )
    messages.success(request, _("The review was recorded."))
    return redirect("audit_reviews")


@login_required
def audit_reviews(request: StaffRequest) -> HttpResponse:
    """The reviews recorded in the reviewer's own secrecy domain."""
    _reviewer(request)
    return render(request, "access/audit_reviews.html", {"reviews": log_reviews_for_user(request.user)})
