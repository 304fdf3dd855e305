"""The statistics page of concerns, consultations and reports of concern (small counts suppressed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from kring.directory.http import AuthenticatedRequest
from kring.insights.statistics import statistics_for_user


@login_required
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    """Counts of concerns, consultations and reports of concern in the user's scope, small counts suppressed."""
    stats = statistics_for_user(request.user, request.GET.get("scope", ""))
    return render(request, "insights/statistics.html", {"stats": stats})
