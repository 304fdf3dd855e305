"""Studies for research: thin views over `queries` (who may see) and `actions` (define, release)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.casework.workflow import WorkflowError, run_action
from kring.directory.http import AuthenticatedRequest
from kring.insights.research import actions, queries
from kring.insights.research.forms import StudyForm
from kring.insights.research.variables import BY_KEY


@login_required
def studies(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's studies, and the form to define one."""
    found = list(queries.studies_for_user(request.user).prefetch_related("releases"))
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        given = actions.StudyInput(**form.cleaned_data)
        study = run_action(form, lambda: actions.create_study(by=request.user, given=given))
        if study is not None:
            messages.success(request, _("The study is saved."))
            return redirect("research_study", study.pk)
    return render(request, "insights/research/studies.html", {"studies": found, "form": form})


@login_required
def study(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = queries.get_study_for_user(request.user, pk)
    variables = [BY_KEY[key] for key in found.variables if key in BY_KEY]
    context = {"study": found, "variables": variables, "releases": list(found.releases.all())}
    return render(request, "insights/research/study.html", context)


@login_required
@require_POST
def release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The study's data set as CSV, pseudonymised and k-anonymous; refused (with the reason) if it cannot be."""
    found = queries.get_study_for_user(request.user, pk)
    try:
        released = actions.release_study(by=request.user, study=found)
    except WorkflowError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("research_study", found.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kring-study-{found.pk}-release-{released.release.pk}.csv"'
    writer = csv.DictWriter(response, fieldnames=released.columns)
    writer.writeheader()
    writer.writerows(released.rows)
    return response
