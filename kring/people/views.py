from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.http import AuthenticatedRequest
from kring.people.forms import ChildSearchForm
from kring.people.models import Child
from kring.people.queries import child_overview_for_user, search_children_for_user


@dataclass(frozen=True)
class OverviewPart:
    """A section that an app below people adds to the child overview (people cannot import it): its template,
    rendered with `part`, and what the template shows. The source decides the basis and audits its read."""

    template: str
    context: dict[str, Any]


OverviewSource = Callable[[Any, Child], OverviewPart | None]
_overview_sources: list[OverviewSource] = []


def register_overview_source(source: OverviewSource) -> None:
    if source not in _overview_sources:
        _overview_sources.append(source)


@login_required
def child_search(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, Permission.CHILD_SEARCH):
        raise Http404
    # Searched with POST, so that no name or identity number ends up in a URL (access logs, history, the language
    # switcher's `next`).
    form = ChildSearchForm(request.POST or None)
    results = None
    if form.is_valid():
        results = search_children_for_user(request.user, form.cleaned_data["q"])
    template = "people/child_search.html#results" if request.htmx else "people/child_search.html"
    return render(request, template, {"form": form, "results": results})


@login_required
def child_overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    overview = child_overview_for_user(request.user, pk, request.GET.get("source", ""))
    open_case = overview.picture.open_case
    context = {
        "overview": overview,
        "child": overview.child,
        "picture": overview.picture,
        # Principals and student health staff at the child's school ask a joint (TSI) team for help, unless a case
        # they can see is open: then they are led to it.
        "open_case": open_case,
        "can_request_tsi": can(request.user, Permission.CASE_REQUEST) and overview.placements != [] and not open_case,
        # Staff at the child's school record a concern; anyone with the duty to report files a report of concern.
        "can_record_concern": can(request.user, Permission.CONCERN_RECORD) and overview.placements != [],
        "can_file_report": can(request.user, Permission.REPORT_FILE),
        "parts": [part for source in _overview_sources if (part := source(request.user, overview.child))],
    }
    return render(request, "people/child_overview.html", context)
