"""The approval page (the unit manager approves or returns the step with a comment) and the municipality's choice
of the steps that need approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.approvals import actions, queries
from kring.casework.approvals.forms import ReturnForm, SettingsForm
from kring.casework.workflow import WorkflowError, run_action
from kring.directory.http import AuthenticatedRequest


@login_required
def approval_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = queries.approval_view_for_user(request.user, pk)
    return render(request, "casework/approvals/detail.html", {"view": view, "form": ReturnForm()})


@login_required
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    approval = queries.get_approval_for_user(request.user, pk)
    try:
        actions.approve(by=request.user, approval=approval)
    except WorkflowError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("approval_detail", pk)
    messages.success(request, _("Approved: the step has taken effect."))
    return redirect(queries.subject_url(approval))


@login_required
def return_step(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = queries.approval_view_for_user(request.user, pk)
    if not view.can_decide:
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form, lambda: actions.return_approval(by=request.user, approval=view.approval, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("Returned with your comment."))
            return redirect("home")
    return render(request, "casework/approvals/detail.html", {"view": view, "form": form})


@login_required
def approval_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Those who manage the organisation choose the steps that need a unit manager's approval."""
    if not can(request.user, Permission.DIRECTORY_MANAGE) or request.user.municipality_id is None:
        raise Http404
    current = actions.settings_for(request.user.municipality_id)
    initial = {"tsi_plan": current.tsi_plan, "tsi_closure": current.tsi_closure,
               "report_not_opened": current.report_not_opened}  # fmt: skip
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_settings(by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("approval_settings")
    return render(request, "casework/approvals/settings.html", {"form": form})
