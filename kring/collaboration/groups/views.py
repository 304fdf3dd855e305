"""The register and map of collaboration groups: thin typed views over `queries` (who may read and keep it),
`structure` (overlaps, gaps, people) and `actions` (writes)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import municipality_of
from kring.casework.workflow import run_action
from kring.collaboration.agreements import queries as agreement_queries
from kring.collaboration.charts import map_svg
from kring.collaboration.groups import actions, queries
from kring.collaboration.groups.forms import GroupForm, MemberFormSet, group_input, member_initial
from kring.collaboration.groups.structure import Structure, structure
from kring.collaboration.meetings.actions import may_attend
from kring.collaboration.meetings.queries import meetings_of
from kring.collaboration.models import CollaborationGroup
from kring.directory.http import AuthenticatedRequest
from kring.pdf import pdf_response, render_pdf


def _structure_for(request: AuthenticatedRequest) -> Structure:
    if not queries.may_read(request.user):
        raise Http404
    return structure(queries.groups_for_user(request.user), queries.schools_of(request.user))


@login_required
def group_map(request: AuthenticatedRequest) -> HttpResponse:
    """All groups: the map (SVG) beside the register as a table, the overlaps, the gaps and the uncovered schools."""
    context = {"structure": _structure_for(request), "can_edit": queries.may_keep(request.user)}
    return render(request, "collaboration/map.html", context)


@login_required
def map_chart(request: AuthenticatedRequest) -> HttpResponse:
    return HttpResponse(map_svg(_structure_for(request)), content_type="image/svg+xml")


@login_required
def map_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The map and the register for a committee, as PDF (audited as an export)."""
    found = _structure_for(request)
    chart = base64.b64encode(map_svg(found)).decode()
    context = {
        "structure": found,
        "chart": f"data:image/svg+xml;base64,{chart}",
        "printed_on": timezone.localdate(),
        "printed_by": request.user.get_full_name(),
    }
    pdf = render_pdf("collaboration/map_pdf.html", context)
    record_event(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="collaboration_map_pdf",
        target_id="",
        details={"groups": len(found.groups)},
    )
    return pdf_response(pdf, "samverkansgrupper.pdf")


@login_required
def people(request: AuthenticatedRequest) -> HttpResponse:
    """How many active groups each person sits in: a known cost of collaboration."""
    return render(request, "collaboration/people.html", {"structure": _structure_for(request)})


@login_required
def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = queries.get_group_for_user(request.user, pk)
    context = {
        "group": group,
        "agreements": agreement_queries.governing(group, timezone.localdate()),
        "can_edit": queries.may_keep(request.user),
        "may_attend": may_attend(request.user, group),
        "meetings": meetings_of(request.user, group),
    }
    return render(request, "collaboration/group_detail.html", context)


def _group_form(request: AuthenticatedRequest, group: CollaborationGroup | None) -> HttpResponse:
    user = request.user
    organisations = queries.organisations_of(user)
    data = request.POST if request.method == "POST" else None
    form = GroupForm(
        data,
        initial=GroupForm.initial_of(group) if group else None,
        organisations=organisations,
        schools=queries.schools_of(user),
    )
    members = MemberFormSet(
        data,
        prefix="members",
        initial=member_initial(group) if group else None,
        form_kwargs={"organisations": organisations, "municipality_id": municipality_of(user)},
    )
    if data is not None and form.is_valid() and members.is_valid():
        given = group_input(form, members)
        saved = run_action(form, lambda: actions.save_group(given=given, by=user, group=group))
        if saved is not None:
            messages.success(request, _("The group is saved."))
            return redirect("collaboration_group", saved.pk)
    context: dict[str, Any] = {"form": form, "members": members, "group": group}
    return render(request, "collaboration/group_form.html", context)


@login_required
def group_new(request: AuthenticatedRequest) -> HttpResponse:
    if not queries.may_keep(request.user):
        raise Http404
    return _group_form(request, None)


@login_required
def group_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _group_form(request, queries.get_group_for_user(request.user, pk, for_write=True))
