"""TSI cases of the demo municipality's joint teams, in every stage, written through the casework actions.

After the population and the staff, `write_cases` lets the schools ask the joint teams for help and the teams work
the cases: requests by a principal or kurator of the child's school (at the demo school: the demo principal and
the demo kurator), the team's work by a member of the team (at Kompassen, the first team: the demo TSI login).
Every row, basis and audit event is what the actions write, so the demo shows what Kring really does.

The first cases (`SHOWCASE`, all of size small) are at the demo school and cover every stage: requested, more
information asked for, declined (one with the advice "report of concern"), information and consent, analysis and
planning, follow-up (one overdue), closed with goals reached, and closed because a guardian withdrew consent. Larger
sizes add cases from every school, in proportions like a TSI team's year (`WEIGHTS`). The actions stamp "now";
afterwards the request, stage and closing times (and the time of a withdrawal) are moved back to the days the
timeline says, so "days in stage" looks real. Dates the actions take (consent, stories, meetings, plans, outcome
measures, follow-ups) are back-dated directly.
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from kring.access.audit import current_request_id
from kring.access.roles import Category, Origin, Role
from kring.casework.models import (
    YOUNG_PERSON_AGE,
    CaseStage,
    ChildAgreement,
    ClosureReason,
    Consent,
    ConsentMethod,
    DeclineAdvice,
    FocusArea,
    InterventionStatus,
    Meeting,
    MeetingKind,
    NeedKind,
    Occasion,
    ParticipantRole,
    Teller,
    TsiCase,
    YoungPersonAnswer,
)
from kring.casework.tsi import actions
from kring.demo import case_texts as texts
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.directory.models import Membership, Unit, User
from kring.people.models import Child, Custody, Guardian, Placement

AUDIT_REQUEST_ID = "demo-seed"  # the audit events of seeding carry this request id
CONSENT_DAYS = 365
SETTLING_IN_DAYS = 14  # a child is asked about only after this long at the school


class Scenario(enum.StrEnum):
    """How far a case has come, and how it ended."""

    REQUESTED = "requested"
    MORE_INFO = "more_info"
    DECLINED_CONCERN = "declined_concern"  # advice: make a report of concern
    DECLINED = "declined"  # advice: student health, or other support
    INFORMATION = "information"  # accepted; the information meeting is booked
    FAMILY_DECLINED = "family_declined"  # the family said no after the information meeting
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # a guardian withdrew consent
    FOLLOW_UP = "follow_up"
    OVERDUE = "overdue"  # follow-up stage, the second follow-up not done in time
    MOVED = "moved"
    ESCALATED = "escalated"
    GOALS_REACHED = "goals_reached"


S = Scenario
SHOWCASE: tuple[Scenario, ...] = (
    S.REQUESTED, S.MORE_INFO, S.DECLINED_CONCERN, S.INFORMATION, S.ACTIVE, S.ACTIVE, S.FOLLOW_UP, S.OVERDUE,
    S.GOALS_REACHED, S.GOALS_REACHED, S.WITHDRAWN, S.DECLINED,
)  # fmt: skip
WEIGHTS: dict[Scenario, int] = {
    S.REQUESTED: 6, S.MORE_INFO: 3, S.DECLINED_CONCERN: 4, S.DECLINED: 9, S.INFORMATION: 5, S.FAMILY_DECLINED: 6,
    S.ACTIVE: 12, S.WITHDRAWN: 4, S.FOLLOW_UP: 16, S.OVERDUE: 4, S.MOVED: 3, S.ESCALATED: 4, S.GOALS_REACHED: 24,
}  # fmt: skip

_ACCEPTED = ("request", "accept")
_CONSENTED = (*_ACCEPTED, "information_meeting", "consent", "stories", "needs")
_PLANNED = (*_CONSENTED, "interventions", "network_meeting")
STEPS: dict[Scenario, tuple[str, ...]] = {
    S.REQUESTED: ("request",),
    S.MORE_INFO: ("request", "ask_for_more"),
    S.DECLINED_CONCERN: ("request", "decline"),
    S.DECLINED: ("request", "decline"),
    S.INFORMATION: (*_ACCEPTED, "book_information_meeting"),
    S.FAMILY_DECLINED: (*_ACCEPTED, "information_meeting", "close"),
    S.ACTIVE: (*_CONSENTED, "interventions", "book_network_meeting"),
    S.WITHDRAWN: (*_CONSENTED, "withdraw"),
    S.FOLLOW_UP: (*_PLANNED, "first_follow_up"),
    S.OVERDUE: (*_PLANNED, "first_follow_up"),
    S.MOVED: (*_PLANNED, "close"),
    S.ESCALATED: (*_PLANNED, "close"),
    S.GOALS_REACHED: (*_PLANNED, "first_follow_up", "last_follow_up", "close"),
}
# The step of the timeline a case is anchored on (that many days ago, low-high), and the step it has been in its
# stage since.
ANCHORS: dict[Scenario, tuple[str, int, int, str]] = {
    S.REQUESTED: ("request", 1, 12, "request"),
    S.MORE_INFO: ("assess", 1, 9, "assess"),
    S.DECLINED_CONCERN: ("assess", 3, 150, "assess"),
    S.DECLINED: ("assess", 3, 150, "assess"),
    S.INFORMATION: ("assess", 2, 10, "assess"),
    S.FAMILY_DECLINED: ("early_closure", 5, 150, "early_closure"),
    S.ACTIVE: ("information", 6, 35, "information"),
    S.WITHDRAWN: ("withdrawal", 3, 150, "withdrawal"),
    S.FOLLOW_UP: ("first_follow_up", 1, 34, "network"),
    S.OVERDUE: ("last_follow_up", 2, 30, "network"),
    S.MOVED: ("later_closure", 5, 150, "later_closure"),
    S.ESCALATED: ("later_closure", 5, 150, "later_closure"),
    S.GOALS_REACHED: ("closure", 5, 180, "closure"),
}
CLOSURE_REASONS: dict[Scenario, str] = {
    S.FAMILY_DECLINED: ClosureReason.DECLINED_BY_FAMILY,
    S.MOVED: ClosureReason.MOVED,
    S.ESCALATED: ClosureReason.ESCALATED,
    S.GOALS_REACHED: ClosureReason.GOALS_REACHED,
}
CONSENT_PARTIES = (Origin.SCHOOL, Origin.STUDENT_HEALTH, Origin.SOCIAL_SERVICES)
CONSENT_CATEGORIES = (Category.NEEDS, Category.INTERVENTION, Category.MEETING, Category.PLAN, Category.OUTCOME)
# What the guardians let the team tell the school (the other direction): the plan, the meetings, the outcomes.
SHARED_WITH_SCHOOL = (Category.MEETING, Category.PLAN, Category.OUTCOME)


# --- the plan: which child, which scenario, when ----------------------------------------------------------------


def _name(person: User | Guardian) -> str:
    return f"{person.first_name} {person.last_name}"


def weekday(day: date) -> date:
    """The day itself, or the Friday before a weekend (never later, so a day in the past stays in the past)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


@dataclass(frozen=True)
class Timeline:
    """When each step of a case happens, in days after the request."""

    assess: int
    information: int  # the information meeting, where the guardians consent
    interventions: int
    network: int  # the network meeting, where the plan is agreed
    first_follow_up: int
    last_follow_up: int
    closure: int
    withdrawal: int
    early_closure: int  # the family says no after the information meeting
    later_closure: int  # the family moves, or social services take over, after the plan
    request: int = 0

    @classmethod
    def draw(cls, rng: random.Random) -> Timeline:
        assess = rng.randint(3, 10)
        information = assess + rng.randint(5, 14)
        network = information + rng.randint(18, 30)
        first = network + rng.randint(35, 49)
        last = first + rng.randint(35, 49)
        return cls(
            assess=assess,
            information=information,
            interventions=information + rng.randint(10, 20),
            network=network,
            first_follow_up=first,
            last_follow_up=last,
            closure=last + rng.randint(3, 10),
            withdrawal=information + rng.randint(14, 60),
            early_closure=information + rng.randint(2, 7),
            later_closure=network + rng.randint(10, 30),
        )

    def offset(self, step: str) -> int:
        return int(getattr(self, step))


@dataclass(frozen=True)
class Pupil:
    child_id: int
    identity_number: str
    unit_id: int
    start_date: date


@dataclass(frozen=True)
class CasePlan:
    scenario: Scenario
    pupil: Pupil
    timeline: Timeline
    requested_on: date
    seed: str  # of the case's own random generator (texts, people, times)
    detailed: bool = False  # a showcase case: every step in full (intervention statuses, more strengths)

    def day(self, step: str) -> date:
        """The (working) day of a step: steps are two days apart or more, so their order holds."""
        return weekday(self.requested_on + timedelta(days=self.timeline.offset(step)))


def scenarios_for(count: int, rng: random.Random) -> list[Scenario]:
    """The showcase first, then the rest in the proportions of `WEIGHTS` (largest remainder), shuffled."""
    if count <= len(SHOWCASE):
        return list(SHOWCASE[: max(0, count)])
    extra = count - len(SHOWCASE)
    total = sum(WEIGHTS.values())
    shares = {scenario: extra * weight / total for scenario, weight in WEIGHTS.items()}
    counts = {scenario: int(share) for scenario, share in shares.items()}
    by_remainder = sorted(shares, key=lambda scenario: shares[scenario] - counts[scenario], reverse=True)
    for scenario in by_remainder[: extra - sum(counts.values())]:
        counts[scenario] += 1
    rest = [scenario for scenario, number in counts.items() for _ in range(number)]
    rng.shuffle(rest)
    return list(SHOWCASE) + rest


class PupilDraw:
    """Pupils in a random order; each is taken once, and only if they were at the school when asked about."""

    def __init__(self, pupils: list[Pupil], rng: random.Random) -> None:
        self.order = list(pupils)
        rng.shuffle(self.order)
        self.taken: set[int] = set()

    def take(self, requested_on: date, unit_id: int | None = None) -> Pupil:
        latest_start = requested_on - timedelta(days=SETTLING_IN_DAYS)
        for pupil in self.order:
            fits = unit_id is None or pupil.unit_id == unit_id
            if fits and pupil.child_id not in self.taken and pupil.start_date <= latest_start:
                self.taken.add(pupil.child_id)
                return pupil
        raise LookupError("no pupil left for a TSI case")


def plan_cases(
    pupils: list[Pupil], demo_unit_id: int, count: int, rng: random.Random, today: date, seed: int
) -> list[CasePlan]:
    draw = PupilDraw(pupils, rng)
    plans = []
    for index, scenario in enumerate(scenarios_for(count, rng)):
        timeline = Timeline.draw(rng)
        anchor, low, high, _since = ANCHORS[scenario]
        requested_on = today - timedelta(days=rng.randint(low, high) + timeline.offset(anchor))
        showcase = index < len(SHOWCASE)
        pupil = draw.take(requested_on, demo_unit_id if showcase else None)
        plans.append(CasePlan(scenario, pupil, timeline, requested_on, f"{seed}:case:{index}", showcase))
    return plans


def eligible_pupils(school_ids: list[int]) -> list[Pupil]:
    """Pupils of the compulsory schools with a guardian with custody, never one with protected identity."""
    with_custody = Exists(Custody.objects.filter(child_id=OuterRef("child_id")))
    rows = (
        Placement.objects.filter(unit_id__in=school_ids, end_date__isnull=True, child__protected_identity=False)
        .filter(with_custody)
        .order_by("child__identity_number")
        .values_list("child_id", "child__identity_number", "unit_id", "start_date")
    )
    return [Pupil(*row) for row in rows]


# --- who acts ---------------------------------------------------------------------------------------------------


@dataclass
class Cast:
    """Who acts in the cases: who asks at each school, its mentors, and who works in each team."""

    requesters: dict[int, list[User]] = field(default_factory=dict)  # school unit id -> principals, kurators
    kurators: dict[int, str] = field(default_factory=dict)
    mentors: dict[int, list[str]] = field(default_factory=dict)
    workers: dict[int, list[User]] = field(default_factory=dict)  # team unit id -> team members
    team_of: dict[int, Unit] = field(default_factory=dict)  # school unit id -> joint team


def demo_users(logins: list[DemoLogin]) -> dict[str, User]:
    by_email = {login.email: login.role for login in logins}
    return {by_email[user.email]: user for user in User.objects.filter(email__in=list(by_email))}


def _school_and_team_people(structure: Structure, users: dict[int, User]) -> Cast:
    """Principals and kurators (who ask), mentors (trusted adults) of the schools; members of the teams."""
    schools = [school.unit.pk for school in structure.schools if school.plan.is_school]
    roles = (Role.PRINCIPAL, Role.KURATOR, Role.MENTOR, Role.TSI_TEAM_MEMBER)
    memberships = Membership.objects.filter(
        unit_id__in=schools + [team.pk for team in structure.joint_teams], role__in=roles
    ).select_related("user")
    cast = Cast()
    for membership in memberships.order_by("pk"):
        user = users.setdefault(membership.user_id, membership.user)  # one object per user: grants memoised
        if membership.role == Role.MENTOR:
            cast.mentors.setdefault(membership.unit_id, []).append(_name(user))
        elif membership.role == Role.TSI_TEAM_MEMBER:
            cast.workers.setdefault(membership.unit_id, []).append(user)
        else:
            cast.requesters.setdefault(membership.unit_id, []).append(user)
            if membership.role == Role.KURATOR:
                cast.kurators.setdefault(membership.unit_id, _name(user))
    return cast


def cast_for(structure: Structure, logins: list[DemoLogin]) -> Cast:
    """The demo school's requests are the demo principal's and kurator's; the first team's work is the demo TSI
    team member's. Each school belongs to the team of its area (areas shared out among the teams)."""
    demo = demo_users(logins)
    cast = _school_and_team_people(structure, {user.pk: user for user in demo.values()})
    demo_school, teams = structure.demo_school.unit.pk, structure.joint_teams
    cast.requesters[demo_school] = [demo[Role.PRINCIPAL], demo[Role.KURATOR]]
    cast.kurators[demo_school] = _name(demo[Role.KURATOR])
    cast.workers[teams[0].pk] = [demo[Role.TSI_TEAM_MEMBER]]
    cast.team_of = {
        school.unit.pk: teams[school.plan.area % len(teams)] for school in structure.schools if school.plan.is_school
    }
    return cast


# --- writing one case through the actions -----------------------------------------------------------------------


class CaseRun:
    """One case, step by step, as the people in it would have done it."""

    def __init__(self, plan: CasePlan, cast: Cast, child: Child, today: date) -> None:
        self.plan, self.child, self.today = plan, child, today
        self.rng = rng = random.Random(plan.seed)
        school = plan.pupil.unit_id
        self.requester: User = rng.choice(cast.requesters[school])
        self.team = cast.team_of[school]
        self.by: User = rng.choice(cast.workers[self.team.pk])
        self.mentor = rng.choice(cast.mentors.get(school) or [_name(self.requester)])
        self.kurator = cast.kurators.get(school, _name(self.requester))
        self.guardians: list[Guardian] = []
        self.case: TsiCase
        self.recorded_consent: Consent | None = None
        self.network: Meeting | None = None

    # Helpers

    def text(self, options: tuple[str, ...] | str) -> str:
        chosen = options if isinstance(options, str) else self.rng.choice(options)
        return chosen.format(child=self.child.first_name)

    def day(self, step: str) -> date:
        return self.plan.day(step)

    def at(self, day: date, earliest: int = 8, latest: int = 15) -> datetime:
        moment = time(self.rng.randint(earliest, latest), self.rng.choice((0, 15, 30, 45)))
        return timezone.make_aware(datetime.combine(day, moment))

    def future_meeting_day(self) -> date:
        return weekday(self.today + timedelta(days=self.rng.randint(3, 14)))

    def responsible(self, who: str) -> str:
        names = {
            "mentor": f"{self.mentor}, mentor",
            "kurator": f"{self.kurator}, kurator",
            "guardians": " och ".join(_name(guardian) for guardian in self.guardians) or "Vårdnadshavarna",
            "team": f"{_name(self.by)}, TSI-teamet",
        }
        return names[who]

    # The request and the assessment

    def request(self) -> None:
        self.case = actions.request_tsi(
            by=self.requester,
            child=self.child,
            team=self.team,
            reason=self.text(texts.REASONS),
            tried=self.text(texts.TRIED),
            child_view=self.text(texts.CHILD_VIEWS),
        )

    def ask_for_more(self) -> None:
        note = self.text(texts.MORE_INFO_NOTES)
        actions.assess_request(by=self.by, case=self.case, decision=actions.Decision.MORE_INFO, note=note)

    def decline(self) -> None:
        advice = self.rng.choices((DeclineAdvice.STUDENT_HEALTH, DeclineAdvice.OTHER_SUPPORT), (2, 1))[0]
        if self.plan.scenario == S.DECLINED_CONCERN:
            advice = DeclineAdvice.REPORT_OF_CONCERN
        note = self.text(texts.DECLINE_NOTES[advice])
        actions.assess_request(by=self.by, case=self.case, decision=actions.Decision.DECLINE, note=note, advice=advice)

    def accept(self) -> None:
        note = self.text(texts.ACCEPT_NOTES)
        actions.assess_request(by=self.by, case=self.case, decision=actions.Decision.ACCEPT, note=note)
        self.guardians = actions.custodial_guardians(self.child)

    # Meetings

    def _book(self, kind: str, day: date, neutral: bool, people: list[actions.ParticipantInput]) -> Meeting:
        place = self.rng.choice(texts.NEUTRAL_ARENAS if neutral else texts.INFORMATION_PLACES)
        return actions.book_meeting(
            by=self.by, case=self.case, kind=kind, starts_at=self.at(day, 9, 15), place=place,
            neutral_arena=neutral, participants=people,
        )  # fmt: skip

    def _guardians_and_team(self) -> list[actions.ParticipantInput]:
        people = [actions.ParticipantInput(_name(g), ParticipantRole.GUARDIAN) for g in self.guardians]
        return [*people, actions.ParticipantInput(_name(self.by), ParticipantRole.TEAM)]

    def _network_people(self) -> list[actions.ParticipantInput]:
        return [
            *self._guardians_and_team(),
            actions.ParticipantInput(self.child.first_name, ParticipantRole.CHILD),
            actions.ParticipantInput(self.mentor, ParticipantRole.TRUSTED_ADULT),
            actions.ParticipantInput(_name(self.requester), ParticipantRole.SCHOOL_STAFF),
        ]

    def _hold(self, meeting: Meeting, notes: str) -> None:
        """Everyone came, except now and then one of two guardians."""
        participants = list(meeting.participants.order_by("pk").values_list("pk", "role"))
        guardians = [pk for pk, role in participants if role == ParticipantRole.GUARDIAN]
        absent = guardians[1:] if len(guardians) > 1 and self.rng.random() < 0.2 else []
        attended = [pk for pk, _role in participants if pk not in absent]
        actions.record_meeting_notes(by=self.by, meeting=meeting, notes=notes, attended_ids=attended)

    def book_information_meeting(self) -> None:
        self._book(MeetingKind.INFORMATION, self.future_meeting_day(), False, self._guardians_and_team())

    def information_meeting(self) -> None:
        meeting = self._book(MeetingKind.INFORMATION, self.day("information"), False, self._guardians_and_team())
        self._hold(meeting, self.text(texts.INFORMATION_NOTES))

    def book_network_meeting(self) -> None:
        self._book(MeetingKind.NETWORK, self.future_meeting_day(), True, self._network_people())

    def network_meeting(self) -> None:
        self.network = self._book(MeetingKind.NETWORK, self.day("network"), True, self._network_people())
        self._hold(self.network, self.text(texts.NETWORK_NOTES))
        self.agree_plan()
        self.measure(Occasion.START, self.day("information"), (50, 75), (4, 5), (1, 2))

    # Consent and the analysis

    def consent(self) -> None:
        rng, given_on = self.rng, self.day("information")
        method = rng.choices((ConsentMethod.WRITTEN, ConsentMethod.DIGITAL, ConsentMethod.VERBAL), (6, 3, 1))[0]
        young = self.child.birth_date.year > self.today.year - 9
        categories = (*CONSENT_CATEGORIES, Category.STORY) if rng.random() < 0.5 else CONSENT_CATEGORIES
        given = actions.ConsentInput(
            guardians=self.guardians,
            parties=CONSENT_PARTIES,
            categories=categories,
            method=method,
            given_on=given_on,
            valid_until=given_on + timedelta(days=CONSENT_DAYS),
            child_agreement=ChildAgreement.NOT_ASKED if young else self._child_agreement(),
            witness=rng.choice(texts.WITNESSES) if method == ConsentMethod.VERBAL else "",
            share_with=(Origin.SCHOOL,),
            share_categories=SHARED_WITH_SCHOOL,
            young_person=(YoungPersonAnswer.GIVES if actions.age_on(self.child, given_on) >= YOUNG_PERSON_AGE else ""),
        )
        self.recorded_consent = actions.record_consent(by=self.by, case=self.case, given=given)

    def _child_agreement(self) -> str:
        return self.rng.choices((ChildAgreement.AGREES, ChildAgreement.HESITANT), (4, 1))[0]

    def stories(self) -> None:
        tellers = (
            (Teller.GUARDIANS, texts.GUARDIAN_STORIES, self.responsible("guardians")),
            (Teller.SCHOOL, texts.SCHOOL_STORIES, f"{self.mentor}, mentor"),
            (Teller.CHILD, texts.CHILD_STORIES, self.child.first_name),
        )
        for days, (teller, stories, told_by) in zip((2, 5, 8), tellers, strict=True):
            told_on = min(self.today, self.day("information") + timedelta(days=days + self.rng.randint(0, 4)))
            actions.record_story(
                by=self.by, case=self.case, teller=teller, told_by=told_by, told_on=told_on, text=self.text(stories)
            )

    def needs(self) -> None:
        for area in FocusArea.values:
            options = [need for need in texts.NEEDS if need[0] == area]
            chosen = [self.rng.choice([need for need in options if need[1] == NeedKind.NEED])]
            if self.rng.random() < (0.6 if self.plan.detailed else 0.2):
                chosen.append(self.rng.choice([need for need in options if need[1] != NeedKind.NEED]))
            for _area, kind, aspect, text in chosen:
                actions.record_need(by=self.by, case=self.case, area=area, kind=kind, aspect=aspect, text=text)

    def interventions(self) -> None:
        """One in each focus area in the showcase; elsewhere in two of them (each is an action to time)."""
        start = self.day("interventions")
        areas = FocusArea.values if self.plan.detailed else sorted(self.rng.sample(FocusArea.values, 2))
        for area in areas:
            _area, kind, description, who = self.rng.choice([i for i in texts.INTERVENTIONS if i[0] == area])
            actions.propose_intervention(
                by=self.by, case=self.case, area=area, kind=kind, description=description,
                responsible=self.responsible(who), start_on=start, end_on=start + timedelta(days=120),
            )  # fmt: skip

    def _set_interventions(self, status: str) -> None:
        """Interventions go on and are done: only in the showcase (each is one more action to time at size large)."""
        if not self.plan.detailed:
            return
        for intervention in self.case.interventions.all():
            actions.set_intervention_status(by=self.by, intervention=intervention, status=status)

    # The plan and the follow-ups

    def agree_plan(self) -> None:
        agreed_on = self.day("network")
        goals = [
            {"text": self.text(goal), "child_words": words}
            for goal, words in self.rng.sample(texts.GOALS, self.rng.randint(2, 3))
        ]
        plan_actions = [
            {"text": self.text(text), "responsible": self.responsible(who), "due": str(self.day("first_follow_up"))}
            for text, who in self.rng.sample(texts.PLAN_ACTIONS, 3)
        ]
        plan = actions.PlanInput(
            agreed_on=agreed_on,
            goals=goals,
            actions=plan_actions,
            next_follow_up=self.day("first_follow_up"),
            overall_responsible=self.responsible("team"),
            meeting=self.network,
        )
        actions.agree_plan(by=self.by, case=self.case, plan=plan)

    def measure(
        self, occasion: str, day: date, attendance: tuple[int, int], conflicts: tuple[int, int], heard: tuple[int, int]
    ) -> None:
        outcome = actions.OutcomeInput(
            measured_on=day,
            occasion=occasion,
            attendance_percent=self.rng.randint(*attendance),
            home_conflicts=self.rng.randint(*conflicts),
            listened_to=self.rng.randint(*heard),
        )
        actions.record_outcome(by=self.by, case=self.case, outcome=outcome)

    def _follow_up(self, done_on: date, next_due: date | None) -> None:
        follow_up = self.case.follow_ups.get(done_on__isnull=True)
        notes = self.text(texts.FOLLOW_UP_NOTES)
        actions.complete_follow_up(by=self.by, follow_up=follow_up, done_on=done_on, notes=notes, next_due=next_due)

    def first_follow_up(self) -> None:
        self._set_interventions(InterventionStatus.ONGOING)
        self.measure(Occasion.FOLLOW_UP, self.day("first_follow_up"), (76, 88), (2, 3), (3, 4))
        self._follow_up(self.day("first_follow_up"), self.day("last_follow_up"))

    def last_follow_up(self) -> None:
        self._set_interventions(InterventionStatus.DONE)
        self.measure(Occasion.CLOSURE, self.day("last_follow_up"), (89, 98), (1, 2), (4, 5))
        self._follow_up(self.day("last_follow_up"), None)

    # Closure

    def close(self) -> None:
        reason = CLOSURE_REASONS[self.plan.scenario]
        actions.close_case(by=self.by, case=self.case, reason=reason, note=self.text(texts.CLOSURE_NOTES[reason]))

    def withdraw(self) -> None:
        assert self.recorded_consent is not None
        guardian = self.rng.choice(self.guardians)
        note = self.text(texts.WITHDRAWAL_NOTES)
        actions.withdraw_consent(by=self.by, consent=self.recorded_consent, guardian=guardian, note=note)

    # Running and back-dating

    def run(self) -> TsiCase:
        for step in STEPS[self.plan.scenario]:
            getattr(self, step)()
        self.backdate()
        return self.case

    def backdate(self) -> None:
        """Move the times the actions stamped "now" back to the days of the timeline."""
        since_step = ANCHORS[self.plan.scenario][3]
        requested_at = self.at(self.day("request"))
        stage_since = requested_at if since_step == "request" else self.at(self.day(since_step), 9, 16)
        closed_at = stage_since if self.case.stage == CaseStage.CLOSED else None
        TsiCase.objects.filter(pk=self.case.pk).update(
            requested_at=requested_at, stage_since=stage_since, closed_at=closed_at
        )
        if self.plan.scenario == S.WITHDRAWN and self.recorded_consent is not None:
            Consent.objects.filter(pk=self.recorded_consent.pk).update(withdrawn_at=closed_at)


# --- all of it --------------------------------------------------------------------------------------------------


@contextmanager
def audit_request_id(value: str) -> Iterator[None]:
    token = current_request_id.set(value)
    try:
        yield
    finally:
        current_request_id.reset(token)


def write_cases(
    structure: Structure, logins: list[DemoLogin], rng: random.Random, *, count: int, seed: int
) -> Counter[str]:
    """Plan and write `count` TSI cases (none if 0) and count them by stage."""
    if count <= 0 or not structure.joint_teams:
        return Counter()
    today = timezone.localdate()
    school_ids = [school.unit.pk for school in structure.schools if school.plan.is_school]
    plans = plan_cases(eligible_pupils(school_ids), structure.demo_school.unit.pk, count, rng, today, seed)
    cast = cast_for(structure, logins)
    children = Child.objects.in_bulk([plan.pupil.child_id for plan in plans])
    with audit_request_id(AUDIT_REQUEST_ID):
        for plan in plans:
            CaseRun(plan, cast, children[plan.pupil.child_id], today).run()
    return case_counts(structure)


def case_counts(structure: Structure) -> Counter[str]:
    stages = TsiCase.objects.filter(municipality=structure.municipality).values_list("stage").annotate(Count("pk"))
    counts = Counter({f"tsi_{stage}": number for stage, number in stages})
    counts["tsi_cases"] = sum(counts.values())
    return counts
