"""Reads of a group's meetings: only the group's members and the coordinators; a child identified in a discussion
is shown only through the policy (`visible_to`), and every page showing one is audited with the children shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kring.access.audit import record_read
from kring.access.policy import bases_for_children, basis_for_among, visible_to
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
    _audit_reads(user, meeting, list(identified.values()))
    return [DiscussionLine(d, identified.get(d.pk)) for d in discussions]


def _audit_reads(user: User, meeting: GroupMeeting, shown: list[IdentifiedDiscussion]) -> None:
    """One read event for the page, naming each child shown and the group-discussion basis it was shown under (a
    single child as the event's child, so log review finds it by the child and by its basis)."""
    if not shown:
        return
    bases = bases_for_children(user, [row.child_id for row in shown])
    used = {row.child_id: basis_for_among(bases[row.child_id], row) for row in shown}
    if len(used) == 1:
        (child_id, basis), *_rest = used.items()
        record_read(user, "group_meeting", meeting.pk, child_id=child_id, basis=basis)
        return
    described = {str(child): basis.describe() for child, basis in used.items() if basis is not None}
    record_read(user, "group_meeting", meeting.pk, children=sorted(used), bases=described)


def open_actions_of(user: User) -> QuerySet[MeetingAction]:
    return MeetingAction.objects.filter(owner_id=user.pk, done_at__isnull=True).select_related("meeting__group")


def actions_due(user: User, today: date) -> QuerySet[MeetingAction]:
    return open_actions_of(user).filter(due_on__lte=today)
