"""The evaluation page of TSI and its chart, in the user's statistics scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kring.directory.http import AuthenticatedRequest
from kring.insights import charts
from kring.insights.evaluation.results import evaluation_for_user, what_it_shows


@login_required
def evaluation(request: AuthenticatedRequest) -> HttpResponse:
    """Outcomes of the TSI cases closed in a school year, beside a matched comparison group."""
    result = evaluation_for_user(request.user, request.GET.get("scope", ""), request.GET.get("year", ""))
    figures = result.figures
    sentences = what_it_shows(figures.did) if figures is not None and figures.did is not None else []
    return render(request, "insights/evaluation.html", {"stats": result, "figures": figures, "sentences": sentences})


@login_required
def evaluation_chart(request: AuthenticatedRequest) -> HttpResponse:
    result = evaluation_for_user(request.user, request.GET.get("scope", ""), request.GET.get("year", ""))
    rows = result.figures.attendance if result.figures is not None else []
    groups = {
        _("Children with a TSI case"): [row.cases for row in rows],
        _("Comparison pupils"): [row.comparison for row in rows],
    }
    return HttpResponse(charts.attendance_svg([row.label for row in rows], groups), content_type="image/svg+xml")
