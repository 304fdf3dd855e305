"""Prevention programmes: thin typed views over `queries` (who may read) and `actions` (who may write)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.prevention import charts
from kring.prevention.models import Programme
from kring.prevention.programmes import actions, queries
from kring.prevention.programmes.forms import MentorForm, ProgrammeForm, SessionForm, TrainingForm
from kring.prevention.tryggbas.queries import lead_units, school_staff


@login_required
def programme_list(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's catalogue of prevention programmes."""
    programmes = list(queries.catalogue(request.user))
    context = {"programmes": programmes, "can_edit": can(request.user, Permission.PREVENTION_FOLLOW)}
    return render(request, "prevention/programme_list.html", context)


def _programme_form(request: AuthenticatedRequest, programme: Programme | None) -> HttpResponse:
    user = request.user
    initial = ProgrammeForm.initial_of(programme) if programme else None
    form = ProgrammeForm(request.POST or None, initial=initial, municipality_id=user.municipality_id or 0)
    if request.method == "POST" and form.is_valid():
        given = actions.ProgrammeInput(**form.cleaned_data)
        saved = run_action(form, lambda: actions.save_programme(given=given, by=user, programme=programme))
        if saved is not None:
            messages.success(request, _("The programme is saved."))
            return redirect("prevention_programme", saved.pk)
    return render(request, "prevention/programme_form.html", {"form": form, "programme": programme})


@login_required
def programme_new(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, Permission.PREVENTION_FOLLOW):
        raise Http404
    return _programme_form(request, None)


@login_required
def programme_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _programme_form(request, queries.get_programme_for_user(request.user, pk, for_write=True))


@login_required
def programme_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The programme, its manual, and reach and fidelity at the schools that run it this term."""
    user = request.user
    programme = queries.get_programme_for_user(user, pk)
    rows = queries.reach(user, programme, timezone.localdate())
    context = {
        "programme": programme,
        "rows": rows,
        "total": queries.municipality_totals(rows),
        "schools": list(lead_units(user)),
        "can_edit": can(user, Permission.PREVENTION_FOLLOW),
    }
    return render(request, "prevention/programme_detail.html", context)


@login_required
def reach_chart(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    rows = queries.reach(request.user, programme, timezone.localdate())
    series = {
        _("Classes reached"): [row.classes_percent for row in rows],
        _("Pupils reached"): [row.pupils_percent for row in rows],
        _("Sessions of the manual held"): [row.fidelity_percent for row in rows],
        _("Staff trained"): [row.staff_percent for row in rows],
    }
    svg = charts.grouped_bars_svg([row.unit.name for row in rows], series, _("Reach and fidelity"), _("Per cent"))
    return HttpResponse(svg, content_type="image/svg+xml")


def _forms(request: AuthenticatedRequest, programme: Programme, unit: Any, bound: str) -> dict[str, Any]:
    """The school page's forms, the one sent (`bound`) with what was typed."""
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    groups = queries.class_choices(programme, unit, today)
    facilitators = queries.facilitator_choices(programme, unit)
    return {
        "training": TrainingForm(data if bound == "training" else None, prefix="training", staff=school_staff(unit)),
        "session": SessionForm(
            data if bound == "session" else None,
            prefix="session",
            groups=groups,
            manual=programme.manual.all(),
            facilitators=facilitators,
        ),
        "mentor": MentorForm(
            data if bound == "mentor" else None,
            prefix="mentor",
            pupils=queries.mentor_choices(request.user, programme, unit, today),
        ),
    }


@login_required
def programme_school(request: AuthenticatedRequest, pk: int, unit_id: int) -> HttpResponse:
    """The programme at a school this term: staff trained, pupil mentors, sessions held; the leadership records."""
    user, today = request.user, timezone.localdate()
    programme = queries.get_programme_for_user(user, pk)
    unit, is_lead = queries.school_for_user(user, programme, unit_id)
    bound = request.POST.get("form", "") if request.method == "POST" else ""
    if bound and not is_lead:
        raise Http404
    if bound == "start":
        actions.start_run(programme=programme, unit=unit, by=user, today=today)
        return redirect("prevention_programme_school", programme.pk, unit.pk)
    forms = _forms(request, programme, unit, bound)
    run = queries.run_for(programme, unit, today)
    if bound in forms and run is not None and forms[bound].is_valid():
        done = run_action(forms[bound], lambda: _record(bound, forms[bound].cleaned_data, run, user, today))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("prevention_programme_school", programme.pk, unit.pk)
    page = queries.run_page(user, programme, unit, today)
    context = {"programme": programme, "unit": unit, "page": page, "is_lead": is_lead, "forms": forms}
    return render(request, "prevention/programme_school.html", context)


def _record(kind: str, data: dict[str, Any], run: Any, user: Any, today: Any) -> Any:
    if kind == "training":
        return actions.record_training(run=run, by=user, today=today, **data)
    if kind == "mentor":
        return actions.appoint_mentor(
            run=run, child=data["child"], appointed_on=data["appointed_on"], by=user, today=today
        )
    given = actions.SessionInput(
        group=data["group"],
        held_on=data["held_on"],
        manual_session=data["manual_session"],
        topic=data["topic"],
        facilitators=list(data["facilitators"]),
        pupils_present=data["pupils_present"],
    )
    return actions.record_session(run=run, given=given, by=user, today=today)


@login_required
@require_POST
def mentor_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentor = queries.get_mentor_for_user(request.user, pk)
    actions.remove_mentor(mentor, by=request.user)
    messages.success(request, _("The pupil is no longer a mentor."))
    return redirect("prevention_programme_school", mentor.run.programme_id, mentor.unit_id)
