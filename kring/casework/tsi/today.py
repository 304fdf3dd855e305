"""The work of the day in TSI cases, for the start page.

* the team: requests to assess, meetings in the coming week, follow-ups due within a week, and open cases with a
  plan but no follow-up booked;
* the school that asked: its requests and the team's answers (more information asked for, accepted, declined).

Every list reads through the policy (`visible_to`) and is counted in full; constant queries.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.policy import can, units_where, visible_to
from kring.access.roles import CASE_SCHOOL_ROLES, Permission, Role
from kring.casework.models import OPEN_STAGES, CaseStage, FollowUp, Meeting, PlanVersion, TsiCase
from kring.casework.tsi.queries import team_ids_of
from kring.directory.models import User
from kring.directory.today import (
    GROUP_LIMIT,
    Priority,
    WorkGroup,
    WorkItem,
    count_and_first,
    due_priority,
    due_text,
    since_text,
)

SOON_DAYS = 7
ANSWER_DAYS = 14


def _case_url(case_id: int) -> str:
    return reverse("casework_case", args=[case_id])


def _requests_to_assess(user: User, teams: set[int], today: date) -> WorkGroup:
    requested = visible_to(user, TsiCase.objects.filter(stage=CaseStage.REQUESTED, team_id__in=teams))
    count, rows = count_and_first(requested.select_related("child"), "requested_at", "pk")
    items = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Assess a request for help")),
            subject=case.child.full_name,
            when=since_text(timezone.localdate(case.requested_at), today),
            url=_case_url(case.pk),
            order=timezone.localdate(case.requested_at),
            child_id=case.child_id,
        )
        for case in rows
    ]
    return WorkGroup("requests_to_assess", str(_("Requests to assess")), count, items, reverse("casework_list"))


def _meetings_this_week(user: User, teams: set[int], today: date) -> WorkGroup:
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = start + timedelta(days=SOON_DAYS + 1)
    meetings = visible_to(
        user,
        Meeting.objects.filter(
            held=False, starts_at__gte=start, starts_at__lt=end, case__team_id__in=teams, case__stage__in=OPEN_STAGES
        ),
    )
    count, rows = count_and_first(meetings.select_related("case__child"), "starts_at", "pk")
    items = []
    for meeting in rows:
        moment = timezone.localtime(meeting.starts_at)
        items.append(
            WorkItem(
                priority=Priority.TODAY if moment.date() == today else Priority.SOON,
                what=str(_("Meeting: %(kind)s") % {"kind": meeting.get_kind_display()}),
                subject=meeting.case.child.full_name,
                when=_("%(moment)s, %(place)s") % {"moment": f"{moment:%Y-%m-%d %H:%M}", "place": meeting.place},
                url=_case_url(meeting.case_id),
                order=moment.date(),
                child_id=meeting.case.child_id,
            )
        )
    return WorkGroup("meetings_this_week", str(_("Meetings in the coming week")), count, items)


def _follow_ups_due(user: User, teams: set[int], today: date) -> WorkGroup:
    due = visible_to(
        user,
        FollowUp.objects.filter(
            done_on__isnull=True,
            due_on__lte=today + timedelta(days=SOON_DAYS),
            case__team_id__in=teams,
            case__stage__in=OPEN_STAGES,
        ),
    )
    count, rows = count_and_first(due.select_related("case__child"), "due_on", "pk")
    items = [
        WorkItem(
            priority=due_priority(follow_up.due_on, today, soon_days=SOON_DAYS),
            what=str(_("Follow up the plan")),
            subject=follow_up.case.child.full_name,
            when=due_text(follow_up.due_on, today),
            url=reverse("casework_follow_up", args=[follow_up.case_id, follow_up.pk]),
            order=follow_up.due_on,
            child_id=follow_up.case.child_id,
        )
        for follow_up in rows
    ]
    return WorkGroup("follow_ups_due", str(_("Follow-ups due within a week")), count, items)


def _plans_without_follow_up(user: User, teams: set[int], today: date) -> WorkGroup:
    cases = visible_to(
        user,
        TsiCase.objects.filter(stage__in=(CaseStage.ACTIVE, CaseStage.FOLLOW_UP), team_id__in=teams)
        .filter(Exists(PlanVersion.objects.filter(case=OuterRef("pk"))))
        .exclude(Exists(FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True))),
    )
    count, rows = count_and_first(cases.select_related("child"), "stage_since", "pk")
    items = [
        WorkItem(
            priority=Priority.TO_DO,
            what=str(_("Book the next follow-up of the plan")),
            subject=case.child.full_name,
            when=_("no follow-up booked"),
            url=_case_url(case.pk),
            order=timezone.localdate(case.stage_since),
            child_id=case.child_id,
        )
        for case in rows
    ]
    return WorkGroup("plans_without_follow_up", str(_("Plans without a next follow-up")), count, items)


def _answer_of(case: TsiCase, today: date) -> tuple[Priority, str]:
    if case.stage == CaseStage.MORE_INFO:
        return Priority.TO_DO, str(_("The team asks for more information"))
    if case.stage == CaseStage.REQUESTED:
        return Priority.TO_KNOW, str(_("Your request waits for the team's answer"))
    if case.stage == CaseStage.DECLINED:
        return Priority.TO_KNOW, str(_("The team declined your request"))
    return Priority.TO_KNOW, str(_("The team took the case: %(stage)s") % {"stage": case.get_stage_display()})


def _school_requests(user: User, today: date) -> WorkGroup:
    """The requests of the user's schools that wait for an answer or were answered in the last two weeks."""
    recently = timezone.make_aware(datetime.combine(today - timedelta(days=ANSWER_DAYS), time.min))
    mine = Q(requesting_unit_id__in=units_where(user, CASE_SCHOOL_ROLES)) | Q(requested_by_id=user.pk)
    cases = visible_to(user, TsiCase.objects.filter(mine)).filter(
        Q(stage__in=(CaseStage.REQUESTED, CaseStage.MORE_INFO)) | Q(stage_since__gte=recently)
    )
    count, rows = count_and_first(cases.select_related("child"), "-stage_since", "-pk")
    items = []
    for case in rows:
        urgency, what = _answer_of(case, today)
        items.append(
            WorkItem(
                priority=urgency,
                what=what,
                subject=case.child.full_name,
                when=since_text(timezone.localdate(case.stage_since), today),
                url=_case_url(case.pk),
                order=timezone.localdate(case.stage_since),
                child_id=case.child_id,
            )
        )
    return WorkGroup("tsi_requests", str(_("Your requests to the TSI team")), count, items, reverse("casework_list"))


def _cases_per_lead(user: User, teams: list[int], today: date) -> WorkGroup:
    """For a team's unit manager: each case lead's open cases and how many have a follow-up overdue."""
    overdue = Exists(FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True, due_on__lt=today))
    people = list(
        visible_to(user, TsiCase.objects.filter(team_id__in=teams, stage__in=OPEN_STAGES, lead__isnull=False))
        .annotate(late=overdue)
        .values("lead_id", "lead__first_name", "lead__last_name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(late=True)))
        .order_by("-overdue", "-open", "lead__last_name", "lead_id")
    )
    items = [
        WorkItem(
            priority=Priority.OVERDUE if person["overdue"] else Priority.TO_KNOW,
            what=str(
                _("Open TSI cases: %(open)s, with a follow-up overdue: %(overdue)s")
                % {"open": person["open"], "overdue": person["overdue"]}
            ),
            subject=f"{person['lead__first_name']} {person['lead__last_name']}".strip(),
            when="",
            url=reverse("casework_list"),
            rank=-person["overdue"],
        )
        for person in people[:GROUP_LIMIT]
    ]
    return WorkGroup("cases_per_lead", str(_("Your team's open cases per case lead")), len(people), items,
                     reverse("casework_list"))  # fmt: skip


def case_work(user: Any, today: date) -> list[WorkGroup]:
    """The start page's groups from TSI cases."""
    groups: list[WorkGroup] = []
    teams = team_ids_of(user) if can(user, Permission.CASE_WORK) else set()
    if teams:
        groups += [
            _requests_to_assess(user, teams, today),
            _meetings_this_week(user, teams, today),
            _follow_ups_due(user, teams, today),
            _plans_without_follow_up(user, teams, today),
        ]
    managed_teams = sorted(teams & set(units_where(user, {Role.UNIT_MANAGER})))
    if managed_teams:
        groups.append(_cases_per_lead(user, managed_teams, today))
    if can(user, Permission.CASE_REQUEST):
        groups.append(_school_requests(user, today))
    return groups


def requests_waiting(user: Any) -> QuerySet[TsiCase] | None:
    """Beside "TSI cases": the requests the user's team has to assess."""
    teams = team_ids_of(user) if can(user, Permission.CASE_WORK) else set()
    if not teams:
        return None
    return visible_to(user, TsiCase.objects.filter(stage=CaseStage.REQUESTED, team_id__in=teams))
