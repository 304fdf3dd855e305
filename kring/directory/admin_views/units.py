from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.directory.actions import add_contact_person, create_unit, remove_contact_person, update_unit
from kring.directory.admin_views.common import manager_required, paginate, posted
from kring.directory.filters import UnitFilter
from kring.directory.forms import ContactPersonForm, UnitForm
from kring.directory.http import AuthenticatedRequest
from kring.directory.queries import (
    get_contact_person_for_manager,
    get_school_for_manager,
    get_unit_for_manager,
    unit_list_for_manager,
)

_FORM_TEMPLATE = "directory/admin/unit_form.html"


@login_required
@manager_required
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    unit_filter = UnitFilter(request.GET or None, queryset=unit_list_for_manager(request.user), request=request)
    page = paginate(request, unit_filter.qs)
    return render(request, "directory/admin/unit_list.html", {"filter": unit_filter, "page": page, "section": "units"})


@login_required
@manager_required
def unit_create(request: AuthenticatedRequest) -> HttpResponse:
    form = UnitForm(posted(request), manager=request.user)
    if form.is_valid():
        unit = create_unit(by=request.user, details=form.details())
        messages.success(request, _("%(name)s was added.") % {"name": unit.name})
        return redirect("directory_unit_edit", pk=unit.pk)
    return render(request, _FORM_TEMPLATE, {"form": form, "heading": _("New unit"), "section": "units"})


@login_required
@manager_required
def unit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_manager(request.user, pk)
    heading, is_school = unit.name, unit.is_school
    form = UnitForm(posted(request), instance=unit, manager=request.user)
    if form.is_valid():
        unit = update_unit(by=request.user, unit=unit, details=form.details())
        messages.success(request, _("%(name)s was saved.") % {"name": unit.name})
        return redirect("directory_unit_edit", pk=unit.pk)
    context = {"form": form, "heading": heading, "unit_pk": pk, "is_school": is_school, "section": "units"}
    return render(request, _FORM_TEMPLATE, context)


@login_required
@manager_required
def unit_contacts(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A school's (at most two) social services contact persons: add one, remove one."""
    school = get_school_for_manager(request.user, pk)
    form = ContactPersonForm(posted(request), manager=request.user, school=school)
    if form.is_valid():
        person, position = form.cleaned_data["person"], form.cleaned_data["position"]
        add_contact_person(by=request.user, school=school, person=person, position=position)
        messages.success(request, _("%(name)s is now a contact person of the school.") % {"name": person})
        return redirect("directory_unit_contacts", pk=school.pk)
    context = {"school": school, "contacts": form.contacts, "form": form, "section": "units"}
    return render(request, "directory/admin/unit_contacts.html", context)


@login_required
@manager_required
@require_POST
def contact_remove(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    school = get_school_for_manager(request.user, pk)
    contact = get_contact_person_for_manager(request.user, school, contact_pk)
    remove_contact_person(by=request.user, contact=contact)
    messages.success(request, _("%(name)s is no longer a contact person of the school.") % {"name": contact.user})
    return redirect("directory_unit_contacts", pk=school.pk)
