"""Social services' side of a report of concern: the inbox, the report page and the steps (receipt, protection
assessment, decision, feedback). Thin typed views: reads through `report_queries`, writes through
`report_actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kring.access.policy import Basis
from kring.casework.approvals.queries import approvals_of, awaits_approval
from kring.casework.handovers.forms import OfferForm
from kring.casework.handovers.queries import open_handover, other_units
from kring.casework.models import ReportOfConcern
from kring.casework.reports import actions as report_actions
from kring.casework.reports import assignment, handover
from kring.casework.reports import forms as report_forms
from kring.casework.reports.queries import (
    InboxFilter,
    decision_of,
    get_report_for_user,
    inbox_for_user,
    record_report_step_read,
    report_view_for_user,
)
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import UnitKind
from kring.legal import cite


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """The reports the user's unit receives, with their clocks: overdue first, then acute, then newest."""
    page = request.GET.get("page", "1")
    show = request.GET.get("show", InboxFilter.ALL)
    mine = request.GET.get("mine") == "1"
    view = inbox_for_user(request.user, show, int(page) if page.isdigit() else 1, mine=mine)
    return render(request, "casework/reports/inbox.html", {"inbox": view})


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = report_view_for_user(request.user, pk)
    context = {
        "view": view,
        "report": view.report,
        "feedback_reference": cite("report_feedback"),
        "can_assign": view.is_receiver and assignment.may_assign(request.user, view.report),
        "open_handover": open_handover(request.user, report=view.report),
        "can_hand_over": view.is_receiver and handover.may_hand_over_report(request.user, view.report),
        "approvals": approvals_of(request.user, report=view.report) if view.is_receiver else [],
    }
    return render(request, "casework/reports/detail.html", context)


def _data(request: AuthenticatedRequest) -> Any:
    """The posted data, also when a form has no fields (receiving the report is just a button)."""
    return request.POST if request.method == "POST" else None


def _step(
    request: AuthenticatedRequest,
    report: ReportOfConcern,
    bases: list[Basis],
    form: Any,
    perform: Callable[[dict[str, Any]], Any],
    *,
    title: Any,
    done: Any,
    intro: Any = "",
    waiting: Any = None,
) -> HttpResponse:
    """The shape of every step: a form, an action, back to the report page with a message (`done`, or `waiting`
    when the step waits for the unit manager's approval)."""
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_action(form, lambda: perform(form.cleaned_data))
    if result is not None:
        messages.success(request, waiting if waiting and awaits_approval(result) else done)
        return redirect("report_detail", report.pk)
    record_report_step_read(
        request.user, report, bases, page=str(request.resolver_match.url_name if request.resolver_match else "")
    )
    context = {"report": report, "form": form, "title": title, "intro": intro}
    return render(request, "casework/reports/step.html", context)


@login_required
def assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The unit manager gives the report to a social worker of the receiving unit."""
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    if not assignment.may_assign(request.user, report):
        raise PermissionDenied
    form = report_forms.AssignForm(
        _data(request),
        candidates=report_actions.handler_candidates(report.receiving_unit_id),
        initial={"handler": report.handler_id},
    )
    return _step(
        request,
        report,
        bases,
        form,
        lambda d: assignment.assign_report(by=request.user, report=report, handler=d["handler"]),
        title=_("Assign a handling officer"),
        done=_("The report has a new handling officer."),
    )


@login_required
def receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    return _step(
        request,
        report,
        bases,
        report_forms.ReceiveForm(_data(request)),
        lambda _cleaned: report_actions.receive_report(by=request.user, report=report),
        title=_("Register the report as received"),
        done=_("The report is received. Make the protection assessment today."),
        intro=_(
            "The clocks already run from the day the report came in: the protection assessment the same day, the "
            "initial assessment and the feedback to the reporter within their limits. Registering the receipt "
            "tells the reporter that social services have it."
        ),
    )


@login_required
def protection(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    return _step(
        request,
        report,
        bases,
        report_forms.ProtectionForm(_data(request)),
        lambda d: report_actions.record_protection_assessment(
            by=request.user, report=report, outcome=d["outcome"], note=d["note"]
        ),
        title=_("Protection assessment"),
        done=_("The protection assessment is saved."),
        intro=_("Does the child need protection at once? The assessment is made the same day the report arrives."),
    )


@login_required
def decision(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    return _step(
        request,
        report,
        bases,
        report_forms.DecisionForm(_data(request)),
        lambda d: report_actions.record_decision(
            by=request.user, report=report, decision=d["decision"], note=d["note"]
        ),
        title=_("Initial assessment: the decision"),
        done=_("The decision is saved. Give the reporter feedback."),
        waiting=_("The decision waits for the unit manager's approval; the report stays undecided until then."),
        intro=_("Decide whether to open an investigation (förhandsbedömning)."),
    )


@login_required
def match_child(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    return _step(
        request,
        report,
        bases,
        report_forms.MatchChildForm(_data(request)),
        lambda d: report_actions.match_reported_child(
            by=request.user, report=report, identity_number=d["identity_number"]
        ),
        title=_("Match the child to the register"),
        done=_("The report now names the child in the register."),
        intro=_(
            "The reporter named a child who is not in the register (no identity number, another municipality, or "
            "not imported yet). When you have found the child, give the identity number."
        ),
    )


@login_required
def extension(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    return _step(
        request,
        report,
        bases,
        report_forms.ExtensionForm(_data(request)),
        lambda d: report_actions.extend_initial_assessment(
            by=request.user, report=report, until=d["until"], reason=d["reason"]
        ),
        title=_("Extend the initial assessment"),
        done=_("The extension is recorded with its reasons."),
        intro=_("The initial assessment is due %(date)s, 14 days after the report came in.")
        % {"date": report.decision_due.isoformat()},
    )


@login_required
def feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    form = report_forms.FeedbackForm(_data(request), initial={"kind": decision_of(report)})
    return _step(
        request,
        report,
        bases,
        form,
        lambda d: report_actions.give_feedback(by=request.user, report=report, kind=d["kind"]),
        title=_("Feedback to the reporter"),
        done=_("The feedback is given. The reporter sees it on the report."),
        intro=_("The feedback says what was decided; it is filled in from the decision."),
    )


@login_required
def hand_over(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The handling officer offers the report to a colleague or another unit; it moves when they accept."""
    report, bases = get_report_for_user(request.user, pk, for_write=True)
    if not handover.may_hand_over_report(request.user, report):
        raise PermissionDenied
    form = OfferForm(
        _data(request),
        colleagues=report_actions.handler_candidates(report.receiving_unit_id).exclude(pk=request.user.pk),
        units=other_units(request.user, UnitKind.SOCIAL_SERVICES_UNIT, report.receiving_unit_id),
    )
    return _step(
        request,
        report,
        bases,
        form,
        lambda d: handover.offer_report(by=request.user, report=report, **d),
        title=_("Hand the report over"),
        done=_("The report is offered. You remain responsible until it is accepted."),
    )
