from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.directory.actions import (
    add_membership,
    approve_membership,
    create_staff_user,
    deactivate_staff_user,
    decline_membership,
    end_membership,
    reactivate_staff_user,
    resend_invitation,
    update_staff_user,
)
from kring.directory.admin_views.common import manager_required, paginate, posted
from kring.directory.filters import StaffFilter
from kring.directory.forms import DeactivateForm, InvitationForm, MembershipForm, StaffForm
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import User
from kring.directory.queries import (
    contact_assignments_of,
    get_membership_for_manager,
    get_staff_for_manager,
    may_manage_person,
    memberships_of,
    staff_list_for_manager,
)
from kring.forms import KringForm


def _person_to_change(request: AuthenticatedRequest, pk: int) -> User:
    """A person of the municipality the manager may change (404 if not theirs; 403 if it would raise their
    rights, such as a coordinator changing an administrator)."""
    person = get_staff_for_manager(request.user, pk)
    if not may_manage_person(request.user, person):
        raise PermissionDenied
    return person


def _render_person(
    request: AuthenticatedRequest,
    person: User,
    *,
    form: StaffForm | None = None,
    membership_form: MembershipForm | None = None,
    status_form: KringForm | None = None,
) -> HttpResponse:
    """The person's page; a form that came back with errors replaces its blank version."""
    manager = request.user
    context = {
        "person": person,
        "form": form or StaffForm(instance=person),
        "membership_form": membership_form or MembershipForm(manager=manager, person=person),
        "status_form": status_form,
        "memberships": memberships_of(person),
        "contact_for": contact_assignments_of(person),
        "can_change": may_manage_person(manager, person),
        "invitation_pending": person.is_active and not person.has_usable_password(),
        "section": "staff",
    }
    return render(request, "directory/admin/staff_detail.html", context)


@login_required
@manager_required
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    staff_filter = StaffFilter(request.GET or None, queryset=staff_list_for_manager(request.user), request=request)
    page = paginate(request, staff_filter.qs)
    return render(
        request, "directory/admin/staff_list.html", {"filter": staff_filter, "page": page, "section": "staff"}
    )


@login_required
@manager_required
def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    form = StaffForm(posted(request))
    form.municipality_id = request.user.municipality_id
    if form.is_valid():
        person = create_staff_user(by=request.user, details=form.details(), request=request)
        messages.success(
            request, _("%(name)s was added and invited by e-mail. Now give them a role.") % {"name": person}
        )
        return redirect("directory_staff_detail", pk=person.pk)
    return render(request, "directory/admin/staff_form.html", {"form": form, "section": "staff"})


@login_required
@manager_required
def staff_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _render_person(request, get_staff_for_manager(request.user, pk))
    person = _person_to_change(request, pk)
    form = StaffForm(request.POST, instance=person)
    if not form.is_valid():  # the form changed `person` in memory: show the saved one beside what was typed
        return _render_person(request, get_staff_for_manager(request.user, pk), form=form)
    person = update_staff_user(by=request.user, person=person, details=form.details())
    messages.success(request, _("%(name)s was saved.") % {"name": person})
    return redirect("directory_staff_detail", pk=person.pk)


@login_required
@manager_required
@require_POST
def membership_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    form = MembershipForm(request.POST, manager=request.user, person=person)
    if not form.is_valid():
        return _render_person(request, person, membership_form=form)
    membership = add_membership(
        by=request.user, person=person, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"]
    )
    names = {"name": person, "role": membership.get_role_display(), "unit": membership.unit.name}
    if membership.awaiting_approval:
        messages.success(
            request,
            _(
                "The role %(role)s in %(unit)s for %(name)s waits for another administrator or coordinator to "
                "approve it: nobody gives a role alone."
            )
            % names,
        )
    else:
        messages.success(request, _("%(name)s now has the role %(role)s in %(unit)s.") % names)
    return redirect("directory_staff_detail", pk=person.pk)


def _decide_on_membership(
    request: AuthenticatedRequest, pk: int, membership_pk: int, decide: Callable[..., Any], done: str
) -> HttpResponse:
    """Approve or decline a role waiting for a second person; a refusal is said as a message, back on the page."""
    person = _person_to_change(request, pk)
    membership = get_membership_for_manager(request.user, person, membership_pk)
    names = {"name": person, "role": membership.get_role_display(), "unit": membership.unit.name}
    try:
        decide(by=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done % names)
    return redirect("directory_staff_detail", pk=person.pk)


@login_required
@manager_required
@require_POST
def membership_approve(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    asked = get_membership_for_manager(request.user, get_staff_for_manager(request.user, pk), membership_pk)
    if asked.requested_by_id == request.user.pk:
        messages.error(request, _("You asked for this role: another administrator or coordinator approves it."))
        return redirect("directory_staff_detail", pk=pk)
    done = _("%(name)s now has the role %(role)s in %(unit)s.")
    return _decide_on_membership(request, pk, membership_pk, approve_membership, done)


@login_required
@manager_required
@require_POST
def membership_decline(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    done = _("The role %(role)s in %(unit)s was not given.")
    return _decide_on_membership(request, pk, membership_pk, decline_membership, done)


@login_required
@manager_required
@require_POST
def membership_end(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    membership = get_membership_for_manager(request.user, person, membership_pk)
    end_membership(by=request.user, membership=membership)
    messages.success(
        request,
        _("The role %(role)s in %(unit)s was ended.")
        % {"role": membership.get_role_display(), "unit": membership.unit.name},
    )
    return redirect("directory_staff_detail", pk=person.pk)


@login_required
@manager_required
@require_POST
def staff_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    form = DeactivateForm(request.POST, manager=request.user, person=person)
    if not form.is_valid():
        return _render_person(request, person, status_form=form)
    deactivate_staff_user(by=request.user, person=person)
    messages.success(request, _("%(name)s can no longer log in.") % {"name": person})
    return redirect("directory_staff_detail", pk=person.pk)


@login_required
@manager_required
@require_POST
def staff_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    reactivate_staff_user(by=request.user, person=person)
    messages.success(request, _("%(name)s can log in again.") % {"name": person})
    return redirect("directory_staff_detail", pk=person.pk)


@login_required
@manager_required
@require_POST
def staff_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    form = InvitationForm(request.POST, person=person)
    if not form.is_valid():
        return _render_person(request, person, status_form=form)
    resend_invitation(by=request.user, person=person, request=request)
    messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": person.email})
    return redirect("directory_staff_detail", pk=person.pk)
