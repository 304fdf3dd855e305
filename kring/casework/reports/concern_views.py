"""The school side of concerns, anonymous consultations and reports of concern: thin typed views.

Access through `kring.casework.reports.concern_queries` (404 when not visible, 403 when the step is not the
user's), writes through `kring.casework.reports.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.audit import record_list_read, record_read
from kring.access.policy import basis_among, can
from kring.access.roles import Category, Permission
from kring.casework.models import Concern, ConcernStatus, Triage
from kring.casework.reports import actions
from kring.casework.reports import concern_queries as queries
from kring.casework.reports.concern_forms import (
    CloseConcernForm,
    ConcernForm,
    ConsultationForm,
    ConsultationReportForm,
    MessageForm,
    ReportByNumberForm,
    ReportForm,
    TriageForm,
)
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.people.models import Child
from kring.people.queries import get_child_for_user

# --- concerns ---------------------------------------------------------------------------------------------------


@login_required
def concern_new(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    """Any member of staff at the child's school records a concern."""
    user = request.user
    child, bases = get_child_for_user(user, child_pk)
    if not queries.records_concerns_for(user, child):
        raise PermissionDenied
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = run_action(form, lambda: actions.record_concern(by=user, child=child, concern=form.to_input()))
        if concern is not None:
            messages.success(request, _("The concern is recorded and sent to the principal and student health."))
            return redirect("concern_detail", concern.pk)
    basis = basis_among(bases, "", Category.IDENTITY) or bases[0]
    record_read(user, "child", child.pk, child_id=child.pk, basis=basis, page="concern_form")
    return render(request, "casework/concerns/concern_form.html", {"form": form, "child": child})


@login_required
def concern_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not (can(user, Permission.CONCERN_RECORD) or can(user, Permission.CONCERN_TRIAGE)):
        raise Http404
    groups = queries.concern_list_for_user(user)
    context = {"groups": groups, "triages": can(user, Permission.CONCERN_TRIAGE)}
    return render(request, "casework/concerns/concern_list.html", context)


@login_required
def concern_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = queries.concern_view_for_user(request.user, pk)
    concern = view.concern
    report_url = f"{reverse('report_new', args=[concern.child_id])}?concern={concern.pk}" if view.can_report else ""
    context = {"view": view, "concern": concern, "report_url": report_url}
    return render(request, "casework/concerns/concern_detail.html", context)


def _after_triage(request: AuthenticatedRequest, concern: Concern, triage: str, note: str) -> HttpResponse:
    """A consultation or a report is recorded by its own form; the other choices are recorded now."""
    if triage == Triage.CONSULTATION:
        return redirect(f"{reverse('consultation_new')}?concern={concern.pk}")
    if triage == Triage.REPORT:
        return redirect(f"{reverse('report_new', args=[concern.child_id])}?concern={concern.pk}")
    actions.triage_concern(by=request.user, concern=concern, triage=triage, note=note)
    if triage == Triage.TSI:
        messages.success(request, _("Recorded. Now write the request to the TSI team."))
        return redirect("casework_request", concern.child_id)
    messages.success(request, _("The decision is recorded."))
    return redirect("concern_detail", concern.pk)


@login_required
def concern_triage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The principal or student health decide what happens next."""
    concern, basis = queries.get_concern_for_user(request.user, pk, for_triage=True)
    if concern.status == ConcernStatus.CLOSED:
        messages.warning(request, _("The concern is closed."))
        return redirect("concern_detail", concern.pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _after_triage(request, concern, form.cleaned_data["triage"], form.cleaned_data["note"])
    record_read(request.user, "concern", concern.pk, child_id=concern.child_id, basis=basis, page="triage")
    context = {"form": form, "concern": concern, "title": _("Decide what happens next")}
    return render(request, "casework/concerns/concern_step.html", context)


@login_required
def concern_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    concern, basis = queries.get_concern_for_user(request.user, pk, for_triage=True)
    form = CloseConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.close_concern(by=request.user, concern=concern, note=form.cleaned_data["note"])
        messages.success(request, _("The concern is closed."))
        return redirect("concern_detail", concern.pk)
    record_read(request.user, "concern", concern.pk, child_id=concern.child_id, basis=basis, page="close")
    context = {"form": form, "concern": concern, "title": _("Close the concern")}
    return render(request, "casework/concerns/concern_step.html", context)


# --- anonymous consultations ------------------------------------------------------------------------------------


@login_required
def consultation_list(request: AuthenticatedRequest) -> HttpResponse:
    """The school's consultations, or a contact person's inbox of the consultations of their schools."""
    user = request.user
    if not (can(user, Permission.CONCERN_TRIAGE) or can(user, Permission.REPORT_RECEIVE)):
        raise Http404
    groups = queries.consultation_list_for_user(user)
    context = {"groups": groups, "can_ask": can(user, Permission.CONCERN_TRIAGE)}
    return render(request, "casework/consultations/consultation_list.html", context)


def _preset_concern(request: AuthenticatedRequest) -> Concern | None:
    value = request.GET.get("concern", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    concern, _basis = queries.get_concern_for_user(request.user, int(value), for_triage=True)
    return concern


@login_required
def consultation_new(request: AuthenticatedRequest) -> HttpResponse:
    """Ask the school's contact persons for advice without identifying the child."""
    user = request.user
    if not can(user, Permission.CONCERN_TRIAGE):
        raise Http404
    concern = _preset_concern(request)
    schools = queries.consultation_schools(user)
    if concern is not None:
        schools = schools.filter(pk=concern.unit_id)
    form = ConsultationForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consultation = run_action(
            form,
            lambda: actions.ask_consultation(
                by=user, school=data["school"], age_band=data["age_band"], question=data["question"], concern=concern
            ),
            field="question",
        )
        if consultation is not None:
            messages.success(request, _("The question is sent to the school's contact persons in social services."))
            return redirect("consultation_detail", consultation.pk)
    context = {"form": form, "concern": concern, "contacts": queries.contact_persons_of(schools)}
    return render(request, "casework/consultations/consultation_form.html", context)


@login_required
def consultation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The thread; both sides write in it."""
    user = request.user
    consultation = queries.get_consultation_for_user(user, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        message = run_action(
            form,
            lambda: actions.write_in_consultation(by=user, consultation=consultation, text=text),
            field="text",
        )
        if message is not None:
            messages.success(request, _("Your message is sent."))
            return redirect("consultation_detail", consultation.pk)
    view = queries.consultation_view_for_user(user, pk)
    template = "casework/consultations/consultation_detail.html"
    return render(request, template, {"view": view, "consultation": view.consultation, "form": form})


@login_required
@require_POST
def consultation_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = queries.get_consultation_for_user(request.user, pk)
    actions.close_consultation(by=request.user, consultation=consultation)
    messages.success(request, _("The consultation is closed."))
    return redirect("consultation_detail", consultation.pk)


@login_required
def consultation_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The advice was to report: name the pupil and file, in one step that discloses the child and is logged."""
    user = request.user
    consultation = queries.get_consultation_for_user(user, pk)
    if not queries.is_school_side(user, consultation) or not can(user, Permission.REPORT_FILE):
        raise PermissionDenied
    pupils = queries.pupils_for_consultation(user, consultation)
    initial = ReportForm.initial_from_consultation(consultation)
    form = ConsultationReportForm(request.POST or None, pupils=pupils, initial=initial)
    if request.method == "POST" and form.is_valid():
        child = form.cleaned_data["pupil"]
        report = run_action(
            form,
            lambda: actions.report_from_consultation(
                by=user, consultation=consultation, child=child, report=form.to_input()
            ),
        )
        if report is not None:
            messages.success(request, _("The report of concern is filed with social services."))
            return redirect("report_mine")
    record_list_read(user, "consultation", [child.pk for child in pupils], consultation.pk, page="report")
    context = {"form": form, "consultation": consultation}
    return render(request, "casework/consultations/consultation_report.html", context)


# --- reports of concern -----------------------------------------------------------------------------------------


def _file(
    request: AuthenticatedRequest, form: ReportForm, child: Child, concern: Concern | None
) -> HttpResponse | None:
    report = run_action(
        form, lambda: actions.file_report(by=request.user, child=child, report=form.to_input(), concern=concern)
    )
    if report is None:
        return None
    messages.success(request, _("The report of concern is filed with social services."))
    return redirect("report_mine")


@login_required
def report_new(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    """School, student health (and anyone with a basis for the child) report to social services."""
    user = request.user
    child, bases = get_child_for_user(user, child_pk)
    if not can(user, Permission.REPORT_FILE):
        raise PermissionDenied
    concern = queries.prefill_concern(user, request.GET.get("concern"), child)
    initial = ReportForm.initial_from_concern(concern) if concern else None
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _file(request, form, child, concern)
        if done is not None:
            return done
    basis = basis_among(bases, "", Category.IDENTITY) or bases[0]
    record_read(
        user, "child", child.pk, child_id=child.pk, basis=basis, page="report_form", concern=concern and concern.pk
    )
    context = {
        "form": form,
        "child": child,
        "concern": concern,
        "receiver": actions.receiving_unit(child),
        "earlier": queries.recent_reports_from_my_units(user, child),
    }
    return render(request, "casework/reports/file_form.html", context)


@login_required
def report_new_by_number(request: AuthenticatedRequest) -> HttpResponse:
    """Anyone with the duty to report names the child: by identity number (the police), or by name and date of
    birth for a child not in the register. The answer is the same whoever the number belongs to."""
    user = request.user
    if not can(user, Permission.REPORT_FILE):
        raise Http404
    form = ReportByNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        filed = run_action(
            form,
            lambda: actions.file_report_about(by=user, named=form.reported_child(), report=form.to_input()),
        )
        if filed is not None:
            messages.success(request, _("The report of concern is filed with social services."))
            return redirect("report_mine")
    return render(request, "casework/reports/file_form.html", {"form": form, "child": None, "concern": None})


@login_required
def report_mine(request: AuthenticatedRequest) -> HttpResponse:
    """The user's filed reports and the feedback the law gives the reporter, nothing more."""
    user = request.user
    if not can(user, Permission.REPORT_FILE):
        raise Http404
    rows = queries.reports_filed_by(user)
    return render(request, "casework/reports/mine.html", {"rows": rows})
