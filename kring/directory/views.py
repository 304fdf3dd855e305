from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kring.access.audit import record_event, record_list_read
from kring.access.models import AuditAction
from kring.access.policy import can, role_grants, roles_of
from kring.access.roles import Permission, Role
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import Membership
from kring.directory.queries import get_unit_for_user, unit_list_for_user
from kring.directory.today import most_urgent, work_groups

_STUDENT_HEALTH_ROLES = {Role.KURATOR, Role.SCHOOL_NURSE, Role.PSYCHOLOGIST, Role.SPECIAL_EDUCATOR}


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The start page: this person's work of the day, most urgent first, and what their roles let them do."""
    user = request.user
    grants = role_grants(user)
    roles = roles_of(user)
    groups = work_groups(user, timezone.localdate())
    items = most_urgent(groups)
    shown_children = [item.child_id for item in items if item.child_id is not None]
    if shown_children:
        record_list_read(user, "start_page", shown_children)
    context = {
        "work_groups": groups,
        "work_items": items,
        "grants": grants,
        "roles": roles,
        "can_search": can(user, Permission.CHILD_SEARCH),
        "can_manage": can(user, Permission.DIRECTORY_MANAGE),
        "can_review": can(user, Permission.AUDIT_REVIEW),
        "can_oversee_absence": can(user, Permission.ABSENCE_OVERSEE),
        "can_import": can(user, Permission.SCHOOLDATA_IMPORT),
        "is_school_staff": bool(roles & {Role.TEACHER, Role.MENTOR, Role.PRINCIPAL} | roles & _STUDENT_HEALTH_ROLES),
        "is_social_services": bool(roles & {Role.SOCIAL_WORKER, Role.UNIT_MANAGER, Role.TSI_TEAM_MEMBER}),
        "is_police": Role.POLICE_OFFICER in roles,
        "contact_for": list(user.contact_for.select_related("school").order_by("school__name")),
    }
    return render(request, "directory/home.html", context)


@login_required
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, Permission.UNIT_VIEW):
        raise Http404
    return render(request, "directory/unit_list.html", {"units": unit_list_for_user(request.user)})


@login_required
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A school's page with its social services contact persons (or any unit's page)."""
    unit = get_unit_for_user(request.user, pk)
    key_staff = list(
        Membership.objects.filter(unit=unit, active=True, role__in=[Role.PRINCIPAL, *_STUDENT_HEALTH_ROLES])
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    record_event(
        actor=request.user,
        action=AuditAction.READ,
        target_type="unit",
        target_id=unit.pk,
        details={"basis": "staff of the municipality"},
    )
    return render(request, "directory/unit_detail.html", {"unit": unit, "key_staff": key_staff})
