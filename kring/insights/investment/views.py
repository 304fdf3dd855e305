"""The social investment: its page (costs, unit costs, avoided costs, break-even) and the report for the
politicians as PDF, in Swedish or English."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import User
from kring.insights import charts
from kring.insights.evaluation.results import what_it_shows
from kring.insights.investment import actions, queries
from kring.insights.investment.forms import TeamCostForm, UnitCostsForm
from kring.insights.investment.results import Investment, investment_for_user
from kring.insights.investment.voices import children_quotes
from kring.pdf import pdf_response, render_pdf

REPORT_LANGUAGES = ("sv", "en")
REPORT_TEMPLATE = "insights/investment_report_pdf.html"


@login_required
def investment(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    municipality_id = queries.investment_municipality(user)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "")
    cost_form = TeamCostForm(posted if which == "cost" else None, prefix="cost", teams=queries.teams(municipality_id))
    prices_form = UnitCostsForm(posted if which == "prices" else None, prefix="prices",
                                initial=queries.unit_costs_initial(municipality_id))  # fmt: skip
    if which == "cost" and cost_form.is_valid():
        data = cost_form.cleaned_data
        given = actions.CostInput(
            data["team"], data["year"], data["staff"], data["hours"], data["cost"], data["shares"]
        )
        if run_action(cost_form, lambda: actions.save_team_cost(by=user, given=given)) is not None:
            messages.success(request, _("The team's cost is saved."))
            return redirect("investment")
    if which == "prices" and prices_form.is_valid():
        given_prices = actions.PricesInput(**prices_form.cleaned_data)
        saved = run_action(prices_form, lambda: actions.save_unit_costs(by=user, municipality_id=municipality_id,
                                                                         given=given_prices))  # fmt: skip
        if saved is not None:
            messages.success(request, _("The unit costs are saved."))
            return redirect("investment")
    context = {"found": investment_for_user(user), "cost_form": cost_form, "prices_form": prices_form}
    return render(request, "insights/investment.html", context)


@login_required
def investment_chart(request: AuthenticatedRequest) -> HttpResponse:
    return HttpResponse(_chart(investment_for_user(request.user)), content_type="image/svg+xml")


def _chart(found: Investment) -> bytes:
    shown = [row for row in found.years if not row.hidden_sums]
    return charts.investment_svg(
        [row.year for row in found.years], [row.cumulative_cost for row in found.years],
        [row.cumulative_low for row in shown] if found.per_case else [],
        [row.cumulative_high for row in shown] if found.per_case else [],
    )  # fmt: skip


@login_required
def investment_report(request: AuthenticatedRequest) -> HttpResponse:
    """The report for the politicians: the evaluation, the costs and the avoided costs with their caveats."""
    language = request.GET.get("lang", "sv")
    language = language if language in REPORT_LANGUAGES else "sv"
    with translation.override(language):
        pdf = render_pdf(REPORT_TEMPLATE, report_context(request.user))
    return pdf_response(pdf, f"kring-social-investment-{language}.pdf", disposition="inline")


def report_context(user: User) -> dict[str, Any]:
    """What the report shows, in the active language (audited as a read of the investment)."""
    found = investment_for_user(user)
    figures = found.evaluation
    attendance = figures.attendance if figures else []
    groups = {_("Children with a TSI case"): [row.cases for row in attendance],
              _("Comparison pupils"): [row.comparison for row in attendance]}  # fmt: skip
    survey, quotes = children_quotes(user)
    return {
        "found": found, "figures": figures, "today": timezone.localdate(), "survey": survey, "quotes": quotes,
        "sentences": what_it_shows(figures.did) if figures and figures.did else [],
        "attendance_chart": _data_uri(charts.attendance_svg([row.label for row in attendance], groups)),
        "investment_chart": _data_uri(_chart(found)),
    }  # fmt: skip


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
