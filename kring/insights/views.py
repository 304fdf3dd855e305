"""The statistics pages: by month and by term (small counts suppressed), the term chart and the CSV of the tables, and
the follow-up of violence prevention."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kring.directory.http import AuthenticatedRequest
from kring.insights import charts
from kring.insights.breakdowns import term_statistics_for_user
from kring.insights.spreadsheet import safe_text
from kring.insights.statistics import statistics_for_user
from kring.insights.violence import violence_for_user

SUPPRESSED = ".."


@login_required
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    """Counts of concerns, consultations and reports of concern in the user's scope, small counts suppressed."""
    stats = statistics_for_user(request.user, request.GET.get("scope", ""))
    return render(request, "insights/statistics.html", {"stats": stats})


@login_required
def statistics_by_term(request: AuthenticatedRequest) -> HttpResponse:
    """The same counts by term, broken down by category or outcome, school, grade, age band and sex: one measure's
    tables at a time (a large municipality's are thousands of numbers), the chart of every measure's totals."""
    stats = term_statistics_for_user(request.user, request.GET.get("scope", ""))
    asked = request.GET.get("measure", "")
    shown = next((m for m in stats.measures if m.key == asked), stats.measures[0] if stats.measures else None)
    return render(request, "insights/statistics_by_term.html", {"stats": stats, "shown": shown})


@login_required
def statistics_by_term_chart(request: AuthenticatedRequest) -> HttpResponse:
    stats = term_statistics_for_user(request.user, request.GET.get("scope", ""))
    lines = {measure.heading: measure.totals for measure in stats.measures}
    return HttpResponse(charts.term_totals_svg(stats.term_labels, lines), content_type="image/svg+xml")


@login_required
def statistics_by_term_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The tables of the term page as published, one line per row of a table: never a record of its own."""
    stats = term_statistics_for_user(request.user, request.GET.get("scope", ""))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kring-statistics-by-term.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Measure"), _("Table"), _("Row"), *stats.term_labels, _("Total")])
    for measure in stats.measures:
        for table in measure.tables:
            for label, cells, total in table.body:
                writer.writerow([measure.heading, table.caption, safe_text(label), *_shown(cells), *_shown([total])])
            totals = [*table.counts.column_totals, table.counts.total]
            writer.writerow([measure.heading, table.caption, _("Total"), *_shown(totals)])
    return response


def _shown(values: list[int | None]) -> list[str]:
    return [SUPPRESSED if value is None else str(value) for value in values]


@login_required
def violence(request: AuthenticatedRequest) -> HttpResponse:
    """The follow-up of violence prevention: concerns of violence at the programme's schools and the others."""
    found = violence_for_user(request.user, request.GET.get("scope", ""), request.GET.get("programme", ""))
    return render(request, "insights/violence.html", {"stats": found})


@login_required
def violence_chart(request: AuthenticatedRequest) -> HttpResponse:
    found = violence_for_user(request.user, request.GET.get("scope", ""), request.GET.get("programme", ""))
    name = found.programme.name if found.programme else _("the programme")
    groups = {
        _("Schools running %(programme)s") % {"programme": name}: [row.rate_with for row in found.groups],
        _("Other schools"): [row.rate_others for row in found.groups],
    }
    title = _("Concerns of violence per hundred pupils, with 95 % interval")
    svg = charts.estimates_svg(found.term_labels, groups, _("Per hundred pupils"), title, nudge=0.06)
    return HttpResponse(svg, content_type="image/svg+xml")
