"""Reading TSI cases through the access policy: the only way views reach a case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event, record_list_read, record_read
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, basis_among, basis_for, units_where, visible_to
from kring.access.roles import CASE_SCHOOL_ROLES, CASE_TEAM_ROLES, Category, Origin
from kring.casework.models import (
    OPEN_STAGES,
    CaseStage,
    ChildVoice,
    Consent,
    ConsentRequest,
    ConsentRequestAnswer,
    ConsentRequestStatus,
    FocusArea,
    FollowUp,
    Intervention,
    Meeting,
    MeetingKind,
    Need,
    OutcomeMeasure,
    PlanVersion,
    Story,
    Teller,
    TsiCase,
)
from kring.casework.tsi.basis import active_consent
from kring.casework.tsi.outcome_sources import ImportedAttendance, imported_attendance
from kring.directory.models import Membership, User
from kring.people.models import Custody, Guardian

_Item = TypeVar("_Item", bound=models.Model)


def team_ids_of(user: User) -> set[int]:
    return set(units_where(user, CASE_TEAM_ROLES))


def team_colleagues(case: TsiCase, user: User) -> QuerySet[User]:
    """The other active members of the case's team, by name: to whom the case lead may hand it."""
    team = Membership.objects.filter(unit_id=case.team_id, role__in=CASE_TEAM_ROLES, active=True).values("user_id")
    people = User.objects.filter(pk__in=team, is_active=True, is_system=False)  # an integration is no one to hand to
    return people.exclude(pk=user.pk).order_by("last_name", "first_name")


def is_case_team_member(user: User, case: TsiCase) -> bool:
    return case.team_id in team_ids_of(user)


def get_case_for_user(user: User, pk: int, *, for_write: bool = False) -> tuple[TsiCase, list[Basis]]:
    """The case and the user's bases for its child, or 404; for_write needs membership of the case's team (403)."""
    case = (
        visible_to(user, TsiCase.objects.filter(pk=pk))
        .select_related("child", "team", "requesting_unit", "requested_by", "lead")
        .first()
    )
    if case is None:
        raise Http404
    bases = [basis for basis in bases_for_children(user, [case.child_id])[case.child_id] if basis.reaches_case(case.pk)]
    if basis_among(bases, Origin.STUDENT_HEALTH, Category.REQUEST) is None:
        raise Http404
    if for_write and not is_case_team_member(user, case):
        raise PermissionDenied
    return case, bases


def _case_item_for_user(user: User, pk: int, items: QuerySet[_Item], item_pk: int) -> tuple[TsiCase, _Item]:
    """The case (for its team to work on: 403 for others) and one of its items, or 404."""
    case, _bases = get_case_for_user(user, pk, for_write=True)
    item = items.filter(case=case, pk=item_pk).first()
    if item is None:
        raise Http404
    return case, item


def may_record_withdrawal(user: User, case: TsiCase) -> bool:
    """The team, and the principal and student health of the requesting school, record a withdrawal they were
    told of."""
    return is_case_team_member(user, case) or case.requesting_unit_id in units_where(user, CASE_SCHOOL_ROLES)


def get_open_consent_for_user(user: User, pk: int, consent_pk: int) -> tuple[TsiCase, Consent]:
    """A consent of the case not yet withdrawn, for recording its withdrawal (404 without access to the case, 403
    for someone who sees it but may not record a withdrawal)."""
    case, _bases = get_case_for_user(user, pk)
    if not may_record_withdrawal(user, case):
        raise PermissionDenied
    consent = Consent.objects.filter(case=case, pk=consent_pk, withdrawn_at__isnull=True).first()
    if consent is None:
        raise Http404
    return case, consent


def get_intervention_for_user(user: User, pk: int, item_pk: int) -> tuple[TsiCase, Intervention]:
    return _case_item_for_user(user, pk, Intervention.objects.all(), item_pk)


def get_meeting_for_user(user: User, pk: int, item_pk: int) -> tuple[TsiCase, Meeting]:
    return _case_item_for_user(user, pk, Meeting.objects.prefetch_related("participants"), item_pk)


def get_open_follow_up_for_user(user: User, pk: int, item_pk: int) -> tuple[TsiCase, FollowUp]:
    """A follow-up of the case not yet done."""
    return _case_item_for_user(user, pk, FollowUp.objects.filter(done_on__isnull=True), item_pk)


def guardians_with_custody(case: TsiCase) -> QuerySet[Guardian]:
    """The guardians with custody of the case's child (the case was fetched for the user through the policy), each
    with `custody_relation`: a guardian, or a good man (god man) in a guardian's place."""
    custody = Custody.objects.filter(child_id=case.child_id, guardian=OuterRef("pk"))
    return Guardian.objects.filter(pk__in=case.child.custodies.values("guardian_id")).annotate(
        custody_relation=Subquery(custody.values("relation")[:1])
    )


@dataclass
class CaseSection:
    """One part of the case page, with the basis that lets the user see it (None: not shown)."""

    category: str
    basis: Basis | None
    items: list[Any] = field(default_factory=list)


@dataclass
class CaseView:
    case: TsiCase
    request_basis: Basis
    consent: Consent | None
    consents: CaseSection
    stories: CaseSection
    needs: CaseSection
    interventions: CaseSection
    meetings: CaseSection
    plans: CaseSection
    follow_ups: CaseSection
    outcomes: CaseSection
    is_team: bool
    attendance: ImportedAttendance | None = None
    may_record_withdrawal: bool = False  # the requesting school too, told of a withdrawal

    @property
    def shown_bases(self) -> dict[str, Basis | None]:
        """Each section's basis, said only where it differs from the section shown before it: "You see this
        because" once per group of sections under the same basis, not once per section."""
        shown: dict[str, Basis | None] = {"request": self.request_basis}
        previous = self.request_basis
        sections = {
            "consents": self.consents.basis, "stories": self.stories.basis, "needs": self.needs.basis,
            "interventions": self.interventions.basis, "meetings": self.meetings.basis, "plans": self.plans.basis,
            "outcomes": self.outcomes.basis,
        }  # fmt: skip
        for name, basis in sections.items():
            if basis is None:
                continue
            shown[name] = None if basis == previous else basis
            previous = basis
        return shown

    @cached_property
    def child_voices(self) -> list[ChildVoice]:
        """The child's own "how is it going?" answers, for the case's team (they hold the child's words)."""
        return list(self.case.child_voices.all()) if self.is_team and self.outcomes.basis is not None else []

    @cached_property
    def open_consent_request(self) -> ConsentRequest | None:
        return self.case.consent_requests.filter(status=ConsentRequestStatus.OPEN).first() if self.is_team else None

    @property
    def consent_request_answers(self) -> list[tuple[Guardian, ConsentRequestAnswer | None]]:
        """Each guardian with custody and their answer to the open request (for the team)."""
        request = self.open_consent_request
        if request is None:
            return []
        answers = {a.guardian_id: a for a in request.answers.all()}
        return [(g, answers.get(g.pk)) for g in guardians_with_custody(self.case)]

    @property
    def current_plan(self) -> PlanVersion | None:
        return self.plans.items[0] if self.plans.items else None

    @property
    def stories_by_teller(self) -> list[tuple[str, Any, list[Story]]]:
        return [(value, label, [s for s in self.stories.items if s.teller == value]) for value, label in Teller.choices]

    @property
    def needs_by_area(self) -> list[tuple[str, Any, list[Need]]]:
        return [(value, label, [n for n in self.needs.items if n.area == value]) for value, label in FocusArea.choices]

    @property
    def interventions_by_area(self) -> list[tuple[str, Any, list[Intervention]]]:
        return [
            (value, label, [i for i in self.interventions.items if i.area == value])
            for value, label in FocusArea.choices
        ]

    @property
    def steps(self) -> list[MethodStep]:
        return method_steps(self)

    @property
    def timeline(self) -> list[TimelineEntry]:
        return timeline(self)


def _section(user: User, bases: list[Basis], category: str, queryset: QuerySet[Any]) -> CaseSection:
    basis = basis_among(bases, Origin.JOINT_TEAM, category)
    items = list(visible_to(user, queryset)) if basis is not None else []
    return CaseSection(category, basis, items)


def case_view_for_user(user: User, pk: int) -> CaseView:
    """Everything of the case the user's bases cover, each part with its basis; the read is audited."""
    case, bases = get_case_for_user(user, pk)
    consents = Consent.objects.filter(case=case).prefetch_related("givers__guardian", "scopes")
    meetings = Meeting.objects.filter(case=case).prefetch_related("participants")
    view = CaseView(
        case=case,
        request_basis=basis_among(bases, Origin.STUDENT_HEALTH, Category.REQUEST),  # type: ignore[arg-type]
        consent=active_consent(case),
        consents=_section(user, bases, Category.CONSENT, consents.select_related("withdrawn_by")),
        stories=_section(user, bases, Category.STORY, Story.objects.filter(case=case)),
        needs=_section(user, bases, Category.NEEDS, Need.objects.filter(case=case)),
        interventions=_section(user, bases, Category.INTERVENTION, Intervention.objects.filter(case=case)),
        meetings=_section(user, bases, Category.MEETING, meetings),
        plans=_section(user, bases, Category.PLAN, PlanVersion.objects.filter(case=case).order_by("-number")),
        follow_ups=_section(user, bases, Category.PLAN, FollowUp.objects.filter(case=case)),
        outcomes=_section(
            user, bases, Category.OUTCOME, OutcomeMeasure.objects.filter(case=case).select_related("guardian")
        ),
        is_team=is_case_team_member(user, case),
        attendance=imported_attendance(user, case, bases),
        may_record_withdrawal=may_record_withdrawal(user, case),
    )
    shown = [s.category for s in _sections(view) if s.basis is not None]
    if view.attendance is not None:
        shown.append(Category.ATTENDANCE)
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="tsi_case",
        target_id=case.pk,
        child_id=case.child_id,
        basis=view.request_basis,
        details={"sections": sorted(set(shown))},
    )
    return view


def _sections(view: CaseView) -> list[CaseSection]:
    return [
        view.consents,
        view.stories,
        view.needs,
        view.interventions,
        view.meetings,
        view.plans,
        view.follow_ups,
        view.outcomes,
    ]


@dataclass(frozen=True)
class MethodStep:
    """One step of the Magneten method and whether (and when) the case has done it: the method-fidelity view."""

    label: str
    done: bool
    on: date | None = None
    day: int | None = None  # days after the request


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    label: str


def timeline(view: CaseView) -> list[TimelineEntry]:
    """What happened in the case, in date order, from the parts the user may see."""
    case = view.case
    entries = [
        TimelineEntry(
            timezone.localdate(case.requested_at), str(_("Request from %(unit)s")) % {"unit": case.requesting_unit.name}
        )
    ]
    for consent in view.consents.items:
        entries.append(TimelineEntry(consent.given_on, str(_("Consent given"))))
        if consent.withdrawn_at:
            entries.append(TimelineEntry(timezone.localdate(consent.withdrawn_at), str(_("Consent withdrawn"))))
    entries += [TimelineEntry(s.told_on, str(s.get_teller_display())) for s in view.stories.items]
    entries += [
        TimelineEntry(timezone.localdate(m.starts_at), f"{m.get_kind_display()}, {m.place}")
        for m in view.meetings.items
    ]
    entries += [
        TimelineEntry(p.agreed_on, str(_("Plan version %(number)s agreed")) % {"number": p.number})
        for p in view.plans.items
    ]
    entries += [
        TimelineEntry(f.done_on, str(_("Follow-up done"))) for f in view.follow_ups.items if f.done_on is not None
    ]
    entries += [
        TimelineEntry(o.measured_on, str(_("Outcome measures: %(occasion)s")) % {"occasion": o.get_occasion_display()})
        for o in view.outcomes.items
    ]
    if case.closed_at:
        entries.append(
            TimelineEntry(
                timezone.localdate(case.closed_at),
                str(_("Closed: %(reason)s")) % {"reason": case.get_closure_reason_display()},
            )
        )
    return sorted(entries, key=lambda entry: entry.on)


def method_steps(view: CaseView) -> list[MethodStep]:
    case = view.case
    meetings = view.meetings.items
    now = timezone.now()
    happened = [m for m in meetings if m.held or m.starts_at <= now]  # a booked meeting is not yet a step done
    information = [m for m in happened if m.kind == MeetingKind.INFORMATION]
    network = [m for m in happened if m.kind == MeetingKind.NETWORK]
    tellers = {s.teller for s in view.stories.items}
    areas = {n.area for n in view.needs.items}
    # Whether and when consent was given is a fact of the case (the bases shown on the page name it), not of the
    # consent's details, which only the team sees.
    first_consent = Consent.objects.filter(case=case).aggregate(first=Min("given_on"))["first"]
    first_plan = min((p.agreed_on for p in view.plans.items), default=None)
    done_follow_ups = [f.done_on for f in view.follow_ups.items if f.done_on]
    accepted = case.stage not in (CaseStage.REQUESTED, CaseStage.MORE_INFO, CaseStage.DECLINED)
    steps = [
        MethodStep(str(_("Request from the school")), True, timezone.localdate(case.requested_at)),
        MethodStep(str(_("Assessment of fit")), accepted),
        MethodStep(str(_("Information meeting with the guardians")), bool(information), _first_day(information)),
        MethodStep(str(_("Consent of every guardian with custody")), first_consent is not None, first_consent),
        MethodStep(str(_("Stories from guardians, school and child")), len(tellers) == len(Teller.values)),
        MethodStep(str(_("Needs analysis: Barnet, Skolan, Hemmet")), len(areas) == len(FocusArea.values)),
        MethodStep(str(_("Interventions proposed")), bool(view.interventions.items)),
        MethodStep(str(_("Network meeting on a neutral arena")), bool(network), _first_day(network)),
        MethodStep(str(_("Joint plan agreed")), first_plan is not None, first_plan),
        MethodStep(
            str(_("Follow-up with outcome measures")), bool(done_follow_ups), min(done_follow_ups, default=None)
        ),
        MethodStep(
            str(_("Closure with a reason")),
            case.closed_at is not None,
            timezone.localdate(case.closed_at) if case.closed_at else None,
        ),
    ]
    start = timezone.localdate(case.requested_at)
    return [MethodStep(step.label, step.done, step.on, (step.on - start).days if step.on else None) for step in steps]


def _first_day(meetings: list[Meeting]) -> date | None:
    return min((timezone.localdate(m.starts_at) for m in meetings), default=None)


@dataclass(frozen=True)
class WorkListRow:
    case: TsiCase
    days_in_stage: int
    next_meeting: datetime | None
    next_follow_up: date | None
    overdue: bool


WORK_LIST_PAGE_SIZE = 50


@dataclass
class WorkListPage:
    rows: list[WorkListRow]
    page: Page[TsiCase]


def work_list_for_user(
    user: User, *, mine_only: bool = False, include_closed: bool = False, page_number: str | int | None = 1
) -> WorkListPage:
    """The cases the user may see, a page at a time: stage, days in stage, next meeting, overdue follow-ups (of
    open cases) first. Constant queries."""
    today = timezone.localdate()
    now = timezone.now()
    cases = visible_to(user, TsiCase.objects.all()).select_related("child", "team", "requesting_unit", "lead")
    if not include_closed:
        cases = cases.filter(stage__in=OPEN_STAGES)
    if mine_only:
        cases = cases.filter(Q(lead_id=user.pk) | Q(requested_by_id=user.pk))
    cases = cases.annotate(
        next_meeting=Min("meetings__starts_at", filter=Q(meetings__starts_at__gte=now, meetings__held=False)),
        next_follow_up=Min("follow_ups__due_on", filter=Q(follow_ups__done_on__isnull=True)),
        overdue=Exists(
            FollowUp.objects.filter(
                case=OuterRef("pk"), case__stage__in=OPEN_STAGES, done_on__isnull=True, due_on__lt=today
            )
        ),
    ).order_by("-overdue", "stage_since", "pk")
    page = Paginator(cases, WORK_LIST_PAGE_SIZE).get_page(page_number)
    rows = [
        WorkListRow(
            case=case,
            days_in_stage=(now - case.stage_since).days,
            next_meeting=case.next_meeting,  # type: ignore[attr-defined]
            next_follow_up=case.next_follow_up,  # type: ignore[attr-defined]
            overdue=bool(case.overdue),  # type: ignore[attr-defined]
        )
        for case in page.object_list
    ]
    record_list_read(
        user,
        "tsi_case_list",
        [row.case.child_id for row in rows],
        cases=[row.case.pk for row in rows],
        page=page.number,
    )
    return WorkListPage(rows, page)


def record_case_read(user: User, case: TsiCase, page: str) -> None:
    """A page of the case other than the case page itself (a step's form shows the child's name, the plan, the
    guardians or the meeting's notes): one read event, under the user's basis for this case."""
    record_read(user, "tsi_case", case.pk, child_id=case.child_id, basis=basis_for(user, case), page=page)
