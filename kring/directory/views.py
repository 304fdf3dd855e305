from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kring.access.audit import record_event, record_list_read
from kring.access.models import AuditAction
from kring.access.policy import can, role_grants, roles_of
from kring.access.roles import Permission, Role
from kring.directory import notifications
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
        "is_social_services": bool(roles & {Role.SOCIAL_WORKER, Role.UNIT_MANAGER}),
        "is_tsi_team": Role.TSI_TEAM_MEMBER in roles,
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


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The person's notifications, and whether they also come by e-mail."""
    user = request.user
    if request.method == "POST":
        if request.POST.get("action") == "read_all":
            notifications.mark_all_read(by=user)
        else:
            notifications.set_email_preference(by=user, by_email=request.POST.get("by_email") == "on")
            messages.success(request, _("Saved."))
        return redirect("notification_list")
    context = {"notifications": notifications.notifications_of(user), "by_email": user.notify_by_email}
    return render(request, "directory/notifications.html", context)


@login_required
def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read, and the person goes to the thing it is about."""
    notification = notifications.open_notification(by=request.user, pk=pk)
    return redirect(notification.url if url_has_allowed_host_and_scheme(notification.url, None) else "home")
