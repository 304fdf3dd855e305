"""Reads of a group's meetings: only the group's members and the coordinators; a child identified in a discussion
is shown only through the policy (`visible_to`), and every page showing one is audited with the children shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kring.access.audit import record_list_read
from kring.access.policy import visible_to
from kring.collaboration.meetings.actions import may_attend
from kring.collaboration.models import (
    CollaborationGroup,
    Discussion,
    GroupMeeting,
    IdentifiedDiscussion,
    MeetingAction,
)
from kring.directory.models import User


def meetings_of(user: User, group: CollaborationGroup) -> list[GroupMeeting]:
    if not may_attend(user, group):
        return []
    return list(GroupMeeting.objects.filter(group=group).order_by("-held_on", "-pk"))


def get_meeting_for_user(user: User, pk: int) -> GroupMeeting:
    meeting = GroupMeeting.objects.select_related("group").filter(
        pk=pk, group__municipality_id=user.municipality_id or 0
    )
    found = meeting.first()
    if found is None or not may_attend(user, found.group):
        raise Http404
    return found


def get_discussion_for_user(user: User, pk: int) -> Discussion:
    discussion = Discussion.objects.select_related("meeting__group").filter(pk=pk).first()
    if discussion is None or not may_attend(user, discussion.meeting.group):
        raise Http404
    return discussion


def get_identified_for_user(user: User, pk: int) -> IdentifiedDiscussion:
    found = visible_to(user, IdentifiedDiscussion.objects.select_related("discussion__meeting__group", "child"))
    identified = found.filter(pk=pk).first()
    if identified is None:
        raise Http404
    return identified


def get_action_for_user(user: User, pk: int) -> MeetingAction:
    action = MeetingAction.objects.select_related("meeting__group").filter(pk=pk).first()
    if action is None or (action.owner_id != user.pk and not may_attend(user, action.meeting.group)):
        raise Http404
    return action


@dataclass(frozen=True)
class DiscussionLine:
    discussion: Discussion
    identified: IdentifiedDiscussion | None  # None: anonymous to this reader


def discussion_lines(user: User, meeting: GroupMeeting) -> list[DiscussionLine]:
    """The meeting's discussions; the child of one only where the reader's basis reaches it (audited)."""
    discussions = list(meeting.discussions.select_related("brought_by").order_by("pk"))
    shown = visible_to(
        user,
        IdentifiedDiscussion.objects.filter(discussion__meeting=meeting)
        .select_related("child")
        .prefetch_related("consent_organisations", Prefetch("police_disclosures")),
    )
    identified = {row.discussion_id: row for row in shown}
    if identified:
        children = [row.child_id for row in identified.values()]
        record_list_read(user, "group_meeting", children, meeting.pk)
    return [DiscussionLine(d, identified.get(d.pk)) for d in discussions]


def open_actions_of(user: User) -> QuerySet[MeetingAction]:
    return MeetingAction.objects.filter(owner_id=user.pk, done_at__isnull=True).select_related("meeting__group")


def actions_due(user: User, today: date) -> QuerySet[MeetingAction]:
    return open_actions_of(user).filter(due_on__lte=today)
