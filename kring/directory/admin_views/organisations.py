from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kring.directory.actions import create_organisation, update_organisation
from kring.directory.admin_views.common import manager_required, posted
from kring.directory.forms import OrganisationForm
from kring.directory.http import AuthenticatedRequest
from kring.directory.queries import get_organisation_for_manager, organisation_list_for_manager

_FORM_TEMPLATE = "directory/admin/organisation_form.html"


@login_required
@manager_required
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {"organisations": organisation_list_for_manager(request.user), "section": "organisations"}
    return render(request, "directory/admin/organisation_list.html", context)


@login_required
@manager_required
def organisation_create(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationForm(posted(request), manager=request.user)
    if form.is_valid():
        organisation = create_organisation(by=request.user, details=form.details())
        messages.success(request, _("%(name)s was added.") % {"name": organisation.name})
        return redirect("directory_organisation_list")
    return render(request, _FORM_TEMPLATE, {"form": form, "heading": _("New organisation"), "section": "organisations"})


@login_required
@manager_required
def organisation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_manager(request.user, pk)
    heading = organisation.name
    form = OrganisationForm(posted(request), instance=organisation, manager=request.user)
    if form.is_valid():
        organisation = update_organisation(by=request.user, organisation=organisation, details=form.details())
        messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
        return redirect("directory_organisation_list")
    return render(request, _FORM_TEMPLATE, {"form": form, "heading": heading, "section": "organisations"})
