"""Trygg bas and the class review: thin typed views.

Access through `kring.prevention.tryggbas.queries` (404 without a class, a school or a pupil the user may open),
writes through `kring.prevention.tryggbas.actions`. A pupil's line of the class screen is saved on its own; with
htmx only that line comes back, without JavaScript the whole class page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.people.models import Group
from kring.prevention import charts
from kring.prevention.terms import term_label, term_of
from kring.prevention.tryggbas import actions, coverage, queries
from kring.prevention.tryggbas.forms import (
    AgreeForm,
    AssignForm,
    ClassStaffForm,
    FollowUpForm,
    RatingForm,
    SafeAdultForm,
)


def _today() -> date:
    return timezone.localdate()


@login_required
def prevention_home(request: AuthenticatedRequest) -> HttpResponse:
    """The user's classes with this term's progress, the schools they lead, and the municipality's figures."""
    user = request.user
    may = {
        p: can(user, p) for p in (Permission.PREVENTION_CLASS, Permission.PREVENTION_LEAD, Permission.PREVENTION_FOLLOW)
    }
    if not any(may.values()):
        raise Http404
    today = _today()
    context = {
        "classes": queries.class_progress(user, today),
        "schools": list(queries.lead_units(user)),
        "can_follow": may[Permission.PREVENTION_FOLLOW],
        "term_label": term_label(term_of(today)),
    }
    return render(request, "prevention/home.html", context)


# --- the class screen --------------------------------------------------------------------------------------------


def _line_forms(sheet: queries.ClassSheet, bound: dict[int, dict[str, Any]] | None = None) -> None:
    """Each pupil's forms (prefixed by the pupil), bound where a save just failed."""
    bound = bound or {}
    for line in sheet.lines:
        pk = line.child.pk
        entry = line.entry
        initial = (
            {
                "status": entry.status,
                "adult": entry.adult_id,
                "adult_outside": entry.adult_outside,
                "relation": entry.relation,
            }
            if entry
            else {}
        )
        line.safe_form = bound.get(pk, {}).get("safe") or SafeAdultForm(
            prefix=f"s{pk}", initial=initial, staff=sheet.staff_choices
        )
        line.rating_form = bound.get(pk, {}).get("rating") or RatingForm(
            prefix=f"r{pk}", initial={"rating": line.own_rating}
        )
        agreed = line.agreed
        agreed_initial = (
            {
                "rating": agreed.rating,
                "next_step": agreed.next_step,
                "next_step_note": agreed.next_step_note,
                "next_step_by": agreed.next_step_by,
                "responsible": agreed.responsible_id,
            }
            if agreed
            else {}
        )
        line.agree_form = bound.get(pk, {}).get("agree") or AgreeForm(
            prefix=f"a{pk}", initial=agreed_initial, staff=sheet.staff_choices
        )


def _render_class(
    request: AuthenticatedRequest, template: str, sheet: queries.ClassSheet, **extra: Any
) -> HttpResponse:
    context = {"sheet": sheet, "group": sheet.group, **extra}
    return render(request, template, context)


@login_required
def class_sheet(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """The class list: each pupil's safe adult this term and the user's own wellbeing rating, one tap a pupil."""
    today = _today()
    group, is_lead = queries.get_class_for_user(request.user, group_id, today)
    sheet = queries.class_sheet(request.user, group, is_lead, today)
    _line_forms(sheet)
    return _render_class(request, "prevention/class_sheet.html", sheet)


def _save_line(request: AuthenticatedRequest, group_id: int, child_id: int, kind: str) -> HttpResponse:
    """Save one of a pupil's forms (safe adult, own rating, agreed rating); the line comes back (htmx) or the page."""
    user, today = request.user, _today()
    group, is_lead = queries.get_class_for_user(user, group_id, today)
    child = queries.get_pupil_in_class_for_user(user, group, child_id, today)
    staff = queries.school_staff(group.unit)
    form = _bound_form(kind, request, child_id, staff)
    if form.is_valid() and run_action(form, lambda: _act(kind, form.cleaned_data, child, group, user, today)):
        form = None
    review = kind == "agree" or request.POST.get("view") == "review"
    template = "prevention/class_review.html" if review else "prevention/class_sheet.html"
    if not request.htmx and form is None:
        url = reverse("prevention_class_review" if review else "prevention_class", args=[group.pk])
        return redirect(f"{url}#pupil-{child_id}")
    if request.htmx:
        sheet = queries.class_sheet(user, group, is_lead, today, child_ids=[child_id])
    else:
        sheet = queries.class_sheet(user, group, is_lead, today)
    _line_forms(sheet, {child_id: {kind: form}} if form is not None else None)
    if request.htmx:
        counts = queries.class_counts(user, group, today)  # the page's progress line, swapped in out of band
        return _render_class(
            request, f"{template}#line", sheet, line=sheet.lines[0], saved=form is None, counts=counts, out_of_band=True
        )
    return _render_class(request, template, sheet)


def _bound_form(kind: str, request: AuthenticatedRequest, child_id: int, staff: list[Any]) -> Any:
    if kind == "safe":
        return SafeAdultForm(request.POST, prefix=f"s{child_id}", staff=staff)
    if kind == "rating":
        return RatingForm(request.POST, prefix=f"r{child_id}")
    return AgreeForm(request.POST, prefix=f"a{child_id}", staff=staff)


def _act(kind: str, data: dict[str, Any], child: Any, group: Group, user: Any, today: date) -> Any:
    if kind == "safe":
        return actions.record_safe_adult(
            child=child,
            group=group,
            status=data["status"],
            adult=data.get("adult"),
            adult_outside=data.get("adult_outside", ""),
            relation=data.get("relation", ""),
            by=user,
            today=today,
        )
    if kind == "rating":
        return actions.rate_wellbeing(child=child, group=group, rating=data["rating"], by=user, today=today)
    return actions.agree_rating(
        child=child,
        group=group,
        rating=data["rating"],
        by=user,
        today=today,
        next_step=data.get("next_step") or "none",
        next_step_note=data.get("next_step_note", ""),
        next_step_by=data.get("next_step_by"),
        responsible=data.get("responsible"),
    )


@login_required
@require_POST
def save_safe_adult(request: AuthenticatedRequest, group_id: int, child_id: int) -> HttpResponse:
    return _save_line(request, group_id, child_id, "safe")


@login_required
@require_POST
def save_rating(request: AuthenticatedRequest, group_id: int, child_id: int) -> HttpResponse:
    return _save_line(request, group_id, child_id, "rating")


@login_required
@require_POST
def save_agreed(request: AuthenticatedRequest, group_id: int, child_id: int) -> HttpResponse:
    group, is_lead = queries.get_class_for_user(request.user, group_id, _today())
    if not is_lead:
        raise PermissionDenied
    return _save_line(request, group_id, child_id, "agree")


@login_required
def class_review(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """The class review (elevgenomgång): everyone's ratings side by side, and the agreed rating and next step."""
    today = _today()
    group, is_lead = queries.get_class_for_user(request.user, group_id, today)
    if not is_lead:
        raise PermissionDenied
    sheet = queries.class_sheet(request.user, group, is_lead, today)
    _line_forms(sheet)
    return _render_class(request, "prevention/class_review.html", sheet)


@login_required
def class_staff(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """The class's mentor and teachers, set by the school's leadership."""
    user, today = request.user, _today()
    group, is_lead = queries.get_class_for_user(user, group_id, today)
    if not is_lead:
        raise PermissionDenied
    form = ClassStaffForm(request.POST or None, staff=queries.school_staff(group.unit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.add_class_staff(group=group, user=data["user"], role=data["role"], by=user, today=today),
        )
        if done is not None:
            messages.success(request, _("The class's staff are saved."))
            return redirect("prevention_class_staff", group.pk)
    context = {"group": group, "staff": queries.class_staff(group, today), "form": form}
    return render(request, "prevention/class_staff.html", context)


@login_required
@require_POST
def class_staff_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staff = queries.get_class_staff_for_user(request.user, pk, _today())
    actions.end_class_staff(staff, by=request.user, today=_today())
    messages.success(request, _("%(name)s no longer has the class.") % {"name": staff.user.get_full_name()})
    return redirect("prevention_class_staff", staff.group_id)


# --- the school: gaps and coverage -------------------------------------------------------------------------------


@login_required
def school_gaps(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    """The school's pupils without a safe adult this term, and the adults assigned to build a relation."""
    user, today = request.user, _today()
    unit = queries.get_lead_unit_for_user(user, unit_id)
    staff = queries.school_staff(unit)
    posted = request.POST.get("child", "") if request.method == "POST" else ""
    bound = AssignForm(request.POST, prefix=f"g{posted}", staff=staff) if posted.isdigit() else None
    if bound is not None and bound.is_valid():
        child = queries.get_pupil_at_school_for_user(user, unit, int(posted), today)
        data = bound.cleaned_data
        done = run_action(
            bound,
            lambda: actions.assign_relation(
                child=child,
                unit=unit,
                adult=data["adult"],
                follow_up_on=data["follow_up_on"],
                note=data["note"],
                by=user,
                today=today,
            ),
        )
        if done is not None:
            name = data["adult"].get_full_name()
            messages.success(request, _("%(name)s is asked to build the relation.") % {"name": name})
            return redirect("prevention_gaps", unit.pk)
    gaps = queries.gaps(user, unit, today)
    for gap in gaps:
        pk = gap.entry.child_id
        gap.form = bound if bound is not None and posted == str(pk) else AssignForm(prefix=f"g{pk}", staff=staff)
    return render(request, "prevention/gaps.html", {"unit": unit, "gaps": gaps, "today": today})


@login_required
def relation_follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Follow up an assignment to build a relation (the adult, or the school's leadership)."""
    user, today = request.user, _today()
    assignment, basis = queries.get_assignment_for_user(user, pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.follow_up_relation(
                assignment, relation_built=data["relation_built"], outcome=data["outcome"], by=user, today=today
            ),
        )
        if done is not None:
            messages.success(request, _("The follow-up is saved."))
            return redirect("prevention_home")
    queries.audit_assignment_read(user, assignment, basis)
    return render(request, "prevention/follow_up.html", {"assignment": assignment, "form": form})


@login_required
@require_POST
def step_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The next step agreed in the class review has been taken."""
    agreed = queries.get_agreed_for_user(request.user, pk)
    actions.mark_step_done(agreed, by=request.user)
    messages.success(request, _("The step is marked as taken."))
    return redirect("prevention_home")


@login_required
def school_coverage(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    """The school's coverage over terms, by grade and class, and the wellbeing distribution, as charts and tables."""
    unit = queries.get_lead_unit_for_user(request.user, unit_id)
    report = coverage.school_coverage(request.user, unit, _today())
    return render(request, "prevention/coverage.html", {"unit": unit, "report": report})


@login_required
def coverage_chart(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    unit = queries.get_lead_unit_for_user(request.user, unit_id)
    report = coverage.school_coverage(request.user, unit, _today())
    lines = {_("The school"): [row.percent for row in report.by_term]}
    lines.update({_("Grade %(grade)s") % {"grade": grade}: values for grade, values in report.by_grade.items()})
    return HttpResponse(charts.coverage_chart_svg(report.term_labels, lines), content_type="image/svg+xml")


@login_required
def wellbeing_chart(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    unit = queries.get_lead_unit_for_user(request.user, unit_id)
    report = coverage.school_coverage(request.user, unit, _today())
    svg = charts.wellbeing_chart_svg(report.term_labels, [row.counts for row in report.wellbeing])
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def municipality(request: AuthenticatedRequest) -> HttpResponse:
    """Every school's counts, small counts suppressed: no pupil named (the coordinator)."""
    report = coverage.municipality_coverage(request.user, _today())
    return render(request, "prevention/municipality.html", {"report": report})


@login_required
def municipality_chart(request: AuthenticatedRequest) -> HttpResponse:
    report = coverage.municipality_coverage(request.user, _today())
    lines = {_("The municipality"): [row[3] for row in report.trend.body]}
    return HttpResponse(charts.coverage_chart_svg(report.trend.rows, lines), content_type="image/svg+xml")


@login_required
def child_section(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    """The overview's section of the pupil's safe adult and wellbeing over terms (htmx), or a page of its own."""
    found = queries.child_prevention_for_user(request.user, child_pk)
    if found is None:
        if request.htmx:
            return HttpResponse(status=204)
        raise Http404
    child, lines = found
    template = "prevention/child.html#section" if request.htmx else "prevention/child.html"
    return render(request, template, {"child": child, "lines": lines})
