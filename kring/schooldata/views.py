"""The early warning of absence and the investigations of absence: thin typed views.

Access through `kring.schooldata.queries` (404 when the user does not follow the school's absence or has no basis
for the pupil, 403 when an investigation is visible but not the user's to change), writes through
`kring.schooldata.investigations`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.schooldata import investigations as actions
from kring.schooldata import queries
from kring.schooldata.forms import CloseInvestigationForm, InvestigationForm, LevelFilterForm
from kring.schooldata.models import AbsenceInvestigation, InvestigationStatus
from kring.schooldata.school_calendar import last_term_day


@login_required
def early_warning_units(request: AuthenticatedRequest) -> HttpResponse:
    """The schools whose absence the user follows, with the number of pupils at each level."""
    if not can(request.user, Permission.ABSENCE_OVERSEE):
        raise Http404
    return render(request, "schooldata/early_warning_units.html", {"summaries": queries.unit_summaries(request.user)})


@login_required
def early_warning(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    """The pupils of the school above the thresholds, what has been done and who acts next (audited)."""
    user = request.user
    unit = queries.get_early_warning_unit_for_user(user, unit_id)
    form = LevelFilterForm(request.GET or None)
    level_min = form.level_min()
    settings = queries.absence_settings_for(unit.municipality_id)
    listing = queries.early_warning_rows(
        user, unit, level_min=level_min, page_number=request.GET.get("page"), window_days=settings.window_days
    )
    rows = listing.rows
    columns = queries.early_warning_columns(user, unit, rows)
    query = request.GET.copy()
    query.pop("page", None)
    computed = queries.computed_on(user, unit)
    context = {
        "unit": unit,
        "rows": rows,
        "page": listing.page,
        "query": query.urlencode(),
        "columns": columns,
        "form": form,
        "level_min": level_min,
        "settings": settings,
        "computed_on": computed,
        "measured_until": last_term_day(computed) if computed else None,
        "can_record_concern": can(user, Permission.CONCERN_RECORD),
    }
    return render(request, "schooldata/early_warning.html", context)


@login_required
@require_POST
def investigation_start(request: AuthenticatedRequest, unit_id: int, child_id: int) -> HttpResponse:
    """Open an investigation of a pupil's absence (or go to the one already open)."""
    user = request.user
    unit = queries.get_early_warning_unit_for_user(user, unit_id)
    child = queries.get_pupil_for_user(user, unit, child_id)
    investigation = actions.open_investigation(child=child, unit=unit, by=user)
    messages.success(request, _("The investigation of the absence is open. Record what is known and what is done."))
    return redirect("absence_investigation", investigation.pk)


def _can_change(request: AuthenticatedRequest, investigation: AbsenceInvestigation) -> bool:
    return investigation.status == InvestigationStatus.OPEN and queries.oversees(request.user, investigation.unit_id)


@login_required
def investigation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The investigation, and for those who lead it the form to record its background, measures and conclusion."""
    user = request.user
    investigation, basis = queries.get_investigation_for_user(user, pk)
    can_change = _can_change(request, investigation)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = InvestigationForm.for_investigation(investigation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.update_investigation(investigation, by=user, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The investigation is saved."))
            return redirect("absence_investigation", investigation.pk)
    queries.audit_investigation_read(user, investigation, basis)
    context = {"investigation": investigation, "basis": basis, "form": form, "can_change": can_change}
    return render(request, "schooldata/investigation_detail.html", context)


@login_required
def investigation_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Close the investigation with its conclusion."""
    user = request.user
    investigation, basis = queries.get_investigation_for_user(user, pk)
    if not _can_change(request, investigation):
        raise PermissionDenied
    form = CloseInvestigationForm(request.POST or None, initial={"conclusion": investigation.conclusion})
    if request.method == "POST" and form.is_valid():
        conclusion = form.cleaned_data["conclusion"]
        done = run_action(form, lambda: actions.close_investigation(investigation, by=user, conclusion=conclusion))
        if done is not None:
            messages.success(request, _("The investigation is closed."))
            return redirect("absence_investigation", investigation.pk)
    queries.audit_investigation_read(user, investigation, basis)
    context = {"investigation": investigation, "form": form}
    return render(request, "schooldata/investigation_close.html", context)


@login_required
def child_absence(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    """The Absence section of the child overview (loaded into it with htmx), or a page of its own."""
    absence = queries.child_absence_for_user(request.user, child_pk)
    if absence is None:
        if request.htmx:
            return HttpResponse(status=204)  # the overview simply has no Absence section
        raise Http404
    template = "schooldata/child_absence.html#section" if request.htmx else "schooldata/child_absence.html"
    return render(request, template, {"absence": absence, "child": absence.child})
