"""A group's meetings: thin typed views over `queries` (who may read) and `actions` (who may write)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.access.audit import record_read
from kring.access.policy import basis_for
from kring.casework.workflow import run_action
from kring.collaboration.groups.queries import get_group_for_user
from kring.collaboration.meetings import actions, queries
from kring.collaboration.meetings.forms import (
    ActionFormSet,
    DiscussionForm,
    IdentifyForm,
    MeetingForm,
    PoliceForm,
    meeting_input,
)
from kring.collaboration.models import CollaborationGroup, GroupMeeting
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import User


def _owners(group: CollaborationGroup) -> Any:
    """Who can be given an action: the group's members with an account."""
    return User.objects.filter(pk__in=group.members.filter(user__isnull=False).values("user_id")).order_by(
        "last_name", "first_name", "pk"
    )


def _meeting_form(request: AuthenticatedRequest, group: CollaborationGroup, meeting: GroupMeeting | None) -> Any:
    user = request.user
    if not actions.may_attend(user, group):
        raise Http404
    members = group.members.select_related("user", "organisation").order_by("pk")
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial=MeetingForm.initial_of(meeting, members) if meeting else None, members=members)
    rows = ActionFormSet(data, prefix="actions", form_kwargs={"owners": _owners(group)})
    if data is not None and form.is_valid() and rows.is_valid():
        given = meeting_input(form, rows)
        saved = run_action(form, lambda: actions.save_meeting(group=group, given=given, by=user, meeting=meeting))
        if saved is not None:
            messages.success(request, _("The meeting is saved."))
            return redirect("collaboration_meeting", saved.pk)
    context = {"form": form, "actions": rows, "group": group, "meeting": meeting}
    return render(request, "collaboration/meeting_form.html", context)


@login_required
def meeting_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    return _meeting_form(request, group, None)  # type: ignore[no-any-return]


@login_required
def meeting_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request.user, pk)
    return _meeting_form(request, meeting.group, meeting)  # type: ignore[no-any-return]


@login_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = queries.get_meeting_for_user(user, pk)
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "present": list(meeting.attendance.filter(present=True).select_related("organisation")),
        "actions": list(meeting.actions.select_related("owner")),
        "lines": queries.discussion_lines(user, meeting),
        "sits_in": actions.sits_in(user, meeting.group),
        "is_social_services": actions.is_social_services(user),
        # social services' decision and its reason: for social services and the police it was made for, no one else
        "sees_disclosures": actions.is_social_services(user) or actions.is_police(user),
        "today": timezone.localdate(),
    }
    return render(request, "collaboration/meeting_detail.html", context)


@login_required
def discussion_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = queries.get_meeting_for_user(user, pk)
    form = DiscussionForm(request.POST or None, organisations=meeting.group.organisations.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.add_discussion(meeting=meeting, by=user, **data),
            field="description",
        )
        if done is not None:
            messages.success(request, _("The discussion is recorded, anonymously."))
            return redirect("collaboration_meeting", meeting.pk)
    return render(request, "collaboration/discussion_form.html", {"form": form, "meeting": meeting})


@login_required
def identify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    discussion = queries.get_discussion_for_user(user, pk)
    group = discussion.meeting.group
    if not actions.sits_in(user, group):
        raise Http404
    form = IdentifyForm(request.POST or None, organisations=group.organisations.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.identify_child(
                discussion=discussion,
                identity_number=data["identity_number"],
                notes=data["notes"],
                by=user,
                today=timezone.localdate(),
                consent=form.consent(),
                police_reason=form.police_reason_given(),
                police_conditions=form.police_conditions(),
            ),
        )
        if done is not None:
            messages.success(request, _("The child is identified for those the ground covers."))
            return redirect("collaboration_meeting", discussion.meeting_id)
    context = {"form": form, "discussion": discussion, "is_social_services": actions.is_social_services(user)}
    return render(request, "collaboration/identify_form.html", context)


@login_required
def tell_the_police(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    identified = queries.get_identified_for_user(user, pk)
    if not actions.is_social_services(user):
        raise Http404
    form = PoliceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["police_reason"]
        done = run_action(
            form,
            lambda: actions.tell_the_police(
                identified=identified, reason=reason, by=user, today=timezone.localdate(), conditions=True
            ),
        )
        if done is not None:
            messages.success(request, _("The decision is recorded: the police in the group now see this child."))
            return redirect("collaboration_meeting", identified.discussion.meeting_id)
    record_read(
        user, "group_discussion_identified", identified.pk, child_id=identified.child_id,
        basis=basis_for(user, identified),
    )  # fmt: skip
    return render(request, "collaboration/police_form.html", {"form": form, "identified": identified})


@login_required
@require_POST
def withdraw_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    identified = queries.get_identified_for_user(request.user, pk)
    actions.withdraw_consent(identified=identified, by=request.user)
    messages.success(request, _("The consent is recorded as withdrawn."))
    return redirect("collaboration_meeting", identified.discussion.meeting_id)


@login_required
@require_POST
def action_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request.user, pk)
    actions.complete_action(action=action, by=request.user)
    messages.success(request, _("Marked as done."))
    return redirect("collaboration_meeting", action.meeting_id)
