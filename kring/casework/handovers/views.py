"""The handover page, where the receiver accepts or declines and the sender revokes (the offers are made from the
case and the report pages: `kring.casework.tsi.views`, `kring.casework.reports.views`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kring.casework.handovers import actions, queries
from kring.casework.handovers.forms import DeclineForm
from kring.casework.workflow import WorkflowError, run_action
from kring.directory.http import AuthenticatedRequest


@login_required
def handover_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = queries.handover_view_for_user(request.user, pk)
    context = {"view": view, "handover": view.handover, "decline_form": DeclineForm()}
    return render(request, "casework/handovers/detail.html", context)


@login_required
@require_POST
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for_user(request.user, pk)
    try:
        actions.accept(by=request.user, handover=handover)
    except WorkflowError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("handover_detail", pk)
    messages.success(request, _("You have taken over %(subject)s.") % {"subject": queries.subject_of(handover)})
    if handover.case_id:
        return redirect("casework_case", handover.case_id)
    return redirect("report_detail", handover.report_id)


@login_required
def decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = queries.handover_view_for_user(request.user, pk)
    if not view.can_answer:
        raise PermissionDenied
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.decline(by=request.user, handover=view.handover, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("You declined. The sender remains responsible."))
            return redirect("home")
    return render(request, "casework/handovers/detail.html", {"view": view, "handover": view.handover,
                                                                "decline_form": form})  # fmt: skip


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handover = queries.get_handover_for_user(request.user, pk)
    try:
        actions.revoke(by=request.user, handover=handover)
    except WorkflowError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The handover is revoked."))
    return redirect("handover_detail", pk)
